//! Installing and removing keygate's hooks, reversibly: in one repository (`local`, with the
//! hook managers of `managers`), or for every repository of the user (`global`).
//!
//! Nothing here prints: the functions return what they did (`outcome`), and `cli::install`
//! reports it.

mod files;
mod global;
mod local;
mod managers;
mod outcome;

pub use files::{runs_keygate, HOOK_NAME};
pub use global::{install_global, uninstall_global};
pub use local::{install, install_pre_push, uninstall, uninstall_pre_push};
pub use managers::manager;
pub use outcome::{GlobalInstalled, Installed, Manager, Uninstalled};

//! Reports: the [`Report`] every check produces ([`model`]), and the one entry point that writes
//! it in a format; each format is one module that never decides anything but its own layout.

pub mod human;
pub mod json;
pub mod model;
pub mod sarif;

use std::io::Write;

pub use model::{Color, Format, Mode, Report, RuleInfo};

/// Writes `report` in `format`. `to_terminal` says whether `out` is standard output on a tty.
pub fn write(
    report: &Report,
    format: Format,
    color: Color,
    to_terminal: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        Format::Human => human::write(report, human::use_color(color, to_terminal), out),
        Format::Json => json::write(report, out),
        Format::Sarif => sarif::write(report, out),
    }
}

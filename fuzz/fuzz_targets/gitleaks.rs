#![no_main]
//! `keygate::fuzzing::gitleaks` on arbitrary text (bytes that are not UTF-8 are skipped: the file
//! is read as UTF-8 and fails before parsing otherwise).

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = keygate::fuzzing::gitleaks(text);
    }
});

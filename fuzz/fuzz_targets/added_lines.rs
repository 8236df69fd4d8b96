#![no_main]
//! `keygate::fuzzing::added_lines` on arbitrary bytes.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = keygate::fuzzing::added_lines(data);
});

#![no_main]
//! `keygate::fuzzing::scan` on arbitrary bytes.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = keygate::fuzzing::scan(data);
});

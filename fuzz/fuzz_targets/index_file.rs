#![no_main]
//! `keygate::fuzzing::index_file` on arbitrary bytes.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = keygate::fuzzing::index_file(data);
});

//! One seed per test run, so that a failure can be replayed. Every random value the tests draw
//! (fake secrets, the accuracy corpus) comes from it. It is read from `KEYGATE_TEST_SEED`, or else
//! drawn from the clock once per process, and a failing test that drew from it ends its output
//! with `test seed: N (rerun with KEYGATE_TEST_SEED=N)`.
//!
//! Each test draws from its own stream, derived from the seed and the test's name (libtest runs
//! every test on a thread named after it), so what a test draws depends on the seed alone: not on
//! which other tests run, in what order, or on how many threads.

use std::cell::{Cell, RefCell};
use std::sync::OnceLock;

use super::rng::Rng;

/// The environment variable that fixes the seed.
pub const ENV: &str = "KEYGATE_TEST_SEED";

thread_local! {
    /// The calling test's stream, made on its first draw.
    static STREAM: RefCell<Option<Rng>> = const { RefCell::new(None) };
    /// Whether the calling test used the seed (only then does its failure print it).
    static USED: Cell<bool> = const { Cell::new(false) };
}

/// The run's seed: `KEYGATE_TEST_SEED` when set, else drawn from the clock; the same for the
/// whole process. Marks the calling test as depending on it.
pub fn run_seed() -> u64 {
    static SEED: OnceLock<u64> = OnceLock::new();
    let seed = *SEED.get_or_init(|| {
        let seed = match std::env::var(ENV) {
            Ok(text) => text
                .trim()
                .parse()
                .unwrap_or_else(|_| panic!("{ENV}={text:?} is not a whole number")),
            Err(_) => from_clock(),
        };
        print_on_failure(seed);
        seed
    });
    USED.with(|used| used.set(true));
    seed
}

/// A seed derived from the run's seed and `label`: the same label gives the same value under the
/// same run seed.
pub fn derive(label: &str) -> u64 {
    // FNV-1a over the label, starting from the run seed; `Rng::new` mixes the result further.
    label
        .bytes()
        .fold(run_seed() ^ 0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
}

/// Runs `f` with the calling test's stream, seeded from the run seed and the test's name.
pub fn with_test_rng<T>(f: impl FnOnce(&Rng) -> T) -> T {
    STREAM.with(|stream| {
        let mut stream = stream.borrow_mut();
        let rng = stream.get_or_insert_with(|| {
            Rng::new(derive(std::thread::current().name().unwrap_or("main")))
        });
        f(rng)
    })
}

/// A seed that differs from run to run (and between processes started in the same nanosecond).
fn from_clock() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    // Kept below 2^53 so that it survives being pasted through tools that read numbers as floats.
    Rng::new(nanos ^ u64::from(std::process::id()) << 32).next_u64() >> 11
}

/// Installs, once, a panic hook that runs the previous one and then names the seed, when the
/// panicking test used it. The line lands in the failing test's captured output.
fn print_on_failure(seed: u64) {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        previous(info);
        if USED.try_with(Cell::get).unwrap_or(false) {
            eprintln!("test seed: {seed} (rerun with {ENV}={seed})");
        }
    }));
}

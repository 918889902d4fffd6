//! A small, deterministic mutation fuzzer for the tests of every reader (`docs/hardening.md`).
//!
//! `cargo fuzz` needs a nightly toolchain and libFuzzer, which CI does not have; these tests run
//! the same entry points under `cargo test` instead: each case takes a file of the seed corpus
//! (`tests/fuzz-corpus/`), applies one to four random mutations (byte flips, interesting bytes,
//! deletions, duplications, dictionary tokens such as `1e308`, `NaN`, `\u0000`, a lone `0xC3`,
//! truncation, splices with another seed) and hands the bytes to the reader, which must answer
//! without panicking. A case is reproducible from its seed.
//!
//! Budget: [`cases`] reads `ROTA_FUZZ_CASES` (per target; default [`DEFAULT_CASES`]) so the
//! suite stays short, and a longer run raises it.

use std::path::{Path, PathBuf};

use crate::rng::Rng;

/// Cases per target in the test suite.
pub const DEFAULT_CASES: usize = 300;

/// Cases per target: `ROTA_FUZZ_CASES`, else `default`.
pub fn cases(default: usize) -> usize {
    std::env::var("ROTA_FUZZ_CASES").ok().and_then(|v| v.trim().parse().ok()).unwrap_or(default)
}

/// The first seed: `ROTA_FUZZ_SEED`, else 1 (every run of the suite tries the same inputs).
pub fn first_seed() -> u64 {
    std::env::var("ROTA_FUZZ_SEED").ok().and_then(|v| v.trim().parse().ok()).unwrap_or(1)
}

/// Tokens worth inserting into text formats: extreme numbers, JSON and CSV syntax, bad UTF-8.
pub const DICTIONARY: &[&[u8]] = &[
    b"1e308",
    b"-1e308",
    b"1e999",
    b"NaN",
    b"inf",
    b"-0",
    b"0",
    b"-1",
    b"4294967296",
    b"18446744073709551616",
    b"9999-12-31",
    b"0000-01-01",
    b"24:00",
    b"99:99",
    b"null",
    b"true",
    b"\"\"",
    b"[]",
    b"{}",
    b"[[[[",
    b"\"\\u0000\"",
    b"\\ud800",
    b",",
    b";",
    b"\"",
    b":",
    b"..",
    b"\n",
    b"\r\n",
    b"\xEF\xBB\xBF",
    b"\xC3",
    b"\xFF",
    b"\xFC",
    b"\x00",
];

/// One mutated input from `seeds` (at least one seed).
pub fn mutate(rng: &mut Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut data = seeds[rng.below(seeds.len())].clone();
    let rounds = 1 + rng.below(4);
    for _ in 0..rounds {
        let len = data.len();
        let at = if len == 0 { 0 } else { rng.below(len) };
        match rng.below(9) {
            0 if len > 0 => data[at] ^= 1 << rng.below(8),
            1 if len > 0 => {
                data[at] = [0x00, 0xFF, 0x80, b'"', b'{', b'}', b',', b':', b'-', b'9', b'e'][rng.below(11)]
            }
            2 if len > 0 => {
                let n = 1 + rng.below(len.min(64));
                data.drain(at..(at + n).min(len));
            }
            3 if len > 0 => {
                let n = 1 + rng.below(len.min(256));
                let piece = data[at..(at + n).min(len)].to_vec();
                let to = rng.below(data.len() + 1);
                data.splice(to..to, piece);
            }
            4 => {
                let token = DICTIONARY[rng.below(DICTIONARY.len())];
                data.splice(at..at, token.iter().copied());
            }
            5 if len > 0 => data.truncate(at),
            6 => {
                // Replace a number (a run of digits) with a dictionary number.
                if let Some(start) = (at..len).find(|&i| data[i].is_ascii_digit()) {
                    let end = (start..len).find(|&i| !data[i].is_ascii_digit() && data[i] != b'.').unwrap_or(len);
                    let token = DICTIONARY[rng.below(11)];
                    data.splice(start..end, token.iter().copied());
                }
            }
            7 => {
                // Splice: the head of this input, the tail of another.
                let other = &seeds[rng.below(seeds.len())];
                let cut = if other.is_empty() { 0 } else { rng.below(other.len()) };
                data.truncate(at);
                data.extend_from_slice(&other[cut..]);
            }
            _ => {
                // Duplicate a line (a CSV row, a JSON member on its own line).
                let line_start = data[..at].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
                let line_end = data[at..].iter().position(|&b| b == b'\n').map_or(len, |i| at + i + 1);
                let line = data[line_start..line_end].to_vec();
                data.splice(line_end..line_end, line);
            }
        }
    }
    data
}

/// The seed files of a corpus directory (sorted by name, sub-directories excluded).
pub fn seed_files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files.into_iter().map(|p| (p.clone(), std::fs::read(&p).unwrap_or_default())).collect()
}

/// Runs `target` on `n` mutated inputs of `seeds` (and on every seed itself first); a panic in
/// the target fails with the case's seed and a file holding its bytes, so it can be replayed.
pub fn run(name: &str, seeds: &[Vec<u8>], n: usize, mut target: impl FnMut(&[u8])) -> usize {
    assert!(!seeds.is_empty(), "{name}: no seed inputs");
    for seed in seeds {
        target(seed);
    }
    let first = first_seed();
    for case in 0..n as u64 {
        let seed = first.wrapping_add(case);
        let mut rng = Rng::new(seed ^ 0x5eed_f00d);
        let input = mutate(&mut rng, seeds);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| target(&input)));
        if let Err(panic) = result {
            let file = std::env::temp_dir().join(format!("rota-fuzz-{name}-{seed}.bin"));
            let _ = std::fs::write(&file, &input);
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            panic!("fuzz target {name} panicked on case seed {seed} (input saved to {}): {message}", file.display());
        }
    }
    seeds.len() + n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutation_is_deterministic_and_changes_the_input() {
        let seeds = vec![b"{\"a\": 12, \"b\": [1, 2]}\nline two\n".to_vec()];
        let a: Vec<Vec<u8>> = (0..50).map(|s| mutate(&mut Rng::new(s), &seeds)).collect();
        let b: Vec<Vec<u8>> = (0..50).map(|s| mutate(&mut Rng::new(s), &seeds)).collect();
        assert_eq!(a, b);
        assert!(a.iter().filter(|m| **m != seeds[0]).count() > 40);
    }
}

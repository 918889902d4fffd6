//! The file formats: `rota-problem/1` and `rota-plan/1` (serde DTOs with JSON Schemas).

pub mod plan;
pub mod policy;
pub mod problem;

pub use plan::*;
pub use policy::*;
pub use problem::*;

/// JSON Schema of the problem file.
pub fn problem_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Problem)).expect("schema serialises")
}

/// JSON Schema of the plan file.
pub fn plan_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Plan)).expect("schema serialises")
}

/// FNV-1a 64-bit hash, hex. Stable across platforms and versions (unlike `std`'s hasher).
pub fn fingerprint(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// Fingerprint of a problem: hash of its canonical (re-serialised) JSON.
pub fn problem_fingerprint(problem: &Problem) -> String {
    fingerprint(&serde_json::to_vec(problem).unwrap_or_default())
}

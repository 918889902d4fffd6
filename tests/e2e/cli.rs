//! Running the `rota` binary built by this `cargo test`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

/// The `rota` binary Cargo built for these tests.
pub fn rota_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_rota"))
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn rota(args: &[&str]) -> Run {
    let Output { status, stdout, stderr } =
        Command::new(rota_binary()).args(args).current_dir(root()).output().expect("run rota");
    let run = Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    };
    assert!(!run.stderr.contains("panicked"), "rota {args:?} panicked:\n{}", run.stderr);
    run
}

/// A fresh scratch directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rota-e2e-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

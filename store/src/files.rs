//! Problem and plan files: read with errors that name the file, written atomically (a crash
//! never leaves a half-written plan behind).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use rota_solver::diagnostics::Diagnostics;
use rota_solver::format::{PLAN_FORMAT, Plan, Problem};
use rota_solver::validate;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FileError {
    #[error("{path}: cannot read: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path}: cannot write: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    /// The content is wrong; every problem found is listed.
    #[error("{path}: {} problem(s):\n{diagnostics}", diagnostics.len())]
    Invalid { path: PathBuf, diagnostics: Diagnostics },
}

impl FileError {
    /// Bad input (as opposed to a failure of the machine).
    pub fn is_bad_input(&self) -> bool {
        matches!(self, FileError::Invalid { .. } | FileError::Read { .. })
    }
}

pub fn read_text(path: &Path) -> Result<String, FileError> {
    fs::read_to_string(path).map_err(|source| FileError::Read { path: path.to_path_buf(), source })
}

/// Reads and parses a problem file (meaning is checked by [`validate::compile`]).
pub fn read_problem(path: &Path) -> Result<Problem, FileError> {
    let text = read_text(path)?;
    validate::parse_problem(&text).map_err(|diagnostics| FileError::Invalid { path: path.to_path_buf(), diagnostics })
}

/// Reads a plan file.
pub fn read_plan(path: &Path) -> Result<Plan, FileError> {
    let text = read_text(path)?;
    let invalid = |record: &str, field: String, message: String| {
        let mut diagnostics = Diagnostics::default();
        diagnostics.push(record, field, message);
        FileError::Invalid { path: path.to_path_buf(), diagnostics }
    };
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| invalid("file", String::new(), format!("not valid JSON: {e}")))?;
    match value.get("format").and_then(|f| f.as_str()) {
        Some(PLAN_FORMAT) => {}
        Some(other) => {
            return Err(invalid("file", "format".into(), format!("expected {PLAN_FORMAT:?}, got {other:?}")));
        }
        None => {
            return Err(invalid(
                "file",
                "format".into(),
                format!("missing; a plan file has \"format\": {PLAN_FORMAT:?}"),
            ));
        }
    }
    serde_path_to_error::deserialize(value).map_err(|e| invalid("plan", e.path().to_string(), e.inner().to_string()))
}

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, synced, then
/// renamed over the target.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    let err = |source| FileError::Write { path: path.to_path_buf(), source };
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(err)
}

/// Writes any serialisable value as pretty JSON, atomically.
pub fn write_json<T: serde::Serialize>(path: &Path, value: &T) -> Result<(), FileError> {
    let mut bytes = serde_json::to_vec_pretty(value)
        .map_err(|e| FileError::Write { path: path.to_path_buf(), source: e.into() })?;
    bytes.push(b'\n');
    write_atomic(path, &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temporary() {
        let dir = std::env::temp_dir().join(format!("rota-files-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("plan.json");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "two");
        let leftovers: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
        let missing = dir.join("no/such/dir/plan.json");
        let err = write_atomic(&missing, b"x").unwrap_err().to_string();
        assert!(err.starts_with(&format!("{}: cannot write", missing.display())), "{err}");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn reading_names_the_file() {
        let err = read_problem(Path::new("/nonexistent/problem.json")).unwrap_err().to_string();
        assert!(err.starts_with("/nonexistent/problem.json: cannot read"), "{err}");
    }
}

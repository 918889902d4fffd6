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
    /// The file is not UTF-8 text.
    #[error("{path}: not UTF-8 text: line {line}, byte offset {offset}: {message}")]
    Encoding { path: PathBuf, line: usize, offset: usize, message: String },
    /// The content is wrong; every problem found is listed.
    #[error("{path}: {} problem(s):\n{diagnostics}", diagnostics.len())]
    Invalid { path: PathBuf, diagnostics: Diagnostics },
}

impl FileError {
    /// Bad input (as opposed to a failure of the machine).
    pub fn is_bad_input(&self) -> bool {
        matches!(self, FileError::Invalid { .. } | FileError::Read { .. } | FileError::Encoding { .. })
    }
}

/// Text decoded strictly as UTF-8.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// The text, without a leading byte-order mark.
    pub text: String,
    /// The file started with a UTF-8 byte-order mark (accepted and dropped).
    pub had_bom: bool,
}

/// Decodes a file's bytes as UTF-8, strictly: a leading UTF-8 byte-order mark is dropped (and
/// reported in [`Decoded::had_bom`]); anything that is not UTF-8 (Latin-1, Windows-1252,
/// UTF-16, binary) is refused, naming the line and the byte offset of the first bad byte —
/// never decoded lossily into "J�rgen".
pub fn decode_utf8(path: &Path, bytes: Vec<u8>) -> Result<Decoded, FileError> {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let had_bom = bytes.starts_with(BOM);
    let skip = if had_bom { BOM.len() } else { 0 };
    let refuse = |offset: usize, message: String| {
        let line = 1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count();
        FileError::Encoding { path: path.to_path_buf(), line, offset, message }
    };
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(refuse(0, "the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8".into()));
    }
    match std::str::from_utf8(&bytes[skip..]) {
        Ok(text) => Ok(Decoded { text: text.to_string(), had_bom }),
        Err(e) => {
            let offset = skip + e.valid_up_to();
            let bad = bytes[offset];
            let hint = if bad >= 0x80 && e.error_len().is_some() {
                " (Latin-1 or Windows-1252? save the file as UTF-8)"
            } else if e.error_len().is_none() {
                " (the file ends in the middle of a character: truncated?)"
            } else {
                ""
            };
            Err(refuse(offset, format!("byte 0x{bad:02X} is not valid UTF-8{hint}")))
        }
    }
}

/// Reads a text file, strictly UTF-8 (a leading byte-order mark is dropped).
pub fn read_text(path: &Path) -> Result<String, FileError> {
    read_decoded(path).map(|d| d.text)
}

/// Reads a text file, strictly UTF-8, saying whether it had a byte-order mark.
pub fn read_decoded(path: &Path) -> Result<Decoded, FileError> {
    let bytes = fs::read(path).map_err(|source| FileError::Read { path: path.to_path_buf(), source })?;
    decode_utf8(path, bytes)
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
    if let Some(key) = rota_solver::format::first_duplicate_key(&text) {
        return Err(invalid(
            "file",
            key,
            "this key appears twice in the same object; JSON keys must be unique (one value would be dropped)".into(),
        ));
    }
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
    fn latin1_text_is_refused_with_line_and_byte_offset_and_a_bom_is_accepted() {
        let p = Path::new("people.csv");
        let latin1 = b"id,name\nT1,J\xFCrgen M\xFCller\n".to_vec();
        let err = decode_utf8(p, latin1).unwrap_err().to_string();
        assert!(err.contains("people.csv: not UTF-8 text: line 2, byte offset 12: byte 0xFC"), "{err}");
        assert!(err.contains("Latin-1"), "{err}");
        let bom = b"\xEF\xBB\xBFid,name\nT1,J\xC3\xBCrgen\n".to_vec();
        let d = decode_utf8(p, bom).unwrap();
        assert!(d.had_bom);
        assert_eq!(d.text, "id,name\nT1,Jürgen\n");
        let utf16 = b"\xFF\xFEi\x00d\x00".to_vec();
        assert!(decode_utf8(p, utf16).unwrap_err().to_string().contains("UTF-16"));
        let cut = b"id\n\xC3".to_vec();
        assert!(decode_utf8(p, cut).unwrap_err().to_string().contains("truncated"));
    }

    #[test]
    fn a_plan_with_a_duplicated_key_is_refused() {
        let dir = std::env::temp_dir().join(format!("rota-files-dup-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("plan.json");
        fs::write(&path, r#"{"format": "rota-plan/1", "format": "rota-plan/1"}"#).unwrap();
        let err = read_plan(&path).unwrap_err().to_string();
        assert!(err.contains("format: this key appears twice"), "{err}");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn reading_names_the_file() {
        let err = read_problem(Path::new("/nonexistent/problem.json")).unwrap_err().to_string();
        assert!(err.starts_with("/nonexistent/problem.json: cannot read"), "{err}");
    }
}

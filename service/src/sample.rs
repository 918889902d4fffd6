//! The bundled Northvale sample as a database: what `rota init --sample` and the desktop app's
//! first start create. One function, so both get the same data.

use std::path::{Path, PathBuf};

use rota_solver::format::TravelSpec;
use rota_store::db::{Db, StoreError, master::Counts};

/// What [`create_sample_db`] stored.
#[derive(Clone, Debug)]
pub struct SampleCounts {
    pub master: Counts,
    /// Rows of the sample visit history (`fixtures/sample/history.csv`).
    pub history_rows: usize,
    /// Records of the sample provider performance (`fixtures/sample/performance.csv`).
    pub performance_records: usize,
}

impl std::fmt::Display for SampleCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}; {} visit-history rows, {} performance records",
            self.master, self.history_rows, self.performance_records
        )
    }
}

/// Creates a database at `path` (which must not exist) holding the Northvale sample: master
/// data and road network, the sample visit history (coverage forecasts) and provider
/// performance (ratings and scorecards). All or nothing: the database is built in a scratch
/// file next to `path` and only appears at `path` complete; on any error nothing is left.
pub fn create_sample_db(path: &Path) -> Result<SampleCounts, StoreError> {
    if path.to_str().is_some_and(rota_store::db::is_postgres_url) {
        // A PostgreSQL database exists already (the server creates databases): fill it if empty.
        // Each import is one transaction; a failure leaves the earlier imports in place.
        let db = Db::open(path)?;
        if db.problem()?.is_some() {
            let mut d = rota_solver::diagnostics::Diagnostics::default();
            d.push("database", "", "already holds master data; rota init never overwrites a database");
            return Err(StoreError::Invalid { path: db.path().to_path_buf(), diagnostics: d });
        }
        drop(db);
        return fill(path);
    }
    if std::fs::metadata(path).is_ok_and(|m| m.len() == 0) {
        // An empty file (e.g. from `touch`) is no database yet.
        let _ = std::fs::remove_file(path);
    }
    let scratch = scratch_path(path);
    remove_db_files(&scratch);
    let built = fill(&scratch);
    let placed = built.and_then(|counts| {
        // Appear complete or not at all; never replace a file that appeared meanwhile.
        std::fs::hard_link(&scratch, path)
            .or_else(|e| if path.exists() { Err(e) } else { std::fs::rename(&scratch, path) })
            .map_err(|e| StoreError::Corrupt {
                path: path.to_path_buf(),
                message: format!("cannot place the new database: {e}"),
            })?;
        Ok(counts)
    });
    remove_db_files(&scratch);
    placed
}

fn fill(scratch: &Path) -> Result<SampleCounts, StoreError> {
    let mut db = Db::create(scratch)?;
    let problem = rota_fixtures::sample_problem();
    let network = match &problem.travel {
        TravelSpec::Road { network, .. } => network.clone(),
        _ => "roads.json".into(),
    };
    let master = db.import_problem(
        Path::new("fixtures/sample/problem.json"),
        &problem,
        Some((&network, rota_fixtures::SAMPLE_ROADS_JSON.as_bytes())),
    )?;
    let history_rows =
        db.import_history(Path::new("fixtures/sample/history.csv"), rota_fixtures::SAMPLE_HISTORY_CSV)?;
    let performance_records =
        db.import_performance_csv(Path::new("fixtures/sample/performance.csv"), rota_fixtures::SAMPLE_PERFORMANCE_CSV)?;
    // Closing the only connection checkpoints the WAL into the file.
    drop(db);
    Ok(SampleCounts { master, history_rows, performance_records })
}

fn scratch_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "rota.db".into());
    path.with_file_name(format!(".{name}.creating-{}", std::process::id()))
}

fn remove_db_files(db: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_database_has_master_data_history_and_performance() {
        let dir = std::env::temp_dir().join(format!("rota-sample-db-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("s.db");
        let counts = create_sample_db(&path).unwrap();
        assert_eq!(counts.master.visits, 420);
        let db = Db::open(&path).unwrap();
        assert_eq!(db.history().unwrap().len(), counts.history_rows);
        assert!(counts.history_rows > 0 && counts.performance_records > 0, "{counts}");
        assert_eq!(db.integrity_check().unwrap(), "ok");
        drop(db);
        // Nothing but the database is left next to it (no scratch file).
        let others = || -> Vec<String> {
            std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| !n.starts_with("s.db"))
                .collect()
        };
        assert!(others().is_empty(), "{:?}", others());
        // A second creation refuses to replace it and leaves no scratch file either.
        let before = std::fs::read(&path).unwrap();
        assert!(create_sample_db(&path).is_err());
        assert!(others().is_empty(), "{:?}", others());
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }
}

//! The bundled samples as a database: what `rota init --sample [NAME]` and the desktop app's
//! first start create. One function, so both get the same data.
//!
//! * `northvale` (the default, and the test area): fictional, 40 × 40 km, 420 visits, with a
//!   year of visit history and provider performance records.
//! * `helsinki`: central Helsinki on real streets (OpenStreetMap, ODbL): its road network, and
//!   the area file next to the database (`<db>.area.mbtiles`: basemap tiles and the address
//!   index, `docs/areas.md`); no history or performance records.

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

/// A bundled sample service area.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Sample {
    #[default]
    Northvale,
    Helsinki,
}

/// The environment variable that picks the sample of the desktop app's first start.
pub const SAMPLE_ENV: &str = "ROTA_SAMPLE";

impl Sample {
    pub const ALL: [Sample; 2] = [Sample::Northvale, Sample::Helsinki];

    pub fn name(self) -> &'static str {
        match self {
            Sample::Northvale => "northvale",
            Sample::Helsinki => "helsinki",
        }
    }

    /// `northvale` or `helsinki` (case and surrounding spaces aside).
    pub fn parse(text: &str) -> Option<Sample> {
        let t = text.trim().to_ascii_lowercase();
        Sample::ALL.into_iter().find(|s| s.name() == t)
    }

    /// The sample named by `$ROTA_SAMPLE` (unset or empty: Northvale).
    pub fn from_env_value(value: Option<&std::ffi::OsStr>) -> Result<Sample, String> {
        match value.map(|v| v.to_string_lossy().into_owned()) {
            None => Ok(Sample::Northvale),
            Some(v) if v.trim().is_empty() => Ok(Sample::Northvale),
            Some(v) => Sample::parse(&v)
                .ok_or_else(|| format!("{SAMPLE_ENV}={v:?}: unknown sample; expected one of: northvale, helsinki")),
        }
    }
}

/// Creates a database at `path` (which must not exist) holding the Northvale sample: master
/// data and road network, the sample visit history (coverage forecasts) and provider
/// performance (ratings and scorecards). All or nothing: the database is built in a scratch
/// file next to `path` and only appears at `path` complete; on any error nothing is left.
pub fn create_sample_db(path: &Path) -> Result<SampleCounts, StoreError> {
    create_named_sample_db(path, Sample::Northvale)
}

/// [`create_sample_db`] of any bundled sample. For Helsinki the area file is written next to
/// the database before the database appears (and removed again if it cannot).
pub fn create_named_sample_db(path: &Path, sample: Sample) -> Result<SampleCounts, StoreError> {
    if path.to_str().is_some_and(rota_store::db::is_postgres_url) {
        // A team's PostgreSQL database: filled in place (no scratch file to rename).
        return match sample {
            Sample::Northvale => fill(path),
            Sample::Helsinki => Err(StoreError::Corrupt {
                path: path.to_path_buf(),
                message: "the Helsinki sample needs an SQLite database (its area file lives next to it)".into(),
            }),
        };
    }
    if std::fs::metadata(path).is_ok_and(|m| m.len() == 0) {
        // An empty file (e.g. from `touch`) is no database yet.
        let _ = std::fs::remove_file(path);
    }
    let scratch = scratch_path(path);
    remove_db_files(&scratch);
    let built = match sample {
        Sample::Northvale => fill(&scratch),
        Sample::Helsinki => fill_helsinki(&scratch).and_then(|counts| {
            crate::area::install_area_bytes(rota_fixtures::HELSINKI_AREA_MBTILES, path).map_err(|e| {
                StoreError::Corrupt { path: path.to_path_buf(), message: format!("the area file: {e}") }
            })?;
            Ok(counts)
        }),
    };
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
    if placed.is_err() && sample == Sample::Helsinki && !path.exists() {
        let _ = std::fs::remove_file(rota_store::area::area_path_for(path));
    }
    placed
}

fn fill_helsinki(scratch: &Path) -> Result<SampleCounts, StoreError> {
    let mut db = Db::create(scratch)?;
    let problem: rota_solver::format::Problem =
        serde_json::from_str(rota_fixtures::HELSINKI_PROBLEM_JSON).map_err(|e| StoreError::Corrupt {
            path: "fixtures/helsinki/problem.json".into(),
            message: format!("the bundled Helsinki problem does not parse: {e}"),
        })?;
    let master = db.import_problem(
        Path::new("fixtures/helsinki/problem.json"),
        &problem,
        Some(("roads.json", rota_fixtures::HELSINKI_ROADS_JSON.as_bytes())),
    )?;
    drop(db);
    Ok(SampleCounts { master, history_rows: 0, performance_records: 0 })
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
    fn samples_are_named_and_chosen_by_the_environment() {
        assert_eq!(Sample::parse(" Helsinki "), Some(Sample::Helsinki));
        assert_eq!(Sample::from_env_value(None), Ok(Sample::Northvale));
        assert_eq!(Sample::from_env_value(Some(std::ffi::OsStr::new(""))), Ok(Sample::Northvale));
        assert_eq!(Sample::from_env_value(Some(std::ffi::OsStr::new("helsinki"))), Ok(Sample::Helsinki));
        let e = Sample::from_env_value(Some(std::ffi::OsStr::new("atlantis"))).unwrap_err();
        assert!(e.contains("ROTA_SAMPLE") && e.contains("atlantis"), "{e}");
    }

    #[test]
    fn the_helsinki_sample_has_its_area_file_next_to_it() {
        let dir = std::env::temp_dir().join(format!("rota-sample-helsinki-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("h.db");
        let counts = create_named_sample_db(&path, Sample::Helsinki).unwrap();
        assert_eq!((counts.master.visits, counts.master.technicians), (160, 16));
        let area = rota_store::area::AreaFile::open(&rota_store::area::area_path_for(&path)).unwrap();
        assert_eq!(area.info().attribution, rota_store::osm::OSM_ATTRIBUTION);
        // Every visit stands on an address of the index, inside one of the five districts.
        let problem = Db::open(&path).unwrap().problem().unwrap().unwrap();
        assert_eq!(problem.regions.len(), 5);
        for v in &problem.visits {
            let label = v.address.as_deref().expect("an address");
            let a = area.find(label).unwrap().unwrap_or_else(|| panic!("{label} is not in the index"));
            assert_eq!((a.lat, a.lon), (v.location.lat, v.location.lon), "{label}");
            assert!(rota_fixtures::helsinki::district_of(a.lon, a.lat).is_some(), "{label}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

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

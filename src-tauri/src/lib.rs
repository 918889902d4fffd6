//! # `rota-app`: the Tauri 2 shell of Rota
//!
//! A thin layer: each command of `ui/BACKEND.md` is a few lines over one
//! [`rota_service::desk::Desk`] (the dispatcher's desk on one SQLite plan database). What lives
//! here and nowhere else:
//!
//! - **which database**: `$ROTA_DB` if set, else `<app data dir>/rota.db`
//!   (`~/.local/share/org.rota.desktop/rota.db` on Linux), created with the bundled sample
//!   service area on first run ([`db_path`]);
//! - **threads**: the desk is opened on a background thread at start so the window shows at
//!   once; every command runs on Tauri's blocking pool (never on the window's main thread), and
//!   a command called before the desk is open waits for it;
//! - **errors**: every command returns `Result<_, BackendError>`, serialized as
//!   `{code, params, message}`; a database that cannot be opened is returned by every command
//!   (the UI shows it) and a panic inside the desk becomes the error `internal` instead of a
//!   promise that never settles;
//! - **events**: optimization progress is emitted as `optimize://progress`.
//!
//! [`build`] takes any [`Runtime`], so the tests build the real app (config, capabilities, CSP)
//! on Tauri's mock runtime and invoke its commands over IPC.

mod commands;
pub mod contract;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use rota_service::desk::{BackendError, Desk, OptimizeProgress, OptimizeSettings};
use tauri::{App, Builder, Emitter, Manager, Runtime};

/// The event carrying optimization progress (`OptimizeProgress`: run_id, fraction, phase,
/// best_objective).
pub const PROGRESS_EVENT: &str = "optimize://progress";

/// The environment variable naming the database file to open instead of the default.
pub const DB_ENV: &str = "ROTA_DB";

/// Optional: the time limit of an optimization run in seconds (default: the desk's, 10 s).
pub const OPTIMIZE_SECONDS_ENV: &str = "ROTA_OPTIMIZE_SECONDS";

/// How the app is started.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The database file; `None`: `$ROTA_DB`, else `<app data dir>/rota.db`.
    pub db: Option<PathBuf>,
    /// The time limit of optimization runs; `None`: `$ROTA_OPTIMIZE_SECONDS`, else the desk's.
    pub optimize_time_limit: Option<Duration>,
}

/// The database file to open: `env_db` (the value of `$ROTA_DB`) when set and not empty, else
/// `rota.db` in the app's data directory.
pub fn db_path(env_db: Option<&std::ffi::OsStr>, app_data_dir: &Path) -> PathBuf {
    match env_db {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => app_data_dir.join("rota.db"),
    }
}

/// Parses `$ROTA_OPTIMIZE_SECONDS` (a positive number of seconds).
pub fn optimize_time_limit(env: Option<&str>) -> Result<Option<Duration>, BackendError> {
    let Some(text) = env.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s <= 86_400.0 => Ok(Some(Duration::from_secs_f64(s))),
        _ => Err(BackendError::new(
            "invalid_setting",
            format!("{OPTIMIZE_SECONDS_ENV} must be a number of seconds in (0, 86400], got {text:?}"),
        )
        .with("setting", OPTIMIZE_SECONDS_ENV)
        .with("value", text)),
    }
}

type Opened = Result<Mutex<Desk>, BackendError>;

/// Where optimization progress goes (the `optimize://progress` event).
pub type ProgressSink = Arc<dyn Fn(OptimizeProgress) + Send + Sync>;

/// The desk behind every command, opened once (on a background thread at start, or by the
/// first command that needs it, whichever comes first).
#[derive(Clone)]
pub struct DeskState {
    inner: Arc<DeskInner>,
}

struct DeskInner {
    /// `Err`: where the database could not be determined (no data directory).
    path: Result<PathBuf, BackendError>,
    optimize_time_limit: Result<Option<Duration>, BackendError>,
    progress: ProgressSink,
    desk: OnceLock<Opened>,
}

impl DeskState {
    fn new(
        path: Result<PathBuf, BackendError>,
        optimize_time_limit: Result<Option<Duration>, BackendError>,
        progress: ProgressSink,
    ) -> Self {
        Self { inner: Arc::new(DeskInner { path, optimize_time_limit, progress, desk: OnceLock::new() }) }
    }

    /// The database this app works on.
    pub fn path(&self) -> Result<&Path, BackendError> {
        self.inner.path.as_deref().map_err(Clone::clone)
    }

    /// Where the optimizer's progress reports go.
    pub fn progress_sink(&self) -> ProgressSink {
        self.inner.progress.clone()
    }

    fn opened(&self) -> &Opened {
        self.inner.desk.get_or_init(|| {
            let path = self.inner.path.clone()?;
            let limit = self.inner.optimize_time_limit.clone()?;
            let desk = guarded(|| open_desk(&path, limit))?;
            tracing::info!(db = %path.display(), "plan database open");
            Ok(Mutex::new(desk))
        })
    }

    /// Runs `f` on the open desk (blocking: call it from the blocking pool). Opening errors
    /// are returned as they are; a panic inside `f` becomes the error `internal`.
    pub fn with<T>(&self, f: impl FnOnce(&mut Desk) -> Result<T, BackendError>) -> Result<T, BackendError> {
        let desk = self.opened().as_ref().map_err(Clone::clone)?;
        // A panic in an earlier command leaves the lock poisoned; the desk's state is rebuilt
        // from its database on each edit, so go on with it.
        let mut guard = desk.lock().unwrap_or_else(PoisonError::into_inner);
        guarded(|| f(&mut guard))
    }

    /// Runs `f` on the desk on Tauri's blocking thread pool.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Desk) -> Result<T, BackendError> + Send + 'static,
    ) -> Result<T, BackendError> {
        let this = self.clone();
        tauri::async_runtime::spawn_blocking(move || this.with(f))
            .await
            .map_err(|e| internal(format!("the command's thread failed: {e}")))?
    }
}

fn open_desk(path: &Path, limit: Option<Duration>) -> Result<Desk, BackendError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| {
            BackendError::new(
                "no_database",
                format!("cannot create the folder {} for the plan database: {e}", dir.display()),
            )
            .with("path", dir.display().to_string())
        })?;
    }
    let mut desk = Desk::open_or_create_sample(path)?;
    if let Some(time_limit) = limit {
        desk.set_optimize_settings(OptimizeSettings { time_limit, ..OptimizeSettings::default() });
    }
    Ok(desk)
}

fn internal(message: String) -> BackendError {
    BackendError::new("internal", message)
}

/// Runs `f`, turning a panic into the error `internal` (with the panic's text).
fn guarded<T>(f: impl FnOnce() -> Result<T, BackendError>) -> Result<T, BackendError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        let text = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        tracing::error!(panic = %text, "a command panicked");
        Err(internal(format!("internal error: {text}")))
    })
}

/// Builds the app on any runtime: the real window (`tauri::Wry`) or the mock runtime in tests.
pub fn build<R: Runtime>(builder: Builder<R>, options: Options) -> tauri::Result<App<R>> {
    let app = builder
        .invoke_handler(tauri::generate_handler![
            commands::load_problem,
            commands::load_regions,
            commands::load_plan,
            commands::list_plan_versions,
            commands::check_move,
            commands::move_visit,
            commands::unassign_visit,
            commands::set_lock,
            commands::undo,
            commands::redo,
            commands::undo_state,
            commands::find_slot,
            commands::emergency_options,
            commands::dispatch_emergency,
            commands::optimize_start,
            commands::optimize_result,
            commands::optimize_cancel,
            commands::optimize_accept,
            commands::optimize_discard,
            commands::kpis,
            commands::provider_scorecards,
            commands::route_lines,
            commands::coverage_report,
            commands::list_scenarios,
            commands::compare_scenarios,
            commands::scenario_create,
            commands::area_info,
            commands::map_tile,
            commands::search_address,
        ])
        .build(tauri::tauri_build_context!())?;
    // Managed right after building (not in a setup hook, which the mock runtime only runs with
    // the event loop), before any command can arrive.
    let path = match options.db {
        Some(p) => Ok(p),
        None => app.path().app_data_dir().map(|dir| db_path(std::env::var_os(DB_ENV).as_deref(), &dir)).map_err(|e| {
            BackendError::new(
                "no_database",
                format!("no user data directory to keep the plan database in ({e}); set {DB_ENV}=/path/to/rota.db"),
            )
        }),
    };
    let limit = match options.optimize_time_limit {
        Some(l) => Ok(Some(l)),
        None => optimize_time_limit(std::env::var(OPTIMIZE_SECONDS_ENV).ok().as_deref()),
    };
    let handle = app.handle().clone();
    let progress: ProgressSink = Arc::new(move |p: OptimizeProgress| {
        if let Err(e) = handle.emit(PROGRESS_EVENT, &p) {
            tracing::warn!("cannot emit {PROGRESS_EVENT}: {e}");
        }
    });
    let state = DeskState::new(path, limit, progress);
    app.manage(state.clone());
    // Open (and on first run create and plan) the database while the window loads.
    std::thread::Builder::new().name("rota-open-db".into()).spawn(move || {
        if let Err(e) = state.opened() {
            tracing::error!(code = %e.code, "cannot open the plan database: {e}");
        }
    })?;
    Ok(app)
}

/// The `rota-app` binary.
pub fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match build(tauri::Builder::default(), Options::default()) {
        Ok(app) => {
            app.run(|_, _| {});
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("rota-app: cannot start: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn rota_db_overrides_the_data_dir() {
        let dir = Path::new("/home/u/.local/share/org.rota.desktop");
        assert_eq!(db_path(Some(OsStr::new("/tmp/x.db")), dir), PathBuf::from("/tmp/x.db"));
        assert_eq!(db_path(Some(OsStr::new("")), dir), dir.join("rota.db"));
        assert_eq!(db_path(None, dir), dir.join("rota.db"));
    }

    #[test]
    fn optimize_seconds_are_validated() {
        assert_eq!(optimize_time_limit(None).unwrap(), None);
        assert_eq!(optimize_time_limit(Some(" ")).unwrap(), None);
        assert_eq!(optimize_time_limit(Some("2.5")).unwrap(), Some(Duration::from_millis(2500)));
        for bad in ["0", "-1", "ten", "NaN", "1e9"] {
            let e = optimize_time_limit(Some(bad)).unwrap_err();
            assert_eq!(e.code, "invalid_setting", "{bad}");
            assert_eq!(e.params["value"], bad);
        }
    }

    #[test]
    fn a_panic_becomes_an_internal_error() {
        let e = guarded::<()>(|| panic!("boom")).unwrap_err();
        assert_eq!(e.code, "internal");
        assert!(e.message.contains("boom"), "{}", e.message);
    }
}

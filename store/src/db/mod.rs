//! The SQLite store: master data and plan versions in one file (see `docs/store.md`).
//!
//! * Opened with WAL, foreign keys on, a busy timeout, `synchronous = FULL`; migrations
//!   ([`schema`]) run on open, so every file is at the latest schema.
//! * Master data is normalized, one table per concept ([`master`]); [`Db::snapshot`]
//!   materializes a `rota-problem/1` for a date range so the planner and checker run unchanged.
//! * Plan versions are immutable rows with their full `rota-plan/1` JSON plus normalized
//!   assignments; `head` holds the current version and a revision counter that every committed
//!   change increments (optimistic concurrency: [`Db::commit_plan_version`]).
//! * Every change is one transaction: it commits whole or not at all.

pub mod coverage;
pub mod master;
pub mod plans;
pub mod ratings;
pub mod schema;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rota_solver::diagnostics::Diagnostics;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};

pub use plans::{NewPlanVersion, PlanVersionInfo};

/// How long a writer waits for another writer (the app, another shard) before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("{}: database error: {source}", path.display())]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("{}: schema migration failed: {message}", path.display())]
    Migration { path: PathBuf, message: String },
    #[error("{}: {} problem(s); nothing was changed:\n{diagnostics}", path.display(), diagnostics.len())]
    Invalid { path: PathBuf, diagnostics: Diagnostics },
    #[error("{}: the stored data is damaged: {message}", path.display())]
    Corrupt { path: PathBuf, message: String },
    #[error("{}: no plan version {version}", path.display())]
    NoSuchPlan { path: PathBuf, version: i64 },
    #[error("{}: no master data yet (run `rota init` or `rota import … problem FILE`)", path.display())]
    Empty { path: PathBuf },
    #[error("{}: no database here (create one with `rota init --db {}`)", path.display(), path.display())]
    Missing { path: PathBuf },
    /// Someone committed a change after this run read its snapshot.
    #[error(
        "{}: conflict: the database changed while this run worked (revision {expected} read, now {found}{})",
        path.display(),
        by.as_deref().map(|b| format!(", last change by {b}")).unwrap_or_default()
    )]
    Conflict { path: PathBuf, expected: i64, found: i64, by: Option<String> },
}

impl StoreError {
    /// The user's input is at fault (exit code 2).
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            StoreError::Invalid { .. }
                | StoreError::NoSuchPlan { .. }
                | StoreError::Empty { .. }
                | StoreError::Missing { .. }
        )
    }
    pub fn is_conflict(&self) -> bool {
        matches!(self, StoreError::Conflict { .. })
    }
}

/// An open database.
pub struct Db {
    conn: Connection,
    path: PathBuf,
}

/// The head: which plan version is current, and the revision of the whole database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Head {
    pub current_plan_id: Option<i64>,
    pub revision: i64,
}

impl Db {
    /// Creates a database file (or opens an existing one) and migrates it to the latest schema.
    pub fn create(path: &Path) -> Result<Db, StoreError> {
        Self::open_with(path, true, Some(schema::LATEST))
    }

    /// Opens an existing database and migrates it to the latest schema.
    pub fn open(path: &Path) -> Result<Db, StoreError> {
        Self::open_with(path, false, Some(schema::LATEST))
    }

    /// Opens (creating if needed) and migrates only up to `version` — for migration tests.
    pub fn open_at_version(path: &Path, version: usize) -> Result<Db, StoreError> {
        Self::open_with(path, true, Some(version))
    }

    fn open_with(path: &Path, create: bool, version: Option<usize>) -> Result<Db, StoreError> {
        if !create && !path.exists() {
            return Err(StoreError::Missing { path: path.to_path_buf() });
        }
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if create {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let err = |source| StoreError::Sqlite { path: path.to_path_buf(), source };
        let mut conn = Connection::open_with_flags(path, flags).map_err(err)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(err)?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(err)?;
        conn.pragma_update(None, "synchronous", "FULL").map_err(err)?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(err)?;
        let migrations = schema::migrations();
        let migrated = match version {
            Some(v) if v < schema::LATEST => migrations.to_version(&mut conn, v),
            _ => migrations.to_latest(&mut conn),
        };
        migrated.map_err(|e| StoreError::Migration { path: path.to_path_buf(), message: e.to_string() })?;
        Ok(Db { conn, path: path.to_path_buf() })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The raw connection (read-only uses: tests, `PRAGMA integrity_check`).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn sql(&self) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
        move |source| StoreError::Sqlite { path: self.path.clone(), source }
    }

    /// `PRAGMA user_version`: the schema version.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        self.conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(self.sql())
    }

    /// `PRAGMA integrity_check`: `"ok"` when the file is sound.
    pub fn integrity_check(&self) -> Result<String, StoreError> {
        let rows: Vec<String> = self
            .conn
            .prepare("PRAGMA integrity_check")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .map_err(self.sql())?;
        Ok(rows.join("\n"))
    }

    pub fn head(&self) -> Result<Head, StoreError> {
        head(&self.conn).map_err(self.sql())
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction (the write lock is taken up front, so two
    /// writers queue on the busy timeout instead of failing half-way), bumping the revision.
    pub(crate) fn write<T>(
        &mut self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let path = self.path.clone();
        let err = |source| StoreError::Sqlite { path: path.clone(), source };
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(err)?;
        let value = f(&tx)?;
        tx.execute("UPDATE head SET revision = revision + 1 WHERE id = 1", []).map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(value)
    }
}

pub(crate) fn head(conn: &Connection) -> rusqlite::Result<Head> {
    conn.query_row("SELECT current_plan_id, revision FROM head WHERE id = 1", [], |r| {
        Ok(Head { current_plan_id: r.get(0)?, revision: r.get(1)? })
    })
}

#[cfg(test)]
mod tests;

//! The store: master data and plan versions in one database (see `docs/store.md`) — an embedded
//! SQLite file (the default, one dispatcher) or a PostgreSQL server (a team), chosen by the
//! database argument: a `postgres://…` URL is PostgreSQL, anything else a SQLite file path.
//!
//! * SQLite is opened with WAL, foreign keys on, a busy timeout, `synchronous = FULL`;
//!   PostgreSQL through a pooled, TLS-capable connection ([`backend`]). Migrations ([`schema`],
//!   [`schema_pg`]) run on open in one transaction, so every database is at the latest schema,
//!   and a database newer than the program is refused.
//! * Master data is normalized, one table per concept ([`master`]); [`Db::snapshot`]
//!   materializes a `rota-problem/1` for a date range so the planner and checker run unchanged.
//! * Plan versions are immutable rows with their full `rota-plan/1` JSON plus normalized
//!   assignments; `head` holds the current version and a revision counter that every committed
//!   change increments (optimistic concurrency: [`Db::commit_plan_version`]).
//! * Every change is one transaction: it commits whole or not at all.

pub mod backend;
pub mod coverage;
pub mod master;
pub mod plans;
pub mod ratings;
pub mod schema;
pub mod schema_pg;

use std::path::{Path, PathBuf};
use std::time::Duration;

use backend::{DbError, PgClient, Sql, Tx, args};
use rota_solver::diagnostics::Diagnostics;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};

pub use backend::is_postgres_url;

pub use plans::{NewPlanVersion, PlanVersionInfo};

/// How long a writer waits for another writer (the app, another shard) before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("{}: database error: {source}", path.display())]
    Database {
        path: PathBuf,
        #[source]
        source: DbError,
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
    backend: Backend,
    /// The file, or the URL without its password.
    path: PathBuf,
}

enum Backend {
    Sqlite(Connection),
    Pg(Box<PgClient>),
}

/// The head: which plan version is current, and the revision of the whole database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Head {
    pub current_plan_id: Option<i64>,
    pub revision: i64,
}

/// Which lock a transaction takes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lock {
    /// A write of the plan or master data: serialized with every other such write (SQLite
    /// `BEGIN IMMEDIATE`; PostgreSQL locks the `head` row).
    Write,
    /// A write outside the plan (scenarios, history): no head lock on PostgreSQL.
    Plain,
    /// One consistent read of several tables (SQLite deferred; PostgreSQL `REPEATABLE READ`).
    Read,
}

impl Db {
    /// Creates a database (a file, or the schema in an existing PostgreSQL database) or opens an
    /// existing one, and migrates it to the latest schema.
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
        if let Some(url) = path.to_str().filter(|p| is_postgres_url(p)) {
            return Self::open_pg(url, version);
        }
        if !create && !path.exists() {
            return Err(StoreError::Missing { path: path.to_path_buf() });
        }
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if create {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let err = |source: rusqlite::Error| StoreError::Database { path: path.to_path_buf(), source: source.into() };
        let mut conn = Connection::open_with_flags(path, flags).map_err(err)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(err)?;
        conn.set_prepared_statement_cache_capacity(64);
        conn.pragma_update(None, "journal_mode", "WAL").map_err(err)?;
        conn.pragma_update(None, "synchronous", "FULL").map_err(err)?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(err)?;
        let migrations = schema::migrations();
        let migrated = match version {
            Some(v) if v < schema::LATEST => migrations.to_version(&mut conn, v),
            _ => migrations.to_latest(&mut conn),
        };
        migrated.map_err(|e| StoreError::Migration { path: path.to_path_buf(), message: e.to_string() })?;
        Ok(Db { backend: Backend::Sqlite(conn), path: path.to_path_buf() })
    }

    fn open_pg(url: &str, version: Option<usize>) -> Result<Db, StoreError> {
        let path = PathBuf::from(backend::redact_url(url));
        let client = backend::pg_connect(url).map_err(|source| StoreError::Database { path: path.clone(), source })?;
        let target = version.unwrap_or(schema::LATEST).min(schema::LATEST);
        schema_pg::migrate(&client, target).map_err(|e| match e {
            schema_pg::MigrateError::Db(source) => StoreError::Database { path: path.clone(), source },
            schema_pg::MigrateError::TooNew { found } => StoreError::Migration {
                path: path.clone(),
                message: format!(
                    "the database is at schema version {found}, newer than this program's {}; use a newer Rota",
                    schema::LATEST
                ),
            },
        })?;
        Ok(Db { backend: Backend::Pg(Box::new(client)), path })
    }

    /// The file, or the PostgreSQL URL without its password.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Is this a PostgreSQL database?
    pub fn is_postgres(&self) -> bool {
        matches!(self.backend, Backend::Pg(_))
    }

    /// The raw SQLite connection (read-only uses in tests: dumps, `PRAGMA integrity_check`).
    ///
    /// # Panics
    /// On a PostgreSQL database; use [`Db::sql`] there.
    pub fn connection(&self) -> &Connection {
        match &self.backend {
            Backend::Sqlite(c) => c,
            Backend::Pg(_) => panic!("Db::connection is for SQLite databases only"),
        }
    }

    /// SQL on the database outside a transaction (reads).
    pub fn sql(&self) -> &dyn Sql {
        match &self.backend {
            Backend::Sqlite(c) => c,
            Backend::Pg(c) => c.as_ref(),
        }
    }

    /// The error of a failed database call, naming this database.
    pub(crate) fn db_err(&self) -> impl Fn(DbError) -> StoreError + use<> {
        let path = self.path.clone();
        move |source| StoreError::Database { path: path.clone(), source }
    }

    /// The schema version (`PRAGMA user_version` on SQLite, `rota_schema` on PostgreSQL).
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        let sql = match self.backend {
            Backend::Sqlite(_) => "PRAGMA user_version",
            Backend::Pg(_) => "SELECT version FROM rota_schema",
        };
        self.sql().query_one(sql, args![]).and_then(|r| r.get(0)).map_err(self.db_err())
    }

    /// `"ok"` when the database is sound: SQLite's `PRAGMA integrity_check`; on PostgreSQL (which
    /// checks its own pages) that the head row is there.
    pub fn integrity_check(&self) -> Result<String, StoreError> {
        match &self.backend {
            Backend::Sqlite(_) => {
                let rows = self.sql().query("PRAGMA integrity_check", args![]).map_err(self.db_err())?;
                let rows: Vec<String> =
                    rows.iter().map(|r| r.get(0)).collect::<Result<_, _>>().map_err(self.db_err())?;
                Ok(rows.join("\n"))
            }
            Backend::Pg(_) => match self.head() {
                Ok(_) => Ok("ok".into()),
                Err(e) => Ok(e.to_string()),
            },
        }
    }

    pub fn head(&self) -> Result<Head, StoreError> {
        head(self.sql()).map_err(self.db_err())
    }

    /// Begins a transaction with the given lock.
    pub(crate) fn begin(&mut self, lock: Lock) -> Result<Tx<'_>, StoreError> {
        let err = self.db_err();
        match &mut self.backend {
            Backend::Sqlite(c) => {
                let behavior = match lock {
                    Lock::Write | Lock::Plain => TransactionBehavior::Immediate,
                    Lock::Read => TransactionBehavior::Deferred,
                };
                let tx = c.transaction_with_behavior(behavior).map_err(|e| err(e.into()))?;
                Ok(Tx::Sqlite(tx))
            }
            Backend::Pg(c) => {
                let tx = c.begin(lock == Lock::Read).map_err(&err)?;
                if lock == Lock::Write {
                    tx.query("SELECT revision FROM head WHERE id = 1 FOR UPDATE", args![]).map_err(&err)?;
                }
                Ok(Tx::Pg(tx))
            }
        }
    }

    /// Runs `f` in one write transaction (the write lock is taken up front, so two writers queue
    /// instead of failing half-way), bumping the revision.
    pub(crate) fn write<T>(&mut self, f: impl FnOnce(&Tx<'_>) -> Result<T, StoreError>) -> Result<T, StoreError> {
        let err = self.db_err();
        let tx = self.begin(Lock::Write)?;
        let value = f(&tx)?;
        tx.execute("UPDATE head SET revision = revision + 1 WHERE id = 1", args![]).map_err(&err)?;
        tx.commit().map_err(&err)?;
        Ok(value)
    }
}

pub(crate) fn head(sql: &dyn Sql) -> Result<Head, DbError> {
    let r = sql.query_one("SELECT current_plan_id, revision FROM head WHERE id = 1", args![])?;
    Ok(Head { current_plan_id: r.get(0)?, revision: r.get(1)? })
}

#[cfg(test)]
mod tests;

//! Test support: a fresh database on either backend.
//!
//! The PostgreSQL half of the store's tests needs a server: `scripts/test.sh` starts a
//! throwaway one (`scripts/pg-test-server.sh`) and exports its URL as `ROTA_TEST_PG_URL`. Without
//! it the PostgreSQL tests fail under `CI=true` (CI must run them) and are skipped with a note on
//! stderr elsewhere (a developer's `cargo test` without a server).

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The environment variable naming the test server (`postgres://rota@127.0.0.1:PORT/postgres`).
pub const PG_URL_VAR: &str = "ROTA_TEST_PG_URL";

/// A fresh empty SQLite file path for a test (its directory is created, any old one removed).
pub fn sqlite_db(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("rota-store-{}-{n}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a temporary directory");
    dir.join("rota.db")
}

/// A fresh empty PostgreSQL database on the test server, as a URL, or `None` (with a note) when no
/// server is configured outside CI.
///
/// # Panics
/// Under `CI=true` without `ROTA_TEST_PG_URL`, or when the server cannot create the database.
pub fn pg_db(name: &str) -> Option<String> {
    let base = match std::env::var(PG_URL_VAR) {
        Ok(u) if !u.is_empty() => u,
        _ => {
            if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
                panic!(
                    "{PG_URL_VAR} is not set: CI must run the PostgreSQL store tests (scripts/test.sh starts the server)"
                );
            }
            eprintln!(
                "note: {PG_URL_VAR} is not set; the PostgreSQL half of {name} did not run \
                 (scripts/test.sh starts a server; or `scripts/pg-test-server.sh start DIR`)"
            );
            return None;
        }
    };
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let clean: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).take(30).collect();
    let db = format!("t{}_{n}_{clean}", std::process::id());
    let mut admin = postgres::Client::connect(&base, postgres::NoTls)
        .unwrap_or_else(|e| panic!("cannot connect to the test server {base}: {e}"));
    // One statement per call: CREATE DATABASE cannot run inside a (multi-statement) transaction.
    for sql in [format!("DROP DATABASE IF EXISTS {db}"), format!("CREATE DATABASE {db}")] {
        admin.batch_execute(&sql).unwrap_or_else(|e| {
            let cause = e.as_db_error().map_or_else(|| e.to_string(), |d| d.message().to_string());
            panic!("cannot create the test database {db}: {cause}")
        });
    }
    let (prefix, _) = base.rsplit_once('/').expect("a URL with a database name");
    Some(format!("{prefix}/{db}"))
}

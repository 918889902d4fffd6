use std::path::PathBuf;

use rota_store::db::Db;

use crate::failure::{Failure, Outcome, bad_input};

#[derive(clap::Args)]
pub struct Args {
    /// The SQLite database file to create.
    #[arg(long)]
    db: PathBuf,
    /// Load the bundled Northvale sample service area: master data, road network, a year of
    /// visit history (coverage forecasts) and provider performance (ratings) — all or nothing.
    #[arg(long)]
    sample: bool,
}

pub fn run(Args { db, sample }: Args) -> Outcome {
    if db.exists() && std::fs::metadata(&db).is_ok_and(|m| m.len() > 0) {
        return Err(bad_input(format!("{}: already exists; rota init never overwrites a database", db.display())));
    }
    if sample {
        let counts = rota_service::sample::create_sample_db(&db).map_err(store_failure)?;
        println!("{}: created with the Northvale sample: {counts}", db.display());
    } else {
        Db::create(&db).map_err(store_failure)?;
        println!("{}: created (empty; `rota import --db {} problem FILE` fills it)", db.display(), db.display());
    }
    Ok(0)
}

/// A store error with its exit code: 2 bad input, 3 conflict, 1 otherwise.
pub fn store_failure(e: rota_store::db::StoreError) -> Failure {
    let code = if e.is_bad_input() {
        2
    } else if e.is_conflict() {
        3
    } else {
        1
    };
    Failure { code, error: e.into() }
}

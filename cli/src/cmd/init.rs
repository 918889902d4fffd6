use std::path::PathBuf;

use rota_service::sample::Sample;
use rota_store::db::Db;

use crate::failure::{Failure, Outcome, bad_input};

#[derive(clap::Args)]
pub struct Args {
    /// The SQLite database file to create.
    #[arg(long)]
    db: PathBuf,
    /// Load a bundled sample service area, all or nothing: `northvale` (the default when no
    /// name is given: fictional; master data, road network, a year of visit history and provider
    /// performance) or `helsinki` (central Helsinki on real streets: master data, road network,
    /// and the area file next to the database with the basemap tiles and address index).
    #[arg(long, num_args = 0..=1, default_missing_value = "northvale", value_name = "NAME")]
    sample: Option<String>,
}

pub fn run(Args { db, sample }: Args) -> Outcome {
    if db.exists() && std::fs::metadata(&db).is_ok_and(|m| m.len() > 0) {
        return Err(bad_input(format!("{}: already exists; rota init never overwrites a database", db.display())));
    }
    if let Some(name) = sample {
        let sample = Sample::parse(&name)
            .ok_or_else(|| bad_input(format!("--sample {name:?}: unknown sample; expected northvale or helsinki")))?;
        let counts = rota_service::sample::create_named_sample_db(&db, sample).map_err(store_failure)?;
        match sample {
            Sample::Northvale => println!("{}: created with the Northvale sample: {counts}", db.display()),
            Sample::Helsinki => println!(
                "{}: created with the Helsinki centre sample: {counts}; area file {} (map data © OpenStreetMap contributors, ODbL 1.0)",
                db.display(),
                rota_store::area::area_path_for(&db).display()
            ),
        }
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

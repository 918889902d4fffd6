use std::path::PathBuf;

use rota_solver::travel::road::{RoadGraph, RoadNetwork};
use rota_store::db::Db;
use rota_store::export;
use rota_store::files::write_atomic;

use crate::cmd::init::store_failure;
use crate::failure::{Failure, Outcome, bad_input};

#[derive(clap::Args)]
pub struct Args {
    /// The SQLite database file.
    #[arg(long)]
    db: PathBuf,
    /// A version id (`7` or `v7`), `current` or `latest` (ignored for `--to problem`).
    #[arg(long, default_value = "current")]
    plan: String,
    /// `json` (rota-plan/1), `csv` (one row per stop), `geojson` (routes), `ical` (one .ics
    /// per technician into the directory `-o`), or `problem` (the master data as rota-problem/1).
    #[arg(long)]
    to: String,
    #[arg(short, long)]
    output: PathBuf,
}

pub fn run(Args { db, plan, to, output }: Args) -> Outcome {
    let mut store = Db::open(&db).map_err(store_failure)?;
    let problem = store
        .problem()
        .map_err(store_failure)?
        .ok_or_else(|| bad_input(format!("{}: no master data yet", db.display())))?;
    if to == "problem" {
        write_atomic(&output, rota_fixtures::problem_json(&problem).as_bytes())?;
        println!("{}: master data written as rota-problem/1", output.display());
        return Ok(0);
    }
    let id = store.resolve_version(plan.trim_start_matches('v')).map_err(store_failure)?;
    let doc = store.plan(id).map_err(store_failure)?;
    match to.as_str() {
        "json" => rota_store::files::write_json(&output, &doc)?,
        "csv" => write_atomic(&output, export::plan_csv(&doc).map_err(anyhow::Error::from)?.as_bytes())?,
        "geojson" => {
            let roads = road_graph(&mut store, &db)?;
            rota_store::files::write_json(&output, &export::plan_geojson(&doc, &problem, roads.as_ref()))?
        }
        "ical" => {
            std::fs::create_dir_all(&output).map_err(|e| bad_input(format!("{}: {e}", output.display())))?;
            let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
            let cals = export::plan_icalendars(&doc, &problem, id, &stamp);
            for (tech, text) in &cals {
                write_atomic(&output.join(format!("{}.ics", export::safe_file_name(tech))), text.as_bytes())?;
            }
            println!("{}: {} calendars (one per technician) of plan v{id}", output.display(), cals.len());
            return Ok(0);
        }
        other => {
            return Err(bad_input(format!("--to {other:?}: expected json, csv, geojson, ical or problem")));
        }
    }
    println!("{}: plan v{id} as {to}", output.display());
    Ok(0)
}

/// The stored road network of the problem's travel model, so exported routes follow the roads;
/// `None` for the straight-line travel models.
fn road_graph(store: &mut Db, db: &std::path::Path) -> Result<Option<RoadGraph>, Failure> {
    let Some(bytes) = store.snapshot().map_err(store_failure)?.roads_json else {
        return Ok(None);
    };
    let invalid = |m: String| bad_input(format!("{}: stored road network: {m}", db.display()));
    let network = RoadNetwork::from_json_slice(&bytes).map_err(|e| invalid(e.to_string()))?;
    let graph = RoadGraph::build(&network).map_err(|e| invalid(e.errors.join("; ")))?;
    Ok(Some(graph))
}

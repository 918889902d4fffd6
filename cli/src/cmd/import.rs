use std::path::PathBuf;

use rota_service::rota_solver::validate;
use rota_store::csv_import::CsvKind;
use rota_store::db::Db;

use crate::cmd::init::store_failure;
use crate::failure::{Outcome, bad_input};

#[derive(clap::Args)]
pub struct Args {
    /// The SQLite database file (created if missing).
    #[arg(long)]
    db: PathBuf,
    /// What the file holds: `problem` (rota-problem/1 JSON; replaces all master data), `roads`
    /// (rota-roads/1 JSON or OpenStreetMap .osm.pbf), `regions` (GeoJSON FeatureCollection), or a
    /// CSV of `skills`, `certifications`, `providers`, `technicians`, `visits`, `performance`, or the visit `history` for coverage
    /// forecasts (docs/csv.md).
    kind: String,
    /// The file to import.
    path: PathBuf,
    /// Name to store a road network under (default: the file name).
    #[arg(long)]
    name: Option<String>,
}

pub fn run(Args { db, kind, path, name }: Args) -> Outcome {
    let bytes = std::fs::read(&path).map_err(|e| bad_input(format!("{}: cannot read: {e}", path.display())))?;
    // Every text import decodes strictly as UTF-8 (docs/csv.md): a Latin-1 file is refused with
    // its line and byte offset, never stored as "J�rgen". An OpenStreetMap extract is binary.
    let is_pbf = kind == "roads" && path.to_string_lossy().to_lowercase().ends_with(".pbf");
    let decoded = if is_pbf {
        rota_store::files::Decoded { text: String::new(), had_bom: false }
    } else {
        rota_store::files::decode_utf8(&path, bytes).map_err(|e| bad_input(e.to_string()))?
    };
    if decoded.had_bom {
        eprintln!("note: {} starts with a UTF-8 byte-order mark; it was ignored", path.display());
    }
    let text = || decoded.text.clone();
    let mut store = Db::create(&db).map_err(store_failure)?;
    match kind.as_str() {
        "problem" => {
            let problem = validate::parse_problem(&text()).map_err(|d| {
                bad_input(format!("{}: {} problem(s); nothing was changed:\n{d}", path.display(), d.len()))
            })?;
            // A road network named by the problem is read next to it, as `rota solve` does.
            let mut roads = None;
            if let rota_service::rota_solver::format::TravelSpec::Road { network, .. } = &problem.travel {
                let file = path.parent().unwrap_or(std::path::Path::new(".")).join(network);
                if file.exists() {
                    let net = rota_store::osm::read_road_network(&file).map_err(|e| bad_input(e.to_string()))?;
                    roads = Some((network.clone(), serde_json::to_vec(&net).map_err(anyhow::Error::from)?));
                }
            }
            let counts = store
                .import_problem(&path, &problem, roads.as_ref().map(|(n, b)| (n.as_str(), b.as_slice())))
                .map_err(store_failure)?;
            println!("{}: imported {}: {counts}", db.display(), path.display());
        }
        "roads" => {
            let net = rota_store::osm::read_road_network(&path).map_err(|e| bad_input(e.to_string()))?;
            let name =
                name.unwrap_or_else(|| path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
            let json = serde_json::to_vec(&net).map_err(anyhow::Error::from)?;
            store.import_road_network(&name, &json).map_err(store_failure)?;
            println!(
                "{}: stored road network {name:?} ({} nodes, {} edges)",
                db.display(),
                net.nodes.len(),
                net.edges.len()
            );
        }
        "history" => {
            let n = rota_service::coverage::import_history(&db, &path).map_err(crate::cmd::coverage::failure)?;
            println!("{}: imported {n} history row(s) from {}", db.display(), path.display());
        }
        "regions" => {
            let n = store.import_regions_geojson(&path, &text()).map_err(store_failure)?;
            println!("{}: imported {n} region(s) from {}", db.display(), path.display());
        }
        "performance" => {
            let n = store.import_performance_csv(&path, &text()).map_err(store_failure)?;
            println!("{}: imported {n} performance record(s) from {}", db.display(), path.display());
        }
        other => {
            let kind = CsvKind::parse(other).ok_or_else(|| {
                bad_input(format!(
                    "unknown kind {other:?}: expected problem, roads, regions, history, performance, skills, certifications, providers, technicians or visits"
                ))
            })?;
            // Visits may give an address instead of lat/lon: placed from the database's area
            // file (docs/areas.md), or the file is refused naming every unknown address's row.
            let mut text = text();
            let mut placed = 0;
            if kind == CsvKind::Visits {
                let area_path = rota_store::area::area_path_for(&db);
                let area = rota_store::area::AreaFile::open(&area_path).ok();
                match rota_store::area::place_csv_addresses(&path, &text, area.as_ref(), &area_path) {
                    Ok(Some(p)) => (text, placed) = (p.text, p.placed),
                    Ok(None) => {}
                    Err(d) => {
                        return Err(bad_input(format!(
                            "{}: {} problem(s); nothing was changed:\n{d}",
                            path.display(),
                            d.len()
                        )));
                    }
                }
            }
            let n = store.import_csv(&path, kind, &text).map_err(store_failure)?;
            if placed > 0 {
                println!(
                    "{}: imported {n} {other} row(s) from {} ({placed} placed by their address)",
                    db.display(),
                    path.display()
                );
            } else {
                println!("{}: imported {n} {other} row(s) from {}", db.display(), path.display());
            }
        }
    }
    Ok(0)
}

//! `rota area`: service areas on real maps (`docs/areas.md`) — build the basemap tiles, road
//! network and address index from an OpenStreetMap extract, install them for a database, and
//! search its addresses.

use std::path::PathBuf;

use rota_service::area::{BuildError, build_area, install_area};
use rota_store::area::{AreaFile, area_path_for};

use crate::failure::{Failure, Outcome, bad_input};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Sub,
}

#[derive(clap::Subcommand)]
enum Sub {
    /// Build an area from an OpenStreetMap extract: DIR/tiles.mbtiles (vector tiles of the
    /// basemap + the address index; runs `osmium` and `tilemaker`), DIR/roads.json and
    /// DIR/addresses.csv.
    Build {
        /// The OpenStreetMap extract (.osm.pbf).
        #[arg(long)]
        osm: PathBuf,
        /// The folder to write into (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// The area's name (default: the extract's file name).
        #[arg(long)]
        name: Option<String>,
    },
    /// Use an area file (tiles.mbtiles from `rota area build`) with a database: copies it next
    /// to the database as <db name>.area.mbtiles, where the app and `rota import` find it.
    Install {
        #[arg(long)]
        db: PathBuf,
        /// The area file.
        area: PathBuf,
    },
    /// Find addresses of a database's area as the app's search box does.
    Search {
        #[arg(long)]
        db: PathBuf,
        /// What to look for, e.g. "aleksanterinkatu 5".
        query: String,
        #[arg(long, default_value_t = 10)]
        limit: usize,
    },
}

fn failure(e: BuildError) -> Failure {
    Failure { code: if e.is_bad_input() { 2 } else { 1 }, error: e.into() }
}

pub fn run(Args { command }: Args) -> Outcome {
    match command {
        Sub::Build { osm, out, name } => {
            let started = std::time::Instant::now();
            let built = build_area(&osm, &out, name.as_deref()).map_err(failure)?;
            println!("{}: {built} in {:.1} s", out.display(), started.elapsed().as_secs_f64());
            println!("  {}", built.info.attribution);
        }
        Sub::Install { db, area } => {
            let info = install_area(&area, &db).map_err(failure)?;
            println!(
                "{}: area {:?} installed ({} tiles, {} addresses)",
                area_path_for(&db).display(),
                info.name,
                info.tiles,
                info.addresses
            );
        }
        Sub::Search { db, query, limit } => {
            let path = area_path_for(&db);
            let area =
                AreaFile::open(&path).map_err(|e| bad_input(format!("{e} (the database has no area installed)")))?;
            let found = area.search(&query, limit.clamp(1, 100)).map_err(|e| Failure::from(anyhow::Error::from(e)))?;
            if found.is_empty() {
                println!("no address of {} matches {query:?}", area.info().name);
            }
            for a in found {
                println!("{}\t{:.6}\t{:.6}", a.label(), a.lat, a.lon);
            }
        }
    }
    Ok(0)
}

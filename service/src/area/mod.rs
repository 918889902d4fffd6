//! Service areas on real maps (`docs/areas.md`): `rota area build` turns an OpenStreetMap
//! extract into everything the app and the planner need of a place —
//!
//! * `tiles.mbtiles`, the **area file**: vector tiles of the basemap (streets with names, water,
//!   parks, buildings) built by [tilemaker](https://github.com/systemed/tilemaker) with Rota's
//!   profile (`tilemaker-config.json`, `tilemaker-process.lua` beside this file), plus the
//!   **address index** (`addr:*` tags, table `rota_addresses`) and the area's metadata;
//! * `roads.json`, the drivable road network (`rota-roads/1`, `rota_store::osm`);
//! * `addresses.csv`, the address index as a spreadsheet.
//!
//! The tile builder runs as an external program: `osmium` (Debian `osmium-tool`) and
//! `tilemaker` (Debian `tilemaker`), both installed by `scripts/setup.sh`. A plan database uses
//! the area file next to it ([`rota_store::area::area_path_for`]: `rota.db` →
//! `rota.area.mbtiles`), installed with [`install_area`].

use std::path::{Path, PathBuf};
use std::process::Command;

pub use rota_store::area::{Address, AreaError, AreaFile, AreaInfo, area_path_for};
use rota_store::area::{extract_addresses, write_area_file};

/// Rota's tilemaker layer configuration.
pub const TILEMAKER_CONFIG: &str = include_str!("tilemaker-config.json");
/// Rota's tilemaker tag processing (Lua).
pub const TILEMAKER_PROCESS: &str = include_str!("tilemaker-process.lua");

/// Why an area could not be built or installed.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(
        "`{tool}` was not found: rota area build runs it to make the map tiles; install the Debian package \
         {package} (`apt-get install {package}`, or `bash scripts/setup.sh`)"
    )]
    ToolMissing { tool: &'static str, package: &'static str },
    #[error("`{tool}` failed ({status}): {output}")]
    ToolFailed { tool: &'static str, status: String, output: String },
    #[error("{}: {error}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        error: std::io::Error,
    },
    #[error(transparent)]
    Area(#[from] AreaError),
    #[error(transparent)]
    Osm(#[from] rota_store::osm::OsmError),
    #[error("{}: {message}", path.display())]
    Refused { path: PathBuf, message: String },
}

impl BuildError {
    /// The input is at fault (exit 2), not the machine.
    pub fn is_bad_input(&self) -> bool {
        matches!(self, BuildError::Osm(_) | BuildError::Refused { .. })
            || matches!(self, BuildError::Area(AreaError::Read { .. }))
    }
}

/// What [`build_area`] wrote.
#[derive(Clone, Debug)]
pub struct Built {
    pub dir: PathBuf,
    pub info: AreaInfo,
    pub road_nodes: usize,
    pub road_edges: usize,
    pub tile_bytes: u64,
}

impl std::fmt::Display for Built {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} tiles (zoom {}–{}, {} kB), {} addresses, roads {} nodes / {} edges",
            self.info.name,
            self.info.tiles,
            self.info.minzoom,
            self.info.maxzoom,
            self.tile_bytes.div_ceil(1024),
            self.info.addresses,
            self.road_nodes,
            self.road_edges
        )
    }
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> BuildError + '_ {
    move |error| BuildError::Io { path: path.to_path_buf(), error }
}

fn run(tool: &'static str, package: &'static str, cmd: &mut Command) -> Result<(), BuildError> {
    let out = cmd.output().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            BuildError::ToolMissing { tool, package }
        } else {
            BuildError::ToolFailed { tool, status: "could not start".into(), output: e.to_string() }
        }
    })?;
    if out.status.success() {
        return Ok(());
    }
    let mut text = String::from_utf8_lossy(&out.stderr).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stdout));
    // The last lines say what went wrong; progress lines before them do not.
    let tail: Vec<&str> = text.lines().rev().take(6).collect();
    let output = tail.into_iter().rev().collect::<Vec<_>>().join("\n");
    Err(BuildError::ToolFailed { tool, status: out.status.to_string(), output })
}

/// Builds the area of an OpenStreetMap extract into `out` (created if needed): `tiles.mbtiles`
/// (the area file), `roads.json` and `addresses.csv`. `name` defaults to the extract's file
/// name. Nothing is left half-written: the files are built in `out/.building` and moved in
/// place at the end.
pub fn build_area(osm: &Path, out: &Path, name: Option<&str>) -> Result<Built, BuildError> {
    if !osm.is_file() {
        return Err(BuildError::Refused { path: osm.to_path_buf(), message: "no such file".into() });
    }
    let name = name.map(str::to_string).unwrap_or_else(|| {
        let f = osm.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        f.trim_end_matches(".pbf").trim_end_matches(".osm").to_string()
    });
    // Roads and addresses first: they validate the extract before the tools run.
    let import = rota_store::osm::import_osm_pbf(osm)?;
    let addresses = extract_addresses(osm)?;

    std::fs::create_dir_all(out).map_err(io(out))?;
    // tilemaker runs in the work folder: give it absolute paths.
    let out = &std::path::absolute(out).map_err(io(out))?;
    let work = out.join(".building");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(io(&work))?;
    let result = build_in(osm, &work, &name, &import.network, &addresses);
    let built = result.and_then(|()| {
        for file in ["tiles.mbtiles", "roads.json", "addresses.csv"] {
            std::fs::rename(work.join(file), out.join(file)).map_err(io(&out.join(file)))?;
        }
        let file = out.join("tiles.mbtiles");
        let info = AreaFile::open(&file)?.info().clone();
        let tile_bytes = std::fs::metadata(&file).map_err(io(&file))?.len();
        Ok(Built {
            dir: out.to_path_buf(),
            info,
            road_nodes: import.network.nodes.len(),
            road_edges: import.network.edges.len(),
            tile_bytes,
        })
    });
    let _ = std::fs::remove_dir_all(&work);
    built
}

fn build_in(
    osm: &Path,
    work: &Path,
    name: &str,
    network: &rota_solver::travel::road::RoadNetwork,
    addresses: &[Address],
) -> Result<(), BuildError> {
    // 1. A reference-complete copy of the extract (tilemaker 2.2 aborts on ways whose nodes
    //    lie outside the extract).
    let xml = work.join("complete.osm");
    let stats = rota_store::area::write_complete_osm_xml(osm, &xml)?;
    let pbf = work.join("complete.osm.pbf");
    run("osmium", "osmium-tool", Command::new("osmium").arg("cat").arg("--overwrite").arg(&xml).arg("-o").arg(&pbf))?;
    // 2. The tiles.
    let config = work.join("config.json");
    let process = work.join("process.lua");
    std::fs::write(&config, TILEMAKER_CONFIG).map_err(io(&config))?;
    std::fs::write(&process, TILEMAKER_PROCESS).map_err(io(&process))?;
    let tiles = work.join("tiles.mbtiles");
    let [w, s, e, n] = stats.bounds;
    run(
        "tilemaker",
        "tilemaker",
        Command::new("tilemaker")
            .arg("--input")
            .arg(&pbf)
            .arg("--output")
            .arg(&tiles)
            .arg("--config")
            .arg(&config)
            .arg("--process")
            .arg(&process)
            .arg("--bbox")
            .arg(format!("{w},{s},{e},{n}"))
            .arg("--threads")
            .arg("1")
            .current_dir(work),
    )?;
    // 3. The address index and metadata into the area file; roads and addresses beside it.
    write_area_file(&tiles, name, addresses)?;
    let roads = work.join("roads.json");
    std::fs::write(&roads, serde_json::to_string(network).expect("a road network serializes")).map_err(io(&roads))?;
    let csv = work.join("addresses.csv");
    std::fs::write(&csv, addresses_csv(addresses)).map_err(io(&csv))?;
    Ok(())
}

/// The address index as CSV: `street,housenumber,postcode,city,lat,lon`.
pub fn addresses_csv(addresses: &[Address]) -> String {
    let mut w = csv_line(&["street", "housenumber", "postcode", "city", "lat", "lon"]);
    for a in addresses {
        w.push_str(&csv_line(&[
            &a.street,
            &a.housenumber,
            &a.postcode,
            &a.city,
            &a.lat.to_string(),
            &a.lon.to_string(),
        ]));
    }
    w
}

fn csv_line(fields: &[&str]) -> String {
    let quoted: Vec<String> = fields
        .iter()
        .map(|f| if f.contains([',', '"', '\n']) { format!("\"{}\"", f.replace('"', "\"\"")) } else { f.to_string() })
        .collect();
    format!("{}\n", quoted.join(","))
}

/// Installs an area file for the plan database `db`: copies it next to the database
/// ([`area_path_for`]) after checking it opens as an area. Replaces an earlier one atomically.
pub fn install_area(area: &Path, db: &Path) -> Result<AreaInfo, BuildError> {
    let info = AreaFile::open(area)?.info().clone();
    let target = area_path_for(db);
    let tmp = target.with_extension("mbtiles.installing");
    std::fs::copy(area, &tmp).map_err(io(&tmp))?;
    std::fs::rename(&tmp, &target).map_err(io(&target))?;
    Ok(info)
}

/// Writes the area file bytes of a bundled sample next to `db`.
pub fn install_area_bytes(bytes: &[u8], db: &Path) -> Result<AreaInfo, BuildError> {
    let target = area_path_for(db);
    let tmp = target.with_extension("mbtiles.installing");
    std::fs::write(&tmp, bytes).map_err(io(&tmp))?;
    let info = match AreaFile::open(&tmp) {
        Ok(f) => f.info().clone(),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e.into());
        }
    };
    std::fs::rename(&tmp, &target).map_err(io(&target))?;
    Ok(info)
}

/// The area file of a plan database, opened once per process and shared (the app's map asks
/// for many tiles).
pub fn shared_area(db: &Path) -> Option<std::sync::Arc<std::sync::Mutex<AreaFile>>> {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    type Cache = Mutex<HashMap<PathBuf, Arc<Mutex<AreaFile>>>>;
    static OPEN: OnceLock<Cache> = OnceLock::new();
    let path = area_path_for(db);
    let mut open = OPEN.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner());
    if let Some(a) = open.get(&path) {
        return Some(a.clone());
    }
    let file = AreaFile::open(&path).ok()?;
    let shared = Arc::new(Mutex::new(file));
    open.insert(path, shared.clone());
    Some(shared)
}

/// One address as the app's search shows it (`search_address` of `ui/BACKEND.md`).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AddressHit {
    pub label: String,
    pub street: String,
    pub housenumber: String,
    pub postcode: String,
    pub city: String,
    pub lat: f64,
    pub lon: f64,
}

impl From<Address> for AddressHit {
    fn from(a: Address) -> Self {
        AddressHit {
            label: a.label(),
            street: a.street,
            housenumber: a.housenumber,
            postcode: a.postcode,
            city: a.city,
            lat: a.lat,
            lon: a.lon,
        }
    }
}

/// The most suggestions `search_address` returns.
pub const MAX_HITS: usize = 50;

fn area_error(e: AreaError) -> crate::desk::BackendError {
    crate::desk::BackendError::new("area", e.to_string())
}

/// `area_info`: the basemap of the database's area, or `None` without an area file.
pub fn area_info(db: &Path) -> Result<Option<AreaInfo>, crate::desk::BackendError> {
    Ok(shared_area(db).map(|a| a.lock().unwrap_or_else(std::sync::PoisonError::into_inner).info().clone()))
}

/// `map_tile`: the vector tile's bytes; empty where the area has none (or there is no area).
pub fn map_tile(db: &Path, z: u8, x: u32, y: u32) -> Result<Vec<u8>, crate::desk::BackendError> {
    let Some(area) = shared_area(db) else { return Ok(Vec::new()) };
    let area = area.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    Ok(area.tile(z, x, y).map_err(area_error)?.unwrap_or_default())
}

/// `search_address`: addresses matching what was typed, best first (none without an area).
pub fn search_address(db: &Path, query: &str, limit: usize) -> Result<Vec<AddressHit>, crate::desk::BackendError> {
    let Some(area) = shared_area(db) else { return Ok(Vec::new()) };
    let area = area.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let found = area.search(query, limit.clamp(1, MAX_HITS)).map_err(area_error)?;
    Ok(found.into_iter().map(AddressHit::from).collect())
}

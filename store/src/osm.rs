//! Road networks from files: OpenStreetMap PBF extracts and `rota-roads/1` JSON.
//!
//! [`read_road_network`] picks the reader by file extension (`.json` → `rota-roads/1`,
//! `.pbf` / `.osm.pbf` → OpenStreetMap) and validates the result, so
//! `rota_solver::travel::road::RoadGraph::build` cannot fail on what it returns.
//!
//! # OpenStreetMap import
//!
//! Two passes over the PBF data: the ways first (keeping the drivable ones and the ids of the
//! nodes they use), then the nodes (plain and dense), keeping only those ids. Each kept way is
//! split into one edge per pair of consecutive nodes, with the great-circle length.
//!
//! * **Drivable** `highway` values: motorway, trunk, primary, secondary, tertiary (and their
//!   `*_link`s), unclassified, residential, living_street, service. Everything else (footway,
//!   cycleway, path, steps, pedestrian, track, bridleway, construction, proposed, corridor,
//!   platform, …) is skipped, as are `area=yes` highways and `service=emergency_access`.
//! * **Access**: the most specific of `motorcar`, `motor_vehicle`, `vehicle`, `access` that is
//!   present decides; `no`, `private`, `agricultural`, `forestry`, `emergency`, `military`,
//!   `psv` and `bus` exclude the way (so `access=no` + `motor_vehicle=destination` is kept).
//! * **One-way**: `oneway=yes|true|1` forward, `oneway=-1|reverse` backward,
//!   `oneway=no|false|0` both ways (even on a motorway), `oneway=alternating` both ways,
//!   `oneway=reversible` (direction changes during the day) excluded; without a `oneway` tag,
//!   `junction=roundabout|circular` and `highway=motorway` are one-way forward.
//! * **Speed**: a numeric `maxspeed` (`50`, `50 km/h`, `30 mph`; the first of `50;30`)
//!   overrides the class speed; zone values (`FI:urban`), `none`, `walk` … keep the class
//!   speed. Direction-specific `maxspeed:forward/backward` are not read.
//! * References to nodes missing from the extract (ways cut by its border) drop the segments
//!   that touch them; their count is in [`OsmImportStats::missing_nodes`].
//!
//! Measured on the Helsinki centre test extract (685 kB, 24,260 nodes, 5,130 ways, 2,650 of
//! them highways) by `store/tests/osm_helsinki.rs`, test profile (workspace at opt-level 1,
//! dependencies at 2), 2 busy cores: import 0.1–0.2 s (911 drivable ways → 1,885 nodes, 1,964 edges),
//! `RoadGraph::build` 1–1.5 ms (1,649 nodes and 2,580 arcs kept, 236 nodes in 126 fragments
//! dropped), a 20 × 20 travel matrix ≈ 4–12 ms.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use osmpbf::{Element, ElementReader};
use rota_solver::format::Location;
use rota_solver::travel::haversine_m;
use rota_solver::travel::road::{ROADS_FORMAT, RoadClass, RoadEdge, RoadGraph, RoadJsonError, RoadNetwork};

/// Attribution every network derived from OpenStreetMap carries.
pub const OSM_ATTRIBUTION: &str = "© OpenStreetMap contributors, ODbL 1.0";

/// How in-memory data is named in errors.
const IN_MEMORY: &str = "<OpenStreetMap PBF data>";

/// An OpenStreetMap PBF file that could not be turned into a road network.
#[derive(Debug, thiserror::Error)]
pub enum OsmError {
    #[error("{file}: cannot read OpenStreetMap PBF data: {error}")]
    Read {
        file: String,
        #[source]
        error: osmpbf::Error,
    },
    #[error(
        "{file}: no drivable roads in the OpenStreetMap data ({ways} ways, {highway_ways} with \
         a highway tag, {kept_ways} drivable, {missing_nodes} referenced nodes missing)"
    )]
    NoRoads { file: String, ways: usize, highway_ways: usize, kept_ways: usize, missing_nodes: usize },
}

/// What the importer saw and kept.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OsmImportStats {
    /// Nodes (plain and dense) and ways in the data.
    pub nodes_read: usize,
    pub ways_read: usize,
    /// Ways with any `highway` tag.
    pub highway_ways: usize,
    /// Ways kept as drivable roads.
    pub kept_ways: usize,
    /// Highway ways skipped: not a drivable class (footway, cycleway, …) or an area.
    pub skipped_not_drivable: usize,
    /// Highway ways skipped for access restrictions or `oneway=reversible`.
    pub skipped_restricted: usize,
    /// Kept ways that are one-way (tagged or implied).
    pub oneway_ways: usize,
    /// Kept ways whose `maxspeed` set the speed.
    pub maxspeed_ways: usize,
    /// Distinct nodes referenced by kept ways but absent from the data.
    pub missing_nodes: usize,
}

/// A network and how it was imported.
#[derive(Clone, Debug, PartialEq)]
pub struct OsmImport {
    pub network: RoadNetwork,
    pub stats: OsmImportStats,
}

/// Reads an OpenStreetMap `.osm.pbf` file into a `rota-roads/1` network named after the file.
pub fn read_osm_pbf(path: &Path) -> Result<RoadNetwork, OsmError> {
    import_osm_pbf(path).map(|import| import.network)
}

/// [`read_osm_pbf`] with import statistics.
pub fn import_osm_pbf(path: &Path) -> Result<OsmImport, OsmError> {
    let file = path.display().to_string();
    import(|| ElementReader::from_path(path), &file, network_name(path))
}

/// Builds a network from OpenStreetMap PBF bytes (named "OpenStreetMap extract").
pub fn road_network_from_osm_bytes(bytes: &[u8]) -> Result<RoadNetwork, OsmError> {
    import_osm_bytes(bytes).map(|import| import.network)
}

/// [`road_network_from_osm_bytes`] with import statistics.
pub fn import_osm_bytes(bytes: &[u8]) -> Result<OsmImport, OsmError> {
    import(|| Ok(ElementReader::new(bytes)), IN_MEMORY, "OpenStreetMap extract".to_string())
}

/// A road network file that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum RoadNetworkFileError {
    #[error("{}: cannot read the road network file: {error}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        error: std::io::Error,
    },
    #[error("{}: not a valid rota-roads/1 document: {error}", path.display())]
    Json {
        path: PathBuf,
        #[source]
        error: RoadJsonError,
    },
    #[error(transparent)]
    Osm(#[from] OsmError),
    #[error("{}: invalid road network:\n  - {}", path.display(), errors.join("\n  - "))]
    Invalid { path: PathBuf, errors: Vec<String> },
    #[error(
        "{}: unknown road network file type (expected .json for rota-roads/1 or .osm.pbf for \
         OpenStreetMap)",
        path.display()
    )]
    UnknownType { path: PathBuf },
}

/// Reads and validates a road network: `.json` → `rota-roads/1`, `.pbf` → OpenStreetMap.
pub fn read_road_network(path: &Path) -> Result<RoadNetwork, RoadNetworkFileError> {
    let lower = path.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
    let network = if lower.ends_with(".json") {
        let bytes =
            std::fs::read(path).map_err(|error| RoadNetworkFileError::Io { path: path.to_path_buf(), error })?;
        // Strictly UTF-8, like every text Rota reads (a byte-order mark is dropped).
        let text = crate::files::decode_utf8(path, bytes).map_err(|e| RoadNetworkFileError::Json {
            path: path.to_path_buf(),
            error: RoadJsonError { path: ".".into(), message: e.to_string() },
        })?;
        RoadNetwork::from_json_slice(text.text.as_bytes())
            .map_err(|error| RoadNetworkFileError::Json { path: path.to_path_buf(), error })?
    } else if lower.ends_with(".pbf") {
        read_osm_pbf(path)?
    } else {
        return Err(RoadNetworkFileError::UnknownType { path: path.to_path_buf() });
    };
    let mut errors = network.validate();
    if errors.is_empty() {
        errors = road_ranges(&network);
    }
    if errors.is_empty() {
        Ok(network)
    } else {
        Err(RoadNetworkFileError::Invalid { path: path.to_path_buf(), errors })
    }
}

/// Longest road edge accepted, meters (1,000 km: a ferry line at most).
pub const MAX_EDGE_LENGTH_M: f64 = 1_000_000.0;
/// Fastest road speed accepted, km/h.
pub const MAX_ROAD_SPEED_KMH: f64 = 300.0;

/// The documented ranges of a road network's numbers beyond what `RoadNetwork::validate`
/// checks (`docs/hardening.md`): edge lengths and speeds. At most 20 problems are listed.
pub fn road_ranges(network: &RoadNetwork) -> Vec<String> {
    let mut errors = Vec::new();
    let mut more = 0usize;
    let mut push = |message: String| {
        if errors.len() < 20 {
            errors.push(message);
        } else {
            more += 1;
        }
    };
    for (i, edge) in network.edges.iter().enumerate() {
        if let Some(length) = edge.length_m.filter(|l| *l > MAX_EDGE_LENGTH_M) {
            push(format!("edges[{i}]: length_m: {length} m is longer than the maximum of {MAX_EDGE_LENGTH_M} m"));
        }
        if let Some(speed) = edge.speed_kmh.filter(|s| *s > MAX_ROAD_SPEED_KMH) {
            push(format!("edges[{i}]: speed_kmh: {speed} is faster than the maximum of {MAX_ROAD_SPEED_KMH} km/h"));
        }
    }
    if more > 0 {
        errors.push(format!("… and {more} more"));
    }
    errors
}

/// [`read_road_network`] then `RoadGraph::build`.
pub fn load_road_graph(path: &Path) -> Result<RoadGraph, RoadNetworkFileError> {
    let network = read_road_network(path)?;
    RoadGraph::build(&network)
        .map_err(|invalid| RoadNetworkFileError::Invalid { path: path.to_path_buf(), errors: invalid.errors })
}

fn at([lon, lat]: [f64; 2]) -> Location {
    Location { lat, lon }
}

/// Millimetres: precise enough, and exact through JSON text.
fn round_mm(meters: f64) -> f64 {
    (meters * 1000.0).round() / 1000.0
}

/// `helsinki-centre.osm.pbf` → `helsinki-centre`.
fn network_name(path: &Path) -> String {
    let file = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let stem = file.strip_suffix(".pbf").unwrap_or(&file);
    let stem = stem.strip_suffix(".osm").unwrap_or(stem);
    if stem.is_empty() { "OpenStreetMap extract".to_string() } else { stem.to_string() }
}

/// Which way(s) a kept way can be driven.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Direction {
    Both,
    Forward,
    Backward,
}

/// The tags of a way that matter for driving.
#[derive(Default)]
struct WayTags<'a> {
    highway: Option<&'a str>,
    oneway: Option<&'a str>,
    junction: Option<&'a str>,
    maxspeed: Option<&'a str>,
    access: Option<&'a str>,
    vehicle: Option<&'a str>,
    motor_vehicle: Option<&'a str>,
    motorcar: Option<&'a str>,
    area: Option<&'a str>,
    service: Option<&'a str>,
    name: Option<&'a str>,
}

impl<'a> WayTags<'a> {
    fn from_tags(tags: impl Iterator<Item = (&'a str, &'a str)>) -> Self {
        let mut t = Self::default();
        for (key, value) in tags {
            let slot = match key {
                "highway" => &mut t.highway,
                "oneway" => &mut t.oneway,
                "junction" => &mut t.junction,
                "maxspeed" => &mut t.maxspeed,
                "access" => &mut t.access,
                "vehicle" => &mut t.vehicle,
                "motor_vehicle" => &mut t.motor_vehicle,
                "motorcar" => &mut t.motorcar,
                "area" => &mut t.area,
                "service" => &mut t.service,
                "name" => &mut t.name,
                _ => continue,
            };
            *slot = Some(value);
        }
        t
    }
}

/// How a drivable way is driven.
#[derive(Clone, Debug, PartialEq)]
struct WayProfile {
    class: RoadClass,
    direction: Direction,
    speed_kmh: Option<f64>,
    name: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Skip {
    NoHighway,
    NotDrivable,
    Restricted,
}

fn way_profile(tags: &WayTags<'_>) -> Result<WayProfile, Skip> {
    let highway = tags.highway.ok_or(Skip::NoHighway)?;
    let class = RoadClass::from_osm_highway(highway).ok_or(Skip::NotDrivable)?;
    if tags.area == Some("yes") || tags.service == Some("emergency_access") {
        return Err(Skip::NotDrivable);
    }
    let access = tags.motorcar.or(tags.motor_vehicle).or(tags.vehicle).or(tags.access);
    if matches!(access, Some("no" | "private" | "agricultural" | "forestry" | "emergency" | "military" | "psv" | "bus"))
    {
        return Err(Skip::Restricted);
    }
    let implied_oneway = class == RoadClass::Motorway || matches!(tags.junction, Some("roundabout" | "circular"));
    let direction = match tags.oneway {
        Some("yes" | "true" | "1") => Direction::Forward,
        Some("-1" | "reverse") => Direction::Backward,
        Some("no" | "false" | "0" | "alternating") => Direction::Both,
        Some("reversible") => return Err(Skip::Restricted),
        _ if implied_oneway => Direction::Forward,
        _ => Direction::Both,
    };
    Ok(WayProfile {
        class,
        direction,
        speed_kmh: tags.maxspeed.and_then(parse_maxspeed),
        name: tags.name.map(str::to_string),
    })
}

/// A numeric `maxspeed` in km/h (`50`, `50 km/h`, `30 mph`, first of `50;30`).
fn parse_maxspeed(value: &str) -> Option<f64> {
    let first = value.split(';').next()?.trim();
    let (number, factor) = if let Some(n) = first.strip_suffix("mph") {
        (n, 1.609_344)
    } else if let Some(n) = first.strip_suffix("km/h") {
        (n, 1.0)
    } else if let Some(n) = first.strip_suffix("kmh") {
        (n, 1.0)
    } else {
        (first, 1.0)
    };
    let number = number.trim();
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let kmh = number.parse::<f64>().ok()? * factor;
    (kmh.is_finite() && kmh > 0.0 && kmh <= 300.0).then_some(kmh)
}

struct KeptWay {
    refs: Vec<i64>,
    profile: WayProfile,
}

fn import<R, F>(mut open: F, file: &str, name: String) -> Result<OsmImport, OsmError>
where
    R: Read + Send,
    F: FnMut() -> osmpbf::Result<ElementReader<R>>,
{
    let read_error = |error| OsmError::Read { file: file.to_string(), error };
    let mut stats = OsmImportStats::default();

    // Pass 1: drivable ways and the nodes they use.
    let mut ways: Vec<KeptWay> = Vec::new();
    let mut needed: HashSet<i64> = HashSet::new();
    open()
        .map_err(read_error)?
        .for_each(|element| {
            if let Element::Way(way) = element {
                stats.ways_read += 1;
                let tags = WayTags::from_tags(way.tags());
                match way_profile(&tags) {
                    Ok(profile) => {
                        let refs: Vec<i64> = way.refs().collect();
                        if refs.len() < 2 {
                            stats.highway_ways += 1;
                            stats.skipped_not_drivable += 1;
                            return;
                        }
                        stats.highway_ways += 1;
                        stats.kept_ways += 1;
                        if profile.direction != Direction::Both {
                            stats.oneway_ways += 1;
                        }
                        if profile.speed_kmh.is_some() {
                            stats.maxspeed_ways += 1;
                        }
                        needed.extend(refs.iter().copied());
                        ways.push(KeptWay { refs, profile });
                    }
                    Err(Skip::NoHighway) => {}
                    Err(Skip::NotDrivable) => {
                        stats.highway_ways += 1;
                        stats.skipped_not_drivable += 1;
                    }
                    Err(Skip::Restricted) => {
                        stats.highway_ways += 1;
                        stats.skipped_restricted += 1;
                    }
                }
            }
        })
        .map_err(read_error)?;

    // Pass 2: coordinates of the needed nodes.
    let mut coords: HashMap<i64, [f64; 2]> = HashMap::with_capacity(needed.len());
    open()
        .map_err(read_error)?
        .for_each(|element| {
            let (id, lon, lat) = match element {
                Element::Node(node) => (node.id(), node.decimicro_lon(), node.decimicro_lat()),
                Element::DenseNode(node) => (node.id(), node.decimicro_lon(), node.decimicro_lat()),
                _ => return,
            };
            stats.nodes_read += 1;
            if needed.contains(&id) {
                // OSM's own precision (1e-7°, about 1 cm), computed as `integer / 1e7` so the
                // value comes back unchanged from JSON text.
                coords.insert(id, [f64::from(lon) / 1e7, f64::from(lat) / 1e7]);
            }
        })
        .map_err(read_error)?;
    stats.missing_nodes = needed.iter().filter(|id| !coords.contains_key(id)).count();

    // Edges between consecutive nodes; nodes numbered in order of first use.
    let mut index: HashMap<i64, usize> = HashMap::with_capacity(coords.len());
    let mut nodes: Vec<[f64; 2]> = Vec::with_capacity(coords.len());
    let mut edges: Vec<RoadEdge> = Vec::new();
    for way in &ways {
        for pair in way.refs.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            if a == b {
                continue;
            }
            let (Some(&pa), Some(&pb)) = (coords.get(&a), coords.get(&b)) else {
                continue;
            };
            let mut node_index = |id: i64, p: [f64; 2]| {
                *index.entry(id).or_insert_with(|| {
                    nodes.push(p);
                    nodes.len() - 1
                })
            };
            let (ia, ib) = (node_index(a, pa), node_index(b, pb));
            let length_m = round_mm(haversine_m(at(pa), at(pb)));
            let (from, to) = match way.profile.direction {
                Direction::Backward => (ib, ia),
                Direction::Both | Direction::Forward => (ia, ib),
            };
            edges.push(RoadEdge {
                from,
                to,
                class: way.profile.class,
                oneway: way.profile.direction != Direction::Both,
                length_m: Some(length_m),
                speed_kmh: way.profile.speed_kmh,
                name: way.profile.name.clone(),
            });
        }
    }
    if edges.is_empty() {
        return Err(OsmError::NoRoads {
            file: file.to_string(),
            ways: stats.ways_read,
            highway_ways: stats.highway_ways,
            kept_ways: stats.kept_ways,
            missing_nodes: stats.missing_nodes,
        });
    }
    let network = RoadNetwork {
        format: ROADS_FORMAT.to_string(),
        name,
        attribution: Some(OSM_ATTRIBUTION.to_string()),
        nodes,
        edges,
    };
    Ok(OsmImport { network, stats })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(tags: &[(&str, &str)]) -> Result<WayProfile, Skip> {
        way_profile(&WayTags::from_tags(tags.iter().copied()))
    }

    #[test]
    fn drivable_classes_only() {
        for h in ["motorway_link", "trunk", "primary", "secondary", "tertiary", "unclassified"] {
            assert!(profile(&[("highway", h)]).is_ok(), "{h}");
        }
        for h in ["residential", "living_street", "service", "primary_link", "tertiary_link"] {
            assert!(profile(&[("highway", h)]).is_ok(), "{h}");
        }
        for h in [
            "footway",
            "cycleway",
            "path",
            "steps",
            "pedestrian",
            "track",
            "bridleway",
            "construction",
            "proposed",
            "corridor",
            "platform",
        ] {
            assert_eq!(profile(&[("highway", h)]), Err(Skip::NotDrivable), "{h}");
        }
        assert_eq!(profile(&[("building", "yes")]), Err(Skip::NoHighway));
        assert_eq!(profile(&[("highway", "service"), ("area", "yes")]), Err(Skip::NotDrivable));
    }

    #[test]
    fn access_restrictions() {
        for (k, v) in [("access", "no"), ("access", "private"), ("motor_vehicle", "no")] {
            assert_eq!(profile(&[("highway", "residential"), (k, v)]), Err(Skip::Restricted));
        }
        // The most specific tag wins.
        let p = profile(&[("highway", "residential"), ("access", "no"), ("motor_vehicle", "destination")]);
        assert!(p.is_ok());
        let p = profile(&[("highway", "residential"), ("access", "yes"), ("motorcar", "no")]);
        assert_eq!(p, Err(Skip::Restricted));
        assert!(profile(&[("highway", "service"), ("access", "customers")]).is_ok());
    }

    #[test]
    fn oneway_rules() {
        let dir = |tags: &[(&str, &str)]| profile(tags).map(|p| p.direction);
        assert_eq!(dir(&[("highway", "primary")]), Ok(Direction::Both));
        for v in ["yes", "true", "1"] {
            assert_eq!(dir(&[("highway", "primary"), ("oneway", v)]), Ok(Direction::Forward));
        }
        assert_eq!(dir(&[("highway", "primary"), ("oneway", "-1")]), Ok(Direction::Backward));
        assert_eq!(dir(&[("highway", "primary"), ("junction", "roundabout")]), Ok(Direction::Forward));
        assert_eq!(dir(&[("highway", "motorway")]), Ok(Direction::Forward));
        assert_eq!(dir(&[("highway", "motorway"), ("oneway", "no")]), Ok(Direction::Both));
        assert_eq!(dir(&[("highway", "primary"), ("oneway", "reversible")]), Err(Skip::Restricted));
    }

    #[test]
    fn maxspeed_parsing() {
        assert_eq!(parse_maxspeed("50"), Some(50.0));
        assert_eq!(parse_maxspeed("30 km/h"), Some(30.0));
        assert_eq!(parse_maxspeed("50;30"), Some(50.0));
        let mph = parse_maxspeed("30 mph").expect("mph");
        assert!((mph - 48.28).abs() < 0.01);
        for v in ["FI:urban", "none", "walk", "signals", "", "0", "-5", "1e9", "NaN", "inf"] {
            assert_eq!(parse_maxspeed(v), None, "{v:?}");
        }
        let p = profile(&[("highway", "residential"), ("maxspeed", "40"), ("name", "Esplanadi")]);
        assert_eq!(p.as_ref().map(|p| p.speed_kmh), Ok(Some(40.0)));
        assert_eq!(p.map(|p| p.name), Ok(Some("Esplanadi".to_string())));
    }

    #[test]
    fn names_from_files() {
        assert_eq!(network_name(Path::new("/a/helsinki-centre.osm.pbf")), "helsinki-centre");
        assert_eq!(network_name(Path::new("x.pbf")), "x");
        assert_eq!(network_name(Path::new("/")), "OpenStreetMap extract");
    }

    /// A minimal OpenStreetMap PBF writer (uncompressed blobs), enough to test the importer.
    mod pbf {
        fn varint(out: &mut Vec<u8>, mut v: u64) {
            while v >= 0x80 {
                out.push((v as u8) | 0x80);
                v >>= 7;
            }
            out.push(v as u8);
        }
        fn zigzag(v: i64) -> u64 {
            ((v << 1) ^ (v >> 63)) as u64
        }
        fn key(out: &mut Vec<u8>, field: u64, wire: u64) {
            varint(out, (field << 3) | wire);
        }
        fn uint(out: &mut Vec<u8>, field: u64, v: u64) {
            key(out, field, 0);
            varint(out, v);
        }
        fn bytes(out: &mut Vec<u8>, field: u64, data: &[u8]) {
            key(out, field, 2);
            varint(out, data.len() as u64);
            out.extend_from_slice(data);
        }
        fn packed(out: &mut Vec<u8>, field: u64, values: impl IntoIterator<Item = u64>) {
            let mut buf = Vec::new();
            for v in values {
                varint(&mut buf, v);
            }
            bytes(out, field, &buf);
        }
        fn deltas(values: &[i64]) -> Vec<u64> {
            let mut prev = 0;
            values
                .iter()
                .map(|&v| {
                    let d = zigzag(v - prev);
                    prev = v;
                    d
                })
                .collect()
        }
        /// Degrees in units of 100 nanodegrees (granularity 100).
        fn units(deg: f64) -> i64 {
            (deg * 1e7).round() as i64
        }

        pub type Tags = Vec<(&'static str, &'static str)>;

        #[derive(Default)]
        pub struct Builder {
            strings: Vec<String>,
            /// Plain nodes, dense nodes: (id, lon, lat).
            pub nodes: Vec<(i64, f64, f64)>,
            pub dense: Vec<(i64, f64, f64)>,
            pub ways: Vec<(i64, Vec<i64>, Tags)>,
        }

        impl Builder {
            fn string(&mut self, s: &str) -> u64 {
                if self.strings.is_empty() {
                    self.strings.push(String::new());
                }
                if let Some(i) = self.strings.iter().position(|x| x == s) {
                    return i as u64;
                }
                self.strings.push(s.to_string());
                (self.strings.len() - 1) as u64
            }

            fn block(&mut self) -> Vec<u8> {
                let mut groups: Vec<Vec<u8>> = Vec::new();
                if !self.nodes.is_empty() {
                    let mut group = Vec::new();
                    for &(id, lon, lat) in &self.nodes {
                        let mut node = Vec::new();
                        uint(&mut node, 1, zigzag(id));
                        uint(&mut node, 8, zigzag(units(lat)));
                        uint(&mut node, 9, zigzag(units(lon)));
                        bytes(&mut group, 1, &node);
                    }
                    groups.push(group);
                }
                if !self.dense.is_empty() {
                    let ids: Vec<i64> = self.dense.iter().map(|n| n.0).collect();
                    let lats: Vec<i64> = self.dense.iter().map(|n| units(n.2)).collect();
                    let lons: Vec<i64> = self.dense.iter().map(|n| units(n.1)).collect();
                    let mut dense = Vec::new();
                    packed(&mut dense, 1, deltas(&ids));
                    packed(&mut dense, 8, deltas(&lats));
                    packed(&mut dense, 9, deltas(&lons));
                    packed(&mut dense, 10, ids.iter().map(|_| 0));
                    let mut group = Vec::new();
                    bytes(&mut group, 2, &dense);
                    groups.push(group);
                }
                if !self.ways.is_empty() {
                    let ways = std::mem::take(&mut self.ways);
                    let mut group = Vec::new();
                    for (id, refs, tags) in &ways {
                        let keys: Vec<u64> = tags.iter().map(|t| self.string(t.0)).collect();
                        let vals: Vec<u64> = tags.iter().map(|t| self.string(t.1)).collect();
                        let mut way = Vec::new();
                        uint(&mut way, 1, *id as u64);
                        packed(&mut way, 2, keys);
                        packed(&mut way, 3, vals);
                        packed(&mut way, 8, deltas(refs));
                        bytes(&mut group, 3, &way);
                    }
                    groups.push(group);
                    self.ways = ways;
                }
                let mut table = Vec::new();
                for s in &self.strings {
                    bytes(&mut table, 1, s.as_bytes());
                }
                let mut block = Vec::new();
                bytes(&mut block, 1, &table);
                for g in &groups {
                    bytes(&mut block, 2, g);
                }
                uint(&mut block, 17, 100);
                block
            }

            pub fn build(mut self) -> Vec<u8> {
                self.string("");
                let block = self.block();
                let mut file = Vec::new();
                let mut header_block = Vec::new();
                bytes(&mut header_block, 4, b"OsmSchema-V0.6");
                bytes(&mut header_block, 4, b"DenseNodes");
                for (kind, payload) in [("OSMHeader", header_block), ("OSMData", block)] {
                    let mut blob = Vec::new();
                    bytes(&mut blob, 1, &payload);
                    uint(&mut blob, 2, payload.len() as u64);
                    let mut header = Vec::new();
                    bytes(&mut header, 1, kind.as_bytes());
                    uint(&mut header, 3, blob.len() as u64);
                    file.extend_from_slice(&(header.len() as u32).to_be_bytes());
                    file.extend_from_slice(&header);
                    file.extend_from_slice(&blob);
                }
                file
            }
        }
    }

    /// A little town: plain and dense nodes, a one-way street, a reverse one-way, a footway,
    /// a private road, a roundabout and a way running off the extract.
    fn town() -> Vec<u8> {
        let mut b = pbf::Builder::default();
        b.nodes = vec![(1, 25.000, 60.000), (2, 25.001, 60.000), (3, 25.002, 60.000)];
        b.dense = vec![(4, 25.000, 60.001), (5, 25.001, 60.001), (6, 25.002, 60.001), (7, 25.003, 60.003)];
        b.ways = vec![
            (10, vec![1, 2, 3], vec![("highway", "residential"), ("name", "Main"), ("maxspeed", "40")]),
            (11, vec![4, 5], vec![("highway", "tertiary"), ("oneway", "yes")]),
            (12, vec![6, 5], vec![("highway", "tertiary"), ("oneway", "-1")]),
            (13, vec![1, 4], vec![("highway", "footway")]),
            (14, vec![3, 6], vec![("highway", "service"), ("access", "private")]),
            (15, vec![2, 5, 2], vec![("highway", "unclassified"), ("junction", "roundabout")]),
            (16, vec![3, 7, 99, 6], vec![("highway", "service")]),
        ];
        b.build()
    }

    #[test]
    fn imports_a_small_pbf() {
        let import = import_osm_bytes(&town()).expect("imports");
        let (net, stats) = (&import.network, &import.stats);
        assert_eq!(net.format, ROADS_FORMAT);
        assert_eq!(net.attribution.as_deref(), Some(OSM_ATTRIBUTION));
        assert!(net.validate().is_empty(), "{:?}", net.validate());
        assert_eq!(stats.nodes_read, 7);
        assert_eq!(stats.ways_read, 7);
        assert_eq!(stats.highway_ways, 7);
        assert_eq!(stats.kept_ways, 5);
        assert_eq!(stats.skipped_not_drivable, 1);
        assert_eq!(stats.skipped_restricted, 1);
        assert_eq!(stats.oneway_ways, 3);
        assert_eq!(stats.maxspeed_ways, 1);
        assert_eq!(stats.missing_nodes, 1);
        // Nodes 1, 2, 3 (way 10), 4, 5 (11), 6 (12), 7 (16); 99 is missing.
        assert_eq!(net.nodes.len(), 7);
        let at =
            |lon: f64, lat: f64| net.nodes.iter().position(|p| (p[0] - lon).abs() < 1e-7 && (p[1] - lat).abs() < 1e-7);
        let (n1, n2, n4, n5, n6) = (
            at(25.000, 60.000).expect("1"),
            at(25.001, 60.000).expect("2"),
            at(25.000, 60.001).expect("4"),
            at(25.001, 60.001).expect("5"),
            at(25.002, 60.001).expect("6"),
        );
        let find = |from: usize, to: usize| net.edges.iter().find(|e| e.from == from && e.to == to);
        let main = find(n1, n2).expect("Main street");
        assert_eq!((main.class, main.oneway, main.speed_kmh), (RoadClass::Residential, false, Some(40.0)));
        assert_eq!(main.name.as_deref(), Some("Main"));
        let expected = haversine_m(Location { lat: 60.0, lon: 25.0 }, Location { lat: 60.0, lon: 25.001 });
        assert!((main.length_m.expect("length") - expected).abs() < 0.01);
        assert!(find(n4, n5).is_some_and(|e| e.oneway));
        // oneway=-1 on 6 → 5 means driving 5 → 6.
        assert!(find(n5, n6).is_some_and(|e| e.oneway));
        assert!(find(n6, n5).is_none());
        assert!(find(n2, n5).is_some_and(|e| e.oneway) && find(n5, n2).is_some_and(|e| e.oneway));
        // Segments touching the missing node 99 are dropped: 3 → 7 kept, 7 → 99 → 6 not.
        assert_eq!(net.edges.len(), 2 + 1 + 1 + 2 + 1);

        // 1 ⇄ 2 ⇄ 3 ⇄ 7 and 2 ⇄ 5 are strongly connected; nothing enters 4 and nothing
        // leaves 6, so both are dropped.
        let graph = RoadGraph::build(net).expect("valid");
        assert_eq!(graph.node_count(), 5);
        assert_eq!(graph.dropped_nodes(), 2);
        assert_eq!(graph.graph_node(n4), None);
        assert_eq!(graph.graph_node(n6), None);
    }

    #[test]
    fn no_roads_and_garbage_are_errors_naming_the_source() {
        let mut b = pbf::Builder::default();
        b.dense = vec![(1, 25.0, 60.0), (2, 25.1, 60.0)];
        b.ways = vec![(1, vec![1, 2], vec![("highway", "footway")])];
        let err = road_network_from_osm_bytes(&b.build()).expect_err("no roads");
        let text = err.to_string();
        assert!(text.starts_with(IN_MEMORY), "{text}");
        assert!(text.contains("no drivable roads"), "{text}");

        let garbage: Vec<u8> = (0..2000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        assert!(road_network_from_osm_bytes(&garbage).is_err());
        let good = town();
        for cut in [1, 4, 10, good.len() / 2, good.len() - 1] {
            assert!(road_network_from_osm_bytes(&good[..cut]).is_err(), "cut at {cut}");
        }
        let err = read_osm_pbf(Path::new("/nonexistent/roads.osm.pbf")).expect_err("missing");
        assert!(err.to_string().starts_with("/nonexistent/roads.osm.pbf: "), "{err}");
    }

    #[test]
    fn reads_networks_by_extension() {
        let dir = std::env::temp_dir().join(format!("rota-osm-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let pbf = dir.join("town.osm.pbf");
        std::fs::write(&pbf, town()).expect("write");
        let net = read_road_network(&pbf).expect("pbf");
        assert_eq!(net.name, "town");
        assert_eq!(net, import_osm_bytes(&town()).expect("bytes").network.clone_with_name("town"));

        let json = dir.join("roads.json");
        std::fs::write(&json, serde_json::to_vec(&net).expect("json")).expect("write");
        assert_eq!(read_road_network(&json).expect("json"), net);
        assert!(load_road_graph(&json).is_ok());

        let bad = dir.join("bad.json");
        let text = serde_json::to_string(&net).expect("json").replace("\"tertiary\"", "\"footway\"");
        std::fs::write(&bad, text).expect("write");
        let err = read_road_network(&bad).expect_err("bad class").to_string();
        assert!(err.contains("bad.json: not a valid rota-roads/1 document: at edges["), "{err}");
        assert!(err.contains("].class: unknown variant `footway`"), "{err}");

        let mut invalid = net.clone();
        invalid.edges[0].to = 12345;
        let invalid_path = dir.join("invalid.json");
        std::fs::write(&invalid_path, serde_json::to_vec(&invalid).expect("json")).expect("write");
        let err = read_road_network(&invalid_path).expect_err("invalid").to_string();
        assert!(err.contains("invalid.json: invalid road network:\n  - edges[0]: to: node 12345"), "{err}");

        let err = read_road_network(&dir.join("roads.csv")).expect_err("type").to_string();
        assert!(err.contains("roads.csv: unknown road network file type"), "{err}");
        let err = read_road_network(&dir.join("missing.json")).expect_err("io").to_string();
        assert!(err.contains("missing.json: cannot read the road network file"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    trait WithName {
        fn clone_with_name(self, name: &str) -> RoadNetwork;
    }
    impl WithName for RoadNetwork {
        fn clone_with_name(mut self, name: &str) -> RoadNetwork {
            self.name = name.to_string();
            self
        }
    }
}

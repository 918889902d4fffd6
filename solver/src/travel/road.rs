//! Road-graph travel model: fastest drives over a road network.
//!
//! # The `rota-roads/1` format
//!
//! The product ships a road network for its sample area in this format, and the OpenStreetMap
//! importer (`rota_store::osm`) produces it:
//!
//! ```json
//! {"format": "rota-roads/1", "name": "Helsinki centre",
//!  "attribution": "© OpenStreetMap contributors, ODbL 1.0",
//!  "nodes": [[24.9402, 60.1699], [24.9411, 60.1702]],
//!  "edges": [{"from": 0, "to": 1, "class": "primary", "oneway": false,
//!             "length_m": 61.3, "speed_kmh": null, "name": "Mannerheimintie"}]}
//! ```
//!
//! * `nodes` are `[lon, lat]` pairs (WGS 84 degrees, GeoJSON order); an edge names them by
//!   their position in the list.
//! * `oneway: true` means the edge can only be driven `from` → `to` (default `false`).
//! * `length_m` is optional; when absent it is the great-circle distance between the two nodes.
//! * `speed_kmh` is optional (or `null`) and overrides the class's default speed.
//! * `attribution` and `name` (of an edge) are optional. Unknown fields are rejected.
//!
//! ## Default speeds by class
//!
//! Typical urban driving speeds including junction delays (turn costs are not modelled), used
//! when an edge has no `speed_kmh`:
//!
//! | class            | km/h |
//! |------------------|-----:|
//! | `motorway`       |  100 |
//! | `motorway_link`  |   60 |
//! | `trunk`          |   80 |
//! | `trunk_link`     |   50 |
//! | `primary`        |   60 |
//! | `primary_link`   |   40 |
//! | `secondary`      |   50 |
//! | `secondary_link` |   40 |
//! | `tertiary`       |   40 |
//! | `tertiary_link`  |   30 |
//! | `unclassified`   |   35 |
//! | `residential`    |   30 |
//! | `living_street`  |   10 |
//! | `service`        |   15 |
//!
//! ## Validation
//!
//! [`RoadNetwork::validate`] lists every problem, each naming the record and the field
//! (`edges[17]: from: node 9999 does not exist (network has 1200 nodes)`). It rejects: a wrong
//! `format`; an empty node or edge list; coordinates that are not finite or outside
//! [-180, 180] × [-90, 90]; edge endpoints that do not exist; **self loops** (an edge from a
//! node to itself can never be on a shortest path, so it is surely a mistake — the importer
//! never writes one); a `length_m` that is not finite, negative, or clearly shorter than the
//! straight line between its nodes (below 99 % of it minus 1 m: it would make "faster than a
//! straight line" drives possible); a `speed_kmh` that is not a positive finite number.
//!
//! # The graph
//!
//! [`RoadGraph::build`] turns a valid network into a directed graph (`petgraph::DiGraph`):
//! each edge becomes one arc (`oneway`) or two, weighted by travel seconds (length / speed)
//! and meters. Parallel arcs between the same two nodes are merged, keeping the fastest.
//! Only the **largest strongly connected component** is kept: real OSM extracts are full of
//! fragments (a parking aisle cut by the extract's border, a one-way dead end) from which
//! some other node cannot be reached. Inside one strongly connected component every node
//! reaches every other one, so every drive between two snapped locations exists. The number
//! of dropped nodes is in [`RoadGraphStats`].
//!
//! Locations are snapped to the nearest node of that component with an R-tree over an
//! equirectangular projection around the network's centre (fine for a city or a region; the
//! final choice among the nearest candidates uses the great-circle distance).
//!
//! Shortest paths minimise travel time. [`RoadGraph::route`] uses A* with the straight-line
//! distance times the smallest seconds-per-straight-meter of any arc as heuristic (this is
//! "distance / max speed" when every length is at least the straight line, and stays
//! admissible and consistent even when a given `length_m` is slightly shorter).
//! [`RoadGraph::dijkstra`] is a one-to-all binary-heap Dijkstra over a compact adjacency
//! array, returning the fastest time and the length of that fastest path (ties broken by the
//! shorter length).
//!
//! # Travel matrix
//!
//! [`RoadGraph::travel_matrix`] runs one Dijkstra per distinct snapped node (stopping once all
//! snapped nodes are settled) and adds each location's straight-line access leg to and from
//! its snapped node at `access_speed_kmh`. So two different locations snapped to the same node
//! still have a positive travel time, and the matrix obeys the triangle inequality. Seconds
//! are rounded **up** to whole seconds: rounding up keeps both properties exactly (rounding to
//! nearest could break the triangle inequality by one second and turn a 1 m hop into 0 s).
//! Identical locations (same coordinates) are 0 s and 0 m apart.
//!
//! Measured in the test profile: the Helsinki centre OSM extract (1,885 nodes, 1,964 edges)
//! builds in ≈ 1.5 ms; the synthetic Northvale sample (2,697 nodes, 4,842 edges) in ≈ 3.5 ms,
//! and its 423 × 423 travel matrix in ≈ 0.2 s.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::fmt;

use petgraph::algo::{astar, kosaraju_scc};
use petgraph::graph::{DiGraph, NodeIndex};
use rstar::RTree;
use rstar::primitives::GeomWithData;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::format::Location;
use crate::time::Secs;
use crate::travel::{EARTH_RADIUS_M, MatrixTravel, haversine_m};

/// The `format` value of a road network file.
pub const ROADS_FORMAT: &str = "rota-roads/1";

/// At most this many validation errors are listed (then a count of the rest).
const MAX_REPORTED_ERRORS: usize = 100;

/// Nearest R-tree candidates (in projected meters) compared by great-circle distance.
const SNAP_CANDIDATES: usize = 8;

/// A road network: the `rota-roads/1` file.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RoadNetwork {
    /// Always `"rota-roads/1"`.
    pub format: String,
    pub name: String,
    /// Data licence attribution that must be shown with anything derived from the network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<String>,
    /// `[lon, lat]` WGS 84 degrees.
    pub nodes: Vec<[f64; 2]>,
    pub edges: Vec<RoadEdge>,
}

/// One road segment between two nodes (indices into [`RoadNetwork::nodes`]).
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RoadEdge {
    pub from: usize,
    pub to: usize,
    pub class: RoadClass,
    /// Drivable only `from` → `to`.
    #[serde(default)]
    pub oneway: bool,
    /// Length in meters; absent means the great-circle distance between the nodes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length_m: Option<f64>,
    /// Driving speed, overriding the class default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed_kmh: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// Drivable road classes (the OpenStreetMap `highway` values of the same name).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoadClass {
    Motorway,
    MotorwayLink,
    Trunk,
    TrunkLink,
    Primary,
    PrimaryLink,
    Secondary,
    SecondaryLink,
    Tertiary,
    TertiaryLink,
    Unclassified,
    Residential,
    LivingStreet,
    Service,
}

impl RoadClass {
    pub const ALL: [RoadClass; 14] = [
        RoadClass::Motorway,
        RoadClass::MotorwayLink,
        RoadClass::Trunk,
        RoadClass::TrunkLink,
        RoadClass::Primary,
        RoadClass::PrimaryLink,
        RoadClass::Secondary,
        RoadClass::SecondaryLink,
        RoadClass::Tertiary,
        RoadClass::TertiaryLink,
        RoadClass::Unclassified,
        RoadClass::Residential,
        RoadClass::LivingStreet,
        RoadClass::Service,
    ];

    /// Default driving speed (see the table in the module documentation).
    pub fn default_speed_kmh(self) -> f64 {
        match self {
            RoadClass::Motorway => 100.0,
            RoadClass::MotorwayLink => 60.0,
            RoadClass::Trunk => 80.0,
            RoadClass::TrunkLink => 50.0,
            RoadClass::Primary => 60.0,
            RoadClass::PrimaryLink => 40.0,
            RoadClass::Secondary => 50.0,
            RoadClass::SecondaryLink => 40.0,
            RoadClass::Tertiary => 40.0,
            RoadClass::TertiaryLink => 30.0,
            RoadClass::Unclassified => 35.0,
            RoadClass::Residential => 30.0,
            RoadClass::LivingStreet => 10.0,
            RoadClass::Service => 15.0,
        }
    }

    /// The file (and OpenStreetMap `highway`) spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            RoadClass::Motorway => "motorway",
            RoadClass::MotorwayLink => "motorway_link",
            RoadClass::Trunk => "trunk",
            RoadClass::TrunkLink => "trunk_link",
            RoadClass::Primary => "primary",
            RoadClass::PrimaryLink => "primary_link",
            RoadClass::Secondary => "secondary",
            RoadClass::SecondaryLink => "secondary_link",
            RoadClass::Tertiary => "tertiary",
            RoadClass::TertiaryLink => "tertiary_link",
            RoadClass::Unclassified => "unclassified",
            RoadClass::Residential => "residential",
            RoadClass::LivingStreet => "living_street",
            RoadClass::Service => "service",
        }
    }

    /// The class of an OpenStreetMap `highway=*` value, `None` when not drivable by car
    /// (footway, cycleway, path, steps, pedestrian, track, bridleway, construction, proposed,
    /// corridor, platform, …).
    pub fn from_osm_highway(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|class| class.as_str() == value)
    }
}

impl fmt::Display for RoadClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A `rota-roads/1` document that could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("at {path}: {message}")]
pub struct RoadJsonError {
    /// serde path of the offending value (`edges[17].class`), `.` for the document itself.
    pub path: String,
    /// The JSON parser's message (with line and column).
    pub message: String,
}

/// A road network that failed [`RoadNetwork::validate`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("road network {name:?} is invalid:\n  - {}", errors.join("\n  - "))]
pub struct InvalidRoadNetwork {
    pub name: String,
    pub errors: Vec<String>,
}

impl RoadNetwork {
    /// Parses a `rota-roads/1` JSON document (structure only: call [`Self::validate`] next).
    pub fn from_json_slice(bytes: &[u8]) -> Result<Self, RoadJsonError> {
        let mut deserializer = serde_json::Deserializer::from_slice(bytes);
        let network: Self = serde_path_to_error::deserialize(&mut deserializer)
            .map_err(|e| RoadJsonError { path: e.path().to_string(), message: e.inner().to_string() })?;
        deserializer.end().map_err(|e| RoadJsonError { path: ".".to_string(), message: e.to_string() })?;
        Ok(network)
    }

    /// Every problem found, each naming the record and the field; empty when valid.
    /// Never panics. Lists at most 100 problems, then how many more there are.
    pub fn validate(&self) -> Vec<String> {
        let mut errors = ErrorList::default();
        if self.format != ROADS_FORMAT {
            errors.push(format!("format: expected {ROADS_FORMAT:?}, found {:?}", self.format));
        }
        if self.nodes.is_empty() {
            errors.push("nodes: the network has no nodes".to_string());
        }
        if self.edges.is_empty() {
            errors.push("edges: the network has no edges".to_string());
        }
        for (i, &[lon, lat]) in self.nodes.iter().enumerate() {
            if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
                errors.push(format!("nodes[{i}]: longitude {lon} is not a number in [-180, 180]"));
            }
            if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
                errors.push(format!("nodes[{i}]: latitude {lat} is not a number in [-90, 90]"));
            }
        }
        let n = self.nodes.len();
        for (i, edge) in self.edges.iter().enumerate() {
            for (field, node) in [("from", edge.from), ("to", edge.to)] {
                if node >= n {
                    errors.push(format!("edges[{i}]: {field}: node {node} does not exist (network has {n} nodes)"));
                }
            }
            if edge.from == edge.to {
                errors.push(format!(
                    "edges[{i}]: to: self loop on node {} (an edge must join two different nodes)",
                    edge.from
                ));
            }
            if let Some(length) = edge.length_m {
                if !length.is_finite() {
                    errors.push(format!("edges[{i}]: length_m: {length} is not a finite number"));
                } else if length < 0.0 {
                    errors.push(format!("edges[{i}]: length_m: {length} is negative"));
                } else if let Some(straight) = self.straight_m(edge.from, edge.to) {
                    if length < straight * 0.99 - 1.0 {
                        errors.push(format!(
                            "edges[{i}]: length_m: {length} m is shorter than the straight line \
                             between its nodes ({straight:.1} m)"
                        ));
                    }
                }
            }
            if let Some(speed) = edge.speed_kmh {
                if !(speed.is_finite() && speed > 0.0) {
                    errors.push(format!("edges[{i}]: speed_kmh: {speed} is not a positive number"));
                }
            }
        }
        errors.finish()
    }

    /// Node `i` as a [`Location`], if it exists and has finite, in-range coordinates.
    pub fn node_location(&self, i: usize) -> Option<Location> {
        let &[lon, lat] = self.nodes.get(i)?;
        valid_lon_lat(lon, lat).then_some(Location { lat, lon })
    }

    fn straight_m(&self, from: usize, to: usize) -> Option<f64> {
        Some(haversine_m(self.node_location(from)?, self.node_location(to)?))
    }
}

fn valid_lon_lat(lon: f64, lat: f64) -> bool {
    lon.is_finite() && lat.is_finite() && (-180.0..=180.0).contains(&lon) && lat.abs() <= 90.0
}

#[derive(Default)]
struct ErrorList {
    errors: Vec<String>,
    more: usize,
}

impl ErrorList {
    fn push(&mut self, error: String) {
        if self.errors.len() < MAX_REPORTED_ERRORS {
            self.errors.push(error);
        } else {
            self.more += 1;
        }
    }

    fn finish(mut self) -> Vec<String> {
        if self.more > 0 {
            self.errors.push(format!("… and {} more errors", self.more));
        }
        self.errors
    }
}

/// Cost of driving one arc.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ArcCost {
    pub secs: f64,
    pub meters: f64,
}

/// One arc of a [`RoadGraph`] (graph node indices).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RoadArc {
    pub from: usize,
    pub to: usize,
    pub secs: f64,
    pub meters: f64,
}

/// How a road network was turned into a graph.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RoadGraphStats {
    /// Nodes and edges of the network file.
    pub network_nodes: usize,
    pub network_edges: usize,
    /// Nodes and arcs of the graph kept (the largest strongly connected component).
    pub nodes: usize,
    pub arcs: usize,
    /// Network nodes outside that component (isolated fragments, unused nodes).
    pub dropped_nodes: usize,
    /// Arcs touching a dropped node.
    pub dropped_arcs: usize,
    /// Strongly connected components of the whole network (including single nodes).
    pub components: usize,
}

/// A location snapped to its nearest road node.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Snap {
    /// Graph node index (see [`RoadGraph::node_location`]).
    pub node: usize,
    /// Great-circle distance from the location to the node.
    pub distance_m: f64,
}

/// Time and length of the fastest path to one node.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PathCost {
    /// `f64::INFINITY` when unreachable.
    pub secs: f64,
    /// Length of that fastest path; `f64::INFINITY` when unreachable.
    pub meters: f64,
}

impl PathCost {
    pub const UNREACHABLE: PathCost = PathCost { secs: f64::INFINITY, meters: f64::INFINITY };

    pub fn is_reachable(&self) -> bool {
        self.secs.is_finite()
    }
}

/// The fastest path between two graph nodes.
#[derive(Clone, Debug, PartialEq)]
pub struct NodePath {
    pub secs: f64,
    pub meters: f64,
    /// Graph nodes from start to goal, both included.
    pub nodes: Vec<usize>,
}

/// The fastest road path between the nodes two locations snap to.
///
/// `secs`, `meters` and `coords` cover the roads only: the straight access legs from `from` to
/// `from_snap` and from `to_snap` to `to` are not included (add them at the access speed, as
/// [`RoadGraph::travel_matrix`] does).
#[derive(Clone, Debug, PartialEq)]
pub struct RoutePath {
    pub secs: f64,
    pub meters: f64,
    /// `[lon, lat]` of every road node on the path, in driving order.
    pub coords: Vec<[f64; 2]>,
    pub from_snap: Snap,
    pub to_snap: Snap,
}

/// Why a travel matrix could not be computed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum RoadTravelError {
    #[error("access_speed_kmh: {0} is not a positive number")]
    AccessSpeed(f64),
    #[error("locations[{index}]: ({lat}, {lon}) is not a finite latitude/longitude")]
    Location { index: usize, lat: f64, lon: f64 },
    /// Cannot happen on a strongly connected graph; reported rather than panicking.
    #[error("no road path from locations[{from}] to locations[{to}]")]
    Unreachable { from: usize, to: usize },
}

/// Equirectangular projection to local meters around a centre.
#[derive(Clone, Copy, Debug)]
struct Projection {
    lon0: f64,
    lat0: f64,
    /// Meters per degree of longitude and of latitude.
    kx: f64,
    ky: f64,
}

impl Projection {
    fn around(points: impl Iterator<Item = [f64; 2]>) -> Self {
        let (mut min_lon, mut max_lon) = (f64::INFINITY, f64::NEG_INFINITY);
        let (mut min_lat, mut max_lat) = (f64::INFINITY, f64::NEG_INFINITY);
        for [lon, lat] in points {
            min_lon = min_lon.min(lon);
            max_lon = max_lon.max(lon);
            min_lat = min_lat.min(lat);
            max_lat = max_lat.max(lat);
        }
        let (lon0, lat0) =
            if min_lon <= max_lon { ((min_lon + max_lon) / 2.0, (min_lat + max_lat) / 2.0) } else { (0.0, 0.0) };
        let ky = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;
        Self { lon0, lat0, kx: ky * lat0.to_radians().cos(), ky }
    }

    fn project(&self, lon: f64, lat: f64) -> [f64; 2] {
        [(lon - self.lon0) * self.kx, (lat - self.lat0) * self.ky]
    }
}

/// A road network as a directed graph, restricted to its largest strongly connected component.
#[derive(Clone, Debug)]
pub struct RoadGraph {
    name: String,
    attribution: Option<String>,
    /// Node weight: `[lon, lat]`.
    graph: DiGraph<[f64; 2], ArcCost>,
    /// Graph node → network node.
    network_index: Vec<usize>,
    /// Network node → graph node (`u32::MAX` when dropped).
    graph_index: Vec<u32>,
    /// Forward adjacency (compressed rows) for Dijkstra.
    first_out: Vec<u32>,
    head: Vec<u32>,
    cost: Vec<ArcCost>,
    tree: RTree<GeomWithData<[f64; 2], u32>>,
    projection: Projection,
    /// Lower bound of seconds per straight-line meter over every arc (A* heuristic).
    secs_per_straight_m: f64,
    max_speed_kmh: f64,
    stats: RoadGraphStats,
}

impl RoadGraph {
    /// Validates the network and builds the graph of its largest strongly connected component.
    pub fn build(network: &RoadNetwork) -> Result<Self, InvalidRoadNetwork> {
        let errors = network.validate();
        if !errors.is_empty() {
            return Err(InvalidRoadNetwork { name: network.name.clone(), errors });
        }
        let n = network.nodes.len();
        let invalid = |message: String| InvalidRoadNetwork { name: network.name.clone(), errors: vec![message] };
        let node_count = u32::try_from(n)
            .ok()
            .filter(|&count| count < u32::MAX)
            .ok_or_else(|| invalid(format!("nodes: {n} nodes are too many")))?;

        // Arcs of the whole network, parallel arcs merged keeping the fastest.
        let mut arcs: Vec<(u32, u32, ArcCost)> = Vec::with_capacity(network.edges.len() * 2);
        for (i, edge) in network.edges.iter().enumerate() {
            let (Some(a), Some(b)) = (network.node_location(edge.from), network.node_location(edge.to)) else {
                return Err(invalid(format!("edges[{i}]: endpoints not valid")));
            };
            let meters = edge.length_m.unwrap_or_else(|| haversine_m(a, b));
            let speed_kmh = edge.speed_kmh.unwrap_or_else(|| edge.class.default_speed_kmh());
            let cost = ArcCost { secs: meters / (speed_kmh / 3.6), meters };
            // Validation guarantees both indices are below `n`, which fits in u32.
            let (from, to) = (edge.from as u32, edge.to as u32);
            arcs.push((from, to, cost));
            if !edge.oneway {
                arcs.push((to, from, cost));
            }
        }
        arcs.sort_by(|x, y| {
            (x.0, x.1).cmp(&(y.0, y.1)).then(x.2.secs.total_cmp(&y.2.secs)).then(x.2.meters.total_cmp(&y.2.meters))
        });
        arcs.dedup_by(|later, kept| later.0 == kept.0 && later.1 == kept.1);

        // Largest strongly connected component (ties: the one holding the lowest node).
        let mut full: DiGraph<(), ()> = DiGraph::with_capacity(n, arcs.len());
        for _ in 0..node_count {
            full.add_node(());
        }
        for &(from, to, _) in &arcs {
            full.add_edge(NodeIndex::new(from as usize), NodeIndex::new(to as usize), ());
        }
        let components = kosaraju_scc(&full);
        let component_count = components.len();
        let mut best: Vec<usize> = Vec::new();
        for component in components {
            let mut members: Vec<usize> = component.into_iter().map(|v| v.index()).collect();
            members.sort_unstable();
            let better = members.len() > best.len() || (members.len() == best.len() && members.first() < best.first());
            if better {
                best = members;
            }
        }
        drop(full);

        let mut graph_index = vec![u32::MAX; n];
        let mut graph: DiGraph<[f64; 2], ArcCost> = DiGraph::with_capacity(best.len(), arcs.len());
        for &v in &best {
            graph_index[v] = graph.add_node(network.nodes[v]).index() as u32;
        }
        let mut first_out = vec![0u32; best.len() + 1];
        let mut head = Vec::with_capacity(arcs.len());
        let mut cost = Vec::with_capacity(arcs.len());
        let mut dropped_arcs = 0;
        let mut secs_per_straight_m = f64::INFINITY;
        let mut max_speed_kmh: f64 = 0.0;
        // `arcs` is sorted by network `from`, and graph nodes keep the network order, so the
        // kept arcs come out sorted by graph `from`: the compressed rows fill in one pass.
        for &(from, to, arc) in &arcs {
            let (u, v) = (graph_index[from as usize], graph_index[to as usize]);
            if u == u32::MAX || v == u32::MAX {
                dropped_arcs += 1;
                continue;
            }
            graph.add_edge(NodeIndex::new(u as usize), NodeIndex::new(v as usize), arc);
            first_out[u as usize + 1] += 1;
            head.push(v);
            cost.push(arc);
            let [ulon, ulat] = network.nodes[from as usize];
            let [vlon, vlat] = network.nodes[to as usize];
            let straight = haversine_m(Location { lat: ulat, lon: ulon }, Location { lat: vlat, lon: vlon });
            if straight > 0.0 {
                secs_per_straight_m = secs_per_straight_m.min(arc.secs / straight);
            }
            if arc.secs > 0.0 {
                max_speed_kmh = max_speed_kmh.max(arc.meters / arc.secs * 3.6);
            }
        }
        for i in 1..first_out.len() {
            first_out[i] += first_out[i - 1];
        }
        if !secs_per_straight_m.is_finite() {
            secs_per_straight_m = 0.0;
        }
        // A hair below the bound, so float rounding never makes the heuristic overestimate.
        secs_per_straight_m *= 1.0 - 1e-9;

        let projection = Projection::around(best.iter().map(|&v| network.nodes[v]));
        let points = best
            .iter()
            .enumerate()
            .map(|(g, &v)| {
                let [lon, lat] = network.nodes[v];
                GeomWithData::new(projection.project(lon, lat), g as u32)
            })
            .collect();
        let stats = RoadGraphStats {
            network_nodes: n,
            network_edges: network.edges.len(),
            nodes: best.len(),
            arcs: head.len(),
            dropped_nodes: n - best.len(),
            dropped_arcs,
            components: component_count,
        };
        Ok(Self {
            name: network.name.clone(),
            attribution: network.attribution.clone(),
            graph,
            network_index: best,
            graph_index,
            first_out,
            head,
            cost,
            tree: RTree::bulk_load(points),
            projection,
            secs_per_straight_m,
            max_speed_kmh,
            stats,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn attribution(&self) -> Option<&str> {
        self.attribution.as_deref()
    }

    pub fn stats(&self) -> &RoadGraphStats {
        &self.stats
    }

    /// Network nodes left out of the graph (outside the largest strongly connected component).
    pub fn dropped_nodes(&self) -> usize {
        self.stats.dropped_nodes
    }

    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    pub fn arc_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// The underlying petgraph graph (node weight `[lon, lat]`, edge weight [`ArcCost`]).
    pub fn graph(&self) -> &DiGraph<[f64; 2], ArcCost> {
        &self.graph
    }

    /// Fastest arc speed in the graph, km/h.
    pub fn max_speed_kmh(&self) -> f64 {
        self.max_speed_kmh
    }

    pub fn node_location(&self, node: usize) -> Option<Location> {
        let &[lon, lat] = self.graph.node_weight(NodeIndex::new(node))?;
        Some(Location { lat, lon })
    }

    /// The network node (index into [`RoadNetwork::nodes`]) of a graph node.
    pub fn network_node(&self, node: usize) -> Option<usize> {
        self.network_index.get(node).copied()
    }

    /// The graph node of a network node; `None` when it was dropped.
    pub fn graph_node(&self, network_node: usize) -> Option<usize> {
        let g = *self.graph_index.get(network_node)?;
        (g != u32::MAX).then_some(g as usize)
    }

    /// Every arc, grouped by `from` node.
    pub fn arcs(&self) -> impl Iterator<Item = RoadArc> + '_ {
        (0..self.first_out.len().saturating_sub(1)).flat_map(move |u| {
            self.arc_range(u).map(move |i| RoadArc {
                from: u,
                to: self.head[i] as usize,
                secs: self.cost[i].secs,
                meters: self.cost[i].meters,
            })
        })
    }

    /// The arc `from` → `to`, if there is one.
    pub fn arc(&self, from: usize, to: usize) -> Option<RoadArc> {
        self.arc_range(from).find(|&i| self.head[i] as usize == to).map(|i| RoadArc {
            from,
            to,
            secs: self.cost[i].secs,
            meters: self.cost[i].meters,
        })
    }

    fn arc_range(&self, node: usize) -> std::ops::Range<usize> {
        match (self.first_out.get(node), self.first_out.get(node + 1)) {
            (Some(&start), Some(&end)) => start as usize..end as usize,
            _ => 0..0,
        }
    }

    /// The nearest graph node; `None` only when the location is not finite.
    pub fn snap(&self, location: Location) -> Option<Snap> {
        if !(location.lat.is_finite() && location.lon.is_finite()) {
            return None;
        }
        let query = self.projection.project(location.lon, location.lat);
        let mut best: Option<Snap> = None;
        for candidate in self.tree.nearest_neighbor_iter(query).take(SNAP_CANDIDATES) {
            let node = candidate.data as usize;
            let Some(node_location) = self.node_location(node) else {
                continue;
            };
            let distance_m = haversine_m(location, node_location);
            let better = match best {
                None => true,
                Some(b) => (distance_m, node) < (b.distance_m, b.node),
            };
            if better {
                best = Some(Snap { node, distance_m });
            }
        }
        best
    }

    /// The fastest road path between the nodes `from` and `to` snap to (A*). `None` when a
    /// location is not finite. See [`RoutePath`] for what is included.
    pub fn route(&self, from: Location, to: Location) -> Option<RoutePath> {
        let from_snap = self.snap(from)?;
        let to_snap = self.snap(to)?;
        let path = self.route_nodes(from_snap.node, to_snap.node)?;
        let coords = path.nodes.iter().filter_map(|&v| self.graph.node_weight(NodeIndex::new(v)).copied()).collect();
        Some(RoutePath { secs: path.secs, meters: path.meters, coords, from_snap, to_snap })
    }

    /// The fastest path between two graph nodes (A*); `None` when a node does not exist or
    /// there is no path.
    pub fn route_nodes(&self, from: usize, to: usize) -> Option<NodePath> {
        let goal = self.node_location(to)?;
        self.node_location(from)?;
        let rate = self.secs_per_straight_m;
        let (secs, path) = astar(
            &self.graph,
            NodeIndex::new(from),
            |v| v.index() == to,
            |e| e.weight().secs,
            |v| {
                let [lon, lat] = self.graph[v];
                haversine_m(Location { lat, lon }, goal) * rate
            },
        )?;
        let mut meters = 0.0;
        for pair in path.windows(2) {
            meters += self.arc(pair[0].index(), pair[1].index())?.meters;
        }
        Some(NodePath { secs, meters, nodes: path.into_iter().map(|v| v.index()).collect() })
    }

    /// Fastest time, and the length of that fastest path, from `source` to every graph node
    /// (indexed by graph node). All unreachable when `source` does not exist.
    pub fn dijkstra(&self, source: usize) -> Vec<PathCost> {
        let mut search = Dijkstra::new(self.node_count());
        search.run(self, source, None);
        search.secs.iter().zip(&search.meters).map(|(&secs, &meters)| PathCost { secs, meters }).collect()
    }

    /// Like [`Self::dijkstra`], for the given targets only (in their order), stopping as soon
    /// as all of them are settled.
    pub fn dijkstra_to(&self, source: usize, targets: &[usize]) -> Vec<PathCost> {
        let mut search = Dijkstra::new(self.node_count());
        search.run(self, source, Some(targets));
        search.costs(targets)
    }

    /// Travel times and distances between `locations` (in order) over the roads, each
    /// location joined to its nearest node by a straight leg driven at `access_speed_kmh`.
    /// Seconds are rounded up; identical locations are 0 apart. One Dijkstra per distinct
    /// snapped node.
    pub fn travel_matrix(
        &self,
        locations: &[Location],
        access_speed_kmh: f64,
    ) -> Result<MatrixTravel, RoadTravelError> {
        if !(access_speed_kmh.is_finite() && access_speed_kmh > 0.0) {
            return Err(RoadTravelError::AccessSpeed(access_speed_kmh));
        }
        let access_mps = access_speed_kmh / 3.6;
        let snaps = locations
            .iter()
            .enumerate()
            .map(|(index, &l)| self.snap(l).ok_or(RoadTravelError::Location { index, lat: l.lat, lon: l.lon }))
            .collect::<Result<Vec<Snap>, _>>()?;
        let mut nodes: Vec<usize> = snaps.iter().map(|s| s.node).collect();
        nodes.sort_unstable();
        nodes.dedup();
        // slot[i]: position of location i's node in `nodes`.
        let slot: Vec<usize> = snaps.iter().map(|s| nodes.binary_search(&s.node).unwrap_or_default()).collect();
        let mut search = Dijkstra::new(self.node_count());
        let rows: Vec<Vec<PathCost>> = nodes
            .iter()
            .map(|&source| {
                search.run(self, source, Some(&nodes));
                search.costs(&nodes)
            })
            .collect();

        let n = locations.len();
        let mut secs: Vec<Secs> = Vec::with_capacity(n * n);
        let mut meters: Vec<f64> = Vec::with_capacity(n * n);
        for i in 0..n {
            for j in 0..n {
                if i == j || locations[i] == locations[j] {
                    secs.push(0);
                    meters.push(0.0);
                    continue;
                }
                let road = rows[slot[i]][slot[j]];
                if !road.is_reachable() {
                    return Err(RoadTravelError::Unreachable { from: i, to: j });
                }
                let access_m = snaps[i].distance_m + snaps[j].distance_m;
                let total_secs = access_m / access_mps + road.secs;
                // Round up (a micro-second of slack absorbs float noise): keeps the triangle
                // inequality exact and distinct locations at least one second apart.
                secs.push((total_secs - 1e-6).ceil().max(0.0) as Secs);
                meters.push(access_m + road.meters);
            }
        }
        Ok(MatrixTravel::new(n, secs, meters))
    }
}

/// Heap entry: a tentative (secs, meters) label of a node; ordered as a min-heap.
#[derive(Clone, Copy, Debug)]
struct Label {
    secs: f64,
    meters: f64,
    node: u32,
}

impl Label {
    fn key(&self) -> (f64, f64) {
        (self.secs, self.meters)
    }
}

fn lexi_cmp(a: (f64, f64), b: (f64, f64)) -> Ordering {
    a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1))
}

impl PartialEq for Label {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Label {}
impl PartialOrd for Label {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Label {
    fn cmp(&self, other: &Self) -> Ordering {
        lexi_cmp(other.key(), self.key()).then(other.node.cmp(&self.node))
    }
}

/// Reusable one-to-many Dijkstra state: only the touched entries are reset between runs.
struct Dijkstra {
    secs: Vec<f64>,
    meters: Vec<f64>,
    touched: Vec<u32>,
    is_target: Vec<bool>,
    heap: BinaryHeap<Label>,
}

impl Dijkstra {
    fn new(n: usize) -> Self {
        Self {
            secs: vec![f64::INFINITY; n],
            meters: vec![f64::INFINITY; n],
            touched: Vec::new(),
            is_target: vec![false; n],
            heap: BinaryHeap::new(),
        }
    }

    fn run(&mut self, graph: &RoadGraph, source: usize, targets: Option<&[usize]>) {
        for &v in &self.touched {
            self.secs[v as usize] = f64::INFINITY;
            self.meters[v as usize] = f64::INFINITY;
        }
        self.touched.clear();
        self.heap.clear();
        if source >= self.secs.len() {
            return;
        }
        let mut remaining = usize::MAX;
        if let Some(targets) = targets {
            remaining = 0;
            for &t in targets {
                if let Some(flag) = self.is_target.get_mut(t) {
                    if !*flag {
                        *flag = true;
                        remaining += 1;
                    }
                }
            }
        }
        self.secs[source] = 0.0;
        self.meters[source] = 0.0;
        self.touched.push(source as u32);
        self.heap.push(Label { secs: 0.0, meters: 0.0, node: source as u32 });
        while let Some(label) = self.heap.pop() {
            let u = label.node as usize;
            if lexi_cmp(label.key(), (self.secs[u], self.meters[u])) == Ordering::Greater {
                continue; // stale
            }
            if self.is_target[u] {
                remaining -= 1;
                if remaining == 0 {
                    break;
                }
            }
            for i in graph.arc_range(u) {
                let v = graph.head[i] as usize;
                let arc = graph.cost[i];
                let key = (label.secs + arc.secs, label.meters + arc.meters);
                if lexi_cmp(key, (self.secs[v], self.meters[v])) == Ordering::Less {
                    if self.secs[v] == f64::INFINITY {
                        self.touched.push(v as u32);
                    }
                    self.secs[v] = key.0;
                    self.meters[v] = key.1;
                    self.heap.push(Label { secs: key.0, meters: key.1, node: v as u32 });
                }
            }
        }
        if let Some(targets) = targets {
            for &t in targets {
                if let Some(flag) = self.is_target.get_mut(t) {
                    *flag = false;
                }
            }
        }
    }

    fn costs(&self, targets: &[usize]) -> Vec<PathCost> {
        targets
            .iter()
            .map(|&t| match (self.secs.get(t), self.meters.get(t)) {
                (Some(&secs), Some(&meters)) if secs.is_finite() => PathCost { secs, meters },
                _ => PathCost::UNREACHABLE,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::travel::TravelModel;

    /// Node `i` at (lat0 + dy·0.001°, lon0 + dx·0.001°): 0.001° ≈ 111 m north, ≈ 55.6 m east.
    fn node(dx: f64, dy: f64) -> [f64; 2] {
        [25.0 + dx * 0.001, 60.0 + dy * 0.001]
    }

    fn edge(from: usize, to: usize, class: RoadClass, oneway: bool) -> RoadEdge {
        RoadEdge { from, to, class, oneway, length_m: None, speed_kmh: None, name: None }
    }

    fn network(nodes: Vec<[f64; 2]>, edges: Vec<RoadEdge>) -> RoadNetwork {
        RoadNetwork { format: ROADS_FORMAT.to_string(), name: "test".to_string(), attribution: None, nodes, edges }
    }

    fn loc(p: [f64; 2]) -> Location {
        Location { lat: p[1], lon: p[0] }
    }

    /// A square 0-1-2-3 (counter-clockwise) with the diagonal-free ring two-way except 0→1.
    fn square_with_oneway() -> RoadNetwork {
        use RoadClass::Residential as R;
        network(
            vec![node(0.0, 0.0), node(2.0, 0.0), node(2.0, 1.0), node(0.0, 1.0)],
            vec![edge(0, 1, R, true), edge(1, 2, R, false), edge(2, 3, R, false), edge(3, 0, R, false)],
        )
    }

    #[test]
    fn oneway_is_driven_forward_only() {
        let net = square_with_oneway();
        let g = RoadGraph::build(&net).expect("valid");
        assert_eq!(g.node_count(), 4);
        assert_eq!(g.arc_count(), 7);
        assert!(g.arc(0, 1).is_some());
        assert!(g.arc(1, 0).is_none());

        let forward = g.route_nodes(0, 1).expect("path");
        assert_eq!(forward.nodes, vec![0, 1]);
        let back = g.route_nodes(1, 0).expect("path around");
        assert_eq!(back.nodes, vec![1, 2, 3, 0]);
        assert!(back.secs > forward.secs);
        let side = haversine_m(loc(net.nodes[0]), loc(net.nodes[1]));
        assert!((forward.meters - side).abs() < 1e-9);
        assert!(back.meters > 2.0 * side);
    }

    #[test]
    fn oneway_dead_end_is_dropped_and_reported() {
        use RoadClass::Residential as R;
        // 0 ⇄ 1 → 2: node 2 can be entered but not left; node 3 is unused.
        let net = network(
            vec![node(0.0, 0.0), node(1.0, 0.0), node(2.0, 0.0), node(5.0, 5.0)],
            vec![edge(0, 1, R, false), edge(1, 2, R, true)],
        );
        let g = RoadGraph::build(&net).expect("valid");
        assert_eq!(g.node_count(), 2);
        assert_eq!(g.dropped_nodes(), 2);
        assert_eq!(g.stats().dropped_arcs, 1);
        assert_eq!(g.stats().components, 3);
        assert_eq!(g.graph_node(2), None);
        assert_eq!(g.graph_node(1), Some(1));
        assert_eq!(g.network_node(1), Some(1));
        // Nothing can route onto the dead end: the nearest kept node is 1.
        let snap = g.snap(loc(net.nodes[2])).expect("finite");
        assert_eq!(snap.node, 1);
    }

    #[test]
    fn minimises_time_not_distance() {
        // 0 → 3 directly on a slow living street (short), or via 1, 2 on a fast primary road.
        use RoadClass::{LivingStreet, Primary};
        let net = network(
            vec![node(0.0, 0.0), node(0.0, 2.0), node(10.0, 2.0), node(10.0, 0.0)],
            vec![
                edge(0, 3, LivingStreet, false),
                edge(0, 1, Primary, false),
                edge(1, 2, Primary, false),
                edge(2, 3, Primary, false),
            ],
        );
        let g = RoadGraph::build(&net).expect("valid");
        let fast = g.route_nodes(0, 3).expect("path");
        assert_eq!(fast.nodes, vec![0, 1, 2, 3]);
        let direct = haversine_m(loc(net.nodes[0]), loc(net.nodes[3]));
        assert!(fast.meters > direct * 1.5, "{} vs {direct}", fast.meters);
        assert!(fast.secs < direct / (10.0 / 3.6));

        // Slow the primary down and the living street wins.
        let mut slow = net.clone();
        for e in &mut slow.edges[1..] {
            e.speed_kmh = Some(5.0);
        }
        let g = RoadGraph::build(&slow).expect("valid");
        assert_eq!(g.route_nodes(0, 3).expect("path").nodes, vec![0, 3]);

        // The Dijkstra agrees on time and reports the length of the fastest path.
        let g = RoadGraph::build(&net).expect("valid");
        let all = g.dijkstra(0);
        assert!((all[3].secs - fast.secs).abs() < 1e-9);
        assert!((all[3].meters - fast.meters).abs() < 1e-9);
        assert_eq!(g.dijkstra_to(0, &[3, 1]), vec![all[3], all[1]]);
    }

    #[test]
    fn speed_override_and_explicit_length_are_used() {
        let mut net = square_with_oneway();
        net.edges[0].length_m = Some(500.0);
        net.edges[0].speed_kmh = Some(36.0);
        let g = RoadGraph::build(&net).expect("valid");
        let arc = g.arc(0, 1).expect("arc");
        assert_eq!(arc.meters, 500.0);
        assert!((arc.secs - 50.0).abs() < 1e-9);
        let res = g.arc(1, 2).expect("arc");
        assert!((res.secs - res.meters / (30.0 / 3.6)).abs() < 1e-9);
        assert!((g.max_speed_kmh() - 36.0).abs() < 1e-9);
    }

    #[test]
    fn snapping_ignores_isolated_fragments() {
        use RoadClass::Residential as R;
        // Main triangle far west; a two-way fragment 3 ⇄ 4 far east.
        let net = network(
            vec![node(0.0, 0.0), node(1.0, 0.0), node(0.0, 1.0), node(20.0, 0.0), node(21.0, 0.0)],
            vec![edge(0, 1, R, false), edge(1, 2, R, false), edge(2, 0, R, false), edge(3, 4, R, false)],
        );
        let g = RoadGraph::build(&net).expect("valid");
        assert_eq!(g.node_count(), 3);
        assert_eq!(g.dropped_nodes(), 2);
        // A point right on the fragment snaps to the nearest main-component node, node 1.
        let near_fragment = loc(node(20.0, 0.01));
        let snap = g.snap(near_fragment).expect("finite");
        assert_eq!(g.network_node(snap.node), Some(1));
        let expected = haversine_m(near_fragment, loc(net.nodes[1]));
        assert!((snap.distance_m - expected).abs() < 1e-6);
        // A point a few meters off node 2 snaps to it.
        let snap = g.snap(loc(node(0.03, 1.02))).expect("finite");
        assert_eq!(g.network_node(snap.node), Some(2));
        assert!(snap.distance_m < 5.0, "{}", snap.distance_m);
        assert_eq!(g.snap(Location { lat: f64::NAN, lon: 25.0 }), None);
    }

    #[test]
    fn route_reports_snaps_and_coordinates() {
        let net = square_with_oneway();
        let g = RoadGraph::build(&net).expect("valid");
        let route = g.route(loc(node(0.0, -0.05)), loc(node(0.0, 1.05))).expect("route");
        assert_eq!(route.from_snap.node, 0);
        assert_eq!(route.to_snap.node, 3);
        assert_eq!(route.coords, vec![net.nodes[0], net.nodes[3]]);
        let same = g.route(loc(net.nodes[2]), loc(net.nodes[2])).expect("route");
        assert_eq!(same.secs, 0.0);
        assert_eq!(same.coords.len(), 1);
    }

    #[test]
    fn validation_names_record_and_field() {
        let mut net = square_with_oneway();
        net.format = "rota-roads/0".to_string();
        net.nodes.push([f64::NAN, 60.0]);
        net.nodes.push([25.0, 95.0]);
        net.edges[1].from = 9999;
        net.edges[2].length_m = Some(-3.0);
        net.edges[3].speed_kmh = Some(0.0);
        net.edges.push(edge(2, 2, RoadClass::Service, false));
        net.edges.push(RoadEdge { length_m: Some(1.0), ..edge(0, 2, RoadClass::Service, false) });
        net.edges.push(RoadEdge { length_m: Some(f64::INFINITY), ..edge(0, 3, RoadClass::Service, false) });
        let errors = net.validate();
        let expected = [
            "format: expected \"rota-roads/1\", found \"rota-roads/0\"",
            "nodes[4]: longitude NaN is not a number in [-180, 180]",
            "nodes[5]: latitude 95 is not a number in [-90, 90]",
            "edges[1]: from: node 9999 does not exist (network has 6 nodes)",
            "edges[2]: length_m: -3 is negative",
            "edges[3]: speed_kmh: 0 is not a positive number",
            "edges[4]: to: self loop on node 2 (an edge must join two different nodes)",
            "edges[6]: length_m: inf is not a finite number",
        ];
        for e in expected {
            assert!(errors.iter().any(|x| x == e), "missing {e:?} in {errors:#?}");
        }
        assert!(
            errors.iter().any(|x| x.starts_with("edges[5]: length_m: 1 m is shorter than the straight line")),
            "{errors:#?}"
        );
        assert_eq!(errors.len(), expected.len() + 1, "{errors:#?}");

        let err = RoadGraph::build(&net).expect_err("invalid");
        assert_eq!(err.errors, errors);
        assert!(err.to_string().contains("\n  - edges[1]: from: node 9999"), "{err}");
    }

    #[test]
    fn validation_never_panics_on_empty_or_huge_garbage() {
        let empty = network(vec![], vec![]);
        assert_eq!(empty.validate(), vec!["nodes: the network has no nodes", "edges: the network has no edges"]);
        assert!(RoadGraph::build(&empty).is_err());
        let garbage = network(
            vec![[f64::NAN, f64::NAN]; 500],
            (0..500).map(|i| edge(i, usize::MAX - i, RoadClass::Primary, false)).collect(),
        );
        let errors = garbage.validate();
        assert_eq!(errors.len(), MAX_REPORTED_ERRORS + 1);
        assert_eq!(errors.last().map(String::as_str), Some("… and 1400 more errors"));
    }

    #[test]
    fn json_round_trip_and_errors_with_paths() {
        let text = r#"{"format":"rota-roads/1","name":"t","attribution":"© test",
            "nodes":[[25.0,60.0],[25.001,60.0]],
            "edges":[{"from":0,"to":1,"class":"primary_link","oneway":true,"length_m":60.0,
                      "speed_kmh":null,"name":"A"},{"from":1,"to":0,"class":"living_street"}]}"#;
        let net = RoadNetwork::from_json_slice(text.as_bytes()).expect("parses");
        assert_eq!(net.edges[0].class, RoadClass::PrimaryLink);
        assert_eq!(net.edges[0].speed_kmh, None);
        assert!(!net.edges[1].oneway);
        assert!(net.validate().is_empty(), "{:?}", net.validate());
        let again = serde_json::to_vec(&net).expect("serialises");
        assert_eq!(RoadNetwork::from_json_slice(&again).expect("parses"), net);

        let bad = text.replace("living_street", "footway");
        let err = RoadNetwork::from_json_slice(bad.as_bytes()).expect_err("unknown class");
        assert_eq!(err.path, "edges[1].class");
        assert!(err.message.contains("footway"), "{err}");
        let err = RoadNetwork::from_json_slice(b"{\"format\":1}").expect_err("type");
        assert_eq!(err.path, "format");
        let err = RoadNetwork::from_json_slice(format!("{text} x").as_bytes()).expect_err("trailing");
        assert!(err.message.contains("trailing"), "{err}");
    }

    #[test]
    fn osm_highway_values_map_to_classes() {
        assert_eq!(RoadClass::from_osm_highway("motorway_link"), Some(RoadClass::MotorwayLink));
        assert_eq!(RoadClass::from_osm_highway("living_street"), Some(RoadClass::LivingStreet));
        for value in ["footway", "cycleway", "path", "steps", "pedestrian", "track", "construction"] {
            assert_eq!(RoadClass::from_osm_highway(value), None, "{value}");
        }
        for class in RoadClass::ALL {
            let json = serde_json::to_string(&class).expect("serialises");
            assert_eq!(json, format!("\"{}\"", class.as_str()));
            assert!(class.default_speed_kmh() > 0.0);
        }
    }

    /// A `w × h` grid of two-way streets of mixed classes, with a few one-way streets.
    fn grid(w: usize, h: usize) -> RoadNetwork {
        let mut nodes = Vec::new();
        for y in 0..h {
            for x in 0..w {
                // A little deterministic jitter so paths are unique.
                let j = ((x * 7 + y * 13) % 10) as f64 * 0.02;
                nodes.push(node(x as f64 + j, y as f64 - j));
            }
        }
        let mut edges = Vec::new();
        let classes = [RoadClass::Residential, RoadClass::Tertiary, RoadClass::Primary, RoadClass::Service];
        for y in 0..h {
            for x in 0..w {
                let i = y * w + x;
                let class = classes[(x + 2 * y) % classes.len()];
                if x + 1 < w {
                    edges.push(edge(i, i + 1, class, y % 3 == 1));
                }
                if y + 1 < h {
                    let mut e = edge(i, i + w, class, false);
                    if (x + y) % 5 == 0 {
                        // Slightly shorter than the straight line (within tolerance).
                        let straight = haversine_m(loc(nodes[i]), loc(nodes[i + w]));
                        e.length_m = Some(straight * 0.995);
                    }
                    edges.push(e);
                }
            }
        }
        network(nodes, edges)
    }

    #[test]
    fn astar_agrees_with_dijkstra_on_a_grid() {
        let net = grid(12, 9);
        assert!(net.validate().is_empty(), "{:?}", net.validate());
        let g = RoadGraph::build(&net).expect("valid");
        assert_eq!(g.dropped_nodes(), 0);
        for source in [0, 17, 55, 107] {
            let all = g.dijkstra(source);
            assert_eq!(all.len(), g.node_count());
            for (target, best) in all.iter().enumerate() {
                let path = g.route_nodes(source, target).expect("strongly connected");
                assert!((path.secs - best.secs).abs() < 1e-6, "{source}->{target}");
                // The path is a chain of real arcs adding up to its cost.
                let mut secs = 0.0;
                for pair in path.nodes.windows(2) {
                    secs += g.arc(pair[0], pair[1]).expect("arc").secs;
                }
                assert!((secs - path.secs).abs() < 1e-6);
            }
        }
    }

    #[test]
    fn travel_matrix_diagonal_access_legs_and_triangle() {
        let net = grid(6, 6);
        let g = RoadGraph::build(&net).expect("valid");
        let mut locations: Vec<Location> =
            (0..15).map(|k| loc(node((k * 37 % 60) as f64 / 10.0, (k * 23 % 55) as f64 / 10.0))).collect();
        // Two distinct points snapping to the same node, and a duplicate location.
        locations.push(loc(node(2.02, 2.01)));
        locations.push(loc(node(1.98, 2.0)));
        locations.push(locations[3]);
        let m = g.travel_matrix(&locations, 15.0).expect("matrix");
        let n = locations.len();
        assert_eq!(m.len(), n);
        for i in 0..n {
            assert_eq!(m.travel(i, i).secs, 0);
            assert_eq!(m.travel(i, i).meters, 0.0);
            for j in 0..n {
                let t = m.travel(i, j);
                assert!(t.secs >= 0 && t.meters >= 0.0 && t.meters.is_finite());
                for k in 0..n {
                    let via = m.travel(i, k).secs + m.travel(k, j).secs;
                    assert!(t.secs <= via, "{i}->{j} {} > {i}->{k}->{j} {via}", t.secs);
                }
            }
        }
        let (a, b) = (n - 3, n - 2);
        assert_eq!(g.snap(locations[a]).map(|s| s.node), g.snap(locations[b]).map(|s| s.node));
        let straight = haversine_m(locations[a], locations[b]);
        assert!(m.travel(a, b).secs >= 1);
        assert!(m.travel(a, b).meters >= straight);
        assert_eq!(m.travel(3, n - 1).secs, 0);
        assert_eq!(m.travel(n - 1, 3).meters, 0.0);

        assert_eq!(g.travel_matrix(&locations, 0.0).err(), Some(RoadTravelError::AccessSpeed(0.0)));
        let mut bad = locations.clone();
        bad[4].lon = f64::INFINITY;
        assert!(matches!(g.travel_matrix(&bad, 15.0), Err(RoadTravelError::Location { index: 4, .. })));
        assert_eq!(g.travel_matrix(&[], 15.0).map(|m| m.len()), Ok(0));
    }
}

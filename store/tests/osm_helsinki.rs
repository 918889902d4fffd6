//! The OpenStreetMap import and the road graph on real data: the Helsinki centre extract
//! (`/work/shared/data/osm/helsinki-centre.osm.pbf`, about 1.0 × 1.7 km, 24,260 nodes, 5,130
//! ways). The file is required: these tests fail, not skip, when it is missing.
//!
//! Run with `--nocapture` to see the import figures and timings.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use rota_solver::format::Location;
use rota_solver::travel::road::{NodePath, RoadGraph, RoadNetwork};
use rota_solver::travel::{TravelModel, haversine_m};
use rota_store::osm::{OSM_ATTRIBUTION, OsmImportStats, import_osm_pbf, read_road_network};

fn extract_path() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data/osm/helsinki-centre.osm.pbf"))
}

struct Helsinki {
    network: RoadNetwork,
    stats: OsmImportStats,
    graph: RoadGraph,
    import_time: Duration,
    build_time: Duration,
}

fn helsinki() -> &'static Helsinki {
    static DATA: OnceLock<Helsinki> = OnceLock::new();
    DATA.get_or_init(|| {
        let path = extract_path();
        assert!(
            path.is_file(),
            "the OpenStreetMap test extract is missing: {} (it lives in the shared data directory \
             next to the repository, /work/shared/data/osm/; CI provides it — these tests do not skip)",
            path.display()
        );
        let start = Instant::now();
        let import = import_osm_pbf(&path).unwrap_or_else(|e| panic!("import failed: {e}"));
        let import_time = start.elapsed();
        let start = Instant::now();
        let graph = RoadGraph::build(&import.network).unwrap_or_else(|e| panic!("{e}"));
        let build_time = start.elapsed();
        eprintln!(
            "helsinki-centre: import {import_time:?} ({:?}), graph build {build_time:?} ({:?})",
            import.stats,
            graph.stats()
        );
        Helsinki { network: import.network, stats: import.stats, graph, import_time, build_time }
    })
}

/// Deterministic xorshift64*.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n
    }

    fn unit(&mut self) -> f64 {
        self.below(1 << 30) as f64 / f64::from(1u32 << 30)
    }
}

fn location(graph: &RoadGraph, node: usize) -> Location {
    graph.node_location(node).unwrap_or_else(|| panic!("node {node} has no location"))
}

/// The path is a chain of arcs of the graph, driven in their allowed direction, whose costs add
/// up to the path's; returns its seconds recomputed from the arcs.
fn assert_real_arcs(graph: &RoadGraph, path: &NodePath) -> f64 {
    let (mut secs, mut meters) = (0.0, 0.0);
    for pair in path.nodes.windows(2) {
        let arc = graph.arc(pair[0], pair[1]).unwrap_or_else(|| panic!("no arc {} -> {}", pair[0], pair[1]));
        secs += arc.secs;
        meters += arc.meters;
    }
    assert!((secs - path.secs).abs() < 1e-6, "arc times {secs} vs path {}", path.secs);
    assert!((meters - path.meters).abs() < 1e-6, "arc meters {meters} vs path {}", path.meters);
    secs
}

#[test]
fn imports_a_sensible_network() {
    let h = helsinki();
    let (net, stats, graph) = (&h.network, &h.stats, &h.graph);
    // Every node (dense or not) and way of the file is seen.
    assert_eq!(stats.nodes_read, 24_260, "{stats:?}");
    assert_eq!(stats.ways_read, 5_130, "{stats:?}");
    assert!((2_000..=3_000).contains(&stats.highway_ways), "{stats:?}");
    assert!(stats.kept_ways > 300 && stats.kept_ways < stats.highway_ways, "{stats:?}");
    assert!(stats.skipped_not_drivable > 500, "footways and friends: {stats:?}");
    assert!(stats.oneway_ways > 20, "{stats:?}");
    assert!(stats.maxspeed_ways > 20, "{stats:?}");
    assert!((1_000..15_000).contains(&net.nodes.len()), "{} nodes", net.nodes.len());
    assert!(net.edges.len() >= net.nodes.len() * 9 / 10, "{} edges", net.edges.len());
    assert_eq!(net.attribution.as_deref(), Some(OSM_ATTRIBUTION));
    assert_eq!(net.name, "helsinki-centre");
    assert!(net.validate().is_empty(), "{:?}", net.validate());
    // Everything is inside the extract's box (ways cut at the border lose their outer part).
    for &[lon, lat] in &net.nodes {
        assert!((24.92..24.97).contains(&lon) && (60.15..60.19).contains(&lat), "{lon} {lat}");
    }

    // Most of the network is one strongly connected component; fragments are dropped.
    let s = graph.stats();
    assert!(s.nodes * 10 >= s.network_nodes * 6, "{s:?}");
    assert!(s.dropped_nodes > 0, "real OSM data always has fragments: {s:?}");
    assert_eq!(s.nodes + s.dropped_nodes, net.nodes.len());
    assert!(graph.max_speed_kmh() >= 30.0 && graph.max_speed_kmh() <= 100.0);

    // The dispatching reader gives the same network.
    assert_eq!(read_road_network(&extract_path()).expect("reads"), *net);
    eprintln!(
        "import {:?} + build {:?}: {} nodes / {} edges in the network, {} nodes / {} arcs kept",
        h.import_time,
        h.build_time,
        net.nodes.len(),
        net.edges.len(),
        s.nodes,
        s.arcs
    );
}

#[test]
fn oneway_arcs_are_never_driven_backwards() {
    let graph = &helsinki().graph;
    let one_way: Vec<_> = graph.arcs().filter(|a| graph.arc(a.to, a.from).is_none()).collect();
    assert!(one_way.len() > 50, "{} one-way arcs", one_way.len());
    let (mut slower, mut faster) = (0, 0);
    for arc in &one_way {
        // The graph is strongly connected, so there is a way back — around the block.
        let back = graph
            .route_nodes(arc.to, arc.from)
            .unwrap_or_else(|| panic!("no way back {} -> {} in a strongly connected graph", arc.to, arc.from));
        assert!(back.nodes.len() >= 3, "{} -> {} driven against the one-way arc: {:?}", arc.to, arc.from, back.nodes);
        assert_eq!(back.nodes.first(), Some(&arc.to));
        assert_eq!(back.nodes.last(), Some(&arc.from));
        assert_real_arcs(graph, &back);
        let straight = haversine_m(location(graph, arc.to), location(graph, arc.from));
        assert!(back.meters >= straight - 0.5);
        if back.secs > arc.secs { slower += 1 } else { faster += 1 }
    }
    // Going around is nearly always slower than the one-way arc itself (it can be faster when
    // the arc is a slow service road and the way around uses faster streets).
    eprintln!("{} one-way arcs: way back slower for {slower}, not slower for {faster}", one_way.len());
    assert!(slower * 10 >= one_way.len() * 9, "slower {slower}, faster {faster}");
}

#[test]
fn paths_are_never_shorter_than_the_straight_line() {
    let graph = &helsinki().graph;
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let n = graph.node_count();
    for _ in 0..300 {
        let (a, b) = (rng.below(n), rng.below(n));
        let path = graph.route_nodes(a, b).unwrap_or_else(|| panic!("no path {a} -> {b}"));
        assert_real_arcs(graph, &path);
        let straight = haversine_m(location(graph, a), location(graph, b));
        assert!(path.meters >= straight - 0.5, "{a} -> {b}: {} m < straight {straight} m", path.meters);
        assert!(path.secs.is_finite() && path.secs >= 0.0);
        // And never faster than the straight line at the fastest speed.
        assert!(path.secs >= straight / (graph.max_speed_kmh() / 3.6) - 1e-6);
    }
}

#[test]
fn dijkstra_agrees_with_astar() {
    let graph = &helsinki().graph;
    let mut rng = Rng(0xd1_5c0d_e5ea_5e11);
    let n = graph.node_count();
    for _ in 0..8 {
        let source = rng.below(n);
        let all = graph.dijkstra(source);
        assert_eq!(all.len(), n);
        assert!(all.iter().all(|c| c.is_reachable()), "strongly connected");
        let targets: Vec<usize> = (0..40).map(|_| rng.below(n)).collect();
        let some = graph.dijkstra_to(source, &targets);
        for (&target, cost) in targets.iter().zip(&some) {
            assert_eq!(*cost, all[target]);
            let path = graph.route_nodes(source, target).expect("path");
            assert!(
                (path.secs - cost.secs).abs() < 1.0,
                "{source} -> {target}: A* {} vs Dijkstra {}",
                path.secs,
                cost.secs
            );
            assert!((path.secs - cost.secs).abs() < 1e-6);
        }
    }
}

#[test]
fn snapping_finds_the_node_a_few_meters_away() {
    let h = helsinki();
    let graph = &h.graph;
    let n = graph.node_count();
    // Nodes with no other node within 12 m, spread over the graph.
    let isolated: Vec<usize> = (0..n)
        .step_by(7)
        .filter(|&v| {
            let here = location(graph, v);
            (0..n).all(|w| w == v || haversine_m(here, location(graph, w)) > 12.0)
        })
        .take(20)
        .collect();
    assert!(isolated.len() >= 10, "{isolated:?}");
    for v in isolated {
        let here = location(graph, v);
        // ~3 m north-east.
        let off = Location { lat: here.lat + 2.0e-5, lon: here.lon + 4.0e-5 };
        let snap = graph.snap(off).expect("finite");
        assert_eq!(snap.node, v);
        assert!((2.0..5.0).contains(&snap.distance_m), "{}", snap.distance_m);
    }
    // A node of a dropped fragment snaps to the main component, a positive distance away.
    let dropped = (0..h.network.nodes.len()).find(|&i| graph.graph_node(i).is_none()).expect("a dropped node");
    let [lon, lat] = h.network.nodes[dropped];
    let snap = graph.snap(Location { lat, lon }).expect("finite");
    assert!(graph.network_node(snap.node).is_some_and(|i| i != dropped));
    assert!(snap.distance_m > 0.0);
}

#[test]
fn travel_matrix_is_a_sane_metric() {
    let graph = &helsinki().graph;
    let mut rng = Rng(0x7ea7_7e57_0000_0020);
    let locations: Vec<Location> =
        (0..20).map(|_| Location { lat: 60.165 + 0.013 * rng.unit(), lon: 24.937 + 0.014 * rng.unit() }).collect();
    let start = Instant::now();
    let m = graph.travel_matrix(&locations, 15.0).expect("matrix");
    eprintln!("travel matrix 20 × 20: {:?}", start.elapsed());
    let n = locations.len();
    let mut worst = i64::MIN;
    for i in 0..n {
        assert_eq!(m.travel(i, i).secs, 0);
        assert_eq!(m.travel(i, i).meters, 0.0);
        for j in 0..n {
            let t = m.travel(i, j);
            assert!(t.meters.is_finite() && t.secs >= 0);
            if i != j {
                assert!(t.secs > 0, "{i} -> {j}");
                let straight = haversine_m(locations[i], locations[j]);
                assert!(t.meters >= straight - 0.5, "{i} -> {j}: {} < {straight}", t.meters);
                // Well under an hour across a 1.5 km centre.
                assert!(t.secs < 3600, "{i} -> {j}: {} s", t.secs);
            }
            for k in 0..n {
                // Seconds are rounded up, which keeps the triangle inequality exact; allow 2 s
                // anyway (rounding to nearest could break it by 1 s).
                let excess = t.secs - (m.travel(i, k).secs + m.travel(k, j).secs);
                worst = worst.max(excess);
                assert!(excess <= 2, "{i} -> {j} is {excess} s longer than via {k}");
            }
        }
    }
    eprintln!("largest d(a,c) - (d(a,b) + d(b,c)): {worst} s");
    // The matrix is the road path plus the access legs.
    let (a, b) = (locations[0], locations[1]);
    let route = graph.route(a, b).expect("route");
    let access = (route.from_snap.distance_m + route.to_snap.distance_m) / (15.0 / 3.6);
    assert_eq!(m.travel(0, 1).secs, (access + route.secs - 1e-6).ceil() as i64);
    assert!(
        (m.travel(0, 1).meters - (route.meters + route.from_snap.distance_m + route.to_snap.distance_m)).abs() < 1e-6
    );
}

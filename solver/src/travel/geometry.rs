//! The lines a map draws for routes: along the roads when the problem has a road network,
//! straight between places otherwise. Pure: the caller passes the places in driving order.

use std::collections::HashMap;

use super::road::RoadGraph;
use crate::format::{Location, Problem, Route};

/// `[lon, lat]`, the GeoJSON coordinate order.
pub type Coord = [f64; 2];

/// How a line was drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// Every leg follows the road graph (plus the short access legs to and from the roads).
    Road,
    /// At least one leg is a straight line: no road network, or no road path for that leg.
    Straight,
}

impl LineKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LineKind::Road => "road",
            LineKind::Straight => "straight",
        }
    }
}

/// Every place of a problem by id: its sites and its visits.
pub fn places(problem: &Problem) -> HashMap<&str, Location> {
    problem
        .sites
        .iter()
        .map(|s| (s.id.as_str(), s.location))
        .chain(problem.visits.iter().map(|v| (v.id.as_str(), v.location)))
        .collect()
}

/// Where a route goes, in driving order: its start site, its stops, its end site (ids not in
/// `places` are skipped).
pub fn route_places(route: &Route, places: &HashMap<&str, Location>) -> Vec<Location> {
    std::iter::once(route.start_site.as_str())
        .chain(route.stops.iter().map(|s| s.visit.as_str()))
        .chain(std::iter::once(route.end_site.as_str()))
        .filter_map(|id| places.get(id).copied())
        .collect()
}

/// The line of one leg from `from` to `to`: the access leg to the road node `from` snaps to,
/// the fastest road path (the same A* cost as the travel matrix), and the access leg to `to`.
/// `None` when there is no road path (the caller draws a straight leg instead).
pub fn road_leg(roads: &RoadGraph, from: Location, to: Location) -> Option<Vec<Coord>> {
    let path = roads.route(from, to)?;
    let mut line = Vec::with_capacity(path.coords.len() + 2);
    push_distinct(&mut line, [from.lon, from.lat]);
    for &c in &path.coords {
        push_distinct(&mut line, c);
    }
    push_distinct(&mut line, [to.lon, to.lat]);
    Some(line)
}

/// The line through `places` in order, leg by leg (see [`road_leg`]); straight legs where there
/// are no roads. Repeated points are dropped, so a line has at least one point per distinct place.
pub fn route_line(places: &[Location], roads: Option<&RoadGraph>) -> (Vec<Coord>, LineKind) {
    route_line_with(places, |from, to| roads.and_then(|g| road_leg(g, from, to)))
}

/// [`route_line`] with the leg lines from `leg` (e.g. a cache over [`road_leg`]); `leg` returns
/// `None` for a leg to draw straight.
pub fn route_line_with(
    places: &[Location],
    mut leg: impl FnMut(Location, Location) -> Option<Vec<Coord>>,
) -> (Vec<Coord>, LineKind) {
    let mut line: Vec<Coord> = Vec::new();
    let mut kind = LineKind::Road;
    if let Some(first) = places.first() {
        push_distinct(&mut line, [first.lon, first.lat]);
    }
    for pair in places.windows(2) {
        let (from, to) = (pair[0], pair[1]);
        if from == to {
            continue;
        }
        match leg(from, to) {
            Some(points) => points.into_iter().for_each(|c| push_distinct(&mut line, c)),
            None => {
                kind = LineKind::Straight;
                push_distinct(&mut line, [to.lon, to.lat]);
            }
        }
    }
    (line, kind)
}

fn push_distinct(line: &mut Vec<Coord>, c: Coord) {
    if line.last() != Some(&c) {
        line.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::travel::road::RoadNetwork;

    fn loc(lat: f64, lon: f64) -> Location {
        Location { lat, lon }
    }

    /// An L-shaped two-way road: (0, 0) north to the corner (0.01 N, 0), then east to
    /// (0.01 N, 0.01 E). Nodes are `[lon, lat]`.
    fn l_shaped() -> RoadGraph {
        let net = RoadNetwork::from_json_slice(
            br#"{"format": "rota-roads/1", "name": "L",
                 "nodes": [[0.0, 0.0], [0.0, 0.01], [0.01, 0.01]],
                 "edges": [{"from": 0, "to": 1, "class": "residential"},
                           {"from": 1, "to": 2, "class": "residential"}]}"#,
        )
        .expect("test network parses");
        RoadGraph::build(&net).expect("test network is valid")
    }

    #[test]
    fn a_leg_follows_the_roads_round_the_corner() {
        let roads = l_shaped();
        let (from, to) = (loc(0.0, -0.0005), loc(0.0105, 0.01));
        let line = road_leg(&roads, from, to).expect("the L is connected");
        assert_eq!(line.first(), Some(&[from.lon, from.lat]), "starts at the place itself");
        assert_eq!(line.last(), Some(&[to.lon, to.lat]), "ends at the place itself");
        assert!(line.contains(&[0.0, 0.01]), "passes the corner instead of cutting it: {line:?}");
        assert_eq!(line.len(), 5, "access, three road nodes, access: {line:?}");
    }

    #[test]
    fn a_route_line_joins_its_legs_without_repeating_points() {
        let roads = l_shaped();
        let places = [loc(0.0, 0.0), loc(0.01, 0.0), loc(0.01, 0.01), loc(0.01, 0.01), loc(0.0, 0.0)];
        let (line, kind) = route_line(&places, Some(&roads));
        assert_eq!(kind, LineKind::Road);
        assert_eq!(
            line,
            vec![[0.0, 0.0], [0.0, 0.01], [0.01, 0.01], [0.0, 0.01], [0.0, 0.0]],
            "there and back along the L, the repeated place drawn once"
        );
        assert!(line.windows(2).all(|w| w[0] != w[1]));
    }

    #[test]
    fn without_roads_or_without_a_path_legs_are_straight() {
        let places = [loc(0.0, 0.0), loc(0.01, 0.01), loc(0.0, 0.02)];
        let (line, kind) = route_line(&places, None);
        assert_eq!(kind, LineKind::Straight);
        assert_eq!(line, vec![[0.0, 0.0], [0.01, 0.01], [0.02, 0.0]]);

        // One leg without a road path: only that leg is straight, the line still has every place.
        let mut calls = 0;
        let (line, kind) = route_line_with(&places, |from, to| {
            calls += 1;
            (calls == 1).then(|| vec![[from.lon, from.lat], [0.005, 0.0], [to.lon, to.lat]])
        });
        assert_eq!(kind, LineKind::Straight);
        assert_eq!(line, vec![[0.0, 0.0], [0.005, 0.0], [0.01, 0.01], [0.02, 0.0]]);
    }

    #[test]
    fn an_empty_or_single_place_route_is_a_point_or_nothing() {
        assert_eq!(route_line(&[], None).0, Vec::<Coord>::new());
        assert_eq!(route_line(&[loc(1.0, 2.0)], None).0, vec![[2.0, 1.0]]);
    }
}

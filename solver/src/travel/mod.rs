//! Travel models: how long it takes, and how far it is, to drive between two locations.
//!
//! Every model implements [`TravelModel`] over dense location indices (the instance's sites
//! first, then its visits), so the planner and the checker never care which model is behind it.

pub mod geometry;
pub mod road;

use crate::format::Location;
use crate::time::Secs;

/// One drive between two locations.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Travel {
    pub secs: Secs,
    pub meters: f64,
}

/// The seam between the solver and whatever knows the roads.
pub trait TravelModel: Send + Sync {
    /// Number of locations this model answers for.
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Travel from location `from` to location `to` (indices below [`Self::len`]).
    fn travel(&self, from: usize, to: usize) -> Travel;
}

/// Mean Earth radius, meters (IUGG).
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Great-circle distance in meters.
pub fn haversine_m(a: Location, b: Location) -> f64 {
    let (lat1, lat2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = lat2 - lat1;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// Great-circle distance × detour factor, at a constant speed. Computed on demand: no memory
/// grows with the square of the number of locations.
#[derive(Clone, Debug)]
pub struct HaversineTravel {
    points: Vec<Location>,
    detour_factor: f64,
    meters_per_sec: f64,
}

impl HaversineTravel {
    pub fn new(points: Vec<Location>, detour_factor: f64, speed_kmh: f64) -> Self {
        Self { points, detour_factor, meters_per_sec: speed_kmh / 3.6 }
    }
}

impl TravelModel for HaversineTravel {
    fn len(&self) -> usize {
        self.points.len()
    }

    fn travel(&self, from: usize, to: usize) -> Travel {
        if from == to {
            return Travel::default();
        }
        let meters = haversine_m(self.points[from], self.points[to]) * self.detour_factor;
        Travel { secs: (meters / self.meters_per_sec).round() as Secs, meters }
    }
}

/// A dense matrix of travel times and distances.
#[derive(Clone, Debug)]
pub struct MatrixTravel {
    n: usize,
    secs: Vec<Secs>,
    meters: Vec<f64>,
}

impl MatrixTravel {
    /// Row-major `n × n` matrices. Panics if the lengths are not `n * n` (callers validate).
    pub fn new(n: usize, secs: Vec<Secs>, meters: Vec<f64>) -> Self {
        assert_eq!(secs.len(), n * n, "duration matrix must be n × n");
        assert_eq!(meters.len(), n * n, "distance matrix must be n × n");
        Self { n, secs, meters }
    }

    /// Tabulates any model (e.g. to freeze an on-demand model for repeated use).
    pub fn from_model(model: &dyn TravelModel) -> Self {
        let n = model.len();
        let mut secs = Vec::with_capacity(n * n);
        let mut meters = Vec::with_capacity(n * n);
        for from in 0..n {
            for to in 0..n {
                let t = model.travel(from, to);
                secs.push(t.secs);
                meters.push(t.meters);
            }
        }
        Self { n, secs, meters }
    }
}

impl TravelModel for MatrixTravel {
    fn len(&self) -> usize {
        self.n
    }

    fn travel(&self, from: usize, to: usize) -> Travel {
        let i = from * self.n + to;
        Travel { secs: self.secs[i], meters: self.meters[i] }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn haversine_matches_a_known_distance() {
        // Helsinki Cathedral to Helsinki Central Station: about 0.63 km.
        let cathedral = Location { lat: 60.170_27, lon: 24.952_22 };
        let station = Location { lat: 60.171_00, lon: 24.941_40 };
        let d = haversine_m(cathedral, station);
        assert!((590.0..680.0).contains(&d), "{d}");
        assert_eq!(haversine_m(cathedral, cathedral), 0.0);
    }

    #[test]
    fn haversine_model_applies_detour_and_speed() {
        let a = Location { lat: 50.0, lon: 10.0 };
        let b = Location { lat: 50.1, lon: 10.0 };
        let model = HaversineTravel::new(vec![a, b], 1.5, 36.0);
        let t = model.travel(0, 1);
        let straight = haversine_m(a, b);
        assert!((t.meters - 1.5 * straight).abs() < 1e-6);
        assert_eq!(t.secs, (t.meters / 10.0).round() as Secs);
        assert_eq!(model.travel(1, 1), Travel::default());
    }

    #[test]
    fn matrix_tabulates_a_model() {
        let pts = vec![
            Location { lat: 50.0, lon: 10.0 },
            Location { lat: 50.1, lon: 10.0 },
            Location { lat: 50.0, lon: 10.2 },
        ];
        let model = HaversineTravel::new(pts, 1.3, 40.0);
        let matrix = MatrixTravel::from_model(&model);
        for i in 0..3 {
            for j in 0..3 {
                assert_eq!(matrix.travel(i, j), model.travel(i, j));
            }
        }
    }
}

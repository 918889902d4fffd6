//! The generic routing model (VROOM-like): jobs, vehicles and a travel matrix.
//!
//! Numbers are `f64` throughout. Solomon instances need double-precision Euclidean distances
//! with travel time = distance, and integer matrices (VRPLIB `EUC_2D`, VROOM seconds/metres) are
//! represented exactly as `f64` (every integer below 2^53 is). All times share one unit chosen by
//! the importer (Solomon: its own time unit; VROOM: seconds).

/// A dense square matrix of travel durations and distances between location indices.
///
/// One extra location, [`Matrix::nowhere`], is appended: it is at zero distance and duration
/// from everything and stands for a vehicle without a start or end location.
#[derive(Clone, Debug)]
pub struct Matrix {
    n: usize,
    durations: Vec<f64>,
    distances: Vec<f64>,
}

impl Matrix {
    /// From row-major `n × n` durations and distances (`distances = None`: equal to durations).
    pub fn new(n: usize, durations: Vec<f64>, distances: Option<Vec<f64>>) -> Self {
        assert_eq!(durations.len(), n * n, "durations must be n × n");
        let distances = distances.unwrap_or_else(|| durations.clone());
        assert_eq!(distances.len(), n * n, "distances must be n × n");
        let m = n + 1;
        let mut dur = vec![0.0; m * m];
        let mut dis = vec![0.0; m * m];
        for i in 0..n {
            dur[i * m..i * m + n].copy_from_slice(&durations[i * n..(i + 1) * n]);
            dis[i * m..i * m + n].copy_from_slice(&distances[i * n..(i + 1) * n]);
        }
        Matrix { n, durations: dur, distances: dis }
    }

    /// Euclidean distances in double precision between points; travel time = distance.
    pub fn euclidean(points: &[(f64, f64)]) -> Self {
        let n = points.len();
        let mut d = vec![0.0; n * n];
        for (i, a) in points.iter().enumerate() {
            for (j, b) in points.iter().enumerate() {
                d[i * n + j] = euclid(*a, *b);
            }
        }
        Matrix::new(n, d, None)
    }

    /// Number of real locations (without `nowhere`).
    pub fn len(&self) -> usize {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The pseudo-location at zero distance from everything.
    pub fn nowhere(&self) -> usize {
        self.n
    }

    #[inline]
    pub fn duration(&self, from: usize, to: usize) -> f64 {
        self.durations[from * (self.n + 1) + to]
    }

    #[inline]
    pub fn distance(&self, from: usize, to: usize) -> f64 {
        self.distances[from * (self.n + 1) + to]
    }
}

/// Euclidean distance in double precision, computed one way everywhere.
pub fn euclid(a: (f64, f64), b: (f64, f64)) -> f64 {
    let dx = a.0 - b.0;
    let dy = a.1 - b.1;
    (dx * dx + dy * dy).sqrt()
}

/// A closed interval `[start, end]` of times.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Window {
    pub start: f64,
    pub end: f64,
}

impl Window {
    pub const ALWAYS: Window = Window { start: f64::NEG_INFINITY, end: f64::INFINITY };
}

/// A job: one stop at a location. Service must *start* inside one of its windows; arriving
/// early means waiting.
#[derive(Clone, Debug)]
pub struct Job {
    /// External id (customer number, VROOM id) for output.
    pub id: u64,
    pub location: usize,
    pub service: f64,
    /// Sorted, disjoint; never empty (use [`Window::ALWAYS`]).
    pub windows: Vec<Window>,
    /// Amount carried per capacity dimension (as many entries as the problem's dimensions).
    pub demand: Vec<i64>,
    pub skills: Vec<u32>,
    /// 0–100 (VROOM's `priority`): under [`Objective::PriorityThenCost`] a higher priority is
    /// served first; the other objectives ignore it.
    pub priority: u32,
}

/// A vehicle's break: it lasts `service` and must start inside one of `windows`. It has no
/// location of its own: it is taken between two stops — right after a service, while waiting
/// for the next window, or splitting the drive — wherever the gap between them holds the travel
/// and the break.
#[derive(Clone, Debug, PartialEq)]
pub struct Break {
    pub id: u64,
    /// Sorted, disjoint; never empty.
    pub windows: Vec<Window>,
    pub service: f64,
}

/// What using a vehicle costs under [`Objective::PriorityThenCost`] (VROOM's `costs`):
/// `fixed` once if it is used, plus `per_hour` per hour of travel and `per_km` per km.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Costs {
    pub fixed: f64,
    pub per_hour: f64,
    pub per_km: f64,
}

impl Default for Costs {
    /// VROOM's default: the cost is the travel time in seconds.
    fn default() -> Self {
        Costs { fixed: 0.0, per_hour: 3600.0, per_km: 0.0 }
    }
}

/// A vehicle and its shift. A vehicle without a start or end location uses `Matrix::nowhere`.
#[derive(Clone, Debug)]
pub struct Vehicle {
    pub id: u64,
    pub start: usize,
    pub end: usize,
    pub shift: Window,
    pub capacity: Vec<i64>,
    pub skills: Vec<u32>,
    pub max_jobs: usize,
    /// At most one break (a lunch break) per vehicle.
    pub break_: Option<Break>,
    pub costs: Costs,
}

/// A routing problem.
#[derive(Clone, Debug)]
pub struct Problem {
    pub name: String,
    pub matrix: Matrix,
    pub jobs: Vec<Job>,
    pub vehicles: Vec<Vehicle>,
    /// Number of capacity dimensions (0 = uncapacitated).
    pub dimensions: usize,
}

impl Problem {
    /// Whether a vehicle has every skill a job requires.
    pub fn compatible(&self, vehicle: usize, job: usize) -> bool {
        let v = &self.vehicles[vehicle];
        self.jobs[job].skills.iter().all(|s| v.skills.contains(s))
    }
}

/// What is minimised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Objective {
    /// Total distance, any number of vehicles up to the fleet.
    #[default]
    Distance,
    /// Fewest vehicles first, then total distance.
    VehiclesThenDistance,
    /// VROOM's order: the highest sum of served priorities first, then the most jobs served,
    /// then the lowest cost (the vehicles' [`Costs`]: travel time by default).
    PriorityThenCost,
}

impl std::str::FromStr for Objective {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "distance" => Ok(Objective::Distance),
            "vehicles-then-distance" => Ok(Objective::VehiclesThenDistance),
            "priority-then-cost" => Ok(Objective::PriorityThenCost),
            _ => Err(format!(
                "unknown objective {s:?} (expected distance, vehicles-then-distance or priority-then-cost)"
            )),
        }
    }
}

/// One vehicle's ordered jobs.
#[derive(Clone, Debug, PartialEq)]
pub struct RouteOut {
    pub vehicle: usize,
    pub jobs: Vec<usize>,
    /// Where the vehicle's break is taken: after this many jobs (0: before the first job, on
    /// the way to it; `jobs.len()`: on the way back). `None` for a vehicle without a break.
    pub break_at: Option<usize>,
}

/// A solution: non-empty routes (in vehicle order) and unassigned jobs.
#[derive(Clone, Debug, PartialEq)]
pub struct Solution {
    pub routes: Vec<RouteOut>,
    pub unassigned: Vec<usize>,
    /// Total distance as the engine computed it.
    pub distance: f64,
    /// Total cost of the routes under the objective it was solved for (distance for the
    /// distance objectives, the vehicles' costs for `PriorityThenCost`); no unassigned penalty.
    pub cost: f64,
    pub iterations: u64,
}

impl Solution {
    pub fn vehicles(&self) -> usize {
        self.routes.len()
    }
}

/// Earliest time `>= t` inside one of the windows, if any.
#[inline]
pub fn earliest_in(windows: &[Window], t: f64) -> Option<f64> {
    for w in windows {
        if t <= w.end {
            return Some(if t < w.start { w.start } else { t });
        }
    }
    None
}

/// Latest time `<= t` inside one of the windows, if any.
#[inline]
pub fn latest_in(windows: &[Window], t: f64) -> Option<f64> {
    for w in windows.iter().rev() {
        if t >= w.start {
            return Some(if t > w.end { w.end } else { t });
        }
    }
    None
}

//! The search: construction by insertion, then SISR ruin-and-recreate (Christiaens & Vanden
//! Berghe, "Slack induction by string removals") under simulated annealing, followed by the
//! local-search operators in [`super::ops`] on improving solutions.
//!
//! Routes are always feasible (hard time windows, capacity, skills, max jobs, shifts, the
//! vehicle's break); a job that fits nowhere stays unassigned at a penalty. Each route caches,
//! per node and in two states — the break still to come (`0`) or already taken (`1`) — the
//! earliest service start (forward) and the latest feasible service start (backward), so
//! inserting a job between two nodes is checked in O(1) (O(windows) with several windows).
//! A vehicle without a break starts in state `1`, so the same formulas serve both.
//!
//! The break has no location: taken in the gap between two stops, it may start right after the
//! first service, split the drive, or use the waiting time before the next window. With the end
//! of service `e`, the drive `T` and a break of length `D` starting at the earliest `b ≥ e`
//! inside one of its windows, the next stop is reached at `max(e + T + D, b + D)`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::model::{Break, Objective, Problem, RouteOut, Solution, Window, earliest_in, latest_in};
use super::ops::local_search;
use crate::rng::Rng;

/// Tolerance of the O(1) checks against the cached latest starts: those come from a chain of
/// subtractions, so a move the cache calls feasible is confirmed by the exact forward pass
/// ([`Ctx::update`]) before it is kept, and undone if that pass disagrees.
const EPS: f64 = 1e-7;
const NONE: usize = usize::MAX;
const INF: f64 = f64::INFINITY;
/// Annealing temperatures at the start and the end of a run, as fractions of the mean edge
/// cost of the first solution (tuned on Solomon; see docs/benchmarks.md).
const T0_PER_EDGE: f64 = 1.0;
const TF_PER_EDGE: f64 = 0.01;
/// Probability that a ruin empties a whole route instead of removing strings.
const ROUTE_RUIN: f64 = 0.005;

/// How long and how the search runs.
#[derive(Clone, Debug)]
pub struct Options {
    pub seed: u64,
    pub time_limit: Duration,
    /// Stop after this many ruin-and-recreate iterations. When set, the annealing schedule
    /// follows iterations instead of the clock, so a run is reproducible byte for byte (as long
    /// as the time limit is not reached first).
    pub max_iterations: Option<u64>,
    pub objective: Objective,
}

impl Default for Options {
    fn default() -> Self {
        Options { seed: 1, time_limit: Duration::from_secs(1), max_iterations: None, objective: Objective::Distance }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Route {
    pub vehicle: usize,
    /// Stop ids: vehicle start, jobs…, vehicle end.
    pub stops: Vec<usize>,
    pub loc: Vec<usize>,
    pub serv: Vec<f64>,
    /// Earliest service start at each node (arrival at the end depot) with the break still to
    /// come (`e0`) or already taken (`e1`); `INF` where that state cannot be reached.
    pub e0: Vec<f64>,
    pub e1: Vec<f64>,
    /// Latest service start at each node from which the rest of the route is feasible, with the
    /// break still to take (`l0`) or already taken (`l1`); `-INF` where none is.
    pub l0: Vec<f64>,
    pub l1: Vec<f64>,
    pub load: Vec<i64>,
    /// Load of the jobs up to and including node `i`, per dimension: `prefix[i * dims + d]`.
    pub prefix: Vec<i64>,
    pub dist: f64,
    /// The route's cost under the objective (0 for an unused vehicle).
    pub cost: f64,
}

impl Route {
    pub fn len(&self) -> usize {
        self.stops.len() - 2
    }
    pub fn jobs(&self) -> &[usize] {
        &self.stops[1..self.stops.len() - 1]
    }
}

/// Arrival at the next stop when the break is taken in the gap: the vehicle is free at `free`,
/// drives `travel`; `INF` when no break window starts at or after `free`.
#[inline]
fn via_break(brk: &Break, free: f64, travel: f64) -> f64 {
    match earliest_in(&brk.windows, free) {
        Some(b) => (free + travel + brk.service).max(b + brk.service),
        None => INF,
    }
}

/// The latest moment the vehicle may be free (end of the previous service) to take the break
/// in the gap and still reach the next stop by `by`, driving `travel`; `-INF` if never.
#[inline]
fn latest_free_before_break(brk: &Break, by: f64, travel: f64) -> f64 {
    let d = brk.service;
    let mut best = f64::NEG_INFINITY;
    for w in &brk.windows {
        if w.start + d <= by {
            best = best.max(w.end.min(by - d));
        }
    }
    best.min(by - travel - d)
}

/// Precomputed, index-based view of a problem.
pub(crate) struct Ctx<'a> {
    pub p: &'a Problem,
    pub nj: usize,
    /// Stop tables: jobs `0..nj`, then vehicle `v` start `nj + 2v`, end `nj + 2v + 1`.
    pub stop_loc: Vec<usize>,
    pub stop_serv: Vec<f64>,
    pub stop_win: Vec<Vec<Window>>,
    pub compat: Vec<bool>,
    /// For each job, the vehicles that may serve it (skills), in vehicle order.
    pub cands: Vec<Vec<usize>>,
    /// For each job, the other jobs by increasing distance (at most `NEIGHBOURS`).
    pub neighbours: Vec<Vec<usize>>,
    pub vclass: Vec<usize>,
    /// What leaving each job unassigned costs.
    pub penalty: Vec<f64>,
    pub objective: Objective,
    /// Per vehicle: cost per unit of travel duration and of distance, and the fixed cost.
    per_dur: Vec<f64>,
    per_dist: Vec<f64>,
    fixed: Vec<f64>,
    /// Whether every vehicle prices travel alike (then `arc` ignores the vehicle's own rates).
    uniform: bool,
}

const NEIGHBOURS: usize = 100;

impl<'a> Ctx<'a> {
    pub fn new(p: &'a Problem, objective: Objective) -> Self {
        let nj = p.jobs.len();
        let nv = p.vehicles.len();
        let mut stop_loc = Vec::with_capacity(nj + 2 * nv);
        let mut stop_serv = Vec::with_capacity(nj + 2 * nv);
        let mut stop_win = Vec::with_capacity(nj + 2 * nv);
        for j in &p.jobs {
            stop_loc.push(j.location);
            stop_serv.push(j.service);
            stop_win.push(j.windows.clone());
        }
        for v in &p.vehicles {
            stop_loc.push(v.start);
            stop_serv.push(0.0);
            stop_win.push(vec![v.shift]);
            stop_loc.push(v.end);
            stop_serv.push(0.0);
            stop_win.push(vec![v.shift]);
        }
        let mut compat = vec![false; nv * nj];
        let mut cands = vec![Vec::new(); nj];
        for v in 0..nv {
            for (j, c) in cands.iter_mut().enumerate() {
                if p.compatible(v, j) {
                    compat[v * nj + j] = true;
                    c.push(v);
                }
            }
        }
        let m = &p.matrix;
        let neighbours = (0..nj)
            .map(|i| {
                let li = p.jobs[i].location;
                let mut others: Vec<usize> = (0..nj).filter(|&j| j != i).collect();
                others.sort_by(|&a, &b| {
                    let da = m.distance(li, p.jobs[a].location) + m.distance(p.jobs[a].location, li);
                    let db = m.distance(li, p.jobs[b].location) + m.distance(p.jobs[b].location, li);
                    da.total_cmp(&db).then(a.cmp(&b))
                });
                others.truncate(NEIGHBOURS);
                others
            })
            .collect();
        let (per_dur, per_dist, fixed): (Vec<f64>, Vec<f64>, Vec<f64>) = match objective {
            Objective::Distance | Objective::VehiclesThenDistance => (vec![0.0; nv], vec![1.0; nv], vec![0.0; nv]),
            Objective::PriorityThenCost => (
                p.vehicles.iter().map(|v| v.costs.per_hour / 3600.0).collect(),
                p.vehicles.iter().map(|v| v.costs.per_km / 1000.0).collect(),
                p.vehicles.iter().map(|v| v.costs.fixed).collect(),
            ),
        };
        let uniform = (1..nv).all(|v| per_dur[v] == per_dur[0] && per_dist[v] == per_dist[0]);
        let mut vclass = vec![0; nv];
        for a in 0..nv {
            vclass[a] = a;
            for b in 0..a {
                let (x, y) = (&p.vehicles[a], &p.vehicles[b]);
                if x.start == y.start
                    && x.end == y.end
                    && x.shift == y.shift
                    && x.capacity == y.capacity
                    && x.skills == y.skills
                    && x.max_jobs == y.max_jobs
                    && x.break_ == y.break_
                    && per_dur[a] == per_dur[b]
                    && per_dist[a] == per_dist[b]
                    && fixed[a] == fixed[b]
                {
                    vclass[a] = vclass[b];
                    break;
                }
            }
        }
        let mut ctx = Ctx {
            p,
            nj,
            stop_loc,
            stop_serv,
            stop_win,
            compat,
            cands,
            neighbours,
            vclass,
            penalty: vec![],
            objective,
            per_dur,
            per_dist,
            fixed,
            uniform,
        };
        // An unassigned job costs more than serving it alone from the farthest depot; under
        // `PriorityThenCost` one point of priority outweighs every job's base penalty together,
        // so the order is lexicographic: priority served, jobs served, cost.
        let mut worst: f64 = 1.0;
        for j in &p.jobs {
            for v in 0..nv {
                let veh = &p.vehicles[v];
                let d = ctx.arc(v, veh.start, j.location) + ctx.arc(v, j.location, veh.end) + ctx.fixed[v];
                if d.is_finite() {
                    worst = worst.max(d);
                }
            }
        }
        let base = 2.0 * worst + 1.0;
        let per_priority = if objective == Objective::PriorityThenCost { 2.0 * base * (nj as f64 + 1.0) } else { 0.0 };
        ctx.penalty = p.jobs.iter().map(|j| base + per_priority * f64::from(j.priority)).collect();
        ctx
    }

    /// The cost of driving from location `a` to `b` with vehicle `v`.
    #[inline]
    pub fn arc(&self, v: usize, a: usize, b: usize) -> f64 {
        let m = &self.p.matrix;
        let v = if self.uniform { 0 } else { v };
        let (cd, cx) = (self.per_dur[v], self.per_dist[v]);
        let mut c = 0.0;
        if cd != 0.0 {
            c += cd * m.duration(a, b);
        }
        if cx != 0.0 {
            c += cx * m.distance(a, b);
        }
        c
    }

    /// What a vehicle costs just for being used.
    #[inline]
    pub fn fixed_cost(&self, v: usize) -> f64 {
        self.fixed[v]
    }

    #[inline]
    pub fn compatible(&self, v: usize, j: usize) -> bool {
        self.compat[v * self.nj + j]
    }

    #[inline]
    fn brk(&self, v: usize) -> Option<&'a Break> {
        self.p.vehicles[v].break_.as_ref()
    }

    pub fn empty_route(&self, v: usize) -> Route {
        let mut r = Route {
            vehicle: v,
            stops: vec![self.nj + 2 * v, self.nj + 2 * v + 1],
            loc: vec![],
            serv: vec![],
            e0: vec![],
            e1: vec![],
            l0: vec![],
            l1: vec![],
            load: vec![0; self.p.dimensions],
            prefix: vec![],
            dist: 0.0,
            cost: 0.0,
        };
        self.update(&mut r);
        r
    }

    /// Service starts at stop `to` (states 0 and 1) when the vehicle leaves location `from`
    /// after a service of `serv` begun at `s0` / `s1`.
    #[inline]
    pub fn step(&self, v: usize, s0: f64, s1: f64, serv: f64, from: usize, to: usize) -> (f64, f64) {
        let travel = self.p.matrix.duration(from, self.stop_loc[to]);
        let win = &self.stop_win[to];
        let t1 = earliest_in(win, s1 + serv + travel).unwrap_or(INF);
        match self.brk(v) {
            None => (INF, t1),
            Some(b) => {
                let t0 = earliest_in(win, s0 + serv + travel).unwrap_or(INF);
                let tb = earliest_in(win, via_break(b, s0 + serv, travel)).unwrap_or(INF);
                (t0, t1.min(tb))
            }
        }
    }

    /// Whether reaching node `k` of `r` at `(s0, s1)` leaves the rest of `r` feasible.
    #[inline]
    pub fn reaches(r: &Route, k: usize, (s0, s1): (f64, f64)) -> bool {
        s1 <= r.l1[k] + EPS || s0 <= r.l0[k] + EPS
    }

    /// Recompute a route's caches from its stops. Returns whether it is feasible.
    pub fn update(&self, r: &mut Route) -> bool {
        let m = &self.p.matrix;
        let n = r.stops.len();
        let v = r.vehicle;
        let brk = self.brk(v);
        r.loc.clear();
        r.serv.clear();
        r.loc.extend(r.stops.iter().map(|&s| self.stop_loc[s]));
        r.serv.extend(r.stops.iter().map(|&s| self.stop_serv[s]));
        r.e0.resize(n, 0.0);
        r.e1.resize(n, 0.0);
        r.l0.resize(n, 0.0);
        r.l1.resize(n, 0.0);
        r.load.iter_mut().for_each(|x| *x = 0);
        let shift = self.p.vehicles[v].shift;
        if brk.is_some() {
            (r.e0[0], r.e1[0]) = (shift.start, INF);
        } else {
            (r.e0[0], r.e1[0]) = (INF, shift.start);
        }
        let mut dist = 0.0;
        let mut cost = 0.0;
        for i in 1..n {
            (r.e0[i], r.e1[i]) = self.step(v, r.e0[i - 1], r.e1[i - 1], r.serv[i - 1], r.loc[i - 1], r.stops[i]);
            dist += m.distance(r.loc[i - 1], r.loc[i]);
            cost += self.arc(v, r.loc[i - 1], r.loc[i]);
        }
        let ok = n == 2 || r.e1[n - 1] < INF;
        // An unused vehicle costs nothing (it does not drive from its start to its end).
        (r.dist, r.cost) = if n == 2 { (0.0, 0.0) } else { (dist, cost + self.fixed[v]) };
        r.l1[n - 1] = shift.end;
        r.l0[n - 1] = f64::NEG_INFINITY;
        for i in (0..n - 1).rev() {
            let travel = m.duration(r.loc[i], r.loc[i + 1]);
            let win = &self.stop_win[r.stops[i]];
            let latest = |by: f64| latest_in(win, by - r.serv[i]).unwrap_or(f64::NEG_INFINITY);
            r.l1[i] = latest(r.l1[i + 1] - travel);
            r.l0[i] = match brk {
                None => f64::NEG_INFINITY,
                Some(b) => latest(r.l0[i + 1] - travel).max(latest(latest_free_before_break(b, r.l1[i + 1], travel))),
            };
        }
        let dims = self.p.dimensions;
        r.prefix.clear();
        r.prefix.resize(n * dims, 0);
        for (i, &s) in r.stops.iter().enumerate().take(n - 1).skip(1) {
            for (d, (l, x)) in r.load.iter_mut().zip(&self.p.jobs[s].demand).enumerate() {
                *l += x;
                r.prefix[i * dims + d] = *l;
            }
        }
        r.prefix[(n - 1) * dims..].copy_from_slice(&r.load);
        let veh = &self.p.vehicles[v];
        ok && r.load.iter().zip(&veh.capacity).all(|(l, c)| l <= c) && n - 2 <= veh.max_jobs
    }

    /// Where the break of a feasible route goes: after how many jobs (earliest schedule).
    pub fn break_position(&self, r: &Route) -> Option<usize> {
        let brk = self.brk(r.vehicle)?;
        if r.len() == 0 {
            return None;
        }
        let travel = |i: usize| self.p.matrix.duration(r.loc[i], r.loc[i + 1]);
        // State 1 with the gap where the break was taken.
        let (mut s0, mut s1, mut gap) = (self.p.vehicles[r.vehicle].shift.start, INF, 0);
        for i in 1..r.stops.len() {
            let win = &self.stop_win[r.stops[i]];
            let free = s0 + r.serv[i - 1];
            let normal = earliest_in(win, s1 + r.serv[i - 1] + travel(i - 1)).unwrap_or(INF);
            let taken = earliest_in(win, via_break(brk, free, travel(i - 1))).unwrap_or(INF);
            if taken < normal {
                (s1, gap) = (taken, i - 1);
            } else {
                s1 = normal;
            }
            s0 = earliest_in(win, free + travel(i - 1)).unwrap_or(INF);
        }
        Some(gap)
    }

    /// Whether job `u` may join route `r` at all (skills, capacity, max jobs).
    #[inline]
    pub fn can_take(&self, r: &Route, u: usize) -> bool {
        let v = &self.p.vehicles[r.vehicle];
        self.compatible(r.vehicle, u)
            && r.len() < v.max_jobs
            && r.load.iter().zip(&self.p.jobs[u].demand).zip(&v.capacity).all(|((l, d), c)| l + d <= *c)
    }

    /// Added cost of inserting job `u` between nodes `p` and `p + 1`, if feasible in time.
    #[inline]
    pub fn insert_delta(&self, r: &Route, u: usize, p: usize) -> Option<f64> {
        let v = r.vehicle;
        let (a, b, lu) = (r.loc[p], r.loc[p + 1], self.stop_loc[u]);
        let at_u = self.step(v, r.e0[p], r.e1[p], r.serv[p], a, u);
        if at_u.0 == INF && at_u.1 == INF {
            return None;
        }
        let at_b = self.step(v, at_u.0, at_u.1, self.stop_serv[u], lu, r.stops[p + 1]);
        if !Self::reaches(r, p + 1, at_b) {
            return None;
        }
        let saved = if r.stops.len() == 2 { -self.fixed[v] } else { self.arc(v, a, b) };
        Some(self.arc(v, a, lu) + self.arc(v, lu, b) - saved)
    }
}

/// The mutable search state.
#[derive(Clone)]
pub(crate) struct State {
    pub routes: Vec<Route>,
    pub route_of: Vec<usize>,
    pub unassigned: Vec<usize>,
    pub cost: f64,
    pub used: usize,
}

impl State {
    pub fn new(ctx: &Ctx) -> Self {
        State {
            routes: (0..ctx.p.vehicles.len()).map(|v| ctx.empty_route(v)).collect(),
            route_of: vec![NONE; ctx.nj],
            unassigned: (0..ctx.nj).collect(),
            cost: 0.0,
            used: 0,
        }
    }

    pub fn recompute(&mut self, ctx: &Ctx) {
        self.used = self.routes.iter().filter(|r| r.len() > 0).count();
        self.cost = self.routes.iter().map(|r| r.cost).sum::<f64>()
            + self.unassigned.iter().map(|&j| ctx.penalty[j]).sum::<f64>();
        for (ri, r) in self.routes.iter().enumerate() {
            for &j in r.jobs() {
                self.route_of[j] = ri;
            }
        }
        for &j in &self.unassigned {
            self.route_of[j] = NONE;
        }
    }

    pub fn distance(&self) -> f64 {
        self.routes.iter().map(|r| r.dist).sum()
    }

    /// Cost of the routes alone (no unassigned penalty).
    pub fn route_cost(&self) -> f64 {
        self.routes.iter().map(|r| r.cost).sum()
    }

    pub fn to_solution(&self, ctx: &Ctx, iterations: u64) -> Solution {
        let mut unassigned = self.unassigned.clone();
        unassigned.sort_unstable();
        Solution {
            routes: self
                .routes
                .iter()
                .filter(|r| r.len() > 0)
                .map(|r| RouteOut { vehicle: r.vehicle, jobs: r.jobs().to_vec(), break_at: ctx.break_position(r) })
                .collect(),
            unassigned,
            distance: self.distance(),
            cost: self.route_cost(),
            iterations,
        }
    }
}

/// One iteration's undo log: routes as they were before their first change.
struct Undo {
    saved: Vec<(usize, Route)>,
    stamp: Vec<u64>,
    tick: u64,
    unassigned: Vec<usize>,
    cost: f64,
    used: usize,
}

impl Undo {
    fn begin(&mut self, s: &State) {
        self.tick += 1;
        self.saved.clear();
        self.unassigned.clear();
        self.unassigned.extend_from_slice(&s.unassigned);
        self.cost = s.cost;
        self.used = s.used;
    }
    fn touch(&mut self, s: &State, r: usize) {
        if self.stamp[r] != self.tick {
            self.stamp[r] = self.tick;
            self.saved.push((r, s.routes[r].clone()));
        }
    }
    /// The jobs now on the routes this iteration changed.
    fn touched_jobs(&self, s: &State) -> Vec<usize> {
        self.saved.iter().flat_map(|(ri, _)| s.routes[*ri].jobs().iter().copied()).collect()
    }

    fn rollback(&mut self, s: &mut State) {
        for (ri, r) in self.saved.drain(..) {
            for &j in r.jobs() {
                s.route_of[j] = ri;
            }
            s.routes[ri] = r;
        }
        s.unassigned.clear();
        s.unassigned.extend_from_slice(&self.unassigned);
        for &j in &s.unassigned {
            s.route_of[j] = NONE;
        }
        s.cost = self.cost;
        s.used = self.used;
    }
}

pub(crate) struct Search<'a> {
    pub ctx: Ctx<'a>,
    rng: Rng,
    /// At most this many non-empty routes.
    pub max_routes: usize,
    undo: Undo,
    removed: Vec<usize>,
    ruined: Vec<usize>,
    seen_class: Vec<u64>,
    /// Routes the current ruin loosened, and the iteration stamp of the jobs that were
    /// unassigned before it (see [`Search::recreate`]).
    loosened: Vec<usize>,
    stale: Vec<u64>,
    class_tick: u64,
    avg_len: f64,
}

impl<'a> Search<'a> {
    pub fn new(p: &'a Problem, seed: u64, objective: Objective) -> Self {
        let ctx = Ctx::new(p, objective);
        let nv = p.vehicles.len();
        Search {
            ctx,
            rng: Rng::new(seed),
            max_routes: nv,
            undo: Undo { saved: vec![], stamp: vec![0; nv], tick: 0, unassigned: vec![], cost: 0.0, used: 0 },
            removed: vec![],
            ruined: vec![],
            seen_class: vec![0; nv],
            loosened: vec![],
            stale: vec![0; p.jobs.len()],
            class_tick: 0,
            avg_len: 1.0,
        }
    }

    /// Remove several jobs of one route with a single cache update.
    fn remove_jobs(&mut self, s: &mut State, ri: usize, jobs: &[usize]) {
        self.undo.touch(s, ri);
        let r = &mut s.routes[ri];
        r.stops.retain(|x| !jobs.contains(x));
        let old = r.cost;
        // Removing jobs never breaks a route that held: waits absorb, times only move earlier.
        self.ctx.update(r);
        s.cost += r.cost - old + jobs.iter().map(|&j| self.ctx.penalty[j]).sum::<f64>();
        if r.len() == 0 {
            s.used -= 1;
        }
        for &j in jobs {
            s.route_of[j] = NONE;
            s.unassigned.push(j);
        }
    }

    /// SISR ruin: remove strings of consecutive jobs from routes near a random seed job.
    fn ruin(&mut self, s: &mut State) {
        const C_BAR: f64 = 10.0;
        const L_MAX: f64 = 10.0;
        let assigned: usize = self.ctx.nj - s.unassigned.len();
        if assigned == 0 {
            return;
        }
        let ls_max = L_MAX.min(self.avg_len).max(1.0);
        let ks_max = (4.0 * C_BAR / (1.0 + ls_max) - 1.0).max(1.0);
        let ks = (1.0 + self.rng.next_f64() * ks_max).floor() as usize;
        // A random assigned seed job.
        let mut seed = self.rng.below(self.ctx.nj);
        while s.route_of[seed] == NONE {
            seed = (seed + 1) % self.ctx.nj;
        }
        self.ruined.clear();
        if self.rng.next_f64() < ROUTE_RUIN {
            // Now and then empty the seed's whole route: lets the search drop a vehicle.
            let ri = s.route_of[seed];
            let jobs = s.routes[ri].jobs().to_vec();
            self.remove_jobs(s, ri, &jobs);
            return;
        }
        let mut cand = std::mem::take(&mut self.removed);
        cand.clear();
        cand.push(seed);
        cand.extend_from_slice(&self.ctx.neighbours[seed]);
        for &c in &cand {
            if self.ruined.len() >= ks {
                break;
            }
            let ri = s.route_of[c];
            if ri == NONE || self.ruined.contains(&ri) {
                continue;
            }
            self.ruined.push(ri);
            let t = s.routes[ri].len();
            let lmax_t = (t as f64).min(ls_max);
            let l = ((1.0 + self.rng.next_f64() * lmax_t).floor() as usize).clamp(1, t);
            let pc = s.routes[ri].stops.iter().position(|&x| x == c).unwrap_or(1) - 1;
            let to_remove: Vec<usize> = if self.rng.next_f64() < 0.5 || l >= t {
                // A string of length l containing c.
                let lo = (pc + 1).saturating_sub(l);
                let hi = pc.min(t - l);
                let st = lo + self.rng.below(hi - lo + 1);
                s.routes[ri].jobs()[st..st + l].to_vec()
            } else {
                // Split string: a string of length l + m containing c, keeping m jobs inside it.
                let mut m = 1;
                while l + m < t && self.rng.next_f64() < 0.3 {
                    m += 1;
                }
                let len = l + m;
                let lo = (pc + 1).saturating_sub(len);
                let hi = pc.min(t - len);
                let st = lo + self.rng.below(hi - lo + 1);
                let keep = self.rng.below(l + 1);
                let jobs = s.routes[ri].jobs();
                (0..len).filter(|&k| k < keep || k >= keep + m).map(|k| jobs[st + k]).collect()
            };
            self.remove_jobs(s, ri, &to_remove);
        }
        self.removed = cand;
    }

    /// Order the jobs to reinsert (SISR: random, demand, far, close; plus tight windows).
    fn sort_unassigned(&mut self, s: &mut State) {
        let k = self.rng.below(13);
        let ctx = &self.ctx;
        let p = ctx.p;
        let depot = p.vehicles.first().map(|v| v.start).unwrap_or(0);
        let u = &mut s.unassigned;
        // Shuffle first so ties break randomly.
        for i in (1..u.len()).rev() {
            let j = self.rng.below(i + 1);
            u.swap(i, j);
        }
        let key = |j: usize| -> f64 {
            match k {
                4..=7 => -(p.jobs[j].demand.iter().sum::<i64>() as f64),
                8..=9 => -p.matrix.distance(depot, p.jobs[j].location),
                10 => p.matrix.distance(depot, p.jobs[j].location),
                _ => {
                    let w = &p.jobs[j].windows;
                    w.iter().map(|w| (w.end - w.start).min(1e12)).sum::<f64>()
                }
            }
        };
        if k >= 4 {
            u.sort_by(|&a, &b| key(a).total_cmp(&key(b)));
        }
        if ctx.objective == Objective::PriorityThenCost {
            // Higher priorities choose their places first (a stable sort keeps the order above
            // within one priority).
            u.sort_by_key(|&j| std::cmp::Reverse(p.jobs[j].priority));
        }
    }

    /// Greedy insertion with blinks of the unassigned jobs; what fits nowhere stays unassigned.
    ///
    /// With `focused`, a job that was already unassigned before this iteration's ruin is tried
    /// only on the routes the ruin loosened: at the end of the previous recreate it fitted
    /// nowhere, and insertions only make routes tighter. (Local search can loosen routes too,
    /// so the caller asks for a full retry now and then.)
    fn recreate(&mut self, s: &mut State, blink: f64, focused: bool) {
        if focused {
            self.loosened.clear();
            self.loosened.extend(self.undo.saved.iter().map(|(ri, _)| *ri));
            self.loosened.sort_unstable();
            let tick = self.undo.tick;
            for &j in &self.undo.unassigned {
                self.stale[j] = tick;
            }
        }
        self.sort_unassigned(s);
        let todo = std::mem::take(&mut s.unassigned);
        for &u in &todo {
            let mut best = (f64::INFINITY, NONE, 0);
            self.class_tick += 1;
            let routes: &[usize] =
                if focused && self.stale[u] == self.undo.tick { &self.loosened } else { &self.ctx.cands[u] };
            for &ri in routes {
                let r = &s.routes[ri];
                if r.len() == 0 {
                    if s.used >= self.max_routes {
                        continue;
                    }
                    // Identical empty vehicles give identical insertions: try one per class.
                    let c = self.ctx.vclass[r.vehicle];
                    if self.seen_class[c] == self.class_tick {
                        continue;
                    }
                    self.seen_class[c] = self.class_tick;
                }
                if !self.ctx.can_take(r, u) {
                    continue;
                }
                let lu = self.ctx.stop_loc[u];
                let last_end = self.ctx.stop_win[u].last().map(|w| w.end).unwrap_or(f64::INFINITY);
                for p in 0..=r.len() {
                    if r.e0[p].min(r.e1[p]) + r.serv[p] + self.ctx.p.matrix.duration(r.loc[p], lu) > last_end {
                        break;
                    }
                    if blink > 0.0 && self.rng.next_f64() < blink {
                        continue;
                    }
                    if let Some(d) = self.ctx.insert_delta(r, u, p)
                        && d < best.0
                    {
                        best = (d, ri, p);
                    }
                }
            }
            if best.1 == NONE {
                s.unassigned.push(u);
                continue;
            }
            let (d, ri, p) = best;
            self.undo.touch(s, ri);
            let r = &mut s.routes[ri];
            let was_empty = r.len() == 0;
            r.stops.insert(p + 1, u);
            let old = r.cost;
            if !self.ctx.update(r) {
                // The cached check erred within its tolerance: the exact pass has the last word.
                r.stops.remove(p + 1);
                self.ctx.update(r);
                s.unassigned.push(u);
                continue;
            }
            debug_assert!((r.cost - old - d).abs() < 1e-6 * d.abs().max(1.0));
            if was_empty {
                s.used += 1;
            }
            s.cost += r.cost - old - self.ctx.penalty[u];
            s.route_of[u] = ri;
        }
    }
}

/// Solve a problem: the best solution found within the limits.
pub fn solve(problem: &Problem, opts: &Options, cancel: &AtomicBool) -> Solution {
    let started = Instant::now();
    let mut search = Search::new(problem, opts.seed, opts.objective);
    let mut cur = State::new(&search.ctx);
    search.recreate(&mut cur, 0.0, false);
    cur.recompute(&search.ctx);
    if problem.jobs.is_empty() {
        return cur.to_solution(&search.ctx, 0);
    }
    let mut best = cur.clone();
    let mut iterations: u64 = 0;
    let deadline = opts.time_limit;
    let max_it = opts.max_iterations;
    let progress = |it: u64, elapsed: Duration| -> f64 {
        match max_it {
            Some(m) => it as f64 / m.max(1) as f64,
            None => elapsed.as_secs_f64() / deadline.as_secs_f64().max(1e-9),
        }
    };
    // Temperature scale: relative to the mean edge cost of the first solution.
    let edges = (problem.jobs.len() + cur.used).max(1) as f64;
    let scale = cur.route_cost().max(1e-9) / edges;
    let t0 = T0_PER_EDGE * scale;
    let tf = TF_PER_EDGE * scale;
    // vehicles-then-distance: first squeeze the fleet, then minimise distance with it.
    let mut fleet_phase = opts.objective == Objective::VehiclesThenDistance;
    let fleet_share = 0.5;
    if fleet_phase {
        drop_smallest_route(&mut search, &mut cur);
    }
    loop {
        let elapsed = started.elapsed();
        if elapsed >= deadline || cancel.load(Ordering::Relaxed) || max_it.is_some_and(|m| iterations >= m) {
            break;
        }
        let prog = progress(iterations, elapsed).min(1.0);
        if fleet_phase && prog >= fleet_share {
            fleet_phase = false;
            cur = best.clone();
            search.max_routes =
                if opts.objective == Objective::VehiclesThenDistance { best.used } else { problem.vehicles.len() };
        }
        let local = if opts.objective == Objective::VehiclesThenDistance && !fleet_phase {
            (prog - fleet_share) / (1.0 - fleet_share)
        } else if fleet_phase {
            prog / fleet_share
        } else {
            prog
        };
        let temp = t0 * (tf / t0).powf(local.clamp(0.0, 1.0));
        iterations += 1;
        search.avg_len = (problem.jobs.len() - cur.unassigned.len()) as f64 / cur.used.max(1) as f64;
        search.undo.begin(&cur);
        search.ruin(&mut cur);
        // Every 16th iteration retries every unassigned job everywhere (local search may have
        // made room since; the fleet phase unassigns whole routes); the others only where the
        // ruin made room.
        search.recreate(&mut cur, 0.01, !fleet_phase && iterations % 16 != 0);
        let threshold = search.undo.cost - temp * search.rng.next_f64().max(1e-300).ln();
        if cur.cost < threshold {
            if better(&cur, &best, opts.objective) {
                // A new best: polish it with the local-search operators, and continue from there.
                let focus = search.undo.touched_jobs(&cur);
                local_search(&search.ctx, &mut cur, started.checked_add(deadline), Some(&focus));
                best = cur.clone();
            }
            if fleet_phase && cur.unassigned.is_empty() {
                best = cur.clone();
                drop_smallest_route(&mut search, &mut cur);
            }
        } else {
            search.undo.rollback(&mut cur);
        }
    }
    best.to_solution(&search.ctx, iterations)
}

fn better(a: &State, b: &State, obj: Objective) -> bool {
    if obj == Objective::PriorityThenCost {
        // The penalties already order priority, then jobs served, then cost.
        return a.cost < b.cost - 1e-9 * b.cost.abs().max(1.0);
    }
    if a.unassigned.len() != b.unassigned.len() {
        return a.unassigned.len() < b.unassigned.len();
    }
    if obj == Objective::VehiclesThenDistance && a.used != b.used {
        return a.used < b.used;
    }
    a.cost < b.cost - 1e-9
}

/// Fleet minimisation step: forbid one more route and unassign the jobs of the smallest route.
fn drop_smallest_route(search: &mut Search, s: &mut State) {
    let Some(ri) = (0..s.routes.len()).filter(|&r| s.routes[r].len() > 0).min_by_key(|&r| s.routes[r].len()) else {
        return;
    };
    search.max_routes = s.used - 1;
    search.undo.begin(s);
    let jobs = s.routes[ri].jobs().to_vec();
    search.remove_jobs(s, ri, &jobs);
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::routing::check::check;
    use crate::routing::model::{Break, Job, Matrix, Vehicle};

    /// A random small problem: several windows, skills, capacities, max jobs, open ends.
    pub fn random_problem(seed: u64, n: usize) -> Problem {
        let mut rng = Rng::new(seed);
        let nv = 1 + rng.below(5);
        let pts: Vec<(f64, f64)> = (0..n + 2).map(|_| (rng.next_f64() * 100.0, rng.next_f64() * 100.0)).collect();
        let matrix = Matrix::euclidean(&pts);
        let jobs = (0..n)
            .map(|i| {
                let a = rng.next_f64() * 600.0;
                let mut windows = vec![Window { start: a, end: a + 20.0 + rng.next_f64() * 200.0 }];
                if rng.below(3) == 0 {
                    let b = windows[0].end + 10.0 + rng.next_f64() * 100.0;
                    windows.push(Window { start: b, end: b + 50.0 });
                }
                if rng.below(5) == 0 {
                    windows = vec![Window::ALWAYS];
                }
                Job {
                    id: i as u64 + 1,
                    location: 2 + i,
                    service: rng.next_f64() * 20.0,
                    windows,
                    demand: vec![rng.below(10) as i64, rng.below(3) as i64],
                    skills: if rng.below(4) == 0 { vec![rng.below(2) as u32] } else { vec![] },
                    priority: if rng.below(4) == 0 { rng.below(101) as u32 } else { 0 },
                }
            })
            .collect();
        let vehicles = (0..nv)
            .map(|k| Vehicle {
                id: k as u64 + 1,
                start: if rng.below(6) == 0 { matrix.nowhere() } else { 0 },
                end: if rng.below(6) == 0 { matrix.nowhere() } else { rng.below(2) },
                shift: Window { start: rng.next_f64() * 50.0, end: 700.0 + rng.next_f64() * 300.0 },
                capacity: vec![20 + rng.below(40) as i64, 10],
                skills: (0..2).filter(|_| rng.below(2) == 0).collect(),
                max_jobs: 3 + rng.below(10),
                break_: (rng.below(2) == 0).then(|| {
                    let a = 150.0 + rng.next_f64() * 300.0;
                    let mut windows = vec![Window { start: a, end: a + 10.0 + rng.next_f64() * 100.0 }];
                    if rng.below(3) == 0 {
                        windows.push(Window { start: windows[0].end + 50.0, end: windows[0].end + 120.0 });
                    }
                    Break { id: k as u64 + 1, windows, service: 10.0 + rng.next_f64() * 30.0 }
                }),
                costs: Default::default(),
            })
            .collect();
        Problem { name: format!("random-{seed}"), matrix, jobs, vehicles, dimensions: 2 }
    }

    fn assert_feasible(p: &Problem, s: &State, what: &str) {
        let ctx = Ctx::new(p, Objective::Distance);
        let sol = s.to_solution(&ctx, 0);
        let r = check(p, &sol);
        assert!(r.feasible(), "{what}: {:?}", r.violations);
        assert!((r.distance - sol.distance).abs() < 1e-6, "{what}: distance drift");
        let cost = sol.distance + sol.unassigned.iter().map(|&j| ctx.penalty[j]).sum::<f64>();
        assert!((s.cost - cost).abs() < 1e-6 * cost.max(1.0), "{what}: cached cost {} vs {cost}", s.cost);
    }

    #[test]
    fn every_ruin_and_recreate_step_keeps_routes_feasible() {
        for seed in 0..40 {
            let p = random_problem(seed, 5 + (seed as usize * 7) % 30);
            let mut search = Search::new(&p, seed, Objective::Distance);
            let mut s = State::new(&search.ctx);
            search.recreate(&mut s, 0.0, false);
            s.recompute(&search.ctx);
            assert_feasible(&p, &s, "construction");
            for it in 0..60 {
                search.avg_len = (p.jobs.len() - s.unassigned.len()) as f64 / s.used.max(1) as f64;
                search.undo.begin(&s);
                search.ruin(&mut s);
                assert_feasible(&p, &s, &format!("seed {seed} it {it} after ruin"));
                search.recreate(&mut s, 0.05, it % 2 == 0);
                assert_feasible(&p, &s, &format!("seed {seed} it {it} after recreate"));
                if it % 5 == 0 {
                    local_search(&search.ctx, &mut s, None, None);
                    assert_feasible(&p, &s, &format!("seed {seed} it {it} after local search"));
                } else if it % 3 == 0 {
                    search.undo.rollback(&mut s);
                    assert_feasible(&p, &s, &format!("seed {seed} it {it} after rollback"));
                }
            }
        }
    }

    #[test]
    fn local_search_moves_are_feasible_improvements() {
        let mut applied = 0;
        for seed in 0..30 {
            let p = random_problem(500 + seed, 40);
            let search = Search::new(&p, seed, Objective::Distance);
            let mut s = State::new(&search.ctx);
            let mut search = search;
            search.recreate(&mut s, 0.3, false);
            s.recompute(&search.ctx);
            let before = s.cost;
            applied += local_search(&search.ctx, &mut s, None, None);
            assert_feasible(&p, &s, &format!("seed {seed}"));
            assert!(s.cost <= before + 1e-9);
        }
        assert!(applied > 0, "no move ever applied");
    }

    #[test]
    fn fleet_minimisation_keeps_routes_feasible() {
        for seed in 0..15 {
            let p = random_problem(100 + seed, 25);
            let opts = Options {
                seed,
                time_limit: Duration::from_secs(600),
                max_iterations: Some(300),
                objective: Objective::VehiclesThenDistance,
            };
            let sol = solve(&p, &opts, &AtomicBool::new(false));
            let r = check(&p, &sol);
            assert!(r.feasible(), "{:?}", r.violations);
        }
    }

    #[test]
    fn same_seed_same_solution_and_iteration_limit_honoured() {
        let p = random_problem(7, 30);
        let opts = Options {
            seed: 5,
            time_limit: Duration::from_secs(600),
            max_iterations: Some(500),
            objective: Objective::Distance,
        };
        let a = solve(&p, &opts, &AtomicBool::new(false));
        let b = solve(&p, &opts, &AtomicBool::new(false));
        assert_eq!(a, b);
        assert_eq!(a.iterations, 500);
    }

    #[test]
    fn cancelled_or_zero_time_returns_the_feasible_construction() {
        let p = random_problem(9, 30);
        let cancel = AtomicBool::new(true);
        let sol = solve(&p, &Options { time_limit: Duration::from_secs(600), ..Options::default() }, &cancel);
        assert_eq!(sol.iterations, 0);
        assert!(check(&p, &sol).feasible());
        let sol = solve(&p, &Options { time_limit: Duration::ZERO, ..Options::default() }, &AtomicBool::new(false));
        assert_eq!(sol.iterations, 0);
        assert!(check(&p, &sol).feasible());
    }

    #[test]
    fn search_improves_on_construction() {
        let p = random_problem(11, 40);
        let none = solve(&p, &Options { max_iterations: Some(0), ..Options::default() }, &AtomicBool::new(false));
        let many = solve(
            &p,
            &Options { max_iterations: Some(3000), time_limit: Duration::from_secs(600), ..Options::default() },
            &AtomicBool::new(false),
        );
        assert!(many.unassigned.len() <= none.unassigned.len());
        if many.unassigned.len() == none.unassigned.len() {
            assert!(many.distance <= none.distance + 1e-9);
        }
    }
}

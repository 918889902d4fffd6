//! The search: construction by insertion, then SISR ruin-and-recreate (Christiaens & Vanden
//! Berghe, "Slack induction by string removals") under simulated annealing, followed by the
//! local-search operators in [`super::ops`] on improving solutions.
//!
//! Routes are always feasible (hard time windows, capacity, skills, max jobs, shifts); a job that
//! fits nowhere stays unassigned at a penalty. Each route caches, per node, the earliest service
//! start (forward) and the latest feasible service start (backward), so inserting a job between
//! two nodes is checked in O(1) (O(windows) with several windows).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::model::{Objective, Problem, RouteOut, Solution, Window, earliest_in, latest_in};
use super::ops::local_search;
use crate::rng::Rng;

/// Safety margin when comparing a propagated time with a cached latest start: the cached value
/// comes from a chain of subtractions, so we stay on the safe side of rounding. The exact check
/// is the forward pass every route gets after a change (and the independent checker).
const EPS: f64 = 1e-7;
const NONE: usize = usize::MAX;
/// Annealing temperatures at the start and the end of a run, as fractions of the mean edge
/// length of the first solution (tuned on Solomon; see docs/benchmarks.md).
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
    /// Earliest service start at each node (arrival at the end depot).
    pub start: Vec<f64>,
    /// Latest feasible service start at each node given the rest of the route.
    pub latest: Vec<f64>,
    pub load: Vec<i64>,
    /// Load of the jobs up to and including node `i`, per dimension: `prefix[i * dims + d]`.
    pub prefix: Vec<i64>,
    pub dist: f64,
}

impl Route {
    pub fn len(&self) -> usize {
        self.stops.len() - 2
    }
    pub fn jobs(&self) -> &[usize] {
        &self.stops[1..self.stops.len() - 1]
    }
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
    /// For each job, the other jobs by increasing distance (at most `NEIGHBOURS`).
    pub neighbours: Vec<Vec<usize>>,
    pub vclass: Vec<usize>,
    pub penalty: f64,
}

const NEIGHBOURS: usize = 100;

impl<'a> Ctx<'a> {
    pub fn new(p: &'a Problem) -> Self {
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
        for v in 0..nv {
            for j in 0..nj {
                compat[v * nj + j] = p.compatible(v, j);
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
                {
                    vclass[a] = vclass[b];
                    break;
                }
            }
        }
        // An unassigned job costs more than serving it alone from the farthest depot.
        let mut worst: f64 = 1.0;
        for j in &p.jobs {
            for v in &p.vehicles {
                let d = m.distance(v.start, j.location) + m.distance(j.location, v.end);
                if d.is_finite() {
                    worst = worst.max(d);
                }
            }
        }
        Ctx { p, nj, stop_loc, stop_serv, stop_win, compat, neighbours, vclass, penalty: 2.0 * worst + 1.0 }
    }

    #[inline]
    pub fn compatible(&self, v: usize, j: usize) -> bool {
        self.compat[v * self.nj + j]
    }

    pub fn empty_route(&self, v: usize) -> Route {
        let mut r = Route {
            vehicle: v,
            stops: vec![self.nj + 2 * v, self.nj + 2 * v + 1],
            loc: vec![],
            serv: vec![],
            start: vec![],
            latest: vec![],
            load: vec![0; self.p.dimensions],
            prefix: vec![],
            dist: 0.0,
        };
        self.update(&mut r);
        r
    }

    /// Recompute a route's caches from its stops. Returns whether it is feasible.
    pub fn update(&self, r: &mut Route) -> bool {
        let m = &self.p.matrix;
        let n = r.stops.len();
        r.loc.clear();
        r.serv.clear();
        r.loc.extend(r.stops.iter().map(|&s| self.stop_loc[s]));
        r.serv.extend(r.stops.iter().map(|&s| self.stop_serv[s]));
        r.start.resize(n, 0.0);
        r.latest.resize(n, 0.0);
        r.load.iter_mut().for_each(|x| *x = 0);
        let mut ok = true;
        let shift = self.p.vehicles[r.vehicle].shift;
        r.start[0] = shift.start;
        let mut dist = 0.0;
        for i in 1..n {
            let arr = r.start[i - 1] + r.serv[i - 1] + m.duration(r.loc[i - 1], r.loc[i]);
            dist += m.distance(r.loc[i - 1], r.loc[i]);
            match earliest_in(&self.stop_win[r.stops[i]], arr) {
                Some(t) => r.start[i] = t,
                None => {
                    ok = false;
                    r.start[i] = arr;
                }
            }
        }
        // An unused vehicle costs nothing (it does not drive from its start to its end).
        r.dist = if n == 2 { 0.0 } else { dist };
        r.latest[n - 1] = shift.end;
        for i in (0..n - 1).rev() {
            let bound = r.latest[i + 1] - m.duration(r.loc[i], r.loc[i + 1]) - r.serv[i];
            r.latest[i] = latest_in(&self.stop_win[r.stops[i]], bound).unwrap_or(f64::NEG_INFINITY);
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
        let v = &self.p.vehicles[r.vehicle];
        ok && r.load.iter().zip(&v.capacity).all(|(l, c)| l <= c) && n - 2 <= v.max_jobs
    }

    /// Whether job `u` may join route `r` at all (skills, capacity, max jobs).
    #[inline]
    pub fn can_take(&self, r: &Route, u: usize) -> bool {
        let v = &self.p.vehicles[r.vehicle];
        self.compatible(r.vehicle, u)
            && r.len() < v.max_jobs
            && r.load.iter().zip(&self.p.jobs[u].demand).zip(&v.capacity).all(|((l, d), c)| l + d <= *c)
    }

    /// Added distance of inserting job `u` between nodes `p` and `p + 1`, if feasible in time.
    #[inline]
    pub fn insert_delta(&self, r: &Route, u: usize, p: usize) -> Option<f64> {
        let m = &self.p.matrix;
        let (a, b, lu) = (r.loc[p], r.loc[p + 1], self.stop_loc[u]);
        let arr = r.start[p] + r.serv[p] + m.duration(a, lu);
        let su = earliest_in(&self.stop_win[u], arr)?;
        let arr_b = su + self.stop_serv[u] + m.duration(lu, b);
        let sb = earliest_in(&self.stop_win[r.stops[p + 1]], arr_b)?;
        if sb > r.latest[p + 1] - EPS {
            return None;
        }
        let saved = if r.stops.len() == 2 { 0.0 } else { m.distance(a, b) };
        Some(m.distance(a, lu) + m.distance(lu, b) - saved)
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
        self.cost = self.routes.iter().map(|r| r.dist).sum::<f64>() + ctx.penalty * self.unassigned.len() as f64;
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

    pub fn to_solution(&self, iterations: u64) -> Solution {
        let mut unassigned = self.unassigned.clone();
        unassigned.sort_unstable();
        Solution {
            routes: self
                .routes
                .iter()
                .filter(|r| r.len() > 0)
                .map(|r| RouteOut { vehicle: r.vehicle, jobs: r.jobs().to_vec() })
                .collect(),
            unassigned,
            distance: self.distance(),
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
    class_tick: u64,
    avg_len: f64,
}

impl<'a> Search<'a> {
    pub fn new(p: &'a Problem, seed: u64) -> Self {
        let ctx = Ctx::new(p);
        let nv = p.vehicles.len();
        Search {
            ctx,
            rng: Rng::new(seed),
            max_routes: nv,
            undo: Undo { saved: vec![], stamp: vec![0; nv], tick: 0, unassigned: vec![], cost: 0.0, used: 0 },
            removed: vec![],
            ruined: vec![],
            seen_class: vec![0; nv],
            class_tick: 0,
            avg_len: 1.0,
        }
    }

    /// Remove several jobs of one route with a single cache update.
    fn remove_jobs(&mut self, s: &mut State, ri: usize, jobs: &[usize]) {
        self.undo.touch(s, ri);
        let r = &mut s.routes[ri];
        r.stops.retain(|x| !jobs.contains(x));
        let old = r.dist;
        self.ctx.update(r);
        s.cost += r.dist - old + self.ctx.penalty * jobs.len() as f64;
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
    }

    /// Greedy insertion with blinks of the unassigned jobs; what fits nowhere stays unassigned.
    fn recreate(&mut self, s: &mut State, blink: f64) {
        self.sort_unassigned(s);
        let todo = std::mem::take(&mut s.unassigned);
        for &u in &todo {
            let mut best = (f64::INFINITY, NONE, 0);
            self.class_tick += 1;
            for ri in 0..s.routes.len() {
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
                    if r.start[p] + r.serv[p] + self.ctx.p.matrix.duration(r.loc[p], lu) > last_end {
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
            if r.len() == 0 {
                s.used += 1;
            }
            r.stops.insert(p + 1, u);
            let old = r.dist;
            let ok = self.ctx.update(r);
            debug_assert!(ok, "insertion broke a route");
            debug_assert!((r.dist - old - d).abs() < 1e-6);
            s.cost += r.dist - old - self.ctx.penalty;
            s.route_of[u] = ri;
        }
    }
}

/// Solve a problem: the best solution found within the limits.
pub fn solve(problem: &Problem, opts: &Options, cancel: &AtomicBool) -> Solution {
    let started = Instant::now();
    let mut search = Search::new(problem, opts.seed);
    let mut cur = State::new(&search.ctx);
    search.recreate(&mut cur, 0.0);
    cur.recompute(&search.ctx);
    if problem.jobs.is_empty() {
        return cur.to_solution(0);
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
    // Temperature scale: relative to the mean edge of the first solution.
    let edges = (problem.jobs.len() + cur.used).max(1) as f64;
    let t0 = T0_PER_EDGE * cur.distance() / edges;
    let tf = TF_PER_EDGE * cur.distance() / edges;
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
        search.recreate(&mut cur, 0.01);
        let threshold = search.undo.cost - temp * search.rng.next_f64().max(1e-300).ln();
        if cur.cost < threshold {
            if better(&cur, &best, opts.objective) {
                // A new best: polish it with the local-search operators, and continue from there.
                local_search(&search.ctx, &mut cur, started.checked_add(deadline));
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
    best.to_solution(iterations)
}

fn better(a: &State, b: &State, obj: Objective) -> bool {
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
    use crate::routing::model::{Job, Matrix, Vehicle};

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
            })
            .collect();
        Problem { name: format!("random-{seed}"), matrix, jobs, vehicles, dimensions: 2 }
    }

    fn assert_feasible(p: &Problem, s: &State, what: &str) {
        let sol = s.to_solution(0);
        let r = check(p, &sol);
        assert!(r.feasible(), "{what}: {:?}", r.violations);
        assert!((r.distance - sol.distance).abs() < 1e-6, "{what}: distance drift");
        let cost = sol.distance + Ctx::new(p).penalty * sol.unassigned.len() as f64;
        assert!((s.cost - cost).abs() < 1e-6 * cost.max(1.0), "{what}: cached cost {} vs {cost}", s.cost);
    }

    #[test]
    fn every_ruin_and_recreate_step_keeps_routes_feasible() {
        for seed in 0..40 {
            let p = random_problem(seed, 5 + (seed as usize * 7) % 30);
            let mut search = Search::new(&p, seed);
            let mut s = State::new(&search.ctx);
            search.recreate(&mut s, 0.0);
            s.recompute(&search.ctx);
            assert_feasible(&p, &s, "construction");
            for it in 0..60 {
                search.avg_len = (p.jobs.len() - s.unassigned.len()) as f64 / s.used.max(1) as f64;
                search.undo.begin(&s);
                search.ruin(&mut s);
                assert_feasible(&p, &s, &format!("seed {seed} it {it} after ruin"));
                search.recreate(&mut s, 0.05);
                assert_feasible(&p, &s, &format!("seed {seed} it {it} after recreate"));
                if it % 5 == 0 {
                    local_search(&search.ctx, &mut s, None);
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
            let search = Search::new(&p, seed);
            let mut s = State::new(&search.ctx);
            let mut search = search;
            search.recreate(&mut s, 0.3);
            s.recompute(&search.ctx);
            let before = s.cost;
            applied += local_search(&search.ctx, &mut s, None);
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

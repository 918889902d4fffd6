//! Local-search operators, VROOM-style: each move has the same small shape — `gain` (cost
//! saved, O(1) from the route caches), `is_valid` (O(1) time-window, break, capacity and size
//! checks from the cached earliest/latest service starts and load prefixes) and `apply`.
//! 2-opt* between vehicles of different classes (depots, shifts, breaks, rates) prices and
//! checks the two new routes exactly instead, in O(route length).
//!
//! Swap (exchange two jobs of two routes) and shift (or-opt: move a job within its route) are
//! filtered by their O(1) cost gain and skills/loads, then checked by the exact pass.
//!
//! Moves are tried in a granular neighbourhood (the `K` nearest jobs of each job) and applied
//! first-improvement until none improves. `apply` recomputes both routes exactly and undoes the
//! move if the exact result is not a feasible improvement, so a cache shortcut can never leave an
//! infeasible route behind.

use std::time::Instant;

use super::engine::{Ctx, Route, State};

/// Neighbours tried per job.
const K: usize = 15;
const NONE: usize = usize::MAX;

/// One local-search move.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Move {
    /// Move the job at node `i` of route `a` between nodes `p` and `p + 1` of route `b`.
    Relocate { a: usize, i: usize, b: usize, p: usize },
    /// 2-opt*: exchange the tails after node `i` of route `a` and node `j` of route `b`.
    TwoOptStar { a: usize, i: usize, b: usize, j: usize },
    /// Exchange the job at node `i` of route `a` with the job at node `j` of route `b`.
    Swap { a: usize, i: usize, b: usize, j: usize },
    /// Or-opt within one route: move the job at node `i` of route `a` between nodes `p` and
    /// `p + 1` (node numbers before the move).
    Shift { a: usize, i: usize, p: usize },
}

/// Whether, leaving node `i` of `from` as scheduled, node `k` of `to` (and the rest of `to`
/// after it) can still be served. `from` and `to` belong to one vehicle or to vehicles of one
/// class (the same shift and break), so their cached states mean the same.
#[inline]
fn joins(ctx: &Ctx, from: &Route, i: usize, to: &Route, k: usize) -> bool {
    let at = ctx.step(to.vehicle, from.e0[i], from.e1[i], from.serv[i], from.loc[i], to.stops[k]);
    Ctx::reaches(to, k, at)
}

/// The travel cost of vehicle `v` along the locations of `stops` (fixed cost included when
/// they hold a job).
fn path_cost<'a>(ctx: &Ctx, v: usize, stops: impl Iterator<Item = &'a usize>) -> f64 {
    let mut cost = 0.0;
    let mut prev = None;
    let mut n = 0;
    for &s in stops {
        let l = ctx.stop_loc[s];
        if let Some(p) = prev {
            cost += ctx.arc(v, p, l);
        }
        prev = Some(l);
        n += 1;
    }
    if n > 2 { cost + ctx.fixed_cost(v) } else { 0.0 }
}

impl Move {
    pub fn gain(&self, ctx: &Ctx, s: &State) -> f64 {
        match *self {
            Move::Relocate { a, i, b, p } => {
                let (ra, rb) = (&s.routes[a], &s.routes[b]);
                let (va, vb) = (ra.vehicle, rb.vehicle);
                let u = ra.loc[i];
                let bypass =
                    if ra.len() == 1 { -ctx.fixed_cost(va) } else { ctx.arc(va, ra.loc[i - 1], ra.loc[i + 1]) };
                let removed = ctx.arc(va, ra.loc[i - 1], u) + ctx.arc(va, u, ra.loc[i + 1]) - bypass;
                let added =
                    ctx.arc(vb, rb.loc[p], u) + ctx.arc(vb, u, rb.loc[p + 1]) - ctx.arc(vb, rb.loc[p], rb.loc[p + 1]);
                removed - added
            }
            Move::TwoOptStar { a, i, b, j } => {
                let (ra, rb) = (&s.routes[a], &s.routes[b]);
                let (va, vb) = (ra.vehicle, rb.vehicle);
                if ctx.vclass[va] == ctx.vclass[vb] {
                    return ctx.arc(va, ra.loc[i], ra.loc[i + 1]) + ctx.arc(vb, rb.loc[j], rb.loc[j + 1])
                        - ctx.arc(va, ra.loc[i], rb.loc[j + 1])
                        - ctx.arc(vb, rb.loc[j], ra.loc[i + 1]);
                }
                // Vehicles of different classes (other depots, rates): price both new routes.
                let (na, nb) = (ra.stops.len(), rb.stops.len());
                let new_a = path_cost(
                    ctx,
                    va,
                    ra.stops[..=i].iter().chain(&rb.stops[j + 1..nb - 1]).chain(&ra.stops[na - 1..]),
                );
                let new_b = path_cost(
                    ctx,
                    vb,
                    rb.stops[..=j].iter().chain(&ra.stops[i + 1..na - 1]).chain(&rb.stops[nb - 1..]),
                );
                ra.cost + rb.cost - new_a - new_b
            }
            Move::Swap { a, i, b, j } => {
                let (ra, rb) = (&s.routes[a], &s.routes[b]);
                let (va, vb) = (ra.vehicle, rb.vehicle);
                let (u, w) = (ra.loc[i], rb.loc[j]);
                let (pa, na, pb, nb) = (ra.loc[i - 1], ra.loc[i + 1], rb.loc[j - 1], rb.loc[j + 1]);
                ctx.arc(va, pa, u) + ctx.arc(va, u, na) - ctx.arc(va, pa, w) - ctx.arc(va, w, na)
                    + ctx.arc(vb, pb, w)
                    + ctx.arc(vb, w, nb)
                    - ctx.arc(vb, pb, u)
                    - ctx.arc(vb, u, nb)
            }
            Move::Shift { a, i, p } => {
                let ra = &s.routes[a];
                let order = shifted(&ra.stops, i, p);
                ra.cost - path_cost(ctx, ra.vehicle, order.iter())
            }
        }
    }

    pub fn is_valid(&self, ctx: &Ctx, s: &State) -> bool {
        match *self {
            Move::Relocate { a, i, b, p } => {
                let (ra, rb) = (&s.routes[a], &s.routes[b]);
                let u = ra.stops[i];
                a != b
                    && rb.len() > 0
                    && ctx.can_take(rb, u)
                    && joins(ctx, ra, i - 1, ra, i + 1)
                    && ctx.insert_delta(rb, u, p).is_some()
            }
            Move::TwoOptStar { a, i, b, j } => {
                let (ra, rb) = (&s.routes[a], &s.routes[b]);
                let (va, vb) = (&ctx.p.vehicles[ra.vehicle], &ctx.p.vehicles[rb.vehicle]);
                if a == b {
                    return false;
                }
                let (la, lb) = (ra.len(), rb.len());
                if i + (lb - j) > va.max_jobs || j + (la - i) > vb.max_jobs {
                    return false;
                }
                let d = ctx.p.dimensions;
                for k in 0..d {
                    let (pa, pb) = (ra.prefix[i * d + k], rb.prefix[j * d + k]);
                    if pa + rb.load[k] - pb > va.capacity[k] || pb + ra.load[k] - pa > vb.capacity[k] {
                        return false;
                    }
                }
                if ctx.vclass[ra.vehicle] == ctx.vclass[rb.vehicle] {
                    return joins(ctx, ra, i, rb, j + 1) && joins(ctx, rb, j, ra, i + 1);
                }
                // Different classes: skills here, times by the exact pass in `apply`.
                rb.jobs()[j..].iter().all(|&x| ctx.compatible(ra.vehicle, x))
                    && ra.jobs()[i..].iter().all(|&x| ctx.compatible(rb.vehicle, x))
            }
            Move::Swap { a, i, b, j } => {
                // Skills and loads here; times by the exact pass in `apply`.
                let (ra, rb) = (&s.routes[a], &s.routes[b]);
                let (u, w) = (ra.stops[i], rb.stops[j]);
                let (va, vb) = (&ctx.p.vehicles[ra.vehicle], &ctx.p.vehicles[rb.vehicle]);
                let (du, dw) = (&ctx.p.jobs[u].demand, &ctx.p.jobs[w].demand);
                a != b
                    && ctx.compatible(ra.vehicle, w)
                    && ctx.compatible(rb.vehicle, u)
                    && (0..ctx.p.dimensions).all(|k| {
                        ra.load[k] - du[k] + dw[k] <= va.capacity[k] && rb.load[k] - dw[k] + du[k] <= vb.capacity[k]
                    })
            }
            Move::Shift { i, p, .. } => p != i && p + 1 != i,
        }
    }

    /// Apply the move if it is exactly a feasible improvement; returns whether it was applied.
    pub fn apply(&self, ctx: &Ctx, s: &mut State) -> bool {
        let (a, b) = match *self {
            Move::Relocate { a, b, .. } | Move::TwoOptStar { a, b, .. } | Move::Swap { a, b, .. } => (a, b),
            Move::Shift { a, i, p } => {
                let old = s.routes[a].clone();
                s.routes[a].stops = shifted(&old.stops, i, p);
                let ok = ctx.update(&mut s.routes[a]);
                let delta = s.routes[a].cost - old.cost;
                if !ok || delta > -1e-9 {
                    s.routes[a] = old;
                    return false;
                }
                s.cost += delta;
                return true;
            }
        };
        let (old_a, old_b) = (s.routes[a].clone(), s.routes[b].clone());
        match *self {
            Move::Shift { .. } => unreachable!("handled above"),
            Move::Swap { i, j, .. } => {
                let u = s.routes[a].stops[i];
                s.routes[a].stops[i] = s.routes[b].stops[j];
                s.routes[b].stops[j] = u;
            }
            Move::Relocate { i, p, .. } => {
                let u = s.routes[a].stops.remove(i);
                s.routes[b].stops.insert(p + 1, u);
            }
            Move::TwoOptStar { i, j, .. } => {
                let tail_a = s.routes[a].stops.split_off(i + 1);
                let tail_b = s.routes[b].stops.split_off(j + 1);
                s.routes[a].stops.extend_from_slice(&tail_b);
                s.routes[b].stops.extend_from_slice(&tail_a);
                // The end depots travel with the tails: swap them back so each route keeps its
                // own vehicle's end stop.
                let (na, nb) = (s.routes[a].stops.len(), s.routes[b].stops.len());
                let (ea, eb) = (s.routes[a].stops[na - 1], s.routes[b].stops[nb - 1]);
                s.routes[a].stops[na - 1] = eb;
                s.routes[b].stops[nb - 1] = ea;
            }
        }
        let ok_a = ctx.update(&mut s.routes[a]);
        let ok_b = ctx.update(&mut s.routes[b]);
        let delta = s.routes[a].cost + s.routes[b].cost - old_a.cost - old_b.cost;
        if !(ok_a && ok_b) || delta > -1e-9 {
            s.routes[a] = old_a;
            s.routes[b] = old_b;
            return false;
        }
        s.cost += delta;
        for r in [a, b] {
            for &j in s.routes[r].jobs() {
                s.route_of[j] = r;
            }
        }
        s.used = s.routes.iter().filter(|r| r.len() > 0).count();
        true
    }
}

/// The stops of a route with the job at node `i` moved between nodes `p` and `p + 1`.
fn shifted(stops: &[usize], i: usize, p: usize) -> Vec<usize> {
    let mut out = stops.to_vec();
    let u = out.remove(i);
    out.insert(if p < i { p + 1 } else { p }, u);
    out
}

/// First-improvement local search over the granular neighbourhood until no move improves (or
/// the deadline passes). Returns the number of moves applied.
///
/// With `focus`, only moves of those jobs are tried (the jobs of the routes an iteration
/// changed), so polishing a new best costs what the change touched, not the whole solution.
pub(crate) fn local_search(ctx: &Ctx, s: &mut State, deadline: Option<Instant>, focus: Option<&[usize]>) -> usize {
    let mut applied = 0;
    let mut improved = true;
    let pos = |s: &State, u: usize| s.routes[s.route_of[u]].stops.iter().position(|&x| x == u).unwrap_or(0);
    let all: Vec<usize>;
    let jobs = match focus {
        Some(f) => f,
        None => {
            all = (0..ctx.nj).collect();
            &all
        }
    };
    while improved {
        improved = false;
        if deadline.is_some_and(|d| Instant::now() >= d) {
            break;
        }
        for &u in jobs {
            let a = s.route_of[u];
            if a == NONE {
                continue;
            }
            for &v in ctx.neighbours[u].iter().take(K) {
                let b = s.route_of[v];
                let a = s.route_of[u];
                if b == NONE {
                    continue;
                }
                let (i, j) = (pos(s, u), pos(s, v));
                let moves: &[Move] = if a == b {
                    &[Move::Shift { a, i, p: j }, Move::Shift { a, i, p: j - 1 }]
                } else {
                    &[
                        Move::Relocate { a, i, b, p: j },
                        Move::Relocate { a, i, b, p: j - 1 },
                        Move::TwoOptStar { a, i, b, j: j - 1 },
                        Move::TwoOptStar { a, i: i - 1, b, j },
                        Move::Swap { a, i, b, j },
                    ]
                };
                for &mv in moves {
                    if mv.gain(ctx, s) > 1e-9 && mv.is_valid(ctx, s) && mv.apply(ctx, s) {
                        applied += 1;
                        improved = true;
                        break;
                    }
                }
                if s.route_of[u] != a {
                    break;
                }
            }
        }
    }
    applied
}

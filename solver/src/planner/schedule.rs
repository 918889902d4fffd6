//! Timing one technician-day: given the order of visits, the earliest feasible schedule —
//! departures, arrivals, starts, and where the break goes — or `None` if no schedule keeps
//! every rule (shift, break, windows, pins).
//!
//! Earliest is best: every later rule (windows, shift end, SLA lateness) only gets harder when
//! a service starts later, so keeping, at each stop, the earliest ready time *with* and
//! *without* the break already taken is enough to find a feasible schedule whenever one
//! exists (a two-state forward pass, O(n)).

use crate::instance::{Day, DayShift, Instance, TechIdx, VisitIdx};
use crate::time::Secs;
use crate::travel::{Travel, TravelModel};

/// Where the break is taken: before leaving the start site, on arrival at stop `k`
/// (before its service), or on arrival back at the end site.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BreakAt {
    StartSite,
    Stop(usize),
    EndSite,
}

#[derive(Clone, Debug, Default)]
pub struct Schedule {
    pub legs: Vec<Travel>,
    pub depart: Vec<Secs>,
    pub arrival: Vec<Secs>,
    pub start: Vec<Secs>,
    pub end: Vec<Secs>,
    pub return_leg: Travel,
    /// Leaves the start site.
    pub route_start: Secs,
    /// Back at the end site.
    pub route_end: Secs,
    pub break_: Option<(Secs, Secs)>,
    pub travel_s: Secs,
    pub distance_m: f64,
    pub service_s: Secs,
    pub wait_s: Secs,
}

/// Earliest start inside a visit's windows (or its pin / fixed start) at or after `ready`.
pub fn earliest_start(inst: &Instance, v: VisitIdx, ready: Secs) -> Option<Secs> {
    let visit = &inst.visits[v];
    if let Some(fixed) = fixed_start(inst, v) {
        return (ready <= fixed).then_some(fixed);
    }
    visit.windows.iter().find(|(_, we)| *we >= ready).map(|(ws, _)| ready.max(*ws))
}

/// The exact start a visit must have, if pinned to one or already dispatched.
pub fn fixed_start(inst: &Instance, v: VisitIdx) -> Option<Secs> {
    let visit = &inst.visits[v];
    if visit.status.is_fixed() {
        return visit.current.map(|c| c.start);
    }
    visit.pin.start
}

#[derive(Clone, Copy)]
struct State {
    ready: Secs,
    break_at: Option<(BreakAt, Secs)>,
}

/// The earliest feasible schedule of `seq` for technician `t` on `day`.
pub fn schedule(inst: &Instance, travel: &dyn TravelModel, t: TechIdx, day: Day, seq: &[VisitIdx]) -> Option<Schedule> {
    let tech = &inst.technicians[t];
    let shift: DayShift = (*tech.shifts.get(day as usize)?)?;
    let start_loc = inst.sites[tech.start_site].loc;
    let end_loc = inst.sites[tech.end_site].loc;

    let take_break = |ready: Secs, at: BreakAt| -> Option<State> {
        let rule = shift.break_?;
        let begin = ready.max(rule.earliest);
        let end = begin + rule.duration;
        (end <= rule.latest).then_some(State { ready: end, break_at: Some((at, begin)) })
    };
    let better = |a: Option<State>, b: Option<State>| -> Option<State> {
        match (a, b) {
            (Some(x), Some(y)) => Some(if y.ready < x.ready { y } else { x }),
            (x, None) => x,
            (None, y) => y,
        }
    };

    // `without`: break not yet taken; `with`: taken.
    let mut without = Some(State { ready: shift.start, break_at: None });
    let mut with = take_break(shift.start, BreakAt::StartSite);
    let mut legs = Vec::with_capacity(seq.len());
    let mut prev = start_loc;
    for (k, &v) in seq.iter().enumerate() {
        let loc = inst.visits[v].loc;
        let leg = travel.travel(prev, loc);
        legs.push(leg);
        let arrive = |s: Option<State>| s.map(|s| State { ready: s.ready + leg.secs, ..s });
        let (arr_without, arr_with) = (arrive(without), arrive(with));
        with = better(arr_with, arr_without.and_then(|s| take_break(s.ready, BreakAt::Stop(k))));
        without = arr_without;
        let serve = |s: Option<State>| -> Option<State> {
            let s = s?;
            let start = earliest_start(inst, v, s.ready)?;
            Some(State { ready: start + inst.visits[v].duration, ..s })
        };
        without = serve(without);
        with = serve(with);
        if without.is_none() && with.is_none() {
            return None;
        }
        prev = loc;
    }
    let return_leg = travel.travel(prev, end_loc);
    let arrive = |s: Option<State>| s.map(|s| State { ready: s.ready + return_leg.secs, ..s });
    let (arr_without, arr_with) = (arrive(without), arrive(with));
    let finish = if shift.break_.is_some() {
        // The route end is the arrival; a break taken there must still end inside the shift.
        let at_end = arr_without.and_then(|s| take_break(s.ready, BreakAt::EndSite)).filter(|b| b.ready <= shift.end);
        let at_end = at_end.and(arr_without).map(|s| State { break_at: at_end.and_then(|b| b.break_at), ..s });
        let candidates = [arr_with, at_end];
        candidates.into_iter().flatten().filter(|s| s.ready <= shift.end).min_by_key(|s| s.ready)?
    } else {
        arr_without.filter(|s| s.ready <= shift.end)?
    };

    replay(inst, seq, legs, return_leg, shift, finish.break_at)
}

/// Rebuilds the times of a schedule once the break position is known, departing as late as
/// possible from the start site (no pointless waiting at the first customer).
fn replay(
    inst: &Instance,
    seq: &[VisitIdx],
    legs: Vec<Travel>,
    return_leg: Travel,
    shift: DayShift,
    break_at: Option<(BreakAt, Secs)>,
) -> Option<Schedule> {
    let n = seq.len();
    let rule = shift.break_;
    let mut s = Schedule { legs, return_leg, ..Schedule::default() };
    let mut ready = shift.start;
    let mut brk = None;
    if let (Some((BreakAt::StartSite, _)), Some(rule)) = (break_at, rule) {
        let begin = ready.max(rule.earliest);
        brk = Some((begin, begin + rule.duration));
        ready = begin + rule.duration;
    }
    for (k, &v) in seq.iter().enumerate() {
        let depart = ready;
        let mut at = depart + s.legs[k].secs;
        let arrival = at;
        if let (Some((BreakAt::Stop(b), _)), Some(rule)) = (break_at, rule)
            && b == k
        {
            let begin = at.max(rule.earliest);
            brk = Some((begin, begin + rule.duration));
            at = begin + rule.duration;
        }
        let start = earliest_start(inst, v, at)?;
        let end = start + inst.visits[v].duration;
        s.depart.push(depart);
        s.arrival.push(arrival);
        s.start.push(start);
        s.end.push(end);
        ready = end;
    }
    let route_end = ready + return_leg.secs;
    if let (Some((BreakAt::EndSite, _)), Some(rule)) = (break_at, rule) {
        let begin = route_end.max(rule.earliest);
        brk = Some((begin, begin + rule.duration));
    }
    // Leave the start site as late as the first stop allows.
    if n > 0 {
        let first_needed = match break_at {
            Some((BreakAt::Stop(0), _)) => brk.map_or(s.start[0], |(b, _)| b),
            _ => s.start[0],
        };
        let latest_depart = first_needed - s.legs[0].secs;
        let earliest_allowed = match break_at {
            Some((BreakAt::StartSite, _)) => brk.map_or(shift.start, |(_, e)| e),
            _ => shift.start,
        };
        let depart = latest_depart.max(earliest_allowed).max(s.depart[0]);
        s.depart[0] = depart;
        s.arrival[0] = depart + s.legs[0].secs;
    }
    s.route_start = s.depart.first().copied().unwrap_or(shift.start);
    s.route_end = route_end;
    s.break_ = brk;
    s.travel_s = s.legs.iter().map(|l| l.secs).sum::<Secs>() + return_leg.secs;
    s.distance_m = s.legs.iter().map(|l| l.meters).sum::<f64>() + return_leg.meters;
    s.service_s = seq.iter().map(|&v| inst.visits[v].duration).sum();
    s.wait_s = s.start.iter().zip(&s.arrival).map(|(st, ar)| st - ar).sum();
    if s.route_end > shift.end || brk.is_some_and(|(_, e)| e > shift.end) {
        return None;
    }
    Some(s)
}

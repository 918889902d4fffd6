//! Emergency insertion (issue 4 item 5): who can reach an urgent call first, from where each
//! technician is at the moment of the call in the current plan, and what they would have to
//! drop for it.
//!
//! The call becomes a temporary visit (index after the last one, window from `called_at` to
//! the end of the horizon); its travel to and from every location is one forward and one
//! backward Dijkstra over the road graph (the same formula as the travel matrix), or the
//! haversine model. For every technician-day from the call's day on that passes the solver's
//! static rules, the call goes right after the stops already started by `called_at`; if the
//! route no longer fits, lower-priority visits after it are displaced (standard before VIP,
//! nearest first; never locked, dispatched or emergency visits), at most three.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::path::Path;

use rota_solver::format::{Location, Plan, Priority, Problem, Segment, TimeWindow, TravelSpec, Visit, VisitStatus};
use rota_solver::instance::{Day, TechIdx, VisitIdx, VisitInfo};
use rota_solver::planner::{rules, schedule};
use rota_solver::time::{LocalDateTime, Secs};
use rota_solver::travel::road::RoadGraph;
use rota_solver::travel::{HaversineTravel, Travel, TravelModel};
use rota_solver::validate;

use super::engine::{self, Routes};
use super::types::*;
use super::{Desk, Model, SharedTravel, State, bad, parse_moment};

/// Most visits one option may displace.
const MAX_DISPLACED: usize = 3;

/// The road graph with its arcs reversed, for travel *to* a new point.
pub(crate) struct RoadIndex {
    pub graph: RoadGraph,
    reverse: Vec<Vec<(u32, f64, f64)>>,
    access_mps: f64,
}

#[derive(Clone, Copy, PartialEq)]
struct Label(f64, f64, u32);
impl Eq for Label {}
impl PartialOrd for Label {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Label {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0).then(self.1.total_cmp(&other.1)).then(self.2.cmp(&other.2))
    }
}

impl RoadIndex {
    pub(crate) fn new(roads_json: &[u8], access_speed_kmh: f64) -> Result<RoadIndex, String> {
        let net = rota_solver::travel::road::RoadNetwork::from_json_slice(roads_json).map_err(|e| e.to_string())?;
        let graph = RoadGraph::build(&net).map_err(|e| e.errors.join("; "))?;
        Ok(Self::from_graph(graph, access_speed_kmh))
    }

    pub(crate) fn from_graph(graph: RoadGraph, access_speed_kmh: f64) -> RoadIndex {
        let mut reverse = vec![Vec::new(); graph.node_count()];
        for a in graph.arcs() {
            reverse[a.to].push((a.from as u32, a.secs, a.meters));
        }
        RoadIndex { graph, reverse, access_mps: access_speed_kmh / 3.6 }
    }

    /// Fastest (secs, meters) from every node to `target`.
    fn dijkstra_reverse(&self, target: usize) -> Vec<(f64, f64)> {
        let mut best = vec![(f64::INFINITY, f64::INFINITY); self.reverse.len()];
        let mut heap = BinaryHeap::new();
        best[target] = (0.0, 0.0);
        heap.push(Reverse(Label(0.0, 0.0, target as u32)));
        while let Some(Reverse(Label(secs, meters, node))) = heap.pop() {
            let n = node as usize;
            if (secs, meters) > best[n] {
                continue;
            }
            for &(from, s, m) in &self.reverse[n] {
                let cand = (secs + s, meters + m);
                if cand < best[from as usize] {
                    best[from as usize] = cand;
                    heap.push(Reverse(Label(cand.0, cand.1, from)));
                }
            }
        }
        best
    }

    /// Travel from every location to `point` and from `point` to every location.
    fn both_ways(&self, point: Location, locations: &[Location]) -> Result<(Vec<Travel>, Vec<Travel>), String> {
        let snap = self.graph.snap(point).ok_or("the location is not near any road")?;
        let forward = self.graph.dijkstra(snap.node);
        let backward = self.dijkstra_reverse(snap.node);
        let (mut to, mut from) = (Vec::with_capacity(locations.len()), Vec::with_capacity(locations.len()));
        for &l in locations {
            if l == point {
                to.push(Travel::default());
                from.push(Travel::default());
                continue;
            }
            let s = self.graph.snap(l).ok_or("a location of the problem is not near any road")?;
            let access = s.distance_m + snap.distance_m;
            let leg = |secs: f64, meters: f64| -> Result<Travel, String> {
                if !secs.is_finite() {
                    return Err("the location cannot be reached over the roads".into());
                }
                let total = access / self.access_mps + secs;
                Ok(Travel { secs: (total - 1e-6).ceil().max(0.0) as Secs, meters: access + meters })
            };
            let b = backward[s.node];
            to.push(leg(b.0, b.1)?);
            let f = forward[s.node];
            from.push(leg(f.secs, f.meters)?);
        }
        Ok((to, from))
    }
}

/// The base travel model plus one extra location (index `n`).
struct ExtTravel<'a> {
    base: &'a SharedTravel,
    n: usize,
    to_new: Vec<Travel>,
    from_new: Vec<Travel>,
}

impl TravelModel for ExtTravel<'_> {
    fn len(&self) -> usize {
        self.n + 1
    }
    fn travel(&self, from: usize, to: usize) -> Travel {
        match (from == self.n, to == self.n) {
            (true, true) => Travel::default(),
            (false, true) => self.to_new.get(from).copied().unwrap_or_default(),
            (true, false) => self.from_new.get(to).copied().unwrap_or_default(),
            (false, false) => self.base.travel(from, to),
        }
    }
}

/// One way to take the call, with the route it makes.
#[derive(Clone, Debug)]
pub struct EmergencyCandidate {
    pub option: EmergencyOption,
    pub(crate) tech: TechIdx,
    pub(crate) day: Day,
    /// The technician-day's new sequence; `usize::MAX` stands for the call.
    pub(crate) seq: Vec<VisitIdx>,
}

/// The call as a `rota-problem/1` visit.
pub(crate) fn emergency_visit(model: &Model, req: &EmergencyRequest, id: &str) -> Result<(Visit, Secs), BackendError> {
    let called = parse_moment(&req.called_at)?;
    let origin = model.inst.origin;
    let at = called.secs_since(origin);
    let end_secs = i64::from(model.inst.days) * rota_solver::time::DAY - 60;
    if at < 0 || at >= end_secs {
        return Err(bad("outside_horizon", format!("{} is outside the horizon", req.called_at))
            .with("value", req.called_at.clone()));
    }
    if !(req.location.lat.is_finite() && req.location.lon.is_finite())
        || req.location.lat.abs() > 90.0
        || req.location.lon.abs() > 180.0
    {
        return Err(bad("invalid_request", "location: latitude and longitude out of range").with("field", "location"));
    }
    if !(1..=3).contains(&req.min_level) {
        return Err(bad("invalid_request", format!("min_level: expected 1 to 3, got {}", req.min_level))
            .with("field", "min_level"));
    }
    if req.duration_min == 0 || req.duration_min > 24 * 60 {
        return Err(bad("invalid_request", format!("duration_min: expected 1 to 1440, got {}", req.duration_min))
            .with("field", "duration_min"));
    }
    if !model.problem.skills.iter().any(|s| s.id == req.skill) {
        return Err(bad("unknown_skill", format!("no skill {:?}", req.skill)).with("skill", req.skill.clone()));
    }
    for c in &req.certifications {
        if !model.problem.certifications.iter().any(|x| &x.id == c) {
            return Err(
                bad("unknown_certification", format!("no certification {c:?}")).with("certification", c.clone())
            );
        }
    }
    let visit = Visit {
        id: id.to_string(),
        customer: if req.customer.trim().is_empty() { "emergency".into() } else { req.customer.clone() },
        address: None,
        location: Location { lat: req.location.lat, lon: req.location.lon },
        skill: req.skill.clone(),
        min_level: req.min_level,
        certifications: req.certifications.clone(),
        duration_min: i64::from(req.duration_min),
        time_windows: vec![TimeWindow { start: called, end: LocalDateTime::from_secs(origin, end_secs) }],
        priority: Priority::Emergency,
        segment: Segment::Value,
        complexity: req.min_level,
        created_at: called,
        sla: None,
        preferred_technician: None,
        excluded_technicians: Vec::new(),
        parts_volume: 0.0,
        status: VisitStatus::Open,
        pin: None,
        current: None,
    };
    Ok((visit, at))
}

/// The call compiled against the model (its region, skill and certification indices).
fn compile_visit(model: &mut Model, visit: &Visit) -> Result<VisitInfo, BackendError> {
    // Compile a copy of the problem with only this visit (the other visits set aside meanwhile).
    let visits = std::mem::take(&mut model.problem.visits);
    let mini = Problem { visits: vec![visit.clone()], ..model.problem.clone() };
    model.problem.visits = visits;
    let inst = validate::compile(&mini)
        .map_err(|d| bad("invalid_request", format!("the emergency visit is not valid:\n{d}")))?;
    let mut info = inst.visits.into_iter().next().ok_or_else(|| bad("internal", "no visit compiled"))?;
    info.loc = model.inst.locations.len();
    Ok(info)
}

fn ext_travel<'a>(
    spec: &TravelSpec,
    road: Option<&RoadIndex>,
    base: &'a SharedTravel,
    locations: &[Location],
    point: Location,
) -> Result<ExtTravel<'a>, BackendError> {
    let (to_new, from_new) = match (spec, road) {
        (TravelSpec::Road { .. }, Some(road)) => road
            .both_ways(point, locations)
            .map_err(|m| bad("unreachable_location", format!("emergency location: {m}")))?,
        (TravelSpec::Haversine { detour_factor, speed_kmh }, _) => {
            let mut to = Vec::with_capacity(locations.len());
            let mut from = Vec::with_capacity(locations.len());
            for &l in locations {
                let h = HaversineTravel::new(vec![l, point], *detour_factor, *speed_kmh);
                to.push(h.travel(0, 1));
                from.push(h.travel(1, 0));
            }
            (to, from)
        }
        _ => {
            return Err(bad(
                "unsupported_travel",
                "emergency insertion needs a road network or the haversine travel model (a fixed matrix has no row for a new location)",
            ));
        }
    };
    Ok(ExtTravel { base, n: locations.len(), to_new, from_new })
}

/// Ranked ways to take an emergency call in the current plan: by arrival, then fewest
/// displaced visits, then travel. `model`'s instance gets the call appended temporarily.
pub(crate) fn emergency_candidates_in(
    model: &mut Model,
    state: &State,
    req: &EmergencyRequest,
    limit: usize,
) -> Result<Vec<EmergencyCandidate>, BackendError> {
    let (visit, called) = emergency_visit(model, req, "emergency")?;
    let info = compile_visit(model, &visit)?;
    let travel =
        ext_travel(&model.problem.travel, model.road.as_deref(), &model.travel, &model.inst.locations, visit.location)?;
    // Append the call to the instance for the scheduler, and take it out again afterwards.
    model.inst.locations.push(visit.location);
    model.inst.visits.push(info);
    let result = candidates(&mut model.inst, &travel, &state.routes, called, limit);
    model.inst.visits.pop();
    model.inst.locations.pop();
    result
}

fn candidates(
    inst: &mut rota_solver::instance::Instance,
    travel: &dyn TravelModel,
    routes: &Routes,
    called: Secs,
    limit: usize,
) -> Result<Vec<EmergencyCandidate>, BackendError> {
    let e = inst.visits.len() - 1;
    let first_day = (called / rota_solver::time::DAY) as Day;
    let mut out: Vec<EmergencyCandidate> = Vec::new();
    for day in first_day..inst.days {
        for t in 0..inst.technicians.len() {
            if rules::static_rules(inst, e, t, day).is_err() {
                continue;
            }
            let empty = Vec::new();
            let seq = routes.get(&(t, day)).unwrap_or(&empty);
            let started = match schedule::schedule(inst, travel, t, day, seq) {
                Some(s) => s.start.iter().take_while(|&&st| st < called).count(),
                None => continue,
            };
            // Nobody leaves for the call before it comes in: the earliest start is the call
            // plus the drive from the last stop started (or the start site).
            let from =
                seq[..started].last().map_or(inst.sites[inst.technicians[t].start_site].loc, |&v| inst.visits[v].loc);
            let earliest = called + travel.travel(from, inst.visits[e].loc).secs;
            if let Some(w) = inst.visits[e].windows.first_mut() {
                w.0 = earliest.min(w.1);
            }
            let inst = &*inst;
            let mut kept: Vec<VisitIdx> = seq.clone();
            let mut droppable: Vec<(u8, usize, VisitIdx)> = seq[started..]
                .iter()
                .enumerate()
                .filter(|&(_, &v)| {
                    let x = &inst.visits[v];
                    x.pin.start.is_none() && !x.status.is_fixed() && x.priority != Priority::Emergency
                })
                .map(|(k, &v)| (if inst.visits[v].priority == Priority::Standard { 0 } else { 1 }, k, v))
                .collect();
            droppable.sort();
            let mut displaced = Vec::new();
            let found = loop {
                let mut cand = kept.clone();
                let at = cand.iter().take_while(|v| seq[..started].contains(v)).count();
                cand.insert(at, e);
                let limits_ok = cand.len() as u32 <= inst.technicians[t].max_visits_per_day;
                if limits_ok && let Some(s) = schedule::schedule(inst, travel, t, day, &cand) {
                    break Some((cand, s, at));
                }
                if displaced.len() >= MAX_DISPLACED || droppable.is_empty() {
                    break None;
                }
                let (_, _, v) = droppable.remove(0);
                kept.retain(|&x| x != v);
                displaced.push(v);
            };
            let Some((cand, s, k)) = found else { continue };
            let origin = inst.origin;
            out.push(EmergencyCandidate {
                option: EmergencyOption {
                    technician: inst.technicians[t].id.clone(),
                    day: inst.date(day).to_string(),
                    arrival: LocalDateTime::from_secs(origin, s.arrival[k]).to_string(),
                    start: LocalDateTime::from_secs(origin, s.start[k]).to_string(),
                    travel_s: s.legs[k].secs,
                    displaces: displaced.iter().map(|&v| inst.visits[v].id.clone()).collect(),
                },
                tech: t,
                day,
                seq: cand.into_iter().map(|v| if v == e { usize::MAX } else { v }).collect(),
            });
        }
        if out.len() >= limit {
            break;
        }
    }
    out.sort_by(|a, b| {
        (&a.option.arrival, a.option.displaces.len(), a.option.travel_s, &a.option.technician).cmp(&(
            &b.option.arrival,
            b.option.displaces.len(),
            b.option.travel_s,
            &b.option.technician,
        ))
    });
    out.truncate(limit);
    Ok(out)
}

/// `rota insert`: ranked emergency options for a problem file and a plan file, and how long
/// the ranking itself took (after loading the problem and its travel model).
pub fn emergency_candidates(
    problem_path: &Path,
    plan: &Plan,
    req: &EmergencyRequest,
    limit: usize,
) -> Result<(Vec<EmergencyOption>, std::time::Duration), BackendError> {
    let (problem, inst) =
        crate::validate_problem_file(problem_path).map_err(|e| bad("invalid_problem", e.to_string()))?;
    let (travel, road): (std::sync::Arc<dyn TravelModel>, _) = match &problem.travel {
        TravelSpec::Road { network, access_speed_kmh } => {
            let network_path = problem_path.parent().unwrap_or(Path::new(".")).join(network);
            let graph = rota_store::osm::load_road_graph(&network_path)
                .map_err(|e| bad("invalid_problem", format!("{}: {e}", network_path.display())))?;
            let matrix = graph
                .travel_matrix(&inst.locations, *access_speed_kmh)
                .map_err(|e| bad("invalid_problem", format!("{}: {e}", network_path.display())))?;
            (std::sync::Arc::new(matrix), Some(std::sync::Arc::new(RoadIndex::from_graph(graph, *access_speed_kmh))))
        }
        _ => {
            let boxed = crate::travel_model(problem_path, &problem, &inst)
                .map_err(|e| bad("invalid_problem", e.to_string()))?;
            (std::sync::Arc::from(boxed), None)
        }
    };
    let mut model = Model::with_travel(problem, inst, SharedTravel(travel), road);
    let routes = engine::routes_of(&model, plan);
    let state = State {
        version: None,
        routes,
        locked: Default::default(),
        timed: Default::default(),
        queue: Default::default(),
        plan: plan.clone(),
    };
    let started = std::time::Instant::now();
    let options = emergency_candidates_in(&mut model, &state, req, limit)?.into_iter().map(|c| c.option).collect();
    Ok((options, started.elapsed()))
}

impl Desk {
    /// `emergency_options`: who can take an urgent call, best first (arrival, then fewest
    /// displaced visits).
    pub fn emergency_options(
        &mut self,
        req: &EmergencyRequest,
        limit: usize,
    ) -> Result<Vec<EmergencyOption>, BackendError> {
        let state = self.state.clone_routes_only();
        Ok(emergency_candidates_in(&mut self.model, &state, req, limit.clamp(1, 200))?
            .into_iter()
            .map(|c| c.option)
            .collect())
    }

    /// `dispatch_emergency`: creates the visit (new id `E-<n>`), inserts it locked where the
    /// option says, displaced visits go to the queue with reason `displaced`. The option is
    /// recomputed on the updated problem and refused (`option_gone`) if no longer feasible.
    pub fn dispatch_emergency(
        &mut self,
        req: &EmergencyRequest,
        option: &EmergencyOption,
    ) -> Result<DispatchResult, BackendError> {
        let t = self.model.tech(&option.technician)?;
        let date = super::parse_day(&option.day)?;
        let day = self.model.day_index(date)?;
        for d in &option.displaces {
            self.model.visit(d)?;
        }
        let state = self.state.clone_routes_only();
        let all = emergency_candidates_in(&mut self.model, &state, req, 500)?;
        let Some(chosen) = all.into_iter().find(|c| c.tech == t && c.day == day) else {
            return Ok(DispatchResult {
                edit: EditResult {
                    feasibility: Feasibility::refused(vec![
                        Violation::new("unknown").with("technician", option.technician.clone()),
                    ]),
                    plan: None,
                    version: None,
                },
                visit: String::new(),
            });
        };
        // A new id, then the visit into the stored problem.
        let mut n = self.model.problem.visits.len() + 1;
        let id = loop {
            let id = format!("E-{n}");
            if !self.model.visit_ix.contains_key(&id) {
                break id;
            }
            n += 1;
        };
        let (mut visit, _) = emergency_visit(&self.model, req, &id)?;
        if let (Some(w), Ok(start)) = (visit.time_windows.first_mut(), parse_moment(&chosen.option.start)) {
            w.start = start;
        }
        let mut problem = self.model.problem.clone();
        problem.visits.push(visit.clone());
        let inst = validate::compile(&problem)
            .map_err(|d| bad("invalid_request", format!("the emergency visit is not valid:\n{d}")))?;
        if inst.locations.len() != self.model.inst.locations.len() + 1
            || inst.visits.len() != self.model.inst.visits.len() + 1
        {
            return Err(bad("internal", "the problem did not grow by one visit"));
        }
        let m = &self.model;
        let ext = ext_travel(&m.problem.travel, m.road.as_deref(), &m.travel, &m.inst.locations, visit.location)?;
        let n_loc = inst.locations.len();
        let mut secs = Vec::with_capacity(n_loc * n_loc);
        let mut meters = Vec::with_capacity(n_loc * n_loc);
        for i in 0..n_loc {
            for j in 0..n_loc {
                let x = ext.travel(i, j);
                secs.push(x.secs);
                meters.push(x.meters);
            }
        }
        let travel = SharedTravel(std::sync::Arc::new(rota_solver::travel::MatrixTravel::new(n_loc, secs, meters)));
        let road = self.model.road.clone();
        self.db.import_problem(&self.path, &problem, None).map_err(super::store_error)?;
        self.revision = self.db.head().map_err(super::store_error)?.revision;
        let new_model = Model::with_travel(problem, inst, travel, road);
        let e = new_model.inst.visits.len() - 1;
        self.model = new_model;
        let mut routes = self.state.routes.clone();
        let seq: Vec<VisitIdx> = chosen.seq.iter().map(|&v| if v == usize::MAX { e } else { v }).collect();
        let displaced: Vec<VisitIdx> = self
            .state
            .routes
            .get(&(t, day))
            .map_or_else(Vec::new, |old| old.iter().copied().filter(|v| !seq.contains(v)).collect());
        routes.insert((t, day), seq.clone());
        let Some(s) = schedule::schedule(&self.model.inst, &self.model.travel, t, day, &seq) else {
            self.model.apply_locks(&self.state.locked);
            return Err(bad("option_gone", "the option no longer fits the route"));
        };
        let k = seq.iter().position(|&v| v == e).unwrap_or(0);
        let mut locked = self.state.locked.clone();
        locked.insert(e, (t, day, s.start[k]));
        let mut queue = self.state.queue.clone();
        for &v in &displaced {
            queue.insert(self.model.inst.visits[v].id.clone(), Violation::new("displaced").with("visit", id.clone()));
        }
        let action = Action::new("emergency").with("visit", id.clone()).with("technician", option.technician.clone());
        let edit = self.edit(routes, (locked, self.state.timed.clone()), queue, action)?;
        Ok(DispatchResult { edit, visit: id })
    }
}

impl State {
    fn clone_routes_only(&self) -> State {
        State {
            version: self.version,
            routes: self.routes.clone(),
            locked: self.locked.clone(),
            timed: self.timed.clone(),
            queue: Default::default(),
            plan: Plan { routes: Vec::new(), unassigned: Vec::new(), ..self.plan.clone() },
        }
    }
}

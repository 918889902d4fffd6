//! VROOM's JSON: the input (`jobs`, `vehicles`, `matrices`) and the output (`routes` with
//! `steps`, `summary`, `unassigned`).
//!
//! Supported input: jobs with `id`, `location_index`, `service`, `delivery` (or the legacy
//! `amount`), `skills`, `priority` (0–100), `time_windows`; vehicles with `id`, `start_index`,
//! `end_index` (either may be absent), `capacity`, `skills`, `time_window`, `max_tasks`,
//! `costs` (`fixed`, `per_hour`, `per_km`) and one break in `breaks` (`id`, `time_windows`,
//! `service`); travel from `matrices` (`{profile: {durations, distances}}`, the vehicles'
//! `profile` or `car`) or the legacy `matrix`. Without `distances`, distance = duration. Not
//! supported (a clear error, never a wrong answer): coordinates without a matrix, `shipments`,
//! `pickup`, more than one break per vehicle, a break's `max_load`, per-job `setup`. Errors
//! name the JSON path (`jobs[3].time_windows[0]`).
//!
//! A break is taken between two steps (see `routing::engine`): the output lists it as a
//! `break` step whose `arrival` is when it starts; the next step's `arrival` is when the
//! vehicle is there and free, so the drive may be split around the break.

use serde_json::{Map, Value, json};

use super::FormatError;
use crate::routing::model::{Break, Costs, Job, Matrix, Problem, Solution, Vehicle, Window, earliest_in};

fn err(path: &str, msg: impl Into<String>) -> FormatError {
    FormatError::new(0, path, msg)
}

fn as_num(v: &Value, path: &str) -> Result<f64, FormatError> {
    match v.as_f64() {
        Some(x) if x.is_finite() && x >= 0.0 => Ok(x),
        _ => Err(err(path, format!("expected a non-negative number, got {v}"))),
    }
}

fn as_index(v: &Value, path: &str) -> Result<usize, FormatError> {
    match v.as_u64() {
        Some(x) if x < 1 << 31 => Ok(x as usize),
        _ => Err(err(path, format!("expected a non-negative integer, got {v}"))),
    }
}

fn int_list(v: Option<&Value>, path: &str) -> Result<Vec<i64>, FormatError> {
    let Some(v) = v else { return Ok(vec![]) };
    let arr = v.as_array().ok_or_else(|| err(path, "expected an array of integers"))?;
    arr.iter()
        .enumerate()
        .map(|(i, x)| match x.as_i64() {
            Some(n) if (0..1 << 52).contains(&n) => Ok(n),
            _ => Err(err(&format!("{path}[{i}]"), format!("expected a non-negative integer, got {x}"))),
        })
        .collect()
}

fn window(v: &Value, path: &str) -> Result<Window, FormatError> {
    let a = v.as_array().filter(|a| a.len() == 2).ok_or_else(|| err(path, "expected [start, end]"))?;
    let (s, e) = (as_num(&a[0], path)?, as_num(&a[1], path)?);
    if e < s {
        return Err(err(path, format!("window ends ({e}) before it starts ({s})")));
    }
    Ok(Window { start: s, end: e })
}

/// Sorted, disjoint windows from `[[start, end], …]`; `None` when absent.
fn windows(v: Option<&Value>, path: &str) -> Result<Option<Vec<Window>>, FormatError> {
    let Some(tw) = v else { return Ok(None) };
    let a = tw.as_array().ok_or_else(|| err(path, "expected an array"))?;
    let mut out =
        a.iter().enumerate().map(|(k, w)| window(w, &format!("{path}[{k}]"))).collect::<Result<Vec<_>, _>>()?;
    out.sort_by(|a, b| a.start.total_cmp(&b.start));
    if out.windows(2).any(|w| w[1].start <= w[0].end) {
        return Err(err(path, "windows overlap"));
    }
    Ok((!out.is_empty()).then_some(out))
}

fn number_field(o: &Map<String, Value>, key: &str, path: &str, default: f64) -> Result<f64, FormatError> {
    match o.get(key) {
        Some(x) => as_num(x, &format!("{path}.{key}")),
        None => Ok(default),
    }
}

fn square(v: &Value, path: &str) -> Result<(usize, Vec<f64>), FormatError> {
    let rows = v.as_array().ok_or_else(|| err(path, "expected an array of rows"))?;
    let n = rows.len();
    let mut out = Vec::with_capacity(n * n);
    for (i, r) in rows.iter().enumerate() {
        let p = format!("{path}[{i}]");
        let r =
            r.as_array().filter(|r| r.len() == n).ok_or_else(|| err(&p, format!("expected a row of {n} numbers")))?;
        for (j, x) in r.iter().enumerate() {
            out.push(as_num(x, &format!("{p}[{j}]"))?);
        }
    }
    Ok((n, out))
}

fn obj<'a>(v: &'a Value, path: &str) -> Result<&'a Map<String, Value>, FormatError> {
    v.as_object().ok_or_else(|| err(path, "expected an object"))
}

pub fn parse(text: &str) -> Result<Problem, FormatError> {
    let root: Value =
        serde_json::from_str(text).map_err(|e| FormatError::new(e.line(), "json", format!("not valid JSON: {e}")))?;
    let root = obj(&root, "input")?;
    for unsupported in ["shipments"] {
        if root.get(unsupported).and_then(Value::as_array).is_some_and(|a| !a.is_empty()) {
            return Err(err(unsupported, "not supported yet"));
        }
    }
    let jobs_v = root.get("jobs").and_then(Value::as_array).ok_or_else(|| err("jobs", "expected an array"))?;
    let veh_v = root.get("vehicles").and_then(Value::as_array).ok_or_else(|| err("vehicles", "expected an array"))?;
    if veh_v.is_empty() {
        return Err(err("vehicles", "at least one vehicle is needed"));
    }
    let profile = veh_v.first().and_then(|v| v.get("profile")).and_then(Value::as_str).unwrap_or("car").to_string();
    let (n, durations, distances) = if let Some(ms) = root.get("matrices") {
        let m = obj(ms, "matrices")?;
        let key = if m.contains_key(&profile) { profile.clone() } else { m.keys().next().cloned().unwrap_or_default() };
        let p = format!("matrices.{key}");
        let m = obj(m.get(&key).ok_or_else(|| err("matrices", "no matrix"))?, &p)?;
        let (n, dur) =
            square(m.get("durations").ok_or_else(|| err(&p, "durations missing"))?, &format!("{p}.durations"))?;
        let dist = match m.get("distances") {
            Some(d) => {
                let (n2, d) = square(d, &format!("{p}.distances"))?;
                if n2 != n {
                    return Err(err(&format!("{p}.distances"), "not the size of durations"));
                }
                Some(d)
            }
            None => None,
        };
        (n, dur, dist)
    } else if let Some(m) = root.get("matrix") {
        let (n, dur) = square(m, "matrix")?;
        (n, dur, None)
    } else {
        return Err(err("matrices", "a travel matrix is required (coordinates need a routing server)"));
    };
    let loc = |v: Option<&Value>, path: &str| -> Result<Option<usize>, FormatError> {
        match v {
            None | Some(Value::Null) => Ok(None),
            Some(x) => {
                let i = as_index(x, path)?;
                if i >= n {
                    return Err(err(path, format!("index {i} outside the {n}×{n} matrix")));
                }
                Ok(Some(i))
            }
        }
    };
    let mut dims = 0usize;
    let mut jobs = Vec::with_capacity(jobs_v.len());
    let mut ids = std::collections::BTreeSet::new();
    for (i, j) in jobs_v.iter().enumerate() {
        let p = format!("jobs[{i}]");
        let o = obj(j, &p)?;
        let id = o.get("id").and_then(Value::as_u64).ok_or_else(|| err(&format!("{p}.id"), "expected an integer"))?;
        if !ids.insert(id) {
            return Err(err(&format!("{p}.id"), format!("duplicate job id {id}")));
        }
        let location = loc(o.get("location_index"), &format!("{p}.location_index"))?
            .ok_or_else(|| err(&format!("{p}.location_index"), "required"))?;
        let service = match o.get("service") {
            Some(s) => as_num(s, &format!("{p}.service"))?,
            None => 0.0,
        };
        if !int_list(o.get("pickup"), &format!("{p}.pickup"))?.iter().all(|&x| x == 0) {
            return Err(err(&format!("{p}.pickup"), "pickups are not supported yet"));
        }
        let demand = if o.contains_key("delivery") {
            int_list(o.get("delivery"), &format!("{p}.delivery"))?
        } else {
            int_list(o.get("amount"), &format!("{p}.amount"))?
        };
        dims = dims.max(demand.len());
        let skills = int_list(o.get("skills"), &format!("{p}.skills"))?.into_iter().map(|s| s as u32).collect();
        let windows = windows(o.get("time_windows"), &format!("{p}.time_windows"))?.unwrap_or(vec![Window::ALWAYS]);
        let priority = match o.get("priority") {
            None => 0,
            Some(x) => match x.as_u64() {
                Some(n) if n <= 100 => n as u32,
                _ => return Err(err(&format!("{p}.priority"), format!("expected an integer from 0 to 100, got {x}"))),
            },
        };
        if o.get("setup").and_then(Value::as_f64).is_some_and(|x| x != 0.0) {
            return Err(err(&format!("{p}.setup"), "setup times are not supported yet"));
        }
        jobs.push(Job { id, location, service, windows, demand, skills, priority });
    }
    let mut vehicles = Vec::with_capacity(veh_v.len());
    for (i, v) in veh_v.iter().enumerate() {
        let p = format!("vehicles[{i}]");
        let o = obj(v, &p)?;
        let id = o.get("id").and_then(Value::as_u64).ok_or_else(|| err(&format!("{p}.id"), "expected an integer"))?;
        let break_ = match o.get("breaks") {
            None | Some(Value::Null) => None,
            Some(b) => {
                let bp = format!("{p}.breaks");
                let list = b.as_array().ok_or_else(|| err(&bp, "expected an array"))?;
                if list.len() > 1 {
                    return Err(err(&bp, "at most one break per vehicle is supported"));
                }
                match list.first() {
                    None => None,
                    Some(b) => {
                        let bp = format!("{bp}[0]");
                        let bo = obj(b, &bp)?;
                        if bo.contains_key("max_load") {
                            return Err(err(&format!("{bp}.max_load"), "a break's max_load is not supported yet"));
                        }
                        let id = match bo.get("id") {
                            None => 0,
                            Some(x) => x.as_u64().ok_or_else(|| err(&format!("{bp}.id"), "expected an integer"))?,
                        };
                        let windows = windows(bo.get("time_windows"), &format!("{bp}.time_windows"))?
                            .unwrap_or(vec![Window { start: 0.0, end: f64::INFINITY }]);
                        Some(Break { id, windows, service: number_field(bo, "service", &bp, 0.0)? })
                    }
                }
            }
        };
        let costs = match o.get("costs") {
            None => Costs::default(),
            Some(c) => {
                let cp = format!("{p}.costs");
                let co = obj(c, &cp)?;
                let d = Costs::default();
                Costs {
                    fixed: number_field(co, "fixed", &cp, d.fixed)?,
                    per_hour: number_field(co, "per_hour", &cp, d.per_hour)?,
                    per_km: number_field(co, "per_km", &cp, d.per_km)?,
                }
            }
        };
        let start = loc(o.get("start_index"), &format!("{p}.start_index"))?;
        let end = loc(o.get("end_index"), &format!("{p}.end_index"))?;
        let capacity = int_list(o.get("capacity"), &format!("{p}.capacity"))?;
        dims = dims.max(capacity.len());
        let skills = int_list(o.get("skills"), &format!("{p}.skills"))?.into_iter().map(|s| s as u32).collect();
        let shift = match o.get("time_window") {
            Some(w) => window(w, &format!("{p}.time_window"))?,
            None => Window { start: 0.0, end: f64::INFINITY },
        };
        let max_jobs = match o.get("max_tasks") {
            Some(m) => as_index(m, &format!("{p}.max_tasks"))?,
            None => usize::MAX,
        };
        vehicles.push(Vehicle {
            id,
            start: start.unwrap_or(n),
            end: end.unwrap_or(n),
            shift,
            capacity,
            skills,
            max_jobs,
            break_,
            costs,
        });
    }
    // Pad amounts to a common number of dimensions; a vehicle without capacity is unlimited.
    for j in &mut jobs {
        j.demand.resize(dims, 0);
    }
    for v in &mut vehicles {
        if v.capacity.is_empty() {
            v.capacity = vec![i64::MAX / 4; dims];
        } else if v.capacity.len() != dims {
            return Err(err("vehicles", "capacity and job amounts have different lengths"));
        }
    }
    let name = root.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
    Ok(Problem { name, matrix: Matrix::new(n, durations, distances), jobs, vehicles, dimensions: dims })
}

fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 9e15 { json!(x as i64) } else { json!(x) }
}

/// The cost VROOM reports for a route: the vehicle's fixed cost plus its hourly and per-km
/// rates on the travel, rounded to an integer as VROOM does.
fn route_cost(v: &Vehicle, travel: f64, distance: f64) -> f64 {
    (v.costs.fixed + v.costs.per_hour * travel / 3600.0 + v.costs.per_km * distance / 1000.0).round()
}

/// VROOM's output JSON, with VROOM's cost (the vehicles' `costs`: travel time by default).
pub fn write_solution(p: &Problem, s: &Solution) -> String {
    let m = &p.matrix;
    let mut routes = Vec::new();
    let (mut t_dist, mut t_dur, mut t_serv, mut t_wait, mut t_cost, mut t_prio) = (0.0, 0.0, 0.0, 0.0, 0.0, 0u64);
    for r in &s.routes {
        let v = &p.vehicles[r.vehicle];
        let load0: Vec<i64> = (0..p.dimensions).map(|d| r.jobs.iter().map(|&j| p.jobs[j].demand[d]).sum()).collect();
        let mut load = load0.clone();
        let mut steps = Vec::new();
        let (mut free, mut at, mut dist, mut travel, mut wait_sum, mut serv_sum, mut prio) =
            (v.shift.start.max(0.0), v.start, 0.0, 0.0, 0.0, 0.0, 0u64);
        let mut start_step =
            json!({"type": "start", "arrival": number(free), "duration": 0, "load": load.clone(), "distance": 0});
        if v.start != m.nowhere() {
            start_step["location_index"] = json!(v.start);
        }
        steps.push(start_step);
        // Arrival at the next located step after gap `gap`, with the break step if it is there.
        let arrive =
            |gap: usize, free: f64, leg: f64, travel: f64, dist: f64, load: &[i64], steps: &mut Vec<Value>| match (
                &v.break_, r.break_at,
            ) {
                (Some(b), Some(g)) if g == gap => {
                    let begin = earliest_in(&b.windows, free).unwrap_or(free);
                    steps.push(json!({
                        "type": "break", "id": b.id, "arrival": number(begin), "service": number(b.service),
                        "waiting_time": 0, "duration": number(travel), "load": load, "distance": number(dist),
                    }));
                    (free + leg + b.service).max(begin + b.service)
                }
                _ => free + leg,
            };
        for (gap, &j) in r.jobs.iter().enumerate() {
            let job = &p.jobs[j];
            let leg = m.duration(at, job.location);
            let arrival = arrive(gap, free, leg, travel, dist, &load, &mut steps);
            travel += leg;
            dist += m.distance(at, job.location);
            let begin = earliest_in(&job.windows, arrival).unwrap_or(arrival);
            let wait = begin - arrival;
            wait_sum += wait;
            serv_sum += job.service;
            prio += u64::from(job.priority);
            for (l, d) in load.iter_mut().zip(&job.demand) {
                *l -= d;
            }
            steps.push(json!({
                "type": "job", "id": job.id, "job": job.id, "location_index": job.location,
                "arrival": number(arrival), "service": number(job.service), "waiting_time": number(wait),
                "duration": number(travel), "load": load.clone(), "distance": number(dist),
            }));
            free = begin + job.service;
            at = job.location;
        }
        let leg = m.duration(at, v.end);
        let arrival = arrive(r.jobs.len(), free, leg, travel, dist, &load, &mut steps);
        travel += leg;
        dist += m.distance(at, v.end);
        let mut end_step = json!({"type": "end", "arrival": number(arrival), "duration": number(travel), "load": load, "distance": number(dist)});
        if v.end != m.nowhere() {
            end_step["location_index"] = json!(v.end);
        }
        steps.push(end_step);
        let cost = route_cost(v, travel, dist);
        let brk = v.break_.as_ref().map_or(0.0, |b| b.service);
        t_dist += dist;
        t_dur += travel;
        t_serv += serv_sum;
        t_wait += wait_sum;
        t_cost += cost;
        t_prio += prio;
        routes.push(json!({
            "vehicle": v.id, "cost": number(cost), "delivery": load0.clone(), "amount": load0,
            "pickup": vec![0; p.dimensions], "service": number(serv_sum + brk), "duration": number(travel),
            "waiting_time": number(wait_sum), "priority": prio, "distance": number(dist), "steps": steps,
        }));
    }
    let unassigned: Vec<Value> = s
        .unassigned
        .iter()
        .map(|&j| json!({"id": p.jobs[j].id, "type": "job", "location_index": p.jobs[j].location}))
        .collect();
    let out = json!({
        "code": 0,
        "summary": {
            "cost": number(t_cost), "routes": s.routes.len(), "unassigned": unassigned.len(),
            "service": number(t_serv), "duration": number(t_dur), "waiting_time": number(t_wait),
            "priority": t_prio, "distance": number(t_dist),
        },
        "unassigned": unassigned,
        "routes": routes,
    });
    serde_json::to_string_pretty(&out).unwrap_or_default() + "\n"
}

#!/usr/bin/env python3
"""Independent checker of a VROOM-format solution against its VROOM JSON problem.

    python3 bench/fieldday/check.py PROBLEM.json SOLUTION.json [--max-violations N]

Prints a JSON summary (assigned, unassigned, priority sum left unassigned, travel duration and
distance recomputed from the problem's matrix, routes, violations) and exits 0 when the
solution is feasible, 1 when it breaks a rule (each violation listed), 2 when a file cannot be
read or uses something this checker does not support.

Only these fields of the solution are used: `code`; `routes[].vehicle`;
`routes[].steps[].type` (start, job, break, end), `.id` (or the legacy `.job`), `.arrival`,
`.waiting_time` (0 if absent), and, when present, `.service` and `.location_index`, which must
agree with the problem; `unassigned[].id`. Everything else (costs, durations, loads, summary)
is recomputed here from the problem. Standard library only.

Rules (times in the problem's unit, seconds):
- a step's service starts at `arrival + waiting_time` and lasts the job's `service` (a break:
  its `service`); a job's service must start inside one of its `time_windows` (none: any time);
- between two consecutive located steps A and B (start, jobs, end), the time from the end of
  A's service to the start of B's service must hold the travel A→B from the matrix plus every
  break placed between them; B's arrival must be at least A's end plus the travel; each such
  break must start no earlier than A's service ends and end no later than B's service starts,
  and the breaks must not overlap. So a break may be taken before driving, after driving
  while waiting at B, or in the middle of the drive: all are accepted;
- every break of a vehicle that serves at least one job appears exactly once on its route,
  starting inside one of its `time_windows`; a route without jobs may omit its breaks;
- the route starts (start step, or first step) no earlier than the vehicle's `time_window`
  start, and every service, break and the arrival at the end ends by its end;
- deliveries of a route's jobs fit the vehicle's `capacity` (all loaded at the start), the
  number of jobs is at most `max_tasks`, every job's `skills` are among the vehicle's;
- every job is served at most once; a job is unassigned iff it is on no route, and the
  solution's `unassigned` list must say exactly that.
"""

import argparse
import json
import math
import sys

EPS = 1e-3  # seconds: solvers that write fractional times are allowed rounding noise


class Unsupported(Exception):
    pass


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise Unsupported(f"{path}: cannot read JSON: {e}") from e


def windows(raw, where):
    out = []
    for k, w in enumerate(raw or []):
        if not (isinstance(w, list) and len(w) == 2 and all(isinstance(x, (int, float)) for x in w)):
            raise Unsupported(f"{where}.time_windows[{k}]: expected [start, end]")
        out.append((float(w[0]), float(w[1])))
    return out


def read_problem(p):
    if not isinstance(p, dict):
        raise Unsupported("problem: expected an object")
    if p.get("shipments"):
        raise Unsupported("problem: shipments are not supported by this checker")
    vehicles = p.get("vehicles") or []
    profile = (vehicles[0].get("profile") if vehicles else None) or "car"
    if "matrices" in p:
        mats = p["matrices"]
        m = mats.get(profile) or next(iter(mats.values()))
        dur, dist = m.get("durations"), m.get("distances")
    elif "matrix" in p:
        dur, dist = p["matrix"], None
    else:
        raise Unsupported("problem: no travel matrix (`matrices` or `matrix`)")
    if dur is None:
        raise Unsupported("problem: matrix without durations")
    if dist is None:
        dist = dur
    jobs = {}
    for i, j in enumerate(p.get("jobs") or []):
        where = f"jobs[{i}]"
        if j.get("setup"):
            raise Unsupported(f"{where}.setup: setup times are not supported by this checker")
        if any(j.get("pickup") or []):
            raise Unsupported(f"{where}.pickup: pickups are not supported by this checker")
        if "location_index" not in j:
            raise Unsupported(f"{where}: location_index is required")
        if j["id"] in jobs:
            raise Unsupported(f"{where}.id: duplicate job id {j['id']}")
        jobs[j["id"]] = {
            "loc": j["location_index"],
            "service": float(j.get("service", 0)),
            "delivery": list(j.get("delivery", j.get("amount", [])) or []),
            "skills": set(j.get("skills") or []),
            "windows": windows(j.get("time_windows"), where),
            "priority": j.get("priority", 0),
        }
    vs = {}
    for i, v in enumerate(vehicles):
        where = f"vehicles[{i}]"
        tw = v.get("time_window") or [0, math.inf]
        brk = {}
        for k, b in enumerate(v.get("breaks") or []):
            if b.get("max_load") is not None:
                raise Unsupported(f"{where}.breaks[{k}].max_load is not supported by this checker")
            brk[b["id"]] = {
                "service": float(b.get("service", 0)),
                "windows": windows(b.get("time_windows"), f"{where}.breaks[{k}]"),
            }
        vs[v["id"]] = {
            "start": v.get("start_index"),
            "end": v.get("end_index"),
            "tw": (float(tw[0]), float(tw[1])),
            "capacity": v.get("capacity"),
            "skills": set(v.get("skills") or []),
            "max_tasks": v.get("max_tasks", math.inf),
            "breaks": brk,
        }
    return dur, dist, jobs, vs


def in_windows(t, ws):
    return not ws or any(a - EPS <= t <= b + EPS for a, b in ws)


def fmt_windows(ws):
    return "[" + ", ".join(f"[{a:g}, {b:g}]" for a, b in ws) + "]"


def check(problem, solution):
    """Returns the summary dict; `violations` is empty iff the solution is feasible."""
    dur, dist, jobs, vehicles = read_problem(problem)
    bad = []
    if not isinstance(solution, dict):
        raise Unsupported("solution: expected an object")
    if solution.get("code", 0) != 0:
        bad.append(f"solution: code {solution.get('code')} ({solution.get('error', 'no error text')})")
    served = {}
    used = set()
    travel_s = travel_m = 0.0
    routes = 0
    for r_i, route in enumerate(solution.get("routes") or []):
        where = f"routes[{r_i}]"
        vid = route.get("vehicle")
        v = vehicles.get(vid)
        if v is None:
            bad.append(f"{where}: unknown vehicle {vid!r}")
            continue
        where = f"{where} (vehicle {vid})"
        if vid in used:
            bad.append(f"{where}: the vehicle has a second route")
        used.add(vid)
        steps = route.get("steps") or []
        # Located events: (label, location, arrival, begin, end); breaks between them.
        events, pending, gaps = [], [], []
        seen_breaks = {}
        n_jobs = 0
        load = None
        for s_i, s in enumerate(steps):
            kind = s.get("type")
            label = f"{where}.steps[{s_i}]"
            if "arrival" not in s or not isinstance(s["arrival"], (int, float)):
                bad.append(f"{label}: no arrival time")
                continue
            arrival = float(s["arrival"])
            wait = float(s.get("waiting_time", 0) or 0)
            if wait < -EPS:
                bad.append(f"{label}: negative waiting_time {wait:g}")
            begin = arrival + wait
            if kind == "start":
                if s_i != 0:
                    bad.append(f"{label}: start step not first")
                loc = v["start"]
                if loc is None:
                    bad.append(f"{label}: start step but the vehicle has no start")
                    continue
                events.append(("start", loc, arrival, begin, begin))
                gaps.append(pending)
                pending = []
            elif kind == "end":
                if s_i != len(steps) - 1:
                    bad.append(f"{label}: end step not last")
                loc = v["end"]
                if loc is None:
                    bad.append(f"{label}: end step but the vehicle has no end")
                    continue
                events.append(("end", loc, arrival, begin, begin))
                gaps.append(pending)
                pending = []
            elif kind == "job":
                jid = s.get("id", s.get("job"))
                job = jobs.get(jid)
                label = f"{label} (job {jid})"
                if job is None:
                    bad.append(f"{label}: unknown job")
                    continue
                if jid in served:
                    bad.append(f"{label}: job already served on {served[jid]}")
                served[jid] = f"vehicle {vid}"
                n_jobs += 1
                if "location_index" in s and s["location_index"] != job["loc"]:
                    bad.append(f"{label}: location_index {s['location_index']} but the job is at {job['loc']}")
                if "service" in s and abs(float(s["service"]) - job["service"]) > EPS:
                    bad.append(f"{label}: service {s['service']} but the job's service is {job['service']:g}")
                if not in_windows(begin, job["windows"]):
                    bad.append(f"{label}: service starts at {begin:g}, outside {fmt_windows(job['windows'])}")
                missing = job["skills"] - v["skills"]
                if missing:
                    bad.append(f"{label}: vehicle lacks skills {sorted(missing)}")
                d = job["delivery"]
                load = d[:] if load is None else [a + b for a, b in zip_pad(load, d)]
                events.append((f"job {jid}", job["loc"], arrival, begin, begin + job["service"]))
                gaps.append(pending)
                pending = []
            elif kind == "break":
                bid = s.get("id")
                b = v["breaks"].get(bid)
                label = f"{label} (break {bid})"
                if b is None:
                    bad.append(f"{label}: not a break of this vehicle")
                    continue
                if bid in seen_breaks:
                    bad.append(f"{label}: break taken twice")
                seen_breaks[bid] = True
                if "service" in s and abs(float(s["service"]) - b["service"]) > EPS:
                    bad.append(f"{label}: lasts {s['service']} but the break's service is {b['service']:g}")
                if not in_windows(begin, b["windows"]):
                    bad.append(f"{label}: starts at {begin:g}, outside {fmt_windows(b['windows'])}")
                pending.append((label, begin, begin + b["service"]))
            else:
                raise Unsupported(f"{label}: step type {kind!r} is not supported by this checker")
        if pending:
            if v["end"] is None:
                gaps.append(pending)  # breaks after the last service of an open route
            else:
                bad.append(f"{where}: break after the end step")
        if n_jobs:
            routes += 1
            for bid in v["breaks"]:
                if bid not in seen_breaks:
                    bad.append(f"{where}: break {bid} missing (the vehicle is used)")
        if n_jobs > v["max_tasks"]:
            bad.append(f"{where}: {n_jobs} jobs, max_tasks {v['max_tasks']}")
        if load is not None and v["capacity"] is not None:
            if any(a > c + EPS for a, c in zip_pad(load, v["capacity"])):
                bad.append(f"{where}: deliveries {load} exceed capacity {v['capacity']}")
        # Timeline.
        tw0, tw1 = v["tw"]
        if v["start"] is not None and (not events or events[0][0] != "start"):
            bad.append(f"{where}: no start step")
        if v["end"] is not None and (not events or events[-1][0] != "end"):
            bad.append(f"{where}: no end step")
        if events and events[0][2] < tw0 - EPS:
            bad.append(f"{where}: starts at {events[0][2]:g}, before the vehicle's time window {tw0:g}")
        for k, (label, loc, arrival, begin, end) in enumerate(events):
            if end > tw1 + EPS:
                bad.append(f"{where}: {label} ends at {end:g}, after the vehicle's time window {tw1:g}")
            brks = gaps[k]
            if k == 0:
                if brks:
                    bad.append(f"{where}: break before the first step")
                continue
            prev = events[k - 1]
            t_s = dur[prev[1]][loc]
            travel_s += t_s
            travel_m += dist[prev[1]][loc]
            t = prev[4]  # end of the previous service
            if arrival < t + t_s - EPS:
                bad.append(
                    f"{where}: arrives at {label} at {arrival:g}, but {prev[0]} ends at {t:g} and the drive takes {t_s:g}"
                )
            for b_label, b_start, b_end in brks:
                if b_start < t - EPS:
                    bad.append(f"{b_label}: starts at {b_start:g}, before the previous step or break ends ({t:g})")
                t = max(t, b_end)
            if begin < prev[4] + t_s + sum(b[2] - b[1] for b in brks) - EPS:
                bad.append(
                    f"{where}: {label} starts at {begin:g}: from {prev[0]} ending at {prev[4]:g} that leaves "
                    f"{begin - prev[4]:g} for {t_s:g} of travel and {sum(b[2] - b[1] for b in brks):g} of break"
                )
            elif brks and t > begin + EPS:
                bad.append(f"{brks[-1][0]}: ends at {t:g}, after {label} starts ({begin:g})")
        if len(gaps) > len(events):  # open route: breaks after the last service
            t = events[-1][4] if events else -math.inf
            for b_label, b_start, b_end in gaps[-1]:
                if b_start < t - EPS:
                    bad.append(f"{b_label}: starts at {b_start:g}, before the previous step or break ends ({t:g})")
                if b_end > tw1 + EPS:
                    bad.append(f"{b_label}: ends at {b_end:g}, after the vehicle's time window {tw1:g}")
                t = max(t, b_end)
    listed = [u.get("id") for u in solution.get("unassigned") or []]
    unassigned = [j for j in jobs if j not in served]
    if sorted(map(str, listed)) != sorted(map(str, unassigned)):
        extra = sorted(set(map(str, listed)) - set(map(str, unassigned)))
        missing = sorted(set(map(str, unassigned)) - set(map(str, listed)))
        if extra:
            bad.append(f"unassigned: lists served or unknown jobs {extra[:10]}")
        if missing:
            bad.append(f"unassigned: jobs on no route are not listed {missing[:10]}")
        if len(listed) != len(set(map(str, listed))):
            bad.append("unassigned: a job is listed twice")
    return {
        "feasible": not bad,
        "jobs": len(jobs),
        "assigned": len(served),
        "unassigned": len(unassigned),
        "unassigned_priority_sum": sum(jobs[j]["priority"] for j in unassigned),
        "assigned_priority_sum": sum(jobs[j]["priority"] for j in served),
        "travel_s": round(travel_s, 3),
        "travel_m": round(travel_m, 3),
        "routes": routes,
        "violations": bad,
    }


def zip_pad(a, b):
    n = max(len(a), len(b))
    return zip(list(a) + [0] * (n - len(a)), list(b) + [0] * (n - len(b)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("problem")
    ap.add_argument("solution")
    ap.add_argument("--max-violations", type=int, default=50, help="violations printed at most")
    a = ap.parse_args()
    try:
        summary = check(load_json(a.problem), load_json(a.solution))
    except (Unsupported, KeyError, TypeError, IndexError, ValueError) as e:
        print(json.dumps({"feasible": False, "error": f"{type(e).__name__}: {e}"}))
        return 2
    n = len(summary["violations"])
    summary["violation_count"] = n
    summary["violations"] = summary["violations"][: a.max_violations]
    print(json.dumps(summary, indent=1))
    return 0 if n == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

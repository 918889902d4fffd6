#!/usr/bin/env python3
"""Generate a realistic one-day field-service problem in VROOM's JSON input format.

    python3 bench/fieldday/generate.py --jobs 300 --seed 3 -o day.json [--no-breaks]

The day (times are seconds since midnight, travel from an explicit matrix):

- a metro area of 40 x 40 km: customers cluster around the centre and a few suburbs; the
  matrix is the straight-line distance x a detour factor (1.3), driven at urban speeds
  (22 km/h for the first 3 km of a trip, 45 km/h beyond) plus 2 minutes to park;
  integers in seconds and metres. Coordinates are written as `location` [lon, lat] for
  information only (every solver must use the matrix via `location_index`);
- technicians (vehicles) with 1-3 trades at levels 1-3; a trade at level L is encoded as the
  skills "trade>=1" .. "trade>=L" (ids: 100 x trade number + level, see `meta.skills`), so a
  job needing level 2 of a trade requires the single skill "trade>=2";
- three shift patterns 07:00-15:00, 08:00-16:30, 10:00-18:30, each with a mandatory 30-minute
  lunch break (VROOM `breaks`, start window 11:00-12:30, 11:30-13:00 and 13:00-14:30);
- start at home (half of them) or at one of three depots, back to the same place;
- `max_tasks` 5-10, van `capacity` against job `delivery` (parts volume);
- jobs of 20-120 minutes; 2-hour appointment slots (some customers offer two), half-day
  windows and open jobs; priorities in VROOM's 0-100 field: emergency 100, VIP 60,
  standard 0-20;
- the fleet is sized from the work (service + an estimate of travel) so that a few percent of
  the jobs cannot all be served.

Standard library only; the same arguments always give the same file.
"""

import argparse
import json
import math
import random
import sys

TRADES = ["hvac", "electrical", "plumbing", "appliance", "it-network"]
TRADE_SHARE = [0.30, 0.25, 0.20, 0.15, 0.10]  # of jobs (and of technicians' first trade)
CENTRE = (50.0, 10.0)  # (lat, lon) of the fictional metro area's centre
SIZE_KM = 40.0
DETOUR = 1.3
SLOW_KM, SLOW_KMH, FAST_KMH, PARK_S = 3.0, 22.0, 45.0, 120
H = 3600

# (start, end, break start window, weight)
SHIFTS = [
    (7 * H, 15 * H, (11 * H, 12 * H + 1800), 0.3),
    (8 * H, 16 * H + 1800, (11 * H + 1800, 13 * H), 0.5),
    (10 * H, 18 * H + 1800, (13 * H, 14 * H + 1800), 0.2),
]
BREAK_S = 1800
SLOTS = [(8 * H, 10 * H), (10 * H, 12 * H), (12 * H, 14 * H), (14 * H, 16 * H), (16 * H, 18 * H)]
SLOT_WEIGHTS = [25, 25, 20, 18, 12]
HALF_DAYS = [(8 * H, 12 * H), (12 * H, 17 * H)]
DURATIONS_MIN = [20, 30, 45, 60, 75, 90, 120]
DURATION_WEIGHTS = [8, 18, 20, 22, 12, 12, 8]
# The fleet is sized to the estimated work (service + travel, see estimated_hours) times
# (1 - FLEET_SHORTFALL). The estimate is tight, and skills, late appointment slots, max_tasks
# and van capacity then leave about 2-8 % of the jobs out of a good plan (VROOM, exploration 5:
# 2-8 % on 100-job days, 2-5 % on 300, 5 % on 1 000).
FLEET_SHORTFALL = 0.0


def skill_id(trade, level):
    return 100 * (TRADES.index(trade) + 1) + level


def point(rng, suburbs):
    """A customer or home in km from the south-west corner: centre-heavy, with suburbs."""
    while True:
        r = rng.random()
        if r < 0.45:
            x, y = rng.gauss(20, 6), rng.gauss(20, 6)
        elif r < 0.75:
            cx, cy = rng.choice(suburbs)
            x, y = rng.gauss(cx, 2.5), rng.gauss(cy, 2.5)
        else:
            x, y = rng.uniform(0, SIZE_KM), rng.uniform(0, SIZE_KM)
        if 0.5 <= x <= SIZE_KM - 0.5 and 0.5 <= y <= SIZE_KM - 0.5:
            return round(x, 3), round(y, 3)


def lonlat(p):
    lat = CENTRE[0] + (p[1] - SIZE_KM / 2) / 111.2
    lon = CENTRE[1] + (p[0] - SIZE_KM / 2) / (111.2 * math.cos(math.radians(CENTRE[0])))
    return [round(lon, 6), round(lat, 6)]


def travel(a, b):
    """(seconds, metres) by road between two points given in km."""
    if a == b:
        return 0, 0
    km = math.hypot(a[0] - b[0], a[1] - b[1]) * DETOUR
    slow = min(km, SLOW_KM)
    hours = slow / SLOW_KMH + (km - slow) / FAST_KMH
    return int(round(hours * H)) + PARK_S, int(round(km * 1000))


def weighted(rng, items, weights):
    return rng.choices(items, weights=weights, k=1)[0]


def make_jobs(rng, n, suburbs):
    jobs = []
    for i in range(n):
        pos = point(rng, suburbs)
        minutes = weighted(rng, DURATIONS_MIN, DURATION_WEIGHTS)
        trade = weighted(rng, TRADES, TRADE_SHARE)
        level = weighted(rng, [1, 2, 3], [60, 30, 10])
        r = rng.random()
        if r < 0.03:
            kind, priority = "emergency", 100
        elif r < 0.13:
            kind, priority = "vip", 60
        else:
            kind, priority = "standard", rng.randint(0, 20)
        service = minutes * 60
        # Windows bound the start of service; a slot is only offered if the job fits before
        # 18:00 when started at the slot's opening.
        slots = [s for s in SLOTS if s[0] + service <= 18 * H]
        w = rng.random()
        if kind == "emergency":
            windows = [] if w < 0.5 else [list(HALF_DAYS[0 if w < 0.8 else 1])]
        elif w < 0.35:
            # Evening slots are offered less (only the late shift covers them fully).
            windows = [list(weighted(rng, slots, SLOT_WEIGHTS[: len(slots)]))]
        elif w < 0.45:
            a, b = sorted(rng.sample(range(len(slots)), 2))
            windows = [list(slots[a]), list(slots[b])]
            if slots[a][1] == slots[b][0]:  # adjacent slots: one 4-hour window
                windows = [[slots[a][0], slots[b][1]]]
        elif w < 0.70:
            windows = [list(rng.choice(HALF_DAYS))]
        else:
            windows = []
        r = rng.random()
        volume = rng.randint(0, 5) if r < 0.5 else rng.randint(6, 20) if r < 0.85 else rng.randint(21, 50)
        jobs.append(
            {
                "pos": pos,
                "kind": kind,
                "trade": trade,
                "level": level,
                "service": service,
                "priority": priority,
                "windows": windows,
                "volume": volume,
            }
        )
    return jobs


def make_technician(rng, home, depots, first_trade):
    shift = weighted(rng, SHIFTS, [s[3] for s in SHIFTS])
    k = weighted(rng, [1, 2, 3], [45, 40, 15])
    trades = [first_trade]
    while len(trades) < k:
        t = rng.choice(TRADES)
        if t not in trades:
            trades.append(t)
    levels = {t: weighted(rng, [1, 2, 3], [35, 40, 25]) for t in trades}
    base = home if rng.random() < 0.5 else rng.choice(depots)
    return {
        "base": base,
        "shift": shift,
        "levels": levels,
        "max_tasks": weighted(rng, [5, 6, 7, 8, 10], [10, 25, 30, 25, 10]),
        "capacity": weighted(rng, [60, 80, 100, 120], [20, 30, 30, 20]),
    }


def qualified(tech, job):
    return tech["levels"].get(job["trade"], 0) >= job["level"]


def on_time(tech, job):
    """The technician's shift can serve the job alone inside one of its windows (drive out,
    serve, drive back; the break ignored)."""
    start, end = tech["shift"][0], tech["shift"][1]
    there, back = travel(tech["base"], job["pos"])[0], travel(job["pos"], tech["base"])[0]
    for a, b in job["windows"] or [(0, 24 * H)]:
        begin = max(a, start + there)
        if begin <= b and begin + job["service"] + back <= end:
            return True
    return False


def estimated_hours(jobs, n):
    """Service plus an estimate of the travel a good plan needs, for fleet sizing: the mean
    leg shrinks with density (n jobs in the area), but only technicians of the right trade
    share a trade's jobs, so legs stay long-ish."""
    leg_h = (9.0 + 160.0 / math.sqrt(n)) / 60
    return sum(j["service"] / H + leg_h for j in jobs)


def build(n_jobs, seed, breaks=True):
    rng = random.Random(seed)
    suburbs = [(rng.uniform(5, 35), rng.uniform(5, 35)) for _ in range(4)]
    depots = [(rng.uniform(12, 28), rng.uniform(12, 28)) for _ in range(3)]
    jobs = make_jobs(rng, n_jobs, suburbs)
    # Staff to demand: each new technician's first trade is the one whose estimated work is
    # least covered so far (a technician's hours count equally for each of its trades).
    need = {tr: estimated_hours([j for j in jobs if j["trade"] == tr], n_jobs) * (1 - FLEET_SHORTFALL) for tr in TRADES}
    have = {tr: 0.0 for tr in TRADES}
    techs = []
    while sum(have.values()) < sum(need.values()):
        short = [max(need[tr] - have[tr], 0.0) for tr in TRADES]
        t = make_technician(rng, point(rng, suburbs), depots, weighted(rng, TRADES, short))
        # Net of the break and of the drive out and back.
        hours = (t["shift"][1] - t["shift"][0] - BREAK_S) / H - 0.5
        for tr in t["levels"]:
            have[tr] += hours / len(t["levels"])
        techs.append(t)
    # Every job has at least one qualified technician on shift at a time its windows allow:
    # otherwise raise the level of (or add the trade to) a technician whose shift fits, one who
    # already has the trade if possible. So no job is impossible by construction; the ones left
    # out are left out for lack of capacity.
    for j in jobs:
        if not any(qualified(t, j) and on_time(t, j) for t in techs):
            fits = [t for t in techs if on_time(t, j)] or techs
            cands = [t for t in fits if j["trade"] in t["levels"]] or [t for t in fits if len(t["levels"]) < 3] or fits
            t = rng.choice(cands)
            t["levels"][j["trade"]] = max(t["levels"].get(j["trade"], 0), j["level"])
    places = [d for d in depots]
    for t in techs:
        if t["base"] not in places:
            places.append(t["base"])
    place_index = {p: i for i, p in enumerate(places)}
    n_places = len(places)
    points = places + [j["pos"] for j in jobs]
    durations, distances = [], []
    for a in points:
        row = [travel(a, b) for b in points]
        durations.append([d for d, _ in row])
        distances.append([m for _, m in row])
    out_jobs = []
    for i, j in enumerate(jobs):
        job = {
            "id": i + 1,
            "description": f"{j['kind']} {j['trade']} L{j['level']}",
            "location": lonlat(j["pos"]),
            "location_index": n_places + i,
            "service": j["service"],
            "delivery": [j["volume"]],
            "skills": [skill_id(j["trade"], j["level"])],
            "priority": j["priority"],
        }
        if j["windows"]:
            job["time_windows"] = j["windows"]
        out_jobs.append(job)
    vehicles = []
    for k, t in enumerate(techs):
        start, end, bw, _ = t["shift"]
        skills = sorted(skill_id(tr, lv) for tr, top in t["levels"].items() for lv in range(1, top + 1))
        v = {
            "id": k + 1,
            "description": "T{:03d} {}".format(k + 1, " ".join(f"{tr}:{lv}" for tr, lv in sorted(t["levels"].items()))),
            "profile": "car",
            "start": lonlat(t["base"]),
            "start_index": place_index[t["base"]],
            "end": lonlat(t["base"]),
            "end_index": place_index[t["base"]],
            "time_window": [start, end],
            "capacity": [t["capacity"]],
            "skills": skills,
            "max_tasks": t["max_tasks"],
        }
        if breaks:
            v["breaks"] = [{"id": k + 1, "description": "lunch", "time_windows": [list(bw)], "service": BREAK_S}]
        vehicles.append(v)
    work_h = sum(j["service"] for j in jobs) / H
    shift_h = sum((t["shift"][1] - t["shift"][0] - BREAK_S) / H for t in techs)
    return {
        "meta": {
            "generator": "bench/fieldday/generate.py",
            "jobs": n_jobs,
            "seed": seed,
            "breaks": breaks,
            "time_unit": "seconds since midnight",
            "depots": len(depots),
            "skills": {str(skill_id(tr, lv)): f"{tr}>={lv}" for tr in TRADES for lv in (1, 2, 3)},
            "service_hours": round(work_h, 1),
            "shift_hours_net_of_breaks": round(shift_h, 1),
        },
        "vehicles": vehicles,
        "jobs": out_jobs,
        "matrices": {"car": {"durations": durations, "distances": distances}},
    }


def dump(problem, f):
    """Compact JSON with one matrix row per line (small files, readable diffs)."""
    mats = problem.pop("matrices")
    text = json.dumps(problem, separators=(",", ":"))
    f.write(text[:-1])
    f.write(',\n"matrices":{"car":{\n')
    for key, last in (("durations", False), ("distances", True)):
        rows = mats["car"][key]
        f.write(f'"{key}":[\n')
        f.write(",\n".join(json.dumps(r, separators=(",", ":")) for r in rows))
        f.write("\n]" + ("" if last else ",") + "\n")
    f.write("}}}\n")
    problem["matrices"] = mats


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--jobs", type=int, required=True, help="number of jobs (100 to 1000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-breaks", action="store_true", help="leave out the lunch breaks")
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()
    if not 1 <= a.jobs <= 5000:
        sys.exit("--jobs must be between 1 and 5000")
    problem = build(a.jobs, a.seed, breaks=not a.no_breaks)
    tmp = a.output + ".tmp"
    with open(tmp, "w") as f:
        dump(problem, f)
    import os

    os.replace(tmp, a.output)
    m = problem["meta"]
    print(
        f"{a.output}: {a.jobs} jobs, {len(problem['vehicles'])} vehicles, "
        f"{m['service_hours']} h of service for {m['shift_hours_net_of_breaks']} h of shifts"
    )


if __name__ == "__main__":
    main()

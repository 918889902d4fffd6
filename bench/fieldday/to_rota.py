#!/usr/bin/env python3
"""Convert a field-service day in VROOM JSON (from generate.py) into a `rota-problem/1` file.

    python3 bench/fieldday/to_rota.py DAY.json -o DAY.rota.json [--date 2026-12-07]

Mapping (see README.md):
- travel: `matrix` model with the day's durations (s) and distances (m); `locations` lists one
  id per site and visit, rows taken from the VROOM matrix at their `location_index`;
- every distinct vehicle start/end place becomes a site; vehicles become technicians with
  that start and end site, a shift on the day's weekday from the vehicle's `time_window`, the
  VROOM break (window for its start, `service` seconds) as the shift's break (`earliest` =
  window start, `latest` = window end + duration, since Rota's `latest` bounds the end),
  `max_tasks` as `max_visits_per_day`, `capacity[0]` as `capacity`, and skills decoded from
  the generator's skill ids (100 x trade + level: the highest level held per trade);
- jobs become visits: the single trade skill and its minimum level, `service` / 60 as
  `duration_min`, `time_windows` on the day, `delivery[0]` as `parts_volume`, and VROOM's
  0-100 `priority` mapped to Rota's three classes: >= 80 emergency, >= 40 vip, else standard;
- the policy drops the terms VROOM has no equivalent for (workload balance, over-
  qualification) and prices travel by time only (`cost_per_km` 0), like VROOM's default cost;
- one region covering every location (Rota requires each visit to be in a region).

Standard library only. Exits 2 with a message naming the record when the day uses something
`rota-problem/1` cannot say (several breaks, a job needing two trades, seconds that are not
whole minutes).
"""

import argparse
import datetime as dt
import json
import os
import sys

from generate import TRADES

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class ConvertError(Exception):
    pass


def clock(seconds, where):
    s = int(round(seconds))
    if s % 60:
        raise ConvertError(f"{where}: {seconds} s is not a whole minute")
    if not 0 <= s <= 24 * 3600:
        raise ConvertError(f"{where}: {seconds} s is outside the day")
    return f"{s // 3600:02d}:{s // 60 % 60:02d}"


def moment(date, seconds, where):
    return f"{date}T{clock(seconds, where)}"


def decode_skill(sid, where):
    trade, level = divmod(int(sid), 100)
    if not (1 <= trade <= len(TRADES) and 1 <= level <= 3):
        raise ConvertError(f"{where}: skill id {sid} is not one of generate.py's (100 x trade + level)")
    return TRADES[trade - 1], level


def priority_class(p):
    return "emergency" if p >= 80 else "vip" if p >= 40 else "standard"


def latlon(coords, where):
    if not (isinstance(coords, list) and len(coords) == 2):
        raise ConvertError(f"{where}: coordinates [lon, lat] are needed for Rota's locations")
    return {"lat": coords[1], "lon": coords[0]}


def convert(day, date, name):
    weekday = WEEKDAYS[dt.date.fromisoformat(date).weekday()]
    mats = day["matrices"]
    mat = mats.get("car") or next(iter(mats.values()))
    dur, dist = mat["durations"], mat.get("distances") or mat["durations"]
    sites, site_of_index, rows = [], {}, []
    locations = []

    def site(index, coords, where):
        if index not in site_of_index:
            sid = f"S{index}"
            site_of_index[index] = sid
            sites.append({"id": sid, "name": f"Base at matrix index {index}", "location": latlon(coords, where)})
            locations.append(sid)
            rows.append(index)
        return site_of_index[index]

    techs = []
    for i, v in enumerate(day["vehicles"]):
        where = f"vehicles[{i}] (id {v['id']})"
        if v.get("start_index") is None:
            raise ConvertError(f"{where}: a start_index is needed (Rota technicians start at a site)")
        start = site(v["start_index"], v.get("start"), f"{where}.start")
        end_index = v.get("end_index", v["start_index"])
        end = site(end_index, v.get("end", v.get("start")), f"{where}.end")
        tw = v.get("time_window")
        if not tw:
            raise ConvertError(f"{where}: a time_window is needed (it becomes the shift)")
        shift = {"start": clock(tw[0], f"{where}.time_window[0]"), "end": clock(tw[1], f"{where}.time_window[1]")}
        breaks = v.get("breaks") or []
        if len(breaks) > 1:
            raise ConvertError(f"{where}.breaks: Rota shifts have one break, the vehicle has {len(breaks)}")
        if breaks:
            b = breaks[0]
            if len(b.get("time_windows") or []) != 1:
                raise ConvertError(f"{where}.breaks[0].time_windows: exactly one window is supported")
            (a, z), minutes = b["time_windows"][0], b.get("service", 0) / 60
            if minutes != int(minutes):
                raise ConvertError(f"{where}.breaks[0].service: not a whole number of minutes")
            shift["break"] = {
                "earliest": clock(a, f"{where}.breaks[0]"),
                "latest": clock(z + b["service"], f"{where}.breaks[0]"),
                "minutes": int(minutes),
            }
        levels = {}
        for sid in v.get("skills") or []:
            trade, level = decode_skill(sid, f"{where}.skills")
            levels[trade] = max(levels.get(trade, 0), level)
        tech = {
            "id": f"T{v['id']}",
            "name": v.get("description") or f"Vehicle {v['id']}",
            "start_site": start,
            "end_site": end,
            "skills": [{"skill": t, "level": lv} for t, lv in sorted(levels.items())],
            "regions": ["metro"],
            "shifts": {weekday: shift},
            "max_visits_per_day": int(v.get("max_tasks", 1000)),
            "capacity": float((v.get("capacity") or [1e9])[0]),
            "cost_per_hour": 45.0,
            "cost_per_km": 0.0,
        }
        techs.append(tech)
    visits = []
    for i, j in enumerate(day["jobs"]):
        where = f"jobs[{i}] (id {j['id']})"
        skills = j.get("skills") or []
        if len(skills) != 1:
            raise ConvertError(f"{where}.skills: rota-problem/1 visits need exactly one skill, got {len(skills)}")
        trade, level = decode_skill(skills[0], f"{where}.skills")
        service = j.get("service", 0)
        if service % 60:
            raise ConvertError(f"{where}.service: {service} s is not a whole number of minutes")
        vid = f"J{j['id']}"
        locations.append(vid)
        rows.append(j["location_index"])
        visits.append(
            {
                "id": vid,
                "customer": j.get("description") or f"Job {j['id']}",
                "location": latlon(j.get("location"), f"{where}.location"),
                "skill": trade,
                "min_level": level,
                "duration_min": service // 60,
                "time_windows": [
                    {"start": moment(date, a, f"{where}.time_windows"), "end": moment(date, z, f"{where}.time_windows")}
                    for a, z in j.get("time_windows") or []
                ],
                "priority": priority_class(j.get("priority", 0)),
                "segment": "value",
                "created_at": f"{(dt.date.fromisoformat(date) - dt.timedelta(days=1)).isoformat()}T18:00",
                "parts_volume": float((j.get("delivery") or j.get("amount") or [0])[0]),
            }
        )
    lons = [s["location"]["lon"] for s in sites] + [v["location"]["lon"] for v in visits]
    lats = [s["location"]["lat"] for s in sites] + [v["location"]["lat"] for v in visits]
    w, e = round(min(lons) - 0.01, 6), round(max(lons) + 0.01, 6)
    s, n = round(min(lats) - 0.01, 6), round(max(lats) + 0.01, 6)
    area = {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}
    used = sorted({v["skill"] for v in visits} | {s["skill"] for t in techs for s in t["skills"]}, key=TRADES.index)
    return {
        "format": "rota-problem/1",
        "name": name,
        "description": f"Converted by bench/fieldday/to_rota.py from a VROOM JSON day ({len(visits)} jobs, "
        f"{len(techs)} vehicles); VROOM priorities mapped to three classes.",
        "timezone": "Europe/Berlin",
        "horizon": {"start": date, "days": 1},
        "travel": {
            "model": "matrix",
            "locations": locations,
            "durations": [[dur[r][c] for c in rows] for r in rows],
            "distances": [[dist[r][c] for c in rows] for r in rows],
        },
        "policy": {"name": "vroom-like", "workload_balance": 0.0, "over_qualification_per_level": 0.0},
        "regions": [{"id": "metro", "name": "Metro area", "area": area}],
        "sites": sites,
        "skills": [{"id": t, "name": t} for t in used],
        "technicians": techs,
        "visits": visits,
    }


def dump(problem, f):
    """Compact JSON, one matrix row per line."""
    travel = problem.pop("travel")
    head = json.dumps(problem, indent=1)
    f.write(head[:-2] + ',\n "travel": {"model": "matrix", "locations": ')
    f.write(json.dumps(travel["locations"], separators=(",", ":")))
    for key in ("durations", "distances"):
        f.write(f',\n  "{key}": [\n')
        f.write(",\n".join(json.dumps(r, separators=(",", ":")) for r in travel[key]))
        f.write("\n  ]")
    f.write("\n }\n}\n")
    problem["travel"] = travel


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("day")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--date", default="2026-12-07", help="the day's date (default: a Monday)")
    a = ap.parse_args()
    try:
        with open(a.day) as f:
            day = json.load(f)
        name = os.path.splitext(os.path.basename(a.day))[0]
        problem = convert(day, a.date, name)
    except (OSError, ValueError, KeyError, TypeError, IndexError, ConvertError) as e:
        kind = "" if isinstance(e, ConvertError) else f"{type(e).__name__}: "
        print(f"{a.day}: cannot convert: {kind}{e}", file=sys.stderr)
        return 2
    tmp = a.output + ".tmp"
    with open(tmp, "w") as f:
        dump(problem, f)
    os.replace(tmp, a.output)
    print(f"{a.output}: {len(problem['visits'])} visits, {len(problem['technicians'])} technicians, {len(problem['sites'])} sites")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Write a `rota-plan/1` plan of a converted day (to_rota.py) in VROOM's output format, so that
check.py scores it exactly like the solutions of the VROOM JSON path.

    python3 bench/fieldday/from_rota_plan.py DAY.json PLAN.json -o PLAN.vroom.json

DAY.json is the VROOM JSON day the Rota problem was converted from (for break ids). Times:
seconds since midnight of the plan's single day. Technician `T<n>` is vehicle n, visit `J<n>`
is job n. Steps carry `type`, `id`, `arrival`, `waiting_time` (service start - arrival),
`service` and `location_index`; the break step is placed before the first stop whose service
starts at or after the break's end. Standard library only.
"""

import argparse
import datetime as dt
import json
import os
import sys


def seconds(moment, day):
    t = dt.datetime.fromisoformat(moment)
    return int(round((t - dt.datetime.combine(day, dt.time())).total_seconds()))


def convert(day_problem, plan):
    vehicles = {v["id"]: v for v in day_problem["vehicles"]}
    jobs = {j["id"]: j for j in day_problem["jobs"]}
    days = {r["day"] for r in plan.get("routes") or []}
    if len(days) > 1:
        raise ValueError(f"the plan covers several days {sorted(days)}; a field day has one")
    routes = []
    for r in plan.get("routes") or []:
        day = dt.date.fromisoformat(r["day"])
        vid = int(r["technician"].lstrip("T"))
        v = vehicles[vid]
        steps = [{"type": "start", "location_index": v["start_index"], "arrival": seconds(r["start"], day), "waiting_time": 0}]
        brk = r.get("break")
        pending = None
        if brk:
            b_id = v["breaks"][0]["id"] if v.get("breaks") else 0
            b_start, b_end = seconds(brk["start"], day), seconds(brk["end"], day)
            pending = {"type": "break", "id": b_id, "arrival": b_start, "waiting_time": 0, "service": b_end - b_start}
        for s in r["stops"]:
            jid = int(s["visit"].lstrip("J"))
            arrival, start = seconds(s["arrival"], day), seconds(s["start"], day)
            if pending and pending["arrival"] + pending["service"] <= start:
                steps.append(pending)
                pending = None
            steps.append(
                {
                    "type": "job",
                    "id": jid,
                    "location_index": jobs[jid]["location_index"],
                    "arrival": arrival,
                    "waiting_time": start - arrival,
                    "service": seconds(s["end"], day) - start,
                }
            )
        if pending:
            steps.append(pending)
        steps.append({"type": "end", "location_index": v.get("end_index", v["start_index"]), "arrival": seconds(r["end"], day), "waiting_time": 0})
        if any(s["type"] == "job" for s in steps):
            routes.append({"vehicle": vid, "steps": steps})
    unassigned = [{"id": int(u["visit"].lstrip("J")), "type": "job"} for u in plan.get("unassigned") or []]
    return {"code": 0, "summary": {"routes": len(routes), "unassigned": len(unassigned)}, "unassigned": unassigned, "routes": routes}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("day")
    ap.add_argument("plan")
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()
    try:
        with open(a.day) as f:
            day = json.load(f)
        with open(a.plan) as f:
            plan = json.load(f)
        out = convert(day, plan)
    except (OSError, ValueError, KeyError, TypeError, IndexError) as e:
        print(f"{a.plan}: cannot convert: {type(e).__name__}: {e}", file=sys.stderr)
        return 2
    tmp = a.output + ".tmp"
    with open(tmp, "w") as f:
        json.dump(out, f, indent=1)
    os.replace(tmp, a.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())

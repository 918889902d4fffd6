#!/usr/bin/env python3
"""Run Rota and pyvroom one after the other on field-service days and score every solution
with check.py. Called by run.sh (which makes the venv); standard library only here.

    python3 bench/fieldday/bench.py --time-limit 30 --vroom-python .venv/bin/python \
        --rota target/release/rota [--solvers rota,vroom,rota-problem] [--out DIR] DAY.json...

Solvers:
- `rota`: `rota solve DAY.json -o OUT --time-limit T` (VROOM JSON in, VROOM JSON out);
- `vroom`: pyvroom, exploration level 5, one thread (solve_vroom.py);
- `rota-problem`: the day converted to rota-problem/1 (to_rota.py), `rota solve` on it,
  `rota check` on the plan, and the plan written back in VROOM's format (from_rota_plan.py)
  so the same checker scores it.

Prints one table row per day and solver; writes results.json and every solution to --out.
Exit status 0 even when a solver fails or is infeasible: the table says so.
"""

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import check  # noqa: E402


def first_line(text):
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0][:200] if lines else ""


def run(cmd):
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p, time.perf_counter() - t


def score(day_problem, solution_path):
    try:
        with open(solution_path) as f:
            s = check.check(day_problem, json.load(f))
    except (OSError, ValueError, check.Unsupported, KeyError, TypeError, IndexError) as e:
        return {"feasible": False, "error": f"checker: {e}"}
    s["violation_count"] = len(s["violations"])
    s["violations"] = s["violations"][:20]
    return s


def solve_rota(a, day, base, _problem):
    out = os.path.join(a.out, base + ".rota.out.json")
    if os.path.exists(out):
        os.remove(out)
    p, wall = run([a.rota, "solve", day, "-o", out, "--time-limit", str(a.time_limit), "--seed", str(a.seed)])
    if not os.path.exists(out):
        return {"status": "refused", "detail": first_line(p.stderr or p.stdout), "wall_s": wall}, None
    return {"status": "ok", "wall_s": wall, "rota_exit": p.returncode}, out


def solve_vroom(a, day, base, _problem):
    out = os.path.join(a.out, base + ".vroom.out.json")
    info_path = out + ".info"
    if a.reuse_vroom and os.path.exists(info_path) and os.path.getmtime(info_path) > os.path.getmtime(day):
        with open(info_path) as f:
            return dict(json.load(f), reused=True), out
    p, wall = run([a.vroom_python, os.path.join(HERE, "solve_vroom.py"), day, out])
    if p.returncode != 0:
        return {"status": "failed", "detail": first_line(p.stderr[-2000:] or p.stdout), "wall_s": wall}, None
    info = json.loads(p.stdout.strip().splitlines()[-1])
    res = {"status": "ok", "wall_s": info["wall_s"], "process_wall_s": wall}
    with open(info_path, "w") as f:
        json.dump(res, f)
    return res, out


def solve_rota_problem(a, day, base, _problem):
    rp = os.path.join(a.out, base + ".rota-problem.json")
    p, _ = run([sys.executable, os.path.join(HERE, "to_rota.py"), day, "-o", rp])
    if p.returncode != 0:
        return {"status": "failed", "detail": "to_rota: " + first_line(p.stderr)}, None
    plan = os.path.join(a.out, base + ".rota-plan.json")
    if os.path.exists(plan):
        os.remove(plan)
    p, wall = run([a.rota, "solve", rp, "-o", plan, "--time-limit", str(a.time_limit), "--seed", str(a.seed), "--quiet"])
    if not os.path.exists(plan):
        return {"status": "failed", "detail": first_line(p.stderr or p.stdout), "wall_s": wall}, None
    c, _ = run([a.rota, "check", rp, plan])
    res = {"status": "ok", "wall_s": wall, "rota_check_exit": c.returncode, "rota_check": first_line(c.stdout + c.stderr)}
    out = os.path.join(a.out, base + ".rota-problem.out.json")
    p, _ = run([sys.executable, os.path.join(HERE, "from_rota_plan.py"), day, plan, "-o", out])
    if p.returncode != 0:
        res.update(status="failed", detail="from_rota_plan: " + first_line(p.stderr))
        return res, None
    return res, out


SOLVERS = {"rota": solve_rota, "vroom": solve_vroom, "rota-problem": solve_rota_problem}


def row(day, solver, r):
    s = r.get("score") or {}
    if r["status"] != "ok" or not s or "error" in s:
        why = r.get("detail") or s.get("error") or r["status"]
        return f"{day:<22} {solver:<13} {r['status'].upper()}: {why}"
    feas = "yes" if s["feasible"] else f"NO ({s['violation_count']})"
    if "rota_check_exit" in r:
        feas += " / rota check " + ("ok" if r["rota_check_exit"] == 0 else f"exit {r['rota_check_exit']}")
    return (
        f"{day:<22} {solver:<13} {s['assigned']:>8} {s['unassigned']:>10} {s['unassigned_priority_sum']:>10} "
        f"{s['travel_s'] / 3600:>8.1f} {s['travel_m'] / 1000:>8.1f} {s['routes']:>6} {r.get('wall_s', 0):>7.1f}  {feas}"
    )


def totals(results, solvers):
    """Totals per solver over the days every solver solved feasibly, and issue 14's test of
    each Rota path against VROOM: on every day no more priority left unassigned and at least as
    many jobs assigned, and less travel in total."""
    good = {}
    for r in results:
        s = r.get("score") or {}
        if r["status"] == "ok" and s.get("feasible"):
            good.setdefault(r["day"], {})[r["solver"]] = s
    days = [d for d, by in good.items() if all(x in by for x in solvers)]
    lines = [f"totals over {len(days)} day(s) where every solver gave a feasible solution:"]
    for x in solvers:
        t = [good[d][x] for d in days]
        lines.append(
            f"  {x:<13} assigned {sum(s['assigned'] for s in t)}, unassigned {sum(s['unassigned'] for s in t)} "
            f"(priority {sum(s['unassigned_priority_sum'] for s in t)}), travel {sum(s['travel_s'] for s in t) / 3600:.1f} h, "
            f"{sum(s['travel_m'] for s in t) / 1000:.1f} km, {sum(s['routes'] for s in t)} routes"
        )
    if "vroom" in solvers:
        missing = sorted({r["day"] for r in results} - set(days))
        for x in [s for s in solvers if s != "vroom"]:
            worse = [
                d
                for d in days
                if good[d][x]["unassigned_priority_sum"] > good[d]["vroom"]["unassigned_priority_sum"]
                or good[d][x]["assigned"] < good[d]["vroom"]["assigned"]
            ]
            travel = sum(good[d][x]["travel_s"] for d in days) < sum(good[d]["vroom"]["travel_s"] for d in days)
            ok = days and not worse and travel and not missing
            lines.append(
                f"  {x} vs vroom: {'PASS' if ok else 'FAIL'} (days with more priority unassigned or fewer jobs: "
                f"{worse or 'none'}; less travel in total: {'yes' if travel else 'no'}"
                + (f"; no feasible solution on {missing}" if missing else "")
                + ")"
            )
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--time-limit", type=float, default=30.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rota", default=os.path.join(HERE, "..", "..", "target", "release", "rota"))
    ap.add_argument("--vroom-python", default=os.path.join(HERE, ".venv", "bin", "python"))
    ap.add_argument("--solvers", default="rota,vroom,rota-problem")
    ap.add_argument("--out", default=os.path.join(HERE, "out"))
    ap.add_argument(
        "--reuse-vroom",
        action="store_true",
        help="reuse a VROOM solution already in --out for an unchanged day (pyvroom is deterministic)",
    )
    ap.add_argument("days", nargs="+")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    solvers = [s for s in a.solvers.split(",") if s]
    for s in solvers:
        if s not in SOLVERS:
            sys.exit(f"unknown solver {s!r} (rota, vroom, rota-problem)")
    if any(s.startswith("rota") for s in solvers) and not os.access(a.rota, os.X_OK):
        sys.exit(f"{a.rota}: no rota binary (cargo build --workspace --release --locked)")
    print(f"time limit {a.time_limit:g} s, seed {a.seed}; travel h and km recomputed from each day's matrix")
    print(f"{'day':<22} {'solver':<13} {'assigned':>8} {'unassigned':>10} {'unas.prio':>10} {'travel h':>8} {'km':>8} {'routes':>6} {'wall s':>7}  feasible")
    results = []
    for day in a.days:
        base = os.path.splitext(os.path.basename(day))[0]
        with open(day) as f:
            problem = json.load(f)
        for s in solvers:
            r, out = SOLVERS[s](a, day, base, problem)
            if out:
                r["score"] = score(problem, out)
                r["solution"] = out
            r.update(day=base, solver=s)
            results.append(r)
            print(row(base, s, r), flush=True)
    print()
    print(totals(results, solvers))
    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump({"time_limit_s": a.time_limit, "seed": a.seed, "results": results}, f, indent=1)
    print(f"results and solutions in {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

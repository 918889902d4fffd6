"""Run PyVRP, OR-Tools and VROOM on Solomon instances; check and score every solution here."""

import argparse
import math
import os
import statistics
import sys
import tempfile
import time

SCALE = 1000  # integer solvers see distances and times x1000, rounded


def read_solomon(path):
    lines = [l.split() for l in open(path) if l.strip()]
    name = lines[0][0]
    i = next(k for k, l in enumerate(lines) if l[0].upper() == "NUMBER")
    fleet, cap = int(lines[i + 1][0]), int(lines[i + 1][1])
    rows = [list(map(float, l)) for l in lines if len(l) == 7 and l[0].isdigit()]
    return name, fleet, cap, rows


def dist(rows, a, b):
    return math.hypot(rows[a][1] - rows[b][1], rows[a][2] - rows[b][2])


def check(rows, cap, fleet, routes):
    """Exact double-precision check (same rules as rota's checker); returns (ok, distance)."""
    seen, total, ok = set(), 0.0, len(routes) <= fleet
    horizon = rows[0][5]
    for r in routes:
        t, at, serv, load = rows[0][4], 0, 0.0, 0
        for c in r:
            arr = t + serv + dist(rows, at, c)
            total += dist(rows, at, c)
            ok &= arr <= rows[c][5]
            t, serv, at = max(arr, rows[c][4]), rows[c][6], c
            load += rows[c][3]
            seen.add(c)
        total += dist(rows, at, 0)
        ok &= t + serv + dist(rows, at, 0) <= horizon and load <= cap
    ok &= seen == set(range(1, len(rows)))
    return ok, total


def solve_pyvrp(rows, fleet, cap, limit, seed):
    from pyvrp import Model
    from pyvrp.stop import MaxRuntime

    m = Model()
    locs = [m.add_location(x=int(r[1]), y=int(r[2])) for r in rows]  # PyVRP >= 0.14
    depot = m.add_depot(locs[0], tw_early=int(rows[0][4] * SCALE), tw_late=int(rows[0][5] * SCALE))
    m.add_vehicle_type(num_available=fleet, capacity=cap, start_depot=depot, end_depot=depot,
                       tw_early=int(rows[0][4] * SCALE), tw_late=int(rows[0][5] * SCALE))
    for c, r in enumerate(rows[1:], start=1):
        m.add_client(locs[c], delivery=int(r[3]), service_duration=int(r[6] * SCALE),
                     tw_early=int(r[4] * SCALE), tw_late=int(r[5] * SCALE))
    for a, la in enumerate(locs):
        for b, lb in enumerate(locs):
            # Round up: a solution feasible for PyVRP is then feasible in double precision.
            d = math.ceil(dist(rows, a, b) * SCALE)
            m.add_edge(la, lb, distance=d, duration=d)
    res = m.solve(stop=MaxRuntime(limit), seed=seed, display=False)
    # ScheduledActivity.idx numbers clients from 0; our rows number them from 1.
    return [[a.idx + 1 for a in r if a.is_client()] for r in res.best.routes()]


def solve_ortools(rows, fleet, cap, limit, seed):
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    n = len(rows)
    mgr = pywrapcp.RoutingIndexManager(n, fleet, 0)
    rt = pywrapcp.RoutingModel(mgr)
    d = [[math.ceil(dist(rows, a, b) * SCALE) for b in range(n)] for a in range(n)]
    dist_cb = rt.RegisterTransitCallback(lambda i, j: d[mgr.IndexToNode(i)][mgr.IndexToNode(j)])
    rt.SetArcCostEvaluatorOfAllVehicles(dist_cb)
    time_cb = rt.RegisterTransitCallback(
        lambda i, j: d[mgr.IndexToNode(i)][mgr.IndexToNode(j)] + int(rows[mgr.IndexToNode(i)][6] * SCALE))
    horizon = int(rows[0][5] * SCALE)
    rt.AddDimension(time_cb, horizon, horizon, False, "time")
    td = rt.GetDimensionOrDie("time")
    for c in range(1, n):
        td.CumulVar(mgr.NodeToIndex(c)).SetRange(int(rows[c][4] * SCALE), int(rows[c][5] * SCALE))
    dem_cb = rt.RegisterUnaryTransitCallback(lambda i: int(rows[mgr.IndexToNode(i)][3]))
    rt.AddDimensionWithVehicleCapacity(dem_cb, 0, [cap] * fleet, True, "load")
    p = pywrapcp.DefaultRoutingSearchParameters()
    p.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    p.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    p.time_limit.FromMilliseconds(int(limit * 1000))
    sol = rt.SolveWithParameters(p)
    if sol is None:
        return None
    routes = []
    for v in range(fleet):
        i, r = rt.Start(v), []
        while not rt.IsEnd(i):
            node = mgr.IndexToNode(i)
            if node:
                r.append(node)
            i = sol.Value(rt.NextVar(i))
        if r:
            routes.append(r)
    return routes


def solve_vroom(rows, fleet, cap, limit, seed):
    import numpy as np
    import vroom

    n = len(rows)
    d = np.array([[math.ceil(dist(rows, a, b) * SCALE) for b in range(n)] for a in range(n)], dtype=np.uint32)
    inp = vroom.Input()
    inp.set_durations_matrix(profile="car", matrix_input=d)
    inp.set_costs_matrix(profile="car", matrix_input=d)
    for v in range(fleet):
        inp.add_vehicle(vroom.Vehicle(id=v + 1, start=0, end=0, capacity=[cap],
                                      time_window=vroom.TimeWindow(int(rows[0][4] * SCALE), int(rows[0][5] * SCALE))))
    for c in range(1, n):
        inp.add_job(vroom.Job(id=c, location=c, default_service=int(rows[c][6] * SCALE), delivery=[int(rows[c][3])],
                              time_windows=[vroom.TimeWindow(int(rows[c][4] * SCALE), int(rows[c][5] * SCALE))]))
    sol = inp.solve(exploration_level=5, nb_threads=1)
    routes = {}
    for _, row in sol.routes.iterrows():
        if row["type"] == "job":
            routes.setdefault(row["vehicle_id"], []).append(int(row["id"]))
    return list(routes.values())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--time-limit", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--bks", required=True, help="CSV of best-known solutions; instances not in it get no gap")
    ap.add_argument("--solvers", default="pyvrp,ortools,vroom")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    bks = {}
    for line in open(a.bks).read().splitlines()[1:]:
        f = line.split(",")
        if f[3] == "distance_only":
            bks[f[0]] = float(f[2])
    solvers = {"pyvrp": solve_pyvrp, "ortools": solve_ortools, "vroom": solve_vroom}
    print("solver,instance,vehicles,distance,bks,gap_pct,feasible,time_s")
    gaps = {s: [] for s in a.solvers.split(",")}
    for path in a.files:
        name, fleet, cap, rows = read_solomon(path)
        for s in gaps:
            t = time.time()
            try:
                routes = solvers[s](rows, fleet, cap, a.time_limit, a.seed)
            except Exception as e:  # a peer failing is a result, not a crash of the benchmark
                print(f"# {s} {name}: {e}", file=sys.stderr)
                routes = None
            secs = time.time() - t
            if routes is None:
                print(f"{s},{name},,,{bks.get(name)},,no solution,{secs:.2f}")
                continue
            ok, total = check(rows, cap, fleet, routes)
            ref = bks.get(name)  # instances without a best-known solution get no gap
            gap = 100 * (total - ref) / ref if ref else None
            if ok and gap is not None:
                gaps[s].append(gap)
            gap_text = f"{gap:.3f}" if gap is not None else ""
            print(f"{s},{name},{len(routes)},{total:.2f},{ref or ''},{gap_text},{ok},{secs:.2f}", flush=True)
    for s, g in gaps.items():
        if g:
            print(f"# {s}: feasible {len(g)}/{len(a.files)}, gap avg {statistics.mean(g):+.3f} %, "
                  f"median {statistics.median(g):+.3f} %, worst {max(g):+.3f} %")


if __name__ == "__main__":
    main()

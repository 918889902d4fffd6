"""Write larger VRPTW instances in the Solomon text format, to check that quality holds as size grows.

The Gehring & Homberger instances (200-1000 customers) are not available on this machine, so this
makes instances in their spirit, deterministically from a seed: customers on a square whose side
grows with sqrt(n) (Solomon's customer density), depot in the middle, demands 1-40, service 10,
capacity 200.
  R1  random locations, short horizon, windows 10-60 wide (tight, many vehicles);
  R2  random locations, long horizon (x4), windows 60-240 wide (long routes);
  RC1 half clustered, half random, windows as R1.
There is no best-known solution for these: compare solvers side by side at equal time (see
docs/benchmarks.md, "Larger instances").

    python3 bench/peers/make_large.py OUT_DIR [--sizes 200,400,800] [--seed 1]
"""

import argparse
import math
import os
import random


def make(kind, n, seed):
    rnd = random.Random(f"{kind}-{n}-{seed}")
    side = 100.0 * math.sqrt(n / 100.0)
    depot = (side / 2, side / 2)
    horizon = 230.0 * math.sqrt(n / 100.0) * (4 if kind == "R2" else 1)
    points = []
    if kind == "RC1":
        centres = [(rnd.uniform(0.1, 0.9) * side, rnd.uniform(0.1, 0.9) * side) for _ in range(max(4, n // 25))]
    for i in range(n):
        if kind == "RC1" and i % 2 == 0:
            cx, cy = rnd.choice(centres)
            x = min(side, max(0.0, rnd.gauss(cx, side / 30)))
            y = min(side, max(0.0, rnd.gauss(cy, side / 30)))
        else:
            x, y = rnd.uniform(0, side), rnd.uniform(0, side)
        points.append((round(x), round(y)))
    rows = []
    for i, (x, y) in enumerate(points, start=1):
        d0 = math.hypot(x - depot[0], y - depot[1])
        service = 10
        width = rnd.uniform(60, 240) if kind == "R2" else rnd.uniform(10, 60)
        # Reachable from the depot at time 0, and the depot reachable after service.
        lo, hi = math.ceil(d0), math.floor(horizon - d0 - service - width)
        if hi <= lo:
            ready, due = lo, math.floor(horizon - d0 - service)
        else:
            ready = rnd.randint(lo, hi)
            due = ready + round(width)
        rows.append((i, x, y, rnd.randint(1, 40), ready, due, service))
    fleet = max(25, n // 4)
    name = f"GHL_{kind}_{n}"
    lines = [name, "", "VEHICLE", "NUMBER     CAPACITY", f"{fleet:5d}      200", "", "CUSTOMER",
             "CUST NO.   XCOORD.   YCOORD.    DEMAND   READY TIME   DUE DATE   SERVICE TIME", " ",
             f"{0:5d} {round(depot[0]):9d} {round(depot[1]):9d} {0:9d} {0:9d} {math.floor(horizon):9d} {0:9d}"]
    lines += [f"{i:5d} {x:9d} {y:9d} {q:9d} {a:9d} {b:9d} {s:9d}" for i, x, y, q, a, b, s in rows]
    return name, "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--sizes", default="200,400,800")
    ap.add_argument("--kinds", default="R1,R2,RC1")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for n in map(int, a.sizes.split(",")):
        for kind in a.kinds.split(","):
            name, text = make(kind, n, a.seed)
            with open(os.path.join(a.out, name + ".txt"), "w") as f:
                f.write(text)
            print(os.path.join(a.out, name + ".txt"))


if __name__ == "__main__":
    main()

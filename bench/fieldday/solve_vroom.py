"""Solve a VROOM JSON day with pyvroom (exploration level 5, one thread) and write VROOM's
output JSON. Prints {"wall_s": ...}: reading the problem plus solving, as one process sees it.

    .venv/bin/python bench/fieldday/solve_vroom.py DAY.json OUT.json [--exploration 5]
"""

import argparse
import json
import os
import sys
import time

import vroom


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("day")
    ap.add_argument("output")
    ap.add_argument("--exploration", type=int, default=5)
    a = ap.parse_args()
    t = time.perf_counter()
    problem = vroom.Input.from_json(a.day)
    solution = problem.solve(exploration_level=a.exploration, nb_threads=1)
    wall = time.perf_counter() - t
    tmp = a.output + ".tmp"
    with open(tmp, "w") as f:
        json.dump(solution.to_dict(), f)
    os.replace(tmp, a.output)
    print(json.dumps({"wall_s": round(wall, 3), "version": getattr(vroom, "__version__", "")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Tests of the field-day checker, generator and converters (standard library only).

    cd bench/fieldday && python3 -m unittest -v test_check

testdata/day40.json is `generate.py --jobs 40 --seed 11`; testdata/day40.vroom.json is
pyvroom's solution of it (exploration 5, one thread). If the venv with pyvroom exists, one more
test solves the day again with it and checks that solution too.
"""

import copy
import io
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import check  # noqa: E402
import from_rota_plan  # noqa: E402
import generate  # noqa: E402
import to_rota  # noqa: E402

H = 3600


def load(name):
    with open(os.path.join(HERE, "testdata", name)) as f:
        return json.load(f)


def tiny():
    """One vehicle at 0, jobs at 1 and 2; 600 s between any two places, 1 000 m."""
    m = [[0 if a == b else 600 for b in range(3)] for a in range(3)]
    d = [[0 if a == b else 1000 for b in range(3)] for a in range(3)]
    return {
        "vehicles": [
            {
                "id": 7,
                "start_index": 0,
                "end_index": 0,
                "time_window": [8 * H, 17 * H],
                "capacity": [10],
                "skills": [101, 102],
                "max_tasks": 5,
                "breaks": [{"id": 70, "time_windows": [[11 * H, 13 * H]], "service": 1800}],
            }
        ],
        "jobs": [
            {"id": 1, "location_index": 1, "service": 3600, "delivery": [4], "skills": [102], "priority": 10},
            {"id": 2, "location_index": 2, "service": 1800, "delivery": [5], "time_windows": [[12 * H, 14 * H]]},
            {"id": 3, "location_index": 2, "service": 600, "delivery": [1], "priority": 60},
        ],
        "matrices": {"car": {"durations": m, "distances": d}},
    }


def tiny_solution(break_at, job2_arrival, job2_wait):
    """Start 10:00, job 1 10:10-11:10, the break at `break_at`, job 2 served from 12:20 at the
    latest, back at depot after it; job 3 unassigned."""
    return {
        "code": 0,
        "unassigned": [{"id": 3}],
        "routes": [
            {
                "vehicle": 7,
                "steps": [
                    {"type": "start", "arrival": 10 * H},
                    {"type": "job", "id": 1, "arrival": 10 * H + 600, "waiting_time": 0, "service": 3600},
                    {"type": "break", "id": 70, "arrival": break_at, "service": 1800},
                    {"type": "job", "id": 2, "arrival": job2_arrival, "waiting_time": job2_wait},
                    {"type": "end", "arrival": job2_arrival + job2_wait + 1800 + 600},
                ],
            }
        ],
    }


class CheckerOnHandMadeDays(unittest.TestCase):
    def test_break_before_drive_during_wait_or_splitting_the_drive_are_all_accepted(self):
        end1 = 11 * H + 600  # job 1 ends 11:10
        cases = {
            # Break right after job 1 (11:10-11:40), then drive (arrive 11:50), wait until 12:00.
            "break then drive": tiny_solution(end1, end1 + 1800 + 600, 600),
            # Drive first (arrive 11:20), break while waiting (11:20-11:50), serve at 12:00.
            "drive then break while waiting": tiny_solution(end1 + 600, end1 + 600, 2400),
            # Drive 5 minutes, break 11:15-11:45, drive on, arrive 11:50, tight: serve at 11:50 is
            # before the window (12:00), so serve at 12:00.
            "split drive": tiny_solution(end1 + 300, end1 + 300 + 1800 + 300, 600),
        }
        for name, sol in cases.items():
            with self.subTest(name):
                s = check.check(tiny(), sol)
                self.assertEqual(s["violations"], [])
                self.assertTrue(s["feasible"])

    def test_scores_from_the_matrix_and_the_problem(self):
        s = check.check(tiny(), tiny_solution(11 * H + 600, 12 * H - 600, 600))
        self.assertEqual((s["assigned"], s["unassigned"], s["routes"]), (2, 1, 1))
        self.assertEqual(s["unassigned_priority_sum"], 60)
        self.assertEqual(s["assigned_priority_sum"], 10)
        self.assertEqual(s["travel_s"], 3 * 600)
        self.assertEqual(s["travel_m"], 3 * 1000)

    def test_a_gap_one_second_short_of_travel_plus_break_is_rejected(self):
        end1 = 11 * H + 600
        # Job 2 served at 11:49:59: 2 399 s after job 1 ends, 600 travel + 1 800 break needed.
        sol = tiny_solution(end1, end1 + 1800 + 599, 0)
        sol["routes"][0]["steps"][3]["arrival"] = end1 + 1799  # claim an arrival that fits
        sol["routes"][0]["steps"][3]["waiting_time"] = 600
        s = check.check(tiny(), sol)
        self.assertFalse(s["feasible"])
        self.assertTrue(any("600 of travel and 1800 of break" in v for v in s["violations"]), s["violations"])

    def test_break_overlapping_a_service_is_rejected(self):
        end1 = 11 * H + 600
        sol = tiny_solution(end1 - 60, end1 + 1800 + 600, 600)  # starts 1 min before job 1 ends
        s = check.check(tiny(), sol)
        self.assertTrue(any("before the previous step or break ends" in v for v in s["violations"]), s["violations"])
        # Break ending after job 2's service starts, though the gap as a whole is large enough.
        # Break 12:00-12:30 but job 2 served from 12:10: the hour from 11:10 holds drive and
        # break, yet the break overlaps the service.
        sol = tiny_solution(12 * H, end1 + 600, 12 * H + 600 - (end1 + 600))
        s = check.check(tiny(), sol)
        self.assertTrue(any("ends at 45000, after job 2 starts" in v for v in s["violations"]), s["violations"])

    def test_break_outside_its_window_or_missing_is_rejected(self):
        sol = tiny_solution(13 * H + 60, 13 * H + 60 + 1800 + 600, 0)  # break starts 13:01
        s = check.check(tiny(), sol)
        self.assertTrue(any("break 70" in v and "outside" in v for v in s["violations"]), s["violations"])
        sol = tiny_solution(11 * H + 600, 12 * H - 600, 600)
        del sol["routes"][0]["steps"][2]
        s = check.check(tiny(), sol)
        self.assertTrue(any("break 70 missing" in v for v in s["violations"]), s["violations"])

    def test_empty_route_may_skip_its_break(self):
        sol = {
            "code": 0,
            "unassigned": [{"id": 1}, {"id": 2}, {"id": 3}],
            "routes": [{"vehicle": 7, "steps": [{"type": "start", "arrival": 8 * H}, {"type": "end", "arrival": 8 * H}]}],
        }
        s = check.check(tiny(), sol)
        self.assertTrue(s["feasible"], s["violations"])
        self.assertEqual(s["routes"], 0)

    def test_rule_breaks_found_in_the_problem(self):
        ok = tiny_solution(11 * H + 600, 12 * H - 600, 600)
        edits = {
            "capacity": lambda p: p["vehicles"][0].update(capacity=[8]),
            "max_tasks": lambda p: p["vehicles"][0].update(max_tasks=1),
            "lacks skills": lambda p: p["vehicles"][0].update(skills=[101]),
            "outside [[": lambda p: p["jobs"][1].update(time_windows=[[13 * H, 14 * H]]),
            "after the vehicle's time window": lambda p: p["vehicles"][0].update(time_window=[8 * H, 12 * H]),
            "before the vehicle's time window": lambda p: p["vehicles"][0].update(time_window=[10 * H + 1, 17 * H]),
        }
        for needle, edit in edits.items():
            with self.subTest(needle):
                p = tiny()
                edit(p)
                s = check.check(p, ok)
                self.assertFalse(s["feasible"])
                self.assertTrue(any(needle in v for v in s["violations"]), s["violations"])


class CheckerOnPyvroom(unittest.TestCase):
    def setUp(self):
        self.day = load("day40.json")
        self.sol = load("day40.vroom.json")

    def test_pyvroom_solution_is_feasible_and_scores_match_its_summary(self):
        s = check.check(self.day, self.sol)
        self.assertEqual(s["violations"], [])
        self.assertEqual(s["travel_s"], self.sol["summary"]["duration"])
        self.assertEqual(s["unassigned"], self.sol["summary"]["unassigned"])
        self.assertEqual(s["assigned_priority_sum"], self.sol["summary"]["priority"])
        self.assertEqual(s["routes"], self.sol["summary"]["routes"])
        # Every used vehicle took its lunch break.
        self.assertEqual(sum(1 for r in self.sol["routes"] for st in r["steps"] if st["type"] == "break"), s["routes"])

    def corrupt(self, change):
        sol = copy.deepcopy(self.sol)
        change(sol)
        return check.check(self.day, sol)

    def route_with(self, n_jobs):
        return next(r for r in self.sol["routes"] if sum(s["type"] == "job" for s in r["steps"]) >= n_jobs)

    def test_corrupted_solutions_are_rejected(self):
        r0 = self.sol["routes"].index(self.route_with(2))

        def steps(sol):
            return sol["routes"][r0]["steps"]

        def first(sol, kind):
            return next(s for s in steps(sol) if s["type"] == kind)

        def drop_break(sol):
            steps(sol).remove(first(sol, "break"))

        def break_late(sol):
            first(sol, "break")["arrival"] = 20 * H

        def arrive_early(sol):
            jobs = [s for s in steps(sol) if s["type"] == "job"]
            jobs[1]["arrival"] -= 300

        def serve_twice(sol):
            job = copy.deepcopy(first(sol, "job"))
            other = sol["routes"][(r0 + 1) % len(sol["routes"])]["steps"]
            other.insert(len(other) - 1, job)

        def forget_job(sol):
            steps(sol).remove(first(sol, "job"))

        def unknown_job(sol):
            first(sol, "job")["id"] = 999999

        def swap_jobs(sol):
            st = steps(sol)
            idx = [i for i, s in enumerate(st) if s["type"] == "job"][:2]
            st[idx[0]], st[idx[1]] = st[idx[1]], st[idx[0]]

        def second_route(sol):
            sol["routes"].append(copy.deepcopy(sol["routes"][r0]))

        def bad_code(sol):
            sol["code"] = 2

        for name, change in [
            ("drop_break", drop_break),
            ("break_late", break_late),
            ("arrive_early", arrive_early),
            ("serve_twice", serve_twice),
            ("forget_job", forget_job),
            ("unknown_job", unknown_job),
            ("swap_jobs", swap_jobs),
            ("second_route", second_route),
            ("bad_code", bad_code),
        ]:
            with self.subTest(name):
                s = self.corrupt(change)
                self.assertFalse(s["feasible"], name)
                self.assertTrue(s["violations"])

    def test_command_line_exit_codes(self):
        ok = os.path.join(HERE, "testdata", "day40.vroom.json")
        day = os.path.join(HERE, "testdata", "day40.json")
        with tempfile.TemporaryDirectory() as tmp:
            bad = os.path.join(tmp, "bad.json")
            sol = copy.deepcopy(self.sol)
            sol["routes"][0]["steps"] = [s for s in sol["routes"][0]["steps"] if s["type"] != "break"]
            with open(bad, "w") as f:
                json.dump(sol, f)
            junk = os.path.join(tmp, "junk.json")
            with open(junk, "w") as f:
                f.write("{not json")
            run = lambda *a: subprocess.run([sys.executable, os.path.join(HERE, "check.py"), *a], capture_output=True, text=True)
            r = run(day, ok)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertTrue(json.loads(r.stdout)["feasible"])
            r = run(day, bad)
            self.assertEqual(r.returncode, 1)
            self.assertIn("missing", json.loads(r.stdout)["violations"][0])
            r = run(day, junk)
            self.assertEqual(r.returncode, 2)
            self.assertIn("cannot read JSON", json.loads(r.stdout)["error"])

    def test_pyvroom_live(self):
        py = os.path.join(HERE, ".venv", "bin", "python")
        if not os.path.exists(py):
            self.skipTest("no bench/fieldday/.venv (run.sh creates it); the committed pyvroom solution is checked above")
        with tempfile.TemporaryDirectory() as tmp:
            day = os.path.join(tmp, "day.json")
            with open(day, "w") as f:
                generate.dump(generate.build(60, 5), f)
            out = os.path.join(tmp, "out.json")
            code = (
                "import json,sys,vroom;"
                "s=vroom.Input.from_json(sys.argv[1]).solve(exploration_level=5,nb_threads=1);"
                "json.dump(s.to_dict(),open(sys.argv[2],'w'))"
            )
            subprocess.run([py, "-c", code, day, out], check=True)
            with open(day) as f, open(out) as g:
                s = check.check(json.load(f), json.load(g))
            self.assertEqual(s["violations"], [])
            self.assertGreater(s["assigned"], 40)


class Generator(unittest.TestCase):
    def test_same_seed_same_file_and_the_committed_fixture_is_reproducible(self):
        a, b = io.StringIO(), io.StringIO()
        generate.dump(generate.build(40, 11), a)
        generate.dump(generate.build(40, 11), b)
        self.assertEqual(a.getvalue(), b.getvalue())
        self.assertEqual(json.loads(a.getvalue()), load("day40.json"))
        c = io.StringIO()
        generate.dump(generate.build(40, 12), c)
        self.assertNotEqual(a.getvalue(), c.getvalue())

    def test_day_has_what_the_brief_asks(self):
        p = generate.build(300, 2)
        jobs, vehicles = p["jobs"], p["vehicles"]
        n = len(p["matrices"]["car"]["durations"])
        self.assertTrue(all(len(r) == n and all(isinstance(x, int) for x in r) for r in p["matrices"]["car"]["durations"]))
        self.assertTrue(all(0 <= j["location_index"] < n for j in jobs))
        prios = [j["priority"] for j in jobs]
        self.assertIn(100, prios)
        self.assertIn(60, prios)
        self.assertTrue(all(p == 100 or p == 60 or 0 <= p <= 20 for p in prios))
        self.assertTrue(all(20 * 60 <= j["service"] <= 120 * 60 for j in jobs))
        kinds = {
            "open": sum("time_windows" not in j for j in jobs),
            "slot": sum(len(j.get("time_windows", [])) == 1 and j["time_windows"][0][1] - j["time_windows"][0][0] == 2 * H for j in jobs),
            "two slots": sum(len(j.get("time_windows", [])) == 2 for j in jobs),
            "half day": sum(len(j.get("time_windows", [])) == 1 and j["time_windows"][0][1] - j["time_windows"][0][0] >= 4 * H for j in jobs),
        }
        self.assertTrue(all(k > 0 for k in kinds.values()), kinds)
        self.assertEqual({tuple(v["time_window"]) for v in vehicles}, {(7 * H, 15 * H), (8 * H, 16 * H + 1800), (10 * H, 18 * H + 1800)})
        for v in vehicles:
            self.assertEqual(len(v["breaks"]), 1)
            self.assertEqual(v["breaks"][0]["service"], 1800)
            # Levels are cumulative skills: holding trade>=L implies trade>=1..L-1.
            for s in v["skills"]:
                self.assertTrue(all(s - k in v["skills"] for k in range(1, s % 100)), v["skills"])
            self.assertTrue(1 <= len({s // 100 for s in v["skills"]}) <= 3)
            self.assertIn("max_tasks", v)
        for j in jobs:
            self.assertTrue(any(set(j["skills"]) <= set(v["skills"]) for v in vehicles), j)
        # No job is impossible: a qualified technician can reach it alone inside a window.
        m = p["matrices"]["car"]["durations"]
        for j in jobs:
            ok = False
            for v in vehicles:
                if not set(j["skills"]) <= set(v["skills"]):
                    continue
                there, back = m[v["start_index"]][j["location_index"]], m[j["location_index"]][v["end_index"]]
                for a, b in j.get("time_windows") or [[0, 24 * H]]:
                    begin = max(a, v["time_window"][0] + there)
                    ok |= begin <= b and begin + j["service"] + back <= v["time_window"][1]
            self.assertTrue(ok, j)
        self.assertGreater(sum(j["delivery"][0] for j in jobs), 0)
        nb = generate.build(100, 2, breaks=False)
        self.assertTrue(all("breaks" not in v for v in nb["vehicles"]))


class Converters(unittest.TestCase):
    def test_to_rota_maps_the_day(self):
        day = load("day40.json")
        p = to_rota.convert(day, "2026-12-07", "day40")
        self.assertEqual(p["format"], "rota-problem/1")
        self.assertEqual(len(p["visits"]), 40)
        self.assertEqual(len(p["technicians"]), len(day["vehicles"]))
        t = p["technicians"][0]
        v = day["vehicles"][0]
        shift = t["shifts"]["mon"]
        b = v["breaks"][0]
        self.assertEqual(shift["break"]["minutes"], 30)
        self.assertEqual(to_rota.clock(b["time_windows"][0][1] + 1800, "x"), shift["break"]["latest"])
        self.assertEqual(t["max_visits_per_day"], v["max_tasks"])
        top = max(s for s in v["skills"] if s // 100 == v["skills"][-1] // 100) % 100
        self.assertIn({"skill": generate.TRADES[v["skills"][-1] // 100 - 1], "level": top}, t["skills"])
        classes = {j["priority"]: to_rota.priority_class(j["priority"]) for j in day["jobs"]}
        self.assertTrue(all(c == ("emergency" if k == 100 else "vip" if k == 60 else "standard") for k, c in classes.items()))
        # Matrix rows follow `locations`.
        loc = p["travel"]["locations"]
        i, k = loc.index("J1"), loc.index("J2")
        m = day["matrices"]["car"]["durations"]
        self.assertEqual(p["travel"]["durations"][i][k], m[day["jobs"][0]["location_index"]][day["jobs"][1]["location_index"]])

    def test_to_rota_refuses_what_rota_problem_cannot_say(self):
        day = load("day40.json")
        day["jobs"][3]["skills"] = [101, 201]
        with self.assertRaisesRegex(to_rota.ConvertError, r"jobs\[3\].*exactly one skill"):
            to_rota.convert(day, "2026-12-07", "x")

    def test_rota_plan_back_to_vroom_format(self):
        """pyvroom's solution written as a rota-plan/1 (times as local moments, break as the
        route's break) and back gives the same checked scores."""
        day, sol = load("day40.json"), load("day40.vroom.json")

        def t(x):
            return f"2026-12-07T{x // H:02d}:{x // 60 % 60:02d}:{x % 60:02d}"

        jobs = {j["id"]: j for j in day["jobs"]}
        routes = []
        for r in sol["routes"]:
            stops, brk = [], None
            for st in r["steps"]:
                begin = st["arrival"] + st.get("waiting_time", 0)
                if st["type"] == "job":
                    stops.append({"visit": f"J{st['id']}", "arrival": t(st["arrival"]), "start": t(begin), "end": t(begin + jobs[st["id"]]["service"])})
                elif st["type"] == "break":
                    brk = {"start": t(begin), "end": t(begin + st["service"])}
            routes.append({"technician": f"T{r['vehicle']}", "day": "2026-12-07", "start": t(r["steps"][0]["arrival"]), "end": t(r["steps"][-1]["arrival"]), "stops": stops, "break": brk})
        plan = {"routes": routes, "unassigned": [{"visit": f"J{u['id']}"} for u in sol["unassigned"]]}
        back = check.check(day, from_rota_plan.convert(day, plan))
        direct = check.check(day, sol)
        self.assertEqual(back["violations"], [])
        self.assertEqual(back, direct)
        # A plan that loses its break is caught.
        plan["routes"][0]["break"] = None
        self.assertTrue(any("missing" in v for v in check.check(day, from_rota_plan.convert(day, plan))["violations"]))


if __name__ == "__main__":
    unittest.main()

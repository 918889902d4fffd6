#!/usr/bin/env python3
"""Regenerates the broken problem files in this directory from the tiny fixture.

Each case is one mistake a user could make; EXPECTED.tsv lists, per file, the text that
`rota validate` must print (record and field included). The files are committed; run this
only to add a case: python3 tests/broken/make.py
"""
import copy
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
BASE = json.load(open(os.path.join(HERE, "..", "..", "fixtures", "sample", "tiny-problem.json")))
cases = []


def case(name, expected, mutate=None, text=None):
    path = os.path.join(HERE, name)
    if text is None:
        p = copy.deepcopy(BASE)
        mutate(p)
        text = json.dumps(p, indent=1, ensure_ascii=False)
    with open(path, "w") as f:
        f.write(text)
    for e in expected:
        cases.append((name, e))


v0, v2 = BASE["visits"][0]["id"], BASE["visits"][2]["id"]
t0 = BASE["technicians"][0]["id"]

case("malformed-json.json", ["file: not valid JSON: EOF while parsing"], text=json.dumps(BASE)[:500])
case("empty-file.json", ["file: not valid JSON"], text="")
case("not-an-object.json", ["file: expected a JSON object at the top level"], text="[1, 2, 3]")
case("wrong-format.json", ['file: format: unsupported format "rota-problem/9"'], lambda p: p.update(format="rota-problem/9"))
case("unknown-skill.json", [f'visits[0] "{v0}": skill: unknown skill "welding"'], lambda p: p["visits"][0].update(skill="welding"))


def dup_visit(p):
    p["visits"][1]["id"] = p["visits"][0]["id"]
case("duplicate-visit-id.json", [f'visits[1] "{v0}": id: duplicate id (first used by visits[0])'], dup_visit)


def dup_tech(p):
    p["technicians"][1]["id"] = p["technicians"][0]["id"]
case("duplicate-technician-id.json", [f'technicians[1] "{t0}": id: duplicate id (first used by technicians[0])'], dup_tech)


def window(p):
    p["visits"][2]["time_windows"] = [{"start": "2026-12-07T10:00", "end": "2026-12-07T08:00"}]
case("window-ends-before-start.json", [f'visits[2] "{v2}": time_windows[0]: time window ends (08:00) before it starts (10:00)'], window)
case("negative-duration.json", [f'visits[0] "{v0}": duration_min: must be positive, got -30'], lambda p: p["visits"][0].update(duration_min=-30))
case("outside-every-region.json", [f'visits[0] "{v0}": location: (48.5, 10) lies outside every region'],
     lambda p: p["visits"][0].update(location={"lat": 48.5, "lon": 10.0}))
case("unknown-technician-in-pin.json", [f'visits[0] "{v0}": pin.technician: unknown technician "T999"'],
     lambda p: p["visits"][0].update(pin={"technician": "T999"}))


def expired_only(p):
    for t in p["technicians"]:
        t["certifications"] = [c for c in t["certifications"] if c["certification"] != "gas-safe"]
    p["technicians"][0]["certifications"].append({"certification": "gas-safe", "valid_until": "2026-10-31"})
    p["visits"][0]["certifications"] = ["gas-safe"]
case("expired-only-certification.json",
     [f'visits[0] "{v0}": certifications[0]: every technician\'s "gas-safe" expired before the horizon (latest valid until 2026-10-31)'],
     expired_only)
case("wrong-type.json", [f'visits[0] "{v0}": duration_min: invalid type: string "an hour", expected i64'],
     lambda p: p["visits"][0].update(duration_min="an hour"))
case("missing-field.json", [f'visits[0] "{v0}": missing field `skill`'], lambda p: p["visits"][0].pop("skill"))
case("unknown-field.json", [f'visits[0] "{v0}": duraton_min: unknown field `duraton_min`'], lambda p: p["visits"][0].update(duraton_min=30))
case("unknown-priority.json", [f'visits[0] "{v0}": priority: unknown variant `urgent`'], lambda p: p["visits"][0].update(priority="urgent"))
case("bad-coordinates.json", [f'visits[0] "{v0}": location: not a valid position (lat 95'], lambda p: p["visits"][0].update(location={"lat": 95.0, "lon": 10.0}))


def shift(p):
    p["technicians"][0]["shifts"]["mon"] = {"start": "16:00", "end": "08:00"}
case("shift-ends-before-start.json", [f'technicians[0] "{t0}": shifts.mon.end: shift ends (08:00) before it starts (16:00)'], shift)


def bad_break(p):
    p["technicians"][0]["shifts"]["tue"]["break"] = {"earliest": "12:00", "latest": "12:15", "minutes": 30}
case("break-does-not-fit.json", [f'technicians[0] "{t0}": shifts.tue.break: a 30-minute break does not fit between 12:00 and 12:15'], bad_break)
case("unknown-region.json", [f'technicians[0] "{t0}": regions[0]: unknown region "atlantis"'], lambda p: p["technicians"][0].update(regions=["atlantis"]))
case("sla-before-creation.json", [f'visits[0] "{v0}": sla.on_site_by: SLA deadline (2026-12-01T08:00) is before the visit was created'],
     lambda p: p["visits"][0].update(sla={"on_site_by": "2026-12-01T08:00"}))
case("bad-time-text.json", [f'technicians[0] "{t0}": shifts.mon.start: expected a time of day like "08:30", got "8am"'],
     lambda p: p["technicians"][0]["shifts"]["mon"].update(start="8am"))
case("negative-weight.json", ["policy: workload_balance: weights must be finite and not negative"], lambda p: p.setdefault("policy", {}).update(workload_balance=-1.0))


def many(p):
    p["visits"][0]["skill"] = "welding"
    p["visits"][2]["duration_min"] = 0
    p["technicians"][0]["start_site"] = "nowhere"
case("several-mistakes.json",
     [f'visits[0] "{v0}": skill: unknown skill "welding"', f'visits[2] "{v2}": duration_min: must be positive, got 0',
      f'technicians[0] "{t0}": start_site: unknown site "nowhere"', "3 problem(s)"], many)

with open(os.path.join(HERE, "EXPECTED.tsv"), "w") as f:
    f.write("# file\texpected text in `rota validate` output (one line per expectation)\n")
    for name, e in cases:
        f.write(f"{name}\t{e}\n")
print(f"{len(set(n for n, _ in cases))} broken inputs written")

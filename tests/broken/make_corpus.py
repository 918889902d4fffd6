#!/usr/bin/env python3
"""Writes the malformed-input corpus beyond the problem files of make.py: more problem files,
plan files, road networks, CSV files, rating feeds and command lines, each with the exit code
and a fragment of the message `rota` must give (CORPUS.tsv). The files are committed; run this
only to add a case: python3 tests/broken/make_corpus.py

CORPUS.tsv columns: how, file (relative to tests/broken/), exit code, message fragment.
  validate      rota validate FILE
  check         rota check fixtures/sample/tiny-problem.json FILE (a plan file)
  roads         rota validate FILE (a problem naming a broken road network next to it), then
                rota import --db DB roads NETWORK: refused, the database unchanged
  import:KIND   rota import --db DB KIND FILE into a database holding the tiny problem; the
                database must be unchanged (dump compared)
  feed-sign     rota ratings sign --key KEY FILE -o OUT (an unsigned payload)
  feed-import   the payload is signed with the test's key, then rota ratings import: refused,
                the database unchanged
  feed-envelope rota ratings import --db DB FILE as it is: refused, the database unchanged
  args          the command line in the file column (words separated by spaces; DB is the
                test's database, TINY the tiny problem)
Every case must also never exit 101 (a panic); tests/e2e/broken.rs checks it all.
"""
import copy
import json
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
BASE = json.load(open(os.path.join(ROOT, "fixtures", "sample", "tiny-problem.json")))
rows = []


def write(rel, data):
    path = os.path.join(HERE, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


def row(how, rel, code, fragment):
    assert "\t" not in fragment and "\n" not in fragment
    rows.append((how, rel, code, fragment))


def problem(mutate):
    p = copy.deepcopy(BASE)
    mutate(p)
    return json.dumps(p, indent=1, ensure_ascii=False)


for d in ["problem", "plans", "roads", "csv", "feeds"]:
    shutil.rmtree(os.path.join(HERE, d), ignore_errors=True)

# ---------------------------------------------------------------- problem files (rota validate)
v0, t0, p0 = BASE["visits"][0]["id"], BASE["technicians"][0]["id"], BASE["providers"][0]["id"]
V = f'visits[0] "{v0}"'
T = f'technicians[0] "{t0}"'
P = f'providers[0] "{p0}"'


def pcase(name, fragment, mutate=None, text=None):
    rel = f"problem/{name}.json"
    write(rel, text if text is not None else problem(mutate))
    row("validate", rel, 2, fragment)


def setp(path, value):
    def f(p):
        obj = p
        for k in path[:-1]:
            obj = obj[k]
        obj[path[-1]] = value
    return f


def policy(key, value):
    def f(p):
        pol = p.setdefault("policy", {})
        if "." in key:
            a, b = key.split(".")
            pol.setdefault(a, {"emergency": 1.0, "vip": 1.0, "standard": 1.0} if a in ("unassigned", "sla_late_per_minute")
                           else {"new": 1.0, "growth": 1.0, "value": 1.0, "churn-risk": 1.0})[b] = value
        else:
            pol[key] = value
    return f


pcase("unknown-time-zone", 'timezone: unknown time zone "Mars/Olympus_Mons"', setp(["timezone"], "Mars/Olympus_Mons"))
pcase("time-zone-abbreviation", 'unknown time zone "CEST"', setp(["timezone"], "CEST"))
pcase("empty-time-zone", "must name the service area's time zone", setp(["timezone"], ""))
pcase("horizon-year-9999", "horizon: start: must be a date in the years 1970–2999, got 9999-12-27", setp(["horizon", "start"], "9999-12-27"))
pcase("horizon-year-1900", "must be a date in the years 1970–2999", setp(["horizon", "start"], "1900-01-01"))
pcase("horizon-zero-days", "horizon: days: must be 1–366, got 0", setp(["horizon", "days"], 0))
pcase("horizon-400-days", "must be 1–366, got 400", setp(["horizon", "days"], 400))
pcase("horizon-negative-days", "invalid value: integer `-1`", setp(["horizon", "days"], -1))
pcase("horizon-bad-date", "horizon: start:", setp(["horizon", "start"], "2026-02-30"))
for key, value, frag in [
    ("travel_time_weight", 1e308, "policy: travel_time_weight: must be at most 1e9"),
    ("travel_distance_weight", 1e12, "policy: travel_distance_weight: must be at most 1e9"),
    ("workload_balance", 1e308, "policy: workload_balance: must be at most 1e9"),
    ("disruption_move", 5e9, "policy: disruption_move: must be at most 1e9"),
    ("secondary_region", -5.0, "policy: secondary_region: weights must be finite and not negative"),
    ("provider_rating", 1e300, "policy: provider_rating: must be at most 1e9"),
    ("unassigned.emergency", 1e308, "policy: unassigned.emergency: must be at most 1e9"),
    ("sla_late_per_minute.vip", 1e308, "policy: sla_late_per_minute.vip: must be at most 1e9"),
    ("sla_segment_factor.churn-risk", 1e308, "policy: sla_segment_factor.churn-risk: must be at most 1e9"),
    ("provider_min_share_shortfall", -1e308, "policy: provider_min_share_shortfall: weights must be finite and not negative"),
]:
    pcase(f"policy-{key.replace('.', '-')}-{'huge' if value > 0 else 'negative'}", frag, policy(key, value))
pcase("policy-weight-as-text", "policy: travel_time_weight: invalid type: string", policy("travel_time_weight", "a lot"))
pcase("policy-unknown-field", "policy: travel_weight: unknown field `travel_weight`", policy("travel_weight", 1.0))
pcase("policy-share-unknown-provider", 'unknown provider "nobody"',
      setp(["policy"], {"provider_region_shares": [{"provider": "nobody", "region": "north", "min_pct": 0, "max_pct": 50}]}))
pcase("technician-cost-per-hour-huge", f"{T}: cost_per_hour: must be a number in 0–1000000, got 1e308",
      lambda p: p["technicians"][0].update(cost_per_hour=1e308))
pcase("technician-cost-per-km-negative", f"{T}: cost_per_km: must be a number in 0–1000000, got -1", lambda p: p["technicians"][0].update(cost_per_km=-1))
pcase("technician-capacity-huge", f"{T}: capacity: must be a number in 0–1000000", lambda p: p["technicians"][0].update(capacity=1e20))
pcase("technician-max-visits-zero", f"{T}: max_visits_per_day: must be 1–1000, got 0", lambda p: p["technicians"][0].update(max_visits_per_day=0))
pcase("technician-max-visits-huge", f"{T}: max_visits_per_day: must be 1–1000, got 5000000", lambda p: p["technicians"][0].update(max_visits_per_day=5000000))
pcase("technician-skill-level-9", f"{T}: skills[0].level: must be 1–3, got 9", lambda p: p["technicians"][0]["skills"][0].update(level=9))
pcase("technician-skill-twice", f'{T}: skills[1]: skill "it-network" listed twice',
      lambda p: p["technicians"][0]["skills"].__setitem__(1, {"skill": "it-network", "level": 1}))
pcase("technician-no-skills", f"{T}: skills: a technician needs at least one skill", lambda p: p["technicians"][0].update(skills=[]))
pcase("technician-no-regions", f"{T}: regions: a technician needs at least one primary region", lambda p: p["technicians"][0].update(regions=[]))
pcase("technician-secondary-also-primary", f'{T}: secondary_regions[0]: region "north" is already a primary region',
      lambda p: p["technicians"][0].update(secondary_regions=["north"]))
pcase("technician-unknown-provider", f'{T}: provider: unknown provider "acme"', lambda p: p["technicians"][0].update(provider="acme"))
pcase("technician-unknown-end-site", f'{T}: end_site: unknown site "moon-base"', lambda p: p["technicians"][0].update(end_site="moon-base"))
pcase("technician-absence-backwards", f"{T}: absences[0].to: absence ends (2026-12-01) before it starts (2026-12-09)",
      lambda p: p["technicians"][0].update(absences=[{"from": "2026-12-09", "to": "2026-12-01"}]))
pcase("technician-shift-25h", f"{T}: shifts.mon.end:", lambda p: p["technicians"][0]["shifts"]["mon"].update(end="25:00"))
pcase("technician-break-zero", f"{T}: shifts.mon.break.minutes: must be at least 1",
      lambda p: p["technicians"][0]["shifts"]["mon"]["break"].update(minutes=0))
pcase("technician-break-outside-shift", f"{T}: shifts.mon.break: break window 06:00–07:00 lies outside the shift",
      lambda p: p["technicians"][0]["shifts"]["mon"]["break"].update(earliest="06:00", latest="07:00"))
pcase("technician-unknown-certification", f'{T}: certifications[0].certification: unknown certification "pilot"',
      lambda p: p["technicians"][0].update(certifications=[{"certification": "pilot", "valid_until": "2027-01-01"}]))
pcase("technician-unknown-weekday", f"{T}: shifts.mon_: unknown field", lambda p: p["technicians"][0]["shifts"].update(mon_={"start": "08:00", "end": "12:00"}))
pcase("visit-parts-volume-huge", f"{V}: parts_volume: must be a number in 0–1000000, got 1e300", lambda p: p["visits"][0].update(parts_volume=1e300))
pcase("visit-parts-volume-negative", f"{V}: parts_volume: must be a number in 0–1000000, got -2", lambda p: p["visits"][0].update(parts_volume=-2))
pcase("visit-duration-a-week", f"{V}: duration_min: must be at most 1440 minutes, got 10080", lambda p: p["visits"][0].update(duration_min=10080))
pcase("visit-duration-float", f"{V}: duration_min: invalid type: floating point", lambda p: p["visits"][0].update(duration_min=30.5))
pcase("visit-min-level-0", f"{V}: min_level: must be 1–3, got 0", lambda p: p["visits"][0].update(min_level=0))
pcase("visit-min-level-300", f"{V}: min_level: invalid value: integer `300`", lambda p: p["visits"][0].update(min_level=300))
pcase("visit-complexity-9", f"{V}: complexity: must be 1–3, got 9", lambda p: p["visits"][0].update(complexity=9))
pcase("visit-unknown-status", f"{V}: status: unknown variant `lost`", lambda p: p["visits"][0].update(status="lost"))
pcase("visit-unknown-segment", f"{V}: segment: unknown variant `gold`", lambda p: p["visits"][0].update(segment="gold"))
pcase("visit-dispatched-without-current", f'{V}: current: a Dispatched visit needs its current technician and start',
      lambda p: p["visits"][0].update(status="dispatched"))
pcase("visit-pin-empty", f"{V}: pin: a pin needs a technician, a day or a start", lambda p: p["visits"][0].update(pin={}))
pcase("visit-pin-day-outside", f"{V}: pin.day: 2027-03-01 is outside the horizon", lambda p: p["visits"][0].update(pin={"day": "2027-03-01"}))
pcase("visit-unknown-certification", f'{V}: certifications[0]: unknown certification "pilot"', lambda p: p["visits"][0].update(certifications=["pilot"]))
pcase("visit-unknown-preferred", f'{V}: preferred_technician: unknown technician "T999"', lambda p: p["visits"][0].update(preferred_technician="T999"))
pcase("visit-unknown-excluded", f'{V}: excluded_technicians[0]: unknown technician "T999"', lambda p: p["visits"][0].update(excluded_technicians=["T999"]))
pcase("visit-created-at-text", f"{V}: created_at:", lambda p: p["visits"][0].update(created_at="yesterday"))
pcase("visit-window-bad-date", f"{V}: time_windows[0].start:", lambda p: p["visits"][0].update(time_windows=[{"start": "2026-13-07T08:00", "end": "2026-12-07T12:00"}]))
pcase("visit-lat-as-text", f"{V}: location.lat: invalid type: string", lambda p: p["visits"][0]["location"].update(lat="north"))
pcase("visit-lon-out-of-range", f"{V}: location: not a valid position (lat 50.049239, lon 540)", lambda p: p["visits"][0]["location"].update(lon=540.0))
pcase("visit-empty-id", 'visits[0]: id: must not be empty', lambda p: p["visits"][0].update(id=""))
pcase("provider-rating-1.5", f"{P}: rating: must be in 0–1, got 1.5", lambda p: p["providers"][0].update(rating=1.5))
pcase("provider-level-5", f"{P}: certification_level: must be 1–3, got 5", lambda p: p["providers"][0].update(certification_level=5))
pcase("provider-share-min-above-max", f"{P}: share: needs 0 ≤ min_pct ≤ max_pct ≤ 100, got min 80, max 20",
      lambda p: p["providers"][0].update(share={"min_pct": 80, "max_pct": 20}))
pcase("provider-unknown-region", f'{P}: regions[0]: unknown region "atlantis"', lambda p: p["providers"][0].update(regions=["atlantis"]))
pcase("region-two-points", 'regions[0] "central": area.coordinates[0]: a polygon ring needs at least 3 positions, got 2',
      lambda p: p["regions"][0].update(area={"type": "Polygon", "coordinates": [[[9.9, 50.0], [10.0, 50.0]]]}))
pcase("region-bad-position", 'regions[0] "central": area.coordinates[0][1]: not a valid [lon, lat] position: [200, 50]',
      lambda p: p["regions"][0].update(area={"type": "Polygon", "coordinates": [[[9.9, 50.0], [200, 50.0], [10.0, 50.1]]]}))
pcase("region-empty-multipolygon", 'regions[0] "central": area.coordinates: a MultiPolygon needs at least one polygon',
      lambda p: p["regions"][0].update(area={"type": "MultiPolygon", "coordinates": []}))
pcase("region-unknown-geometry", 'regions[0] "central": area.type: unknown variant `Circle`', lambda p: p["regions"][0].update(area={"type": "Circle", "coordinates": []}))
pcase("duplicate-region-id", 'regions[1] "central": id: duplicate id (first used by regions[0])', lambda p: p["regions"][1].update(id="central"))
pcase("no-regions", "regions: at least one region is needed", lambda p: p.update(regions=[]))
pcase("no-sites", "sites: at least one site is needed", lambda p: p.update(sites=[]))
pcase("technicians-missing", "technicians: missing (required", lambda p: p.pop("technicians"))
pcase("visits-not-a-list", "visits: expected a list of records", lambda p: p.update(visits={"V001": {}}))
pcase("skill-empty-id", "skills[0]: id: must not be empty", lambda p: p["skills"][0].update(id=" "))
pcase("travel-unknown-model", "travel: model: unknown variant `teleport`", lambda p: p.update(travel={"model": "teleport"}))
pcase("travel-speed-zero", "travel: speed_kmh: must be > 0 and at most 300, got 0", lambda p: p["travel"].update(speed_kmh=0))
pcase("travel-speed-light", "travel: speed_kmh: must be > 0 and at most 300, got 1.0792528488e9", lambda p: p["travel"].update(speed_kmh=1079252848.8))
pcase("travel-detour-below-one", "travel: detour_factor: must be 1–10, got 0.5", lambda p: p["travel"].update(detour_factor=0.5))
pcase("travel-detour-huge", "travel: detour_factor: must be 1–10, got 1e300", lambda p: p["travel"].update(detour_factor=1e300))
pcase("travel-road-without-network", "travel: network: must name a road network file", lambda p: p.update(travel={"model": "road", "network": " "}))


def matrix(mut):
    def f(p):
        ids = [s["id"] for s in p["sites"]] + [v["id"] for v in p["visits"]]
        n = len(ids)
        m = {"model": "matrix", "locations": ids, "durations": [[0 if i == j else 600 for j in range(n)] for i in range(n)],
             "distances": [[0 if i == j else 5000 for j in range(n)] for i in range(n)]}
        mut(m)
        p["travel"] = m
    return f


pcase("matrix-negative-duration", "travel: durations[0][1]: must be a number in 0–2592000, got -600", matrix(lambda m: m["durations"][0].__setitem__(1, -600)))
pcase("matrix-huge-distance", "travel: distances[1][0]: must be a number in 0–40000000, got 1e308", matrix(lambda m: m["distances"][1].__setitem__(0, 1e308)))
pcase("matrix-short-row", "travel: durations[2]: needs", matrix(lambda m: m["durations"][2].pop()))
pcase("matrix-missing-site", 'travel: locations: site "central-depot" is missing from the matrix', matrix(lambda m: m["locations"].__setitem__(0, "elsewhere")))
pcase("matrix-location-twice", "travel: locations[1]:", matrix(lambda m: m["locations"].__setitem__(1, m["locations"][0])))
# Syntax and encoding.
good = problem(lambda p: None)
pcase("duplicate-top-level-key", "file: name: this key appears twice in the same object",
      text=good.replace('"name":', '"name": "first", "name":', 1))
pcase("duplicate-key-in-visit", "file: visits[0].customer: this key appears twice in the same object",
      text=good.replace('"customer": "Apotheke Schlossberg"', '"customer": "x", "customer": "Apotheke Schlossberg"', 1))
pcase("duplicate-key-in-policy", "file: policy.workload_balance: this key appears twice",
      text=good.replace('"timezone"', '"policy": {"workload_balance": 1, "workload_balance": 1e308}, "timezone"', 1))
pcase("bom-then-truncated", "file: not valid JSON: EOF while parsing", text="\ufeff" + good[:300])
write("problem/latin1.json", good.replace("Apotheke", "Apothéke").encode("latin-1", errors="replace"))
row("validate", "problem/latin1.json", 2, "not UTF-8 text: line")
write("problem/utf16.json", good.encode("utf-16"))
row("validate", "problem/utf16.json", 2, "the file is UTF-16")
write("problem/binary.json", bytes(range(256)) * 4)
row("validate", "problem/binary.json", 2, "not UTF-8 text: line 2, byte offset 128")
pcase("truncated-mid-string", "file: not valid JSON: EOF while parsing a string", text=good[: good.index("Apotheke") + 3])
pcase("trailing-garbage", "file: not valid JSON: trailing characters", text=good + "\n}")
pcase("only-whitespace", "file: not valid JSON: EOF while parsing", text="  \n\t ")
pcase("json-null", "file: expected a JSON object at the top level", text="null")
pcase("json-number", "file: expected a JSON object at the top level", text="42")
pcase("format-missing", "file: format: missing", lambda p: p.pop("format"))
pcase("format-number", "file: format: expected the string", lambda p: p.update(format=1))
pcase("deep-nesting", "file: not valid JSON: recursion limit exceeded", text='{"format": "rota-problem/1", "name": ' + "[" * 5000 + "]" * 5000 + "}")
pcase("number-out-of-range", "file: not valid JSON: number out of range", text=good.replace('"lat": 50.049239', '"lat": 1e999', 1))
pcase("nul-byte-in-text", "file: not valid JSON: control character", text=good.replace("Apotheke", "Apo\u0000theke", 1))

# ---------------------------------------------------------------- plan files (rota check)
TINY_PLAN = {"format": "rota-plan/1"}


def plan_case(name, fragment, text):
    rel = f"plans/{name}.json"
    write(rel, text)
    row("check", rel, 2, fragment)


plan_case("empty", "not valid JSON", "")
plan_case("not-json", "not valid JSON", "plan: yes")
plan_case("wrong-format", 'format: expected "rota-plan/1", got "rota-plan/7"', '{"format": "rota-plan/7"}')
plan_case("format-missing", "format: missing", '{"routes": []}')
plan_case("duplicate-format-key", "format: this key appears twice", '{"format": "rota-plan/1", "format": "rota-plan/1"}')
plan_case("missing-fields", "missing field", '{"format": "rota-plan/1"}')
plan_case("array", "format: missing", "[]")
write("plans/latin1.json", b'{"format": "rota-plan/1", "problem": {"name": "J\xfcrgen"}}')
row("check", "plans/latin1.json", 2, "not UTF-8 text: line 1, byte offset 48")

# ---------------------------------------------------------------- road networks (rota validate + import roads)
ROADS = json.load(open(os.path.join(ROOT, "fixtures", "sample", "roads.json")))
SMALL_ROADS = {"format": ROADS["format"], "name": "broken", "nodes": [[9.9, 50.0], [10.0, 50.0], [10.0, 50.1]],
               "edges": [{"from": 0, "to": 1, "class": "primary"}, {"from": 1, "to": 2, "class": "primary"}]}


def roads_case(name, fragment, network=None, text=None, ext=".json", import_fragment=None):
    net_name = f"{name}.roads{ext}"
    if text is None and network is not None:
        text = json.dumps(network)
    if text is not None:
        write(f"roads/{net_name}", text)
    rel = f"roads/{name}.problem.json"
    write(rel, problem(lambda p: p.update(travel={"model": "road", "network": net_name})))
    row("roads", rel, 2, fragment)


def net(mut):
    n = copy.deepcopy(SMALL_ROADS)
    mut(n)
    return n


roads_case("missing-file", "cannot read the road network file", None)
roads_case("empty-file", "not a valid rota-roads/1 document", text="")
roads_case("truncated", "not a valid rota-roads/1 document", text=json.dumps(SMALL_ROADS)[:60])
roads_case("a-problem-not-roads", "not a valid rota-roads/1 document", text=good)
roads_case("unknown-node", "edges[1]: to: node 7 does not exist (network has 3 nodes)", net(lambda n: n["edges"][1].update(to=7)))
roads_case("self-loop", "edges[0]: to: self loop on node 0", net(lambda n: n["edges"][0].update(to=0)))
roads_case("no-edges", "edges: the network has no edges", net(lambda n: n.update(edges=[])))
roads_case("no-nodes", "nodes: the network has no nodes", net(lambda n: n.update(nodes=[], edges=[])))
roads_case("bad-longitude", "nodes[1]: longitude 500 is not a number in [-180, 180]", net(lambda n: n["nodes"].__setitem__(1, [500.0, 50.0])))
roads_case("speed-zero", "edges[0]: speed_kmh: 0 is not a positive number", net(lambda n: n["edges"][0].update(speed_kmh=0)))
roads_case("speed-of-light", "edges[0]: speed_kmh: 1079252848 is faster than the maximum of 300 km/h", net(lambda n: n["edges"][0].update(speed_kmh=1079252848)))
roads_case("length-negative", "edges[0]: length_m: -5 is negative", net(lambda n: n["edges"][0].update(length_m=-5)))
roads_case("length-huge", "edges[0]: length_m: 1000000000000 m is longer than the maximum", net(lambda n: n["edges"][0].update(length_m=1e12)))
roads_case("wrong-format", 'format: expected "rota-roads/1"', net(lambda n: n.update(format="rota-roads/0")))
roads_case("unknown-class", "unknown variant `spaceway`", net(lambda n: n["edges"][0].update({"class": "spaceway"})))
roads_case("duplicate-key", "duplicate field `nodes`", text=json.dumps(SMALL_ROADS).replace('"nodes":', '"nodes": [], "nodes":', 1))
roads_case("unknown-extension", "unknown road network file type", text="{}", ext=".txt")
roads_case("garbage-pbf", "", text="this is not a protocol buffer", ext=".osm.pbf")
write("roads/latin1.roads.json", json.dumps(net(lambda n: n.update(name="Stra\u00dfen")), ensure_ascii=False).encode("latin-1"))
write("roads/latin1.problem.json", problem(lambda p: p.update(travel={"model": "road", "network": "latin1.roads.json"})))
row("roads", "roads/latin1.problem.json", 2, "not a valid rota-roads/1 document")

# ---------------------------------------------------------------- CSV and GeoJSON imports
VISIT_HEADER = "id,customer,lat,lon,skill,min_level,duration_min,priority,segment,created_at"
VISIT_ROW = "VX1,Jürgen Müller,50.05,9.98,electrical,1,60,standard,value,2026-12-05T07:50"
TECH_HEADER = "id,name,start_site,skills,regions,mon"
TECH_ROW = "TX1,Hui Sun,north-station,hvac:2,north,08:00-16:30"
PERF_HEADER = "provider,technician,region,skill,on_time,first_time_fix,customer_score,completed_on"
PERF_ROW = "apex,T004,north,hvac,1,1,5,2026-10-01"
HIST_HEADER = "date,region,skill,visits,hours"
HIST_ROW = "2026-10-01,north,hvac,3,4.5"


def csv_case(kind, name, fragment, text, ext=".csv"):
    rel = f"csv/{kind}/{name}{ext}"
    write(rel, text)
    row(f"import:{kind}", rel, 2, fragment)


def vrow(**over):
    cols = VISIT_HEADER.split(",")
    vals = dict(zip(cols, VISIT_ROW.split(",")))
    vals.update(over)
    extra = [c for c in over if c not in cols]
    header = ",".join(cols + extra)
    return header + "\n" + ",".join(str(vals[c]) for c in cols + extra) + "\n"


csv_case("visits", "latin1", "not UTF-8 text: line 2, byte offset", (VISIT_HEADER + "\n" + VISIT_ROW + "\n").encode("latin-1"))
csv_case("visits", "utf16", "the file is UTF-16", (VISIT_HEADER + "\n" + VISIT_ROW + "\n").encode("utf-16"))
csv_case("visits", "duplicate-column", "line 1: lat: duplicate column (columns 3 and 11 have the same name)", VISIT_HEADER + ",lat\n" + VISIT_ROW + ",51.0\n")
csv_case("visits", "missing-column", "line 1: skill: missing column (required)", VISIT_HEADER.replace(",skill", "") + "\n")
csv_case("visits", "unknown-column", "line 1: colour: unknown column", VISIT_HEADER + ",colour\n" + VISIT_ROW + ",red\n")
csv_case("visits", "empty-file", "missing column (required)", "")
csv_case("visits", "ragged-row", "line 2: malformed row", VISIT_HEADER + "\n" + VISIT_ROW + ",extra\n")
csv_case("visits", "lat-as-text", 'line 2 "VX1": lat: expected a number, got "north"', vrow(lat="north"))
csv_case("visits", "lat-out-of-range", 'line 2 "VX1": location: not a valid position (lat 95', vrow(lat="95"))
csv_case("visits", "lon-huge", 'line 2 "VX1": location: not a valid position', vrow(lon="1e308"))
csv_case("visits", "lat-nan", 'line 2 "VX1": location: not a valid position (lat NaN', vrow(lat="NaN"))
csv_case("visits", "duration-text", 'line 2 "VX1": duration_min: expected a number, got "1h"', vrow(duration_min="1h"))
csv_case("visits", "duration-a-month", 'line 2 "VX1": duration_min: must be at most 1440 minutes', vrow(duration_min="43200"))
csv_case("visits", "min-level-7", 'line 2 "VX1": min_level: must be 1–3, got 7', vrow(min_level="7"))
csv_case("visits", "min-level-negative", 'line 2 "VX1": min_level: expected a number, got "-1"', vrow(min_level="-1"))
csv_case("visits", "priority-urgent", 'line 2 "VX1": priority: expected emergency, vip or standard, got "urgent"', vrow(priority="urgent"))
csv_case("visits", "created-at-text", 'line 2 "VX1": created_at: expected a local date and time', vrow(created_at="yesterday"))
csv_case("visits", "window-bad", 'line 2 "VX1": time_windows: expected start..end', vrow(time_windows="morning"))
csv_case("visits", "parts-volume-huge", 'line 2 "VX1": parts_volume: must be a number in 0–1000000, got 1e308', vrow(parts_volume="1e308"))
csv_case("visits", "parts-volume-inf", 'line 2 "VX1": parts_volume: must be a number in 0–1000000, got inf', vrow(parts_volume="inf"))
csv_case("visits", "status-lost", 'line 2 "VX1": status: expected open, planned', vrow(status="lost"))
csv_case("visits", "current-half", 'line 2 "VX1": current_start: current_technician and current_start go together', vrow(current_technician="T001"))
csv_case("visits", "communicated-maybe", 'line 2 "VX1": current_communicated: expected yes or no, got "maybe"', vrow(current_communicated="maybe"))
csv_case("visits", "unknown-skill", 'line 2 "VX1": skill: unknown skill "welding"', vrow(skill="welding"))
csv_case("visits", "duplicate-id", 'line 3 "VX1": id: duplicate id (first on line 2)', VISIT_HEADER + "\n" + VISIT_ROW + "\n" + VISIT_ROW + "\n")
csv_case("visits", "empty-id", "line 2: id: required, but empty", VISIT_HEADER + "\n" + VISIT_ROW.replace("VX1", "") + "\n")
csv_case("visits", "unclosed-quote", "malformed row", VISIT_HEADER + "\n" + VISIT_ROW.replace("Jürgen", '"Jürgen') + "\n" + VISIT_ROW + "\n")


def trow(**over):
    cols = TECH_HEADER.split(",")
    vals = dict(zip(cols, TECH_ROW.split(",")))
    vals.update(over)
    extra = [c for c in over if c not in cols]
    return ",".join(cols + extra) + "\n" + ",".join(str(vals[c]) for c in cols + extra) + "\n"


csv_case("technicians", "duplicate-column", "line 1: skills: duplicate column", TECH_HEADER + ",skills\n" + TECH_ROW + ",hvac:1\n")
csv_case("technicians", "skill-level-text", 'line 2 "TX1": skills: expected skill:level like "hvac:2", got "hvac:high"', trow(skills="hvac:high"))
csv_case("technicians", "cost-per-hour-huge", 'line 2 "TX1": cost_per_hour: must be a number in 0–1000000, got 1e308', trow(cost_per_hour="1e308"))
csv_case("technicians", "capacity-negative", 'line 2 "TX1": capacity: must be a number in 0–1000000, got -3', trow(capacity="-3"))
csv_case("technicians", "shift-8am", 'line 2 "TX1": mon: expected a shift like', trow(mon="8am-4pm"))
csv_case("technicians", "shift-backwards", 'line 2 "TX1": shifts.mon.end: shift ends (08:00) before it starts (16:30)', trow(mon="16:30-08:00"))
csv_case("technicians", "absence-bad", 'line 2 "TX1": absences: expected from..to[:reason]', trow(absences="next week"))
csv_case("technicians", "unknown-region", 'line 2 "TX1": regions[0]: unknown region "atlantis"', trow(regions="atlantis"))
csv_case("technicians", "unknown-site", 'line 2 "TX1": start_site: unknown site "moon"', trow(start_site="moon"))
csv_case("technicians", "max-visits-zero", 'line 2 "TX1": max_visits_per_day: must be 1–1000, got 0', trow(max_visits_per_day="0"))
csv_case("technicians", "max-visits-overflow", 'line 2 "TX1": max_visits_per_day: expected a number', trow(max_visits_per_day="99999999999"))
csv_case("technicians", "certification-bad", 'line 2 "TX1": certifications: expected certification:valid-until', trow(certifications="gas-safe"))
csv_case("technicians", "latin1", "not UTF-8 text: line 2, byte offset 43", (TECH_HEADER + "\nTX1,J\u00fcrgen,north-station,hvac:2,north,08:00-16:30\n").encode("latin-1"))
csv_case("providers", "level-9", 'line 2 "px": certification_level: must be 1–3, got 9',
         "id,name,certification_level,certified_until,regions\npx,P X,9,2028-01-01,north\n")
csv_case("providers", "date-bad", 'line 2 "px": certified_until: expected a date like 2026-12-07',
         "id,name,certification_level,certified_until,regions\npx,P X,2,someday,north\n")
csv_case("providers", "rating-2", 'line 2 "px": rating: must be in 0–1, got 2',
         "id,name,certification_level,certified_until,regions,rating\npx,P X,2,2028-01-01,north,2\n")
csv_case("providers", "share-min-above-max", 'line 2 "px": share: needs 0 ≤ min_pct ≤ max_pct ≤ 100',
         "id,name,certification_level,certified_until,regions,min_share_pct,max_share_pct\npx,P X,2,2028-01-01,north,90,10\n")
csv_case("providers", "duplicate-column", "line 1: name: duplicate column",
         "id,name,name,certification_level,certified_until,regions\npx,P X,Q,2,2028-01-01,north\n")
csv_case("skills", "empty-name", 'line 2 "welding": name: required, but empty', "id,name\nwelding,\n")
csv_case("skills", "duplicate-column", "line 1: id: duplicate column (columns 1 and 3", "id,name,id\nwelding,Welding,other\n")
csv_case("skills", "bom-and-latin1", "not UTF-8 text: line 2, byte offset 22", b"\xef\xbb\xbfid,name\nweld,Schwei\xdfen\n")
csv_case("certifications", "missing-name", "line 1: name: missing column (required)", "id\npilot\n")
csv_case("performance", "unknown-provider", 'line 2: provider: unknown provider "nobody"', PERF_HEADER + "\n" + PERF_ROW.replace("apex", "nobody") + "\n")
csv_case("performance", "score-7", "line 2: customer_score: expected a whole number 1–5, got \"7\"", PERF_HEADER + "\n" + PERF_ROW.replace(",5,", ",7,") + "\n")
csv_case("performance", "date-bad", 'line 2: completed_on: expected a date YYYY-MM-DD, got "2026-13-01"', PERF_HEADER + "\n" + PERF_ROW.replace("2026-10-01", "2026-13-01") + "\n")
csv_case("performance", "on-time-maybe", 'line 2: on_time: expected 1/0, true/false or yes/no, got "maybe"', PERF_HEADER + "\n" + PERF_ROW.replace("apex,T004,north,hvac,1", "apex,T004,north,hvac,maybe") + "\n")
csv_case("performance", "duplicate-column", "line 1: skill: duplicate column", PERF_HEADER + ",skill\n" + PERF_ROW + ",hvac\n")
csv_case("performance", "wrong-employer", 'line 2: technician: technician "T001" works for in-house, not provider "apex"', PERF_HEADER + "\n" + PERF_ROW.replace("T004", "T001") + "\n")
csv_case("performance", "latin1", "not UTF-8 text: line 2", (PERF_HEADER + "\napex,T004,north,hvac,1,1,5,2026-10-01\u00e9\n").encode("latin-1"))
csv_case("history", "hours-huge", "line 2: hours: expected a number of hours 0–", HIST_HEADER + "\n" + HIST_ROW.replace("4.5", "1e308") + "\n")
csv_case("history", "hours-negative", "line 2: hours: expected a number of hours 0–", HIST_HEADER + "\n" + HIST_ROW.replace("4.5", "-1") + "\n")
csv_case("history", "visits-negative", 'line 2: visits: expected a whole number', HIST_HEADER + "\n" + HIST_ROW.replace(",3,", ",-3,") + "\n")
csv_case("history", "date-bad", "line 2: date:", HIST_HEADER + "\n" + HIST_ROW.replace("2026-10-01", "01.10.2026") + "\n")
csv_case("history", "unknown-region", 'line 2: region: unknown region "atlantis"', HIST_HEADER + "\n" + HIST_ROW.replace("north", "atlantis") + "\n")
csv_case("history", "duplicate-column", "line 1: hours: duplicate column", HIST_HEADER + ",hours\n" + HIST_ROW + ",5\n")
csv_case("history", "latin1", "not UTF-8 text: line 2", (HIST_HEADER + "\n" + HIST_ROW.replace("north", "n\u00f6rth") + "\n").encode("latin-1"))
csv_case("regions", "not-json", "file: not valid JSON", "regions: north", ext=".geojson")
csv_case("regions", "not-a-collection", "file: features: expected a GeoJSON FeatureCollection", '{"type": "Feature"}', ext=".geojson")
csv_case("regions", "no-id", "properties.id: missing: each region needs an id",
         '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[[9.9, 50], [10, 50], [10, 50.1], [9.9, 50]]]}}]}', ext=".geojson")
csv_case("regions", "latin1", "not UTF-8 text: line 1", b'{"type": "FeatureCollection", "name": "S\xfcd"}', ext=".geojson")
csv_case("problem", "duplicate-key", "file: name: this key appears twice", good.replace('"name":', '"name": "x", "name":', 1), ext=".json")
csv_case("problem", "latin1", "not UTF-8 text", good.replace("Apotheke", "Apothéke").encode("latin-1"), ext=".json")

# ---------------------------------------------------------------- rating feeds
FEED = {"format": "rota-ratings-feed/1", "issuer": "broken-corpus-issuer", "sequence": 1,
        "issued_at": "2026-11-30T00:00:00Z", "valid_until": "2027-06-30T00:00:00Z",
        "ratings": [{"provider": "apex", "rating": 0.8, "low": 0.7, "high": 0.9, "visits": 100}]}


def feed(mut):
    f = copy.deepcopy(FEED)
    mut(f)
    return json.dumps(f, indent=1, ensure_ascii=False)


def feed_case(how, name, fragment, text):
    rel = f"feeds/{name}.json"
    write(rel, text)
    row(how, rel, 2, fragment)


feed_case("feed-sign", "rating-above-one", "ratings[0] (apex): rating must be in 0–1, got 1.5", feed(lambda f: f["ratings"][0].update(rating=1.5)))
feed_case("feed-sign", "low-above-rating", "ratings[0] (apex): needs 0 ≤ low ≤ rating ≤ high ≤ 1", feed(lambda f: f["ratings"][0].update(low=0.95)))
feed_case("feed-sign", "visits-negative", "ratings[0] (apex): visits must be 0–100000000", feed(lambda f: f["ratings"][0].update(visits=-1)))
feed_case("feed-sign", "visits-huge", "ratings[0] (apex): visits must be 0–100000000", feed(lambda f: f["ratings"][0].update(visits=10**15)))
feed_case("feed-sign", "provider-twice", 'ratings[1]: provider "apex" listed twice', feed(lambda f: f["ratings"].append(dict(f["ratings"][0]))))
feed_case("feed-sign", "provider-empty", "ratings[0]: provider is empty", feed(lambda f: f["ratings"][0].update(provider=" ")))
feed_case("feed-sign", "sequence-zero", "sequence must be ≥ 1, got 0", feed(lambda f: f.update(sequence=0)))
feed_case("feed-sign", "valid-before-issued", "valid_until must be after issued_at", feed(lambda f: f.update(valid_until="2026-01-01T00:00:00Z")))
feed_case("feed-sign", "valid-for-a-century", "valid_until may be at most 1098 days after issued_at", feed(lambda f: f.update(valid_until="2126-01-01T00:00:00Z")))
feed_case("feed-sign", "wrong-format", 'format is "rota-ratings-feed/0"', feed(lambda f: f.update(format="rota-ratings-feed/0")))
feed_case("feed-sign", "unknown-field", "unknown field `comment`", feed(lambda f: f.update(comment="hi")))
feed_case("feed-sign", "duplicate-key", "duplicate field `issuer`", feed(lambda f: None).replace('"issuer":', '"issuer": "x", "issuer":', 1))
feed_case("feed-sign", "issued-at-text", "payload:", feed(lambda f: f.update(issued_at="last tuesday")))
feed_case("feed-sign", "latin1", "payload is not UTF-8", feed(lambda f: f["ratings"][0].update(provider="s\u00fcd")).encode("latin-1"))
feed_case("feed-import", "issued-in-2030", "feed from the future: issued at 2030-01-01", feed(lambda f: f.update(issued_at="2030-01-01T00:00:00Z", valid_until="2030-06-01T00:00:00Z")))
feed_case("feed-import", "issued-tomorrow", "feed from the future", feed(lambda f: f.update(issued_at="2099-01-01T00:00:00Z", valid_until="2099-06-01T00:00:00Z")))
feed_case("feed-import", "expired", "expired feed: valid until 2020-06-30", feed(lambda f: f.update(issued_at="2020-01-01T00:00:00Z", valid_until="2020-06-30T00:00:00Z")))
feed_case("feed-import", "unknown-issuer", 'unknown issuer "somebody-else"', feed(lambda f: f.update(issuer="somebody-else")))
feed_case("feed-envelope", "not-json", "not a readable feed: not JSON", "signed: yes")
feed_case("feed-envelope", "bare-payload", "unsigned feed: this is a bare rota-ratings-feed/1 payload", feed(lambda f: None))
feed_case("feed-envelope", "no-signature", "unsigned feed: the envelope has no signature",
          json.dumps({"format": "rota-signed-feed/1", "key_id": "00", "payload": feed(lambda f: None)}))
feed_case("feed-envelope", "empty-signature", "unsigned feed: the envelope has no signature",
          json.dumps({"format": "rota-signed-feed/1", "key_id": "00", "payload": feed(lambda f: None), "signature": " "}))
feed_case("feed-envelope", "wrong-envelope-format", 'envelope format is "rota-signed-feed/9"',
          json.dumps({"format": "rota-signed-feed/9", "key_id": "00", "payload": feed(lambda f: None), "signature": "AAAA"}))
feed_case("feed-envelope", "payload-not-json", "not a readable feed: payload:",
          json.dumps({"format": "rota-signed-feed/1", "key_id": "00", "payload": "ratings!", "signature": "AAAA"}))
feed_case("feed-envelope", "untrusted-issuer", 'unknown issuer "nobody-trusts-me"',
          json.dumps({"format": "rota-signed-feed/1", "key_id": "00", "payload": feed(lambda f: f.update(issuer="nobody-trusts-me")), "signature": "AAAA"}))
feed_case("feed-envelope", "wrong-key-id", "bad signature: signed with key 00, but issuer \"broken-corpus-issuer\" is trusted with key",
          json.dumps({"format": "rota-signed-feed/1", "key_id": "00", "payload": feed(lambda f: None), "signature": "AAAA"}))
feed_case("feed-envelope", "duplicate-signature-key", '"signature" appears twice',
          '{"format": "rota-signed-feed/1", "key_id": "00", "payload": "{}", "signature": "AAAA", "signature": "BBBB"}')
feed_case("feed-envelope", "unknown-envelope-field", "envelope: unknown field `note`",
          json.dumps({"format": "rota-signed-feed/1", "key_id": "00", "payload": "{}", "signature": "AAAA", "note": "x"}))
feed_case("feed-envelope", "envelope-latin1", "not UTF-8 text: line 1", b'{"format": "rota-signed-feed/1", "key_id": "\xff"}')
feed_case("feed-envelope", "empty", "not a readable feed: not JSON", "")

# ---------------------------------------------------------------- command lines
for args, fragment in [
    ("solve TINY -o OUT --time-limit 1e308", "--time-limit must be a number of seconds from 0 to 86400"),
    ("solve TINY -o OUT --time-limit=-1", "--time-limit must be a number of seconds from 0 to 86400"),
    ("solve TINY -o OUT --time-limit NaN", "--time-limit must be a number of seconds from 0 to 86400"),
    ("solve TINY -o OUT --time-limit inf", "--time-limit must be a number of seconds from 0 to 86400"),
    ("batch --db DB --time-limit 1e308", "--time-limit must be a number of seconds from 0 to 86400"),
    ("batch --db DB --time-limit 90000", "--time-limit must be a number of seconds from 0 to 86400"),
    ("batch --db DB --days 0", "--days must be 1–366, got 0"),
    ("batch --db DB --days 4000000000", "--days must be 1–366"),
    ("batch --db DB --date 2026-02-30", "--date must be YYYY-MM-DD"),
    ("batch --db DB --date 99999-01-01", "--date must be YYYY-MM-DD"),
    ("batch --db DB --shard 3/2", "--shard must be I/N with 1 ≤ I ≤ N"),
    ("batch --db DB --shard 0/0", "--shard must be I/N with 1 ≤ I ≤ N"),
    ("batch --db DB --lang xx", "--lang"),
    ("import --db DB colours tests/broken/problem/json-null.json", 'unknown kind "colours"'),
    ("import --db DB visits no/such/file.csv", "no/such/file.csv: cannot read"),
    ("show --db DB --plan 999999", "no plan version"),
    ("show --db DB --plan=-5", "no plan version"),
    ("export --db DB --plan 99999999999999999999 --to csv -o OUT", "no plan version"),
]:
    rows.append(("args", args, 2, fragment))

with open(os.path.join(HERE, "CORPUS.tsv"), "w") as f:
    f.write("# how\tfile (relative to tests/broken/) or command line\texit code\tmessage fragment — see make_corpus.py\n")
    for how, rel, code, fragment in rows:
        f.write(f"{how}\t{rel}\t{code}\t{fragment}\n")
print(f"{len(rows)} corpus cases written")

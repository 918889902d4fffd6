// The mock backend's feasibility rules and edits, on the committed sample.
import { describe, expect, it } from 'vitest';
import problemJson from '../src/mock/problem.json';
import planJson from '../src/mock/plan.json';
import regionsJson from '../src/mock/regions.geojson?raw';
import { MockBackend, scaleUp } from '../src/lib/backend/mock';
import { earliestStart, overlapViolations, staticViolations, timeViolations, travel } from '../src/lib/rules';
import type { Plan, Problem, Technician, Visit } from '../src/lib/backend/types';
import { regionOf } from '../src/lib/geo';

const problem = problemJson as unknown as Problem;
const plan = planJson as unknown as Plan;
const data = () => ({ problem, plan, regions: JSON.parse(regionsJson) });

const tech = (over: Partial<Technician> = {}): Technician => ({
  id: 'T', name: 'T', start_site: 'central-depot', skills: [{ skill: 'hvac', level: 2 }],
  certifications: [{ certification: 'gas-safe', valid_until: '2026-12-08' }], regions: ['central'], secondary_regions: [],
  shifts: { mon: { start: '08:00', end: '16:30' }, tue: { start: '08:00', end: '16:30' } }, ...over,
});
const visit = (over: Partial<Visit> = {}): Visit => ({
  id: 'V', customer: 'C', location: { lat: 50, lon: 10 }, skill: 'hvac', min_level: 2, certifications: [], duration_min: 60,
  time_windows: [{ start: '2026-12-07T10:00', end: '2026-12-07T12:00' }], priority: 'standard', segment: 'value', complexity: 1,
  created_at: '2026-12-06T08:00', excluded_technicians: [], parts_volume: 0, status: 'open', ...over,
});
const codes = (vs: { code: string }[]) => vs.map((v) => v.code);

describe('hard rules', () => {
  it('skill and level', () => {
    expect(codes(staticViolations(tech(), visit(), '2026-12-07'))).toEqual([]);
    expect(codes(staticViolations(tech(), visit({ min_level: 3 }), '2026-12-07'))).toEqual(['skill']);
    expect(codes(staticViolations(tech(), visit({ skill: 'elevator' }), '2026-12-07'))).toEqual(['skill']);
  });
  it('certification valid on the day (inclusive), never when missing', () => {
    const v = visit({ certifications: ['gas-safe'] });
    expect(codes(staticViolations(tech(), v, '2026-12-08'))).toEqual([]);
    expect(codes(staticViolations(tech(), v, '2026-12-09'))).toEqual(['certification', 'day_off']);
    expect(codes(staticViolations(tech(), visit({ certifications: ['f-gas'] }), '2026-12-07'))).toEqual(['certification']);
  });
  it('excluded technicians, days off and absences', () => {
    expect(codes(staticViolations(tech(), visit({ excluded_technicians: ['T'] }), '2026-12-07'))).toEqual(['excluded']);
    expect(codes(staticViolations(tech({ absences: [{ from: '2026-12-07', to: '2026-12-07' }] }), visit(), '2026-12-07'))).toEqual(['absent']);
    expect(codes(staticViolations(tech(), visit(), '2026-12-12'))).toEqual(['day_off']); // Saturday
  });
  it('time window: the service must start inside one', () => {
    const p = { technician: tech(), visit: visit(), day: '2026-12-07' };
    expect(codes(timeViolations({ ...p, start: 600 }))).toEqual([]);
    expect(codes(timeViolations({ ...p, start: 720 }))).toEqual([]); // start at the window's end is allowed
    expect(codes(timeViolations({ ...p, start: 725 }))).toEqual(['window']);
    expect(codes(timeViolations({ ...p, start: 595 }))).toEqual(['window']);
  });
  it('shift: start and end inside the shift', () => {
    const p = { technician: tech(), visit: visit({ time_windows: [] }), day: '2026-12-07' };
    expect(codes(timeViolations({ ...p, start: 480 }))).toEqual([]);
    expect(codes(timeViolations({ ...p, start: 470 }))).toEqual(['shift']);
    expect(codes(timeViolations({ ...p, start: 950 }))).toEqual(['shift']); // ends 16:50 > 16:30
  });
  it('overlap with other stops of the day', () => {
    const route = plan.routes.find((r) => r.stops.length >= 2)!;
    const s = route.stops[0];
    const v = visit({ id: 'X', duration_min: 30 });
    const start = Number(s.start.slice(11, 13)) * 60 + Number(s.start.slice(14, 16));
    expect(codes(overlapViolations(route, v, start))).toEqual(['overlap']);
    expect(codes(overlapViolations(route, { ...v, id: s.visit }, start))).toEqual([]); // itself
  });
  it('earliest start respects windows and shift', () => {
    expect(earliestStart(tech(), visit(), '2026-12-07')).toBe(600);
    expect(earliestStart(tech(), visit({ time_windows: [] }), '2026-12-07')).toBe(480);
    expect(earliestStart(tech(), visit(), '2026-12-12')).toBeNull();
  });
  it('haversine travel: detour 1.3 at 40 km/h', () => {
    const t = travel({ lat: 50, lon: 10 }, { lat: 50.1, lon: 10 });
    expect(t.distance_m).toBeGreaterThan(14400);
    expect(t.distance_m).toBeLessThan(14500);
    expect(t.travel_s).toBe(Math.round(t.distance_m / (40000 / 3600)));
  });
  it('regions: every sample visit lies in exactly the region of its neighbourhood', () => {
    expect(problem.visits.every((v) => regionOf(problem, v.location) !== null)).toBe(true);
  });
});

describe('MockBackend', () => {
  it('loads the sample and recomputes KPIs close to the solver', async () => {
    const b = new MockBackend(data());
    const k = await b.kpis();
    expect(k.visits).toBe(420);
    expect(k.assigned).toBe(plan.kpis.assigned);
    expect(k.travel_km).toBeCloseTo(plan.kpis.travel_km, 3);
    expect(k.sla_attainment_pct).toBeCloseTo(plan.kpis.sla_attainment_pct, 6);
    expect(k.first_time_fix_pct).toBeCloseTo(plan.kpis.first_time_fix_pct, 6);
  });

  it('refuses a move to an unqualified technician and says why', async () => {
    const b = new MockBackend(data());
    const r = plan.routes[0];
    const v = problem.visits.find((x) => x.id === r.stops[0].visit)!;
    const other = problem.technicians.find((t) => !t.skills.some((s) => s.skill === v.skill))!;
    const res = await b.moveVisit({ visit: v.id, technician: other.id, day: r.day, start: r.stops[0].start });
    expect(res.feasibility.ok).toBe(false);
    expect(codes(res.feasibility.violations)).toContain('skill');
    expect(res.version).toBeNull();
  });

  it('V416 (legionella lapsed) and V417 (no senior in West) have no slot', async () => {
    const b = new MockBackend(data());
    expect(await b.findSlot('V416')).toEqual([]);
    expect(await b.findSlot('V417')).toEqual([]);
  });

  it('find a slot → move → undo → redo, every change a version', async () => {
    const b = new MockBackend(data());
    const r = plan.routes.find((x) => x.stops.length > 1)!;
    const id = r.stops[1].visit;
    const opts = await b.findSlot(id, 20);
    expect(opts.length).toBeGreaterThan(0);
    const o = opts.find((x) => x.technician !== r.technician) ?? opts[0];
    expect((await b.checkMove({ visit: id, technician: o.technician, day: o.day, start: o.start })).ok).toBe(true);
    const res = await b.moveVisit({ visit: id, technician: o.technician, day: o.day, start: o.start });
    expect(res.feasibility.ok).toBe(true);
    const moved = res.plan!.routes.find((x) => x.technician === o.technician && x.day === o.day)!;
    expect(moved.stops.some((s) => s.visit === id && s.start === o.start)).toBe(true);
    // stops stay ordered and never overlap
    for (let i = 1; i < moved.stops.length; i++) expect(moved.stops[i - 1].end <= moved.stops[i].start).toBe(true);
    expect((await b.listPlanVersions()).length).toBe(2);
    const back = await b.undo();
    expect(back.routes.find((x) => x.technician === r.technician && x.day === r.day)!.stops[1].visit).toBe(id);
    expect((await b.undoState())).toEqual({ can_undo: false, can_redo: true });
    await b.redo();
    expect((await b.loadPlan()).routes.some((x) => x.technician === o.technician && x.stops.some((s) => s.visit === id))).toBe(true);
  });

  it('a locked visit cannot move or be unassigned', async () => {
    const b = new MockBackend(data());
    const s = plan.routes[0].stops[0];
    await b.setLock(s.visit, true);
    const res = await b.unassignVisit(s.visit);
    expect(codes(res.feasibility.violations)).toEqual(['locked']);
    const fe = await b.checkMove({ visit: s.visit, technician: plan.routes[0].technician, day: plan.routes[0].day, start: s.start });
    expect(codes(fe.violations)).toContain('locked');
  });

  it('emergency options are ranked by arrival and dispatch inserts the visit', async () => {
    const b = new MockBackend(data());
    const req = { customer: 'Hospital', location: { lat: 50.0, lon: 10.0 }, skill: 'electrical', min_level: 1, certifications: [], duration_min: 60, called_at: '2026-12-08T10:00' };
    const t0 = performance.now();
    const opts = await b.emergencyOptions(req, 5);
    expect(performance.now() - t0).toBeLessThan(100);
    expect(opts.length).toBeGreaterThan(0);
    for (let i = 1; i < opts.length; i++) expect(opts[i - 1].arrival <= opts[i].arrival).toBe(true);
    for (const o of opts) expect(o.arrival >= req.called_at).toBe(true);
    const res = await b.dispatchEmergency(req, opts[0]);
    expect(res.visit).toBe('E001');
    expect(res.plan!.routes.some((r) => r.technician === opts[0].technician && r.stops.some((s) => s.visit === 'E001' && s.locked))).toBe(true);
    for (const d of opts[0].displaces) expect(res.plan!.unassigned.some((u) => u.visit === d && u.reasons[0].code === 'displaced')).toBe(true);
  });

  it('optimize reports progress, gives a diff, can be cancelled, and accept makes a version', async () => {
    const b = new MockBackend(data());
    const seen: number[] = [];
    const res = await b.optimize({ kind: 'horizon' }, (p) => seen.push(p.fraction), new AbortController().signal);
    expect(seen.at(-1)).toBe(1);
    expect(res.cancelled).toBe(false);
    expect(res.diff.kpis_before.assigned).toBe(plan.kpis.assigned);
    expect(res.diff.kpis_after.assigned).toBe(plan.kpis.assigned + res.diff.newly_assigned.length - res.diff.newly_unassigned.length);
    const v = await b.acceptOptimization(res.run_id);
    expect(v.action.code).toBe('optimize');
    const ac = new AbortController();
    ac.abort();
    const cancelled = await b.optimize({ kind: 'day', day: '2026-12-08' }, () => {}, ac.signal);
    expect(cancelled.cancelled).toBe(true);
    expect(cancelled.diff.moved).toEqual([]);
  });

  it('provider scorecards: Crescent lapses during the horizon', async () => {
    const cards = await new MockBackend(data()).providerScorecards();
    expect(cards.map((c) => c.provider)).toEqual(['apex', 'brightline', 'crescent']);
    expect(cards.every((c) => c.certified_now)).toBe(true);
    expect(cards.find((c) => c.provider === 'crescent')!.certified_until).toBe('2026-12-10');
    // No performance records in the mock: the master data's rating, said so, no record rates.
    for (const c of cards) {
      expect(c.rating_source).toBe('master_data');
      expect(c.rating_low <= c.rating && c.rating <= c.rating_high).toBe(true);
      expect([c.record_visits, c.record_on_time_pct, c.record_first_time_fix_pct]).toEqual([0, null, null]);
    }
  });

  it('scales the sample for load tests', () => {
    const big = scaleUp(data(), 5);
    expect(big.problem.visits.length).toBe(2100);
    expect(big.problem.technicians.length).toBe(300);
    expect(new Set(big.problem.visits.map((v) => v.id)).size).toBe(2100);
  });
});

describe('MockBackend: from the queue', () => {
  it('an unassigned visit moved onto a feasible slot leaves the queue', async () => {
    const b = new MockBackend(data());
    let done = false;
    for (const u of plan.unassigned) {
      const o = (await b.findSlot(u.visit, 1))[0];
      if (!o) continue;
      const res = await b.moveVisit({ visit: u.visit, technician: o.technician, day: o.day, start: o.start });
      expect(res.feasibility.ok).toBe(true);
      expect(res.plan!.unassigned.some((x) => x.visit === u.visit)).toBe(false);
      expect(res.plan!.kpis.assigned).toBe(plan.kpis.assigned + 1);
      done = true;
      break;
    }
    expect(done).toBe(true);
  });
});

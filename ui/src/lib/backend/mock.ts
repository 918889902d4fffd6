// MockBackend: the whole backend in the browser, on the committed Northvale sample
// (ui/src/mock/: fixtures/sample/problem.json, regions.geojson and a plan made by `rota solve`).
//
// What it re-implements, and how honestly (see ui/README.md):
// - hard rules for edits (src/lib/rules.ts): skill and level, certifications valid on the day,
//   region (primary or secondary), excluded technicians, day off/absence, time window, shift,
//   overlap, arrival in time (travel), provider certified on the day, max visits per day, locks;
// - NOT: vehicle capacity, provider share caps, breaks (the solver checks those);
// - travel of rebuilt routes: haversine × 1.3 at 40 km/h (the solver uses the road network);
// - "optimize" is a greedy best-insertion of the queue plus relocation of late visits, with
//   progress and cancellation; KPIs are recomputed here with the definitions of docs/format.md.
import type {
  Backend, EditResult, EmergencyOption, EmergencyRequest, Feasibility, Kpis, MoveRequest, OptimizeProgress,
  OptimizeResult, OptimizeScope, Plan, PlanDiff, PlanVersion, Problem, ProviderScorecard, Route, RouteLine, SlotOption,
  Technician, UndoState, Violation, Visit, CoverageView, ScenarioComparison, ScenarioCreate, ScenarioInfo, ScenarioSpec,
  AreaInfo, AddressHit,
} from './types';
import { backendError, compareViews, mockCoverage, scenarioChanges } from '../coverage';
import { earliestStart, overlapViolations, staticViolations, timeViolations, travel } from '../rules';
import { regionOf } from '../geo';
import { addDays, at, dayOf, hhmm, horizonDays, minOfDay, toMin, weekday } from '../time';

export interface MockData { problem: Problem; plan: Plan; regions: GeoJSON.FeatureCollection }

const clone = <T>(x: T): T => structuredClone(x);
const PRIORITY_RANK: Record<string, number> = { emergency: 0, vip: 1, standard: 2 };

export class MockBackend implements Backend {
  readonly kind = 'mock' as const;
  private problem: Problem;
  private regions: GeoJSON.FeatureCollection;
  private plan: Plan;
  private versions: PlanVersion[] = [];
  private versionPlans = new Map<number, Plan>();
  private undoStack: Plan[] = [];
  private redoStack: Plan[] = [];
  private runs = new Map<string, { plan: Plan; scope: OptimizeScope }>();
  private visit = new Map<string, Visit>();
  private tech = new Map<string, Technician>();
  private visitRegion = new Map<string, string | null>();
  private emergencySeq = 0;
  private runSeq = 0;
  /** A fixed clock for reproducible tests: the horizon's first day, 07:00. */
  private now: string;

  constructor(data: MockData) {
    this.problem = clone(data.problem);
    this.regions = data.regions;
    for (const v of this.problem.visits) this.indexVisit(v);
    for (const t of this.problem.technicians) this.tech.set(t.id, t);
    this.now = this.problem.horizon.start + 'T07:00';
    const plan = clone(data.plan);
    plan.kpis = this.computeKpis(plan);
    this.plan = plan;
    this.record(plan, 'solver', { code: 'solve', params: { seed: String(plan.settings.seed ?? '') } });
  }

  private indexVisit(v: Visit) {
    this.visit.set(v.id, v);
    this.visitRegion.set(v.id, regionOf(this.problem, v.location));
  }

  private record(plan: Plan, author: PlanVersion['author'], action: PlanVersion['action']): PlanVersion {
    const id = this.versions.length + 1;
    const version: PlanVersion = {
      id, parent: this.versions.length ? this.versions[this.versions.length - 1].id : null, author, action,
      created_at: this.tick(), kpis: plan.kpis, objective_total: plan.objective.total,
    };
    this.versions.push(version);
    this.versionPlans.set(id, plan);
    return version;
  }

  private clockMin = 0;
  private tick(): string {
    // Version timestamps: a deterministic clock advancing one minute per version.
    const t = at(dayOf(this.now), minOfDay(this.now) + this.clockMin);
    this.clockMin += 1;
    return t;
  }

  // ---- reads -------------------------------------------------------------------------------
  async loadProblem() { return this.problem; }
  async loadRegions() { return this.regions; }
  async loadPlan(version?: number) {
    if (version === undefined) return this.plan;
    const p = this.versionPlans.get(version);
    if (!p) throw new Error(`unknown plan version ${version}`);
    return p;
  }
  async listPlanVersions() { return [...this.versions].reverse(); }
  async kpis(version?: number) { return (await this.loadPlan(version)).kpis; }
  async undoState(): Promise<UndoState> { return { can_undo: this.undoStack.length > 0, can_redo: this.redoStack.length > 0 }; }

  // ---- rules -------------------------------------------------------------------------------
  private routeOf(plan: Plan, technician: string, day: string): Route | undefined {
    return plan.routes.find((r) => r.technician === technician && r.day === day);
  }
  private findStop(plan: Plan, visit: string) {
    for (const r of plan.routes) {
      const s = r.stops.find((x) => x.visit === visit);
      if (s) return { route: r, stop: s };
    }
    return null;
  }

  /** Rules that do not depend on the time of day. */
  staticRules(t: Technician, v: Visit, day: string): Violation[] {
    const out = staticViolations(t, v, day);
    const region = this.visitRegion.get(v.id);
    if (region && !t.regions.includes(region) && !t.secondary_regions.includes(region)) {
      out.push({ code: 'region', params: { region } });
    }
    if (t.provider) {
      const p = this.problem.providers.find((x) => x.id === t.provider);
      if (p && p.certified_until < day) out.push({ code: 'provider_certification', params: { provider: p.name } });
    }
    if (v.pin?.technician && v.pin.technician !== t.id) out.push({ code: 'pin', params: {} });
    if (v.pin?.day && v.pin.day !== day) out.push({ code: 'pin', params: {} });
    return out;
  }

  private checkIn(plan: Plan, req: MoveRequest): { feasibility: Feasibility; start: number } {
    const v = this.visit.get(req.visit);
    const t = this.tech.get(req.technician);
    if (!v || !t) return { feasibility: { ok: false, violations: [{ code: 'unknown', params: {} }] }, start: 0 };
    const violations: Violation[] = [];
    const current = this.findStop(plan, v.id);
    if (current?.stop.locked) violations.push({ code: 'locked', params: { visit: v.id } });
    violations.push(...this.staticRules(t, v, req.day));
    let start: number;
    if (req.start) start = minOfDay(req.start);
    else {
      const slot = this.bestSlotFor(plan, v, t, req.day);
      start = slot ? slot.startMin : (earliestStart(t, v, req.day) ?? hhmm(t.shifts[weekday(req.day)]?.start ?? '08:00'));
    }
    if (!violations.some((x) => x.code === 'day_off')) {
      violations.push(...timeViolations({ technician: t, visit: v, day: req.day, start }));
    }
    const route = this.routeOf(plan, t.id, req.day);
    violations.push(...overlapViolations(route, v, start));
    const others = route ? route.stops.filter((s) => s.visit !== v.id) : [];
    const max = t.max_visits_per_day ?? 8;
    if (others.length + 1 > max) violations.push({ code: 'max_visits', params: { max } });
    if (!violations.length) {
      // Arrival in time: from the previous stop (or the site) and on to the next one.
      const prev = [...others].reverse().find((s) => minOfDay(s.end) <= start);
      const next = others.find((s) => minOfDay(s.start) >= start + v.duration_min);
      const shiftStart = hhmm(t.shifts[weekday(req.day)]!.start);
      const from = prev ? this.visit.get(prev.visit)!.location : this.siteLoc(t.start_site);
      const ready = prev ? minOfDay(prev.end) : shiftStart;
      if (ready + travel(from, v.location).travel_s / 60 > start + 0.01) violations.push({ code: 'travel', params: { from: prev?.visit ?? t.start_site } });
      else if (next && start + v.duration_min + travel(v.location, this.visit.get(next.visit)!.location).travel_s / 60 > minOfDay(next.start) + 0.01) {
        violations.push({ code: 'travel', params: { from: v.id, to: next.visit } });
      }
    }
    return { feasibility: { ok: violations.length === 0, violations }, start };
  }

  private siteLoc(id: string) {
    return this.problem.sites.find((s) => s.id === id)?.location ?? this.problem.sites[0].location;
  }

  async checkMove(req: MoveRequest): Promise<Feasibility> {
    return this.checkIn(this.plan, req).feasibility;
  }

  // ---- edits -------------------------------------------------------------------------------
  /** Rebuild one technician-day from its stops' starts: legs, arrivals, totals. */
  private rebuild(plan: Plan, technician: string, day: string, entries: { visit: string; start: number; locked?: boolean }[]) {
    plan.routes = plan.routes.filter((r) => !(r.technician === technician && r.day === day));
    if (!entries.length) return;
    const t = this.tech.get(technician)!;
    const site = this.siteLoc(t.start_site);
    const endSite = this.siteLoc(t.end_site ?? t.start_site);
    entries.sort((a, b) => a.start - b.start);
    let loc = site;
    let prevEnd: number | null = null;
    let travelS = 0, dist = 0, service = 0, wait = 0, parts = 0;
    const stops = entries.map((e) => {
      const v = this.visit.get(e.visit)!;
      const leg = travel(loc, v.location);
      const depart = prevEnd ?? e.start - leg.travel_s / 60;
      const arrival = depart + leg.travel_s / 60;
      const end = e.start + v.duration_min;
      const slaLate = v.sla ? Math.max(0, Math.round(toMin(at(day, e.start)) - toMin(v.sla.on_site_by))) : 0;
      travelS += leg.travel_s; dist += leg.distance_m; service += v.duration_min * 60; parts += v.parts_volume;
      wait += Math.max(0, (e.start - arrival) * 60);
      loc = v.location; prevEnd = end;
      return {
        visit: v.id, leg, depart: at(day, depart), arrival: at(day, arrival), start: at(day, e.start), end: at(day, end),
        sla_late_min: slaLate, ...(e.locked ? { locked: true } : {}),
      };
    });
    const ret = travel(loc, endSite);
    travelS += ret.travel_s; dist += ret.distance_m;
    plan.routes.push({
      technician, day, start_site: t.start_site, end_site: t.end_site ?? t.start_site,
      start: stops[0].depart, end: at(day, prevEnd! + ret.travel_s / 60), stops, return_leg: ret, break: null,
      travel_s: travelS, distance_m: dist, service_s: service, wait_s: Math.round(wait), parts_volume: parts,
    });
    plan.routes.sort((a, b) => (a.day === b.day ? (a.technician < b.technician ? -1 : 1) : a.day < b.day ? -1 : 1));
  }

  private entriesOf(plan: Plan, technician: string, day: string) {
    const r = this.routeOf(plan, technician, day);
    return r ? r.stops.map((s) => ({ visit: s.visit, start: minOfDay(s.start), locked: s.locked })) : [];
  }

  /** Remove a visit from wherever it is (route or queue); returns the plan without it. */
  private detach(plan: Plan, visit: string) {
    const found = this.findStop(plan, visit);
    if (found) {
      const { route } = found;
      this.rebuild(plan, route.technician, route.day, this.entriesOf(plan, route.technician, route.day).filter((e) => e.visit !== visit));
    }
    plan.unassigned = plan.unassigned.filter((u) => u.visit !== visit);
  }

  private place(plan: Plan, visit: string, technician: string, day: string, start: number, locked = false) {
    this.detach(plan, visit);
    const entries = this.entriesOf(plan, technician, day);
    entries.push({ visit, start, locked });
    this.rebuild(plan, technician, day, entries);
  }

  private commit(next: Plan, author: PlanVersion['author'], action: PlanVersion['action']): PlanVersion {
    next.kpis = this.computeKpis(next);
    next.objective = { total: this.objectiveOf(next), terms: next.objective.terms };
    this.undoStack.push(this.plan);
    this.redoStack = [];
    this.plan = next;
    return this.record(next, author, action);
  }

  async moveVisit(req: MoveRequest): Promise<EditResult> {
    const { feasibility, start } = this.checkIn(this.plan, req);
    if (!feasibility.ok) return { feasibility, plan: null, version: null };
    const next = clone(this.plan);
    const wasLocked = this.findStop(next, req.visit)?.stop.locked ?? false;
    this.place(next, req.visit, req.technician, req.day, start, wasLocked);
    const version = this.commit(next, 'dispatcher', { code: 'move', params: { visit: req.visit, technician: req.technician } });
    return { feasibility, plan: next, version };
  }

  async unassignVisit(visit: string): Promise<EditResult> {
    const found = this.findStop(this.plan, visit);
    if (!found) return { feasibility: { ok: false, violations: [{ code: 'unknown', params: {} }] }, plan: null, version: null };
    if (found.stop.locked) return { feasibility: { ok: false, violations: [{ code: 'locked', params: { visit } }] }, plan: null, version: null };
    const next = clone(this.plan);
    this.detach(next, visit);
    next.unassigned.push({ visit, reasons: [{ code: 'manual', params: {} }] });
    const version = this.commit(next, 'dispatcher', { code: 'unassign', params: { visit } });
    return { feasibility: { ok: true, violations: [] }, plan: next, version };
  }

  async setLock(visit: string, locked: boolean): Promise<EditResult> {
    const next = clone(this.plan);
    const found = this.findStop(next, visit);
    if (!found) return { feasibility: { ok: false, violations: [{ code: 'unknown', params: {} }] }, plan: null, version: null };
    if (locked) found.stop.locked = true;
    else delete found.stop.locked;
    const version = this.commit(next, 'dispatcher', { code: locked ? 'lock' : 'unlock', params: { visit } });
    return { feasibility: { ok: true, violations: [] }, plan: next, version };
  }

  async undo(): Promise<Plan> {
    const prev = this.undoStack.pop();
    if (prev) {
      this.redoStack.push(this.plan);
      this.plan = prev;
      this.record(prev, 'dispatcher', { code: 'undo' });
    }
    return this.plan;
  }

  async redo(): Promise<Plan> {
    const next = this.redoStack.pop();
    if (next) {
      this.undoStack.push(this.plan);
      this.plan = next;
      this.record(next, 'dispatcher', { code: 'redo' });
    }
    return this.plan;
  }

  // ---- find a slot -------------------------------------------------------------------------
  /** Best insertion of a visit into one technician-day (gaps between stops), or null. */
  private bestSlotFor(plan: Plan, v: Visit, t: Technician, day: string): { startMin: number; extra: number; late: number } | null {
    const shift = t.shifts[weekday(day)];
    if (!shift) return null;
    const route = this.routeOf(plan, t.id, day);
    const stops = route ? route.stops.filter((s) => s.visit !== v.id) : [];
    if (stops.length + 1 > (t.max_visits_per_day ?? 8)) return null;
    const site = this.siteLoc(t.start_site);
    const s0 = hhmm(shift.start);
    const s1 = hhmm(shift.end);
    const dayStart = toMin(at(day, 0));
    const windows = v.time_windows.length
      ? v.time_windows.map((w) => [toMin(w.start) - dayStart, toMin(w.end) - dayStart])
      : [[s0, s1]];
    let best: { startMin: number; extra: number; late: number } | null = null;
    for (let i = 0; i <= stops.length; i++) {
      const prev = i > 0 ? stops[i - 1] : null;
      const next = i < stops.length ? stops[i] : null;
      const fromLoc = prev ? this.visit.get(prev.visit)!.location : site;
      const toLoc = next ? this.visit.get(next.visit)!.location : this.siteLoc(t.end_site ?? t.start_site);
      const a = travel(fromLoc, v.location).travel_s / 60;
      const b = travel(v.location, toLoc).travel_s / 60;
      const direct = travel(fromLoc, toLoc).travel_s / 60;
      const ready = (prev ? minOfDay(prev.end) : s0) + a;
      const deadline = (next ? minOfDay(next.start) : s1) - b - v.duration_min;
      for (const [w0, w1] of windows) {
        const start = Math.ceil(Math.max(ready, w0, s0) / 5) * 5; // slots on a 5-minute grid
        if (start > w1 || start > deadline || start + v.duration_min > s1) continue;
        const late = v.sla ? Math.max(0, toMin(at(day, start)) - toMin(v.sla.on_site_by)) : 0;
        const extra = (a + b - (prev || next ? direct : 0)) * 60;
        const cand = { startMin: start, extra, late };
        if (!best || extra + late * 60 < best.extra + best.late * 60) best = cand;
      }
    }
    return best;
  }

  private slotsIn(plan: Plan, v: Visit, days: string[]): SlotOption[] {
    const out: SlotOption[] = [];
    for (const t of this.problem.technicians) {
      for (const day of days) {
        if (this.staticRules(t, v, day).length) continue;
        const b = this.bestSlotFor(plan, v, t, day);
        if (!b) continue;
        const region = this.visitRegion.get(v.id);
        const secondary = region && !t.regions.includes(region) ? 1800 : 0;
        const preferred = v.preferred_technician === t.id ? -1800 : 0;
        out.push({
          technician: t.id, day, start: at(day, b.startMin), end: at(day, b.startMin + v.duration_min),
          extra_travel_s: Math.round(b.extra), sla_late_min: Math.round(b.late),
          score: Math.round(b.extra + b.late * 120 + secondary + preferred),
        });
      }
    }
    out.sort((x, y) => x.score - y.score || (x.start < y.start ? -1 : 1));
    return out;
  }

  async findSlot(visit: string, limit = 5): Promise<SlotOption[]> {
    const v = this.visit.get(visit);
    if (!v) return [];
    const plan = clone(this.plan);
    const found = this.findStop(plan, visit);
    if (found?.stop.locked) return [];
    this.detach(plan, visit);
    return this.slotsIn(plan, v, horizonDays(this.problem.horizon.start, this.problem.horizon.days)).slice(0, limit);
  }

  // ---- emergencies -------------------------------------------------------------------------
  private emergencyVisit(req: EmergencyRequest, id: string): Visit {
    return {
      id, customer: req.customer, location: req.location, skill: req.skill, min_level: req.min_level,
      certifications: req.certifications, duration_min: req.duration_min,
      time_windows: [{ start: req.called_at, end: at(dayOf(req.called_at), minOfDay(req.called_at) + 360) }],
      priority: 'emergency', segment: 'value', complexity: Math.min(3, Math.max(1, req.min_level)),
      created_at: req.called_at, sla: { on_site_by: at(dayOf(req.called_at), minOfDay(req.called_at) + 240) },
      excluded_technicians: [], parts_volume: 0, status: 'open',
    };
  }

  async emergencyOptions(req: EmergencyRequest, limit = 5): Promise<EmergencyOption[]> {
    const day = dayOf(req.called_at);
    const called = minOfDay(req.called_at);
    const v = this.emergencyVisit(req, 'EMERGENCY');
    this.visitRegion.set(v.id, regionOf(this.problem, v.location));
    const out: EmergencyOption[] = [];
    for (const t of this.problem.technicians) {
      if (this.staticRules(t, v, day).length) continue;
      const shift = t.shifts[weekday(day)]!;
      const s0 = hhmm(shift.start), s1 = hhmm(shift.end);
      if (called >= s1) continue;
      const route = this.routeOf(this.plan, t.id, day);
      const stops = route?.stops ?? [];
      // Where is the technician when the call comes in, and when are they free?
      let free = Math.max(s0, called);
      let loc = this.siteLoc(t.start_site);
      for (const s of stops) {
        const a = minOfDay(s.start), b = minOfDay(s.end);
        if (b <= called) loc = this.visit.get(s.visit)!.location;
        else if (a < called) { free = b; loc = this.visit.get(s.visit)!.location; }
      }
      const leg = travel(loc, v.location);
      const arrival = free + leg.travel_s / 60;
      const end = arrival + v.duration_min;
      if (end > s1) continue;
      const displaces = stops.filter((s) => minOfDay(s.start) < end && minOfDay(s.end) > arrival && minOfDay(s.start) >= free - 0.01).map((s) => s.visit);
      if (stops.some((s) => s.locked && displaces.includes(s.visit))) continue; // locked work stays
      out.push({ technician: t.id, day, arrival: at(day, Math.ceil(arrival)), start: at(day, Math.ceil(arrival / 5) * 5), travel_s: leg.travel_s, displaces });
    }
    out.sort((a, b) => (a.arrival === b.arrival ? a.displaces.length - b.displaces.length : a.arrival < b.arrival ? -1 : 1));
    return out.slice(0, limit);
  }

  async dispatchEmergency(req: EmergencyRequest, option: EmergencyOption): Promise<EditResult & { visit: string }> {
    this.emergencySeq += 1;
    const id = `E${String(this.emergencySeq).padStart(3, '0')}`;
    const v = this.emergencyVisit(req, id);
    this.problem.visits.push(v);
    this.indexVisit(v);
    const next = clone(this.plan);
    for (const d of option.displaces) {
      this.detach(next, d);
      next.unassigned.push({ visit: d, reasons: [{ code: 'displaced', params: { visit: id } }] });
    }
    this.place(next, id, option.technician, option.day, minOfDay(option.start), true);
    const version = this.commit(next, 'dispatcher', { code: 'emergency', params: { visit: id, technician: option.technician } });
    return { feasibility: { ok: true, violations: [] }, plan: next, version, visit: id };
  }

  // ---- optimize ----------------------------------------------------------------------------
  async optimize(scope: OptimizeScope, onProgress: (p: OptimizeProgress) => void, signal: AbortSignal): Promise<OptimizeResult> {
    const before = this.plan;
    const plan = clone(before);
    const days = scope.kind === 'day' ? [scope.day] : horizonDays(this.problem.horizon.start, this.problem.horizon.days);
    const inScope = (id: string) => scope.kind !== 'region' || this.visitRegion.get(id) === scope.region;
    const queue = plan.unassigned.map((u) => this.visit.get(u.visit)!).filter((v) => v && inScope(v.id));
    queue.sort((a, b) => PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || ((a.sla?.on_site_by ?? '') < (b.sla?.on_site_by ?? '') ? -1 : 1));
    const late = plan.routes.filter((r) => days.includes(r.day)).flatMap((r) => r.stops.filter((s) => s.sla_late_min > 0 && !s.locked).map((s) => s.visit)).filter(inScope);
    const work = [...queue.map((v) => ({ kind: 'insert' as const, v })), ...late.map((id) => ({ kind: 'relocate' as const, v: this.visit.get(id)! }))];
    let cancelled = false;
    const total = Math.max(1, work.length);
    for (let i = 0; i < work.length; i++) {
      if (signal.aborted) { cancelled = true; break; }
      const { kind, v } = work[i];
      if (kind === 'insert') {
        const best = this.slotsIn(plan, v, days)[0];
        if (best) this.place(plan, v.id, best.technician, best.day, minOfDay(best.start));
      } else {
        const cur = this.findStop(plan, v.id);
        if (cur) {
          const curLate = cur.stop.sla_late_min;
          const probe = clone(plan);
          this.detach(probe, v.id);
          const best = this.slotsIn(probe, v, days)[0];
          if (best && best.sla_late_min < curLate) this.place(plan, v.id, best.technician, best.day, minOfDay(best.start));
        }
      }
      if (i % 4 === 3 || i === work.length - 1) {
        onProgress({ fraction: (i + 1) / total, phase: kind, best_objective: null });
        await new Promise((r) => setTimeout(r, 40));
      }
    }
    onProgress({ fraction: 1, phase: 'done', best_objective: null });
    plan.kpis = this.computeKpis(plan);
    plan.objective = { total: this.objectiveOf(plan), terms: plan.objective.terms };
    plan.settings = { ...plan.settings, solver: 'mock-greedy', author: 'dispatcher' };
    const runId = `run-${++this.runSeq}`;
    this.runs.set(runId, { plan, scope });
    return { run_id: runId, cancelled, plan, diff: this.diff(before, plan) };
  }

  diff(a: Plan, b: Plan): PlanDiff {
    const where = (p: Plan) => {
      const m = new Map<string, { technician: string; day: string; start: string }>();
      for (const r of p.routes) for (const s of r.stops) m.set(s.visit, { technician: r.technician, day: r.day, start: s.start });
      return m;
    };
    const wa = where(a), wb = where(b);
    const diff: PlanDiff = { moved: [], newly_assigned: [], newly_unassigned: [], still_unassigned: [], kpis_before: a.kpis, kpis_after: b.kpis };
    for (const [visit, x] of wb) {
      const y = wa.get(visit);
      if (!y) diff.newly_assigned.push({ visit, technician: x.technician, day: x.day });
      else if (y.technician !== x.technician || y.day !== x.day || Math.abs(toMin(y.start) - toMin(x.start)) >= 1) {
        diff.moved.push({ visit, from: y, to: x });
      }
    }
    for (const u of b.unassigned) (wa.has(u.visit) ? diff.newly_unassigned : diff.still_unassigned).push(u.visit);
    return diff;
  }

  async acceptOptimization(runId: string): Promise<PlanVersion> {
    const run = this.runs.get(runId);
    if (!run) throw new Error(`unknown optimization run ${runId}`);
    this.runs.delete(runId);
    const target = run.scope.kind === 'day' ? run.scope.day : run.scope.kind === 'region' ? run.scope.region : '';
    return this.commit(run.plan, 'solver', { code: 'optimize', params: { scope: run.scope.kind, target } });
  }

  async discardOptimization(runId: string) { this.runs.delete(runId); }

  // ---- KPIs and scorecards -----------------------------------------------------------------
  computeKpis(plan: Plan): Kpis {
    const p = this.problem;
    const byVisit = new Map<string, { t: Technician; start: string }>();
    for (const r of plan.routes) for (const s of r.stops) byVisit.set(s.visit, { t: this.tech.get(r.technician)!, start: s.start });
    const unassignedByReason: Record<string, number> = {};
    for (const u of plan.unassigned) {
      const c = u.reasons[0]?.code ?? 'unknown';
      unassignedByReason[c] = (unassignedByReason[c] ?? 0) + 1;
    }
    let slaN = 0, slaOk = 0, ftf = 0, emN = 0, emSum = 0;
    const resp: number[] = [];
    for (const v of p.visits) {
      const a = byVisit.get(v.id);
      if (v.sla) { slaN++; if (a && a.start <= v.sla.on_site_by) slaOk++; }
      if (!a) continue;
      resp.push((toMin(a.start) - toMin(v.created_at)) / 60);
      if (v.priority === 'emergency') { emN++; emSum += toMin(a.start) - toMin(v.created_at); }
      const lvl = a.t.skills.find((s) => s.skill === v.skill)?.level ?? 0;
      if (lvl >= v.complexity) ftf++;
    }
    resp.sort((x, y) => x - y);
    const travelS = plan.routes.reduce((s, r) => s + r.travel_s, 0);
    const serviceS = plan.routes.reduce((s, r) => s + r.service_s, 0);
    const hours = new Map<string, number>();
    let onDuty = 0;
    const days = horizonDays(p.horizon.start, p.horizon.days);
    for (const t of p.technicians) {
      let any = false;
      for (const d of days) {
        const sh = t.shifts[weekday(d)];
        if (!sh || (t.absences ?? []).some((a) => a.from <= d && d <= a.to)) continue;
        any = true;
        onDuty += (hhmm(sh.end) - hhmm(sh.start) - (sh.break?.minutes ?? 0)) * 60;
      }
      if (any) hours.set(t.id, 0);
    }
    for (const r of plan.routes) hours.set(r.technician, (hours.get(r.technician) ?? 0) + (r.travel_s + r.service_s) / 3600);
    const hv = [...hours.values()];
    const mean = hv.reduce((a, b) => a + b, 0) / Math.max(1, hv.length);
    const spread = Math.sqrt(hv.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, hv.length));
    const regionCount = new Map<string, number>();
    for (const v of p.visits) {
      const r = this.visitRegion.get(v.id);
      if (r) regionCount.set(r, (regionCount.get(r) ?? 0) + 1);
    }
    const shares = new Map<string, number>();
    for (const [vid, a] of byVisit) {
      if (!a.t.provider) continue;
      const key = `${a.t.provider}|${this.visitRegion.get(vid)}`;
      shares.set(key, (shares.get(key) ?? 0) + 1);
    }
    const provider_shares = p.providers.flatMap((pr) => pr.regions.map((region) => {
      const visits = shares.get(`${pr.id}|${region}`) ?? 0;
      return { provider: pr.id, region, visits, share_pct: (100 * visits) / Math.max(1, regionCount.get(region) ?? 0) };
    }));
    const assigned = byVisit.size;
    return {
      visits: p.visits.length, assigned, unassigned: p.visits.length - assigned, unassigned_by_reason: unassignedByReason,
      sla_attainment_pct: slaN ? (100 * slaOk) / slaN : 100,
      response_hours_mean: resp.length ? resp.reduce((a, b) => a + b, 0) / resp.length : 0,
      response_hours_p90: resp.length ? resp[Math.max(0, Math.ceil(0.9 * resp.length) - 1)] : 0,
      emergency_response_minutes_mean: emN ? emSum / emN : 0,
      first_time_fix_pct: assigned ? (100 * ftf) / assigned : 0,
      travel_hours: travelS / 3600, travel_km: plan.routes.reduce((s, r) => s + r.distance_m, 0) / 1000,
      service_hours: serviceS / 3600, utilization_pct: onDuty ? (100 * (serviceS + travelS)) / onDuty : 0,
      routes: plan.routes.length, technicians_used: new Set(plan.routes.map((r) => r.technician)).size,
      workload_spread_hours: spread, provider_shares,
    };
  }

  /** A stand-in objective for the mock: travel cost, lateness and unassigned penalties. */
  private objectiveOf(plan: Plan): number {
    const k = plan.kpis;
    const late = plan.routes.reduce((s, r) => s + r.stops.reduce((a, x) => a + x.sla_late_min, 0), 0);
    return k.travel_hours * 50 + k.travel_km * 0.35 + late * 2 + k.unassigned * 10000;
  }

  async providerScorecards(): Promise<ProviderScorecard[]> {
    const start = this.problem.horizon.start;
    return this.problem.providers.map((pr) => {
      let n = 0, onTime = 0, ftf = 0;
      for (const r of this.plan.routes) {
        const t = this.tech.get(r.technician)!;
        if (t.provider !== pr.id) continue;
        for (const s of r.stops) {
          const v = this.visit.get(s.visit)!;
          n++;
          if (s.sla_late_min === 0) onTime++;
          if ((t.skills.find((x) => x.skill === v.skill)?.level ?? 0) >= v.complexity) ftf++;
        }
      }
      return {
        provider: pr.id, name: pr.name, certification_level: pr.certification_level, certified_until: pr.certified_until,
        certified_now: pr.certified_until >= start, rating: pr.rating ?? 0.5, regions: pr.regions, share: pr.share,
        planned_visits: n, on_time_pct: n ? (100 * onTime) / n : 0, first_time_fix_pct: n ? (100 * ftf) / n : 0,
        shares: this.plan.kpis.provider_shares.filter((s) => s.provider === pr.id),
        // The mock has no performance records or feeds: the master data's rating, as the backend
        // gives it for a provider without either.
        rating_low: pr.rating ?? 0.5, rating_high: pr.rating ?? 0.5, rating_source: 'master_data' as const, rating_issuer: null,
        weight: pr.rating ?? 0.5, record_visits: 0, record_on_time_pct: null, record_first_time_fix_pct: null, trend: null,
      };
    });
  }

  // ---- coverage planning (the small model of src/lib/coverage.ts, not the LP) ------------------
  private scenarios: Map<string, { description: string; spec: ScenarioSpec; created_at: string; run_at: string | null; sla: number | null }> | null = null;

  /** Two scenarios to start with, derived from the data: one more technician where the baseline's
   * top recommendation says, and 10 % more demand everywhere. */
  private scenarioStore() {
    if (!this.scenarios) {
      this.scenarios = new Map();
      const top = mockCoverage(this.problem, 4, {}, null, 1).view.recommendations[0];
      if (top) {
        const p = top.params;
        this.scenarios.set(`hire-${p.region}-${p.skill}`, {
          description: '', created_at: this.now, run_at: null, sla: null,
          spec: { add_technicians: [{ count: 1, region: String(p.region), skill: String(p.skill), level: Number(p.level), certifications: String(p.certifications) ? String(p.certifications).split(', ') : [] }] },
        });
      }
      this.scenarios.set('demand-plus-10', { description: '', created_at: this.now, run_at: null, sla: null, spec: { demand_growth: [{ pct: 10 }] } });
    }
    return this.scenarios;
  }

  private coverageOf(weeks: number, scenario: string | null): CoverageView {
    if (!Number.isInteger(weeks) || weeks < 1 || weeks > 26) {
      throw backendError('invalid_argument', { argument: 'weeks', value: weeks }, `argument \`weeks\`: expected 1 to 26, got ${weeks}`);
    }
    if (scenario === null || scenario === 'baseline') return mockCoverage(this.problem, weeks).view;
    const s = this.scenarioStore().get(scenario);
    if (!s) throw backendError('unknown_scenario', { scenario }, `no scenario "${scenario}"`);
    const view = mockCoverage(this.problem, weeks, s.spec, scenario).view;
    s.run_at = this.tick();
    s.sla = view.totals.sla_attainment_pct;
    return view;
  }

  async coverageReport(weeks: number, scenario: string | null): Promise<CoverageView> {
    return this.coverageOf(weeks, scenario);
  }

  async listScenarios(): Promise<ScenarioInfo[]> {
    return [...this.scenarioStore()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, s]) => ({
      name, description: s.description, changes: scenarioChanges(s.spec), created_at: s.created_at, run_at: s.run_at, sla_attainment_pct: s.sla,
    }));
  }

  async compareScenarios(names: string[], weeks: number): Promise<ScenarioComparison> {
    if (!names.length || names.length > 6) throw backendError('invalid_argument', { argument: 'names' }, 'name 1 to 6 scenarios');
    const columns = names[0] === 'baseline' ? [] : ['baseline'];
    for (const n of names) if (!columns.includes(n)) columns.push(n);
    return compareViews(columns, columns.map((n) => this.coverageOf(weeks, n)));
  }

  async scenarioCreate(req: ScenarioCreate): Promise<ScenarioInfo> {
    const store = this.scenarioStore();
    const name = req.name.trim();
    if (!name || name === 'baseline') throw backendError('invalid_argument', { argument: 'name' }, 'a scenario needs a name other than "baseline"');
    if (store.has(name)) throw backendError('scenario_exists', { scenario: name }, `scenario "${name}" exists already`);
    const base = req.from ? store.get(req.from)?.spec : {};
    if (!base) throw backendError('unknown_scenario', { scenario: req.from ?? '' }, `no scenario "${req.from}"`);
    const spec: ScenarioSpec = {
      add_technicians: [...(base.add_technicians ?? []), ...(req.changes.add_technicians ?? [])],
      remove_technicians: [...(base.remove_technicians ?? []), ...(req.changes.remove_technicians ?? [])],
      demand_growth: [...(base.demand_growth ?? []), ...(req.changes.demand_growth ?? [])],
    };
    for (const a of spec.add_technicians ?? []) {
      if (!this.problem.regions.some((r) => r.id === a.region)) throw backendError('invalid_scenario', { record: 'add_technicians', field: 'region', value: a.region }, `unknown region "${a.region}"`);
      if (!this.problem.skills.some((k) => k.id === a.skill)) throw backendError('invalid_scenario', { record: 'add_technicians', field: 'skill', value: a.skill }, `unknown skill "${a.skill}"`);
    }
    store.set(name, { description: req.description, spec, created_at: this.tick(), run_at: null, sla: null });
    return (await this.listScenarios()).find((x) => x.name === name)!;
  }

  /** The mock has no road network: straight legs through the stops, as the real backend draws
   * them for a problem without roads (`line: 'straight'`). */
  async routeLines(day: string, version?: number): Promise<RouteLine[]> {
    const plan = await this.loadPlan(version);
    const site = (id: string) => this.problem.sites.find((s) => s.id === id)!.location;
    return plan.routes.filter((r) => r.day === day).map((r) => {
      const places = [site(r.start_site), ...r.stops.map((s) => this.visit.get(s.visit)!.location), site(r.end_site)];
      return { technician: r.technician, day: r.day, line: 'straight' as const, coordinates: places.map((l) => [l.lon, l.lat] as [number, number]) };
    });
  }

  /** The mock's fictional Northvale has no basemap (the real backend reads the area file). */
  async areaInfo(): Promise<AreaInfo | null> { return null; }
  async mapTile(): Promise<ArrayBuffer | null> { return null; }

  /** The address search over the sample visits' addresses (the real backend searches the
   * area's OpenStreetMap address index): every typed word must start a word of the address. */
  async searchAddress(query: string, limit = 8): Promise<AddressHit[]> {
    const norm = (t: string) => t.toLowerCase().normalize('NFC').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
    const words = norm(query).split(' ').filter(Boolean);
    if (!words.length) return [];
    const seen = new Set<string>();
    const hits: AddressHit[] = [];
    for (const v of this.problem.visits) {
      if (!v.address || seen.has(v.address)) continue;
      seen.add(v.address);
      const [streetPart, place = ''] = v.address.split(',').map((x) => x.trim());
      const keyWords = norm(streetPart).split(' ');
      if (!words.every((w) => keyWords.some((k) => k.startsWith(w)))) continue;
      const m = /^(.*?)\s+(\S+)$/.exec(streetPart);
      const [postcode = '', ...city] = place.split(' ');
      hits.push({ label: v.address, street: m?.[1] ?? streetPart, housenumber: m?.[2] ?? '', postcode, city: city.join(' '), lat: v.location.lat, lon: v.location.lon });
    }
    hits.sort((a, b) => a.street.localeCompare(b.street) || parseInt(a.housenumber) - parseInt(b.housenumber));
    return hits.slice(0, limit);
  }
}

/** The sample scaled k times (technicians and visits copied with suffixed ids) for load tests. */
export function scaleUp(data: MockData, k: number): MockData {
  if (k <= 1) return data;
  const problem = clone(data.problem);
  const plan = clone(data.plan);
  const sfx = (id: string, i: number) => (i === 0 ? id : `${id}-${i}`);
  const techs = data.problem.technicians;
  const visits = data.problem.visits;
  for (let i = 1; i < k; i++) {
    for (const t of techs) problem.technicians.push({ ...clone(t), id: sfx(t.id, i), name: `${t.name} ${i + 1}` });
    for (const v of visits) {
      const c = clone(v);
      c.id = sfx(v.id, i);
      c.location = { lat: v.location.lat + (((i * 37) % 11) - 5) * 0.0007, lon: v.location.lon + (((i * 53) % 13) - 6) * 0.0007 };
      if (c.preferred_technician) c.preferred_technician = sfx(c.preferred_technician, i);
      c.excluded_technicians = c.excluded_technicians.map((x) => sfx(x, i));
      if (c.pin?.technician) c.pin.technician = sfx(c.pin.technician, i);
      problem.visits.push(c);
    }
    for (const r of data.plan.routes) {
      const c = clone(r);
      c.technician = sfx(r.technician, i);
      c.stops.forEach((s) => (s.visit = sfx(s.visit, i)));
      plan.routes.push(c);
    }
    for (const u of data.plan.unassigned) plan.unassigned.push({ ...clone(u), visit: sfx(u.visit, i) });
  }
  return { problem, plan, regions: data.regions };
}

export { addDays, regionOf };

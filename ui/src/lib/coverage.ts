// Coverage planning in the browser: the colour scale of the heat-map and the map (pure), and the
// small model the MockBackend answers `coverage_report` / `compare_scenarios` with.
//
// The mock model is NOT the coverage LP of solver::coverage. It is an honest, simple stand-in
// derived from the mock problem's visits and technicians:
// - demand per region × skill × week: the hours of the horizon's visits (region by location),
//   repeated for every later week (no forecast), scaled by a scenario's demand growth;
// - capacity: each technician's weekly shift hours (minus breaks and absences) × 0.75, counted
//   in the technician's primary and secondary regions for every skill held;
// - allocation: greedy by priority (emergency, VIP, standard), primary-region technicians first,
//   then secondary; a technician must hold the skill at the visit's level and its certifications;
// - marginal value: the price (100/40/10) of the cheapest priority left unmet in the cell;
// - recommendations: re-run with one more technician, as the real backend does.
import type {
  CoverageCell, CoverageView, Coded, ComparedKpi, Priority, Problem, ScenarioComparison, ScenarioSpec, Technician, Weekday,
} from './backend/types';
import { regionOf } from './geo';
import { addDays, hhmm, toMin } from './time';

// ---- colour scale (shared by the heat-map, the map and the legend) ------------------------------
/** Below this attainment a cell is fully red; at 100 % fully green. */
export const SCALE_MIN_PCT = 60;

/** Colour of a coverage percentage: red (≤ 60 %) through amber (80 %) to green (100 %). */
export function coverageColor(pct: number): string {
  const p = Number.isFinite(pct) ? Math.min(100, Math.max(SCALE_MIN_PCT, pct)) : SCALE_MIN_PCT;
  const hue = ((p - SCALE_MIN_PCT) / (100 - SCALE_MIN_PCT)) * 120; // 0 red … 120 green
  return `hsl(${Math.round(hue)}, 70%, ${Math.round(62 + (hue / 120) * 8)}%)`;
}

/** The legend's stops, low to high. */
export const SCALE_STOPS = [60, 70, 80, 90, 100];

// ---- ISO weeks ---------------------------------------------------------------------------------
export function mondayOf(day: string): string {
  const dow = new Date(toMin(day + 'T00:00') * 60000).getUTCDay(); // 0 = Sunday
  return addDays(day, -((dow + 6) % 7));
}

export function isoWeek(day: string): number {
  const d = new Date(toMin(day + 'T00:00') * 60000);
  const thursday = new Date(d.getTime() + (3 - ((d.getUTCDay() + 6) % 7)) * 86400000);
  const jan1 = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  return 1 + Math.floor((thursday.getTime() - jan1) / (7 * 86400000));
}

// ---- the mock model ----------------------------------------------------------------------------
const PRICE: Record<Priority, number> = { emergency: 100, vip: 40, standard: 10 };
const PRIORITIES: Priority[] = ['emergency', 'vip', 'standard'];
const DAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
export const PRODUCTIVE_SHARE = 0.75;

interface Work { region: string; skill: string; level: number; certs: string[]; priority: Priority; hours: number }

function pct(num: number, den: number) { return den > 1e-9 ? (100 * num) / den : 100; }

/** Hours a technician can spend on site in the week starting `monday` (from `from` on). */
export function weeklyHours(t: Technician, monday: string, from?: string): number {
  let h = 0;
  for (let i = 0; i < 7; i++) {
    const day = addDays(monday, i);
    if (from && day < from) continue;
    if ((t.absences ?? []).some((a) => a.from.slice(0, 10) <= day && day <= a.to.slice(0, 10))) continue;
    const s = t.shifts[DAYS[i]];
    if (!s) continue;
    h += Math.max(0, hhmm(s.end) - hhmm(s.start) - (s.break?.minutes ?? 0)) / 60;
  }
  return h * PRODUCTIVE_SHARE;
}

/** The weekly demand of the horizon per region × work class × priority. */
function weeklyDemand(problem: Problem): Work[] {
  const weeks = Math.max(1, Math.ceil(problem.horizon.days / 7));
  const byKey = new Map<string, Work>();
  for (const v of problem.visits) {
    const region = regionOf(problem, v.location);
    if (!region) continue;
    const certs = [...v.certifications].sort();
    const key = [region, v.skill, v.min_level, certs.join('+'), v.priority].join('|');
    const w = byKey.get(key) ?? { region, skill: v.skill, level: v.min_level, certs, priority: v.priority, hours: 0 };
    w.hours += v.duration_min / 60 / weeks;
    byKey.set(key, w);
  }
  return [...byKey.values()].sort((a, b) => (a.region + a.skill + a.level + a.certs.join() + a.priority < b.region + b.skill + b.level + b.certs.join() + b.priority ? -1 : 1));
}

/** Applies a scenario's technician changes to a copy of the problem (demand growth is a model input). */
export function applyScenario(problem: Problem, spec: ScenarioSpec, start: string): Problem {
  const p: Problem = { ...problem, technicians: problem.technicians.filter((t) => !(spec.remove_technicians ?? []).includes(t.id)) };
  let n = 0;
  for (const a of spec.add_technicians ?? []) {
    for (let i = 0; i < (a.count ?? 1); i++) {
      n++;
      const shift = { start: '08:00', end: '16:30', break: { earliest: '11:30', latest: '13:30', minutes: 30 } };
      const from = a.from ?? start;
      p.technicians.push({
        id: `NEW-${n}`, name: `NEW-${n}`, start_site: problem.sites[0]?.id ?? '', skills: [{ skill: a.skill, level: a.level ?? 2 }],
        certifications: (a.certifications ?? []).map((c) => ({ certification: c, valid_until: '9999-12-31' })),
        regions: [a.region], secondary_regions: [], shifts: { mon: shift, tue: shift, wed: shift, thu: shift, fri: shift },
        absences: from > start ? [{ from: '0000-01-01', to: addDays(from, -1) }] : [],
        max_visits_per_day: 8, capacity: 100, cost_per_hour: 45, cost_per_km: 0.35,
      });
    }
  }
  return p;
}

export interface MockCoverage { view: CoverageView; objective: number }

/** The mock coverage of `weeks` weeks (see the header for the method). */
export function mockCoverage(problem: Problem, weeks: number, spec: ScenarioSpec = {}, scenario: string | null = null, recommend = 3): MockCoverage {
  const start = mondayOf(problem.horizon.start);
  const changed = applyScenario(problem, spec, start);
  const growth = (w: Work) => (spec.demand_growth ?? [])
    .filter((g) => (!g.region || g.region === w.region) && (!g.skill || g.skill === w.skill))
    .reduce((f, g) => f * (1 + g.pct / 100), 1);
  const demand = weeklyDemand(problem).map((w) => ({ ...w, hours: w.hours * growth(w) }));
  const regions = problem.regions.map((r) => r.id);
  const skills = problem.skills.map((s) => s.id);
  const weekStarts = Array.from({ length: weeks }, (_, i) => addDays(start, 7 * i));
  const cells: CoverageCell[] = [];
  const cell = new Map<string, CoverageCell>();
  for (const r of regions) for (const s of skills) for (const ws of weekStarts) {
    const c: CoverageCell = { region: r, skill: s, week: isoWeek(ws), week_start: ws, demand_hours: 0, capacity_hours: 0, allocated_hours: 0, unmet_hours: 0, sla_attainment_pct: 100, marginal_value_per_hour: 0 };
    cells.push(c);
    cell.set(`${r}|${s}|${ws}`, c);
  }
  const byPriority = { emergency: [0, 0], vip: [0, 0], standard: [0, 0] } as Record<Priority, [number, number]>;
  let secondary = 0, provider = 0, objective = 0;
  for (const ws of weekStarts) {
    const left = new Map(changed.technicians.map((t) => [t.id, weeklyHours(t, ws)]));
    for (const t of changed.technicians) {
      for (const r of new Set([...t.regions, ...t.secondary_regions])) for (const k of t.skills) {
        const c = cell.get(`${r}|${k.skill}|${ws}`);
        if (c) c.capacity_hours += left.get(t.id)!;
      }
    }
    const unmetPrice = new Map<CoverageCell, number>();
    for (const prio of PRIORITIES) {
      for (const w of demand.filter((x) => x.priority === prio)) {
        const c = cell.get(`${w.region}|${w.skill}|${ws}`)!;
        let need = w.hours;
        c.demand_hours += w.hours;
        byPriority[prio][0] += w.hours;
        const able = (t: Technician) => (t.skills.find((k) => k.skill === w.skill)?.level ?? 0) >= w.level
          && w.certs.every((cid) => t.certifications.some((h) => h.certification === cid && h.valid_until >= ws));
        for (const pass of ['primary', 'secondary'] as const) {
          for (const t of changed.technicians) {
            if (need <= 1e-9) break;
            const inRegion = pass === 'primary' ? t.regions.includes(w.region) : t.secondary_regions.includes(w.region) && !t.regions.includes(w.region);
            if (!inRegion || !able(t)) continue;
            const take = Math.min(need, left.get(t.id)!);
            if (take <= 0) continue;
            left.set(t.id, left.get(t.id)! - take);
            need -= take;
            c.allocated_hours += take;
            if (pass === 'secondary') { secondary += take; objective += 5 * take; }
            if (t.provider) provider += take;
          }
        }
        if (need > 1e-9) {
          c.unmet_hours += need;
          byPriority[prio][1] += need;
          objective += PRICE[prio] * need;
          unmetPrice.set(c, Math.min(unmetPrice.get(c) ?? Infinity, PRICE[prio]));
        }
      }
    }
    for (const [c, price] of unmetPrice) c.marginal_value_per_hour = price;
  }
  for (const c of cells) c.sla_attainment_pct = pct(c.allocated_hours, c.demand_hours);
  const region_weeks = regions.flatMap((r) => weekStarts.map((ws) => {
    const cs = cells.filter((c) => c.region === r && c.week_start === ws);
    const d = cs.reduce((a, c) => a + c.demand_hours, 0), al = cs.reduce((a, c) => a + c.allocated_hours, 0);
    return { region: r, week: isoWeek(ws), demand_hours: d, allocated_hours: al, unmet_hours: d - al, sla_attainment_pct: pct(al, d) };
  }));
  const D = cells.reduce((a, c) => a + c.demand_hours, 0), A = cells.reduce((a, c) => a + c.allocated_hours, 0);
  const prioPct = (p: Priority) => pct(byPriority[p][0] - byPriority[p][1], byPriority[p][0]);
  const view: CoverageView = {
    scenario, start, weeks: weekStarts.map(isoWeek), regions, skills, cells, region_weeks,
    totals: {
      demand_hours: D, allocated_hours: A, unmet_hours: D - A, sla_attainment_pct: pct(A, D),
      sla_emergency_pct: prioPct('emergency'), sla_vip_pct: prioPct('vip'), sla_standard_pct: prioPct('standard'),
      secondary_hours: secondary, provider_hours: provider,
    },
    recommendations: [], history_rows: 0,
  };
  if (recommend > 0) view.recommendations = recommendations(problem, weeks, spec, view, demand, recommend);
  return { view, objective };
}

function recommendations(problem: Problem, weeks: number, spec: ScenarioSpec, before: CoverageView, demand: Work[], n: number): Coded[] {
  const cands: { region: string; skill: string; w0: number; value: number; score: number }[] = [];
  for (const region of before.regions) for (const skill of before.skills) {
    const cs = before.cells.filter((c) => c.region === region && c.skill === skill);
    const w0 = cs.findIndex((c) => c.marginal_value_per_hour > 0 && c.unmet_hours > 0.5);
    if (w0 < 0) continue;
    const unmet = cs.slice(w0).reduce((a, c) => a + c.unmet_hours, 0);
    cands.push({ region, skill, w0, value: cs[w0].marginal_value_per_hour, score: cs[w0].marginal_value_per_hour * unmet });
  }
  cands.sort((a, b) => b.score - a.score || (a.region + a.skill < b.region + b.skill ? -1 : 1));
  const sum = (v: CoverageView, region: string, skill: string, w0: number) => {
    const cs = v.cells.filter((c) => c.region === region && c.skill === skill).slice(w0);
    const a = cs.reduce((s, c) => s + c.allocated_hours, 0), d = cs.reduce((s, c) => s + c.demand_hours, 0);
    return { pct: pct(a, d), unmet: d - a };
  };
  return cands.slice(0, n).map(({ region, skill, w0, value }) => {
    const work = demand.filter((w) => w.region === region && w.skill === skill);
    const level = Math.max(1, ...work.map((w) => w.level));
    const certs = [...new Set(work.flatMap((w) => w.certs))].sort();
    const from = addDays(before.start, 7 * w0);
    const more: ScenarioSpec = { ...spec, add_technicians: [...(spec.add_technicians ?? []), { count: 1, region, skill, level, certifications: certs, from }] };
    const after = mockCoverage(problem, weeks, more, null, 0).view;
    const b = sum(before, region, skill, w0), a = sum(after, region, skill, w0);
    const r1 = (x: number) => Math.round(x * 10) / 10;
    return {
      code: 'add_technician',
      params: {
        region, skill, level, certifications: certs.join(', '), from_week: before.weeks[w0], from_date: from,
        sla_before: r1(b.pct), sla_after: r1(a.pct), overall_before: r1(before.totals.sla_attainment_pct),
        overall_after: r1(after.totals.sla_attainment_pct), unmet_saved: r1(b.unmet - a.unmet), marginal_value: value,
      },
    };
  });
}

/** Compares coverage views side by side (the first is the reference), as compare_scenarios. */
export function compareViews(columns: string[], views: CoverageView[]): ScenarioComparison {
  const kpi = (k: string, unit: 'pct' | 'h', f: (v: CoverageView) => number): ComparedKpi => {
    const values = views.map(f);
    return { kpi: k, unit, values, deltas: values.map((x) => x - values[0]) };
  };
  const t = (v: CoverageView) => v.totals;
  const kpis = [
    kpi('sla_attainment_pct', 'pct', (v) => t(v).sla_attainment_pct), kpi('sla_emergency_pct', 'pct', (v) => t(v).sla_emergency_pct),
    kpi('sla_vip_pct', 'pct', (v) => t(v).sla_vip_pct), kpi('sla_standard_pct', 'pct', (v) => t(v).sla_standard_pct),
    kpi('demand_hours', 'h', (v) => t(v).demand_hours), kpi('allocated_hours', 'h', (v) => t(v).allocated_hours),
    kpi('unmet_hours', 'h', (v) => t(v).unmet_hours), kpi('secondary_hours', 'h', (v) => t(v).secondary_hours),
    kpi('provider_hours', 'h', (v) => t(v).provider_hours),
  ];
  const regions = views[0].regions.map((region) => {
    const per = views.map((v) => {
      const rw = v.region_weeks.filter((x) => x.region === region);
      const d = rw.reduce((a, x) => a + x.demand_hours, 0), a = rw.reduce((s, x) => s + x.allocated_hours, 0);
      return { pct: pct(a, d), unmet: rw.reduce((s, x) => s + x.unmet_hours, 0) };
    });
    return {
      region, sla_attainment_pct: per.map((x) => x.pct), unmet_hours: per.map((x) => x.unmet),
      delta_sla_attainment_pct: per.map((x) => x.pct - per[0].pct), delta_unmet_hours: per.map((x) => x.unmet - per[0].unmet),
    };
  });
  return { columns, weeks: views[0].weeks, kpis, regions };
}

/** Attainment of one region for a skill (or all skills: `null`) in one week (or all: `null`). */
export function regionAttainment(v: CoverageView, region: string, skill: string | null, week: number | null): { pct: number; unmet: number; demand: number } {
  const cs = v.cells.filter((c) => c.region === region && (skill === null || c.skill === skill) && (week === null || c.week === week));
  const d = cs.reduce((a, c) => a + c.demand_hours, 0), a = cs.reduce((s, c) => s + c.allocated_hours, 0);
  return { pct: pct(a, d), unmet: d - a, demand: d };
}

/** A scenario's changes as codes (as the real backend lists them). */
export function scenarioChanges(spec: ScenarioSpec): Coded[] {
  const out: Coded[] = [];
  for (const a of spec.add_technicians ?? []) out.push({ code: 'add_technicians', params: { count: a.count ?? 1, region: a.region, skill: a.skill, level: a.level ?? 2, ...(a.from ? { from: a.from } : {}) } });
  for (const t of spec.remove_technicians ?? []) out.push({ code: 'remove_technician', params: { technician: t } });
  for (const p of spec.provider_shares ?? []) out.push({ code: 'provider_share', params: { provider: p.provider, max_pct: p.max_pct } });
  for (const g of spec.demand_growth ?? []) out.push({ code: 'demand_growth', params: { pct: g.pct, ...(g.region ? { region: g.region } : {}), ...(g.skill ? { skill: g.skill } : {}) } });
  return out;
}

/** A backend error as the Rust side returns it (`{code, params, message}`), thrown by the mock. */
export function backendError(code: string, params: Record<string, string | number>, message: string) {
  return { code, params, message };
}

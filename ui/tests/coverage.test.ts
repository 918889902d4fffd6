// The coverage colour scale and the mock's coverage model (derived from the mock problem).
import { describe, expect, it } from 'vitest';
import problem from '../src/mock/problem.json';
import type { Problem } from '../src/lib/backend/types';
import { compareViews, coverageColor, isoWeek, mockCoverage, mondayOf, regionAttainment, weeklyHours } from '../src/lib/coverage';

const P = problem as unknown as Problem;
const hue = (c: string) => Number(/hsl\((\d+)/.exec(c)![1]);

describe('coverage colour scale', () => {
  it('runs from red at 60 % and below through amber to green at 100 %', () => {
    expect(hue(coverageColor(100))).toBe(120);
    expect(hue(coverageColor(60))).toBe(0);
    expect(hue(coverageColor(10))).toBe(0);
    expect(hue(coverageColor(80))).toBe(60);
    expect(hue(coverageColor(150))).toBe(120);
    expect(hue(coverageColor(Number.NaN))).toBe(0);
  });
  it('is monotonic', () => {
    let last = -1;
    for (let p = 50; p <= 100; p += 2.5) { const h = hue(coverageColor(p)); expect(h).toBeGreaterThanOrEqual(last); last = h; }
  });
});

describe('ISO weeks', () => {
  it('Mondays and week numbers', () => {
    expect(mondayOf('2026-12-10')).toBe('2026-12-07');
    expect(mondayOf('2026-12-07')).toBe('2026-12-07');
    expect(mondayOf('2026-12-13')).toBe('2026-12-07');
    expect(isoWeek('2026-12-07')).toBe(50);
    expect(isoWeek('2026-12-28')).toBe(53);
    expect(isoWeek('2027-01-04')).toBe(1);
  });
});

describe('mock coverage model', () => {
  const { view } = mockCoverage(P, 4);
  it('cells are consistent and derived from the visits', () => {
    expect(view.cells.length).toBe(P.regions.length * P.skills.length * 4);
    for (const c of view.cells) {
      expect(c.allocated_hours).toBeLessThanOrEqual(c.capacity_hours + 1e-6);
      expect(c.allocated_hours).toBeLessThanOrEqual(c.demand_hours + 1e-6);
      expect(Math.abs(c.unmet_hours - (c.demand_hours - c.allocated_hours))).toBeLessThan(1e-6);
    }
    const visitHours = P.visits.reduce((a, v) => a + v.duration_min / 60, 0);
    const week1 = view.cells.filter((c) => c.week === view.weeks[0]).reduce((a, c) => a + c.demand_hours, 0);
    expect(week1).toBeGreaterThan(0.95 * visitHours); // all but visits outside every region
    expect(week1).toBeLessThanOrEqual(visitHours + 1e-6);
    expect(view.weeks).toEqual([50, 51, 52, 53]);
    expect(weeklyHours(P.technicians[0], '2026-12-07')).toBeCloseTo(5 * 8 * 0.75);
  });
  it('recommendations raise attainment where they say', () => {
    expect(view.recommendations.length).toBeGreaterThan(0);
    for (const r of view.recommendations) {
      expect(r.code).toBe('add_technician');
      expect(Number(r.params.sla_after)).toBeGreaterThan(Number(r.params.sla_before));
    }
  });
  it('a scenario comparison shows the added technician in its region', () => {
    const r = view.recommendations[0].params;
    const more = mockCoverage(P, 4, { add_technicians: [{ region: String(r.region), skill: String(r.skill), level: Number(r.level), count: 2, certifications: String(r.certifications) ? String(r.certifications).split(', ') : [] }] }, 'more').view;
    const cmp = compareViews(['baseline', 'more'], [view, more]);
    expect(cmp.kpis[0].kpi).toBe('sla_attainment_pct');
    expect(cmp.kpis[0].deltas[1]).toBeGreaterThan(0);
    const row = cmp.regions.find((x) => x.region === r.region)!;
    expect(row.delta_unmet_hours[1]).toBeLessThan(0);
    expect(regionAttainment(more, String(r.region), null, null).pct).toBeCloseTo(row.sla_attainment_pct[1]);
    const grown = mockCoverage(P, 4, { demand_growth: [{ pct: 10 }] }).view;
    expect(grown.totals.demand_hours).toBeCloseTo(view.totals.demand_hours * 1.1);
  });
});

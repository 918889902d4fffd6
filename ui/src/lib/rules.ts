// The basic hard rules, re-implemented in the browser for the mock backend and for instant drag
// feedback: skill and level, certifications valid on the day, excluded technicians, absences,
// time window, shift (and break), overlap with the technician's other visits that day.
// The solver (Rust) is the authority; region, capacity, provider share and the exact travel
// model are checked there (TauriBackend.checkMove), not here.
import type { Technician, Visit, Violation, Route } from './backend/types';
import { at, hhmm, minOfDay, toMin, weekday } from './time';

export interface Placement { technician: Technician; visit: Visit; day: string; /** minutes of day */ start: number }

export function staticViolations(t: Technician, v: Visit, day: string): Violation[] {
  const out: Violation[] = [];
  const held = t.skills.find((s) => s.skill === v.skill);
  if (!held || held.level < v.min_level) {
    out.push({ code: 'skill', params: { skill: v.skill, level: v.min_level, held: held ? held.level : 0 } });
  }
  for (const c of v.certifications) {
    const hc = t.certifications.find((x) => x.certification === c);
    if (!hc || hc.valid_until < day) out.push({ code: 'certification', params: { certification: c, day } });
  }
  if (v.excluded_technicians.includes(t.id)) out.push({ code: 'excluded', params: {} });
  const shift = t.shifts[weekday(day)];
  if (!shift) out.push({ code: 'day_off', params: { day } });
  if ((t.absences ?? []).some((a) => a.from <= day && day <= a.to)) out.push({ code: 'absent', params: { day } });
  return out;
}

export function timeViolations(p: Placement): Violation[] {
  const { technician: t, visit: v, day, start } = p;
  const out: Violation[] = [];
  const end = start + v.duration_min;
  const startAbs = toMin(at(day, start));
  if (v.time_windows.length > 0) {
    const inWindow = v.time_windows.some((w) => toMin(w.start) <= startAbs && startAbs <= toMin(w.end));
    if (!inWindow) out.push({ code: 'window', params: { windows: v.time_windows.length } });
  }
  const shift = t.shifts[weekday(day)];
  if (shift && (start < hhmm(shift.start) || end > hhmm(shift.end))) {
    out.push({ code: 'shift', params: { start: shift.start, end: shift.end } });
  }
  return out;
}

/** Overlap with other stops of the same technician-day (the moved visit itself excluded). */
export function overlapViolations(route: Route | undefined, visit: Visit, start: number): Violation[] {
  if (!route) return [];
  const end = start + visit.duration_min;
  for (const s of route.stops) {
    if (s.visit === visit.id) continue;
    const s0 = minOfDay(s.start);
    const s1 = minOfDay(s.end);
    if (start < s1 && s0 < end) return [{ code: 'overlap', params: { visit: s.visit } }];
  }
  return [];
}

export function lockedViolation(visit: Visit, locked: boolean): Violation[] {
  return locked ? [{ code: 'locked', params: { visit: visit.id } }] : [];
}

/** The earliest start (minutes of day) that a window and the shift allow on that day, or null. */
export function earliestStart(t: Technician, v: Visit, day: string): number | null {
  const shift = t.shifts[weekday(day)];
  if (!shift) return null;
  const s0 = hhmm(shift.start);
  const s1 = hhmm(shift.end) - v.duration_min;
  if (s1 < s0) return null;
  if (v.time_windows.length === 0) return s0;
  let best: number | null = null;
  const dayStart = toMin(at(day, 0));
  for (const w of v.time_windows) {
    const w0 = toMin(w.start) - dayStart;
    const w1 = toMin(w.end) - dayStart;
    const lo = Math.max(w0, s0);
    const hi = Math.min(w1, s1);
    if (lo <= hi && (best === null || lo < best)) best = lo;
  }
  return best;
}

/** Haversine travel with the formats' default detour factor (1.3) and speed (40 km/h). */
export function travel(a: { lat: number; lon: number }, b: { lat: number; lon: number }): { travel_s: number; distance_m: number } {
  const R = 6371008.8;
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  const distance_m = 2 * R * Math.asin(Math.min(1, Math.sqrt(h))) * 1.3;
  return { distance_m, travel_s: Math.round(distance_m / (40000 / 3600)) };
}

// Locale-aware formatting with Intl only: dates, weekdays, 24-hour times, numbers, durations,
// distances. Times in Rota are local wall-clock text of the service area; we format their
// fields as if UTC so the viewer's own time zone never shifts them.
import { wallDate } from './time';

const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();
function dtf(locale: string, o: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const k = 'd' + locale + JSON.stringify(o);
  let f = cache.get(k) as Intl.DateTimeFormat | undefined;
  if (!f) cache.set(k, (f = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', ...o })));
  return f;
}
function nf(locale: string, o: Intl.NumberFormatOptions): Intl.NumberFormat {
  const k = 'n' + locale + JSON.stringify(o);
  let f = cache.get(k) as Intl.NumberFormat | undefined;
  if (!f) cache.set(k, (f = new Intl.NumberFormat(locale, o)));
  return f;
}

/** Weeks start on Monday in both languages (ISO 8601). */
export const WEEK_STARTS_ON = 1;

export function fmtTime(locale: string, moment: string): string {
  return dtf(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(wallDate(moment));
}
export function fmtDay(locale: string, day: string): string {
  return dtf(locale, { weekday: 'short', month: 'short', day: 'numeric' }).format(wallDate(day));
}
export function fmtDate(locale: string, day: string): string {
  return dtf(locale, { year: 'numeric', month: '2-digit', day: '2-digit' }).format(wallDate(day));
}
export function fmtDateTime(locale: string, moment: string): string {
  return dtf(locale, { weekday: 'short', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(wallDate(moment));
}
export function fmtWeekday(locale: string, day: string): string {
  return dtf(locale, { weekday: 'long' }).format(wallDate(day));
}
export function fmtNumber(locale: string, n: number, digits = 0): string {
  return nf(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(n);
}
export function fmtPercent(locale: string, pct: number, digits = 1): string {
  return nf(locale, { style: 'percent', maximumFractionDigits: digits, minimumFractionDigits: digits }).format(pct / 100);
}
/** A duration in minutes: "1 h 25 min" / "1小时25分钟" via Intl unit formatting. */
export function fmtDuration(locale: string, minutes: number): string {
  const m = Math.round(minutes);
  const h = Math.floor(m / 60);
  const r = m % 60;
  const hs = nf(locale, { style: 'unit', unit: 'hour', unitDisplay: 'short' });
  const ms = nf(locale, { style: 'unit', unit: 'minute', unitDisplay: 'short' });
  if (h && r) return `${hs.format(h)} ${ms.format(r)}`;
  return h ? hs.format(h) : ms.format(r);
}
export function fmtHours(locale: string, hours: number, digits = 1): string {
  return nf(locale, { style: 'unit', unit: 'hour', unitDisplay: 'short', maximumFractionDigits: digits, minimumFractionDigits: digits }).format(hours);
}
/** A distance in metres: metres below 1 km, else kilometres with one decimal. */
export function fmtDistance(locale: string, meters: number): string {
  if (meters < 1000) return nf(locale, { style: 'unit', unit: 'meter', unitDisplay: 'short', maximumFractionDigits: 0 }).format(meters);
  return nf(locale, { style: 'unit', unit: 'kilometer', unitDisplay: 'short', maximumFractionDigits: 1 }).format(meters / 1000);
}

// Local wall-clock text of the service area <-> numbers. No time zones are involved: every time
// in the formats is local to the service area, so we treat it as UTC arithmetic internally.

/** Minutes since 1970-01-01T00:00 of a local moment "YYYY-MM-DDTHH:MM[:SS]". */
export function toMin(moment: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(moment);
  if (!m) throw new Error(`not a local moment: ${moment}`);
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], m[6] ? +m[6] : 0) / 60000;
}

/** The local moment text of minutes since the epoch (seconds written only when not zero). */
export function fromMin(min: number): string {
  const d = new Date(Math.round(min * 60) * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  const base = `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}T${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
  return d.getUTCSeconds() ? `${base}:${p(d.getUTCSeconds())}` : base;
}

/** Minutes since midnight of the moment's own day. */
export function minOfDay(moment: string): number {
  return toMin(moment) - toMin(dayOf(moment) + 'T00:00');
}

export function dayOf(moment: string): string {
  return moment.slice(0, 10);
}

/** "HH:MM" (or "24:00") to minutes. */
export function hhmm(t: string): number {
  const [h, m] = t.split(':').map(Number);
  return h * 60 + m;
}

export function at(day: string, minutes: number): string {
  return fromMin(toMin(day + 'T00:00') + minutes);
}

export function addDays(day: string, n: number): string {
  return fromMin(toMin(day + 'T00:00') + n * 1440).slice(0, 10);
}

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export function weekday(day: string): (typeof WEEKDAYS)[number] {
  return WEEKDAYS[new Date(toMin(day + 'T00:00') * 60000).getUTCDay()];
}

/** A Date whose UTC fields are the local wall-clock fields (format it with timeZone 'UTC'). */
export function wallDate(moment: string): Date {
  return new Date(toMin(moment.length === 10 ? moment + 'T00:00' : moment) * 60000);
}

export function horizonDays(start: string, days: number): string[] {
  return Array.from({ length: Math.max(1, days) }, (_, i) => addDays(start, i));
}

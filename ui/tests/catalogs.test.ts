// The two catalogs have exactly the same keys, every message is valid ICU MessageFormat in its
// language, and every code the backend or the rules can send has a message.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import en from '../src/locales/en.json';
import zh from '../src/locales/zh-CN.json';

type Tree = { [k: string]: string | Tree };
function flatten(t: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(t)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [a, b] of flatten(v, key)) out.set(a, b);
  }
  return out;
}
const E = flatten(en as Tree);
const Z = flatten(zh as Tree);
const root = join(__dirname, '..');
const src = (p: string) => readFileSync(join(root, p), 'utf8');

describe('catalogs', () => {
  it('en and zh-CN have identical keys', () => {
    expect([...Z.keys()].filter((k) => !E.has(k))).toEqual([]);
    expect([...E.keys()].filter((k) => !Z.has(k))).toEqual([]);
  });

  it('every message parses as ICU MessageFormat and is not empty', () => {
    for (const [cat, locale] of [[E, 'en'], [Z, 'zh-CN']] as const) {
      for (const [k, m] of cat) {
        expect(m.trim().length, `${locale} ${k}`).toBeGreaterThan(0);
        expect(() => new IntlMessageFormat(m, locale), `${locale} ${k}`).not.toThrow();
      }
    }
  });

  it('plurals and interpolation work in both languages', () => {
    const fmt = (cat: Map<string, string>, l: string, k: string, v: Record<string, unknown>) => new IntlMessageFormat(cat.get(k)!, l).format(v);
    expect(fmt(E, 'en', 'board.lanes', { count: 1 })).toBe('1 technician');
    expect(fmt(E, 'en', 'board.lanes', { count: 60 })).toBe('60 technicians');
    expect(fmt(Z, 'zh-CN', 'board.lanes', { count: 60 })).toBe('60 名技术员');
    expect(fmt(E, 'en', 'toast.moved', { visit: 'V1', technician: 'Ann' })).toBe('V1 moved to Ann');
  });

  it('every reason code of docs/format.md (plus the app codes) has a message', () => {
    const doc = src('../docs/format.md');
    const section = doc.slice(doc.indexOf('**Reason codes**'), doc.indexOf('**KPIs**'));
    const codes = [...section.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]);
    expect(codes.length).toBeGreaterThanOrEqual(9);
    for (const c of [...codes, 'displaced', 'manual']) {
      expect(E.has(`reason.${c}`), `reason.${c}`).toBe(true);
      expect(E.has(`reason_short.${c}`), `reason_short.${c}`).toBe(true);
    }
  });

  it('every KPI name of the plan format has a message', () => {
    const names = ['visits', 'assigned', 'unassigned', 'unassigned_by_reason', 'sla_attainment_pct', 'response_hours_mean',
      'response_hours_p90', 'emergency_response_minutes_mean', 'first_time_fix_pct', 'travel_hours', 'travel_km',
      'service_hours', 'utilization_pct', 'routes', 'technicians_used', 'workload_spread_hours', 'provider_shares'];
    const plan = JSON.parse(src('src/mock/plan.json'));
    expect(Object.keys(plan.kpis).sort()).toEqual([...names].sort());
    for (const n of names) expect(E.has(`kpi.${n}`), `kpi.${n}`).toBe(true);
  });

  it('every rule code the rules and the mock emit has a message', () => {
    const code = src('src/lib/rules.ts') + src('src/lib/backend/mock.ts');
    const ruleCodes = new Set([...code.matchAll(/code: '([a-z_]+)'/g)].map((m) => m[1]));
    const actions = ['solve', 'move', 'unassign', 'lock', 'unlock', 'undo', 'redo', 'emergency', 'optimize'];
    for (const c of ruleCodes) {
      if (actions.includes(c) || c === 'displaced' || c === 'manual') continue;
      expect(E.has(`rule.${c}`), `rule.${c}`).toBe(true);
    }
    for (const a of actions) expect(E.has(`history.do.${a}`), `history.do.${a}`).toBe(true);
  });

  it('every skill and certification of the sample has a message', () => {
    const p = JSON.parse(src('src/mock/problem.json'));
    for (const s of p.skills) expect(E.has(`skill.${s.id}`), s.id).toBe(true);
    for (const c of p.certifications) expect(E.has(`cert.${c.id}`), c.id).toBe(true);
  });

  it('every key used literally in a component exists', () => {
    const dir = join(root, 'src/components');
    const files = [...readdirSync(dir).map((f) => join(dir, f)), join(root, 'src/App.svelte'), join(root, 'src/lib/app.svelte.ts')];
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/(?:\$_\(|toast\([^,]+,\s*)'([a-z_]+(?:\.[a-zA-Z0-9_-]+)+)'/g)) {
        expect(E.has(m[1]), `${f}: ${m[1]}`).toBe(true);
      }
    }
  });
});

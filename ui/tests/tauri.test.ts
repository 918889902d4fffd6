// TauriBackend calls exactly the commands documented in ui/BACKEND.md, with the documented
// argument names, and forwards progress events and cancellation.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TauriBackend } from '../src/lib/backend/tauri';
import type { EmergencyOption, EmergencyRequest } from '../src/lib/backend/types';

function fake(hold = false) {
  let release: (() => void) | null = null;
  const calls: { cmd: string; args: Record<string, unknown> }[] = [];
  let listener: ((e: { payload: unknown }) => void) | null = null;
  const tauri = {
    core: {
      invoke: async <T,>(cmd: string, args: Record<string, unknown> = {}): Promise<T> => {
        calls.push({ cmd, args });
        if (cmd === 'optimize_start') return 'run-1' as T;
        if (cmd === 'optimize_cancel') release?.();
        if (cmd === 'optimize_result' && hold) return new Promise<T>((res) => { release = () => res({ run_id: 'run-1', cancelled: true } as T); });
        if (cmd === 'optimize_result') {
          listener?.({ payload: { run_id: 'run-1', fraction: 0.5, phase: 'search', best_objective: 1 } });
          listener?.({ payload: { run_id: 'other', fraction: 0.9, phase: 'search', best_objective: 1 } });
          return { run_id: 'run-1', cancelled: false } as T;
        }
        return null as T;
      },
    },
    event: { listen: async <T,>(_: string, h: (e: { payload: T }) => void) => { listener = h as never; return () => { listener = null; }; } },
  };
  return { calls, backend: new TauriBackend(tauri) };
}

describe('TauriBackend', () => {
  it('uses exactly the commands of BACKEND.md', async () => {
    const { calls, backend: b } = fake();
    const req = { visit: 'V1', technician: 'T1', day: '2026-12-07', start: '2026-12-07T10:00' };
    const em = {} as EmergencyRequest;
    await b.loadProblem(); await b.loadRegions(); await b.loadPlan(); await b.loadPlan(3); await b.listPlanVersions();
    await b.checkMove(req); await b.moveVisit(req); await b.unassignVisit('V1'); await b.setLock('V1', true);
    await b.undo(); await b.redo(); await b.undoState(); await b.findSlot('V1', 5);
    await b.emergencyOptions(em, 5); await b.dispatchEmergency(em, {} as EmergencyOption);
    const progress: number[] = [];
    await b.optimize({ kind: 'horizon' }, (p) => progress.push(p.fraction), new AbortController().signal);
    await b.acceptOptimization('run-1'); await b.discardOptimization('run-1'); await b.kpis(); await b.providerScorecards(); await b.routeLines('2026-12-07');
    await b.coverageReport(4, null); await b.listScenarios(); await b.compareScenarios(['s1'], 6);
    await b.scenarioCreate({ name: 's2', from: null, description: '', changes: {} });
    await b.areaInfo(); await b.mapTile(16, 37308, 18970); await b.searchAddress('alek 5', 8);
    const doc = readFileSync(join(__dirname, '..', 'BACKEND.md'), 'utf8');
    const documented = new Set([...doc.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]));
    const used = new Set(calls.map((c) => c.cmd));
    used.add('optimize_cancel'); // exercised below
    expect([...used].sort()).toEqual([...documented].sort());
    expect(calls.find((c) => c.cmd === 'load_plan')!.args).toEqual({ version: null });
    expect(calls.find((c) => c.cmd === 'move_visit')!.args).toEqual({ req });
    expect(calls.find((c) => c.cmd === 'set_lock')!.args).toEqual({ visit: 'V1', locked: true });
    expect(calls.find((c) => c.cmd === 'optimize_accept')!.args).toEqual({ runId: 'run-1' });
    expect(calls.find((c) => c.cmd === 'coverage_report')!.args).toEqual({ weeks: 4, scenario: null });
    expect(calls.find((c) => c.cmd === 'compare_scenarios')!.args).toEqual({ names: ['s1'], weeks: 6 });
    expect(calls.find((c) => c.cmd === 'map_tile')!.args).toEqual({ z: 16, x: 37308, y: 18970 });
    expect(calls.find((c) => c.cmd === 'search_address')!.args).toEqual({ query: 'alek 5', limit: 8 });
    expect(progress).toEqual([0.5]); // only its own run's events
  });

  it('cancels through optimize_cancel when the signal aborts', async () => {
    const { calls, backend: b } = fake(true);
    const ac = new AbortController();
    const p = b.optimize({ kind: 'day', day: '2026-12-07' }, () => {}, ac.signal);
    await new Promise((r) => setTimeout(r, 10));
    ac.abort();
    expect((await p).cancelled).toBe(true);
    expect(calls.find((c) => c.cmd === 'optimize_cancel')!.args).toEqual({ runId: 'run-1' });
  });
});

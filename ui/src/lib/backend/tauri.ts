// TauriBackend: every call is one Tauri command (`window.__TAURI__.core.invoke`, available with
// `app.withGlobalTauri`). Command names and payloads are the contract in ui/BACKEND.md.
import type {
  Backend, CoverageView, ScenarioComparison, ScenarioCreate, ScenarioInfo, EditResult, EmergencyOption, EmergencyRequest, Feasibility, Kpis, MoveRequest, OptimizeProgress,
  OptimizeResult, OptimizeScope, AreaInfo, AddressHit, Plan, PlanVersion, Problem, ProviderScorecard, RouteLine, SlotOption, UndoState,
} from './types';

interface TauriGlobal {
  core: { invoke<T>(cmd: string, args?: Record<string, unknown>): Promise<T> };
  event: { listen<T>(event: string, handler: (e: { payload: T }) => void): Promise<() => void> };
}

/** A backend error as the Rust side returns it: a code (catalog `error.<code>`) plus parameters. */
export interface BackendError { code: string; params?: Record<string, string | number>; message?: string }

export function tauriGlobal(): TauriGlobal | undefined {
  return (globalThis as unknown as { __TAURI__?: TauriGlobal }).__TAURI__;
}

export class TauriBackend implements Backend {
  readonly kind = 'tauri' as const;
  constructor(private readonly tauri: TauriGlobal) {}

  private call<T>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
    return this.tauri.core.invoke<T>(cmd, args);
  }

  loadProblem() { return this.call<Problem>('load_problem'); }
  loadRegions() { return this.call<GeoJSON.FeatureCollection>('load_regions'); }
  loadPlan(version?: number) { return this.call<Plan>('load_plan', { version: version ?? null }); }
  listPlanVersions() { return this.call<PlanVersion[]>('list_plan_versions'); }
  checkMove(req: MoveRequest) { return this.call<Feasibility>('check_move', { req }); }
  moveVisit(req: MoveRequest) { return this.call<EditResult>('move_visit', { req }); }
  unassignVisit(visit: string) { return this.call<EditResult>('unassign_visit', { visit }); }
  setLock(visit: string, locked: boolean) { return this.call<EditResult>('set_lock', { visit, locked }); }
  undo() { return this.call<Plan>('undo'); }
  redo() { return this.call<Plan>('redo'); }
  undoState() { return this.call<UndoState>('undo_state'); }
  findSlot(visit: string, limit = 5) { return this.call<SlotOption[]>('find_slot', { visit, limit }); }
  emergencyOptions(req: EmergencyRequest, limit = 5) { return this.call<EmergencyOption[]>('emergency_options', { req, limit }); }
  dispatchEmergency(req: EmergencyRequest, option: EmergencyOption) {
    return this.call<EditResult & { visit: string }>('dispatch_emergency', { req, option });
  }

  async optimize(scope: OptimizeScope, onProgress: (p: OptimizeProgress) => void, signal: AbortSignal): Promise<OptimizeResult> {
    const runId = await this.call<string>('optimize_start', { scope });
    const unlisten = await this.tauri.event.listen<OptimizeProgress & { run_id: string }>('optimize://progress', (e) => {
      if (e.payload.run_id === runId) onProgress(e.payload);
    });
    const onAbort = () => void this.call('optimize_cancel', { runId });
    signal.addEventListener('abort', onAbort);
    try {
      return await this.call<OptimizeResult>('optimize_result', { runId });
    } finally {
      signal.removeEventListener('abort', onAbort);
      unlisten();
    }
  }

  acceptOptimization(runId: string) { return this.call<PlanVersion>('optimize_accept', { runId }); }
  discardOptimization(runId: string) { return this.call<void>('optimize_discard', { runId }); }
  kpis(version?: number) { return this.call<Kpis>('kpis', { version: version ?? null }); }
  providerScorecards() { return this.call<ProviderScorecard[]>('provider_scorecards'); }
  routeLines(day: string, version?: number) { return this.call<RouteLine[]>('route_lines', { version: version ?? null, day }); }
  coverageReport(weeks: number, scenario: string | null) { return this.call<CoverageView>('coverage_report', { weeks, scenario }); }
  listScenarios() { return this.call<ScenarioInfo[]>('list_scenarios'); }
  compareScenarios(names: string[], weeks: number) { return this.call<ScenarioComparison>('compare_scenarios', { names, weeks }); }
  scenarioCreate(req: ScenarioCreate) { return this.call<ScenarioInfo>('scenario_create', { req }); }
  areaInfo() { return this.call<AreaInfo | null>('area_info'); }
  /** Raw bytes over IPC (an ArrayBuffer); an empty answer means no tile there. */
  async mapTile(z: number, x: number, y: number) {
    const bytes = await this.call<ArrayBuffer | number[]>('map_tile', { z, x, y });
    const buf = bytes instanceof ArrayBuffer ? bytes : new Uint8Array(bytes).buffer;
    return buf.byteLength > 0 ? buf : null;
  }
  searchAddress(query: string, limit = 8) { return this.call<AddressHit[]>('search_address', { query, limit }); }
}

// The one seam between the UI and whatever answers it (GitButler's IBackend idea).
// `MockBackend` answers in the browser from committed sample data; `TauriBackend` forwards every
// call to a Tauri command (see ui/BACKEND.md, the contract the Rust side implements).
// Data shapes mirror docs/format.md (`rota-problem/1`, `rota-plan/1`); times are local
// wall-clock text of the service area ("YYYY-MM-DDTHH:MM[:SS]").

// The payloads are GENERATED from the Rust types (./contract.ts, by src-tauri/src/contract.rs
// with ts-rs; a Rust test fails when it is stale): what the commands send is what the UI is
// type-checked against. This file only names them as the UI uses them, and declares the seam.
import type * as C from './contract';

import type {
  Priority, Segment, Location, Shift, WeekShifts, Region, Site, Provider, Technician, Visit, Problem, Leg, Reason, ReasonCode,
  ProviderShare, Kpis, PlanVersion, Violation, Feasibility, MoveRequest, UndoState, SlotOption, EmergencyRequest,
  EmergencyOption, OptimizeScope, PlanDiff, RouteLine, ProviderScorecard, Coded, CoverageCell, CoverageRegionWeek,
  CoverageTotals, CoverageView, ScenarioInfo, ComparedKpi, ComparedRegion, ScenarioComparison, ScenarioSpec, ScenarioCreate,
  BackendError, DispatchResult,
} from './contract';

export type {
  Priority, Segment, Location, Shift, WeekShifts, Region, Site, Provider, Technician, Visit, Problem, Leg, Reason, ReasonCode,
  ProviderShare, Kpis, PlanVersion, Violation, Feasibility, MoveRequest, UndoState, SlotOption, EmergencyRequest,
  EmergencyOption, OptimizeScope, PlanDiff, RouteLine, ProviderScorecard, Coded, CoverageCell, CoverageRegionWeek,
  CoverageTotals, CoverageView, ScenarioInfo, ComparedKpi, ComparedRegion, ScenarioComparison, ScenarioSpec, ScenarioCreate,
  BackendError, DispatchResult,
};

export type Weekday = keyof C.WeekShifts;
export type LatLon = C.Location;
/** A plan as the commands return it (`PlanView`: stops may be `locked`, queue reasons `manual`/`displaced`). */
export type Plan = C.PlanView;
export type Route = Plan['routes'][number];
export type Stop = Route['stops'][number];
/** Why a visit is in the queue: the solver's reason, or the app's own (`manual`, `displaced {visit}`). */
export type QueueReason = Plan['unassigned'][number]['reasons'][number];
export type EditResult = Omit<C.EditResult, 'plan'> & { plan: Plan | null };
/** Progress as the UI's callback gets it (the event's `run_id` is the backend's business). */
export type OptimizeProgress = Omit<C.OptimizeProgress, 'run_id'>;
export type OptimizeResult = Omit<C.OptimizeResult, 'plan'> & { plan: Plan };

export interface Backend {
  readonly kind: 'mock' | 'tauri';
  loadProblem(): Promise<Problem>;
  /** The regions as a GeoJSON FeatureCollection. */
  loadRegions(): Promise<GeoJSON.FeatureCollection>;
  /** The current plan, or a saved version. */
  loadPlan(version?: number): Promise<Plan>;
  listPlanVersions(): Promise<PlanVersion[]>;
  /** Feasibility of a move without doing it (called continuously while dragging). */
  checkMove(req: MoveRequest): Promise<Feasibility>;
  /** Do the move if feasible; a new plan version. */
  moveVisit(req: MoveRequest): Promise<EditResult>;
  /** Move a planned visit back to the unassigned queue. */
  unassignVisit(visit: string): Promise<EditResult>;
  setLock(visit: string, locked: boolean): Promise<EditResult>;
  undo(): Promise<Plan>;
  redo(): Promise<Plan>;
  undoState(): Promise<UndoState>;
  findSlot(visit: string, limit?: number): Promise<SlotOption[]>;
  emergencyOptions(req: EmergencyRequest, limit?: number): Promise<EmergencyOption[]>;
  dispatchEmergency(req: EmergencyRequest, option: EmergencyOption): Promise<EditResult & { visit: string }>;
  /** Start an optimization; progress is reported through the callback; abort the signal to cancel. */
  optimize(scope: OptimizeScope, onProgress: (p: OptimizeProgress) => void, signal: AbortSignal): Promise<OptimizeResult>;
  acceptOptimization(runId: string): Promise<PlanVersion>;
  discardOptimization(runId: string): Promise<void>;
  kpis(version?: number): Promise<Kpis>;
  providerScorecards(): Promise<ProviderScorecard[]>;
  /** The day's routes as the lines a technician drives (along the roads when the problem has a road network). */
  routeLines(day: string, version?: number): Promise<RouteLine[]>;
  /** Coverage of the live data (`scenario` null) or of a stored scenario, for `weeks` weeks. */
  coverageReport(weeks: number, scenario: string | null): Promise<CoverageView>;
  listScenarios(): Promise<ScenarioInfo[]>;
  /** The baseline and the named scenarios side by side (deltas against the first column). */
  compareScenarios(names: string[], weeks: number): Promise<ScenarioComparison>;
  scenarioCreate(req: ScenarioCreate): Promise<ScenarioInfo>;
  /** The service area's basemap (vector tiles from OpenStreetMap), or null without one. */
  areaInfo(): Promise<AreaInfo | null>;
  /** One vector tile (Mapbox Vector Tile bytes) at zoom/column/row (XYZ); null where there is none. */
  mapTile(z: number, x: number, y: number): Promise<ArrayBuffer | null>;
  /** Addresses of the area matching what was typed so far, best first. */
  searchAddress(query: string, limit?: number): Promise<AddressHit[]>;
}

/** The area file's metadata (docs/areas.md). */
export interface AreaInfo {
  name: string; attribution: string;
  /** West, south, east, north. */
  bounds: [number, number, number, number];
  minzoom: number; maxzoom: number; tiles: number; addresses: number;
}
/** One address of the area's index. */
export interface AddressHit { label: string; street: string; housenumber: string; postcode: string; city: string; lat: number; lon: number }

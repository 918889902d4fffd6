// The one seam between the UI and whatever answers it (GitButler's IBackend idea).
// `MockBackend` answers in the browser from committed sample data; `TauriBackend` forwards every
// call to a Tauri command (see ui/BACKEND.md, the contract the Rust side implements).
// Data shapes mirror docs/format.md (`rota-problem/1`, `rota-plan/1`); times are local
// wall-clock text of the service area ("YYYY-MM-DDTHH:MM[:SS]").

export type Priority = 'emergency' | 'vip' | 'standard';
export type Segment = 'new' | 'growth' | 'value' | 'churn-risk';
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

export interface LatLon { lat: number; lon: number }
export interface Shift { start: string; end: string; break?: { earliest: string; latest: string; minutes: number } }

export interface Region { id: string; name: string; area: { type: string; coordinates: unknown } }
export interface Site { id: string; name: string; location: LatLon }
export interface Provider {
  id: string; name: string; certification_level: number; certified_until: string;
  regions: string[]; share: { min_pct: number; max_pct: number }; rating: number;
}
export interface Technician {
  id: string; name: string; provider?: string; start_site: string; end_site?: string;
  skills: { skill: string; level: number }[];
  certifications: { certification: string; valid_until: string }[];
  regions: string[]; secondary_regions: string[];
  shifts: Partial<Record<Weekday, Shift>>;
  absences?: { from: string; to: string; reason?: string }[];
  max_visits_per_day?: number; capacity?: number;
}
export interface Visit {
  id: string; customer: string; address?: string; location: LatLon;
  skill: string; min_level: number; certifications: string[]; duration_min: number;
  time_windows: { start: string; end: string }[];
  priority: Priority; segment: Segment; complexity: number; created_at: string;
  sla?: { on_site_by: string }; preferred_technician?: string; excluded_technicians: string[];
  parts_volume: number; status: string;
  pin?: { technician?: string; day?: string; start?: string };
}
export interface Problem {
  format: string; name: string; description?: string; timezone: string;
  horizon: { start: string; days: number };
  regions: Region[]; sites: Site[]; skills: { id: string; name: string }[];
  certifications: { id: string; name: string }[]; providers: Provider[];
  technicians: Technician[]; visits: Visit[];
}

export interface Leg { travel_s: number; distance_m: number }
export interface Stop {
  visit: string; leg: Leg; depart: string; arrival: string; start: string; end: string; sla_late_min: number;
  /** UI extension: the dispatcher locked this stop (pinned to technician and start). */
  locked?: boolean;
}
export interface Route {
  technician: string; day: string; start_site: string; end_site: string; start: string; end: string;
  stops: Stop[]; return_leg: Leg; break?: { start: string; end: string } | null;
  travel_s: number; distance_m: number; service_s: number; wait_s: number; parts_volume: number;
}
export interface Reason { code: string; message?: string; params?: Record<string, string> }
export interface ProviderShare { provider: string; region: string; visits: number; share_pct: number }
export interface Kpis {
  visits: number; assigned: number; unassigned: number; unassigned_by_reason: Record<string, number>;
  sla_attainment_pct: number; response_hours_mean: number; response_hours_p90: number;
  emergency_response_minutes_mean: number; first_time_fix_pct: number;
  travel_hours: number; travel_km: number; service_hours: number; utilization_pct: number;
  routes: number; technicians_used: number; workload_spread_hours: number;
  provider_shares: ProviderShare[];
}
export interface Plan {
  format: string; problem: { name: string; fingerprint: string };
  settings: Record<string, unknown>;
  routes: Route[]; unassigned: { visit: string; reasons: Reason[] }[];
  kpis: Kpis; objective: { total: number; terms: Record<string, number> };
}

/** One saved plan version (every accepted change is a new version). */
export interface PlanVersion {
  id: number; parent: number | null;
  author: 'solver' | 'dispatcher' | 'batch' | 'what-if';
  /** What made it: a code rendered from the catalog (`history.action.<code>`) plus parameters. */
  action: { code: string; params?: Record<string, string | number> };
  created_at: string; kpis: Kpis; objective_total: number;
}

/** A rule a proposed change would break: a code (catalog `rule.<code>`) plus parameters. */
export interface Violation { code: string; params?: Record<string, string | number> }
export interface Feasibility { ok: boolean; violations: Violation[] }

/** Move (or assign) a visit to a technician on a day, optionally at an exact start. */
export interface MoveRequest { visit: string; technician: string; day: string; start?: string }
export interface EditResult { feasibility: Feasibility; plan: Plan | null; version: PlanVersion | null }
export interface UndoState { can_undo: boolean; can_redo: boolean }

export interface SlotOption {
  technician: string; day: string; start: string; end: string;
  /** Extra travel the insertion causes, seconds. */
  extra_travel_s: number; sla_late_min: number; score: number;
}

export interface EmergencyRequest {
  customer: string; location: LatLon; skill: string; min_level: number;
  certifications: string[]; duration_min: number; called_at: string;
}
export interface EmergencyOption {
  technician: string; day: string; arrival: string; start: string; travel_s: number;
  /** Visits this technician would have to drop to take the call (moved to the queue). */
  displaces: string[];
}

export type OptimizeScope = { kind: 'day'; day: string } | { kind: 'horizon' } | { kind: 'region'; region: string };
export interface OptimizeProgress { fraction: number; phase: string; best_objective: number | null }
export interface PlanDiff {
  moved: { visit: string; from: { technician: string; day: string; start: string }; to: { technician: string; day: string; start: string } }[];
  newly_assigned: { visit: string; technician: string; day: string }[];
  newly_unassigned: string[];
  still_unassigned: string[];
  kpis_before: Kpis; kpis_after: Kpis;
}
export interface OptimizeResult { run_id: string; cancelled: boolean; plan: Plan; diff: PlanDiff }

/** One route's line on the map: `[lon, lat]` points from the start site through the stops to the end site. */
export interface RouteLine { technician: string; day: string; line: 'road' | 'straight'; coordinates: [number, number][] }

export interface ProviderScorecard {
  provider: string; name: string; certification_level: number; certified_until: string;
  certified_now: boolean; rating: number; regions: string[];
  share: { min_pct: number; max_pct: number };
  planned_visits: number; on_time_pct: number; first_time_fix_pct: number;
  shares: ProviderShare[];
  /** The rating's 90 % interval, its source (a certified feed, the stored performance records or
   * the master data's field) and the solver weight it maps to. */
  rating_low: number; rating_high: number; rating_source: 'feed' | 'performance' | 'master_data';
  rating_issuer: string | null; weight: number;
  /** Completed visits on record and their recency-weighted rates (%; null without records). */
  record_visits: number; record_on_time_pct: number | null; record_first_time_fix_pct: number | null;
  trend: number | null;
}

// ---- coverage planning (issue 9; ui/BACKEND.md "Coverage") ----------------------------------
/** A text the UI renders from its catalog: a code plus parameters. */
export interface Coded { code: string; params: Record<string, string | number> }
/** One region × skill × week of the coverage LP. */
export interface CoverageCell {
  region: string; skill: string; week: number; week_start: string;
  demand_hours: number; capacity_hours: number; allocated_hours: number; unmet_hours: number;
  sla_attainment_pct: number; marginal_value_per_hour: number;
}
export interface CoverageRegionWeek { region: string; week: number; demand_hours: number; allocated_hours: number; unmet_hours: number; sla_attainment_pct: number }
export interface CoverageTotals {
  demand_hours: number; allocated_hours: number; unmet_hours: number; sla_attainment_pct: number;
  sla_emergency_pct: number; sla_vip_pct: number; sla_standard_pct: number; secondary_hours: number; provider_hours: number;
}
export interface CoverageView {
  scenario: string | null; start: string; weeks: number[]; regions: string[]; skills: string[];
  /** Region-major, then skill, then week. */
  cells: CoverageCell[]; region_weeks: CoverageRegionWeek[]; totals: CoverageTotals;
  /** `add_technician {region, skill, level, certifications, from_week, from_date, sla_before, sla_after, overall_before, overall_after, unmet_saved, marginal_value}`. */
  recommendations: Coded[];
  history_rows: number;
}
export interface ScenarioInfo {
  name: string; description: string;
  /** `add_technicians`, `remove_technician`, `shift`, `day_off`, `provider_share`, `demand_growth` with params. */
  changes: Coded[];
  created_at: string; run_at: string | null; sla_attainment_pct: number | null;
}
export interface ComparedKpi { kpi: string; unit: 'pct' | 'h'; values: number[]; deltas: number[] }
export interface ComparedRegion {
  region: string; sla_attainment_pct: number[]; unmet_hours: number[];
  delta_sla_attainment_pct: number[]; delta_unmet_hours: number[];
}
export interface ScenarioComparison { columns: string[]; weeks: number[]; kpis: ComparedKpi[]; regions: ComparedRegion[] }
/** The changes of a scenario (a `ScenarioSpec` as `rota scenario create --spec`). */
export interface ScenarioSpec {
  add_technicians?: { count?: number; region: string; skill: string; level?: number; certifications?: string[]; from?: string }[];
  remove_technicians?: string[];
  provider_shares?: { provider: string; max_pct: number }[];
  demand_growth?: { region?: string; skill?: string; pct: number }[];
}
export interface ScenarioCreate { name: string; from: string | null; description: string; changes: ScenarioSpec }

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
}

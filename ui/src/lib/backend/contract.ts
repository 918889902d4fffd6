// GENERATED from the Rust types by src-tauri/src/contract.rs (ts-rs) — do not edit.
// Regenerate: ROTA_WRITE_CONTRACT=1 cargo test --workspace --locked contract
// The payloads of the Tauri commands in ui/BACKEND.md, serde names as sent over IPC.
/* eslint-disable */

/**
 * Days off, `from` to `to` inclusive.
 */
export type Absence = { from: string, to: string, reason?: string | null, };

/**
 * What made a version: a code (`history.do.<code>`) plus parameters.
 */
export type Action = { code: string, params?: Record<string, string | number>, };

/**
 * `count` new technicians with one skill, primary in `region`.
 */
export type AddTechnicians = { count: number, region: string, skill: string, level: number, certifications?: Array<string>, secondary_regions?: Array<string>, 
/**
 * First working day (default: from the start).
 */
from?: string | null, provider?: string | null, 
/**
 * Shift on every weekday Monday–Friday (default: the shifts of a technician of the region
 * with that skill, else 08:00–16:30 with a 30-minute break).
 */
shift?: Shift | null, name?: string | null, };

/**
 * A GeoJSON `Polygon` or `MultiPolygon` geometry (`[lon, lat]` positions).
 */
export type Area = { "type": "Polygon", coordinates: Array<Array<[number, number]>>, } | { "type": "MultiPolygon", coordinates: Array<Array<Array<[number, number]>>>, };

export type AssignedVisit = { visit: string, technician: string, day: string, };

/**
 * Every command's error: `{code, params, message}` (message: English, for logs).
 */
export type BackendError = { code: string, params: Record<string, string | number>, message: string, };

/**
 * A break of `minutes`, taken wherever the technician is, starting no earlier than
 * `earliest` and ending no later than `latest`.
 */
export type Break = { earliest: ClockTime, latest: ClockTime, minutes: number, };

export type ByPriority = { emergency: number, vip: number, standard: number, };

export type BySegment = { new: number, growth: number, value: number, "churn-risk": number, };

/**
 * A kind of credential (gas-safe, elevator licence, …) that technicians hold until a date.
 */
export type Certification = { id: string, name: string, };

/**
 * A time of day, written `HH:MM` (`24:00` allowed as the end of a day).
 */
export type ClockTime = string;

/**
 * A text the UI renders from its catalog: `code` plus parameters.
 */
export type Coded = { code: string, params: Record<string, string | number>, };

/**
 * One KPI across the compared reports.
 */
export type ComparedKpi = { 
/**
 * A code: `sla_attainment_pct`, `sla_emergency_pct`, `sla_vip_pct`, `sla_standard_pct`,
 * `demand_hours`, `allocated_hours`, `unmet_hours`, `secondary_hours`, `provider_hours`,
 * `objective` (labels for people: [`kpi_label`]).
 */
kpi: string, 
/**
 * `pct`, `h`, or empty.
 */
unit: string, values: Array<number>, 
/**
 * Value minus the first column's value.
 */
deltas: Array<number>, };

/**
 * One region across the compared reports (all weeks together).
 */
export type ComparedRegion = { region: string, sla_attainment_pct: Array<number>, unmet_hours: Array<number>, delta_sla_attainment_pct: Array<number>, delta_unmet_hours: Array<number>, };

/**
 * One region × skill × week of the coverage LP.
 */
export type CoverageCell = { region: string, skill: string, 
/**
 * ISO week number.
 */
week: number, 
/**
 * Monday of that week, `YYYY-MM-DD`.
 */
week_start: string, demand_hours: number, 
/**
 * Hours of every technician who may serve this cell (primary or secondary region); a
 * technician counts in every cell they could serve, so capacities do not add up.
 */
capacity_hours: number, allocated_hours: number, 
/**
 * Demand minus allocated.
 */
unmet_hours: number, 
/**
 * Allocated ÷ demand (100 without demand).
 */
sla_attainment_pct: number, 
/**
 * The LP dual: objective saved by one more hour of this skill here in this week.
 */
marginal_value_per_hour: number, };

/**
 * Totals of one region and week (all skills).
 */
export type CoverageRegionWeek = { region: string, week: number, demand_hours: number, allocated_hours: number, unmet_hours: number, sla_attainment_pct: number, };

export type CoverageTotals = { demand_hours: number, allocated_hours: number, unmet_hours: number, sla_attainment_pct: number, sla_emergency_pct: number, sla_vip_pct: number, sla_standard_pct: number, secondary_hours: number, provider_hours: number, };

/**
 * The answer of `coverage_report`.
 */
export type CoverageView = { 
/**
 * `null` for the live data.
 */
scenario: string | null, 
/**
 * First day (a Monday), `YYYY-MM-DD`.
 */
start: string, 
/**
 * ISO week numbers, in order.
 */
weeks: Array<number>, 
/**
 * Region and skill ids in the order of the cells.
 */
regions: Array<string>, skills: Array<string>, 
/**
 * Region-major, then skill, then week.
 */
cells: Array<CoverageCell>, region_weeks: Array<CoverageRegionWeek>, totals: CoverageTotals, 
/**
 * `add_technician {region, skill, level, certifications, from_week, from_date, sla_before,
 * sla_after, overall_before, overall_after, unmet_saved, marginal_value}`, best first.
 */
recommendations: Array<Coded>, 
/**
 * Rows of visit history the forecast was fitted on (0: demand is the known visits only).
 */
history_rows: number, };

export type CurrentAssignment = { technician: string, start: LocalDateTime, 
/**
 * The customer has been told this appointment; moving it costs more.
 */
communicated: boolean, };

/**
 * Demand growth in percent (negative shrinks), for one region, one skill, both, or all.
 */
export type DemandGrowth = { region?: string | null, skill?: string | null, pct: number, };

/**
 * `dispatch_emergency`'s answer: an edit result plus the new visit's id.
 */
export type DispatchResult = { visit: string, feasibility: Feasibility, plan: PlanView | null, version: PlanVersion | null, };

/**
 * The result of an edit: if infeasible, `plan` and `version` are `None` and nothing was saved.
 */
export type EditResult = { feasibility: Feasibility, plan: PlanView | null, version: PlanVersion | null, };

/**
 * One technician who could take the call.
 */
export type EmergencyOption = { technician: string, day: string, arrival: string, start: string, travel_s: number, 
/**
 * Visits this technician would have to drop to take the call (moved to the queue).
 */
displaces: Array<string>, };

/**
 * An urgent call: what is needed, where, and when the customer called.
 */
export type EmergencyRequest = { customer: string, location: LatLonPayload, skill: string, 
/**
 * 1..=3.
 */
min_level: number, certifications: Array<string>, duration_min: number, 
/**
 * `YYYY-MM-DDTHH:MM`.
 */
called_at: string, };

/**
 * Whether a change is allowed, and if not every rule it breaks.
 */
export type Feasibility = { ok: boolean, violations: Array<Violation>, };

export type HeldCertification = { certification: string, 
/**
 * Last day the credential is valid (inclusive).
 */
valid_until: string, };

/**
 * The days being planned: `days` consecutive days from `start`.
 */
export type Horizon = { start: string, days: number, };

/**
 * Plan-level key figures. Every figure is recomputed by the checker.
 */
export type Kpis = { 
/**
 * Visits the plan had to place (open, planned, dispatched, in progress).
 */
visits: number, assigned: number, unassigned: number, unassigned_by_reason: { [key in string]: number }, 
/**
 * Share of visits with an SLA that start by their deadline (unassigned ones count as missed).
 */
sla_attainment_pct: number, 
/**
 * Hours from a visit's creation to its planned start, over assigned visits.
 */
response_hours_mean: number, response_hours_p90: number, 
/**
 * Same, over assigned emergency visits, in minutes.
 */
emergency_response_minutes_mean: number, 
/**
 * Share of assigned visits whose technician's skill level reaches the visit's complexity
 * (the plan's first-time-fix expectation).
 */
first_time_fix_pct: number, travel_hours: number, travel_km: number, service_hours: number, 
/**
 * (service + travel) / shift time over every technician-day on duty, breaks excluded.
 */
utilization_pct: number, routes: number, technicians_used: number, 
/**
 * Standard deviation of working hours (service + travel) per technician over the horizon.
 */
workload_spread_hours: number, provider_shares: Array<ProviderShare>, };

export type LatLonPayload = { lat: number, lon: number, };

export type Leg = { travel_s: number, distance_m: number, };

/**
 * A local date and time, written `YYYY-MM-DDTHH:MM` (seconds optional).
 */
export type LocalDateTime = string;

/**
 * A point on the Earth, WGS 84 degrees.
 */
export type Location = { lat: number, lon: number, };

/**
 * Move (or assign) a visit to a technician on a day, optionally at an exact start (no start:
 * the backend picks the best start on that technician-day).
 */
export type MoveRequest = { visit: string, technician: string, 
/**
 * `YYYY-MM-DD`.
 */
day: string, 
/**
 * `YYYY-MM-DDTHH:MM`.
 */
start?: string | null, };

export type MovedVisit = { visit: string, from: Placement, to: Placement, };

/**
 * The objective, total and by term (see `docs/policy.md`).
 */
export type Objective = { total: number, terms: ObjectiveTerms, };

export type ObjectiveTerms = { travel_time: number, travel_distance: number, sla_lateness: number, unassigned: number, secondary_region: number, preferred_technician: number, over_qualification: number, provider_rating: number, provider_min_share: number, workload_balance: number, disruption: number, };

/**
 * Progress of an optimization run (`optimize://progress` payload).
 */
export type OptimizeProgress = { run_id: string, 
/**
 * 0..=1.
 */
fraction: number, phase: string, best_objective: number | null, };

export type OptimizeResult = { run_id: string, cancelled: boolean, plan: PlanView, diff: PlanDiff, };

/**
 * What an optimization run may change.
 */
export type OptimizeScope = { "kind": "day", day: string, } | { "kind": "horizon" } | { "kind": "region", region: string, };

/**
 * Pins a visit to a technician, a day, an exact start, or any combination.
 */
export type Pin = { technician?: string | null, day?: string | null, start?: LocalDateTime | null, };

/**
 * Where a visit is in a plan.
 */
export type Placement = { technician: string, day: string, start: string, };

export type Plan = { 
/**
 * Always `"rota-plan/1"`.
 */
format: string, 
/**
 * The problem this plan answers.
 */
problem: ProblemRef, 
/**
 * How the plan was made.
 */
settings: SolverSettings, 
/**
 * One route per technician-day that has work, ordered by technician then day.
 */
routes: Array<Route>, 
/**
 * Plannable visits that got no route, each with the reasons.
 */
unassigned: Array<Unassigned>, kpis: Kpis, objective: Objective, };

/**
 * How a proposed plan differs from the current one.
 */
export type PlanDiff = { moved: Array<MovedVisit>, newly_assigned: Array<AssignedVisit>, newly_unassigned: Array<string>, still_unassigned: Array<string>, kpis_before: Kpis, kpis_after: Kpis, };

/**
 * One saved plan version (every accepted change is a new version).
 */
export type PlanVersion = { id: number, parent: number | null, 
/**
 * `solver`, `dispatcher`, `batch`, `what-if`.
 */
author: "solver" | "dispatcher" | "batch" | "what-if", action: Action, created_at: string, kpis: Kpis, objective_total: number, };

/**
 * A `rota-plan/1` plan as the UI sees it: stops the dispatcher locked carry `locked: true`;
 * visits the app queued carry its own reason (`manual`, `displaced {visit}`).
 */
export type PlanView = Omit<Plan, "routes" | "unassigned"> & { routes: Array<Omit<Route, "stops"> & { stops: Array<Stop & { locked?: boolean }> }>, unassigned: Array<{ visit: string, reasons: Array<Reason | { code: "manual" | "displaced", params: { [key in string]?: string } }> }> };

export type PlannedBreak = { start: LocalDateTime, end: LocalDateTime, };

export type Policy = { name: string, 
/**
 * Multiplies each technician's `cost_per_hour` for time spent driving.
 */
travel_time_weight: number, 
/**
 * Multiplies each technician's `cost_per_km` for distance driven.
 */
travel_distance_weight: number, 
/**
 * Cost per minute of arriving after the SLA deadline, by priority.
 */
sla_late_per_minute: ByPriority, 
/**
 * Multiplier of SLA lateness by customer segment.
 */
sla_segment_factor: BySegment, 
/**
 * Cost of leaving a visit unassigned, by priority.
 */
unassigned: ByPriority, 
/**
 * Cost of a visit done by a technician for whom its region is only secondary.
 */
secondary_region: number, 
/**
 * Cost of a visit with a preferred technician done by someone else.
 */
preferred_technician_missed: number, 
/**
 * Cost per skill level above the visit's minimum (sending a senior to a junior job).
 */
over_qualification_per_level: number, 
/**
 * Cost per provider visit of `(1 − rating)`: a better-rated provider costs less.
 */
provider_rating: number, 
/**
 * Cost per visit a provider falls short of its minimum share in a region.
 */
provider_min_share_shortfall: number, 
/**
 * Cost per squared hour of a technician-day's working time (service + travel): spreads
 * work across technicians.
 */
workload_balance: number, 
/**
 * Cost of moving a visit away from its current technician or day.
 */
disruption_move: number, 
/**
 * Cost of moving a visit whose appointment was already communicated.
 */
disruption_move_communicated: number, 
/**
 * Per provider and region: the share of the region's visits granted there, replacing the
 * provider's general `share` (set by competitive allocation, see `docs/ratings.md`).
 */
provider_region_shares: Array<ProviderRegionShare>, };

export type Priority = "emergency" | "vip" | "standard";

/**
 * A whole planning problem: master data, the visits to plan, the travel model and the policy.
 */
export type Problem = { 
/**
 * Always `"rota-problem/1"`.
 */
format: string, 
/**
 * A short name shown in reports.
 */
name: string, description?: string, 
/**
 * IANA time zone of the service area (e.g. `"Europe/Berlin"`). Every date and time in
 * the file is local wall-clock time in this zone.
 */
timezone: string, horizon: Horizon, travel: TravelSpec, 
/**
 * Objective weights; omitted means the documented defaults.
 */
policy: Policy, regions: Array<Region>, sites: Array<Site>, skills: Array<Skill>, certifications: Array<Certification>, providers: Array<Provider>, technicians: Array<Technician>, visits: Array<Visit>, };

export type ProblemRef = { name: string, 
/**
 * FNV-1a 64 of the problem's canonical JSON, hex: ties a plan to the exact input.
 */
fingerprint: string, };

/**
 * A certified third-party service company.
 */
export type Provider = { id: string, name: string, 
/**
 * Certification level granted by the certifying body, 1–3.
 */
certification_level: number, 
/**
 * Last day the provider's certification is valid (inclusive).
 */
certified_until: string, 
/**
 * Regions the provider is contracted to serve.
 */
regions: Array<string>, 
/**
 * Agreed share of each served region's visits.
 */
share: ShareAgreement, 
/**
 * Performance rating in 0–1 (1 = best); omitted means the network mean of 0.5.
 */
rating?: number | null, };

/**
 * A provider's share of one region's visits, replacing its general `share` there.
 */
export type ProviderRegionShare = { provider: string, region: string, min_pct: number, max_pct: number, };

export type ProviderScorecard = { provider: string, name: string, certification_level: number, certified_until: string, certified_now: boolean, rating: number, regions: Array<string>, share: SharePct, planned_visits: number, on_time_pct: number, first_time_fix_pct: number, shares: Array<ProviderShare>, 
/**
 * The 90 % interval of `rating`.
 */
rating_low: number, rating_high: number, 
/**
 * Where `rating` comes from: `feed` (a certified rating feed, `rating_issuer`),
 * `performance` (the stored performance records) or `master_data` (the problem's field).
 */
rating_source: "feed" | "performance" | "master_data", rating_issuer: string | null, 
/**
 * The solver weight the rating maps to.
 */
weight: number, 
/**
 * Completed visits on record and their recency-weighted on-time and first-time-fix rates
 * (%, null without records), and the rating's change over the last 91 days.
 */
record_visits: number, record_on_time_pct: number | null, record_first_time_fix_pct: number | null, trend: number | null, };

export type ProviderShare = { provider: string, region: string, visits: number, 
/**
 * Of the region's plannable visits.
 */
share_pct: number, };

export type Reason = { code: ReasonCode, 
/**
 * Readable English text; user interfaces render `code` + `params` in their language.
 */
message: string, params?: { [key in string]: string }, };

/**
 * Why a visit stayed unassigned. Stable codes: interfaces translate them.
 */
export type ReasonCode = "no_skilled_technician" | "certification_expired" | "out_of_region" | "excluded_technicians" | "window_unreachable" | "no_capacity" | "pin_conflict" | "provider_share_cap" | "sla_infeasible";

/**
 * A region: the area a technician is responsible for. A location belongs to the first region
 * (in file order) whose area contains it.
 */
export type Region = { id: string, name: string, area: Area, };

/**
 * One technician's day, in order.
 */
export type Route = { technician: string, day: string, start_site: string, end_site: string, 
/**
 * Leaves the start site.
 */
start: LocalDateTime, 
/**
 * Back at the end site.
 */
end: LocalDateTime, stops: Array<Stop>, 
/**
 * Leg from the last stop back to the end site.
 */
return_leg: Leg, break?: PlannedBreak | null, 
/**
 * Totals over the route.
 */
travel_s: number, distance_m: number, service_s: number, wait_s: number, parts_volume: number, };

/**
 * One route's line on the map.
 */
export type RouteLine = { technician: string, day: string, 
/**
 * `road` when every leg follows the roads, `straight` otherwise.
 */
line: "road" | "straight", 
/**
 * `[lon, lat]` from the start site through the stops to the end site.
 */
coordinates: Array<[number, number]>, };

/**
 * The answer of `compare_scenarios`.
 */
export type ScenarioComparison = { 
/**
 * Column names; the first (`baseline` unless the request starts with another) is the
 * reference of the deltas.
 */
columns: Array<string>, weeks: Array<number>, kpis: Array<ComparedKpi>, regions: Array<ComparedRegion>, };

/**
 * The request of `scenario_create`: a copy of the live data (or of scenario `from`) with
 * `changes` (a `ScenarioSpec`, as `rota scenario create --spec`).
 */
export type ScenarioCreate = { name: string, from: string | null, description: string, changes: ScenarioSpec, };

/**
 * A provider's maximum share of a region's work; 0 drops the provider.
 */
export type ScenarioProviderShare = { provider: string, max_pct: number, };

/**
 * The changes of one scenario. Every list may be empty; an empty spec is the baseline.
 */
export type ScenarioSpec = { add_technicians?: Array<AddTechnicians>, 
/**
 * Technician ids to remove.
 */
remove_technicians?: Array<string>, shift_changes?: Array<ShiftChange>, provider_shares?: Array<ScenarioProviderShare>, demand_growth?: Array<DemandGrowth>, };

/**
 * One stored scenario: a line of `rota scenario list` (changes as English text) and the app's
 * `list_scenarios` (changes as codes).
 */
export type ScenarioSummary<C = Array<string>> = { name: string, description: string, changes: C, created_at: string, run_at: string | null, 
/**
 * SLA attainment of its last run, if any.
 */
sla_attainment_pct: number | null, };

export type Segment = "new" | "growth" | "value" | "churn-risk";

/**
 * Minimum and maximum percentage of a region's visits a provider should get.
 */
export type ShareAgreement = { min_pct: number, max_pct: number, };

export type SharePct = { min_pct: number, max_pct: number, };

/**
 * One working day: leave the start site no earlier than `start`, be back by `end`.
 */
export type Shift = { start: ClockTime, end: ClockTime, break?: Break | null, };

/**
 * Sets (or clears) the shift of one weekday for the matching technicians.
 */
export type ShiftChange = { 
/**
 * Technician ids; empty = every technician (narrowed by `region` and `skill`).
 */
technicians?: Array<string>, 
/**
 * Only technicians with this primary region.
 */
region?: string | null, 
/**
 * Only technicians holding this skill.
 */
skill?: string | null, 
/**
 * `mon` … `sun`.
 */
day: string, 
/**
 * The new shift; `None` makes the day a day off.
 */
shift?: Shift | null, };

/**
 * A service site (depot, station) where technicians start and end their day.
 */
export type Site = { id: string, name: string, location: Location, };

export type Skill = { id: string, name: string, };

export type SkillLevel = { skill: string, 
/**
 * 1 junior, 2 certified, 3 senior.
 */
level: number, };

export type Sla = { on_site_by: LocalDateTime, };

/**
 * A feasible place for a visit, best first.
 */
export type SlotOption = { technician: string, day: string, start: string, end: string, 
/**
 * Extra travel the insertion causes, seconds.
 */
extra_travel_s: number, sla_late_min: number, 
/**
 * Lower is better.
 */
score: number, };

export type SolverSettings = { 
/**
 * Algorithm and version, e.g. `"rota-greedy/0.1"`.
 */
solver: string, policy: string, seed: number, time_limit_s: number, 
/**
 * Upper bound on improvement rounds; the run stops at whichever limit comes first.
 */
max_iterations: number, 
/**
 * Rounds actually run (equal for equal seeds unless the time limit cut the run short).
 */
iterations: number, 
/**
 * Who made the plan: `solver`, `dispatcher`, `batch`, `what-if`.
 */
author: string, };

export type Stop = { visit: string, 
/**
 * Leg from the previous stop (or the start site).
 */
leg: Leg, 
/**
 * Leaves the previous place.
 */
depart: LocalDateTime, arrival: LocalDateTime, 
/**
 * Service starts (after waiting for the time window, if early).
 */
start: LocalDateTime, end: LocalDateTime, 
/**
 * Minutes after the SLA deadline the service starts; 0 when on time or no SLA.
 */
sla_late_min: number, };

/**
 * A field technician, in-house or employed by a provider.
 */
export type Technician = { id: string, name: string, 
/**
 * The provider employing this technician; omitted for in-house staff.
 */
provider?: string | null, 
/**
 * Site where each day starts.
 */
start_site: string, 
/**
 * Site where each day ends; omitted means `start_site`.
 */
end_site?: string | null, skills: Array<SkillLevel>, certifications: Array<HeldCertification>, 
/**
 * Primary regions: served at no extra cost.
 */
regions: Array<string>, 
/**
 * Secondary regions: allowed, at the policy's secondary-region cost.
 */
secondary_regions: Array<string>, 
/**
 * Weekly shift calendar; a missing day is a day off.
 */
shifts: WeekShifts, absences: Array<Absence>, max_visits_per_day: number, 
/**
 * Vehicle capacity for parts, in the same unit as visits' `parts_volume`.
 */
capacity: number, cost_per_hour: number, cost_per_km: number, };

export type TimeWindow = { start: LocalDateTime, end: LocalDateTime, };

/**
 * How travel time and distance between two locations are obtained.
 */
export type TravelSpec = { "model": "haversine", detour_factor: number, speed_kmh: number, } | { "model": "road", network: string, 
/**
 * Speed for the straight stretch between a location and its nearest road node.
 */
access_speed_kmh: number, } | { "model": "matrix", locations: Array<string>, 
/**
 * Seconds, `durations[from][to]`.
 */
durations: Array<Array<number>>, 
/**
 * Meters, `distances[from][to]`.
 */
distances: Array<Array<number>>, };

export type Unassigned = { visit: string, 
/**
 * Most decisive first.
 */
reasons: Array<Reason>, };

export type UndoState = { can_undo: boolean, can_redo: boolean, };

/**
 * A rule a proposed change would break: a code (catalog `rule.<code>`) plus parameters.
 */
export type Violation = { code: string, params?: Record<string, string | number>, };

/**
 * A work order to be done at a customer's location.
 */
export type Visit = { id: string, customer: string, address?: string | null, location: Location, skill: string, 
/**
 * Minimum skill level, 1–3.
 */
min_level: number, 
/**
 * Certifications the technician must hold, valid on the day of the visit.
 */
certifications: Array<string>, 
/**
 * Time on site, minutes.
 */
duration_min: number, 
/**
 * The service must start inside one of these windows; empty means any time in a shift.
 */
time_windows: Array<TimeWindow>, priority: Priority, segment: Segment, 
/**
 * 1 simple – 3 complex.
 */
complexity: number, created_at: LocalDateTime, 
/**
 * The service-level promise: be on site by this moment.
 */
sla?: Sla | null, preferred_technician?: string | null, excluded_technicians: Array<string>, parts_volume: number, status: VisitStatus, pin?: Pin | null, 
/**
 * Where the current plan has this visit. Required for `dispatched` and `in_progress`
 * visits (they are kept as they are); for others it prices disruption.
 */
current?: CurrentAssignment | null, };

export type VisitStatus = "open" | "planned" | "dispatched" | "in_progress" | "done" | "cancelled";

/**
 * Shifts by weekday.
 */
export type WeekShifts = { mon?: Shift | null, tue?: Shift | null, wed?: Shift | null, thu?: Shift | null, fri?: Shift | null, sat?: Shift | null, sun?: Shift | null, };

/** `list_scenarios`: one stored scenario, its changes as codes. */
export type ScenarioInfo = ScenarioSummary<Array<Coded>>;

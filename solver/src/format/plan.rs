//! `rota-plan/1`: a plan, the solver's answer.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::time::LocalDateTime;

pub const PLAN_FORMAT: &str = "rota-plan/1";

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq, TS)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Always `"rota-plan/1"`.
    pub format: String,
    /// The problem this plan answers.
    pub problem: ProblemRef,
    /// How the plan was made.
    pub settings: SolverSettings,
    /// One route per technician-day that has work, ordered by technician then day.
    pub routes: Vec<Route>,
    /// Plannable visits that got no route, each with the reasons.
    pub unassigned: Vec<Unassigned>,
    pub kpis: Kpis,
    pub objective: Objective,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq, TS)]
#[serde(deny_unknown_fields)]
pub struct ProblemRef {
    pub name: String,
    /// FNV-1a 64 of the problem's canonical JSON, hex: ties a plan to the exact input.
    pub fingerprint: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq, TS)]
#[serde(deny_unknown_fields)]
pub struct SolverSettings {
    /// Algorithm and version, e.g. `"rota-greedy/0.1"`.
    pub solver: String,
    pub policy: String,
    pub seed: u64,
    pub time_limit_s: f64,
    /// Upper bound on improvement rounds; the run stops at whichever limit comes first.
    pub max_iterations: u32,
    /// Rounds actually run (equal for equal seeds unless the time limit cut the run short).
    pub iterations: u32,
    /// Who made the plan: `solver`, `dispatcher`, `batch`, `what-if`.
    pub author: String,
}

/// One technician's day, in order.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq, TS)]
#[serde(deny_unknown_fields)]
pub struct Route {
    pub technician: String,
    pub day: NaiveDate,
    pub start_site: String,
    pub end_site: String,
    /// Leaves the start site.
    pub start: LocalDateTime,
    /// Back at the end site.
    pub end: LocalDateTime,
    pub stops: Vec<Stop>,
    /// Leg from the last stop back to the end site.
    pub return_leg: Leg,
    #[serde(rename = "break", default, skip_serializing_if = "Option::is_none")]
    pub break_: Option<PlannedBreak>,
    /// Totals over the route.
    pub travel_s: i64,
    pub distance_m: f64,
    pub service_s: i64,
    pub wait_s: i64,
    pub parts_volume: f64,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq, TS)]
#[serde(deny_unknown_fields)]
pub struct Stop {
    pub visit: String,
    /// Leg from the previous stop (or the start site).
    pub leg: Leg,
    /// Leaves the previous place.
    pub depart: LocalDateTime,
    pub arrival: LocalDateTime,
    /// Service starts (after waiting for the time window, if early).
    pub start: LocalDateTime,
    pub end: LocalDateTime,
    /// Minutes after the SLA deadline the service starts; 0 when on time or no SLA.
    #[serde(default)]
    pub sla_late_min: i64,
}

#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, JsonSchema, PartialEq, TS)]
#[serde(deny_unknown_fields)]
pub struct Leg {
    pub travel_s: i64,
    pub distance_m: f64,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, TS)]
#[serde(deny_unknown_fields)]
pub struct PlannedBreak {
    pub start: LocalDateTime,
    pub end: LocalDateTime,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq, TS)]
#[serde(deny_unknown_fields)]
pub struct Unassigned {
    pub visit: String,
    /// Most decisive first.
    pub reasons: Vec<Reason>,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq, TS)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    pub code: ReasonCode,
    /// Readable English text; user interfaces render `code` + `params` in their language.
    pub message: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, String>,
}

/// Why a visit stayed unassigned. Stable codes: interfaces translate them.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord, Hash, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReasonCode {
    /// No technician has the skill at the required level.
    NoSkilledTechnician,
    /// Technicians with the skill exist, but none holds every required certification valid on
    /// a day the visit could be done.
    CertificationExpired,
    /// Qualified technicians exist, but none may work in the visit's region (or the provider is
    /// not certified or not contracted there).
    OutOfRegion,
    /// The visit's excluded-technician list rules out every qualified technician.
    ExcludedTechnicians,
    /// No qualified technician works on a day inside the visit's windows, or its windows lie
    /// outside the horizon or outside every eligible shift.
    WindowUnreachable,
    /// Eligible technician-days exist but their routes have no room left (time, capacity or
    /// max visits per day).
    NoCapacity,
    /// The pin names a technician, day or start no eligible technician-day can honour.
    PinConflict,
    /// Every eligible technician belongs to providers at their maximum share of the region.
    ProviderShareCap,
    /// The SLA deadline lies before any moment a qualified technician could arrive.
    SlaInfeasible,
}

impl ReasonCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ReasonCode::NoSkilledTechnician => "no_skilled_technician",
            ReasonCode::CertificationExpired => "certification_expired",
            ReasonCode::OutOfRegion => "out_of_region",
            ReasonCode::ExcludedTechnicians => "excluded_technicians",
            ReasonCode::WindowUnreachable => "window_unreachable",
            ReasonCode::NoCapacity => "no_capacity",
            ReasonCode::PinConflict => "pin_conflict",
            ReasonCode::ProviderShareCap => "provider_share_cap",
            ReasonCode::SlaInfeasible => "sla_infeasible",
        }
    }
}

/// Plan-level key figures. Every figure is recomputed by the checker.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema, PartialEq, TS)]
#[serde(deny_unknown_fields)]
pub struct Kpis {
    /// Visits the plan had to place (open, planned, dispatched, in progress).
    pub visits: u32,
    pub assigned: u32,
    pub unassigned: u32,
    pub unassigned_by_reason: BTreeMap<String, u32>,
    /// Share of visits with an SLA that start by their deadline (unassigned ones count as missed).
    pub sla_attainment_pct: f64,
    /// Hours from a visit's creation to its planned start, over assigned visits.
    pub response_hours_mean: f64,
    pub response_hours_p90: f64,
    /// Same, over assigned emergency visits, in minutes.
    pub emergency_response_minutes_mean: f64,
    /// Share of assigned visits whose technician's skill level reaches the visit's complexity
    /// (the plan's first-time-fix expectation).
    pub first_time_fix_pct: f64,
    pub travel_hours: f64,
    pub travel_km: f64,
    pub service_hours: f64,
    /// (service + travel) / shift time over every technician-day on duty, breaks excluded.
    pub utilization_pct: f64,
    pub routes: u32,
    pub technicians_used: u32,
    /// Standard deviation of working hours (service + travel) per technician over the horizon.
    pub workload_spread_hours: f64,
    pub provider_shares: Vec<ProviderShare>,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq, TS)]
#[serde(deny_unknown_fields)]
pub struct ProviderShare {
    pub provider: String,
    pub region: String,
    pub visits: u32,
    /// Of the region's plannable visits.
    pub share_pct: f64,
}

/// The objective, total and by term (see `docs/policy.md`).
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema, PartialEq, TS)]
#[serde(deny_unknown_fields)]
pub struct Objective {
    pub total: f64,
    pub terms: ObjectiveTerms,
}

#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, JsonSchema, PartialEq, TS)]
#[serde(deny_unknown_fields)]
pub struct ObjectiveTerms {
    pub travel_time: f64,
    pub travel_distance: f64,
    pub sla_lateness: f64,
    pub unassigned: f64,
    pub secondary_region: f64,
    pub preferred_technician: f64,
    pub over_qualification: f64,
    pub provider_rating: f64,
    pub provider_min_share: f64,
    pub workload_balance: f64,
    pub disruption: f64,
}

impl ObjectiveTerms {
    pub fn named(&self) -> [(&'static str, f64); 11] {
        [
            ("travel_time", self.travel_time),
            ("travel_distance", self.travel_distance),
            ("sla_lateness", self.sla_lateness),
            ("unassigned", self.unassigned),
            ("secondary_region", self.secondary_region),
            ("preferred_technician", self.preferred_technician),
            ("over_qualification", self.over_qualification),
            ("provider_rating", self.provider_rating),
            ("provider_min_share", self.provider_min_share),
            ("workload_balance", self.workload_balance),
            ("disruption", self.disruption),
        ]
    }

    pub fn total(&self) -> f64 {
        self.named().iter().map(|(_, v)| v).sum()
    }
}

impl std::ops::AddAssign for ObjectiveTerms {
    fn add_assign(&mut self, o: Self) {
        self.travel_time += o.travel_time;
        self.travel_distance += o.travel_distance;
        self.sla_lateness += o.sla_lateness;
        self.unassigned += o.unassigned;
        self.secondary_region += o.secondary_region;
        self.preferred_technician += o.preferred_technician;
        self.over_qualification += o.over_qualification;
        self.provider_rating += o.provider_rating;
        self.provider_min_share += o.provider_min_share;
        self.workload_balance += o.workload_balance;
        self.disruption += o.disruption;
    }
}

//! The policy: every weight of the objective in one named, documented place.
//!
//! Costs are in one currency-like unit (think euros). `docs/policy.md` explains each weight.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::format::problem::{Priority, Segment};

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq, TS)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    pub name: String,
    /// Multiplies each technician's `cost_per_hour` for time spent driving.
    pub travel_time_weight: f64,
    /// Multiplies each technician's `cost_per_km` for distance driven.
    pub travel_distance_weight: f64,
    /// Cost per minute of arriving after the SLA deadline, by priority.
    pub sla_late_per_minute: ByPriority,
    /// Multiplier of SLA lateness by customer segment.
    pub sla_segment_factor: BySegment,
    /// Cost of leaving a visit unassigned, by priority.
    pub unassigned: ByPriority,
    /// Cost of a visit done by a technician for whom its region is only secondary.
    pub secondary_region: f64,
    /// Cost of a visit with a preferred technician done by someone else.
    pub preferred_technician_missed: f64,
    /// Cost per skill level above the visit's minimum (sending a senior to a junior job).
    pub over_qualification_per_level: f64,
    /// Cost per provider visit of `(1 − rating)`: a better-rated provider costs less.
    pub provider_rating: f64,
    /// Cost per visit a provider falls short of its minimum share in a region.
    pub provider_min_share_shortfall: f64,
    /// Cost per squared hour of a technician-day's working time (service + travel): spreads
    /// work across technicians.
    pub workload_balance: f64,
    /// Cost of moving a visit away from its current technician or day.
    pub disruption_move: f64,
    /// Cost of moving a visit whose appointment was already communicated.
    pub disruption_move_communicated: f64,
    /// Per provider and region: the share of the region's visits granted there, replacing the
    /// provider's general `share` (set by competitive allocation, see `docs/ratings.md`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub provider_region_shares: Vec<ProviderRegionShare>,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, TS)]
#[serde(deny_unknown_fields)]
pub struct ByPriority {
    pub emergency: f64,
    pub vip: f64,
    pub standard: f64,
}

impl ByPriority {
    pub fn get(&self, priority: Priority) -> f64 {
        match priority {
            Priority::Emergency => self.emergency,
            Priority::Vip => self.vip,
            Priority::Standard => self.standard,
        }
    }
}

/// A provider's share of one region's visits, replacing its general `share` there.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq, TS)]
#[serde(deny_unknown_fields)]
pub struct ProviderRegionShare {
    pub provider: String,
    pub region: String,
    pub min_pct: f64,
    pub max_pct: f64,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, TS)]
#[serde(deny_unknown_fields)]
pub struct BySegment {
    pub new: f64,
    pub growth: f64,
    pub value: f64,
    #[serde(rename = "churn-risk")]
    pub churn_risk: f64,
}

impl BySegment {
    pub fn get(&self, segment: Segment) -> f64 {
        match segment {
            Segment::New => self.new,
            Segment::Growth => self.growth,
            Segment::Value => self.value,
            Segment::ChurnRisk => self.churn_risk,
        }
    }
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            name: "default".into(),
            travel_time_weight: 1.0,
            travel_distance_weight: 1.0,
            sla_late_per_minute: ByPriority { emergency: 20.0, vip: 2.0, standard: 0.25 },
            sla_segment_factor: BySegment { new: 1.0, growth: 1.2, value: 1.5, churn_risk: 2.0 },
            unassigned: ByPriority { emergency: 100_000.0, vip: 20_000.0, standard: 5_000.0 },
            secondary_region: 40.0,
            preferred_technician_missed: 25.0,
            over_qualification_per_level: 15.0,
            provider_rating: 60.0,
            provider_min_share_shortfall: 150.0,
            workload_balance: 2.0,
            disruption_move: 30.0,
            disruption_move_communicated: 200.0,
            provider_region_shares: Vec::new(),
        }
    }
}

impl Policy {
    /// Names of weights that are negative or not finite (a policy must never reward breaking
    /// a promise).
    pub fn invalid_weights(&self) -> Vec<String> {
        let mut bad = Vec::new();
        let mut check = |name: &str, value: f64| {
            if !value.is_finite() || value < 0.0 {
                bad.push(format!("{name} = {value}"));
            }
        };
        check("travel_time_weight", self.travel_time_weight);
        check("travel_distance_weight", self.travel_distance_weight);
        for p in Priority::ALL {
            check(&format!("sla_late_per_minute.{}", p.as_str()), self.sla_late_per_minute.get(p));
            check(&format!("unassigned.{}", p.as_str()), self.unassigned.get(p));
        }
        for s in Segment::ALL {
            check(&format!("sla_segment_factor.{}", s.as_str()), self.sla_segment_factor.get(s));
        }
        check("secondary_region", self.secondary_region);
        check("preferred_technician_missed", self.preferred_technician_missed);
        check("over_qualification_per_level", self.over_qualification_per_level);
        check("provider_rating", self.provider_rating);
        check("provider_min_share_shortfall", self.provider_min_share_shortfall);
        check("workload_balance", self.workload_balance);
        check("disruption_move", self.disruption_move);
        check("disruption_move_communicated", self.disruption_move_communicated);
        bad
    }
}

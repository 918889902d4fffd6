//! From ratings to the solver: provider weights and competitive allocation of region shares.
//!
//! * **Weight**: `weight = rating − uncertainty_penalty × (rating − low)`, clipped to 0–1, is
//!   written to the provider's `rating` in the problem; the objective charges
//!   `policy.provider_rating × (1 − weight)` per provider visit, so a better (and surer)
//!   provider costs less.
//! * **Floor**: a provider whose weight is below `floor` gets no new work: its share of every
//!   region becomes 0 % (a hard cap in the assignment model), so its visits go to others or stay
//!   unassigned with the share-cap reason.
//! * **Top 20 %**: in each region with at least two eligible providers, the best
//!   `⌈top_fraction × n⌉` by weight get `share_bonus_pct` points more on both their minimum
//!   (priced shortfall) and maximum (hard cap) share there.
//!
//! The shares are written as `policy.provider_region_shares`, so the plan made from the adjusted
//! problem is checked (`rota check`) against exactly the caps it was made under.
//! [`explain`] compares two plans and says what the allocation did.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::format::Problem;
use crate::format::plan::Plan;
use crate::format::policy::ProviderRegionShare;

/// The competitive-allocation settings (defaults in `docs/ratings.md`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct AllocationPolicy {
    /// Share of a region's eligible providers that get the bonus (rounded up).
    pub top_fraction: f64,
    /// Percentage points added to a top provider's minimum and maximum share in that region.
    pub share_bonus_pct: f64,
    /// A provider whose weight is below this gets no new work.
    pub floor: f64,
    /// How much of the distance from the rating down to its interval's low end is subtracted.
    pub uncertainty_penalty: f64,
}

impl Default for AllocationPolicy {
    fn default() -> Self {
        Self { top_fraction: 0.2, share_bonus_pct: 10.0, floor: 0.40, uncertainty_penalty: 0.5 }
    }
}

/// A provider's rating and the low end of its confidence interval (as the store holds it).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProviderScore {
    pub rating: f64,
    pub low: f64,
}

/// The documented mapping from a rating and its confidence to the solver's provider weight.
pub fn solver_weight(score: ProviderScore, policy: &AllocationPolicy) -> f64 {
    let low = score.low.min(score.rating);
    (score.rating - policy.uncertainty_penalty * (score.rating - low)).clamp(0.0, 1.0)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Standing {
    /// Among the region's top providers: share bonus.
    Top,
    Standard,
    /// Below the rating floor: no new work.
    BelowFloor,
}

impl Standing {
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Top => "top-20 % bonus",
            Standing::Standard => "standard",
            Standing::BelowFloor => "below the rating floor",
        }
    }
}

/// What the allocation decided for one provider in one region.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RegionDecision {
    pub provider: String,
    pub region: String,
    pub standing: Standing,
    /// Rank by weight among the region's providers above the floor (1 = best); 0 below it.
    pub rank: usize,
    pub eligible: usize,
    pub weight: f64,
    /// `(min %, max %)` before and after.
    pub before: (f64, f64),
    pub after: (f64, f64),
}

/// The allocation: a weight per provider and a decision per provider × served region.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Allocation {
    pub weights: BTreeMap<String, f64>,
    pub decisions: Vec<RegionDecision>,
}

/// Decides the allocation for `problem`. Providers without a score keep the rating the problem
/// gives them (or the network default 0.5) as their weight.
pub fn allocate(problem: &Problem, scores: &BTreeMap<String, ProviderScore>, policy: &AllocationPolicy) -> Allocation {
    let weights: BTreeMap<String, f64> = problem
        .providers
        .iter()
        .map(|p| {
            let w = match scores.get(&p.id) {
                Some(s) => solver_weight(*s, policy),
                None => p.rating.unwrap_or(0.5),
            };
            (p.id.clone(), w)
        })
        .collect();
    let share_of = |provider: &str, region: &str| -> (f64, f64) {
        let general = problem.providers.iter().find(|p| p.id == provider).map(|p| (p.share.min_pct, p.share.max_pct));
        problem
            .policy
            .provider_region_shares
            .iter()
            .find(|s| s.provider == provider && s.region == region)
            .map(|s| (s.min_pct, s.max_pct))
            .or(general)
            .unwrap_or((0.0, 100.0))
    };
    let mut decisions = Vec::new();
    for region in &problem.regions {
        let mut serving: Vec<(&str, f64)> = problem
            .providers
            .iter()
            .filter(|p| p.regions.contains(&region.id))
            .map(|p| (p.id.as_str(), weights[&p.id]))
            .collect();
        serving.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
        let eligible = serving.iter().filter(|(_, w)| *w >= policy.floor).count();
        let top = if eligible >= 2 { ((policy.top_fraction * eligible as f64) - 1e-9).ceil() as usize } else { 0 };
        let mut rank = 0;
        for (id, w) in serving {
            let before = share_of(id, &region.id);
            let (standing, after) = if w < policy.floor {
                (Standing::BelowFloor, (0.0, 0.0))
            } else {
                rank += 1;
                if rank <= top {
                    let max = (before.1 + policy.share_bonus_pct).min(100.0);
                    (Standing::Top, ((before.0 + policy.share_bonus_pct).min(max), max))
                } else {
                    (Standing::Standard, before)
                }
            };
            decisions.push(RegionDecision {
                provider: id.to_string(),
                region: region.id.clone(),
                standing,
                rank: if standing == Standing::BelowFloor { 0 } else { rank },
                eligible,
                weight: w,
                before,
                after,
            });
        }
    }
    Allocation { weights, decisions }
}

/// Writes the allocation into the problem: weights as provider ratings, changed shares as
/// `policy.provider_region_shares` (replacing earlier entries for the same provider × region).
pub fn apply(problem: &mut Problem, allocation: &Allocation) {
    for p in &mut problem.providers {
        if let Some(&w) = allocation.weights.get(&p.id) {
            p.rating = Some((w * 1e6).round() / 1e6);
        }
    }
    for d in allocation.decisions.iter().filter(|d| d.after != d.before) {
        let shares = &mut problem.policy.provider_region_shares;
        shares.retain(|s| !(s.provider == d.provider && s.region == d.region));
        shares.push(ProviderRegionShare {
            provider: d.provider.clone(),
            region: d.region.clone(),
            min_pct: d.after.0,
            max_pct: d.after.1,
        });
    }
}

/// Visits per (provider, region) in a plan, from its KPIs.
pub fn visits_by_provider_region(plan: &Plan) -> BTreeMap<(String, String), u32> {
    plan.kpis.provider_shares.iter().map(|s| ((s.provider.clone(), s.region.clone()), s.visits)).collect()
}

/// One line per provider × region whose visit count differs between the plan made without the
/// allocation (`before`) and with it (`after`), with the allocation's reason, e.g.
/// `provider brightline: +12 visits in east (20 → 32), top-20 % bonus (share 10–35 % → 20–45 %)`.
pub fn explain(allocation: &Allocation, before: &Plan, after: &Plan) -> Vec<String> {
    let b = visits_by_provider_region(before);
    let a = visits_by_provider_region(after);
    let mut lines = Vec::new();
    for d in &allocation.decisions {
        let key = (d.provider.clone(), d.region.clone());
        let (nb, na) = (b.get(&key).copied().unwrap_or(0), a.get(&key).copied().unwrap_or(0));
        if nb == na {
            continue;
        }
        let delta = i64::from(na) - i64::from(nb);
        let why = match d.standing {
            Standing::Top => format!(
                "top-20 % bonus (rank {} of {}, weight {:.2}; share {}–{} % → {}–{} %)",
                d.rank, d.eligible, d.weight, d.before.0, d.before.1, d.after.0, d.after.1
            ),
            Standing::BelowFloor => format!("below the rating floor (weight {:.2}): no new work", d.weight),
            Standing::Standard => {
                let gainers: Vec<&str> = allocation
                    .decisions
                    .iter()
                    .filter(|o| o.region == d.region && o.standing != Standing::Standard)
                    .map(|o| o.provider.as_str())
                    .collect();
                if gainers.is_empty() {
                    format!("rating weight {:.2}", d.weight)
                } else {
                    format!("rating weight {:.2}; region rebalanced around {}", d.weight, gainers.join(", "))
                }
            }
        };
        lines.push(format!(
            "provider {}: {}{} {} in {} ({nb} → {na}), {why}",
            d.provider,
            if delta > 0 { "+" } else { "−" },
            delta.unsigned_abs(),
            if delta.unsigned_abs() == 1 { "visit" } else { "visits" },
            d.region
        ));
    }
    lines
}

//! Provider ratings from performance records, and the competitive allocation they drive.
//!
//! Pure arithmetic, no I/O (see `docs/ratings.md` for the formulas and a worked example):
//!
//! * every completed visit weighs `0.5^(age in months / half-life)` (recent months weigh more);
//! * on-time and first-time-fix rates are Beta-Binomial posteriors whose prior is the network
//!   mean with the strength of `prior_strength` visits, so a provider with few visits is pulled
//!   toward the network and one with thousands is not;
//! * the customer score (1–5) is a normal-normal posterior, prior the network mean score;
//! * the rating is `0.4·on-time + 0.3·first-time-fix + 0.3·(score − 1)/4` in 0–1, with a
//!   confidence interval from the posterior variances.
//!
//! [`allocation`] turns ratings into the solver's provider weights and per-region shares.

pub mod allocation;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One completed visit of a provider's technician, as the provider's platform reports it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PerformanceRecord {
    pub provider: String,
    pub technician: String,
    pub region: String,
    pub skill: String,
    /// Arrived inside the customer window and the SLA.
    pub on_time: bool,
    pub first_time_fix: bool,
    /// Customer score, 1–5.
    pub score: u8,
    pub completed: NaiveDate,
}

/// The rating model's parameters (documented defaults in `docs/ratings.md`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct RatingParams {
    /// A visit this many months old weighs half as much as one completed today.
    pub half_life_months: f64,
    /// Weight of the network mean, in visits: a provider with this many (recency-weighted)
    /// visits is halfway between the network mean and its own record.
    pub prior_strength: f64,
    pub weight_on_time: f64,
    pub weight_first_time_fix: f64,
    pub weight_score: f64,
    /// Two-sided normal quantile of the confidence interval (1.645 = 90 %).
    pub z: f64,
}

impl Default for RatingParams {
    fn default() -> Self {
        Self {
            half_life_months: 6.0,
            prior_strength: 20.0,
            weight_on_time: 0.4,
            weight_first_time_fix: 0.3,
            weight_score: 0.3,
            z: 1.645,
        }
    }
}

/// Days in an average month.
pub const DAYS_PER_MONTH: f64 = 30.4375;

/// The network means every provider is shrunk toward.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct NetworkPrior {
    pub on_time: f64,
    pub first_time_fix: f64,
    pub score_mean: f64,
    /// Variance of a single visit's score around its provider's mean (at least 0.25).
    pub score_variance: f64,
}

impl NetworkPrior {
    /// With no data at all: neutral values.
    pub const NEUTRAL: NetworkPrior =
        NetworkPrior { on_time: 0.5, first_time_fix: 0.5, score_mean: 3.0, score_variance: 1.0 };
}

/// A posterior estimate of one measure.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// Posterior mean (shrunk toward the network).
    pub mean: f64,
    /// Posterior standard deviation.
    pub sd: f64,
    /// The provider's own recency-weighted mean, unshrunk; `None` without records.
    pub observed: Option<f64>,
}

/// A provider's (or a provider × region × skill's) rating.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rating {
    /// Completed visits counted (not after the as-of date).
    pub visits: usize,
    /// Sum of recency weights: the sample size the posterior sees.
    pub effective_visits: f64,
    pub on_time: Estimate,
    pub first_time_fix: Estimate,
    /// Customer score on its 1–5 scale.
    pub score: Estimate,
    /// The composite rating in 0–1.
    pub rating: f64,
    /// Confidence interval of `rating` (clipped to 0–1).
    pub low: f64,
    pub high: f64,
}

/// Recency weight of a visit completed `age_days` before the as-of date.
pub fn recency_weight(age_days: i64, params: &RatingParams) -> f64 {
    let months = age_days.max(0) as f64 / DAYS_PER_MONTH;
    0.5_f64.powf(months / params.half_life_months)
}

fn weighted<'a>(
    records: impl IntoIterator<Item = &'a PerformanceRecord>,
    as_of: NaiveDate,
    params: &RatingParams,
) -> Vec<(f64, &'a PerformanceRecord)> {
    records
        .into_iter()
        .filter(|r| r.completed <= as_of)
        .map(|r| (recency_weight((as_of - r.completed).num_days(), params), r))
        .collect()
}

/// The network means (recency-weighted over every record up to `as_of`).
pub fn network_prior(records: &[PerformanceRecord], as_of: NaiveDate, params: &RatingParams) -> NetworkPrior {
    let w = weighted(records, as_of, params);
    let n: f64 = w.iter().map(|(w, _)| w).sum();
    if n <= 0.0 {
        return NetworkPrior::NEUTRAL;
    }
    let mean = |f: &dyn Fn(&PerformanceRecord) -> f64| w.iter().map(|(w, r)| w * f(r)).sum::<f64>() / n;
    let on_time = mean(&|r| f64::from(u8::from(r.on_time)));
    let first_time_fix = mean(&|r| f64::from(u8::from(r.first_time_fix)));
    // Score variance within providers, so differences between providers are not counted as noise.
    let mut by_provider: BTreeMap<&str, (f64, f64)> = BTreeMap::new();
    for (wt, r) in &w {
        let e = by_provider.entry(r.provider.as_str()).or_default();
        e.0 += wt;
        e.1 += wt * f64::from(r.score);
    }
    let score_mean = mean(&|r| f64::from(r.score));
    let within: f64 = w
        .iter()
        .map(|(wt, r)| {
            let (pn, ps) = by_provider[r.provider.as_str()];
            wt * (f64::from(r.score) - ps / pn).powi(2)
        })
        .sum::<f64>()
        / n;
    NetworkPrior { on_time, first_time_fix, score_mean, score_variance: within.max(0.25) }
}

fn beta_posterior(successes: f64, trials: f64, prior_mean: f64, strength: f64) -> Estimate {
    let a = strength * prior_mean + successes;
    let b = strength * (1.0 - prior_mean) + (trials - successes);
    let s = a + b;
    Estimate {
        mean: a / s,
        sd: (a * b / (s * s * (s + 1.0))).sqrt(),
        observed: (trials > 0.0).then(|| successes / trials),
    }
}

/// Rates one group of records (one provider, or one provider × region × skill).
pub fn rate<'a>(
    records: impl IntoIterator<Item = &'a PerformanceRecord>,
    prior: &NetworkPrior,
    as_of: NaiveDate,
    params: &RatingParams,
) -> Rating {
    let w = weighted(records, as_of, params);
    let n: f64 = w.iter().map(|(w, _)| w).sum();
    let sum = |f: &dyn Fn(&PerformanceRecord) -> f64| w.iter().map(|(w, r)| w * f(r)).sum::<f64>();
    let k = params.prior_strength;
    let on_time = beta_posterior(sum(&|r| f64::from(u8::from(r.on_time))), n, prior.on_time, k);
    let first_time_fix = beta_posterior(sum(&|r| f64::from(u8::from(r.first_time_fix))), n, prior.first_time_fix, k);
    let score_sum = sum(&|r| f64::from(r.score));
    let score = Estimate {
        mean: (k * prior.score_mean + score_sum) / (k + n),
        sd: (prior.score_variance / (k + n)).sqrt(),
        observed: (n > 0.0).then(|| score_sum / n),
    };
    let (wo, wf, ws) = (params.weight_on_time, params.weight_first_time_fix, params.weight_score);
    let rating = wo * on_time.mean + wf * first_time_fix.mean + ws * (score.mean - 1.0) / 4.0;
    let sd = ((wo * on_time.sd).powi(2) + (wf * first_time_fix.sd).powi(2) + (ws * score.sd / 4.0).powi(2)).sqrt();
    Rating {
        visits: w.len(),
        effective_visits: n,
        on_time,
        first_time_fix,
        score,
        rating,
        low: (rating - params.z * sd).clamp(0.0, 1.0),
        high: (rating + params.z * sd).clamp(0.0, 1.0),
    }
}

/// Every provider's rating, each shrunk toward the network prior of all records.
pub fn rate_providers(
    records: &[PerformanceRecord],
    as_of: NaiveDate,
    params: &RatingParams,
) -> BTreeMap<String, Rating> {
    let prior = network_prior(records, as_of, params);
    let mut groups: BTreeMap<&str, Vec<&PerformanceRecord>> = BTreeMap::new();
    for r in records {
        groups.entry(r.provider.as_str()).or_default().push(r);
    }
    groups.into_iter().map(|(p, rs)| (p.to_string(), rate(rs, &prior, as_of, params))).collect()
}

/// Ratings per (provider, region, skill) for the groups with at least `min_visits` records up to
/// `as_of`; each is shrunk toward the network mean of that region × skill (or of the whole
/// network where the region × skill has fewer than `min_visits` records).
pub fn rate_by_region_skill(
    records: &[PerformanceRecord],
    as_of: NaiveDate,
    params: &RatingParams,
    min_visits: usize,
) -> BTreeMap<(String, String, String), Rating> {
    let network = network_prior(records, as_of, params);
    let mut cells: BTreeMap<(&str, &str), Vec<PerformanceRecord>> = BTreeMap::new();
    let mut groups: BTreeMap<(&str, &str, &str), Vec<&PerformanceRecord>> = BTreeMap::new();
    for r in records.iter().filter(|r| r.completed <= as_of) {
        cells.entry((r.region.as_str(), r.skill.as_str())).or_default().push(r.clone());
        groups.entry((r.provider.as_str(), r.region.as_str(), r.skill.as_str())).or_default().push(r);
    }
    groups
        .into_iter()
        .filter(|(_, rs)| rs.len() >= min_visits)
        .map(|((p, reg, sk), rs)| {
            let cell = &cells[&(reg, sk)];
            let prior = if cell.len() >= min_visits { network_prior(cell, as_of, params) } else { network };
            ((p.to_string(), reg.to_string(), sk.to_string()), rate(rs, &prior, as_of, params))
        })
        .collect()
}

/// Change of a provider's rating over the last `days` days: its rating as of `as_of` minus its
/// rating as of `as_of − days` (each from the records known then, against the network then).
pub fn trend(
    records: &[PerformanceRecord],
    provider: &str,
    as_of: NaiveDate,
    days: i64,
    params: &RatingParams,
) -> Option<f64> {
    let then = as_of - chrono::Duration::days(days);
    let own = || records.iter().filter(|r| r.provider == provider);
    if !own().any(|r| r.completed <= then) {
        return None;
    }
    let now = rate(own(), &network_prior(records, as_of, params), as_of, params).rating;
    let before = rate(own(), &network_prior(records, then, params), then, params).rating;
    Some(now - before)
}

#[cfg(test)]
mod tests;

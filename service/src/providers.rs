//! Provider scorecards and rated allocation, for every front end (`rota providers report`, the
//! desktop app's provider view): ratings from the stored performance records and certified
//! feeds, certification expiry warnings, and share of work in the current plan.
//!
//! Rating source per provider (`docs/ratings.md`): the newest certified feed that lists it and
//! is still valid on the as-of date; otherwise the performance model over the stored records;
//! otherwise the rating in the master data (unrated: the network default 0.5).

use std::collections::BTreeMap;

use chrono::{NaiveDate, Utc};
use rota_solver::format::Problem;
use rota_solver::ratings::allocation::{self, Allocation, AllocationPolicy, ProviderScore};
use rota_solver::ratings::{self, RatingParams};
use rota_store::db::{Db, StoreError};
use serde::Serialize;

/// Days ahead of a certification's end at which reports warn.
pub const EXPIRY_WARNING_DAYS: i64 = 60;

/// Where a provider's rating came from.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum RatingSource {
    Feed { issuer: String, sequence: i64 },
    Performance,
    MasterData,
}

impl std::fmt::Display for RatingSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RatingSource::Feed { issuer, sequence } => write!(f, "feed {issuer}#{sequence}"),
            RatingSource::Performance => f.write_str("performance"),
            RatingSource::MasterData => f.write_str("master data"),
        }
    }
}

/// One provider's scorecard.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scorecard {
    pub provider: String,
    pub name: String,
    pub certification_level: u8,
    pub certified_until: NaiveDate,
    /// Days from the as-of date to the end of certification (negative: lapsed).
    pub certification_days_left: i64,
    /// Set when the certification ends within [`EXPIRY_WARNING_DAYS`] (or has ended).
    pub certification_warning: Option<String>,
    pub rating: f64,
    /// Confidence interval of the rating.
    pub low: f64,
    pub high: f64,
    pub source: RatingSource,
    /// The solver weight the rating maps to (`docs/ratings.md`).
    pub weight: f64,
    /// Completed visits on record.
    pub visits: usize,
    /// Recency-weighted rates and score (posterior means), from the performance records.
    pub on_time: Option<f64>,
    pub first_time_fix: Option<f64>,
    pub score: Option<f64>,
    /// Rating change over the last 91 days (performance model), if there is history then.
    pub trend: Option<f64>,
    /// Visits in the current plan and their share of all assigned visits (%).
    pub planned_visits: Option<u32>,
    pub share_of_work_pct: Option<f64>,
}

/// Every provider's rating score (rating and the low end of its interval) with its source.
pub fn provider_scores(
    db: &Db,
    as_of: NaiveDate,
) -> Result<BTreeMap<String, (ProviderScore, f64, RatingSource)>, StoreError> {
    let records = db.performance_records()?;
    let params = RatingParams::default();
    let mut out = BTreeMap::new();
    for (p, r) in ratings::rate_providers(&records, as_of, &params) {
        out.insert(p, (ProviderScore { rating: r.rating, low: r.low }, r.high, RatingSource::Performance));
    }
    for (feed, r) in db.current_feed_ratings()? {
        let valid = feed.valid_until.get(..10).and_then(|d| d.parse::<NaiveDate>().ok()).is_some_and(|d| d >= as_of);
        if valid {
            let score = ProviderScore { rating: r.rating, low: r.low.unwrap_or(r.rating) };
            let source = RatingSource::Feed { issuer: feed.issuer.clone(), sequence: feed.sequence };
            out.insert(r.provider.clone(), (score, r.high.unwrap_or(r.rating), source));
        }
    }
    Ok(out)
}

/// The scorecards of every provider in the master data, as of a date (today if `None`).
pub fn scorecards(db: &Db, as_of: Option<NaiveDate>) -> Result<Vec<Scorecard>, StoreError> {
    let as_of = as_of.unwrap_or_else(|| Utc::now().date_naive());
    let Some(problem) = db.problem()? else {
        return Err(StoreError::Empty { path: db.path().to_path_buf() });
    };
    let records = db.performance_records()?;
    let params = RatingParams::default();
    let rated = ratings::rate_providers(&records, as_of, &params);
    let scores = provider_scores(db, as_of)?;
    let plan = match db.head()?.current_plan_id {
        Some(id) => Some(db.plan(id)?),
        None => None,
    };
    let policy = AllocationPolicy::default();
    let mut cards = Vec::new();
    for p in &problem.providers {
        let (score, high, source) = scores.get(&p.id).cloned().unwrap_or_else(|| {
            let r = p.rating.unwrap_or(0.5);
            (ProviderScore { rating: r, low: r }, r, RatingSource::MasterData)
        });
        let perf = rated.get(&p.id);
        let days_left = (p.certified_until - as_of).num_days();
        let warning = (days_left <= EXPIRY_WARNING_DAYS).then(|| {
            if days_left < 0 {
                format!("certification lapsed on {} ({} days ago): no work", p.certified_until, -days_left)
            } else {
                format!(
                    "certification ends {} (in {days_left} days): eligible only through that day",
                    p.certified_until
                )
            }
        });
        let (planned, share) = match &plan {
            Some(plan) => {
                let n: u32 = plan.kpis.provider_shares.iter().filter(|s| s.provider == p.id).map(|s| s.visits).sum();
                let total = plan.kpis.assigned;
                (Some(n), (total > 0).then(|| 100.0 * f64::from(n) / total as f64))
            }
            None => (None, None),
        };
        cards.push(Scorecard {
            provider: p.id.clone(),
            name: p.name.clone(),
            certification_level: p.certification_level,
            certified_until: p.certified_until,
            certification_days_left: days_left,
            certification_warning: warning,
            rating: score.rating,
            low: score.low,
            high,
            source,
            weight: allocation::solver_weight(score, &policy),
            visits: perf.map_or(0, |r| r.visits),
            on_time: perf.map(|r| r.on_time.mean),
            first_time_fix: perf.map(|r| r.first_time_fix.mean),
            score: perf.map(|r| r.score.mean),
            trend: ratings::trend(&records, &p.id, as_of, 91, &params),
            planned_visits: planned,
            share_of_work_pct: share,
        });
    }
    Ok(cards)
}

/// The problem with the stored ratings and the competitive allocation applied (weights as
/// provider ratings, changed shares in the policy), and the allocation that explains it.
pub fn rated_problem(
    db: &Db,
    problem: &Problem,
    as_of: NaiveDate,
    policy: &AllocationPolicy,
) -> Result<(Problem, Allocation), StoreError> {
    let scores: BTreeMap<String, ProviderScore> =
        provider_scores(db, as_of)?.into_iter().map(|(p, (s, _, _))| (p, s)).collect();
    let alloc = allocation::allocate(problem, &scores, policy);
    let mut adjusted = problem.clone();
    allocation::apply(&mut adjusted, &alloc);
    Ok((adjusted, alloc))
}

/// Scorecards as a Markdown table (what `rota providers report --markdown` prints).
pub fn markdown(cards: &[Scorecard]) -> String {
    let pct = |x: Option<f64>| x.map_or("—".to_string(), |v| format!("{:.0} %", 100.0 * v));
    let mut out = String::from(
        "| provider | rating | 90 % interval | source | weight | visits | on-time | first-time fix | score | trend | planned | share of work | certification |\n|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n",
    );
    for c in cards {
        out.push_str(&format!(
            "| {} ({}) | {:.2} | {:.2}–{:.2} | {} | {:.2} | {} | {} | {} | {} | {} | {} | {} | level {}, until {}{} |\n",
            c.name,
            c.provider,
            c.rating,
            c.low,
            c.high,
            c.source,
            c.weight,
            c.visits,
            pct(c.on_time),
            pct(c.first_time_fix),
            c.score.map_or("—".to_string(), |s| format!("{s:.2}")),
            c.trend.map_or("—".to_string(), |t| format!("{t:+.3}")),
            c.planned_visits.map_or("—".to_string(), |n| n.to_string()),
            c.share_of_work_pct.map_or("—".to_string(), |s| format!("{s:.1} %")),
            c.certification_level,
            c.certified_until,
            c.certification_warning.as_deref().map(|w| format!(" ⚠ {w}")).unwrap_or_default()
        ));
    }
    out
}

/// Why an allocation run failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AllocateError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Service(#[from] crate::ServiceError),
    #[error("{}: the rated problem is invalid:\n{diagnostics}", path.display())]
    Invalid { path: std::path::PathBuf, diagnostics: rota_solver::diagnostics::Diagnostics },
}

impl AllocateError {
    pub fn is_bad_input(&self) -> bool {
        match self {
            AllocateError::Store(e) => e.is_bad_input(),
            AllocateError::Service(e) => e.is_bad_input(),
            AllocateError::Invalid { .. } => true,
        }
    }
}

/// A problem planned without and with the rated allocation, and what the allocation did.
pub struct AllocationRun {
    pub rated: Problem,
    pub allocation: Allocation,
    pub before: rota_solver::format::Plan,
    pub after: rota_solver::format::Plan,
    /// `provider B: +12 visits in East (…), top-20 % bonus (…)` — from comparing the plans.
    pub effects: Vec<String>,
    /// Whether the plan made with the allocation passes the checker against the rated problem.
    pub after_feasible: bool,
}

/// Rates the problem file's providers from the database, plans it with and without the
/// allocation (same seed and settings), and explains the differences.
pub fn allocate_and_explain(
    db: &Db,
    problem_path: &std::path::Path,
    as_of: NaiveDate,
    policy: &AllocationPolicy,
    opts: &rota_solver::planner::SolveOptions,
) -> Result<AllocationRun, AllocateError> {
    let original = crate::load_problem_file(problem_path)?;
    let (rated, allocation) = rated_problem(db, &original.problem, as_of, policy)?;
    let instance = rota_solver::validate::compile(&rated)
        .map_err(|diagnostics| AllocateError::Invalid { path: problem_path.to_path_buf(), diagnostics })?;
    let travel = crate::travel_model(problem_path, &rated, &instance)?;
    let loaded = crate::LoadedProblem {
        path: problem_path.to_path_buf(),
        problem: rated.clone(),
        instance,
        travel,
        travel_setup_ms: 0,
    };
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let before = crate::solve(&original, opts, &mut |_| {}, &cancel);
    let after = crate::solve(&loaded, opts, &mut |_| {}, &cancel);
    let after_feasible = crate::check(&loaded, &after).is_feasible();
    let effects = allocation::explain(&allocation, &before, &after);
    Ok(AllocationRun { rated, allocation, before, after, effects, after_feasible })
}

//! The coverage model: demand and capacity per region × work class × day, and the coverage LP.
//!
//! A *work class* is a skill with a minimum level and the certifications the work needs (taken
//! from the visits: `hvac` level 2 with `f-gas`, …). A technician can serve a class on a day if
//! they hold the skill at that level and every certification is valid on that day; so an
//! expiring certification removes the technician from the class from the day after its
//! `valid_until` on.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};
use good_lp::constraint::ConstraintReference;
use good_lp::solvers::DualValues;
use good_lp::solvers::highs::highs;
use good_lp::{Expression, ProblemVariables, Solution, SolutionWithDual, SolverModel, Variable, variable};

use super::forecast::{self, HistoryRow};
use super::{CoverageError, CoverageSettings, DemandGrowth, PRIORITIES};
use crate::format::problem::{Priority, Problem};

/// A skill at a minimum level with the certifications the work needs.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Class {
    pub skill: usize,
    pub level: u8,
    pub certs: Vec<usize>,
}

/// One technician's hours and abilities over the coverage days.
#[derive(Clone, Debug)]
pub struct TechCap {
    pub id: String,
    pub provider: Option<usize>,
    /// Productive hours per day (0 on days off, absent, or after the provider's certification lapsed).
    pub hours: Vec<f64>,
    pub primary: Vec<usize>,
    pub secondary: Vec<usize>,
    /// Level per skill (0 = not held).
    pub level: Vec<u8>,
    /// Last valid day per certification (`None` = not held).
    pub cert_until: Vec<Option<NaiveDate>>,
}

impl TechCap {
    /// Whether the technician may do work of `class` on `date`.
    pub fn serves(&self, class: &Class, date: NaiveDate) -> bool {
        self.level[class.skill] >= class.level.max(1)
            && class.certs.iter().all(|&c| self.cert_until[c].is_some_and(|until| date <= until))
    }
}

#[derive(Clone, Debug)]
pub struct ProviderCap {
    pub id: String,
    pub max_pct: f64,
}

/// Demand of one (region, class, day), hours per priority (emergency, vip, standard).
pub type Hours3 = [f64; 3];

/// Everything the LP needs, built from a problem, a history and settings.
#[derive(Clone, Debug)]
pub struct CoverageModel {
    pub name: String,
    pub start: NaiveDate,
    pub days: usize,
    pub region_ids: Vec<String>,
    pub region_names: Vec<String>,
    pub skill_ids: Vec<String>,
    pub skill_names: Vec<String>,
    pub cert_ids: Vec<String>,
    pub classes: Vec<Class>,
    /// Total demand per (region, class, day).
    pub demand: BTreeMap<(usize, usize, usize), Hours3>,
    /// Of which known from planned and open visits.
    pub known: BTreeMap<(usize, usize, usize), f64>,
    pub techs: Vec<TechCap>,
    pub providers: Vec<ProviderCap>,
    pub settings: CoverageSettings,
    /// Extra hours of a skill in a region and week, usable on any day of that week for any class
    /// of the skill (0 in a plain run; the marginal values are the duals of these rows).
    pub extra: BTreeMap<(usize, usize, usize), f64>,
    pub history_rows: usize,
    pub series_fitted: usize,
    /// History keys (region/skill) that the problem does not know, ignored.
    pub ignored_history: Vec<String>,
}

/// The first Monday on or before `date`.
pub fn monday_of(date: NaiveDate) -> NaiveDate {
    date - Duration::days(i64::from(date.weekday().num_days_from_monday()))
}

fn priority_index(p: Priority) -> usize {
    PRIORITIES.iter().position(|&q| q == p).unwrap_or(2)
}

impl CoverageModel {
    /// Builds the model. `problem` is assumed valid (it comes from the store or was validated);
    /// ids it does not define are reported as errors, never panics.
    pub fn build(
        problem: &Problem,
        history: &[HistoryRow],
        settings: &CoverageSettings,
        growth: &[DemandGrowth],
    ) -> Result<CoverageModel, CoverageError> {
        let start = monday_of(settings.start.unwrap_or(problem.horizon.start));
        let days = settings.weeks.max(1) as usize * 7;
        let date = |d: usize| start + Duration::days(d as i64);
        let region_ids: Vec<String> = problem.regions.iter().map(|r| r.id.clone()).collect();
        let skill_ids: Vec<String> = problem.skills.iter().map(|s| s.id.clone()).collect();
        let cert_ids: Vec<String> = problem.certifications.iter().map(|c| c.id.clone()).collect();
        let find = |list: &[String], id: &str, what: &str, record: &str| {
            list.iter().position(|x| x == id).ok_or_else(|| CoverageError::UnknownId {
                record: record.to_string(),
                field: what.to_string(),
                id: id.to_string(),
            })
        };

        // Work classes and the mix of hours per (region, skill) by (class, priority).
        let mut classes: Vec<Class> = Vec::new();
        let mut class_of = BTreeMap::new();
        let mut mix: BTreeMap<(usize, usize), BTreeMap<(usize, usize), f64>> = BTreeMap::new();
        let mut skill_mix: BTreeMap<usize, BTreeMap<(usize, usize), f64>> = BTreeMap::new();
        let mut known: BTreeMap<(usize, usize, usize), f64> = BTreeMap::new();
        let mut known3: BTreeMap<(usize, usize, usize), Hours3> = BTreeMap::new();
        let mut intern = |class: Class, classes: &mut Vec<Class>| {
            *class_of.entry(class.clone()).or_insert_with(|| {
                classes.push(class);
                classes.len() - 1
            })
        };
        let areas = region_areas(problem);
        for v in &problem.visits {
            let record = format!("visit {:?}", v.id);
            let s = find(&skill_ids, &v.skill, "skill", &record)?;
            let mut certs = v
                .certifications
                .iter()
                .map(|c| find(&cert_ids, c, "certifications", &record))
                .collect::<Result<Vec<_>, _>>()?;
            certs.sort_unstable();
            certs.dedup();
            let k = intern(Class { skill: s, level: v.min_level.max(1), certs }, &mut classes);
            let point = geo::Point::new(v.location.lon, v.location.lat);
            let Some(r) = areas.iter().position(|a| geo::Contains::contains(a, &point)) else {
                continue; // outside every region: validation rejects such a visit
            };
            let hours = v.duration_min.max(0) as f64 / 60.0;
            let p = priority_index(v.priority);
            *mix.entry((r, s)).or_default().entry((k, p)).or_default() += hours;
            *skill_mix.entry(s).or_default().entry((k, p)).or_default() += hours;
            if matches!(
                v.status,
                crate::format::problem::VisitStatus::Done | crate::format::problem::VisitStatus::Cancelled
            ) {
                continue;
            }
            let day = visit_date(v);
            let d = (day - start).num_days().max(0) as usize;
            if d < days {
                *known.entry((r, k, d)).or_default() += hours;
                known3.entry((r, k, d)).or_insert([0.0; 3])[p] += hours;
            }
        }
        for s in 0..skill_ids.len() {
            if !skill_mix.contains_key(&s) {
                let k = intern(Class { skill: s, level: 1, certs: Vec::new() }, &mut classes);
                skill_mix.entry(s).or_default().insert((k, 2), 1.0);
            }
        }

        // Forecast per (region, skill, day), then the total: the larger of known and forecast.
        let models = forecast::fit_all(history, start, settings.fit_weeks);
        let mut ignored = Vec::new();
        let mut demand: BTreeMap<(usize, usize, usize), Hours3> = known3.clone();
        for ((region, skill), model) in &models {
            let (Some(r), Some(s)) =
                (region_ids.iter().position(|x| x == region), skill_ids.iter().position(|x| x == skill))
            else {
                ignored.push(format!("{region}/{skill}"));
                continue;
            };
            let shares = mix.get(&(r, s)).or_else(|| skill_mix.get(&s)).cloned().unwrap_or_default();
            let total_share: f64 = shares.values().sum();
            if total_share <= 0.0 {
                continue;
            }
            for d in 0..days {
                let f = model.predict(date(d));
                let mut seen: Vec<usize> = shares.keys().map(|(k, _)| *k).collect();
                seen.dedup();
                let known_rs: f64 = seen.iter().map(|k| known.get(&(r, *k, d)).copied().unwrap_or(0.0)).sum();
                let add = f - known_rs;
                if add <= 1e-9 {
                    continue;
                }
                for ((k, p), h) in &shares {
                    demand.entry((r, *k, d)).or_insert([0.0; 3])[*p] += add * h / total_share;
                }
            }
        }
        // Demand growth (scenarios): multiply the matching cells.
        for g in growth {
            let r = g.region.as_deref().map(|id| find(&region_ids, id, "region", "demand_growth")).transpose()?;
            let s = g.skill.as_deref().map(|id| find(&skill_ids, id, "skill", "demand_growth")).transpose()?;
            let f = (1.0 + g.pct / 100.0).max(0.0);
            for ((rr, k, _), h) in demand.iter_mut() {
                if r.is_none_or(|r| r == *rr) && s.is_none_or(|s| s == classes[*k].skill) {
                    h.iter_mut().for_each(|x| *x *= f);
                }
            }
        }
        demand.retain(|_, h| h.iter().sum::<f64>() > 1e-9);

        // Providers and technicians.
        let providers: Vec<ProviderCap> =
            problem.providers.iter().map(|p| ProviderCap { id: p.id.clone(), max_pct: p.share.max_pct }).collect();
        let mut techs = Vec::with_capacity(problem.technicians.len());
        for t in &problem.technicians {
            let record = format!("technician {:?}", t.id);
            let provider = t
                .provider
                .as_deref()
                .map(|p| {
                    problem.providers.iter().position(|x| x.id == p).ok_or_else(|| CoverageError::UnknownId {
                        record: record.clone(),
                        field: "provider".into(),
                        id: p.into(),
                    })
                })
                .transpose()?;
            let mut level = vec![0u8; skill_ids.len()];
            for sl in &t.skills {
                let s = find(&skill_ids, &sl.skill, "skills", &record)?;
                level[s] = level[s].max(sl.level);
            }
            let mut cert_until = vec![None; cert_ids.len()];
            for c in &t.certifications {
                let i = find(&cert_ids, &c.certification, "certifications", &record)?;
                cert_until[i] = Some(c.valid_until);
            }
            let mut primary =
                t.regions.iter().map(|r| find(&region_ids, r, "regions", &record)).collect::<Result<Vec<_>, _>>()?;
            let mut secondary = t
                .secondary_regions
                .iter()
                .map(|r| find(&region_ids, r, "secondary_regions", &record))
                .collect::<Result<Vec<_>, _>>()?;
            if let Some(p) = provider {
                let served: Vec<usize> = problem.providers[p]
                    .regions
                    .iter()
                    .filter_map(|r| region_ids.iter().position(|x| x == r))
                    .collect();
                primary.retain(|r| served.contains(r));
                secondary.retain(|r| served.contains(r));
            }
            secondary.retain(|r| !primary.contains(r));
            let hours = (0..days)
                .map(|d| {
                    let day = date(d);
                    if t.absences.iter().any(|a| a.from <= day && day <= a.to) {
                        return 0.0;
                    }
                    if provider.is_some_and(|p| day > problem.providers[p].certified_until) {
                        return 0.0;
                    }
                    let Some(shift) = t.shifts.get(day.weekday().num_days_from_monday()) else {
                        return 0.0;
                    };
                    let brk = shift.break_.as_ref().map_or(0, |b| i64::from(b.minutes) * 60);
                    let secs = (shift.end.secs() - shift.start.secs() - brk).max(0);
                    secs as f64 / 3600.0 * settings.productive_share
                })
                .collect();
            techs.push(TechCap { id: t.id.clone(), provider, hours, primary, secondary, level, cert_until });
        }

        Ok(CoverageModel {
            name: problem.name.clone(),
            start,
            days,
            region_names: problem.regions.iter().map(|r| r.name.clone()).collect(),
            region_ids,
            skill_names: problem.skills.iter().map(|s| s.name.clone()).collect(),
            skill_ids,
            cert_ids,
            classes,
            demand,
            known,
            techs,
            providers,
            settings: settings.clone(),
            extra: BTreeMap::new(),
            history_rows: history.len(),
            series_fitted: models.len(),
            ignored_history: ignored,
        })
    }

    pub fn date(&self, d: usize) -> NaiveDate {
        self.start + Duration::days(d as i64)
    }

    pub fn weeks(&self) -> usize {
        self.days / 7
    }

    /// Hours of every technician who may work on `skill` in `region` on day `d` (primary or
    /// secondary region when `secondary`), i.e. holds it with valid certifications for at
    /// least one class of that skill.
    pub fn capacity(&self, region: usize, skill: usize, d: usize, secondary: bool) -> f64 {
        let day = self.date(d);
        let classes: Vec<&Class> = self.classes.iter().filter(|c| c.skill == skill).collect();
        self.techs
            .iter()
            .filter(|t| t.primary.contains(&region) || (secondary && t.secondary.contains(&region)))
            .filter(|t| classes.iter().any(|c| t.serves(c, day)))
            .map(|t| t.hours[d])
            .sum()
    }
}

fn visit_date(v: &crate::format::problem::Visit) -> NaiveDate {
    v.time_windows
        .first()
        .map(|w| w.start.date())
        .or_else(|| v.sla.map(|s| s.on_site_by.date()))
        .unwrap_or_else(|| v.created_at.date())
}

/// The region areas, to place visits (a visit belongs to the first region containing it, as in
/// validation).
fn region_areas(problem: &Problem) -> Vec<geo::MultiPolygon<f64>> {
    use crate::format::problem::Area;
    use geo::{LineString, MultiPolygon, Polygon};
    let ring = |ring: &Vec<[f64; 2]>| LineString::from(ring.iter().map(|c| (c[0], c[1])).collect::<Vec<_>>());
    let poly = |rings: &Vec<Vec<[f64; 2]>>| {
        let mut it = rings.iter();
        let exterior = it.next().map(ring).unwrap_or_else(|| LineString::new(vec![]));
        Polygon::new(exterior, it.map(ring).collect())
    };
    problem
        .regions
        .iter()
        .map(|r| match &r.area {
            Area::Polygon { coordinates } => MultiPolygon(vec![poly(coordinates)]),
            Area::MultiPolygon { coordinates } => MultiPolygon(coordinates.iter().map(poly).collect()),
        })
        .collect()
}

/// The LP's answer.
#[derive(Clone, Debug)]
pub struct LpSolution {
    pub objective: f64,
    /// Hours allocated per (region, class, day).
    pub allocated: BTreeMap<(usize, usize, usize), f64>,
    /// Of which by technicians working in a secondary region.
    pub secondary: BTreeMap<(usize, usize, usize), f64>,
    /// Of which by provider technicians.
    pub provider: BTreeMap<(usize, usize, usize), f64>,
    /// Unmet hours per (region, class, day) by priority.
    pub unmet: BTreeMap<(usize, usize, usize), Hours3>,
    /// Marginal value of one more hour of (region, skill, week): objective decrease per hour.
    pub marginal: BTreeMap<(usize, usize, usize), f64>,
}

struct XVar {
    tech: usize,
    key: (usize, usize, usize),
    var: Variable,
    secondary: bool,
}

/// Solves the coverage LP.
pub fn solve_lp(m: &CoverageModel) -> Result<LpSolution, CoverageError> {
    let settings = &m.settings;
    let price = [settings.unmet_price.emergency, settings.unmet_price.vip, settings.unmet_price.standard];
    let mut vars = ProblemVariables::new();
    let mut objective = Expression::default();

    let mut xs: Vec<XVar> = Vec::new();
    for (t, tech) in m.techs.iter().enumerate() {
        for d in 0..m.days {
            if tech.hours[d] <= 0.0 {
                continue;
            }
            let day = m.date(d);
            let served: Vec<usize> = (0..m.classes.len()).filter(|&k| tech.serves(&m.classes[k], day)).collect();
            for (regions, secondary) in [(&tech.primary, false), (&tech.secondary, true)] {
                for &r in regions {
                    for &k in &served {
                        if !m.demand.contains_key(&(r, k, d)) {
                            continue;
                        }
                        let var = vars.add(variable().min(0.0));
                        if secondary {
                            objective += settings.secondary_penalty_per_hour * var;
                        }
                        xs.push(XVar { tech: t, key: (r, k, d), var, secondary });
                    }
                }
            }
        }
    }
    let mut us: Vec<((usize, usize, usize), usize, Variable)> = Vec::new();
    let mut ys: BTreeMap<(usize, usize, usize), Variable> = BTreeMap::new();
    for (&key, h) in &m.demand {
        for (p, &hours) in h.iter().enumerate() {
            if hours > 0.0 {
                let var = vars.add(variable().min(0.0).max(hours));
                objective += price[p] * var;
                us.push((key, p, var));
            }
        }
        ys.insert(key, vars.add(variable().min(0.0)));
    }

    let mut demand_rows: BTreeMap<(usize, usize, usize), Expression> = BTreeMap::new();
    let mut tech_rows: BTreeMap<(usize, usize), Expression> = BTreeMap::new();
    let mut provider_rows: BTreeMap<(usize, usize, usize), Expression> = BTreeMap::new();
    for x in &xs {
        *demand_rows.entry(x.key).or_default() += x.var;
        *tech_rows.entry((x.tech, x.key.2)).or_default() += x.var;
        if let Some(p) = m.techs[x.tech].provider {
            *provider_rows.entry((p, x.key.0, x.key.2 / 7)).or_default() += x.var;
        }
    }
    for (key, _, var) in &us {
        *demand_rows.entry(*key).or_default() += *var;
    }
    let mut extra_rows: BTreeMap<(usize, usize, usize), Expression> = BTreeMap::new();
    for (&key, &var) in &ys {
        *demand_rows.entry(key).or_default() += var;
        *extra_rows.entry((key.0, m.classes[key.1].skill, key.2 / 7)).or_default() += var;
    }
    let mut region_week_demand: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    for (&(r, _, d), h) in &m.demand {
        *region_week_demand.entry((r, d / 7)).or_default() += h.iter().sum::<f64>();
    }

    let mut problem = vars.minimise(objective.clone()).using(highs);
    problem.set_verbose(false);
    let mut problem = problem.set_threads(1);
    for (key, row) in demand_rows {
        let total: f64 = m.demand[&key].iter().sum();
        problem.add_constraint(row.eq(total));
    }
    for ((t, d), row) in tech_rows {
        problem.add_constraint(row.leq(m.techs[t].hours[d]));
    }
    for ((p, r, w), row) in provider_rows {
        let cap =
            m.providers[p].max_pct.clamp(0.0, 100.0) / 100.0 * region_week_demand.get(&(r, w)).copied().unwrap_or(0.0);
        problem.add_constraint(row.leq(cap));
    }
    let mut extra_refs: Vec<((usize, usize, usize), ConstraintReference)> = Vec::new();
    for (key, row) in extra_rows {
        let rhs = m.extra.get(&key).copied().unwrap_or(0.0);
        extra_refs.push((key, problem.add_constraint(row.leq(rhs))));
    }
    let mut solution = problem.solve().map_err(|e| CoverageError::Solver(e.to_string()))?;

    let mut out = LpSolution {
        objective: 0.0,
        allocated: BTreeMap::new(),
        secondary: BTreeMap::new(),
        provider: BTreeMap::new(),
        unmet: BTreeMap::new(),
        marginal: BTreeMap::new(),
    };
    for x in &xs {
        let v = solution.value(x.var);
        if v > 1e-9 {
            *out.allocated.entry(x.key).or_default() += v;
            if x.secondary {
                *out.secondary.entry(x.key).or_default() += v;
            }
            if m.techs[x.tech].provider.is_some() {
                *out.provider.entry(x.key).or_default() += v;
            }
        }
    }
    for (&key, &var) in &ys {
        // Extra hours count as allocated (they are capacity we added on purpose).
        let v = solution.value(var);
        if v > 1e-9 {
            *out.allocated.entry(key).or_default() += v;
        }
    }
    for (key, p, var) in &us {
        let v = solution.value(*var);
        if v > 1e-9 {
            out.unmet.entry(*key).or_insert([0.0; 3])[*p] += v;
        }
    }
    out.objective = objective.eval_with(&solution);
    let duals = solution.compute_dual();
    for (key, r) in extra_refs {
        out.marginal.insert(key, (-duals.dual(r)).max(0.0));
    }
    Ok(out)
}

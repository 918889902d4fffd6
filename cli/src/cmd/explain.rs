//! `rota explain`: why a visit went where it did (or nowhere), and what capacity and rules are
//! worth (the LP relaxation's shadow prices).

use std::path::PathBuf;

use rota_service::load_problem_file;
use rota_service::rota_solver::explain::Explanation;
use rota_service::rota_solver::format::ObjectiveTerms;
use serde_json::json;

use crate::failure::{Outcome, bad_input};

#[derive(clap::Args)]
pub struct Args {
    /// The `rota-problem/1` file.
    problem: PathBuf,
    /// The `rota-plan/1` file to explain (needed with --visit).
    plan: Option<PathBuf>,
    /// Explain this visit: why its technician, or why unassigned and what it would take.
    #[arg(long)]
    visit: Option<String>,
    /// Print the shadow prices of the assignment LP: one more hour by skill × region × day and
    /// by technician-day, and what each rule of the policy adds to the objective.
    #[arg(long)]
    duals: bool,
    /// Alternatives, remedies and prices shown in text (all of them in --json).
    #[arg(long, default_value_t = 5)]
    top: usize,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> Outcome {
    if args.visit.is_none() && !args.duals {
        return Err(bad_input("nothing to explain: give --visit ID (with a plan) or --duals"));
    }
    let loaded = load_problem_file(&args.problem)?;
    let mut out = serde_json::Map::new();
    if let Some(visit) = &args.visit {
        let Some(plan_path) = &args.plan else {
            return Err(bad_input("--visit needs the plan file: rota explain PROBLEM PLAN --visit ID"));
        };
        let plan = rota_service::read_plan(plan_path)?;
        if !rota_service::plan_matches(&loaded, &plan) {
            eprintln!(
                "warning: {} was made for a different version of {} (fingerprint differs)",
                plan_path.display(),
                args.problem.display()
            );
        }
        let e = rota_service::explain_visit(&loaded, &plan, visit)
            .map_err(|e| bad_input(format!("{}: {e}", plan_path.display())))?;
        if args.json {
            out.insert("visit".into(), serde_json::to_value(&e).map_err(anyhow::Error::from)?);
        } else {
            print!("{}", render_visit(&e, args.top));
        }
    }
    if args.duals {
        let inst = &loaded.instance;
        let report = rota_service::rota_solver::assign::dual_report(inst, loaded.travel.as_ref())
            .map_err(anyhow::Error::from)?;
        let mut by_srd = report.by_skill_region_day.clone();
        by_srd.sort_by(|a, b| b.hour_value.total_cmp(&a.hour_value));
        let mut by_td = report.technician_days.clone();
        by_td.sort_by(|a, b| b.2.total_cmp(&a.2));
        let mut rules = report.rules.clone();
        rules.sort_by(|a, b| b.cost.total_cmp(&a.cost));
        if args.json {
            out.insert(
                "duals".into(),
                json!({
                    "lp_objective": report.lp_objective,
                    "hour_value_by_skill_region_day": by_srd.iter().map(|p| json!({
                        "skill": inst.skills[p.skill], "region": inst.regions[p.region].id, "day": inst.date(p.day),
                        "hour_value": p.hour_value, "technician": inst.technicians[p.tech].id,
                    })).collect::<Vec<_>>(),
                    "hour_value_by_technician_day": by_td.iter().map(|&(t, d, v)| json!({
                        "technician": inst.technicians[t].id, "day": inst.date(d), "hour_value": v,
                    })).collect::<Vec<_>>(),
                    "rule_costs": rules.iter().map(|r| json!({"rule": r.rule.name(), "cost": r.cost})).collect::<Vec<_>>(),
                }),
            );
        } else {
            println!("Shadow prices of the assignment LP relaxation (objective {:.1})", report.lp_objective);
            if by_srd.is_empty() {
                println!("  No technician-day is short of time: one more hour is worth nothing anywhere.");
            } else {
                println!(
                    "One more hour of a skill in a region on a day (on the technician-day where it is worth most):"
                );
                for p in by_srd.iter().take(args.top) {
                    println!(
                        "  {:<14} {:<10} {}  {:>9.1}  (on {})",
                        inst.skills[p.skill],
                        inst.regions[p.region].id,
                        inst.date(p.day),
                        p.hour_value,
                        inst.technicians[p.tech].id
                    );
                }
                if by_srd.len() > args.top {
                    println!("  … {} more (--top N or --json)", by_srd.len() - args.top);
                }
            }
            println!("What each rule adds to the LP objective (objective with it minus without it):");
            for r in &rules {
                println!("  {:<22} {:>10.1}", r.rule.name(), r.cost);
            }
        }
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&serde_json::Value::Object(out)).map_err(anyhow::Error::from)?);
    }
    Ok(0)
}

/// The non-zero terms, largest first: `travel_time +12.3, secondary_region +40.0`.
fn terms_text(terms: &ObjectiveTerms) -> String {
    let mut named: Vec<(&str, f64)> = terms.named().into_iter().filter(|(_, v)| v.abs() >= 0.005).collect();
    named.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
    if named.is_empty() {
        return "no term changes".to_string();
    }
    named.iter().map(|(n, v)| format!("{n} {v:+.2}")).collect::<Vec<_>>().join(", ")
}

fn render_visit(e: &Explanation, top: usize) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    match &e.assigned {
        Some(p) => {
            let _ = writeln!(
                s,
                "Visit {} is assigned to {} on {} (stop {}, service starts {}).",
                e.visit, p.technician, p.day, p.stop, p.start
            );
            let _ = writeln!(s, "  Its cost there: {:.2} ({})", p.total, terms_text(&p.cost));
            let _ = writeln!(
                s,
                "  Leaving it out instead would change the objective by {:+.2} ({}).",
                e.unassigned_cost.total() - p.total,
                terms_text(&e.unassigned_cost)
            );
        }
        None => {
            let _ = writeln!(s, "Visit {} is unassigned.", e.visit);
            for r in &e.reasons {
                let _ = writeln!(s, "  [{}] {}", r.code.as_str(), r.message);
            }
        }
    }
    let feasible: Vec<_> = e.alternatives.iter().filter(|a| a.total.is_some()).collect();
    let blocked: Vec<_> = e.alternatives.iter().filter(|a| a.blocked.is_some()).collect();
    if e.assigned.is_some() {
        let _ = writeln!(s, "Next best technician-days (moving it there changes the objective by):");
        if feasible.is_empty() {
            let _ = writeln!(s, "  none: no other eligible technician-day has room");
        }
        for a in feasible.iter().take(top) {
            let d = a.difference.unwrap_or_default();
            let _ = writeln!(
                s,
                "  {} on {} (stop {}): {:+.2} — {}",
                a.technician,
                a.day,
                a.stop.unwrap_or(0),
                a.difference_total.unwrap_or(0.0),
                terms_text(&d)
            );
        }
    } else if !feasible.is_empty() {
        let _ = writeln!(s, "Technician-days with room now (cost of the visit there):");
        for a in feasible.iter().take(top) {
            let _ = writeln!(s, "  {} on {}: {:.2}", a.technician, a.day, a.total.unwrap_or(0.0));
        }
    }
    if !blocked.is_empty() {
        let _ = writeln!(s, "Eligible but blocked: {}", blocked.len());
        for a in blocked.iter().take(top) {
            let _ = writeln!(s, "  {} on {}: {}", a.technician, a.day, a.blocked.map_or("", |b| b.text()));
        }
    }
    if !e.excluded.is_empty() {
        let _ = writeln!(s, "Technicians ruled out:");
        let mut by_rule: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
        for x in &e.excluded {
            by_rule.entry(x.rule.as_str()).or_default().push(format!("{} ({})", x.technician, x.detail));
        }
        for (rule, list) in by_rule {
            let shown: Vec<&str> = list.iter().take(top).map(String::as_str).collect();
            let more = if list.len() > top { format!(" … and {} more", list.len() - top) } else { String::new() };
            let _ = writeln!(s, "  {rule}: {}{more}", shown.join(", "));
        }
    }
    if e.assigned.is_none() {
        let _ = writeln!(s, "What it would take (one change each; objective change if made):");
        if e.remedies.is_empty() {
            let _ = writeln!(s, "  nothing found by a single change");
        }
        for r in e.remedies.iter().take(top) {
            match r.objective_change {
                Some(c) => {
                    let _ = writeln!(s, "  {}: {c:+.2}", r.action);
                }
                None => {
                    let _ = writeln!(s, "  {}", r.action);
                }
            }
        }
        if e.remedies.len() > top {
            let _ = writeln!(s, "  … {} more (--top N or --json)", e.remedies.len() - top);
        }
    }
    s
}

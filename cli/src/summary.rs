//! A readable summary of a plan for the terminal.

use std::collections::BTreeMap;
use std::fmt::Write;

use rota_service::LoadedProblem;
use rota_service::rota_solver::format::Plan;

pub fn render(loaded: &LoadedProblem, plan: &Plan) -> String {
    let inst = &loaded.instance;
    let k = &plan.kpis;
    let mut out = String::new();
    let pct = |a: u32, b: u32| if b == 0 { 0.0 } else { 100.0 * f64::from(a) / f64::from(b) };
    let _ = writeln!(out, "\nRota plan — {} ({} days from {})", loaded.problem.name, inst.days, inst.origin);
    let _ = writeln!(
        out,
        "  Visits         {} of {} assigned ({:.1} %), {} unassigned",
        k.assigned,
        k.visits,
        pct(k.assigned, k.visits),
        k.unassigned
    );
    let _ = writeln!(
        out,
        "  SLA            {:.1} % on time · response mean {:.1} h, p90 {:.1} h · emergencies on site after {:.0} min on average",
        k.sla_attainment_pct, k.response_hours_mean, k.response_hours_p90, k.emergency_response_minutes_mean
    );
    let _ = writeln!(out, "  Travel         {:.1} h, {:.0} km", k.travel_hours, k.travel_km);
    let _ = writeln!(
        out,
        "  Work           {:.1} h on site · utilization {:.1} % · {} technicians on {} routes · spread ±{:.1} h",
        k.service_hours, k.utilization_pct, k.technicians_used, k.routes, k.workload_spread_hours
    );
    let _ = writeln!(
        out,
        "  First-time fix {:.1} % of visits get a technician at or above their complexity",
        k.first_time_fix_pct
    );

    // Per day.
    let mut per_day: BTreeMap<String, (u32, usize, f64)> = BTreeMap::new();
    for r in &plan.routes {
        let e = per_day.entry(r.day.format("%a %Y-%m-%d").to_string()).or_default();
        e.0 += 1;
        e.1 += r.stops.len();
        e.2 += r.travel_s as f64 / 3600.0;
    }
    if !per_day.is_empty() {
        let _ = writeln!(out, "\n  Day              routes  visits  travel h");
        let mut days: Vec<_> = plan.routes.iter().map(|r| r.day).collect();
        days.sort();
        days.dedup();
        for d in days {
            let key = d.format("%a %Y-%m-%d").to_string();
            let (routes, visits, travel) = per_day[&key];
            let _ = writeln!(out, "  {key:<16} {routes:>6}  {visits:>6}  {travel:>8.1}");
        }
    }

    if !plan.unassigned.is_empty() {
        let _ = writeln!(out, "\n  Unassigned by reason");
        for (code, n) in &k.unassigned_by_reason {
            let example = plan.unassigned.iter().find(|u| u.reasons.first().is_some_and(|r| r.code.as_str() == code));
            let text = example
                .and_then(|u| u.reasons.first())
                .map(|r| format!("e.g. {}: {}", example.map_or("", |u| &u.visit), r.message))
                .unwrap_or_default();
            let _ = writeln!(out, "    {code:<24} {n:>4}   {text}");
        }
    }

    let _ = writeln!(out, "\n  Objective {:.1}", plan.objective.total);
    for (name, value) in plan.objective.terms.named() {
        if value.abs() > 1e-9 {
            let _ = writeln!(out, "    {name:<24} {value:>12.1}");
        }
    }

    if !k.provider_shares.is_empty() {
        let _ = writeln!(out, "\n  Provider shares of regions' visits");
        for s in &k.provider_shares {
            let _ =
                writeln!(out, "    {:<14} {:<10} {:>4} visits {:>6.1} %", s.provider, s.region, s.visits, s.share_pct);
        }
    }
    let _ = writeln!(out);
    out
}

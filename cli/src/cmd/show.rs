use std::path::PathBuf;

use rota_store::db::Db;

use crate::cmd::init::store_failure;
use crate::failure::Outcome;

#[derive(clap::Args)]
pub struct Args {
    /// The SQLite database file.
    #[arg(long)]
    db: PathBuf,
    /// A version id (`7` or `v7`), `current` or `latest`.
    #[arg(long, default_value = "current")]
    plan: String,
}

pub fn run(Args { db, plan }: Args) -> Outcome {
    let store = Db::open(&db).map_err(store_failure)?;
    let id = store.resolve_version(plan.trim_start_matches('v')).map_err(store_failure)?;
    let info = store.plan_versions().map_err(store_failure)?.into_iter().find(|v| v.id == id);
    let doc = store.plan(id).map_err(store_failure)?;
    if let Some(v) = &info {
        println!(
            "Plan version v{}{} — by {} at {}, parent {}, horizon {} + {} days{}",
            v.id,
            if v.current { " (current)" } else { "" },
            v.author,
            v.created_at,
            v.parent_id.map_or("none".to_string(), |p| format!("v{p}")),
            v.horizon_start,
            v.horizon_days,
            v.shard.as_ref().map(|s| format!(", shard {s}")).unwrap_or_default()
        );
    }
    println!("  solver {} · seed {} · {} rounds", doc.settings.solver, doc.settings.seed, doc.settings.iterations);
    let k = &doc.kpis;
    println!("  Visits         {} of {} assigned, {} unassigned", k.assigned, k.visits, k.unassigned);
    println!(
        "  SLA            {:.1} % on time · response mean {:.1} h, p90 {:.1} h",
        k.sla_attainment_pct, k.response_hours_mean, k.response_hours_p90
    );
    println!("  Travel         {:.1} h, {:.0} km", k.travel_hours, k.travel_km);
    println!(
        "  Work           {:.1} h on site · utilization {:.1} % · {} technicians on {} routes",
        k.service_hours, k.utilization_pct, k.technicians_used, k.routes
    );
    for (code, n) in &k.unassigned_by_reason {
        println!("  Unassigned     {code:<24} {n:>4}");
    }
    println!("  Objective      {:.1}", doc.objective.total);
    for (name, value) in doc.objective.terms.named() {
        if value.abs() > 1e-9 {
            println!("    {name:<24} {value:>12.1}");
        }
    }
    Ok(0)
}

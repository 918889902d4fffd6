use std::path::PathBuf;

use rota_store::db::Db;

use crate::cmd::init::store_failure;
use crate::failure::Outcome;

#[derive(clap::Args)]
pub struct Args {
    /// The SQLite database file.
    #[arg(long)]
    db: PathBuf,
}

pub fn run(Args { db }: Args) -> Outcome {
    let store = Db::open(&db).map_err(store_failure)?;
    let versions = store.plan_versions().map_err(store_failure)?;
    if versions.is_empty() {
        println!("{}: no plan versions yet (run `rota batch --db {}`)", db.display(), db.display());
        return Ok(0);
    }
    println!(
        "{:>2} {:>5} {:>6} {:<10} {:<19} {:<10} {:>4} {:>9} {:>10} {:>7} {:>14}",
        "", "id", "parent", "author", "created", "horizon", "days", "assigned", "unassigned", "SLA %", "objective"
    );
    for v in versions {
        println!(
            "{:>2} {:>5} {:>6} {:<10} {:<19} {:<10} {:>4} {:>9} {:>10} {:>7.1} {:>14.1}{}",
            if v.current { "*" } else { "" },
            format!("v{}", v.id),
            v.parent_id.map_or("—".to_string(), |p| format!("v{p}")),
            v.author,
            v.created_at,
            v.horizon_start,
            v.horizon_days,
            v.kpis.assigned,
            v.kpis.unassigned,
            v.kpis.sla_attainment_pct,
            v.objective_total,
            v.shard.map(|s| format!("  shard {s}")).unwrap_or_default()
        );
    }
    Ok(0)
}

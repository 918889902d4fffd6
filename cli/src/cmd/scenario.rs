use std::path::PathBuf;

use rota_service::coverage as svc;
use rota_service::rota_solver::coverage::scenario::{self, ScenarioSpec};

use crate::cmd::coverage::failure;
use crate::failure::{Outcome, bad_input};

/// What-if scenarios for coverage planning: copy the live data, change it, run it, compare.
/// Scenarios are stored in the database and never change the live data or any plan.
///
/// Example: `rota scenario create --db r.db two-north --add-tech north:electrical:2x2@2026-12-14`,
/// then `rota scenario compare --db r.db two-north --weeks 4`.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Create a scenario from a copy of the live data (or of another scenario) with changes.
    Create {
        #[command(flatten)]
        db: Db,
        /// The scenario's name.
        name: String,
        /// Start from this scenario's copy and changes instead of the live data.
        #[arg(long)]
        from: Option<String>,
        /// A line saying what the scenario is about.
        #[arg(long, default_value = "")]
        description: String,
        #[command(flatten)]
        changes: Changes,
    },
    /// Add changes to a scenario (or replace them all with --replace); its last result is dropped.
    Edit {
        #[command(flatten)]
        db: Db,
        name: String,
        /// Replace the scenario's changes instead of adding to them.
        #[arg(long)]
        replace: bool,
        #[arg(long)]
        description: Option<String>,
        #[command(flatten)]
        changes: Changes,
    },
    /// Run a scenario's coverage and store the report with it.
    Run {
        #[command(flatten)]
        db: Db,
        name: String,
        /// Number of weeks (1–26).
        #[arg(long, default_value_t = 4)]
        weeks: u32,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Compare the baseline and scenarios side by side: KPIs and per-region deltas (each is run
    /// afresh with the same settings).
    Compare {
        #[command(flatten)]
        db: Db,
        /// Scenarios to compare; the baseline (live data) comes first unless named elsewhere.
        #[arg(required = true)]
        names: Vec<String>,
        #[arg(long, default_value_t = 4)]
        weeks: u32,
        /// Print the comparison as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the scenarios with their changes and last result.
    List {
        #[command(flatten)]
        db: Db,
        #[arg(long)]
        json: bool,
    },
    /// Delete a scenario.
    Delete {
        #[command(flatten)]
        db: Db,
        name: String,
    },
}

#[derive(clap::Args)]
struct Db {
    /// The SQLite database file.
    #[arg(long)]
    db: PathBuf,
}

/// The changes a scenario makes (every option may be repeated).
#[derive(clap::Args)]
struct Changes {
    /// Add technicians: REGION:SKILL[:LEVEL][xCOUNT][@YYYY-MM-DD][+CERT…], e.g.
    /// `north:electrical:2x2@2026-12-14+high-voltage` (level 2, one technician, from the start
    /// by default; shifts copied from a technician of the region with that skill).
    #[arg(long = "add-tech", value_name = "SPEC")]
    add_tech: Vec<String>,
    /// Remove a technician by id.
    #[arg(long = "remove-tech", value_name = "ID")]
    remove_tech: Vec<String>,
    /// Change one weekday's shift: DAY[@REGION][/SKILL]=HH:MM-HH:MM or DAY…=off, e.g.
    /// `sat@north=08:00-14:00` (every technician of North works Saturday mornings).
    #[arg(long, value_name = "SPEC")]
    shift: Vec<String>,
    /// A provider's maximum share of a region's work in percent: PROVIDER=PCT (0 drops it).
    #[arg(long = "provider-share", value_name = "PROVIDER=PCT")]
    provider_share: Vec<String>,
    /// Demand growth in percent: [REGION][/SKILL]=PCT, e.g. `north=15`, `/hvac=-10`, `east/plumbing=20`.
    #[arg(long = "demand-growth", value_name = "SPEC")]
    demand_growth: Vec<String>,
    /// More changes as a JSON file (rota_solver::coverage::ScenarioSpec; docs/coverage.md).
    #[arg(long, value_name = "FILE")]
    spec: Option<PathBuf>,
}

fn opt<T>(flag: &str, r: Result<T, String>) -> Result<T, crate::failure::Failure> {
    r.map_err(|e| bad_input(format!("{flag}: {e}")))
}

impl Changes {
    fn parse(self) -> Result<ScenarioSpec, crate::failure::Failure> {
        let mut spec = ScenarioSpec::default();
        if let Some(path) = &self.spec {
            let text = std::fs::read_to_string(path)
                .map_err(|e| bad_input(format!("{}: cannot read: {e}", path.display())))?;
            spec = serde_json::from_str(&text).map_err(|e| bad_input(format!("{}: {e}", path.display())))?;
        }
        for a in &self.add_tech {
            spec.add_technicians.push(opt("--add-tech", scenario::parse_add_technicians(a))?);
        }
        spec.remove_technicians.extend(self.remove_tech);
        for s in &self.shift {
            spec.shift_changes.push(opt("--shift", scenario::parse_shift_change(s))?);
        }
        for p in &self.provider_share {
            spec.provider_shares.push(opt("--provider-share", scenario::parse_provider_share(p))?);
        }
        for g in &self.demand_growth {
            spec.demand_growth.push(opt("--demand-growth", scenario::parse_demand_growth(g))?);
        }
        Ok(spec)
    }
}

pub fn run(Args { command }: Args) -> Outcome {
    match command {
        Command::Create { db, name, from, description, changes } => {
            let spec = changes.parse()?;
            let described = spec.describe();
            svc::create_scenario(&db.db, &name, from.as_deref(), &description, spec).map_err(failure)?;
            println!(
                "{}: scenario {name:?} created{}",
                db.db.display(),
                from.map(|f| format!(" from {f:?}")).unwrap_or_default()
            );
            for line in described {
                println!("  {line}");
            }
        }
        Command::Edit { db, name, replace, description, changes } => {
            let spec = svc::edit_scenario(&db.db, &name, changes.parse()?, replace, description.as_deref())
                .map_err(failure)?;
            println!("{}: scenario {name:?} now:", db.db.display());
            for line in spec.describe() {
                println!("  {line}");
            }
        }
        Command::Run { db, name, weeks, json } => {
            let report = svc::run_scenario(&db.db, &name, weeks).map_err(failure)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report).map_err(anyhow::Error::from)?);
            } else {
                print!("{}", crate::cmd::coverage::render(&report));
            }
        }
        Command::Compare { db, names, weeks, json } => {
            let (cmp, reports) = svc::compare(&db.db, &names, weeks).map_err(failure)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&cmp).map_err(anyhow::Error::from)?);
            } else {
                let first = &reports[0];
                println!(
                    "Coverage compared over {} week(s) from Mon {} (deltas against {})\n",
                    first.weeks.len(),
                    first.start,
                    cmp.columns[0]
                );
                print!("{}", scenario::render(&cmp));
            }
        }
        Command::List { db, json } => {
            let list = svc::list_scenarios(&db.db).map_err(failure)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list).map_err(anyhow::Error::from)?);
            } else if list.is_empty() {
                println!("{}: no scenarios yet (rota scenario create --help)", db.db.display());
            }
            if !json {
                for s in &list {
                    let sla = s.sla_attainment_pct.map(|v| format!(" · last run {v:.1} % SLA")).unwrap_or_default();
                    println!(
                        "{}{}{sla}",
                        s.name,
                        if s.description.is_empty() { String::new() } else { format!(" — {}", s.description) }
                    );
                    for c in &s.changes {
                        println!("  {c}");
                    }
                }
            }
        }
        Command::Delete { db, name } => {
            svc::delete_scenario(&db.db, &name).map_err(failure)?;
            println!("{}: scenario {name:?} deleted", db.db.display());
        }
    }
    Ok(0)
}

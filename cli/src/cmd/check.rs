use std::path::PathBuf;

use rota_service::load_problem_file;

use crate::failure::Outcome;
use crate::summary;

#[derive(clap::Args)]
pub struct Args {
    /// The `rota-problem/1` file the plan answers.
    problem: PathBuf,
    /// A `rota-plan/1` file.
    plan: PathBuf,
}

pub fn run(Args { problem, plan }: Args) -> Outcome {
    let loaded = load_problem_file(&problem)?;
    let plan_doc = rota_service::read_plan(&plan)?;
    if !rota_service::plan_matches(&loaded, &plan_doc) {
        eprintln!(
            "warning: {} was made for a different version of {} (fingerprint differs)",
            plan.display(),
            problem.display()
        );
    }
    let report = rota_service::check(&loaded, &plan_doc);
    if report.is_feasible() {
        println!(
            "{}: feasible — every hard rule holds ({} routes, {} of {} visits assigned)",
            plan.display(),
            plan_doc.routes.len(),
            report.kpis.assigned,
            report.kpis.visits
        );
        Ok(0)
    } else {
        println!("{}: {} hard-rule violation(s):", plan.display(), report.violations.len());
        for v in &report.violations {
            println!("  {v}");
        }
        Ok(1)
    }
}

#[derive(clap::Args)]
pub struct SummaryArgs {
    /// The `rota-problem/1` file the plan answers.
    problem: PathBuf,
    /// A `rota-plan/1` file.
    plan: PathBuf,
}

pub fn summary(SummaryArgs { problem, plan }: SummaryArgs) -> Outcome {
    let loaded = load_problem_file(&problem)?;
    let plan_doc = rota_service::read_plan(&plan)?;
    print!("{}", summary::render(&loaded, &plan_doc));
    Ok(0)
}

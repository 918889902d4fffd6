use anyhow::Context;
use clap::ValueEnum;
use rota_service::rota_solver::format::{plan_schema, problem_schema};

use crate::failure::Outcome;

#[derive(clap::Args)]
pub struct Args {
    #[arg(value_enum)]
    format: SchemaKind,
}

#[derive(Clone, Copy, ValueEnum)]
enum SchemaKind {
    Problem,
    Plan,
}

pub fn run(Args { format }: Args) -> Outcome {
    let schema = match format {
        SchemaKind::Problem => problem_schema(),
        SchemaKind::Plan => plan_schema(),
    };
    println!("{}", serde_json::to_string_pretty(&schema).context("schema")?);
    Ok(0)
}

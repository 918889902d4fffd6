//! `rota`: Rota's command-line tool. A thin front end over `rota-service`: each command lives
//! in its own module under `cmd/`, parses its arguments, calls the service and prints.
//!
//! Exit codes: 0 ok, 1 failure (including a plan that breaks a hard rule), 2 bad input.

mod cmd;
mod failure;
mod summary;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use failure::Failure;

#[derive(Parser)]
#[command(name = "rota", version, about = "Rota — field-service dispatch optimizer", long_about = None)]
#[command(
    after_help = "Exit codes: 0 ok, 1 failure (or a plan breaking a hard rule), 2 bad input.\nDocs: docs/format.md (file formats), docs/policy.md (objective weights)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a problem file and report every mistake, each with its record and field.
    Validate(cmd::validate::Args),
    /// Plan a problem: who does which visit, when, in which order.
    Solve(cmd::solve::Args),
    /// Check a plan against its problem: exit 0 only if it keeps every hard rule.
    Check(cmd::check::Args),
    /// Print a readable summary of a plan.
    Summary(cmd::check::SummaryArgs),
    /// Explain a visit of a plan (why this technician; why unassigned and what it would take),
    /// or the shadow prices of capacity and rules (--duals).
    Explain(cmd::explain::Args),
    /// Write a realistic synthetic problem of any size (same shape as the sample).
    Generate(cmd::generate::Args),
    /// Print the JSON Schema of a file format.
    Schema(cmd::schema::Args),
    /// Create a database (optionally with the bundled sample service area).
    Init(cmd::init::Args),
    /// Service areas on real maps: build basemap tiles, roads and addresses from OpenStreetMap; install; search.
    Area(cmd::area::Args),
    /// Import master data into a database: a problem, roads, regions or a CSV file.
    Import(cmd::import::Args),
    /// Export a plan version (JSON, CSV, GeoJSON, iCalendar) or the master data.
    Export(cmd::export::Args),
    /// List the plan versions of a database.
    Plans(cmd::plans::Args),
    /// Summarise one plan version of a database.
    Show(cmd::show::Args),
    /// The nightly batch: re-optimize the horizon and commit one new plan version (exit 3 on conflict).
    Batch(cmd::batch::Args),
    /// Solve routing benchmark instances and compare with best-known solutions.
    Bench(cmd::bench::Args),
    /// Certified rating feeds: keygen, sign, trust, import, show.
    Ratings(cmd::ratings::Args),
    /// Provider scorecards.
    Providers(cmd::providers::Args),
    /// Coverage per region × skill × week: demand vs capacity, SLA attainment, marginal values.
    Coverage(cmd::coverage::Args),
    /// What-if scenarios for coverage: create, edit, run, compare, list, delete.
    Scenario(cmd::scenario::Args),
    /// Emergency insertion: rank who can take an urgent call first (by arrival, then fewest displaced visits).
    Insert(cmd::insert::Args),
}

fn main() -> ExitCode {
    restore_sigpipe();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Validate(args) => cmd::validate::run(args),
        Command::Solve(args) => cmd::solve::run(args),
        Command::Check(args) => cmd::check::run(args),
        Command::Summary(args) => cmd::check::summary(args),
        Command::Explain(args) => cmd::explain::run(args),
        Command::Generate(args) => cmd::generate::run(args),
        Command::Schema(args) => cmd::schema::run(args),
        Command::Init(args) => cmd::init::run(args),
        Command::Area(args) => cmd::area::run(args),
        Command::Import(args) => cmd::import::run(args),
        Command::Export(args) => cmd::export::run(args),
        Command::Plans(args) => cmd::plans::run(args),
        Command::Show(args) => cmd::show::run(args),
        Command::Batch(args) => cmd::batch::run(args),
        Command::Bench(args) => cmd::bench::run(args),
        Command::Ratings(args) => cmd::ratings::run(args),
        Command::Providers(args) => cmd::providers::run(args),
        Command::Coverage(args) => cmd::coverage::run(args),
        Command::Scenario(args) => cmd::scenario::run(args),
        Command::Insert(args) => cmd::insert::run(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(Failure { code, error }) => {
            eprintln!("error: {}", error_text(&error));
            ExitCode::from(code)
        }
    }
}

/// The error and its causes on one line, each cause said once: many errors already quote their
/// cause in their own message, and repeating it would only make the line harder to read.
fn error_text(error: &anyhow::Error) -> String {
    let mut text = error.to_string();
    for cause in error.chain().skip(1) {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text
}

/// Rust ignores SIGPIPE, so printing to a closed pipe (`rota solve … | head -1`) panicked with
/// "failed printing to stdout". A command-line tool should end quietly instead, as `cat` does.
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called once at the start of `main`, before any other thread exists; SIG_DFL is
    // a valid disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

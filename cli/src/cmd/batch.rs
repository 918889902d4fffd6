use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use indicatif::{ProgressBar, ProgressStyle};
use rota_service::batch::report::Lang;
use rota_service::batch::{self, BatchError, BatchOptions, BatchReport};
use rota_service::rota_solver::planner::Progress;

use crate::failure::{Failure, Outcome, bad_input};

#[derive(clap::Args)]
pub struct Args {
    /// The database: a SQLite file, or a PostgreSQL URL (`postgres://user@host/db`).
    #[arg(long)]
    db: PathBuf,
    /// First day to plan (YYYY-MM-DD); default: the stored horizon's start.
    #[arg(long)]
    date: Option<String>,
    /// Days to plan; default: the stored horizon's length.
    #[arg(long)]
    days: Option<u32>,
    /// At most this many communicated appointments may move.
    #[arg(long, value_name = "N")]
    max_changes: Option<u32>,
    /// Stop improving after this many seconds.
    #[arg(long, default_value_t = 60.0, value_name = "SECONDS")]
    time_limit: f64,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Improvement rounds at most.
    #[arg(long, default_value_t = 20_000)]
    iterations: u32,
    /// Plan only shard I of N (regions dealt round-robin by id); saved, not made current.
    #[arg(long, value_name = "I/N", conflicts_with = "merge")]
    shard: Option<String>,
    /// The run a shard belongs to (what `--merge RUN` joins); default: `DATE+DAYS` of the horizon.
    #[arg(long, value_name = "NAME", requires = "shard")]
    run: Option<String>,
    /// Join the shard versions of run RUN, check the whole plan and commit it as one version.
    #[arg(long, value_name = "RUN")]
    merge: Option<String>,
    /// Write the report here: Markdown (`.md`) plus JSON next to it (`.json`), or the reverse.
    #[arg(long)]
    report: Option<PathBuf>,
    /// Language of the Markdown report: `en` or `zh-CN` (Simplified Chinese). The JSON report
    /// is language-neutral (codes and parameters).
    #[arg(long, default_value = "en", value_name = "LANG")]
    lang: String,
}

pub fn run(args: Args) -> Outcome {
    let Args { db, date, days, max_changes, time_limit, seed, iterations, shard, run, merge, report, lang } = args;
    let lang = Lang::parse(&lang).map_err(|e| bad_input(format!("--lang: {e}")))?;
    let shown = rota_store::db::backend::redact_url(&db.display().to_string());
    if let Some(run) = merge {
        let mut log = |line: &str| eprintln!("batch: {line}");
        return finish(batch::merge::merge(&db, &run, &mut log), &shown, report.as_deref(), lang);
    }
    let time_limit = crate::failure::time_limit(time_limit)?;
    let date = date
        .map(|d| {
            NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                .map_err(|_| bad_input(format!("--date must be YYYY-MM-DD, got {d:?}")))
        })
        .transpose()?;
    let shard = shard
        .map(|s| {
            s.split_once('/')
                .and_then(|(i, n)| Some((i.trim().parse::<u32>().ok()?, n.trim().parse::<u32>().ok()?)))
                .filter(|&(i, n)| n >= 1 && (1..=n).contains(&i))
                .ok_or_else(|| bad_input(format!("--shard must be I/N with 1 ≤ I ≤ N, got {s:?}")))
        })
        .transpose()?;
    let opts = BatchOptions { date, days, max_changes, time_limit, seed, iterations, shard, run };

    let tty = std::io::stderr().is_terminal();
    let bar = tty.then(|| {
        let bar = ProgressBar::new(opts.time_limit.as_millis().max(1) as u64);
        if let Ok(style) = ProgressStyle::with_template("{spinner} batch [{bar:30}] {elapsed_precise} {msg}") {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    });
    let mut last_log = Instant::now();
    let mut on_progress = |p: &Progress| {
        let msg = format!(
            "iteration {}/{} · {} of {} assigned · objective {:.0}",
            p.iteration, p.max_iterations, p.assigned, p.visits, p.objective
        );
        match &bar {
            Some(bar) => {
                bar.set_position(p.elapsed.as_millis().min(opts.time_limit.as_millis()) as u64);
                bar.set_message(msg);
            }
            None if last_log.elapsed() >= Duration::from_secs(5) => {
                eprintln!("batch: {:.0} s: {msg}", p.elapsed.as_secs_f64());
                last_log = Instant::now();
            }
            None => {}
        }
    };
    let mut log = |line: &str| match &bar {
        Some(bar) => bar.println(format!("batch: {line}")),
        None => eprintln!("batch: {line}"),
    };
    let result = batch::run(&db, &opts, &mut on_progress, &mut log, &AtomicBool::new(false));
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    finish(result, &shown, report.as_deref(), lang)
}

/// Writes the report and says what happened: exit 0, or the error's exit code.
fn finish(result: Result<BatchReport, BatchError>, db: &str, report: Option<&Path>, lang: Lang) -> Outcome {
    match result {
        Ok(r) => {
            write_report(report, &r, lang)?;
            if r.visits == 0 {
                println!(
                    "{db}: nothing to plan — no open or planned visit in the horizon; the new version is an empty plan"
                );
            }
            println!(
                "{}: {} plan version v{} — {} of {} visits assigned, {} changed, {} unassigned, objective {:.1} ({:.1} s)",
                db,
                r.outcome,
                r.version.unwrap_or_default(),
                r.kpis_after.assigned,
                r.kpis_after.visits,
                r.changed.len(),
                r.unassigned.len(),
                r.objective_after,
                r.elapsed_s
            );
            Ok(0)
        }
        Err(e) => {
            if let Some(r) = e.report() {
                write_report(report, r, lang)?;
            }
            Err(batch_failure(e))
        }
    }
}

fn batch_failure(e: BatchError) -> Failure {
    Failure { code: e.exit_code(), error: e.into() }
}

fn write_report(path: Option<&Path>, r: &BatchReport, lang: Lang) -> Result<(), Failure> {
    let Some(path) = path else { return Ok(()) };
    let is_json = path.extension().is_some_and(|e| e == "json");
    let (md, json) = if is_json {
        (path.with_extension("md"), path.to_path_buf())
    } else {
        (path.to_path_buf(), path.with_extension("json"))
    };
    rota_store::files::write_atomic(&md, r.markdown_in(lang).as_bytes())?;
    rota_store::files::write_json(&json, r)?;
    Ok(())
}

//! `rota insert PROBLEM PLAN --visit VISIT_JSON --at DATETIME`: who can take an urgent call
//! first, from where each technician is at that moment in the plan (issue 4 item 5).

use std::path::PathBuf;

use rota_service::desk::{EmergencyRequest, emergency_candidates};

use crate::failure::{Failure, Outcome, bad_input};

#[derive(clap::Args)]
pub struct Args {
    /// The `rota-problem/1` file.
    problem: PathBuf,
    /// The `rota-plan/1` file the call is inserted into.
    plan: PathBuf,
    /// The call as JSON: `{"location": {"lat": …, "lon": …}, "skill": "hvac", "min_level": 1,
    /// "certifications": [], "duration_min": 60, "customer": "…"}` (or `@FILE` to read it).
    #[arg(long)]
    visit: String,
    /// When the customer called, local time `YYYY-MM-DDTHH:MM`.
    #[arg(long)]
    at: String,
    /// How many options to show.
    #[arg(long, default_value_t = 5)]
    top: usize,
    /// Print the options as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> Outcome {
    let text = match args.visit.strip_prefix('@') {
        Some(path) => std::fs::read_to_string(path).map_err(|e| bad_input(format!("{path}: {e}")))?,
        None => args.visit.clone(),
    };
    let mut call: serde_json::Value = serde_json::from_str(&text).map_err(|e| bad_input(format!("--visit: {e}")))?;
    let Some(fields) = call.as_object_mut() else {
        return Err(bad_input("--visit: expected a JSON object"));
    };
    fields.entry("min_level").or_insert(serde_json::json!(1));
    fields.insert("called_at".into(), serde_json::Value::String(args.at.clone()));
    let req: EmergencyRequest = serde_json::from_value(call).map_err(|e| bad_input(format!("--visit: {e}")))?;
    let plan = rota_service::read_plan(&args.plan)?;
    let (options, took) = emergency_candidates(&args.problem, &plan, &req, args.top.max(1)).map_err(|e| Failure {
        code: if e.code == "internal" { 1 } else { 2 },
        error: anyhow::anyhow!("{} ({})", e.message, e.code),
    })?;
    let ms = took.as_secs_f64() * 1000.0;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&options).map_err(anyhow::Error::from)?);
        return Ok(0);
    }
    if options.is_empty() {
        println!("no technician can take this call in the horizon ({ms:.1} ms)");
        return Ok(1);
    }
    println!(
        "{:>2}  {:<10} {:<10} {:<16} {:<16} {:>8}  displaces",
        "#", "technician", "day", "arrival", "start", "travel"
    );
    for (k, o) in options.iter().enumerate() {
        println!(
            "{:>2}  {:<10} {:<10} {:<16} {:<16} {:>6} min  {}",
            k + 1,
            o.technician,
            o.day,
            o.arrival,
            o.start,
            (o.travel_s + 59) / 60,
            if o.displaces.is_empty() { "-".to_string() } else { o.displaces.join(", ") }
        );
    }
    println!("{} option(s), ranked in {ms:.1} ms", options.len());
    Ok(0)
}

//! Fuzzing the store's readers (`docs/hardening.md`): road networks (read → validate → ranges →
//! graph → travel matrix) and every CSV importer (strict UTF-8 decoding → rows → validation of
//! the result). None may panic, whatever the bytes.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rota_solver::format::Location;
use rota_solver::fuzz;
use rota_solver::travel::road::RoadGraph;
use rota_store::csv_import::{CsvKind, apply_csv};
use rota_store::db::coverage::parse_history_csv;
use rota_store::{files, osm, performance_csv};

fn corpus(dir: &str) -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fuzz-corpus").join(dir);
    fuzz::seed_files(&root).into_iter().map(|(_, bytes)| bytes).collect()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rota-store-fuzz-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn fuzzed_road_networks_never_panic() {
    let dir = scratch("roads");
    let file = dir.join("roads.json");
    let points =
        [Location { lat: 49.82, lon: 9.73 }, Location { lat: 49.83, lon: 9.80 }, Location { lat: 10.0, lon: -170.0 }];
    let mut read = 0usize;
    let n = fuzz::run("roads", &corpus("roads"), fuzz::cases(fuzz::DEFAULT_CASES), |bytes| {
        std::fs::write(&file, bytes).unwrap();
        let Ok(network) = osm::read_road_network(&file) else { return };
        read += 1;
        if let Ok(graph) = RoadGraph::build(&network) {
            let _ = graph.travel_matrix(&points, 15.0);
        }
    });
    eprintln!("fuzz roads: {n} inputs, {read} read as valid networks");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn fuzzed_csv_files_never_panic_in_any_importer() {
    let tiny = rota_fixtures::tiny_problem();
    let known = performance_csv::Known::of(&tiny);
    let regions: BTreeSet<String> = tiny.regions.iter().map(|r| r.id.clone()).collect();
    let skills: BTreeSet<String> = tiny.skills.iter().map(|s| s.id.clone()).collect();
    let per_kind = fuzz::cases(fuzz::DEFAULT_CASES).div_ceil(3).max(1);
    let mut total = 0;
    for kind in ["skills", "providers", "technicians", "visits", "performance", "history"] {
        let path = PathBuf::from(format!("{kind}.csv"));
        let mut accepted = 0usize;
        total += fuzz::run(&format!("csv-{kind}"), &corpus(&format!("csv/{kind}")), per_kind, |bytes| {
            let Ok(decoded) = files::decode_utf8(&path, bytes.to_vec()) else { return };
            let text = decoded.text;
            let ok = match kind {
                "performance" => performance_csv::parse(&path, &text, &known).is_ok(),
                "history" => parse_history_csv(&path, &text, Some(&regions), Some(&skills)).is_ok(),
                _ => {
                    let mut problem = tiny.clone();
                    let kind = CsvKind::parse(kind).unwrap();
                    let (diags, _) = apply_csv(&mut problem, kind, &path, &text);
                    diags.is_empty() && rota_solver::validate::compile(&problem).is_ok()
                }
            };
            accepted += usize::from(ok);
        });
        eprintln!("fuzz csv {kind}: {accepted} accepted");
    }
    eprintln!("fuzz csv: {total} inputs");
}

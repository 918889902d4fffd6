//! Service areas on real maps end to end (`docs/areas.md`): `rota init --sample helsinki` puts the
//! area file next to the database; `rota area search` finds real addresses; a visits CSV of 200
//! addresses imports with every visit placed on its address; one unknown address refuses the
//! file naming its row; `rota area build` rebuilds the sample's tiles, roads and addresses from
//! the extract (tilemaker and osmium-tool, installed by scripts/setup.sh).

use std::path::Path;

use rota_store::area::{AreaFile, area_path_for, read_mbtiles};
use rota_store::db::Db;

use crate::cli::{rota, scratch};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A visits CSV of the given addresses (no lat/lon columns).
fn visits_csv(addresses: &[String]) -> String {
    let mut csv = String::from("id,customer,address,skill,min_level,duration_min,priority,segment,created_at\n");
    for (i, a) in addresses.iter().enumerate() {
        csv.push_str(&format!("H{:03},Asiakas {i},\"{a}\",hvac,1,60,standard,value,2026-12-04T09:00\n", i + 1));
    }
    csv
}

#[test]
fn helsinki_sample_addresses_and_csv_import_by_address() {
    let dir = scratch("areas-helsinki");
    let db = dir.join("h.db");
    let run = rota(&["init", "--db", s(&db), "--sample", "helsinki"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("OpenStreetMap"), "{}", run.stdout);
    let area = AreaFile::open(&area_path_for(&db)).expect("the area file next to the database");
    assert_eq!(area.info().name, "Helsinki centre");
    assert!(area.info().tiles >= 20 && area.info().addresses >= 500, "{:?}", area.info());
    // A street tile of the centre at zoom 16 is there.
    assert!(area.tile(16, 37308, 18970).unwrap().is_some_and(|t| t.len() > 1000));

    let run = rota(&["area", "search", "--db", s(&db), "aleksanterink 5"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let first = run.stdout.lines().next().unwrap_or_default();
    assert!(first.starts_with("Aleksanterinkatu 5"), "{}", run.stdout);

    // 200 real addresses of the index, by their labels.
    let labels: Vec<String> = rota_fixtures::helsinki::parse_addresses(rota_fixtures::HELSINKI_ADDRESSES_CSV)
        .iter()
        .map(|a| a.label())
        .collect();
    assert!(labels.len() >= 200);
    let pick: Vec<String> = labels.iter().step_by(labels.len() / 200).take(200).cloned().collect();
    assert_eq!(pick.len(), 200);

    // One unknown address: the whole file is refused, naming its row; nothing changes.
    let mut bad = pick.clone();
    bad[150] = "Olematonkatu 99, 00100 Helsinki".into();
    let csv = dir.join("bad.csv");
    std::fs::write(&csv, visits_csv(&bad)).unwrap();
    let before = Db::open(&db).unwrap().problem().unwrap().unwrap().visits.len();
    let run = rota(&["import", "--db", s(&db), "visits", s(&csv)]);
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("line 152") && run.stderr.contains("H151"), "{}", run.stderr);
    assert!(run.stderr.contains("unknown address \"Olematonkatu 99, 00100 Helsinki\""), "{}", run.stderr);
    assert_eq!(Db::open(&db).unwrap().problem().unwrap().unwrap().visits.len(), before);

    // All 200 known: every visit placed exactly on its address.
    let csv = dir.join("good.csv");
    std::fs::write(&csv, visits_csv(&pick)).unwrap();
    let run = rota(&["import", "--db", s(&db), "visits", s(&csv)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("200 placed by their address"), "{}", run.stdout);
    let problem = Db::open(&db).unwrap().problem().unwrap().unwrap();
    for (i, label) in pick.iter().enumerate() {
        let v = problem.visits.iter().find(|v| v.id == format!("H{:03}", i + 1)).expect("imported");
        let a = area.find(label).unwrap().expect("indexed");
        assert_eq!((v.location.lat, v.location.lon), (a.lat, a.lon), "{label}");
        assert_eq!(v.address.as_deref(), Some(label.as_str()));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn area_build_makes_tiles_roads_and_addresses_from_the_extract() {
    let dir = scratch("areas-build");
    let out = dir.join("area");
    let run = rota(&["area", "build", "--osm", "fixtures/helsinki/helsinki-centre.osm.pbf", "--out", s(&out)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The same tiles as the committed sample (tilemaker's bytes differ from run to run; the
    // tile set and the layers of each tile do not).
    let built = read_mbtiles(&out.join("tiles.mbtiles")).unwrap();
    let committed =
        read_mbtiles(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/helsinki/tiles.mbtiles"))).unwrap();
    let coords = |m: &rota_store::area::MbTiles| m.tiles.iter().map(|t| (t.z, t.x, t.y)).collect::<Vec<_>>();
    assert_eq!(coords(&built), coords(&committed));
    let text = |t: &rota_store::area::Tile| String::from_utf8_lossy(&t.data).into_owned();
    let z16 = built.tiles.iter().filter(|t| t.z == 16).map(text).collect::<String>();
    for layer in ["roads", "buildings", "parks", "water"] {
        assert!(z16.contains(layer), "no {layer} layer at zoom 16");
    }
    assert!(z16.contains("Mannerheimintie") && z16.contains("Pohjoisesplanadi"), "street names in the tiles");
    assert_eq!(
        std::fs::read_to_string(out.join("addresses.csv")).unwrap(),
        rota_fixtures::HELSINKI_ADDRESSES_CSV,
        "the address index equals the committed one"
    );
    assert_eq!(std::fs::read_to_string(out.join("roads.json")).unwrap(), rota_fixtures::HELSINKI_ROADS_JSON);
    assert!(!out.join(".building").exists());
    // A missing extract is bad input, named.
    let run = rota(&["area", "build", "--osm", "no/such.osm.pbf", "--out", s(&out)]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no/such.osm.pbf"), "{}", run.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

//! The address index and the tile builder's input on the real Helsinki centre extract
//! (`fixtures/helsinki/helsinki-centre.osm.pbf`, © OpenStreetMap contributors, ODbL 1.0).

use std::path::PathBuf;

use rota_store::area::{extract_addresses, normalize, write_complete_osm_xml};

fn extract() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/helsinki/helsinki-centre.osm.pbf"))
}

#[test]
fn helsinki_addresses_are_real_and_inside_the_extract() {
    let addresses = extract_addresses(&extract()).unwrap();
    eprintln!("{} addresses", addresses.len());
    assert!(addresses.len() >= 200, "{} addresses", addresses.len());
    for a in &addresses {
        assert!((60.16..60.18).contains(&a.lat) && (24.93..24.96).contains(&a.lon), "{a:?}");
        assert!(!a.street.is_empty() && !a.housenumber.is_empty());
    }
    // Each street + number + place once.
    let mut keys: Vec<_> = addresses.iter().map(|a| (a.key(), a.postcode.clone(), a.city.clone())).collect();
    keys.sort();
    let n = keys.len();
    keys.dedup();
    assert_eq!(keys.len(), n);
    // Well-known streets of the centre are there.
    for street in ["aleksanterinkatu", "mannerheimintie", "pohjoisesplanadi"] {
        assert!(addresses.iter().any(|a| normalize(&a.street) == street), "no address on {street}");
    }
}

#[test]
fn the_complete_copy_drops_missing_references() {
    let dir = std::env::temp_dir().join(format!("rota-area-xml-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let xml = dir.join("complete.osm");
    let stats = write_complete_osm_xml(&extract(), &xml).unwrap();
    eprintln!("{stats:?}");
    assert_eq!(stats.nodes, 24_260);
    assert_eq!(stats.ways + stats.ways_dropped, 5_130);
    assert!(stats.ways_trimmed > 0 && stats.relations_dropped > 0);
    let text = std::fs::read_to_string(&xml).unwrap();
    assert!(text.starts_with("<?xml") && text.trim_end().ends_with("</osm>"));
    let _ = std::fs::remove_dir_all(&dir);
}

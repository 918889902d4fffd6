//! A service area's map data from an OpenStreetMap extract (`docs/areas.md`): the address
//! index (`addr:*` tags), a reference-complete copy of the extract for the tile builder, and
//! reading the vector tiles it wrote (MBTiles).
//!
//! * [`extract_addresses`]: every node or way with `addr:street` and `addr:housenumber` (plus
//!   `addr:postcode`, `addr:city` when present) becomes an [`Address`]; a way is placed at the
//!   mean of its nodes present in the extract. Duplicates (the same street, number and place
//!   mapped twice) are kept once, the first in file order.
//! * [`write_complete_osm_xml`]: extracts cut out of a larger map reference nodes they do not
//!   contain (ways crossing the border), which `tilemaker` 2.2 aborts on. This writes the
//!   extract as OSM XML with the missing references dropped (a way keeps its nodes present in
//!   the extract, and is left out with fewer than two), without relations; `osmium cat` turns
//!   it back into PBF.
//! * [`read_mbtiles`]: the tiles of an MBTiles file (TMS rows turned into XYZ rows).

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use osmpbf::{Element, ElementReader};
use serde::{Deserialize, Serialize};

/// One address of the index.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Address {
    pub street: String,
    pub housenumber: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub postcode: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub city: String,
    pub lat: f64,
    pub lon: f64,
}

impl Address {
    /// "Mannerheimintie 5, 00100 Helsinki" — what the search shows and a CSV may give.
    pub fn label(&self) -> String {
        let mut s = format!("{} {}", self.street, self.housenumber);
        let place = [self.postcode.as_str(), self.city.as_str()]
            .iter()
            .filter(|p| !p.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        if !place.is_empty() {
            s.push_str(", ");
            s.push_str(&place);
        }
        s
    }

    /// The text an address is matched on: [`normalize`] of "street housenumber".
    pub fn key(&self) -> String {
        normalize(&format!("{} {}", self.street, self.housenumber))
    }
}

/// Lower case, letters and digits only, single spaces ("Mannerheimintie 5 A" →
/// "mannerheimintie 5 a"; "5a" stays "5a"). Both the index and queries go through it.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        } else {
            space = true;
        }
    }
    out
}

/// The address part of a free-text address: "Mannerheimintie 5, 00100 Helsinki" →
/// "mannerheimintie 5" (what comes before the first comma, normalized).
pub fn street_key(text: &str) -> String {
    normalize(text.split(',').next().unwrap_or(""))
}

/// An extract that could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum AreaError {
    #[error("{}: cannot read OpenStreetMap PBF data: {error}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        error: osmpbf::Error,
    },
    #[error("{}: cannot write: {error}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        error: std::io::Error,
    },
    #[error("{}: not an MBTiles file: {error}", path.display())]
    MbTiles {
        path: PathBuf,
        #[source]
        error: rusqlite::Error,
    },
}

#[derive(Default)]
struct AddrTags {
    street: String,
    housenumber: String,
    postcode: String,
    city: String,
}

impl AddrTags {
    fn read<'a>(tags: impl Iterator<Item = (&'a str, &'a str)>) -> Option<AddrTags> {
        let mut a = AddrTags::default();
        for (k, v) in tags {
            match k {
                "addr:street" => a.street = v.trim().to_string(),
                "addr:housenumber" => a.housenumber = v.trim().to_string(),
                "addr:postcode" => a.postcode = v.trim().to_string(),
                "addr:city" => a.city = v.trim().to_string(),
                _ => {}
            }
        }
        (!a.street.is_empty() && !a.housenumber.is_empty()).then_some(a)
    }

    fn at(self, lat: f64, lon: f64) -> Address {
        Address {
            street: self.street,
            housenumber: self.housenumber,
            postcode: self.postcode,
            city: self.city,
            lat,
            lon,
        }
    }
}

/// The addresses of an extract, in file order (nodes, then ways), each street + number +
/// postcode + city once. See the module documentation.
pub fn extract_addresses(path: &Path) -> Result<Vec<Address>, AreaError> {
    let err = |error| AreaError::Read { path: path.to_path_buf(), error };
    let mut nodes: HashMap<i64, (f64, f64)> = HashMap::new();
    let mut out = Vec::new();
    let mut ways: Vec<(AddrTags, Vec<i64>)> = Vec::new();
    ElementReader::from_path(path)
        .map_err(err)?
        .for_each(|element| match element {
            Element::Node(n) => {
                nodes.insert(n.id(), (n.lat(), n.lon()));
                if let Some(a) = AddrTags::read(n.tags()) {
                    out.push(a.at(round7(n.lat()), round7(n.lon())));
                }
            }
            Element::DenseNode(n) => {
                nodes.insert(n.id(), (n.lat(), n.lon()));
                if let Some(a) = AddrTags::read(n.tags()) {
                    out.push(a.at(round7(n.lat()), round7(n.lon())));
                }
            }
            Element::Way(w) => {
                if let Some(a) = AddrTags::read(w.tags()) {
                    ways.push((a, w.refs().collect()));
                }
            }
            Element::Relation(_) => {}
        })
        .map_err(err)?;
    for (tags, refs) in ways {
        // A closed way repeats its first node; count it once.
        let refs = if refs.len() > 1 && refs.first() == refs.last() { &refs[1..] } else { &refs[..] };
        let present: Vec<(f64, f64)> = refs.iter().filter_map(|id| nodes.get(id)).copied().collect();
        if present.is_empty() {
            continue;
        }
        let n = present.len() as f64;
        let lat = present.iter().map(|p| p.0).sum::<f64>() / n;
        let lon = present.iter().map(|p| p.1).sum::<f64>() / n;
        out.push(tags.at(round7(lat), round7(lon)));
    }
    let mut seen = HashSet::new();
    out.retain(|a| seen.insert((a.key(), a.postcode.clone(), a.city.clone())));
    Ok(out)
}

fn round7(x: f64) -> f64 {
    (x * 1e7).round() / 1e7
}

/// What [`write_complete_osm_xml`] wrote.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CompleteStats {
    /// West, south, east, north of the extract's nodes.
    pub bounds: [f64; 4],
    pub nodes: usize,
    pub ways: usize,
    /// Ways that kept only the nodes present in the extract.
    pub ways_trimmed: usize,
    /// Ways left out: fewer than two of their nodes are in the extract.
    pub ways_dropped: usize,
    /// Relations left out (all of them).
    pub relations_dropped: usize,
}

/// Writes the extract as reference-complete OSM XML (see the module documentation).
pub fn write_complete_osm_xml(pbf: &Path, xml: &Path) -> Result<CompleteStats, AreaError> {
    let err = |error| AreaError::Read { path: pbf.to_path_buf(), error };
    let werr = |error| AreaError::Write { path: xml.to_path_buf(), error };
    type Tags = Vec<(String, String)>;
    let mut nodes: Vec<(i64, f64, f64, Tags)> = Vec::new();
    let mut ways: Vec<(i64, Vec<i64>, Tags)> = Vec::new();
    let mut relations = 0;
    let own = |t: &mut dyn Iterator<Item = (&str, &str)>| -> Tags {
        t.map(|(k, v)| (k.to_string(), v.to_string())).collect()
    };
    ElementReader::from_path(pbf)
        .map_err(err)?
        .for_each(|element| match element {
            Element::Node(n) => nodes.push((n.id(), n.lat(), n.lon(), own(&mut n.tags()))),
            Element::DenseNode(n) => nodes.push((n.id(), n.lat(), n.lon(), own(&mut n.tags()))),
            Element::Way(w) => ways.push((w.id(), w.refs().collect(), own(&mut w.tags()))),
            Element::Relation(_) => relations += 1,
        })
        .map_err(err)?;
    nodes.sort_by_key(|n| n.0);
    ways.sort_by_key(|w| w.0);
    let present: HashSet<i64> = nodes.iter().map(|n| n.0).collect();
    let mut bounds = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
    for (_, lat, lon, _) in &nodes {
        bounds = [bounds[0].min(*lon), bounds[1].min(*lat), bounds[2].max(*lon), bounds[3].max(*lat)];
    }
    let file = std::fs::File::create(xml).map_err(werr)?;
    let mut out = std::io::BufWriter::new(file);
    let mut stats = CompleteStats { nodes: nodes.len(), relations_dropped: relations, bounds, ..Default::default() };
    let mut write = || -> std::io::Result<()> {
        writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
        writeln!(out, "<osm version=\"0.6\" generator=\"rota area build\">")?;
        for (id, lat, lon, tags) in &nodes {
            if tags.is_empty() {
                writeln!(out, " <node id=\"{id}\" version=\"1\" lat=\"{lat:.7}\" lon=\"{lon:.7}\"/>")?;
            } else {
                writeln!(out, " <node id=\"{id}\" version=\"1\" lat=\"{lat:.7}\" lon=\"{lon:.7}\">")?;
                write_tags(&mut out, tags)?;
                writeln!(out, " </node>")?;
            }
        }
        for (id, refs, tags) in &ways {
            let kept: Vec<i64> = refs.iter().copied().filter(|r| present.contains(r)).collect();
            if kept.len() < 2 {
                stats.ways_dropped += 1;
                continue;
            }
            if kept.len() < refs.len() {
                stats.ways_trimmed += 1;
            }
            stats.ways += 1;
            writeln!(out, " <way id=\"{id}\" version=\"1\">")?;
            for r in kept {
                writeln!(out, "  <nd ref=\"{r}\"/>")?;
            }
            write_tags(&mut out, tags)?;
            writeln!(out, " </way>")?;
        }
        writeln!(out, "</osm>")?;
        out.flush()
    };
    write().map_err(werr)?;
    Ok(stats)
}

fn write_tags(out: &mut impl Write, tags: &[(String, String)]) -> std::io::Result<()> {
    for (k, v) in tags {
        writeln!(out, "  <tag k=\"{}\" v=\"{}\"/>", xml_escape(k), xml_escape(v))?;
    }
    Ok(())
}

fn xml_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' && c != '\r' => o.push(' '),
            c => o.push(c),
        }
    }
    o
}

/// One vector tile: zoom, column, row (XYZ, row 0 at the north) and its Mapbox Vector Tile
/// bytes (gzip-compressed or not, as the file holds them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tile {
    pub z: u8,
    pub x: u32,
    pub y: u32,
    pub data: Vec<u8>,
}

/// The tiles and metadata of an MBTiles file.
#[derive(Clone, Debug, Default)]
pub struct MbTiles {
    pub tiles: Vec<Tile>,
    pub metadata: Vec<(String, String)>,
}

/// Reads every tile of an MBTiles file (read-only).
pub fn read_mbtiles(path: &Path) -> Result<MbTiles, AreaError> {
    let err = |error| AreaError::MbTiles { path: path.to_path_buf(), error };
    if !path.is_file() {
        return Err(AreaError::MbTiles {
            path: path.to_path_buf(),
            error: rusqlite::Error::InvalidPath(path.to_path_buf()),
        });
    }
    let conn = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(err)?;
    let mut stmt =
        conn.prepare("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles ORDER BY 1, 2, 3").map_err(err)?;
    let tiles = stmt
        .query_map([], |r| {
            let z: u8 = r.get(0)?;
            let x: u32 = r.get(1)?;
            let tms: u32 = r.get(2)?;
            let y = (1u32 << z) - 1 - tms;
            Ok(Tile { z, x, y, data: r.get(3)? })
        })
        .map_err(err)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(err)?;
    let metadata = conn
        .prepare("SELECT name, value FROM metadata ORDER BY name")
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<Vec<_>, _>>())
        .unwrap_or_default();
    Ok(MbTiles { tiles, metadata })
}

/// The file name of the area file that belongs to a plan database: `rota.db` →
/// `rota.area.mbtiles`, next to it.
pub fn area_path_for(db: &Path) -> PathBuf {
    let stem = db.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "rota".into());
    db.with_file_name(format!("{stem}.area.mbtiles"))
}

/// What the app needs to show an area (`rota_area` in the file's metadata, JSON).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AreaInfo {
    pub name: String,
    pub attribution: String,
    /// West, south, east, north.
    pub bounds: [f64; 4],
    pub minzoom: u8,
    pub maxzoom: u8,
    pub tiles: usize,
    pub addresses: usize,
}

/// The table of addresses `rota area build` adds to the MBTiles file (MBTiles allows extra
/// tables), and its index on the normalized "street number".
const ADDRESS_TABLE: &str = "
CREATE TABLE IF NOT EXISTS rota_addresses (
    id          INTEGER PRIMARY KEY,
    street      TEXT NOT NULL,
    housenumber TEXT NOT NULL,
    postcode    TEXT NOT NULL,
    city        TEXT NOT NULL,
    lat         REAL NOT NULL,
    lon         REAL NOT NULL,
    key         TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS rota_addresses_key ON rota_addresses(key);
";

/// Adds the address index and the `rota_area` metadata to an MBTiles file, in one
/// transaction (replacing earlier ones). Returns what the file now holds.
pub fn write_area_file(mbtiles: &Path, name: &str, addresses: &[Address]) -> Result<AreaInfo, AreaError> {
    let err = |error| AreaError::MbTiles { path: mbtiles.to_path_buf(), error };
    if !mbtiles.is_file() {
        return Err(err(rusqlite::Error::InvalidPath(mbtiles.to_path_buf())));
    }
    let mut conn = rusqlite::Connection::open(mbtiles).map_err(err)?;
    let tx = conn.transaction().map_err(err)?;
    let (tiles, minzoom, maxzoom): (i64, Option<i64>, Option<i64>) = tx
        .query_row("SELECT count(*), min(zoom_level), max(zoom_level) FROM tiles", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .map_err(err)?;
    tx.execute_batch(ADDRESS_TABLE).map_err(err)?;
    tx.execute("DELETE FROM rota_addresses", []).map_err(err)?;
    {
        let mut ins = tx
            .prepare(
                "INSERT INTO rota_addresses (street, housenumber, postcode, city, lat, lon, key) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .map_err(err)?;
        for a in addresses {
            ins.execute(rusqlite::params![a.street, a.housenumber, a.postcode, a.city, a.lat, a.lon, a.key()])
                .map_err(err)?;
        }
    }
    let meta = |key: &str| -> Option<String> {
        tx.query_row("SELECT value FROM metadata WHERE name = ?1", [key], |r| r.get(0)).ok()
    };
    let bounds = meta("bounds")
        .and_then(|b| {
            let v: Vec<f64> = b.split(',').filter_map(|x| x.trim().parse().ok()).collect();
            (v.len() == 4).then(|| [v[0], v[1], v[2], v[3]])
        })
        .unwrap_or_else(|| bounds_of(addresses));
    let info = AreaInfo {
        name: name.to_string(),
        attribution: crate::osm::OSM_ATTRIBUTION.to_string(),
        bounds,
        minzoom: minzoom.unwrap_or(0) as u8,
        maxzoom: maxzoom.unwrap_or(0) as u8,
        tiles: tiles as usize,
        addresses: addresses.len(),
    };
    let json = serde_json::to_string(&info).expect("area info serializes");
    tx.execute("DELETE FROM metadata WHERE name IN ('rota_area', 'attribution')", []).map_err(err)?;
    tx.execute("INSERT INTO metadata (name, value) VALUES ('rota_area', ?1)", [json]).map_err(err)?;
    tx.execute("INSERT INTO metadata (name, value) VALUES ('attribution', ?1)", [&info.attribution]).map_err(err)?;
    tx.commit().map_err(err)?;
    Ok(info)
}

fn bounds_of(addresses: &[Address]) -> [f64; 4] {
    let mut b = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
    for a in addresses {
        b = [b[0].min(a.lon), b[1].min(a.lat), b[2].max(a.lon), b[3].max(a.lat)];
    }
    if b[0].is_finite() { b } else { [0.0; 4] }
}

/// An area file opened read-only: the app's basemap tiles and address search, and address
/// lookups of CSV imports.
pub struct AreaFile {
    path: PathBuf,
    conn: rusqlite::Connection,
    info: AreaInfo,
}

impl AreaFile {
    /// Opens an area file written by `rota area build` (read-only).
    pub fn open(path: &Path) -> Result<AreaFile, AreaError> {
        let err = |error| AreaError::MbTiles { path: path.to_path_buf(), error };
        if !path.is_file() {
            return Err(err(rusqlite::Error::InvalidPath(path.to_path_buf())));
        }
        let conn = rusqlite::Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(err)?;
        let json: String =
            conn.query_row("SELECT value FROM metadata WHERE name = 'rota_area'", [], |r| r.get(0)).map_err(err)?;
        let info: AreaInfo = serde_json::from_str(&json).map_err(|e| {
            err(rusqlite::Error::InvalidColumnType(0, format!("rota_area: {e}"), rusqlite::types::Type::Text))
        })?;
        Ok(AreaFile { path: path.to_path_buf(), conn, info })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn info(&self) -> &AreaInfo {
        &self.info
    }

    /// The vector tile at zoom `z`, column `x`, row `y` (XYZ), if the area has one.
    pub fn tile(&self, z: u8, x: u32, y: u32) -> Result<Option<Vec<u8>>, AreaError> {
        if z > 30 || u64::from(y) >= 1u64 << z || u64::from(x) >= 1u64 << z {
            return Ok(None);
        }
        let tms = (1u32 << z) - 1 - y;
        let mut stmt = self
            .conn
            .prepare_cached("SELECT tile_data FROM tiles WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3")
            .map_err(|error| AreaError::MbTiles { path: self.path.clone(), error })?;
        let mut rows = stmt
            .query(rusqlite::params![z, x, tms])
            .map_err(|error| AreaError::MbTiles { path: self.path.clone(), error })?;
        match rows.next().map_err(|error| AreaError::MbTiles { path: self.path.clone(), error })? {
            Some(row) => Ok(Some(row.get(0).map_err(|error| AreaError::MbTiles { path: self.path.clone(), error })?)),
            None => Ok(None),
        }
    }

    /// Addresses matching what a person typed so far, best first: every word of the query
    /// must start a word of "street number" (so "alek 5" finds "Aleksanterinkatu 5" and
    /// "Aleksanterinkatu 52"); exact numbers first, then by street and number.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<Address>, AreaError> {
        let words: Vec<String> = normalize(query).split(' ').filter(|w| !w.is_empty()).map(str::to_string).collect();
        if words.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let err = |error| AreaError::MbTiles { path: self.path.clone(), error };
        // Narrow with SQL on the first word, then check every word in Rust.
        let like = format!("%{}%", words[0].replace(['%', '_'], ""));
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT street, housenumber, postcode, city, lat, lon FROM rota_addresses WHERE key LIKE ?1 ORDER BY id",
            )
            .map_err(err)?;
        let mut found: Vec<(u8, Address)> = stmt
            .query_map([like], |r| {
                Ok(Address {
                    street: r.get(0)?,
                    housenumber: r.get(1)?,
                    postcode: r.get(2)?,
                    city: r.get(3)?,
                    lat: r.get(4)?,
                    lon: r.get(5)?,
                })
            })
            .map_err(err)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(err)?
            .into_iter()
            .filter_map(|a| {
                let key = a.key();
                let key_words: Vec<&str> = key.split(' ').collect();
                let all = words.iter().all(|w| key_words.iter().any(|k| k.starts_with(w.as_str())));
                let exact = words.iter().all(|w| key_words.contains(&w.as_str()));
                all.then_some((u8::from(!exact), a))
            })
            .collect();
        found.sort_by(|(ea, a), (eb, b)| {
            ea.cmp(eb)
                .then_with(|| a.street.cmp(&b.street))
                .then_with(|| natural_number(&a.housenumber).cmp(&natural_number(&b.housenumber)))
                .then_with(|| a.housenumber.cmp(&b.housenumber))
        });
        Ok(found.into_iter().take(limit).map(|(_, a)| a).collect())
    }

    /// The address a free-text address names: "street number" (before a comma) must equal an
    /// indexed one (case, punctuation and spacing aside); a postcode or city after the comma
    /// picks among equal street names in several places.
    pub fn find(&self, text: &str) -> Result<Option<Address>, AreaError> {
        // Street names may hold commas themselves ("Rautatieasema, Kaivokatu"): the longest
        // comma-separated prefix that is an indexed "street number" wins.
        let parts: Vec<&str> = text.split(',').collect();
        for cut in (1..=parts.len()).rev() {
            let key = normalize(&parts[..cut].join(","));
            if key.is_empty() {
                continue;
            }
            let all = self.by_key(&key)?;
            if all.is_empty() {
                continue;
            }
            let rest = normalize(&parts[cut..].join(","));
            let whole = normalize(text);
            let pick = all
                .iter()
                .find(|a| normalize(&a.label()) == whole)
                .or_else(|| {
                    all.iter().find(|a| {
                        !rest.is_empty()
                            && rest
                                .split(' ')
                                .all(|w| normalize(&a.postcode) == w || normalize(&a.city).split(' ').any(|c| c == w))
                    })
                })
                .or(all.first())
                .cloned();
            return Ok(pick);
        }
        Ok(None)
    }

    fn by_key(&self, key: &str) -> Result<Vec<Address>, AreaError> {
        let err = |error| AreaError::MbTiles { path: self.path.clone(), error };
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT street, housenumber, postcode, city, lat, lon FROM rota_addresses WHERE key = ?1 ORDER BY id",
            )
            .map_err(err)?;
        stmt.query_map([key], |r| {
            Ok(Address {
                street: r.get(0)?,
                housenumber: r.get(1)?,
                postcode: r.get(2)?,
                city: r.get(3)?,
                lat: r.get(4)?,
                lon: r.get(5)?,
            })
        })
        .map_err(err)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(err)
    }
}

/// What [`place_csv_addresses`] did to a visits CSV.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlacedCsv {
    /// The CSV with `lat` and `lon` filled in from the address index.
    pub text: String,
    /// Rows placed by their address.
    pub placed: usize,
}

/// Places the rows of a visits CSV (`docs/csv.md`) that give an `address` but no `lat`/`lon`:
/// each such address must be in the area's index ([`AreaFile::find`]), else the row is refused
/// naming its line, its id and the address; nothing is placed unless every row is. Rows with
/// coordinates keep them. Returns `Ok(None)` when no row needs placing (the CSV is used as it
/// is), so files without an `address` column never need an area.
pub fn place_csv_addresses(
    file: &Path,
    text: &str,
    area: Option<&AreaFile>,
    area_path: &Path,
) -> Result<Option<PlacedCsv>, rota_solver::diagnostics::Diagnostics> {
    let name = file.display().to_string();
    let mut diags = rota_solver::diagnostics::Diagnostics::default();
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let Ok(headers) = reader.headers().cloned() else { return Ok(None) };
    let col = |n: &str| headers.iter().position(|h| h.trim() == n);
    let Some(address_col) = col("address") else { return Ok(None) };
    let (lat_col, lon_col, id_col) = (col("lat"), col("lon"), col("id"));
    let mut rows: Vec<(u64, csv::StringRecord)> = Vec::new();
    for record in reader.records() {
        match record {
            Ok(r) => rows.push((r.position().map_or(0, |p| p.line()), r)),
            // The importer reports malformed rows itself, with their line.
            Err(_) => return Ok(None),
        }
    }
    let empty = |r: &csv::StringRecord, c: Option<usize>| c.and_then(|c| r.get(c)).is_none_or(|v| v.trim().is_empty());
    let needs = |r: &csv::StringRecord| {
        empty(r, lat_col) && empty(r, lon_col) && r.get(address_col).is_some_and(|a| !a.trim().is_empty())
    };
    if !rows.iter().any(|(_, r)| needs(r)) {
        return Ok(None);
    }
    let Some(area) = area else {
        diags.push(
            name,
            "address",
            format!(
                "rows give an address without lat/lon, but the database has no service area to find them in ({} is \
                 missing; `rota area build` then `rota area install`, or `rota init --sample helsinki`, creates one)",
                area_path.display()
            ),
        );
        return Err(diags);
    };
    let mut out_headers: Vec<String> = headers.iter().map(str::to_string).collect();
    let lat_col = lat_col.unwrap_or_else(|| {
        out_headers.push("lat".into());
        out_headers.len() - 1
    });
    let lon_col = lon_col.unwrap_or_else(|| {
        out_headers.push("lon".into());
        out_headers.len() - 1
    });
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&out_headers).expect("writing CSV to memory");
    let mut placed = 0;
    for (line, r) in &rows {
        let mut fields: Vec<String> = r.iter().map(str::to_string).collect();
        fields.resize(out_headers.len().max(fields.len()), String::new());
        if needs(r) {
            let address = r.get(address_col).unwrap_or("").trim();
            let id = id_col.and_then(|c| r.get(c)).unwrap_or("").trim();
            match area.find(address) {
                Ok(Some(a)) => {
                    fields[lat_col] = format!("{}", a.lat);
                    fields[lon_col] = format!("{}", a.lon);
                    placed += 1;
                }
                Ok(None) => diags.push(
                    format!("{name} line {line} (visit {id:?})"),
                    "address",
                    format!(
                        "unknown address {address:?}: not in the address index of {} ({} addresses); give lat and \
                         lon, or an address of the area",
                        area.info().name,
                        area.info().addresses
                    ),
                ),
                Err(e) => diags.push(format!("{name} line {line}"), "address", e.to_string()),
            }
        }
        writer.write_record(&fields).expect("writing CSV to memory");
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let text = String::from_utf8(writer.into_inner().expect("CSV in memory")).expect("CSV of UTF-8 fields");
    Ok(Some(PlacedCsv { text, placed }))
}

fn natural_number(s: &str) -> u32 {
    s.chars().take_while(char::is_ascii_digit).collect::<String>().parse().unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_keeps_letters_and_digits() {
        assert_eq!(normalize("  Mannerheimintie 5 A, "), "mannerheimintie 5 a");
        assert_eq!(normalize("Pohjoisesplanadi 11-13"), "pohjoisesplanadi 11 13");
        assert_eq!(normalize("Ääkkönen 3b"), "ääkkönen 3b");
        assert_eq!(street_key("Aleksanterinkatu 52, 00100 Helsinki"), "aleksanterinkatu 52");
    }

    #[test]
    fn label_joins_postcode_and_city() {
        let a = Address {
            street: "Kaivokatu".into(),
            housenumber: "8".into(),
            postcode: "00100".into(),
            city: "Helsinki".into(),
            lat: 60.17,
            lon: 24.94,
        };
        assert_eq!(a.label(), "Kaivokatu 8, 00100 Helsinki");
        let b = Address { postcode: String::new(), city: String::new(), ..a };
        assert_eq!(b.label(), "Kaivokatu 8");
        assert_eq!(xml_escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}

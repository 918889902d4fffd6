//! The file formats: `rota-problem/1` and `rota-plan/1` (serde DTOs with JSON Schemas).

pub mod plan;
pub mod policy;
pub mod problem;

pub use plan::*;
pub use policy::*;
pub use problem::*;

/// JSON Schema of the problem file.
pub fn problem_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Problem)).expect("schema serialises")
}

/// JSON Schema of the plan file.
pub fn plan_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Plan)).expect("schema serialises")
}

/// FNV-1a 64-bit hash, hex. Stable across platforms and versions (unlike `std`'s hasher).
pub fn fingerprint(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// Fingerprint of a problem: hash of its canonical (re-serialised) JSON.
pub fn problem_fingerprint(problem: &Problem) -> String {
    fingerprint(&serde_json::to_vec(problem).unwrap_or_default())
}

/// The path of the first object key that appears twice in the same JSON object
/// (`visits[3].skill`), or `None`. `serde_json` keeps the last of two equal keys silently; every
/// reader of Rota's JSON formats refuses such a file instead, since one of the two values would
/// be dropped without a word. Text that is not JSON gives `None` (the reader reports that).
pub fn first_duplicate_key(json: &str) -> Option<String> {
    use std::cell::RefCell;
    use std::collections::HashSet;

    use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

    /// Where a value is, built only when a duplicate is found.
    enum Node<'a> {
        Root,
        Key(&'a Node<'a>, &'a str),
        Index(&'a Node<'a>, usize),
    }
    impl Node<'_> {
        fn render(&self, out: &mut String) {
            match self {
                Node::Root => {}
                Node::Key(parent, key) => {
                    parent.render(out);
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(key);
                }
                Node::Index(parent, i) => {
                    parent.render(out);
                    out.push_str(&format!("[{i}]"));
                }
            }
        }
    }
    struct Seek<'a> {
        at: &'a Node<'a>,
        found: &'a RefCell<Option<String>>,
    }
    impl<'de> DeserializeSeed<'de> for Seek<'_> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_any(self)
        }
    }
    impl<'de> Visitor<'de> for Seek<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_bool<E>(self, _: bool) -> Result<(), E> {
            Ok(())
        }
        fn visit_i64<E>(self, _: i64) -> Result<(), E> {
            Ok(())
        }
        fn visit_u64<E>(self, _: u64) -> Result<(), E> {
            Ok(())
        }
        fn visit_f64<E>(self, _: f64) -> Result<(), E> {
            Ok(())
        }
        fn visit_str<E>(self, _: &str) -> Result<(), E> {
            Ok(())
        }
        fn visit_unit<E>(self) -> Result<(), E> {
            Ok(())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            let mut i = 0;
            loop {
                let node = Node::Index(self.at, i);
                if seq.next_element_seed(Seek { at: &node, found: self.found })?.is_none() {
                    return Ok(());
                }
                i += 1;
            }
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            let mut seen: HashSet<String> = HashSet::new();
            while let Some(key) = map.next_key::<String>()? {
                let node = Node::Key(self.at, &key);
                if seen.contains(&key) {
                    if self.found.borrow().is_none() {
                        let mut path = String::new();
                        node.render(&mut path);
                        *self.found.borrow_mut() = Some(path);
                    }
                } else {
                    seen.insert(key.clone());
                }
                map.next_value_seed(Seek { at: &node, found: self.found })?;
            }
            Ok(())
        }
    }
    let found = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_str(json);
    let _ = Seek { at: &Node::Root, found: &found }.deserialize(&mut de);
    found.into_inner()
}

#[cfg(test)]
mod duplicate_key_tests {
    use super::first_duplicate_key;

    #[test]
    fn a_duplicated_json_key_is_found_with_its_path() {
        assert_eq!(first_duplicate_key(r#"{"a": 1, "b": [ {"c": 1}, {"c": 2, "c": 3} ]}"#).as_deref(), Some("b[1].c"));
        assert_eq!(first_duplicate_key(r#"{"a": 1, "a": 2}"#).as_deref(), Some("a"));
        assert_eq!(first_duplicate_key(r#"{"a": {"x": 1}, "b": {"x": 1}}"#), None);
        assert_eq!(first_duplicate_key("not json"), None);
        assert_eq!(first_duplicate_key(r#"[1, "x", null, true, -2, 1.5]"#), None);
    }
}

use std::path::Path;

use chrono::{DateTime, Utc};

use super::*;

fn now() -> DateTime<Utc> {
    "2026-12-01T00:00:00Z".parse().unwrap()
}

fn payload(sequence: i64, valid_until: &str) -> String {
    format!(
        r#"{{"format": "rota-ratings-feed/1", "issuer": "certbody", "sequence": {sequence},
  "issued_at": "2026-11-30T00:00:00Z", "valid_until": "{valid_until}",
  "ratings": [{{"provider": "apex", "rating": 0.82, "low": 0.78, "high": 0.86, "visits": 1200}},
              {{"provider": "crescent", "rating": 0.47}}]}}"#
    )
}

/// A database with the sample master data.
fn sample_db(dir: &Path) -> Db {
    let path = dir.join("rota.db");
    let mut db = Db::create(&path).unwrap();
    let problem = rota_fixtures_free_problem();
    db.import_problem(&path, &problem, None).unwrap();
    db
}

/// A small valid problem with providers apex and crescent, without a road network.
fn rota_fixtures_free_problem() -> rota_solver::format::Problem {
    let text = include_str!("../../../fixtures/sample/tiny-problem.json");
    serde_json::from_str(text).unwrap()
}

/// Every row of every table, in a stable order: equal dumps mean an unchanged database.
fn dump(db: &Db) -> String {
    let conn = db.connection();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = String::new();
    for t in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\" ORDER BY 1, 2")).unwrap();
        let n = stmt.column_count();
        let rows: Vec<String> = stmt
            .query_map([], |r| Ok((0..n).map(|i| format!("{:?}", r.get_ref(i).unwrap())).collect::<Vec<_>>().join("|")))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        out.push_str(&format!("{t}: {}\n", rows.join("\n")));
    }
    out
}

struct Setup {
    _dir: TempDir,
    db: Db,
    secret: String,
}

struct TempDir(std::path::PathBuf);
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn setup(name: &str) -> Setup {
    let dir = std::env::temp_dir().join(format!("rota-feeds-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut db = sample_db(&dir);
    let (secret, public) = generate_key().unwrap();
    db.trust_issuer("certbody", &public, "2026-11-30T00:00:00Z").unwrap();
    Setup { _dir: TempDir(dir), db, secret }
}

/// Imports `envelope` expecting a refusal, and proves the database did not change.
fn refused(s: &mut Setup, envelope: &str) -> FeedError {
    let before = dump(&s.db);
    let err = import_feed(&mut s.db, envelope, now()).unwrap_err();
    assert_eq!(dump(&s.db), before, "a refused feed changed the database ({err})");
    err
}

#[test]
fn a_signed_feed_imports_once_and_its_replay_is_refused() {
    let mut s = setup("ok");
    let signed = sign_feed(&s.secret, payload(1, "2027-01-31T00:00:00Z").as_bytes()).unwrap();
    let before = dump(&s.db);
    let done = import_feed(&mut s.db, &signed, now()).unwrap();
    assert_eq!((done.sequence, done.providers), (1, 2));
    assert_ne!(dump(&s.db), before);
    assert_eq!(s.db.current_feed_ratings().unwrap().len(), 2);
    let err = refused(&mut s, &signed);
    assert!(matches!(err, FeedError::Replay { latest: 1, .. }), "{err}");
    assert!(err.to_string().contains("replayed or older"), "{err}");
    // An older sequence number, properly signed, is refused too; a newer one is fine.
    let older = sign_feed(&s.secret, payload(0, "2027-01-31T00:00:00Z").as_bytes());
    assert!(matches!(older, Err(FeedError::Malformed(_))), "sequence 0 is not a valid feed");
    let newer = sign_feed(&s.secret, payload(2, "2027-01-31T00:00:00Z").as_bytes()).unwrap();
    import_feed(&mut s.db, &newer, now()).unwrap();
    let err = refused(&mut s, &signed);
    assert!(matches!(err, FeedError::Replay { sequence: 1, latest: 2, .. }), "{err}");
}

#[test]
fn an_unsigned_feed_is_refused() {
    let mut s = setup("unsigned");
    let err = refused(&mut s, &payload(1, "2027-01-31T00:00:00Z"));
    assert!(matches!(err, FeedError::Unsigned(_)), "{err}");
    let signed = sign_feed(&s.secret, payload(1, "2027-01-31T00:00:00Z").as_bytes()).unwrap();
    let mut env: Envelope = serde_json::from_str(&signed).unwrap();
    env.signature = String::new();
    let err = refused(&mut s, &serde_json::to_string(&env).unwrap());
    assert!(matches!(err, FeedError::Unsigned(_)), "{err}");
}

#[test]
fn a_bad_signature_is_refused() {
    let mut s = setup("badsig");
    let signed = sign_feed(&s.secret, payload(1, "2027-01-31T00:00:00Z").as_bytes()).unwrap();
    let mut env: Envelope = serde_json::from_str(&signed).unwrap();
    // Garbage of the wrong length.
    env.signature = B64.encode([7u8; 10]);
    let err = refused(&mut s, &serde_json::to_string(&env).unwrap());
    assert!(matches!(err, FeedError::BadSignature(_)), "{err}");
    // A well-formed signature by another key, claiming the trusted key id.
    let (other, _) = generate_key().unwrap();
    let forged: Envelope =
        serde_json::from_str(&sign_feed(&other, payload(1, "2027-01-31T00:00:00Z").as_bytes()).unwrap()).unwrap();
    let mut env2 = env.clone();
    env2.signature = forged.signature.clone();
    let err = refused(&mut s, &serde_json::to_string(&env2).unwrap());
    assert!(matches!(err, FeedError::Modified(_)), "{err}");
    // Signed by another key and saying so.
    let err = refused(&mut s, &serde_json::to_string(&forged).unwrap());
    assert!(matches!(err, FeedError::BadSignature(ref m) if m.contains("trusted with key")), "{err}");
}

#[test]
fn a_modified_payload_is_refused() {
    let mut s = setup("modified");
    let signed = sign_feed(&s.secret, payload(1, "2027-01-31T00:00:00Z").as_bytes()).unwrap();
    let mut env: Envelope = serde_json::from_str(&signed).unwrap();
    let tampered = env.payload.replace("\"rating\": 0.47", "\"rating\": 0.97");
    assert_ne!(tampered, env.payload);
    env.payload = tampered;
    let err = refused(&mut s, &serde_json::to_string(&env).unwrap());
    assert!(matches!(err, FeedError::Modified(_)), "{err}");
    assert!(err.to_string().contains("modified payload"), "{err}");
    // Tampering that also breaks a range is still reported as tampering, not as a bad value.
    let mut env: Envelope = serde_json::from_str(&signed).unwrap();
    env.payload = env.payload.replace("\"rating\": 0.82", "\"rating\": 1.82");
    let err = refused(&mut s, &serde_json::to_string(&env).unwrap());
    assert!(matches!(err, FeedError::Modified(_)), "{err}");
}

#[test]
fn an_unknown_issuer_is_refused() {
    let mut s = setup("issuer");
    let text = payload(1, "2027-01-31T00:00:00Z").replace("certbody", "someone-else");
    let signed = sign_feed(&s.secret, text.as_bytes()).unwrap();
    let err = refused(&mut s, &signed);
    assert!(matches!(err, FeedError::UnknownIssuer(ref i) if i == "someone-else"), "{err}");
}

#[test]
fn an_expired_feed_is_refused() {
    let mut s = setup("expired");
    let signed = sign_feed(&s.secret, payload(1, "2026-11-30T12:00:00Z").as_bytes()).unwrap();
    let err = refused(&mut s, &signed);
    assert!(matches!(err, FeedError::Expired { .. }), "{err}");
}

#[test]
fn malformed_envelopes_and_payloads_are_refused() {
    let mut s = setup("malformed");
    let err = refused(&mut s, "not json");
    assert!(matches!(err, FeedError::Malformed(_)), "{err}");
    let bad = payload(1, "2027-01-31T00:00:00Z").replace("0.82", "1.82");
    assert!(matches!(sign_feed(&s.secret, bad.as_bytes()), Err(FeedError::Malformed(ref m)) if m.contains("0–1")));
    assert!(matches!(sign_feed("short", payload(1, "2027-01-31T00:00:00Z").as_bytes()), Err(FeedError::Key(_))));
}

#[test]
fn key_pairs_are_written_with_a_private_secret() {
    let s = setup("keys");
    let dir = s._dir.0.join("keys");
    let (key, public_path, public) = write_key_pair(&dir).unwrap();
    assert_eq!(std::fs::read_to_string(&public_path).unwrap().trim(), public);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
    }
    // Never overwrites an existing key.
    assert!(matches!(write_key_pair(&dir), Err(FeedError::Key(_))));
    let secret = std::fs::read_to_string(&key).unwrap();
    let signed = sign_feed(secret.trim(), payload(1, "2027-01-31T00:00:00Z").as_bytes()).unwrap();
    let env: Envelope = serde_json::from_str(&signed).unwrap();
    assert_eq!(env.key_id, key_id(&parse_public_key(&public).unwrap()));
}

#[test]
fn a_feed_issued_in_the_future_is_refused_beyond_the_clock_skew() {
    let mut s = setup("future");
    let future = payload(1, "2031-01-31T00:00:00Z").replace("2026-11-30T00:00:00Z", "2030-01-01T00:00:00Z");
    let signed = sign_feed(&s.secret, future.as_bytes()).unwrap();
    let err = refused(&mut s, &signed);
    assert!(matches!(err, FeedError::NotYetIssued { .. }), "{err}");
    assert!(err.to_string().contains("feed from the future: issued at 2030-01-01"), "{err}");
    // Five minutes ahead of our clock is within the skew: accepted.
    let soon = payload(1, "2027-01-31T00:00:00Z").replace("2026-11-30T00:00:00Z", "2026-12-01T00:05:00Z");
    let signed = sign_feed(&s.secret, soon.as_bytes()).unwrap();
    import_feed(&mut s.db, &signed, now()).unwrap();
}

#[test]
fn a_feed_over_the_size_limit_is_refused() {
    let mut s = setup("large");
    let big = format!("{}{}", payload(1, "2027-01-31T00:00:00Z"), " ".repeat(MAX_FEED_BYTES));
    assert!(matches!(sign_feed(&s.secret, big.as_bytes()), Err(FeedError::TooLarge { .. })));
    let signed = sign_feed(&s.secret, payload(1, "2027-01-31T00:00:00Z").as_bytes()).unwrap();
    let padded = format!("{signed}{}", " ".repeat(MAX_FEED_BYTES));
    let err = refused(&mut s, &padded);
    assert!(matches!(err, FeedError::TooLarge { .. }), "{err}");
    assert!(err.to_string().contains("at most 1048576 bytes"), "{err}");
}

#[test]
fn an_envelope_with_a_duplicated_key_is_refused() {
    let mut s = setup("dupkey");
    let signed = sign_feed(&s.secret, payload(1, "2027-01-31T00:00:00Z").as_bytes()).unwrap();
    let twice = signed.replacen("\"format\"", "\"format\": \"rota-signed-feed/1\", \"format\"", 1);
    let err = refused(&mut s, &twice);
    assert!(err.to_string().contains("\"format\" appears twice"), "{err}");
}

/// Fuzzing the feed verifier (`docs/hardening.md`): mutated payloads are parsed and checked, and
/// — when they parse — signed and verified; signed envelopes are mutated and verified. No input
/// panics, and a mutated envelope is never accepted with a payload other than the one signed.
#[test]
fn fuzzed_feeds_never_panic_and_never_verify_a_changed_payload() {
    let s = setup("fuzz");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fuzz-corpus/feeds");
    let payloads: Vec<Vec<u8>> = rota_solver::fuzz::seed_files(&root).into_iter().map(|(_, b)| b).collect();
    let cases = rota_solver::fuzz::cases(rota_solver::fuzz::DEFAULT_CASES);
    let mut verified = 0usize;
    rota_solver::fuzz::run("feed-payload", &payloads, cases, |bytes| {
        if parse_feed(bytes).is_ok()
            && let Ok(envelope) = sign_feed(&s.secret, bytes)
            && verify(&s.db, &envelope, now()).is_ok()
        {
            verified += 1;
        }
    });
    let good = payload(7, "2027-01-31T00:00:00Z");
    let signed = sign_feed(&s.secret, good.as_bytes()).unwrap();
    let envelopes = vec![signed.clone().into_bytes()];
    rota_solver::fuzz::run("feed-envelope", &envelopes, cases, |bytes| {
        let Ok(text) = std::str::from_utf8(bytes) else { return };
        if let Ok((feed, _)) = verify(&s.db, text, now()) {
            // Whatever else changed (whitespace, key order), the verified payload is the signed one.
            assert_eq!(feed, parse_feed(good.as_bytes()).unwrap(), "a mutated envelope verified another payload");
        }
    });
    eprintln!("fuzz feeds: {verified} mutated payloads signed and verified");
}

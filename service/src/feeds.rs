//! Signed rating feeds from the certifying body (`docs/ratings.md`, "Signed feeds").
//!
//! * The **payload** is a `rota-ratings-feed/1` JSON document: issuer, sequence number,
//!   issued-at, valid-until and a rating per provider.
//! * The **envelope** (`rota-signed-feed/1`) carries the payload's exact text as a JSON string,
//!   the key id and an Ed25519 signature (base64) over exactly the payload's UTF-8 bytes.
//!   Nothing is canonicalized: what was signed is what is checked, byte for byte (JSON string
//!   escaping round-trips exactly), and a single changed byte of the payload fails
//!   verification. The payload stays readable in the signed file.
//! * Import verifies in this order and refuses, leaving the database untouched: an unsigned
//!   feed, an unreadable envelope or payload JSON, an unknown issuer, a bad signature (wrong key
//!   id or a signature that does not match the payload), values out of range, an expired feed,
//!   a replayed or older sequence number.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chrono::{DateTime, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use rota_store::db::Db;
use rota_store::db::ratings::{FeedRating, FeedRefusal, VerifiedFeed};
use serde::{Deserialize, Serialize};

pub const FEED_FORMAT: &str = "rota-ratings-feed/1";
pub const ENVELOPE_FORMAT: &str = "rota-signed-feed/1";
/// Largest signed feed accepted, bytes (1 MiB: some 8,000 rated providers; the sample's is 1 KB).
pub const MAX_FEED_BYTES: usize = 1 << 20;
/// How far in the future `issued_at` may be, for clocks that disagree a little.
pub const MAX_CLOCK_SKEW: chrono::TimeDelta = chrono::TimeDelta::minutes(10);
/// Longest validity accepted: `valid_until` at most this long after `issued_at`.
pub const MAX_VALIDITY_DAYS: i64 = 3 * 366;
/// Largest `visits` count of a rating.
pub const MAX_RATED_VISITS: i64 = 100_000_000;

/// The payload: what the certifying body vouches for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Feed {
    pub format: String,
    pub issuer: String,
    pub sequence: i64,
    pub issued_at: DateTime<Utc>,
    pub valid_until: DateTime<Utc>,
    pub ratings: Vec<FeedEntry>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedEntry {
    pub provider: String,
    /// 0–1.
    pub rating: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visits: Option<i64>,
}

/// The signed envelope.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    pub format: String,
    /// Hex of the first 8 bytes of the signer's public key.
    pub key_id: String,
    /// The payload's exact text (a `rota-ratings-feed/1` document).
    pub payload: String,
    /// Base64 of the 64-byte Ed25519 signature over the payload's UTF-8 bytes.
    pub signature: String,
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FeedError {
    #[error("unsigned feed: {0}; sign it with `rota ratings sign --key SECRET FEED -o SIGNED`")]
    Unsigned(String),
    #[error("not a readable feed: {0}")]
    Malformed(String),
    #[error("unknown issuer {0:?}: no trusted public key (add one with `rota ratings trust --issuer NAME KEY`)")]
    UnknownIssuer(String),
    #[error("bad signature: {0}")]
    BadSignature(String),
    #[error(
        "modified payload: the signature does not match the payload bytes (changed after signing, or signed by another key than issuer {0:?}'s trusted one)"
    )]
    Modified(String),
    #[error("expired feed: valid until {valid_until}, now {now}")]
    Expired { valid_until: DateTime<Utc>, now: DateTime<Utc> },
    #[error(
        "feed from the future: issued at {issued_at}, but it is now {now} (more than {} minutes of clock skew); a feed may be imported once it is issued",
        MAX_CLOCK_SKEW.num_minutes()
    )]
    NotYetIssued { issued_at: DateTime<Utc>, now: DateTime<Utc> },
    #[error("feed too large: {size} bytes, at most {MAX_FEED_BYTES} bytes are accepted")]
    TooLarge { size: usize },
    #[error("replayed or older feed: issuer {issuer:?} sequence {sequence}, but sequence {latest} is already imported")]
    Replay { issuer: String, sequence: i64, latest: i64 },
    #[error("key: {0}")]
    Key(String),
    #[error(transparent)]
    Store(#[from] rota_store::db::StoreError),
}

impl FeedError {
    /// Every refusal is the input's fault; only store failures are the machine's.
    pub fn is_bad_input(&self) -> bool {
        match self {
            FeedError::Store(e) => e.is_bad_input(),
            _ => true,
        }
    }
}

/// An issuer's public key.
pub type PublicKey = VerifyingKey;

/// Base64 of a public key, as `issuer.pub` and the trusted-issuer table hold it.
pub fn encode_public_key(key: &PublicKey) -> String {
    B64.encode(key.as_bytes())
}

/// Key id: hex of the first 8 bytes of a public key.
pub fn key_id(key: &VerifyingKey) -> String {
    key.as_bytes()[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// A new key pair: (secret seed in base64, public key in base64).
pub fn generate_key() -> Result<(String, String), FeedError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| FeedError::Key(format!("no randomness from the system: {e}")))?;
    let key = SigningKey::from_bytes(&seed);
    Ok((B64.encode(seed), B64.encode(key.verifying_key().as_bytes())))
}

fn decode_32(text: &str, what: &str) -> Result<[u8; 32], FeedError> {
    let bytes = B64.decode(text.trim()).map_err(|e| FeedError::Key(format!("{what} is not base64: {e}")))?;
    <[u8; 32]>::try_from(bytes.as_slice())
        .map_err(|_| FeedError::Key(format!("{what} must be 32 bytes, got {}", bytes.len())))
}

/// Parses a base64 public key.
pub fn parse_public_key(text: &str) -> Result<VerifyingKey, FeedError> {
    VerifyingKey::from_bytes(&decode_32(text, "the public key")?)
        .map_err(|e| FeedError::Key(format!("not an Ed25519 public key: {e}")))
}

/// Reads and checks a payload (the unsigned feed).
pub fn parse_feed(bytes: &[u8]) -> Result<Feed, FeedError> {
    let feed = read_feed(bytes)?;
    check_feed(&feed)?;
    Ok(feed)
}

/// Reads a payload's JSON without judging its values (done after the signature is verified,
/// so a tampered value is reported as tampering).
fn read_feed(bytes: &[u8]) -> Result<Feed, FeedError> {
    serde_json::from_slice(bytes).map_err(|e| FeedError::Malformed(format!("payload: {e}")))
}

/// The payload's values: format, sequence, dates, ratings in range, no provider twice.
fn check_feed(feed: &Feed) -> Result<(), FeedError> {
    let mut bad = Vec::new();
    if feed.format != FEED_FORMAT {
        bad.push(format!("format is {:?}, expected {FEED_FORMAT:?}", feed.format));
    }
    if feed.issuer.trim().is_empty() {
        bad.push("issuer is empty".to_string());
    }
    if feed.sequence < 1 {
        bad.push(format!("sequence must be ≥ 1, got {}", feed.sequence));
    }
    if feed.valid_until <= feed.issued_at {
        bad.push("valid_until must be after issued_at".to_string());
    } else if feed.valid_until - feed.issued_at > chrono::TimeDelta::days(MAX_VALIDITY_DAYS) {
        bad.push(format!("valid_until may be at most {MAX_VALIDITY_DAYS} days after issued_at"));
    }
    let mut seen = std::collections::BTreeSet::new();
    for (i, r) in feed.ratings.iter().enumerate() {
        let ok = |x: f64| x.is_finite() && (0.0..=1.0).contains(&x);
        if !ok(r.rating) {
            bad.push(format!("ratings[{i}] ({}): rating must be in 0–1, got {}", r.provider, r.rating));
        }
        if r.low.is_some_and(|l| !ok(l) || l > r.rating) || r.high.is_some_and(|h| !ok(h) || h < r.rating) {
            bad.push(format!("ratings[{i}] ({}): needs 0 ≤ low ≤ rating ≤ high ≤ 1", r.provider));
        }
        if r.visits.is_some_and(|v| !(0..=MAX_RATED_VISITS).contains(&v)) {
            bad.push(format!("ratings[{i}] ({}): visits must be 0–{MAX_RATED_VISITS}", r.provider));
        }
        if r.provider.trim().is_empty() {
            bad.push(format!("ratings[{i}]: provider is empty"));
        }
        if !seen.insert(r.provider.as_str()) {
            bad.push(format!("ratings[{i}]: provider {:?} listed twice", r.provider));
        }
    }
    if bad.is_empty() { Ok(()) } else { Err(FeedError::Malformed(bad.join("; "))) }
}

/// Signs an unsigned feed's exact bytes with a base64 secret seed; returns the envelope JSON.
pub fn sign_feed(secret_b64: &str, unsigned: &[u8]) -> Result<String, FeedError> {
    if unsigned.len() > MAX_FEED_BYTES {
        return Err(FeedError::TooLarge { size: unsigned.len() });
    }
    let text = std::str::from_utf8(unsigned).map_err(|e| FeedError::Malformed(format!("payload is not UTF-8: {e}")))?;
    parse_feed(unsigned)?;
    let key = SigningKey::from_bytes(&decode_32(secret_b64, "the secret key")?);
    let signature = key.sign(unsigned);
    let envelope = Envelope {
        format: ENVELOPE_FORMAT.to_string(),
        key_id: key_id(&key.verifying_key()),
        payload: text.to_string(),
        signature: B64.encode(signature.to_bytes()),
    };
    let mut text = serde_json::to_string_pretty(&envelope).map_err(|e| FeedError::Malformed(e.to_string()))?;
    text.push('\n');
    Ok(text)
}

/// Verifies an envelope against the database's trusted issuers and `now`; on success the
/// feed, ready to store. Reads only.
pub fn verify(db: &Db, envelope_text: &str, now: DateTime<Utc>) -> Result<(Feed, VerifiedFeed), FeedError> {
    if envelope_text.len() > MAX_FEED_BYTES {
        return Err(FeedError::TooLarge { size: envelope_text.len() });
    }
    let value: serde_json::Value =
        serde_json::from_str(envelope_text).map_err(|e| FeedError::Malformed(format!("not JSON: {e}")))?;
    if let Some(key) = rota_solver::format::first_duplicate_key(envelope_text) {
        return Err(FeedError::Malformed(format!("envelope: key {key:?} appears twice (JSON keys must be unique)")));
    }
    if value.get("format").and_then(|f| f.as_str()) == Some(FEED_FORMAT) {
        return Err(FeedError::Unsigned("this is a bare rota-ratings-feed/1 payload, not a signed envelope".into()));
    }
    if value.get("signature").is_none_or(|s| s.as_str().is_none_or(|s| s.trim().is_empty())) {
        return Err(FeedError::Unsigned("the envelope has no signature".into()));
    }
    let env: Envelope = serde_json::from_value(value).map_err(|e| FeedError::Malformed(format!("envelope: {e}")))?;
    if env.format != ENVELOPE_FORMAT {
        return Err(FeedError::Malformed(format!("envelope format is {:?}, expected {ENVELOPE_FORMAT:?}", env.format)));
    }
    let payload = env.payload.as_bytes();
    let feed = read_feed(payload)?;
    let issuer = db.trusted_issuer(&feed.issuer)?.ok_or_else(|| FeedError::UnknownIssuer(feed.issuer.clone()))?;
    let key = parse_public_key(&issuer.public_key)?;
    if env.key_id != key_id(&key) {
        return Err(FeedError::BadSignature(format!(
            "signed with key {}, but issuer {:?} is trusted with key {}",
            env.key_id,
            feed.issuer,
            key_id(&key)
        )));
    }
    let sig_bytes = B64
        .decode(env.signature.trim())
        .map_err(|e| FeedError::BadSignature(format!("the signature is not base64: {e}")))?;
    let sig = Signature::from_slice(&sig_bytes).map_err(|_| {
        FeedError::BadSignature(format!("an Ed25519 signature has 64 bytes, this one {}", sig_bytes.len()))
    })?;
    key.verify(payload, &sig).map_err(|_| FeedError::Modified(feed.issuer.clone()))?;
    check_feed(&feed)?;
    if feed.valid_until < now {
        return Err(FeedError::Expired { valid_until: feed.valid_until, now });
    }
    if feed.issued_at > now + MAX_CLOCK_SKEW {
        return Err(FeedError::NotYetIssued { issued_at: feed.issued_at, now });
    }
    if let Some(latest) = db.latest_feed_sequence(&feed.issuer)?.filter(|&l| feed.sequence <= l) {
        return Err(FeedError::Replay { issuer: feed.issuer.clone(), sequence: feed.sequence, latest });
    }
    let verified = VerifiedFeed {
        issuer: feed.issuer.clone(),
        sequence: feed.sequence,
        issued_at: feed.issued_at.to_rfc3339(),
        valid_until: feed.valid_until.to_rfc3339(),
        ratings: feed
            .ratings
            .iter()
            .map(|r| FeedRating {
                provider: r.provider.clone(),
                rating: r.rating,
                low: r.low,
                high: r.high,
                visits: r.visits,
            })
            .collect(),
        envelope: envelope_text.to_string(),
    };
    Ok((feed, verified))
}

/// What an import did.
#[derive(Clone, Debug, PartialEq)]
pub struct FeedImport {
    pub issuer: String,
    pub sequence: i64,
    pub providers: usize,
    /// Rated providers the master data does not know (stored, but used by nothing).
    pub unknown_providers: Vec<String>,
}

/// Verifies and stores a signed feed: everything or nothing.
pub fn import_feed(db: &mut Db, envelope_text: &str, now: DateTime<Utc>) -> Result<FeedImport, FeedError> {
    let (feed, verified) = verify(db, envelope_text, now)?;
    let known: Vec<String> = db.problem()?.map(|p| p.providers.into_iter().map(|p| p.id).collect()).unwrap_or_default();
    db.import_rating_feed(&verified, &now.to_rfc3339()).map_err(|e| match e {
        FeedRefusal::UnknownIssuer(i) => FeedError::UnknownIssuer(i),
        FeedRefusal::Replay { issuer, sequence, latest } => FeedError::Replay { issuer, sequence, latest },
        FeedRefusal::Store(s) => FeedError::Store(s),
        other => FeedError::Malformed(other.to_string()),
    })?;
    Ok(FeedImport {
        issuer: feed.issuer,
        sequence: feed.sequence,
        providers: feed.ratings.len(),
        unknown_providers: feed.ratings.into_iter().map(|r| r.provider).filter(|p| !known.contains(p)).collect(),
    })
}

/// Writes a new key pair into `dir`: `issuer.key` (secret, mode 0600) and `issuer.pub`.
pub fn write_key_pair(dir: &Path) -> Result<(std::path::PathBuf, std::path::PathBuf, String), FeedError> {
    use std::io::Write;
    let io = |p: &Path, e: std::io::Error| FeedError::Key(format!("{}: {e}", p.display()));
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let (secret, public) = generate_key()?;
    let key_path = dir.join("issuer.key");
    let pub_path = dir.join("issuer.pub");
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(&key_path).map_err(|e| io(&key_path, e))?;
    f.write_all(format!("{secret}\n").as_bytes()).and_then(|()| f.sync_all()).map_err(|e| io(&key_path, e))?;
    std::fs::write(&pub_path, format!("{public}\n")).map_err(|e| io(&pub_path, e))?;
    Ok((key_path, pub_path, public))
}

#[cfg(test)]
mod tests;

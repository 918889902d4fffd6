//! Provider performance and ratings in the store (`docs/ratings.md`, `docs/store.md`):
//! performance records (CSV import), trusted rating-feed issuers, imported feeds with their
//! ratings, and the provider ratings computed from them.
//!
//! Feed verification (signatures, expiry, replay) is the service's job; the store's
//! [`Db::import_rating_feed`] re-checks the replay rule inside its write transaction, so two
//! importers racing cannot both land the same sequence number.

use std::path::Path;

use super::backend::{Sql, args};
use chrono::NaiveDate;
use rota_solver::ratings::PerformanceRecord;

use super::{Db, StoreError};

/// Version 3 of the schema: performance records, trusted issuers, rating feeds and ratings.
pub const MIGRATION: &str = r#"
CREATE TABLE performance_records (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    provider_id    TEXT NOT NULL,
    technician_id  TEXT NOT NULL,
    region_id      TEXT NOT NULL,
    skill_id       TEXT NOT NULL,
    on_time        INTEGER NOT NULL CHECK (on_time IN (0, 1)),
    first_time_fix INTEGER NOT NULL CHECK (first_time_fix IN (0, 1)),
    score          INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    completed_on   TEXT NOT NULL
) STRICT;
CREATE INDEX performance_by_provider ON performance_records (provider_id, completed_on);

-- Public keys (Ed25519, base64) of the certifying bodies whose feeds are accepted.
CREATE TABLE trusted_issuers (
    name       TEXT PRIMARY KEY,
    public_key TEXT NOT NULL,
    added_at   TEXT NOT NULL
) STRICT;

-- Imported feeds: the exact signed envelope is kept for audit.
CREATE TABLE rating_feeds (
    issuer      TEXT NOT NULL REFERENCES trusted_issuers(name),
    sequence    INTEGER NOT NULL,
    issued_at   TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    envelope    TEXT NOT NULL,
    PRIMARY KEY (issuer, sequence)
) STRICT;

CREATE TABLE feed_ratings (
    issuer      TEXT NOT NULL,
    sequence    INTEGER NOT NULL,
    provider_id TEXT NOT NULL,
    rating      REAL NOT NULL,
    low         REAL,
    high        REAL,
    visits      INTEGER,
    PRIMARY KEY (issuer, sequence, provider_id),
    FOREIGN KEY (issuer, sequence) REFERENCES rating_feeds(issuer, sequence) ON DELETE CASCADE
) STRICT;
"#;

/// A trusted issuer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustedIssuer {
    pub name: String,
    /// Base64 of the 32-byte Ed25519 public key.
    pub public_key: String,
    pub added_at: String,
}

/// One provider's rating in a feed.
#[derive(Clone, Debug, PartialEq)]
pub struct FeedRating {
    pub provider: String,
    pub rating: f64,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub visits: Option<i64>,
}

/// A verified feed, ready to be stored.
#[derive(Clone, Debug, PartialEq)]
pub struct VerifiedFeed {
    pub issuer: String,
    pub sequence: i64,
    pub issued_at: String,
    pub valid_until: String,
    pub ratings: Vec<FeedRating>,
    /// The signed envelope, byte for byte.
    pub envelope: String,
}

/// A stored feed (without its ratings).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedInfo {
    pub issuer: String,
    pub sequence: i64,
    pub issued_at: String,
    pub valid_until: String,
    pub imported_at: String,
    pub providers: i64,
}

/// Why the store refused a feed (after the service verified its signature).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FeedRefusal {
    #[error("unknown issuer {0:?}: trust its public key first (`rota ratings trust --issuer NAME KEY`)")]
    UnknownIssuer(String),
    #[error("replayed or older feed: issuer {issuer:?} sequence {sequence}, but sequence {latest} is already imported")]
    Replay { issuer: String, sequence: i64, latest: i64 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Db {
    /// Adds (or replaces the key of) a trusted issuer.
    pub fn trust_issuer(&mut self, name: &str, public_key: &str, now: &str) -> Result<(), StoreError> {
        let err = self.db_err();
        self.write(|tx| {
            tx.execute(
                "INSERT INTO trusted_issuers (name, public_key, added_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT(name) DO UPDATE SET public_key = excluded.public_key, added_at = excluded.added_at",
                args![name, public_key, now],
            )
            .map_err(err)?;
            Ok(())
        })
    }

    pub fn trusted_issuer(&self, name: &str) -> Result<Option<TrustedIssuer>, StoreError> {
        self.sql()
            .query_opt("SELECT name, public_key, added_at FROM trusted_issuers WHERE name = ?1", args![name])
            .and_then(|r| {
                r.map(|r| Ok(TrustedIssuer { name: r.get(0)?, public_key: r.get(1)?, added_at: r.get(2)? })).transpose()
            })
            .map_err(self.db_err())
    }

    pub fn trusted_issuers(&self) -> Result<Vec<TrustedIssuer>, StoreError> {
        self.sql()
            .query("SELECT name, public_key, added_at FROM trusted_issuers ORDER BY name", args![])
            .and_then(|rows| {
                rows.iter()
                    .map(|r| Ok(TrustedIssuer { name: r.get(0)?, public_key: r.get(1)?, added_at: r.get(2)? }))
                    .collect()
            })
            .map_err(self.db_err())
    }

    /// The highest imported sequence number of an issuer.
    pub fn latest_feed_sequence(&self, issuer: &str) -> Result<Option<i64>, StoreError> {
        self.sql()
            .query_one("SELECT MAX(sequence) FROM rating_feeds WHERE issuer = ?1", args![issuer])
            .and_then(|r| r.get(0))
            .map_err(self.db_err())
    }

    /// Stores a verified feed in one transaction, refusing an unknown issuer or a sequence
    /// number not above every imported one (checked again under the write lock).
    pub fn import_rating_feed(&mut self, feed: &VerifiedFeed, now: &str) -> Result<(), FeedRefusal> {
        let err = self.db_err();
        let sql = move |source| FeedRefusal::Store(err(source));
        let tx = self.begin(super::Lock::Write)?;
        let known: Option<String> = tx
            .query_opt("SELECT name FROM trusted_issuers WHERE name = ?1", args![feed.issuer])
            .and_then(|r| r.map(|r| r.get(0)).transpose())
            .map_err(&sql)?;
        if known.is_none() {
            return Err(FeedRefusal::UnknownIssuer(feed.issuer.clone()));
        }
        let latest: Option<i64> = tx
            .query_one("SELECT MAX(sequence) FROM rating_feeds WHERE issuer = ?1", args![feed.issuer])
            .and_then(|r| r.get(0))
            .map_err(&sql)?;
        if let Some(latest) = latest.filter(|&l| feed.sequence <= l) {
            return Err(FeedRefusal::Replay { issuer: feed.issuer.clone(), sequence: feed.sequence, latest });
        }
        tx.execute(
            "INSERT INTO rating_feeds (issuer, sequence, issued_at, valid_until, imported_at, envelope)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            args![feed.issuer, feed.sequence, feed.issued_at, feed.valid_until, now, feed.envelope],
        )
        .map_err(&sql)?;
        for r in &feed.ratings {
            tx.execute(
                "INSERT INTO feed_ratings (issuer, sequence, provider_id, rating, low, high, visits)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                args![feed.issuer, feed.sequence, r.provider, r.rating, r.low, r.high, r.visits],
            )
            .map_err(&sql)?;
        }
        tx.execute("UPDATE head SET revision = revision + 1 WHERE id = 1", args![]).map_err(&sql)?;
        tx.commit().map_err(&sql)?;
        Ok(())
    }

    /// Every imported feed, newest first.
    pub fn rating_feeds(&self) -> Result<Vec<FeedInfo>, StoreError> {
        self.sql()
            .query(
                "SELECT f.issuer, f.sequence, f.issued_at, f.valid_until, f.imported_at,
                        (SELECT COUNT(*) FROM feed_ratings r WHERE r.issuer = f.issuer AND r.sequence = f.sequence)
                 FROM rating_feeds f ORDER BY f.imported_at DESC, f.issuer, f.sequence DESC",
                args![],
            )
            .and_then(|rows| {
                rows.iter()
                    .map(|r| {
                        Ok(FeedInfo {
                            issuer: r.get(0)?,
                            sequence: r.get(1)?,
                            issued_at: r.get(2)?,
                            valid_until: r.get(3)?,
                            imported_at: r.get(4)?,
                            providers: r.get(5)?,
                        })
                    })
                    .collect()
            })
            .map_err(self.db_err())
    }

    /// The ratings of each issuer's newest feed, with the feed's `valid_until`, by provider.
    pub fn current_feed_ratings(&self) -> Result<Vec<(FeedInfo, FeedRating)>, StoreError> {
        let feeds = self.rating_feeds()?;
        let mut out = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        let mut newest: Vec<&FeedInfo> = feeds.iter().collect();
        newest.sort_by(|a, b| a.issuer.cmp(&b.issuer).then(b.sequence.cmp(&a.sequence)));
        for f in newest.into_iter().filter(|f| seen.insert(f.issuer.clone())) {
            let rows: Vec<FeedRating> = self
                .sql()
                .query(
                    "SELECT provider_id, rating, low, high, visits FROM feed_ratings
                     WHERE issuer = ?1 AND sequence = ?2 ORDER BY provider_id",
                    args![f.issuer, f.sequence],
                )
                .and_then(|rows| {
                    rows.iter()
                        .map(|r| {
                            Ok(FeedRating {
                                provider: r.get(0)?,
                                rating: r.get(1)?,
                                low: r.get(2)?,
                                high: r.get(3)?,
                                visits: r.get(4)?,
                            })
                        })
                        .collect()
                })
                .map_err(self.db_err())?;
            out.extend(rows.into_iter().map(|r| (f.clone(), r)));
        }
        Ok(out)
    }

    /// Every performance record, oldest first.
    pub fn performance_records(&self) -> Result<Vec<PerformanceRecord>, StoreError> {
        /// provider, technician, region, skill, on_time, first_time_fix, score, completed_on.
        type Row = (String, String, String, String, i64, i64, i64, String);
        let path = self.path().to_path_buf();
        let rows: Vec<Row> = self
            .sql()
            .query(
                "SELECT provider_id, technician_id, region_id, skill_id, on_time, first_time_fix, score, completed_on
                 FROM performance_records ORDER BY completed_on, id",
                args![],
            )
            .and_then(|rows| {
                rows.iter()
                    .map(|r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
                    })
                    .collect()
            })
            .map_err(self.db_err())?;
        rows.into_iter()
            .map(|(provider, technician, region, skill, on_time, ftf, score, completed)| {
                let completed = completed.parse::<NaiveDate>().map_err(|_| StoreError::Corrupt {
                    path: path.clone(),
                    message: format!("performance_records.completed_on {completed:?} is not a date"),
                })?;
                Ok(PerformanceRecord {
                    provider,
                    technician,
                    region,
                    skill,
                    on_time: on_time != 0,
                    first_time_fix: ftf != 0,
                    score: score.clamp(1, 5) as u8,
                    completed,
                })
            })
            .collect()
    }

    /// Adds performance records in one transaction.
    pub fn add_performance_records(&mut self, records: &[PerformanceRecord]) -> Result<usize, StoreError> {
        let err = self.db_err();
        self.write(|tx| {
            for r in records {
                tx.execute(
                    "INSERT INTO performance_records
                     (provider_id, technician_id, region_id, skill_id, on_time, first_time_fix, score, completed_on)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    args![
                        r.provider,
                        r.technician,
                        r.region,
                        r.skill,
                        i64::from(r.on_time),
                        i64::from(r.first_time_fix),
                        i64::from(r.score),
                        r.completed.to_string()
                    ],
                )
                .map_err(&err)?;
            }
            Ok(records.len())
        })
    }

    /// Imports a performance CSV (`docs/csv.md`): every bad row is named with its line number
    /// and column, and then nothing is imported. Providers, technicians, regions and skills
    /// must exist in the master data.
    pub fn import_performance_csv(&mut self, path: &Path, text: &str) -> Result<usize, StoreError> {
        let problem = self.problem()?.ok_or_else(|| StoreError::Empty { path: self.path().to_path_buf() })?;
        let known = crate::performance_csv::Known::of(&problem);
        let records = crate::performance_csv::parse(path, text, &known)
            .map_err(|diagnostics| StoreError::Invalid { path: path.to_path_buf(), diagnostics })?;
        self.add_performance_records(&records)
    }
}

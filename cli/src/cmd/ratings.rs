//! `rota ratings`: key pairs, signing and importing certified rating feeds, and the stored
//! ratings (`docs/ratings.md`).

use std::path::PathBuf;

use anyhow::Context;
use chrono::Utc;
use rota_service::feeds::{self, FeedError};
use rota_store::db::Db;

use crate::cmd::init::store_failure;
use crate::failure::{Failure, Outcome};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Make an Ed25519 key pair: DIR/issuer.key (secret, mode 0600) and DIR/issuer.pub.
    Keygen {
        #[arg(short = 'o', long = "out")]
        dir: PathBuf,
    },
    /// Sign an unsigned rota-ratings-feed/1 file (the certifying body's side).
    Sign {
        /// The secret key file (issuer.key).
        #[arg(long)]
        key: PathBuf,
        /// The unsigned feed.
        unsigned: PathBuf,
        /// Where to write the signed feed.
        #[arg(short = 'o', long = "out")]
        out: PathBuf,
    },
    /// Trust an issuer's public key (a .pub file or the base64 key itself).
    Trust {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        issuer: String,
        public_key: String,
    },
    /// Verify and import a signed feed; refused feeds change nothing.
    Import {
        #[arg(long)]
        db: PathBuf,
        feed: PathBuf,
    },
    /// Trusted issuers, imported feeds and the current ratings.
    Show {
        #[arg(long)]
        db: PathBuf,
    },
}

fn feed_failure(path: &std::path::Path, e: FeedError) -> Failure {
    let code = if e.is_bad_input() { 2 } else { 1 };
    Failure { code, error: anyhow::anyhow!("{}: {e}", path.display()) }
}

/// Reads a text file strictly as UTF-8 (a byte-order mark is dropped), naming the line and
/// byte offset of a byte that is not UTF-8.
fn read(path: &std::path::Path) -> Result<String, Failure> {
    rota_store::files::read_text(path).map_err(|e| Failure { code: 2, error: e.into() })
}

pub fn run(Args { command }: Args) -> Outcome {
    match command {
        Command::Keygen { dir } => {
            let (key, public_path, public) = feeds::write_key_pair(&dir).map_err(|e| feed_failure(&dir, e))?;
            println!("secret key: {} (keep it private)", key.display());
            println!("public key: {} ({public})", public_path.display());
        }
        Command::Sign { key, unsigned, out } => {
            let secret = read(&key)?;
            let payload = std::fs::read(&unsigned)
                .with_context(|| format!("{}: cannot read", unsigned.display()))
                .map_err(|error| Failure { code: 2, error })?;
            let signed = feeds::sign_feed(secret.trim(), &payload).map_err(|e| feed_failure(&unsigned, e))?;
            rota_store::files::write_atomic(&out, signed.as_bytes())?;
            println!("{}: signed feed written", out.display());
        }
        Command::Trust { db, issuer, public_key } => {
            let text = if std::path::Path::new(&public_key).is_file() {
                read(std::path::Path::new(&public_key))?
            } else {
                public_key.clone()
            };
            let key = feeds::parse_public_key(&text).map_err(|e| feed_failure(std::path::Path::new(&public_key), e))?;
            let mut store = Db::open(&db).map_err(store_failure)?;
            let encoded = base64_of(&key);
            store.trust_issuer(&issuer, &encoded, &Utc::now().to_rfc3339()).map_err(store_failure)?;
            println!("{}: issuer {issuer:?} trusted with key {}", db.display(), feeds::key_id(&key));
        }
        Command::Import { db, feed } => {
            let text = read(&feed)?;
            let mut store = Db::open(&db).map_err(store_failure)?;
            let done = feeds::import_feed(&mut store, &text, Utc::now()).map_err(|e| feed_failure(&feed, e))?;
            println!(
                "{}: imported feed {}#{} with {} provider rating(s)",
                db.display(),
                done.issuer,
                done.sequence,
                done.providers
            );
            if !done.unknown_providers.is_empty() {
                println!("  not in the master data (kept, unused): {}", done.unknown_providers.join(", "));
            }
        }
        Command::Show { db } => {
            let store = Db::open(&db).map_err(store_failure)?;
            let issuers = store.trusted_issuers().map_err(store_failure)?;
            println!("trusted issuers: {}", if issuers.is_empty() { "none" } else { "" });
            for i in issuers {
                let id = feeds::parse_public_key(&i.public_key).map(|k| feeds::key_id(&k)).unwrap_or_default();
                println!("  {} key {id} (since {})", i.name, i.added_at);
            }
            let imported = store.rating_feeds().map_err(store_failure)?;
            println!("imported feeds: {}", if imported.is_empty() { "none" } else { "" });
            for f in imported {
                println!(
                    "  {}#{} issued {} valid until {} ({} providers, imported {})",
                    f.issuer, f.sequence, f.issued_at, f.valid_until, f.providers, f.imported_at
                );
            }
            let records = store.performance_records().map_err(store_failure)?;
            println!("performance records: {}", records.len());
            let scores =
                rota_service::providers::provider_scores(&store, Utc::now().date_naive()).map_err(store_failure)?;
            println!("current ratings:");
            for (p, (s, high, source)) in scores {
                println!("  {p:<14} {:.3} ({:.3}–{high:.3}) from {source}", s.rating, s.low);
            }
        }
    }
    Ok(0)
}

fn base64_of(key: &rota_service::feeds::PublicKey) -> String {
    rota_service::feeds::encode_public_key(key)
}

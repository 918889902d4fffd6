//! The two database backends behind [`super::Db`]: an embedded SQLite file (one dispatcher, the
//! default) and a PostgreSQL server (a team). The store's code is written once against the small
//! interface here — `execute` and `query` with numbered parameters `?1 … ?N` — in SQL both
//! systems understand; only the schema ([`super::schema`], [`super::schema_pg`]) and the locking
//! differ.
//!
//! * SQLite: `BEGIN IMMEDIATE` takes the one write lock up front.
//! * PostgreSQL: every write transaction first locks the `head` row (`SELECT … FOR UPDATE`), so
//!   writers queue exactly as on SQLite and the revision check of a commit cannot race; readers
//!   that need one consistent view (a snapshot) use `REPEATABLE READ`.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use bytes::BytesMut;
use postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use r2d2_postgres::PostgresConnectionManager;
use r2d2_postgres::r2d2;

pub(crate) type PgManager = PostgresConnectionManager<postgres_native_tls::MakeTlsConnector>;
pub(crate) type PgPool = r2d2::Pool<PgManager>;
pub(crate) type PgConn = r2d2::PooledConnection<PgManager>;

/// A database error of either backend.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DbError {
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    #[error("{}", pg_message(.0))]
    Postgres(#[from] postgres::Error),
    #[error("cannot connect: {0}")]
    Pool(String),
    /// A stored value could not be read as what the store expects.
    #[error("{0}")]
    Decode(String),
}

fn pg_message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => match db.detail() {
            Some(detail) => format!("{} ({detail})", db.message()),
            None => db.message().to_string(),
        },
        None => e.to_string(),
    }
}

impl DbError {
    /// PostgreSQL refused a transaction because a concurrent one won (serialization failure or
    /// deadlock): the caller's work can be retried from the start.
    pub fn is_retryable(&self) -> bool {
        match self {
            DbError::Postgres(e) => e.code().is_some_and(|c| {
                *c == postgres::error::SqlState::T_R_SERIALIZATION_FAILURE
                    || *c == postgres::error::SqlState::T_R_DEADLOCK_DETECTED
            }),
            _ => false,
        }
    }
}

pub(crate) type DbResult<T> = Result<T, DbError>;

/// One value in or out of the database. Both schemas use only these: 64-bit integers (booleans are
/// 0/1), double precision, text and bytes.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// What can be a parameter.
pub trait ToValue {
    fn to_value(&self) -> Value;
}

macro_rules! int_to_value {
    ($($t:ty),*) => {$(
        impl ToValue for $t {
            fn to_value(&self) -> Value {
                Value::Int(*self as i64)
            }
        }
    )*};
}
int_to_value!(i64, i32, u32, u16, u8, usize);

impl ToValue for bool {
    fn to_value(&self) -> Value {
        Value::Int(i64::from(*self))
    }
}
impl ToValue for f64 {
    fn to_value(&self) -> Value {
        Value::Real(*self)
    }
}
impl ToValue for str {
    fn to_value(&self) -> Value {
        Value::Text(self.to_string())
    }
}
impl ToValue for String {
    fn to_value(&self) -> Value {
        Value::Text(self.clone())
    }
}
impl ToValue for [u8] {
    fn to_value(&self) -> Value {
        Value::Blob(self.to_vec())
    }
}
impl ToValue for Vec<u8> {
    fn to_value(&self) -> Value {
        Value::Blob(self.clone())
    }
}
impl<T: ToValue + ?Sized> ToValue for &T {
    fn to_value(&self) -> Value {
        (**self).to_value()
    }
}
impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::Null, ToValue::to_value)
    }
}

/// Parameters for [`Sql::execute`] and [`Sql::query`]: `args![a, b, c]`.
macro_rules! args {
    () => { &[] as &[$crate::db::backend::Value] };
    ($($x:expr),+ $(,)?) => { &[$($crate::db::backend::ToValue::to_value(&$x)),+] as &[$crate::db::backend::Value] };
}
pub(crate) use args;

/// What a column can be read as.
pub trait FromValue: Sized {
    fn from_value(v: &Value) -> Result<Self, String>;
}

impl FromValue for i64 {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Int(i) => Ok(*i),
            other => Err(format!("expected an integer, found {other:?}")),
        }
    }
}
macro_rules! int_from_value {
    ($($t:ty),*) => {$(
        impl FromValue for $t {
            fn from_value(v: &Value) -> Result<Self, String> {
                let i = i64::from_value(v)?;
                <$t>::try_from(i).map_err(|_| format!("integer {i} out of range"))
            }
        }
    )*};
}
int_from_value!(i32, u32, u16, u8, usize);

impl FromValue for bool {
    fn from_value(v: &Value) -> Result<Self, String> {
        Ok(i64::from_value(v)? != 0)
    }
}
impl FromValue for f64 {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Real(f) => Ok(*f),
            Value::Int(i) => Ok(*i as f64),
            other => Err(format!("expected a number, found {other:?}")),
        }
    }
}
impl FromValue for String {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Text(s) => Ok(s.clone()),
            other => Err(format!("expected text, found {other:?}")),
        }
    }
}
impl FromValue for Vec<u8> {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Blob(b) => Ok(b.clone()),
            Value::Text(s) => Ok(s.as_bytes().to_vec()),
            other => Err(format!("expected bytes, found {other:?}")),
        }
    }
}
impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Null => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
}

/// One result row.
#[derive(Clone, Debug)]
pub struct Row(Vec<Value>);

impl Row {
    pub fn get<T: FromValue>(&self, i: usize) -> DbResult<T> {
        let v = self.0.get(i).ok_or_else(|| DbError::Decode(format!("no column {i}")))?;
        T::from_value(v).map_err(|e| DbError::Decode(format!("column {i}: {e}")))
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn values(&self) -> &[Value] {
        &self.0
    }
}

/// Runs SQL: a connection outside a transaction, or a transaction.
pub trait Sql {
    /// Runs a statement; the number of rows it changed.
    fn execute(&self, sql: &str, params: &[Value]) -> DbResult<u64>;
    /// Every row of a query.
    fn query(&self, sql: &str, params: &[Value]) -> DbResult<Vec<Row>>;

    /// The first row, if any.
    fn query_opt(&self, sql: &str, params: &[Value]) -> DbResult<Option<Row>> {
        Ok(self.query(sql, params)?.into_iter().next())
    }
    /// Exactly one row (an error when there is none).
    fn query_one(&self, sql: &str, params: &[Value]) -> DbResult<Row> {
        self.query_opt(sql, params)?.ok_or_else(|| DbError::Decode("the query returned no row".into()))
    }
}

// ---------------------------------------------------------------------------------------------
// SQLite

fn sqlite_params(params: &[Value]) -> Vec<rusqlite::types::Value> {
    params
        .iter()
        .map(|v| match v {
            Value::Null => rusqlite::types::Value::Null,
            Value::Int(i) => rusqlite::types::Value::Integer(*i),
            Value::Real(f) => rusqlite::types::Value::Real(*f),
            Value::Text(s) => rusqlite::types::Value::Text(s.clone()),
            Value::Blob(b) => rusqlite::types::Value::Blob(b.clone()),
        })
        .collect()
}

fn sqlite_execute(conn: &rusqlite::Connection, sql: &str, params: &[Value]) -> DbResult<u64> {
    let mut stmt = conn.prepare_cached(sql)?;
    Ok(stmt.execute(rusqlite::params_from_iter(sqlite_params(params)))? as u64)
}

fn sqlite_query(conn: &rusqlite::Connection, sql: &str, params: &[Value]) -> DbResult<Vec<Row>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let n = stmt.column_count();
    let rows = stmt.query_map(rusqlite::params_from_iter(sqlite_params(params)), |r| {
        (0..n)
            .map(|i| {
                Ok(match r.get_ref(i)? {
                    rusqlite::types::ValueRef::Null => Value::Null,
                    rusqlite::types::ValueRef::Integer(i) => Value::Int(i),
                    rusqlite::types::ValueRef::Real(f) => Value::Real(f),
                    rusqlite::types::ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                    rusqlite::types::ValueRef::Blob(b) => Value::Blob(b.to_vec()),
                })
            })
            .collect::<rusqlite::Result<Vec<Value>>>()
            .map(Row)
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<Row>>>()?)
}

impl Sql for rusqlite::Connection {
    fn execute(&self, sql: &str, params: &[Value]) -> DbResult<u64> {
        sqlite_execute(self, sql, params)
    }
    fn query(&self, sql: &str, params: &[Value]) -> DbResult<Vec<Row>> {
        sqlite_query(self, sql, params)
    }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

/// `?1 … ?N` → `$1 … $N` (outside quoted text).
pub(crate) fn pg_sql(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quote: Option<char> = None;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                }
                out.push(c);
            }
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                out.push(c);
            }
            None if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) => out.push('$'),
            None => out.push(c),
        }
    }
    out
}

impl ToSql for Value {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(i) => match *ty {
                Type::INT8 => i.to_sql(ty, out),
                Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
                Type::FLOAT8 => (*i as f64).to_sql(ty, out),
                Type::BOOL => (*i != 0).to_sql(ty, out),
                _ => i.to_string().to_sql(ty, out),
            },
            Value::Real(f) => match *ty {
                Type::FLOAT4 => (*f as f32).to_sql(ty, out),
                _ => f.to_sql(ty, out),
            },
            Value::Text(s) => s.to_sql(ty, out),
            Value::Blob(b) => b.to_sql(ty, out),
        }
    }
    fn accepts(_: &Type) -> bool {
        true
    }
    to_sql_checked!();
}

fn pg_row(row: &postgres::Row) -> DbResult<Row> {
    let mut values = Vec::with_capacity(row.len());
    for (i, col) in row.columns().iter().enumerate() {
        let v = match *col.type_() {
            Type::INT8 => row.try_get::<_, Option<i64>>(i)?.map(Value::Int),
            Type::INT4 => row.try_get::<_, Option<i32>>(i)?.map(|x| Value::Int(x.into())),
            Type::INT2 => row.try_get::<_, Option<i16>>(i)?.map(|x| Value::Int(x.into())),
            Type::BOOL => row.try_get::<_, Option<bool>>(i)?.map(|x| Value::Int(x.into())),
            Type::FLOAT8 => row.try_get::<_, Option<f64>>(i)?.map(Value::Real),
            Type::FLOAT4 => row.try_get::<_, Option<f32>>(i)?.map(|x| Value::Real(x.into())),
            Type::BYTEA => row.try_get::<_, Option<Vec<u8>>>(i)?.map(Value::Blob),
            Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME => {
                row.try_get::<_, Option<String>>(i)?.map(Value::Text)
            }
            ref other => {
                return Err(DbError::Decode(format!("column {:?}: unsupported type {other}", col.name())));
            }
        };
        values.push(v.unwrap_or(Value::Null));
    }
    Ok(Row(values))
}

fn pg_refs(params: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    params.iter().map(|v| v as &(dyn ToSql + Sync)).collect()
}

/// A PostgreSQL connection taken from the pool for one [`super::Db`], with its prepared statements.
pub(crate) struct PgClient {
    pub(crate) conn: RefCell<PgConn>,
    statements: RefCell<HashMap<String, postgres::Statement>>,
}

impl PgClient {
    pub(crate) fn new(conn: PgConn) -> PgClient {
        PgClient { conn: RefCell::new(conn), statements: RefCell::new(HashMap::new()) }
    }

    fn statement(&self, client: &mut postgres::Client, sql: &str) -> DbResult<postgres::Statement> {
        if let Some(s) = self.statements.borrow().get(sql) {
            return Ok(s.clone());
        }
        let s = client.prepare(&pg_sql(sql))?;
        self.statements.borrow_mut().insert(sql.to_string(), s.clone());
        Ok(s)
    }

    /// Begins a transaction; `serializable_snapshot` asks for one consistent view of every table.
    pub(crate) fn begin(&self, repeatable_read: bool) -> DbResult<PgTx<'_>> {
        let sql = if repeatable_read { "BEGIN ISOLATION LEVEL REPEATABLE READ" } else { "BEGIN" };
        self.conn.borrow_mut().batch_execute(sql)?;
        Ok(PgTx { client: self, done: std::cell::Cell::new(false) })
    }
}

impl Sql for PgClient {
    fn execute(&self, sql: &str, params: &[Value]) -> DbResult<u64> {
        let mut conn = self.conn.borrow_mut();
        let stmt = self.statement(&mut conn, sql)?;
        Ok(conn.execute(&stmt, &pg_refs(params))?)
    }
    fn query(&self, sql: &str, params: &[Value]) -> DbResult<Vec<Row>> {
        let mut conn = self.conn.borrow_mut();
        let stmt = self.statement(&mut conn, sql)?;
        conn.query(&stmt, &pg_refs(params))?.iter().map(pg_row).collect()
    }
}

/// An open PostgreSQL transaction (`BEGIN` … `COMMIT`); dropped without [`PgTx::commit`], it rolls
/// back.
pub(crate) struct PgTx<'a> {
    client: &'a PgClient,
    done: std::cell::Cell<bool>,
}

impl PgTx<'_> {
    /// Runs several statements without parameters (a migration).
    pub(crate) fn batch(&self, sql: &str) -> DbResult<()> {
        self.client.conn.borrow_mut().batch_execute(sql)?;
        Ok(())
    }

    pub(crate) fn commit(self) -> DbResult<()> {
        self.done.set(true);
        self.client.conn.borrow_mut().batch_execute("COMMIT")?;
        Ok(())
    }
}

impl Drop for PgTx<'_> {
    fn drop(&mut self) {
        if !self.done.get() {
            // A failed rollback leaves the connection broken; r2d2 drops broken connections.
            let _ = self.client.conn.borrow_mut().batch_execute("ROLLBACK");
        }
    }
}

impl Sql for PgTx<'_> {
    fn execute(&self, sql: &str, params: &[Value]) -> DbResult<u64> {
        self.client.execute(sql, params)
    }
    fn query(&self, sql: &str, params: &[Value]) -> DbResult<Vec<Row>> {
        self.client.query(sql, params)
    }
}

/// A transaction of either backend.
pub(crate) enum Tx<'a> {
    Sqlite(rusqlite::Transaction<'a>),
    Pg(PgTx<'a>),
}

impl Tx<'_> {
    pub(crate) fn commit(self) -> DbResult<()> {
        match self {
            Tx::Sqlite(t) => Ok(t.commit()?),
            Tx::Pg(t) => t.commit(),
        }
    }
}

impl Sql for Tx<'_> {
    fn execute(&self, sql: &str, params: &[Value]) -> DbResult<u64> {
        match self {
            Tx::Sqlite(t) => sqlite_execute(t, sql, params),
            Tx::Pg(t) => t.execute(sql, params),
        }
    }
    fn query(&self, sql: &str, params: &[Value]) -> DbResult<Vec<Row>> {
        match self {
            Tx::Sqlite(t) => sqlite_query(t, sql, params),
            Tx::Pg(t) => t.query(sql, params),
        }
    }
}

/// Is this database argument a PostgreSQL URL (rather than a SQLite file path)?
pub fn is_postgres_url(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

/// The URL without its password, for messages.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (auth, host) = match rest.rsplit_once('@') {
        Some((auth, host)) => (Some(auth), host),
        None => (None, rest),
    };
    match auth {
        Some(auth) => match auth.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
            None => format!("{scheme}://{auth}@{host}"),
        },
        None => url.to_string(),
    }
}

/// How long a caller waits for a pooled connection (or a new one) before giving up.
pub const PG_CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// Connections per database URL and process (the app and the batch open a `Db` per operation;
/// the pool keeps the connections open between them).
const PG_POOL_SIZE: u32 = 8;

/// The process's pool for `url`, created on first use.
pub(crate) fn pg_pool(url: &str) -> DbResult<PgPool> {
    static POOLS: OnceLock<Mutex<HashMap<String, PgPool>>> = OnceLock::new();
    let pools = POOLS.get_or_init(|| Mutex::new(HashMap::new()));
    let mut pools = pools.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(p) = pools.get(url) {
        return Ok(p.clone());
    }
    let config: postgres::Config = url.parse()?;
    // TLS when the server offers it (`sslmode=prefer`, the default) or requires it
    // (`?sslmode=require` in the URL); the system's certificate store verifies the server.
    let tls = native_tls::TlsConnector::builder().build().map_err(|e| DbError::Pool(format!("TLS: {e}")))?;
    let manager = PostgresConnectionManager::new(config, postgres_native_tls::MakeTlsConnector::new(tls));
    let pool = r2d2::Pool::builder()
        .max_size(PG_POOL_SIZE)
        .min_idle(Some(0))
        .connection_timeout(PG_CONNECT_TIMEOUT)
        .build_unchecked(manager);
    pools.insert(url.to_string(), pool.clone());
    Ok(pool)
}

/// A connection from the pool, with the pool's last connection error when there is none.
pub(crate) fn pg_connect(url: &str) -> DbResult<PgClient> {
    let pool = pg_pool(url)?;
    match pool.get() {
        Ok(c) => Ok(PgClient::new(c)),
        Err(e) => {
            // r2d2's timeout message hides the cause; connect once directly to say it.
            let config: postgres::Config = url.parse()?;
            let tls = native_tls::TlsConnector::builder().build().map_err(|e| DbError::Pool(format!("TLS: {e}")))?;
            match config.connect(postgres_native_tls::MakeTlsConnector::new(tls)) {
                Err(cause) => Err(DbError::Pool(pg_message(&cause))),
                Ok(_) => Err(DbError::Pool(e.to_string())),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_parameters_become_dollar_parameters_outside_quotes() {
        assert_eq!(
            pg_sql("SELECT a FROM t WHERE x = ?1 AND y = '?2' AND \"?3\" = ?12"),
            "SELECT a FROM t WHERE x = $1 AND y = '?2' AND \"?3\" = $12"
        );
    }

    #[test]
    fn urls_are_told_apart_from_paths_and_passwords_are_hidden() {
        assert!(is_postgres_url("postgres://rota@db/rota"));
        assert!(is_postgres_url("postgresql://rota@db/rota"));
        assert!(!is_postgres_url("/var/lib/rota/rota.db"));
        assert!(!is_postgres_url("postgres.db"));
        assert_eq!(redact_url("postgres://rota:secret@db:5432/rota"), "postgres://rota:***@db:5432/rota");
        assert_eq!(redact_url("postgres://rota@db/rota"), "postgres://rota@db/rota");
        assert_eq!(redact_url("postgres://db/rota"), "postgres://db/rota");
    }
}

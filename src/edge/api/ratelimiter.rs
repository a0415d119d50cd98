//! The per-org rate limiter: a SQLite-backed Durable Object holding a
//! sliding-window log per named bucket. Its SQL API is synchronous, so the
//! read-decide-insert sequence runs without yielding: concurrent requests to
//! one org are decided strictly one after another, and the count is exact.
use crate::domain::ratelimit::{decide, Bucket, Decision};
use serde::Deserialize;
use worker::*;

#[durable_object]
pub struct RateLimiter {
    state: State,
}

#[derive(Deserialize)]
struct TsRow {
    ts: f64,
}

impl RateLimiter {
    fn check(&self, bucket: &Bucket, now: u64) -> Result<Decision> {
        let sql = self.state.storage().sql();
        sql.exec(
            "CREATE TABLE IF NOT EXISTS hits (bucket TEXT NOT NULL, ts INTEGER NOT NULL); \
             CREATE INDEX IF NOT EXISTS hits_bucket_ts ON hits(bucket, ts);",
            None,
        )?;
        // Entries older than the window can never matter again: purge them here,
        // so the state never grows past `limit` rows per bucket.
        let cutoff = now.saturating_sub(bucket.window_ms) as i64;
        sql.exec(
            "DELETE FROM hits WHERE bucket = ? AND ts <= ?",
            vec![SqlStorageValue::from(bucket.name.as_str()), SqlStorageValue::from(cutoff)],
        )?;
        let rows: Vec<TsRow> = sql
            .exec("SELECT ts FROM hits WHERE bucket = ? ORDER BY ts", vec![SqlStorageValue::from(bucket.name.as_str())])?
            .to_array()?;
        let log: Vec<u64> = rows.iter().map(|r| r.ts as u64).collect();
        let d = decide(now, &log, bucket);
        if d.admitted {
            sql.exec(
                "INSERT INTO hits (bucket, ts) VALUES (?, ?)",
                vec![SqlStorageValue::from(bucket.name.as_str()), SqlStorageValue::from(now as i64)],
            )?;
        }
        Ok(d)
    }
}

impl DurableObject for RateLimiter {
    fn new(state: State, _env: Env) -> Self {
        Self { state }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let bucket: Bucket = req.json().await?;
        let now = Date::now().as_millis();
        let d = self.check(&bucket, now)?;
        // Once the org goes quiet, an alarm clears its expired entries, so no
        // rate-limit state outlives its window.
        if self.state.storage().get_alarm().await?.is_none() {
            self.state.storage().set_alarm(bucket.window_ms as i64 + 1_000).await?;
        }
        Response::from_json(&d)
    }

    async fn alarm(&self) -> Result<Response> {
        let now = Date::now().as_millis() as i64;
        let sql = self.state.storage().sql();
        // The longest window in use is the 60 s of both buckets.
        sql.exec("DELETE FROM hits WHERE ts <= ?", vec![SqlStorageValue::from(now - 60_000)])?;
        #[derive(Deserialize)]
        struct N {
            n: f64,
        }
        let left: Vec<N> = sql.exec("SELECT COUNT(*) AS n FROM hits", None)?.to_array()?;
        if left.first().is_some_and(|r| r.n > 0.0) {
            self.state.storage().set_alarm(61_000).await?;
        }
        Response::ok("purged")
    }
}

/// Asks the org's limiter to admit one request to `bucket`.
pub async fn admit(env: &Env, org: &str, bucket: &Bucket) -> Result<Decision> {
    let ns = env.durable_object("RATE_LIMITER")?;
    let stub = ns.id_from_name(org)?.get_stub()?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_body(Some(wasm_bindgen::JsValue::from_str(&serde_json::to_string(bucket).map_err(|e| Error::RustError(e.to_string()))?)));
    let req = Request::new_with_init("https://rate-limiter/check", &init)?;
    let mut resp = stub.fetch_with_request(req).await?;
    resp.json().await
}

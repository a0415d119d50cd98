//! The request frame: route, authenticate, authorize, rate-limit, dispatch to
//! a handler module, map errors, log. No SQL here and no rule logic.

pub(crate) mod gates;
pub(crate) mod badges;
pub(crate) mod dash;
pub(crate) mod ratelimiter;
pub(crate) mod request;
pub(crate) mod scans;
pub(crate) mod schedules;
pub(crate) mod sites;
pub(crate) mod triage;
pub(crate) mod webhooks;
use crate::edge::config::Config;
use crate::edge::api::request::{q, Ctx, Principal};
use crate::edge::{http, store};
use crate::domain::error::ApiError;
use crate::domain::ids::{self, Bearer, OrgId, ProjectId};
use crate::domain::ratelimit::{Bucket, Decision};
use crate::api::router::{match_path, Route};
use serde_json::json;
use worker::{console_error, console_log, Date, Env, Request, Response};

/// Entry point for every HTTP request. Never fails: errors become responses.
pub async fn handle(mut req: Request, env: &Env) -> worker::Result<Response> {
    let started = Date::now().as_millis();
    let request_id = ids::request_id();
    // worker's `Method` reads any method it does not know (QUERY, PROPFIND, …)
    // as GET: judge the method as sent, so those are 405 rather than a GET.
    let method_sent = req.inner().method().to_ascii_uppercase();
    let route = match_path(&req.path());
    let cfg = Config::from_env(env);
    let mut org_for_log: Option<String> = None;
    let mut decision: Option<Decision> = None;
    // How the key was judged ("missing", "malformed", "unknown_key", "ok"); logged.
    let mut auth: Option<&'static str> = None;
    let mut health_cached: Option<bool> = None;
    let result: Result<Response, ApiError> = match &route {
        None => Err(ApiError::NotFound),
        Some(r) if !r.methods().contains(&method_sent.as_str()) => Err(ApiError::MethodNotAllowed(r.methods().to_vec())),
        Some(Route::Health) => health(env, &request_id, &mut health_cached).await,
        // GET and HEAD are answered by the static assets (wrangler.toml
        // [assets], scripts/build-dashboard.mjs): the description is not in
        // the wasm. A GET that reaches the Worker means no assets: not found.
        Some(Route::OpenApi) => Err(ApiError::NotFound),
        Some(Route::DevEnqueue { scan }) if cfg.development => dev_enqueue(env, scan, &request_id).await,
        Some(Route::DevEnqueue { .. }) => Err(ApiError::NotFound),
        Some(Route::BadgeSvg { file }) => badges::svg(&req, env, file).await,
        Some(r) => match admit(&req, env, &cfg, r, &mut auth).await {
            Err(e) => {
                if let ApiError::RateLimited(d) = &e {
                    decision = Some(*d);
                }
                Err(e)
            }
            Ok((principal, project, d)) => {
                org_for_log = Some(principal.org.as_str().to_string());
                decision = Some(d);
                match project {
                    Some(project) => {
                        let query = req.url().map(|u| u.query_pairs().into_owned().collect()).unwrap_or_default();
                        let ctx = Ctx { env, request_id: &request_id, principal, project, query };
                        dispatch(r, &mut req, &ctx).await
                    }
                    // Routes above the project level (the key, the org's projects).
                    None => match r {
                        Route::WhoAmI => dash::whoami(env, &principal, &request_id).await,
                        Route::OrgProjects { .. } => dash::projects(env, &principal, &request_id).await,
                        _ => Err(ApiError::NotFound),
                    },
                }
            }
        },
    };
    let mut resp = match result {
        Ok(r) => r,
        Err(e) => {
            if let ApiError::Internal(detail) = &e {
                console_error!("{}", json!({ "request_id": request_id, "internal_error": detail }));
            }
            http::error(&e, &request_id)?
        }
    };
    if let Some(d) = &decision {
        http::set_rate_headers(&mut resp, d)?;
    }
    let mut line = json!({
        "type": "request",
        "request_id": request_id,
        "method": method_sent,
        "route": route.as_ref().map(Route::name).unwrap_or("unknown"),
        "org": org_for_log,
        "status": resp.status_code(),
        "duration_ms": Date::now().as_millis().saturating_sub(started),
    });
    if let Some(obj) = line.as_object_mut() {
        if let Some(a) = auth {
            obj.insert("auth".into(), json!(a));
        }
        if let Some(c) = health_cached {
            obj.insert("health_cached".into(), json!(c));
        }
    }
    console_log!("{}", line);
    Ok(resp)
}

/// How long an isolate reuses its last D1 check for `/health`: anyone may call
/// it, so it must not cost a D1 query per call.
const HEALTH_CACHE_MS: u64 = 10_000;

thread_local! {
    /// (when D1 was last checked, epoch ms; whether it answered). Workers run one
    /// thread per isolate, so this is per isolate.
    static HEALTH: std::cell::Cell<Option<(u64, bool)>> = const { std::cell::Cell::new(None) };
}

async fn health(env: &Env, request_id: &str, cached_for_log: &mut Option<bool>) -> Result<Response, ApiError> {
    let now = Date::now().as_millis();
    let (checked_at, ok, cached) = match HEALTH.with(|h| h.get()) {
        Some((at, ok)) if now.saturating_sub(at) < HEALTH_CACHE_MS => (at, ok, true),
        last => {
            // Concurrent callers reuse the last answer while this check runs.
            if let Some((_, last_ok)) = last {
                HEALTH.with(|h| h.set(Some((now, last_ok))));
            }
            let ok = match env.d1("DB") {
                Ok(db) => store::health::ping(&db).await.is_ok(),
                Err(_) => false,
            };
            HEALTH.with(|h| h.set(Some((now, ok))));
            (now, ok, false)
        }
    };
    *cached_for_log = Some(cached);
    let status = if ok { 200 } else { 503 };
    let mut resp = http::ok(status, json!({ "status": if ok { "ok" } else { "degraded" }, "d1": ok }), request_id)?;
    // Evidence of the cache without changing the body: hit or miss, and when
    // (epoch ms) the reported D1 check ran.
    resp.headers_mut().set("x-health-cache", if cached { "hit" } else { "miss" })?;
    resp.headers_mut().set("x-health-checked-at", &checked_at.to_string())?;
    Ok(resp)
}

async fn dev_enqueue(env: &Env, scan: &str, request_id: &str) -> Result<Response, ApiError> {
    let id = ids::parse_uuid(scan).ok_or(ApiError::NotFound)?;
    crate::edge::jobs::enqueue(env, &id, 0).await?;
    Ok(http::ok(202, json!({ "enqueued": id }), request_id)?)
}

/// Authentication, path validation, authorization and rate limiting, in that
/// order: an unauthenticated caller learns nothing about paths, and a caller
/// of another org is refused before anything about that org is looked up.
/// Routes above the project level have no `project_id` (None); `GET /api/v1/key`
/// has no `org_id` either (the key's own org is used).
async fn admit(req: &Request, env: &Env, cfg: &Config, route: &Route, auth: &mut Option<&'static str>) -> Result<(Principal, Option<ProjectId>, Decision), ApiError> {
    let (org_raw, project_raw) = match (route.project_params(), route) {
        (Some((o, p)), _) => (Some(o), Some(p)),
        (None, Route::OrgProjects { org }) => (Some(org.as_str()), None),
        (None, Route::WhoAmI) => (None, None),
        (None, _) => return Err(ApiError::NotFound),
    };
    let bearer = Bearer::parse(req.headers().get("authorization").ok().flatten().as_deref());
    *auth = Some(bearer.label());
    // Missing or malformed tokens end here, before any D1 query.
    let Bearer::Key(secret) = bearer else { return Err(ApiError::Unauthorized) };
    let db = env.d1("DB")?;
    let key = store::keys::find_active(&db, &secret.hash()).await?;
    *auth = Some(if key.is_some() { "ok" } else { "unknown_key" });
    let key = key.ok_or(ApiError::Unauthorized)?;
    let org = OrgId::parse(org_raw.unwrap_or(&key.org_id)).ok_or_else(|| ApiError::invalid("org_id", "must be a UUID"))?;
    if key.org_id != org.as_str() {
        return Err(ApiError::Forbidden);
    }
    // Any valid key may ask who it is; everything else needs its scope.
    let scope = route.required_scope(req.method().as_ref());
    if *route != Route::WhoAmI && !key.has_scope(scope) {
        return Err(ApiError::InsufficientScope(scope));
    }
    let project = match project_raw {
        Some(p) => Some(ProjectId::parse(p).ok_or_else(|| ApiError::invalid("project_id", "must match [a-z0-9][a-z0-9_-]{0,63}"))?),
        None => None,
    };
    let bucket = if route.strict_bucket() { Bucket::strict() } else { Bucket::standard(cfg.standard_limit) };
    let decision = ratelimiter::admit(env, org.as_str(), &bucket).await?;
    if !decision.admitted {
        return Err(ApiError::RateLimited(decision));
    }
    Ok((Principal { key_id: key.id, org }, project, decision))
}

async fn dispatch(route: &Route, req: &mut Request, ctx: &Ctx<'_>) -> Result<Response, ApiError> {
    match route {
        Route::RunScan { .. } => scans::run(req, ctx).await,
        Route::ListScans { .. } => scans::list(ctx).await,
        Route::GetScan { scan, .. } => scans::get(ctx, scan).await,
        Route::ScanFindings { scan, .. } if q(ctx, "format") == Some("sarif") => triage::scan_sarif(ctx, scan).await,
        Route::ScanFindings { scan, .. } => scans::findings(ctx, scan).await,
        Route::ScanSarif { scan, .. } => triage::scan_sarif(ctx, scan).await,
        Route::ListFindings { .. } => triage::list_findings(ctx).await,
        Route::Finding { finding, .. } if req.method() == worker::Method::Patch => triage::patch_finding(req, ctx, finding).await,
        Route::Finding { finding, .. } => triage::get_finding(ctx, finding).await,
        Route::FindingHistory { finding, .. } => triage::finding_history(ctx, finding).await,
        Route::CommandCenter { .. } => triage::command_center(ctx).await,
        Route::Schedules { .. } if req.method() == worker::Method::Post => schedules::create(req, ctx).await,
        Route::Schedules { .. } => schedules::list(ctx).await,
        Route::Schedule { schedule, .. } => match req.method() {
            worker::Method::Patch => schedules::update(req, ctx, schedule).await,
            worker::Method::Delete => schedules::delete(ctx, schedule).await,
            _ => schedules::get(ctx, schedule).await,
        },
        Route::ScanCompare { scan, .. } => gates::compare(ctx, scan).await,
        Route::ScanPages { scan, .. } => sites::pages(ctx, scan).await,
        Route::ScanCancel { scan, .. } => sites::cancel(ctx, scan).await,
        Route::ProjectGate { .. } => match req.method() {
            worker::Method::Put => gates::put_gate(req, ctx).await,
            worker::Method::Delete => gates::delete_gate(ctx).await,
            _ => gates::get_gate(ctx).await,
        },
        Route::Badges { .. } if req.method() == worker::Method::Post => badges::create(req, ctx).await,
        Route::Badges { .. } => badges::list(ctx).await,
        Route::Badge { badge, .. } if req.method() == worker::Method::Delete => badges::revoke(ctx, badge).await,
        Route::Badge { badge, .. } => badges::get(ctx, badge).await,
        Route::Webhooks { .. } if req.method() == worker::Method::Post => webhooks::create(req, ctx).await,
        Route::Webhooks { .. } => webhooks::list(ctx).await,
        Route::Webhook { webhook, .. } if req.method() == worker::Method::Delete => webhooks::delete(ctx, webhook).await,
        Route::Webhook { webhook, .. } => webhooks::get(ctx, webhook).await,
        Route::WebhookTest { webhook, .. } => webhooks::test(ctx, webhook).await,
        Route::WebhookDeliveries { webhook, .. } => webhooks::deliveries(ctx, webhook).await,
        Route::Health | Route::DevEnqueue { .. } | Route::BadgeSvg { .. } | Route::OpenApi | Route::WhoAmI | Route::OrgProjects { .. } => {
            Err(ApiError::NotFound)
        }
    }
}

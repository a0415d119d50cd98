//! The Worker: event entry points and the glue between the runtime and the
//! pure domain modules. Compiled for wasm32 only.
//!
//! One bundle serves two deployments (wrangler.toml and
//! wrangler.scanner.toml). Which events reach it is the configuration's
//! business: only the scanner has queue consumers and cron triggers. The
//! fetch handler also checks the role, so the scanner never answers the
//! public API even if a route or binding points at it.
// The request path (the API Worker: frame, auth, handlers) and the scan
// path (the scanner Worker: queue consumer, fetcher, crons), over what both
// use: the store, the response envelope (`http`) and the scan queue (`jobs`).
mod api;
mod config;
mod http;
mod jobs;
mod scanner;
mod store;
mod webhooks;

use worker::{event, Context, Env, MessageBatch, Request, Response, Result, ScheduleContext, ScheduledEvent};

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let cfg = config::Config::from_env(&env);
    if cfg.scanner {
        return scanner::fetch_handler::handle(req, &env, &cfg).await;
    }
    if cfg.development && req.path().starts_with(scanner::fetch_handler::DEV_PREFIX) {
        return scanner::fetch_handler::forward(req, &env).await;
    }
    api::handle(req, &env).await
}

#[event(queue)]
async fn queue(batch: MessageBatch<serde_json::Value>, env: Env, _ctx: Context) -> Result<()> {
    scanner::consumer::consume(batch, env).await;
    Ok(())
}

#[event(scheduled)]
async fn scheduled(event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    scanner::housekeeping::run(&env, &event.cron()).await;
}

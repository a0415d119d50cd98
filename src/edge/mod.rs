//! The Worker: event entry points and the glue between the runtime and the
//! pure domain modules. Compiled for wasm32 only.
//!
//! One bundle serves two deployments (wrangler.api.toml and
//! wrangler.scanner.toml). Which events reach it is the configuration's
//! business: only the scanner has queue consumers and cron triggers. The
//! fetch handler also checks the role, so the scanner never answers the
//! public API even if a route or binding points at it.
mod api;
mod config;
mod consumer;
mod fetcher;
mod http;
mod jobs;
mod ratelimiter;
mod request;
mod scanner;
mod scanner_fetch;
mod scans;
mod schedules;
mod store;
mod triage;
mod housekeeping;

use worker::{event, Context, Env, MessageBatch, Request, Response, Result, ScheduleContext, ScheduledEvent};

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let cfg = config::Config::from_env(&env);
    if cfg.scanner {
        return scanner_fetch::handle(req, &env, &cfg).await;
    }
    if cfg.development && req.path().starts_with(scanner_fetch::DEV_PREFIX) {
        return scanner_fetch::forward(req, &env).await;
    }
    api::handle(req, &env).await
}

#[event(queue)]
async fn queue(batch: MessageBatch<serde_json::Value>, env: Env, _ctx: Context) -> Result<()> {
    consumer::consume(batch, env).await;
    Ok(())
}

#[event(scheduled)]
async fn scheduled(event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    housekeeping::run(&env, &event.cron()).await;
}

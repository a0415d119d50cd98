//! The Worker: event entry points and the glue between the runtime and the
//! pure domain modules. Compiled for wasm32 only.
mod api;
mod config;
mod consumer;
mod fetcher;
mod http;
mod jobs;
mod ratelimiter;
mod scanner;
mod schedules;
mod store;
mod triage;
mod housekeeping;

use worker::{event, Context, Env, MessageBatch, Request, Response, Result, ScheduleContext, ScheduledEvent};

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
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

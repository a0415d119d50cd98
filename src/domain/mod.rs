//! The domain both paths share, pure (no I/O, no `worker` import): the one
//! error type, identifiers and timestamps, the vocabulary (domains,
//! severities), and what a scan, a finding, a schedule, triage, the command
//! center and SARIF are. Nothing here imports `api`, `scanner` or `edge`.
pub mod compare;
pub mod badge;
pub mod dashboard;
pub mod error;
pub mod gate;
pub mod ids;
pub mod model;
pub mod ratelimit;
pub mod scan;
pub mod schedule;
pub mod scoring;
pub mod site;
pub mod ssrf;
pub mod time;
pub mod triage;
pub mod webhook;
pub mod xml;

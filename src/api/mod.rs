//! The request path's pure parts (the Worker glue is in `edge`: frame →
//! auth → handlers → domain → store): which route a path names, bodies
//! capped while streamed, list filters, cursors, `Idempotency-Key`, and the
//! rate limiter's arithmetic. Imports only `domain`.
pub mod body;
pub mod filters;
pub mod idempotency;
pub mod pagination;
pub mod router;
pub mod sarif;

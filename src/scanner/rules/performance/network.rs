//! Rules about the document's delivery: response time, redirects,
//! compression, subresource caching and total bytes.

mod timing;
mod transfer;
mod caching;
pub use timing::*;
pub use transfer::*;
pub use caching::*;

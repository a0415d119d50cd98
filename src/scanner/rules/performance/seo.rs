//! Search-engine page-quality rules (Lighthouse's SEO category) that are
//! decidable from the response and the HTML: status code, meta description,
//! indexability directives, link text, crawlable anchors, hreflang, canonical.
//! `document-title` and `image-alt` are axe rules and live with accessibility.

mod indexing;
mod links;
mod alternates;
pub use indexing::*;
pub use links::*;
pub use alternates::*;

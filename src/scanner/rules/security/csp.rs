//! `content-security-policy`: a CSP parser and the Observatory's CSP test.
//!
//! Semantics (re-derived from the Observatory's documented behaviour and CSP3):
//! * header values are split on `,` (one line may carry several policies);
//!   `<meta http-equiv=Content-Security-Policy>` policies are added, minus the
//!   directives a meta policy may not carry (`frame-ancestors`, `report-uri`,
//!   `sandbox`);
//! * a policy is invalid when it is blank or shorter than 6 characters, or
//!   repeats a directive other than `report-uri`/`report-to` (those only
//!   downgrade a passing result to `csp-implemented-but-duplicate-directives`);
//! * directive names and sources are lower-cased; an empty `*-src` means `'none'`;
//! * several policies are all enforced, so their source lists are intersected
//!   directive by directive, each policy contributing its effective list (the
//!   directive, else its fallback such as `default-src`, else no restriction);
//!   a source survives when a source of the other list covers it (equal, a
//!   scheme covering its URLs, a `*.` host wildcard, a `/`-ending path prefix);
//!   nothing surviving means `'none'`;
//! * `'unsafe-inline'` is ignored beside a nonce or hash; `'strict-dynamic'`
//!   beside a nonce or hash drops host/scheme sources, `'self'` and
//!   `'unsafe-inline'`; without one it makes the policy invalid.

mod policy;
mod result;
pub use policy::*;
pub use result::*;

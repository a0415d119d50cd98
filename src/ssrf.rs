//! SSRF-safe validation of scan targets. Pure: no I/O.

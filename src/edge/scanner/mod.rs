//! The scan path in the Worker (the scanner Worker): the queue consumer and
//! its scan state machine, the guarded fetcher, running one scan, the crons,
//! and the scanner's own fetch handler.
pub(crate) mod consumer;
pub(crate) mod deliver;
pub(crate) mod fetch_handler;
pub(crate) mod fetcher;
pub(crate) mod housekeeping;
pub(crate) mod run;
pub(crate) mod site;

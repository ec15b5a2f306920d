//! Engine of FUSION's core optical-network simulation model: Poisson traffic,
//! k-shortest-path routing, the most efficient modulation that reaches,
//! first-fit spectrum assignment over cores and slots with a guard slot,
//! segment slicing, and blocking statistics with FUSION's confidence-interval
//! stop. Results agree with FUSION's iteration by iteration for the same
//! configuration (same random stream, same path order, same event order).
//!
//! Library entry points: [`config::load`] to read and validate an INI file,
//! [`topology::NETWORKS`] for the bundled networks, [`engine::Model`] and
//! [`batch::run`] to simulate.
pub mod batch;
pub mod cli;
pub mod config;
pub mod engine;
pub mod events;
pub mod ini;
pub mod json;
pub mod log;
pub mod modulation;
pub mod output;
pub mod policy;
pub mod progress;
pub mod requests;
pub mod rng;
pub mod routing;
pub mod schema;
pub mod spectrum;
pub mod stats;
pub mod topology;
pub mod union_cache;

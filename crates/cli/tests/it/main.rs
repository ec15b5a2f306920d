//! The `fdesk` integration suites in one binary: one link instead of one per
//! suite. `cargo nextest run -p fdesk --test it -E 'test(/^sweeps::/)'`
//! runs one of them.

mod support;

mod artifacts;
mod cluster_ssh;
mod configs;
mod crash;
mod faults_contention;
mod faults_crash_loop;
mod fusion;
mod history;
mod sweeps;

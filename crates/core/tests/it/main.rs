//! The core's integration suites in one binary: one link instead of one per
//! suite. Each module is a suite; `cargo nextest run -p fusion-desk-core --test it
//! -E 'test(/^live::/)'` runs one of them.

mod history_support;
mod support;

mod artifacts_browse;
mod artifacts_paths;
mod artifacts_results;
mod background;
mod bindings;
mod compare;
mod configs;
mod configs_runs;
mod faults_cancel_storm;
mod faults_hostile_input;
mod faults_log_flood;
mod faults_pid_reuse;
mod fusion_python;
mod history;
mod lifecycle;
mod live;
mod recovery;
mod shape;
mod slurm;
mod ssh_cluster;
mod sweeps;

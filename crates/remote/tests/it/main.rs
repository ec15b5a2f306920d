//! The transport against a real OpenSSH server on loopback (see
//! the test-support crate's login_node.rs), one module per suite.

mod commands;
mod failures;
mod host_keys;
mod reconnect;
mod slurm;
mod staging;
mod support;

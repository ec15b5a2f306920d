//! The app package's integration suites in one binary: one link of the Tauri
//! app instead of one per suite. `cargo nextest run -p fusion-desk --test app
//! -E 'test(/^ipc::/)'` runs one of them.

mod ipc_support;

mod ipc;
mod ipc_sweeps;
mod notifications_dbus;
mod security_gate;

//! Helpers shared by the integration suites (and benches) of the transport,
//! the core and `fdesk`.

pub mod login_node;
mod processes;
mod wait;

pub use processes::processes_of_run;
pub use wait::wait_for;

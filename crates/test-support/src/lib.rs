//! Helpers shared by the integration suites of the core and of `fdesk`.

pub mod login_node;
mod processes;

pub use processes::processes_of_run;

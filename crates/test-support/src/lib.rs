//! Helpers shared by the integration suites of the core and of `fdesk`.

mod processes;

pub use processes::processes_of_run;

//! The runs domain: reading runs ([`query`]), their names ([`names`]), their
//! life from creation to deletion ([`lifecycle`]) and bringing them to their
//! true state ([`settle`]). What other domains call when they need a run,
//! so none of them reaches into the facade or the store of runs directly.

pub mod lifecycle;
pub mod names;
pub mod query;
pub mod settle;

pub use lifecycle::updated;
pub use names::{validate_name, MAX_NAME_LEN};
pub use query::{active_runs, config_text, get, list};

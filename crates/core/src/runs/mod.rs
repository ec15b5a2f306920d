//! The runs domain as functions over [`Ctx`]: what other domains call when
//! they need a run, so none of them reaches into the facade or the store of
//! runs directly.

pub mod names;
pub mod query;

pub use names::{validate_name, MAX_NAME_LEN};
pub use query::{active_runs, config_text, get, list};

//! A run's name: what a user may call a run, checked wherever a name is
//! given (a new run, a sweep's runs, a rename).

use crate::error::{DeskError, Result};

/// Longest run name, in characters.
pub const MAX_NAME_LEN: usize = 200;

pub fn validate_name(name: &str) -> Result<String> {
    if name.chars().count() > MAX_NAME_LEN {
        return Err(DeskError::invalid_input(format!(
            "a run name is at most {MAX_NAME_LEN} characters"
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(DeskError::invalid_input(
            "a run name cannot contain control characters",
        ));
    }
    Ok(name.to_owned())
}

//! Run identifiers: 12 lowercase hex digits, validated before any file is touched.

use std::fmt;
use std::str::FromStr;

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::error::DeskError;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RunId(String);

impl RunId {
    pub const LEN: usize = 12;

    /// A fresh random id (48 bits). Collisions are handled by the store's
    /// unique constraint, which makes the caller draw again.
    pub fn generate() -> Self {
        let n: u64 = rand::rng().random::<u64>() & 0xffff_ffff_ffff;
        RunId(format!("{n:012x}"))
    }

    pub fn parse(s: &str) -> Result<Self, DeskError> {
        if s.len() == Self::LEN && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            Ok(RunId(s.to_owned()))
        } else {
            Err(DeskError::invalid_input(format!(
                "invalid run id {:?}: a run id is 12 lowercase hex digits",
                truncate_for_message(s)
            )))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Hostile input can be megabytes long; error messages quote only its start.
fn truncate_for_message(s: &str) -> String {
    const MAX: usize = 64;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        let head: String = s.chars().take(MAX).collect();
        format!("{head}…")
    }
}

impl fmt::Display for RunId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for RunId {
    type Err = DeskError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RunId::parse(s)
    }
}

impl TryFrom<String> for RunId {
    type Error = DeskError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        RunId::parse(&s)
    }
}

impl From<RunId> for String {
    fn from(id: RunId) -> String {
        id.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_are_valid() {
        for _ in 0..1000 {
            let id = RunId::generate();
            assert_eq!(RunId::parse(id.as_str()).unwrap(), id);
        }
    }

    #[test]
    fn rejects_malformed_ids() {
        for bad in [
            "",
            "abc",
            "ABCDEF012345",
            "0123456789abc",
            "../../etc/pa",
            "0123456789a/",
            "01234567\u{0}9ab",
            "0123456789ag",
            " 123456789ab",
        ] {
            let err = RunId::parse(bad).unwrap_err();
            assert_eq!(err.code, crate::ErrorCode::InvalidInput, "{bad:?}");
        }
    }

    #[test]
    fn long_input_is_truncated_in_the_message() {
        let err = RunId::parse(&"x".repeat(100_000)).unwrap_err();
        assert!(err.message.len() < 200);
    }
}

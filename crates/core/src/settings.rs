//! Application settings, persisted in the database so that the app, the CLI
//! and every supervisor see the same values.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{DeskError, Result};

/// Environment variable that overrides the simulator command setting.
pub const SIMULATOR_ENV: &str = "FUSION_DESK_SIMULATOR";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct Settings {
    /// The simulator command line; empty means the bundled `fusion-sim`.
    pub simulator_command: String,
    /// How many runs may run at once; later runs wait in FIFO order.
    pub max_concurrent_runs: u32,
    /// Seconds between SIGTERM and SIGKILL when a run is cancelled.
    pub cancel_grace_seconds: f64,
    /// Show a desktop notification when a run or a sweep finishes or fails.
    pub notify_when_finished: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            simulator_command: String::new(),
            max_concurrent_runs: 2,
            cancel_grace_seconds: 10.0,
            notify_when_finished: true,
        }
    }
}

/// Settings as the UI shows them: the stored values plus what is in effect.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SettingsView {
    pub settings: Settings,
    /// The command runs start with, after the environment override and the default.
    pub effective_simulator: String,
    /// Set when `FUSION_DESK_SIMULATOR` overrides the stored command.
    pub simulator_env_override: Option<String>,
    pub data_dir: String,
}

impl Settings {
    pub const MAX_CONCURRENT_LIMIT: u32 = 256;
    pub const MAX_GRACE_SECONDS: f64 = 3600.0;

    pub fn validate(&self) -> Result<()> {
        if self.max_concurrent_runs == 0 || self.max_concurrent_runs > Self::MAX_CONCURRENT_LIMIT {
            return Err(DeskError::invalid_input(format!(
                "max concurrent runs must be between 1 and {}",
                Self::MAX_CONCURRENT_LIMIT
            )));
        }
        if !self.cancel_grace_seconds.is_finite()
            || self.cancel_grace_seconds < 0.0
            || self.cancel_grace_seconds > Self::MAX_GRACE_SECONDS
        {
            return Err(DeskError::invalid_input(format!(
                "the cancel grace period must be between 0 and {} seconds",
                Self::MAX_GRACE_SECONDS
            )));
        }
        if !self.simulator_command.trim().is_empty() {
            split_command(&self.simulator_command)?;
        }
        Ok(())
    }

    pub fn grace(&self) -> std::time::Duration {
        std::time::Duration::from_secs_f64(self.cancel_grace_seconds)
    }
}

/// Resolves the simulator command line in effect: the environment override,
/// else the setting, else the `fusion-sim` bundled beside the running program.
pub fn effective_simulator(settings: &Settings) -> Result<Vec<String>> {
    if let Some(env) = std::env::var(SIMULATOR_ENV).ok().filter(|v| !v.trim().is_empty()) {
        return split_command(&env);
    }
    if !settings.simulator_command.trim().is_empty() {
        return split_command(&settings.simulator_command);
    }
    Ok(vec![bundled_simulator().to_string_lossy().into_owned()])
}

/// `fusion-sim` next to the current executable (the app bundle and cargo's
/// target dir both place it there), else whatever `fusion-sim` is on PATH.
pub fn bundled_simulator() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("fusion-sim")))
        .filter(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from("fusion-sim"))
}

/// Splits a command line into words: whitespace separates, single and double
/// quotes group, backslash escapes the next character. No other shell syntax.
pub fn split_command(line: &str) -> Result<Vec<String>> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') | (None, '\\') => {
                let next = chars.next().ok_or_else(|| {
                    DeskError::invalid_input("simulator command ends with a lone backslash")
                })?;
                current.push(next);
                in_word = true;
            }
            (Some(_), c) => current.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            (None, c) => {
                current.push(c);
                in_word = true;
            }
        }
    }
    if quote.is_some() {
        return Err(DeskError::invalid_input(
            "simulator command has an unclosed quote",
        ));
    }
    if in_word {
        words.push(current);
    }
    if words.is_empty() {
        return Err(DeskError::invalid_input("simulator command is empty"));
    }
    Ok(words)
}

/// The inverse of [`split_command`]: words that need it are double-quoted.
pub fn join_command(words: &[String]) -> String {
    words
        .iter()
        .map(|w| {
            if !w.is_empty() && !w.contains(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '\\')) {
                w.clone()
            } else {
                format!("\"{}\"", w.replace('\\', "\\\\").replace('"', "\\\""))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn join_and_split_round_trip() {
        let words: Vec<String> = ["/opt/my sims/fusion-sim", "a\"b", "c\\d", "it's", ""]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(split_command(&join_command(&words)).unwrap(), words);
    }

    use super::*;

    #[test]
    fn splits_quoted_words() {
        assert_eq!(
            split_command(r#"python3 -m "fusion cli" 'a b' c\ d"#).unwrap(),
            vec!["python3", "-m", "fusion cli", "a b", "c d"]
        );
    }

    #[test]
    fn rejects_unclosed_quotes() {
        assert!(split_command("python3 'oops").is_err());
        assert!(split_command("   ").is_err());
    }

    #[test]
    fn validates_ranges() {
        let mut s = Settings::default();
        assert!(s.validate().is_ok());
        s.max_concurrent_runs = 0;
        assert_eq!(s.validate().unwrap_err().code, crate::ErrorCode::InvalidInput);
        s.max_concurrent_runs = 1;
        s.cancel_grace_seconds = -1.0;
        assert!(s.validate().is_err());
        s.cancel_grace_seconds = f64::NAN;
        assert!(s.validate().is_err());
    }
}

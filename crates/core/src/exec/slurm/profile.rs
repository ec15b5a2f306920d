//! Slurm cluster profiles: where and with what resources a run goes when the
//! researcher picks a cluster instead of this machine. Stored as one JSON
//! value in the settings table, so the app, `fdesk` and tests share them.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::connection::ClusterConnection;
use crate::error::{DeskError, Result};
use crate::settings::split_command;
use crate::store::Store;

const SETTINGS_KEY: &str = "cluster_profiles";
const MAX_NAME_LEN: usize = 64;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct ClusterProfile {
    /// What the executor control shows; runs record it as their executor.
    pub name: String,
    /// Slurm partition; empty means the cluster's default partition.
    pub partition: String,
    /// Slurm account to charge; empty means the user's default account.
    pub account: String,
    /// Time limit per run in Slurm's syntax (`90`, `04:00:00`, `2-00:00:00`);
    /// empty means the partition's default.
    pub time_limit: String,
    /// CPUs per run (`--cpus-per-task`).
    pub cpus_per_run: u32,
    /// Memory per run (`--mem`, e.g. `4G`); empty means the partition's default.
    pub memory_per_run: String,
    /// Further `sbatch` options, one per entry (e.g. `--qos=long`).
    pub extra_sbatch_options: Vec<String>,
    /// Where the cluster's nodes see FUSION Desk's data folder on the shared
    /// filesystem; empty means the same path as here.
    pub data_folder: String,
    /// The simulator command as the nodes run it; empty means the command in
    /// effect here.
    pub simulator_command: String,
    /// How the cluster is reached: from this machine, or over SSH.
    pub connection: ClusterConnection,
}

impl Default for ClusterProfile {
    fn default() -> Self {
        ClusterProfile {
            name: String::new(),
            partition: String::new(),
            account: String::new(),
            time_limit: String::new(),
            cpus_per_run: 1,
            memory_per_run: String::new(),
            extra_sbatch_options: Vec::new(),
            data_folder: String::new(),
            simulator_command: String::new(),
            connection: ClusterConnection::Local,
        }
    }
}

/// Options FUSION Desk sets itself: a profile may not override them.
const RESERVED_OPTIONS: [&str; 8] = [
    "--output",
    "--error",
    "--array",
    "--parsable",
    "--wrap",
    "--chdir",
    "--open-mode",
    "--job-name",
];
/// Their short forms (`-o FILE`, `-e FILE`, `-a RANGE`, `-D DIR`, `-J NAME`).
const RESERVED_SHORT: [char; 5] = ['o', 'e', 'a', 'D', 'J'];
/// sbatch's short options that take no value, so more letters may follow
/// them in one word (`-vo /x` is `-v -o /x`).
const SHORT_FLAGS: [char; 10] = ['h', 'H', 'k', 'O', 'Q', 's', 'u', 'V', 'v', 'W'];

/// The reserved option an extra sbatch option would set, if any. Every
/// word is checked, as sbatch reads them: long options by any prefix
/// (getopt accepts `--outp` for `--output`), short ones with the value
/// attached or after flags (`-o/x`, `-vo/x`).
pub fn reserved_option_in(entry: &str) -> Option<String> {
    for word in entry.split_whitespace() {
        let word = word.trim_matches(['"', '\'']);
        if let Some(long) = word.strip_prefix("--") {
            let name = long.split('=').next().unwrap_or_default();
            if name.is_empty() {
                continue;
            }
            if let Some(hit) = RESERVED_OPTIONS.iter().find(|r| r[2..].starts_with(name)) {
                return Some((*hit).to_owned());
            }
        } else if let Some(short) = word.strip_prefix('-') {
            for c in short.chars() {
                if RESERVED_SHORT.contains(&c) {
                    return Some(format!("-{c}"));
                }
                if !SHORT_FLAGS.contains(&c) {
                    break; // the rest of the word is this option's value
                }
            }
        }
    }
    None
}

fn invalid(field: &str, why: impl std::fmt::Display) -> DeskError {
    DeskError::invalid_input(format!("cluster profile {field}: {why}"))
}

fn is_slurm_word(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

impl ClusterProfile {
    pub fn validate(&self) -> Result<()> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(invalid("name", "is required"));
        }
        if name != self.name || name.chars().count() > MAX_NAME_LEN || !is_slurm_word(name) {
            return Err(invalid(
                "name",
                format!(
                    "{:?} must be 1 to {MAX_NAME_LEN} letters, digits, '.', '_' or '-'",
                    self.name
                ),
            ));
        }
        if crate::model::Placement::is_local_name(name) {
            return Err(invalid("name", "\"local\" names this machine; pick another name"));
        }
        if !is_slurm_word(&self.partition) {
            return Err(invalid(
                "partition",
                format!("{:?} is not a partition name", self.partition),
            ));
        }
        if !is_slurm_word(&self.account) {
            return Err(invalid(
                "account",
                format!("{:?} is not an account name", self.account),
            ));
        }
        if !self.time_limit.is_empty() && !valid_time_limit(&self.time_limit) {
            return Err(invalid(
                "time limit",
                format!(
                    "{:?} is not a Slurm time: use minutes, HH:MM:SS or D-HH:MM:SS",
                    self.time_limit
                ),
            ));
        }
        if self.cpus_per_run == 0 || self.cpus_per_run > 4096 {
            return Err(invalid("CPUs per run", "must be between 1 and 4096"));
        }
        if !self.memory_per_run.is_empty() && !valid_memory(&self.memory_per_run) {
            return Err(invalid(
                "memory per run",
                format!(
                    "{:?} is not a size: a number with K, M, G or T (e.g. 4G)",
                    self.memory_per_run
                ),
            ));
        }
        for opt in &self.extra_sbatch_options {
            if !opt.starts_with('-') || opt.chars().any(char::is_control) {
                return Err(invalid(
                    "extra sbatch options",
                    format!("{opt:?} must be one option such as --qos=long, on one line"),
                ));
            }
            if let Some(flag) = reserved_option_in(opt) {
                return Err(invalid(
                    "extra sbatch options",
                    format!(
                        "{opt:?} sets {flag}, which FUSION Desk sets itself (output goes to the run's logs)"
                    ),
                ));
            }
        }
        if !self.data_folder.is_empty()
            && (!Path::new(&self.data_folder).is_absolute() || self.data_folder.chars().any(char::is_control))
        {
            return Err(invalid(
                "data folder",
                format!(
                    "{:?} must be an absolute path as the cluster's nodes see it",
                    self.data_folder
                ),
            ));
        }
        if !self.simulator_command.trim().is_empty() {
            split_command(&self.simulator_command).map_err(|e| invalid("simulator command", e.message))?;
        }
        if let Some((field, why)) = self.connection.problem() {
            return Err(invalid(field, why));
        }
        Ok(())
    }

    /// A path under the local data folder as the cluster's nodes see it.
    pub fn cluster_path(&self, local_root: &Path, path: &Path) -> PathBuf {
        if self.data_folder.is_empty() {
            return path.to_owned();
        }
        match path.strip_prefix(local_root) {
            Ok(rel) => Path::new(&self.data_folder).join(rel),
            Err(_) => path.to_owned(),
        }
    }

    /// A path a cluster node reported, as this machine sees it: the inverse
    /// of [`cluster_path`](Self::cluster_path); a path outside the cluster's
    /// data folder is taken to be the same on both sides (a shared filesystem).
    pub fn local_path(&self, local_root: &Path, path: &Path) -> PathBuf {
        if self.data_folder.is_empty() {
            return path.to_owned();
        }
        match path.strip_prefix(&self.data_folder) {
            Ok(rel) => local_root.join(rel),
            Err(_) => path.to_owned(),
        }
    }
}

/// `minutes`, `minutes:seconds`, `hours:minutes:seconds`, `days-hours`,
/// `days-hours:minutes`, `days-hours:minutes:seconds` (sbatch's `--time`).
pub fn valid_time_limit(s: &str) -> bool {
    if matches!(s, "UNLIMITED" | "unlimited" | "infinite") {
        return true;
    }
    let digits = |p: &str| !p.is_empty() && p.len() <= 6 && p.chars().all(|c| c.is_ascii_digit());
    let (days, rest) = match s.split_once('-') {
        Some((d, r)) => (Some(d), r),
        None => (None, s),
    };
    if days.is_some_and(|d| !digits(d)) {
        return false;
    }
    let parts: Vec<&str> = rest.split(':').collect();
    let ok = parts.iter().all(|p| digits(p)) && (1..=3).contains(&parts.len());
    ok && !(days.is_none() && s.chars().all(|c| c == '0' || c == ':'))
}

fn valid_memory(s: &str) -> bool {
    let digits = s.trim_end_matches(['K', 'M', 'G', 'T', 'k', 'm', 'g', 't']);
    !digits.is_empty()
        && digits.len() + 1 >= s.len()
        && digits.chars().all(|c| c.is_ascii_digit())
        && digits.parse::<u64>().is_ok_and(|n| n > 0)
}

pub async fn load(store: &Store) -> Result<Vec<ClusterProfile>> {
    Ok(store
        .document(SETTINGS_KEY)
        .await?
        .and_then(|v| serde_json::from_str::<Vec<ClusterProfile>>(&v).ok())
        .unwrap_or_default())
}

async fn write(store: &Store, profiles: &[ClusterProfile]) -> Result<()> {
    store
        .save_document(
            SETTINGS_KEY,
            &serde_json::to_string(profiles).expect("profiles serialise"),
        )
        .await
}

/// Adds a profile or replaces the one of the same name.
pub async fn save(store: &Store, profile: &ClusterProfile) -> Result<Vec<ClusterProfile>> {
    profile.validate()?;
    let mut all = load(store).await?;
    match all.iter_mut().find(|p| p.name == profile.name) {
        Some(p) => *p = profile.clone(),
        None => all.push(profile.clone()),
    }
    write(store, &all).await?;
    Ok(all)
}

pub async fn remove(store: &Store, name: &str) -> Result<Vec<ClusterProfile>> {
    let mut all = load(store).await?;
    let before = all.len();
    all.retain(|p| p.name != name);
    if all.len() == before {
        return Err(DeskError::not_found(format!("no cluster profile named {name:?}")));
    }
    write(store, &all).await?;
    Ok(all)
}

pub async fn find(store: &Store, name: &str) -> Result<ClusterProfile> {
    let all = load(store).await?;
    all.iter().find(|p| p.name == name).cloned().ok_or_else(|| {
        let known: Vec<&str> = all.iter().map(|p| p.name.as_str()).collect();
        DeskError::invalid_input(format!(
            "executor: no cluster profile named {name:?} (known: local{}{})",
            if known.is_empty() { "" } else { ", " },
            known.join(", ")
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile() -> ClusterProfile {
        ClusterProfile {
            name: "hpc".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_profile_stored_before_connections_existed_is_reached_from_here() {
        let stored = r#"{"name":"hpc","partition":"debug","cpus_per_run":2}"#;
        let p: ClusterProfile = serde_json::from_str(stored).unwrap();
        assert_eq!(p.connection, ClusterConnection::Local);
        assert_eq!(p.cpus_per_run, 2);
    }

    #[test]
    fn accepts_slurm_time_syntaxes() {
        for t in [
            "90",
            "5:00",
            "04:00:00",
            "2-00",
            "2-12:30",
            "2-12:30:00",
            "UNLIMITED",
        ] {
            assert!(valid_time_limit(t), "{t}");
        }
        for t in ["", "1h", "1:2:3:4", "-5", "0", "00:00", "a-1"] {
            assert!(!valid_time_limit(t), "{t}");
        }
    }

    #[test]
    fn errors_name_the_field() {
        let bad = |f: fn(&mut ClusterProfile), field: &str| {
            let mut p = profile();
            f(&mut p);
            let e = p.validate().unwrap_err();
            assert_eq!(e.code, crate::ErrorCode::InvalidInput);
            assert!(e.message.contains(field), "{} lacks {field}", e.message);
        };
        assert!(profile().validate().is_ok());
        bad(|p| p.name = String::new(), "name");
        bad(|p| p.name = "local".into(), "name");
        bad(|p| p.name = "a b".into(), "name");
        bad(|p| p.partition = "x;rm".into(), "partition");
        bad(|p| p.time_limit = "soon".into(), "time limit");
        bad(|p| p.cpus_per_run = 0, "CPUs per run");
        bad(|p| p.memory_per_run = "lots".into(), "memory per run");
        bad(
            |p| p.extra_sbatch_options = vec!["--output=/tmp/x".into()],
            "extra sbatch options",
        );
        bad(
            |p| p.extra_sbatch_options = vec!["qos".into()],
            "extra sbatch options",
        );
        bad(|p| p.data_folder = "relative/path".into(), "data folder");
        bad(|p| p.simulator_command = "'open".into(), "simulator command");
        bad(
            |p| {
                p.connection = ClusterConnection::Ssh {
                    host: "login".into(),
                    user: None,
                    port: None,
                    remote_folder: "fd".into(),
                }
            },
            "remote folder",
        );
    }

    #[test]
    fn every_word_and_abbreviation_of_a_reserved_option_is_caught() {
        for entry in [
            "--output=/x",
            "--outp=/x",
            "--out /x",
            "--o=/x",
            "-o/x",
            "-o /x",
            "-vo/x",
            "-e/x",
            "--err=/x",
            "-a 0-9",
            "--arr=0-9",
            "--qos=high --output=/x",
            "--qos=high -o/x",
            "--chd=/tmp",
            "-D/tmp",
            "--wr=id",
            "--parsable",
            "--open-m=truncate",
            "-J evil",
            "--job=evil",
        ] {
            assert!(reserved_option_in(entry).is_some(), "{entry:?} passed");
        }
        for entry in [
            "--qos=high",
            "--acc=optics",
            "--constraint=skylake",
            "-p long",
            "-v",
            "--mail-type=END",
            "--exclusive",
            "-t 10",
            "--gres=gpu:1",
        ] {
            assert_eq!(reserved_option_in(entry), None, "{entry:?} refused");
        }
    }

    #[test]
    fn maps_paths_into_the_cluster_data_folder() {
        let mut p = profile();
        let local = Path::new("/home/me/.local/share/fusion-desk");
        let run = local.join("runs/0123456789ab");
        assert_eq!(p.cluster_path(local, &run), run);
        p.data_folder = "/shared/me/fusion-desk".into();
        assert_eq!(
            p.cluster_path(local, &run),
            Path::new("/shared/me/fusion-desk/runs/0123456789ab")
        );
        assert_eq!(p.local_path(local, &p.cluster_path(local, &run)), run);
        let elsewhere = Path::new("/home/me/FUSION/data/output/NSFNet/1126/s1");
        assert_eq!(p.local_path(local, elsewhere), elsewhere);
    }
}

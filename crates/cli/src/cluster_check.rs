//! `fdesk cluster check`: "Test connection" for a cluster profile. For a
//! cluster reached over SSH, a login node whose host key was never seen is
//! refused with its fingerprint; the key is accepted only when asked, with
//! `--accept-host-key` or a yes at the prompt of an interactive terminal.

use std::io::{BufRead, IsTerminal, Write};

use fusion_desk_core::exec::slurm::ClusterCheck;
use fusion_desk_core::exec::ssh::HostKeyTrust;
use fusion_desk_core::{Desk, DeskError, ErrorCode};

/// The problem code of a host key the app has not accepted yet.
const HOST_KEY_UNKNOWN: &str = "host_key_unknown";

pub async fn check(desk: &Desk, name: &str, accept_host_key: bool, json: bool) -> Result<(), DeskError> {
    let mut check = desk.clusters().check(name).await?;
    if let Some(fingerprint) = unknown_key(&check) {
        let key_type = check.host_key_type.clone().unwrap_or_default();
        let accept = accept_host_key || (!json && confirmed(&check.profile, &key_type, &fingerprint));
        if accept {
            // On stderr, so `--json` output stays one document.
            eprintln!("accepting the {key_type} host key {fingerprint}");
            check = desk
                .clusters()
                .check_trusting(name, &HostKeyTrust::Accept { fingerprint })
                .await?;
        }
    }
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&check).expect("DTOs serialise")
        );
    } else {
        println!("{}: {}", check.profile, check.summary);
        if let Some(fingerprint) = unknown_key(&check) {
            println!(
                "the login node presented the {} key {fingerprint}; if that is your cluster's key, \
                 run `fdesk cluster check {} --accept-host-key`",
                check.host_key_type.as_deref().unwrap_or("host"),
                check.profile
            );
        }
    }
    if check.ok {
        return Ok(());
    }
    Err(DeskError::new(
        ErrorCode::SimulatorUnavailable,
        format!(
            "cluster {} is not usable ({}): {}",
            check.profile,
            check.problem.as_deref().unwrap_or("failed"),
            check.summary
        ),
    ))
}

fn unknown_key(check: &ClusterCheck) -> Option<String> {
    (check.problem.as_deref() == Some(HOST_KEY_UNKNOWN))
        .then(|| check.host_key_fingerprint.clone())
        .flatten()
}

/// Asks on the terminal whether to trust the key; never asks when input
/// or output is not a terminal (scripts get the refusal).
fn confirmed(profile: &str, key_type: &str, fingerprint: &str) -> bool {
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return false;
    }
    eprint!("cluster {profile}: the login node presents the {key_type} key {fingerprint}. Trust it? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    if std::io::stdin().lock().read_line(&mut answer).is_err() {
        return false;
    }
    matches!(answer.trim(), "y" | "Y" | "yes" | "Yes")
}

//! Recognising a simulator command: FUSION Desk's embedded engine or the real
//! Python FUSION, found by asking the program itself (`--version`,
//! `run_sim --help`) rather than by a second setting the user must keep in step.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::settings::join_command;

/// Python needs a few seconds to import FUSION; a hung program is given up on.
const PROBE_TIMEOUT: Duration = Duration::from_secs(30);
/// The module FUSION's console script runs.
pub const FUSION_MODULE: &str = "fusion.cli.run_sim";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SimulatorIdentity {
    /// FUSION Desk's own `fusion-sim`.
    Embedded,
    /// The real FUSION (Python), through its `fusion-sim` script or `python -m fusion.cli.run_sim`.
    FusionPython,
}

/// What a check of a simulator command found, in words for the settings page.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SimulatorCheck {
    pub command: String,
    pub kind: Option<SimulatorIdentity>,
    pub ok: bool,
    /// What was found, or exactly what is wrong.
    pub summary: String,
}

/// The command for a program the user picked: a Python interpreter runs
/// FUSION's module, anything else is run as it is.
pub fn command_for_program(path: &Path) -> Vec<String> {
    let program = path.to_string_lossy().into_owned();
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let is_python = name == "python"
        || name
            .strip_prefix("python")
            .is_some_and(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit() || c == '.'));
    if is_python {
        vec![program, "-m".into(), FUSION_MODULE.into()]
    } else {
        vec![program]
    }
}

struct Probe {
    status: Option<i32>,
    output: String,
}

async fn probe(command: &[String], args: &[&str]) -> std::io::Result<Option<Probe>> {
    let mut cmd = tokio::process::Command::new(&command[0]);
    cmd.args(&command[1..])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("PYTHONUNBUFFERED", "1")
        .kill_on_drop(true);
    let child = cmd.spawn()?;
    match tokio::time::timeout(PROBE_TIMEOUT, child.wait_with_output()).await {
        Ok(out) => {
            let out = out?;
            let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
            text.push_str(&String::from_utf8_lossy(&out.stderr));
            Ok(Some(Probe {
                status: out.status.code(),
                output: text,
            }))
        }
        Err(_) => Ok(None),
    }
}

fn first_line(text: &str) -> &str {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("(no output)")
}

/// Checks a simulator command as the settings page gives it: `command`
/// when it names one, else the one in effect (environment, then settings,
/// then the embedded engine).
pub async fn check_configured(
    ctx: &crate::ctx::Ctx,
    command: Option<&str>,
) -> crate::error::Result<SimulatorCheck> {
    let words = match command.filter(|c| !c.trim().is_empty()) {
        Some(c) => crate::settings::split_command(c)?,
        None => crate::settings::effective_simulator(&ctx.store().settings().await?)?,
    };
    Ok(check(&words).await)
}

/// Checks a program the user picked: FUSION's `fusion-sim`, or a Python
/// interpreter that should have the `fusion` package.
pub async fn check_program(program: &std::path::Path) -> SimulatorCheck {
    check(&command_for_program(program)).await
}

/// Runs the command's `--version` and `run_sim --help` and says what it is.
pub async fn check(command: &[String]) -> SimulatorCheck {
    let shown = join_command(command);
    let verdict = |kind, ok, summary: String| SimulatorCheck {
        command: shown.clone(),
        kind,
        ok,
        summary,
    };
    let Some(program) = command.first() else {
        return verdict(None, false, "The simulator command is empty.".into());
    };
    let path = Path::new(program);
    if path.components().count() > 1 {
        match std::fs::metadata(path) {
            Err(_) => return verdict(None, false, format!("{program} does not exist.")),
            Ok(m) if m.is_dir() => {
                return verdict(None, false, format!("{program} is a folder, not a program."))
            }
            Ok(m) => {
                use std::os::unix::fs::PermissionsExt;
                if m.permissions().mode() & 0o111 == 0 {
                    return verdict(None, false, format!("{program} is not executable (chmod +x it)."));
                }
            }
        }
    }
    match probe(command, &["--version"]).await {
        Err(e) => return verdict(None, false, format!("{program} cannot be started: {e}")),
        Ok(Some(p)) if p.status == Some(0) && p.output.contains("FUSION Desk engine") => {
            return verdict(
                Some(SimulatorIdentity::Embedded),
                true,
                format!("FUSION Desk's embedded engine ({})", first_line(&p.output)),
            )
        }
        _ => {}
    }
    match probe(command, &["run_sim", "--help"]).await {
        Err(e) => verdict(None, false, format!("{program} cannot be started: {e}")),
        Ok(None) => verdict(
            None,
            false,
            format!(
                "`{shown} run_sim --help` did not answer within {} s.",
                PROBE_TIMEOUT.as_secs()
            ),
        ),
        Ok(Some(p)) if p.output.contains("--config_path") && p.output.contains("--run_id") => verdict(
            Some(SimulatorIdentity::FusionPython),
            true,
            "FUSION (Python): its run_sim command line answered. Runs get live progress from its \
             log and their results from the folder it reports."
                .into(),
        ),
        Ok(Some(p)) => {
            let why = p
                .output
                .lines()
                .find(|l| l.contains("No module named"))
                .map(|l| format!("this Python has no FUSION installed ({})", l.trim()))
                .unwrap_or_else(|| format!("`run_sim --help` printed: {}", first_line(&p.output)));
            verdict(
                None,
                false,
                format!("{program} does not look like FUSION's fusion-sim: {why}"),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_python_interpreter_runs_fusions_module() {
        for py in ["/usr/bin/python3", "/opt/venv/bin/python", "python3.11"] {
            assert_eq!(command_for_program(Path::new(py))[1..], ["-m", FUSION_MODULE]);
        }
        for other in ["/opt/venv/bin/fusion-sim", "/usr/bin/pythonista"] {
            assert_eq!(command_for_program(Path::new(other)).len(), 1);
        }
    }

    #[tokio::test]
    async fn missing_and_non_executable_programs_say_so() {
        let c = check(&["/nonexistent/fusion-sim".into()]).await;
        assert!(!c.ok && c.summary.contains("does not exist"), "{}", c.summary);
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("fusion-sim");
        std::fs::write(&f, "#!/bin/sh\n").unwrap();
        let c = check(&[f.to_string_lossy().into_owned()]).await;
        assert!(!c.ok && c.summary.contains("not executable"), "{}", c.summary);
        let c = check(&["/bin/true".into()]).await;
        assert!(
            !c.ok && c.summary.contains("does not look like FUSION"),
            "{}",
            c.summary
        );
    }
}

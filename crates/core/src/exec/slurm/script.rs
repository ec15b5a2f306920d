//! The batch scripts FUSION Desk hands to `sbatch`. Each run gets its own
//! `slurm.sh` in its folder (kept there for the researcher to read or submit
//! by hand); runs submitted together go as one job array whose script looks
//! up its run folder in an index file and `exec`s that run's script.
//!
//! The run script keeps the local supervisor's contract: output to
//! `logs/sim.log`, the outcome in `exit.json` (same format, written
//! atomically). The simulator runs in a process group of its own (`set -m`)
//! so that the batch shell, which is the only process `scancel --batch
//! --signal=TERM` reaches under `proctrack/cgroup`, can forward the signal
//! to everything the simulator started and escalate to SIGKILL after the
//! grace period.

use std::path::Path;

use super::profile::ClusterProfile;

/// Single-quotes a word for bash: nothing in it is expanded (`$(...)`,
/// backquotes, `$VAR`, globs), whatever it holds. The one quoting function
/// for every string a script carries.
pub fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Text for a `#` comment or an `#SBATCH` line: one line, no control
/// characters (a newline would end the comment and start a command).
fn one_line(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

fn path(p: &Path) -> String {
    quote(&p.to_string_lossy())
}

/// The `#SBATCH` lines a profile asks for (without output or array options).
pub fn sbatch_lines(profile: &ClusterProfile, job_name: &str) -> String {
    let mut lines = vec![format!("--job-name={job_name}")];
    if !profile.partition.is_empty() {
        lines.push(format!("--partition={}", profile.partition));
    }
    if !profile.account.is_empty() {
        lines.push(format!("--account={}", profile.account));
    }
    if !profile.time_limit.is_empty() {
        lines.push(format!("--time={}", profile.time_limit));
    }
    lines.push("--ntasks=1".into());
    lines.push(format!("--cpus-per-task={}", profile.cpus_per_run));
    if !profile.memory_per_run.is_empty() {
        lines.push(format!("--mem={}", profile.memory_per_run));
    }
    // A dependency that can never be met cancels the job instead of leaving
    // it pending forever.
    lines.push("--kill-on-invalid-dep=yes".into());
    lines.extend(profile.extra_sbatch_options.iter().cloned());
    lines
        .iter()
        .map(|l| format!("#SBATCH {}\n", one_line(l)))
        .collect()
}

/// What a run script needs, with every path as the cluster's nodes see it.
pub struct RunScript<'a> {
    pub run_id: &'a str,
    pub run_name: &'a str,
    pub profile: &'a ClusterProfile,
    pub run_dir: &'a Path,
    /// The simulator command line, arguments included.
    pub command: &'a [String],
    /// Seconds between SIGTERM and SIGKILL when the run is cancelled.
    pub grace_seconds: f64,
}

impl RunScript<'_> {
    pub fn render(&self) -> String {
        let dir = self.run_dir;
        let command = self
            .command
            .iter()
            .map(|w| quote(w))
            .collect::<Vec<_>>()
            .join(" ");
        let program = quote(self.command.first().map(String::as_str).unwrap_or_default());
        let name = one_line(self.run_name);
        format!(
            r#"#!/bin/bash
# FUSION Desk run {id} ({name}) on the cluster profile {profile}.
# FUSION Desk submits this script itself, alone or as a task of a job array;
# `sbatch slurm.sh` in this folder submits it by hand.
{sbatch}#SBATCH --output={out}
#SBATCH --open-mode=append

run_dir={run_dir}
cd "$run_dir" || exit 1
# A link left at the log's name by an earlier simulator is not appended through.
[ -L "$run_dir/logs/sim.log" ] && rm -f "$run_dir/logs/sim.log"
exec >>"$run_dir/logs/sim.log" 2>&1
export PYTHONUNBUFFERED=1 FUSION_DESK_RUN_ID={qid} FUSION_DESK_RUN_DIR="$run_dir"

now() {{ date -u +%Y-%m-%dT%H:%M:%S.%3N+00:00; }}
started_at=$(now)
# exit.json in the format of FUSION Desk's local supervisor (plus when the
# simulator started: a fast run may end between two looks at Slurm's queue),
# written atomically.
# The temp name is random and created exclusively (noclobber), so nothing
# the simulator planted in its folder is written through; mv replaces a
# planted exit.json link rather than following it.
record() {{
  local tmp="$run_dir/.exit.json.$RANDOM$RANDOM$RANDOM.tmp"
  (set -C; printf '{{"exit_code": %s, "signal": %s, "cancelled": %s, "spawn_error": %s, "started_at": "%s", "finished_at": "%s"}}\n' \
    "$1" "$2" "$3" "$4" "$started_at" "$(now)" >"$tmp") && mv -f "$tmp" "$run_dir/exit.json"
}}

if ! command -v {program} >/dev/null 2>&1; then
  printf 'fusion-desk: the simulator %s is not found on %s\n' {program} "$(hostname)"
  record null null false '"the simulator is not found on the cluster node"'
  exit 127
fi

# A process group of its own for the simulator: a stop reaches all it started.
set -m
stopping=false
on_stop() {{
  stopping=true
  kill -TERM -- "-$sim" 2>/dev/null
  (sleep {grace}; kill -KILL -- "-$sim" 2>/dev/null) &
}}
trap on_stop TERM INT

{command} &
sim=$!
# `wait` returns early when a trapped signal arrives: wait again until the
# simulator is really gone; bash keeps its status for the last `wait`.
while kill -0 "$sim" 2>/dev/null; do wait "$sim"; done
wait "$sim"
status=$?
kill -KILL -- "-$sim" 2>/dev/null
if [ "$status" -gt 128 ]; then
  record null $((status - 128)) "$stopping" null
else
  record "$status" null "$stopping" null
fi
exit "$status"
"#,
            id = one_line(self.run_id),
            profile = one_line(&self.profile.name),
            sbatch = sbatch_lines(self.profile, &format!("fdesk-{}", self.run_id)),
            out = one_line(&dir.join("logs").join("slurm.log").to_string_lossy()),
            run_dir = path(dir),
            qid = quote(self.run_id),
            grace = format_seconds(self.grace_seconds),
        )
    }
}

fn format_seconds(s: f64) -> String {
    let s = if s.is_finite() && s >= 0.0 { s } else { 10.0 };
    format!("{s:.3}")
}

/// The script of a job array: task `i` runs the run folder on line `i` of
/// the index (`<task>\t<cluster run folder>`).
pub fn array_script(profile: &ClusterProfile, index: &Path, tasks: usize, task_log_dir: &Path) -> String {
    format!(
        r#"#!/bin/bash
# A job array of {tasks} FUSION Desk runs on the cluster profile {profile}.
# Task N runs the run folder named on the line of {index_text} that starts with N.
{sbatch}#SBATCH --array=0-{last}
#SBATCH --output={logs}/task-%a.log

run_dir=$(awk -F '\t' -v task="$SLURM_ARRAY_TASK_ID" '$1 == task {{ print $2; exit }}' {index})
if [ -z "$run_dir" ]; then
  printf 'fusion-desk: task %s is not in %s\n' "$SLURM_ARRAY_TASK_ID" {index}
  exit 1
fi
exec /bin/bash "$run_dir/slurm.sh"
"#,
        profile = one_line(&profile.name),
        sbatch = sbatch_lines(profile, "fdesk-array"),
        last = tasks.saturating_sub(1),
        logs = one_line(&task_log_dir.to_string_lossy()),
        index = path(index),
        index_text = one_line(&index.to_string_lossy()),
    )
}

/// The file of a run's batch script, in its folder.
pub fn script_file(dir: &crate::layout::RunDir) -> std::path::PathBuf {
    dir.root().join("slurm.sh")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile() -> ClusterProfile {
        ClusterProfile {
            name: "hpc".into(),
            partition: "long".into(),
            account: "optics".into(),
            time_limit: "04:00:00".into(),
            cpus_per_run: 4,
            memory_per_run: "8G".into(),
            extra_sbatch_options: vec!["--qos=high".into()],
            ..Default::default()
        }
    }

    #[test]
    fn quotes_for_bash() {
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote("a b"), "'a b'");
    }

    /// What bash really makes of quoted hostile words: the word itself,
    /// with nothing run or expanded.
    #[test]
    fn quoted_words_reach_bash_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let canary = dir.path().join("ran");
        let hostile = [
            format!("$(touch {})", canary.display()),
            format!("`touch {}`", canary.display()),
            format!("'; touch {}; '", canary.display()),
            format!("\"; touch {}; \"", canary.display()),
            "$HOME ${PATH} * ? [a] ~ !! \\ \n second line".to_owned(),
            String::new(),
        ];
        for word in &hostile {
            let out = std::process::Command::new("bash")
                .arg("-c")
                .arg(format!("printf %s {}", quote(word)))
                .output()
                .unwrap();
            assert_eq!(String::from_utf8_lossy(&out.stdout), *word);
        }
        assert!(!canary.exists(), "a quoted word ran a command");
    }

    #[test]
    fn scripts_run_nothing_from_paths_or_names() {
        let dir = tempfile::tempdir().unwrap();
        let canary = dir.path().join("ran");
        let evil = format!("/opt/$(touch {})/`touch {}`", canary.display(), canary.display());
        let command = vec![format!("{evil}/fusion-sim"), "run_sim".to_owned()];
        let run_dir = dir.path().join("run $(touch x)\nrm -rf /");
        std::fs::create_dir_all(run_dir.join("logs")).unwrap();
        let script = RunScript {
            run_id: "0123456789ab",
            run_name: "name\n$(touch x)",
            profile: &profile(),
            run_dir: &run_dir,
            command: &command,
            grace_seconds: 1.0,
        }
        .render();
        // Inside quotes a newline is data; in a comment or #SBATCH line it
        // would start a command.
        let output_line = script
            .lines()
            .position(|l| l.starts_with("#SBATCH --output="))
            .unwrap();
        assert_eq!(
            script.lines().nth(output_line + 1),
            Some("#SBATCH --open-mode=append"),
            "a newline in a path left its line:\n{script}"
        );
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(&script)
            .env("PATH", "/usr/bin:/bin")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(127), "{out:?}");
        let log = std::fs::read_to_string(run_dir.join("logs/sim.log")).unwrap();
        assert!(log.contains(&evil), "{log}");
        // The outcome is recorded through a fresh temp file, none left behind.
        let exit = std::fs::read_to_string(run_dir.join("exit.json")).unwrap();
        assert!(exit.contains("\"exit_code\": null"), "{exit}");
        let names: Vec<String> = std::fs::read_dir(&run_dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
        assert!(!canary.exists(), "the script ran a command from a path");
        let array = array_script(&profile(), &run_dir.join("a.index"), 2, &run_dir);
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(&array)
            .env("SLURM_ARRAY_TASK_ID", "7")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        assert!(!canary.exists());
    }

    #[test]
    fn run_script_carries_the_profile_and_records_the_outcome() {
        let command: Vec<String> = [
            "/opt/fusion sim/fusion-sim",
            "run_sim",
            "--run_id",
            "0123456789ab",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let script = RunScript {
            run_id: "0123456789ab",
            run_name: "k=4\nsweep",
            profile: &profile(),
            run_dir: Path::new("/shared/fd/runs/0123456789ab"),
            command: &command,
            grace_seconds: 7.5,
        }
        .render();
        for line in [
            "#SBATCH --job-name=fdesk-0123456789ab\n",
            "#SBATCH --partition=long\n",
            "#SBATCH --account=optics\n",
            "#SBATCH --time=04:00:00\n",
            "#SBATCH --cpus-per-task=4\n",
            "#SBATCH --mem=8G\n",
            "#SBATCH --qos=high\n",
            "#SBATCH --output=/shared/fd/runs/0123456789ab/logs/slurm.log\n",
            "run_dir='/shared/fd/runs/0123456789ab'\n",
            "'/opt/fusion sim/fusion-sim' 'run_sim' '--run_id' '0123456789ab' &\n",
            "(sleep 7.500; kill -KILL",
        ] {
            assert!(script.contains(line), "missing {line:?} in\n{script}");
        }
        assert!(
            script.contains("(k=4 sweep)"),
            "a name cannot break out of its comment"
        );
        // The SBATCH block must come before the first command to be read.
        let first_command = script.find("\nrun_dir=").unwrap();
        assert!(script.rfind("#SBATCH").unwrap() < first_command);
    }

    #[test]
    fn array_script_looks_up_its_run() {
        let s = array_script(
            &profile(),
            Path::new("/d/slurm/a.index"),
            100,
            Path::new("/d/slurm/a"),
        );
        assert!(s.contains("#SBATCH --array=0-99\n"), "{s}");
        assert!(s.contains("#SBATCH --output=/d/slurm/a/task-%a.log\n"), "{s}");
        assert!(s.contains("exec /bin/bash \"$run_dir/slurm.sh\""), "{s}");
    }
}

//! Reading Slurm's answers. Slurm 22.05 (Debian 12's) has no `--json` on
//! `scontrol` and ignores `-j`/`-t` with `squeue --json`, so FUSION Desk
//! asks for a fixed text format and parses that.

/// `squeue` output format: array job id (the job id for a plain job), array
/// task id (`N/A` for a plain job), state, reason, nodes, time limit.
pub const SQUEUE_FORMAT: &str = "%F|%K|%T|%r|%N|%l";

/// squeue's arguments asking about `jobs` (array tasks one per line, ended
/// jobs included), in [`SQUEUE_FORMAT`].
pub fn squeue_args(jobs: &[&str]) -> Vec<String> {
    let mut args = ["-h", "-r", "-t", "all", "-j"].map(String::from).to_vec();
    args.push(jobs.join(","));
    args.extend(["-o".to_owned(), SQUEUE_FORMAT.to_owned()]);
    args
}

/// One line of `squeue -h -r -t all -o SQUEUE_FORMAT`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobLine {
    pub job_id: String,
    pub array_task: Option<i64>,
    pub state: String,
    pub reason: String,
    pub nodes: String,
    pub time_limit: String,
    /// `(code, signal)` of the batch script, when the answer carries it
    /// (`sacct` does, `squeue` does not).
    pub exit: Option<(i32, i32)>,
}

pub fn parse_squeue(text: &str) -> Vec<JobLine> {
    text.lines()
        .filter_map(|line| {
            let mut f = line.trim().splitn(6, '|');
            let job_id = f.next()?.trim().to_owned();
            let task = f.next()?.trim();
            let state = f.next()?.trim().to_owned();
            let reason = f.next()?.trim().to_owned();
            let nodes = f.next().unwrap_or_default().trim().to_owned();
            let time_limit = f.next().unwrap_or_default().trim().to_owned();
            if job_id.is_empty() || state.is_empty() || !job_id.chars().all(|c| c.is_ascii_digit()) {
                return None;
            }
            Some(JobLine {
                job_id,
                array_task: task.parse().ok(),
                state,
                reason,
                nodes,
                time_limit,
                exit: None,
            })
        })
        .collect()
}

/// `sacct` output format, with `-n -P -X`: job id (`<array id>_<task>` for
/// an array task), state, exit code, time limit.
pub const SACCT_FORMAT: &str = "JobID,State,ExitCode,Timelimit";

/// Lines of `sacct -n -P -X -o SACCT_FORMAT`, as [`JobLine`]s. Accounting
/// remembers jobs the controller has purged from its memory; its states may
/// carry a suffix (`CANCELLED by 0`), dropped here.
pub fn parse_sacct(text: &str) -> Vec<JobLine> {
    text.lines()
        .filter_map(|line| {
            let mut f = line.trim().split('|');
            let id = f.next()?.trim();
            let state = f.next()?.split_whitespace().next()?.to_owned();
            let exit = f.next().and_then(|e| {
                let (code, sig) = e.trim().split_once(':')?;
                Some((code.parse().ok()?, sig.parse().ok()?))
            });
            let time_limit = f.next().unwrap_or_default().trim().to_owned();
            let (job_id, task) = match id.split_once('_') {
                Some((job, task)) => (job, Some(task.parse().ok()?)),
                None => (id, None),
            };
            if job_id.is_empty() || !job_id.chars().all(|c| c.is_ascii_digit()) {
                return None;
            }
            Some(JobLine {
                job_id: job_id.to_owned(),
                array_task: task,
                state,
                reason: String::new(),
                nodes: String::new(),
                time_limit,
                exit,
            })
        })
        .collect()
}

/// `sbatch --parsable` prints `<job id>` or `<job id>;<cluster>`.
pub fn parse_sbatch(text: &str) -> Option<String> {
    let id = text.lines().rev().find(|l| !l.trim().is_empty())?.trim();
    let id = id.split(';').next()?.trim();
    (!id.is_empty() && id.chars().all(|c| c.is_ascii_digit())).then(|| id.to_owned())
}

/// `ExitCode=3:0` (code:signal) from `scontrol show job -o`.
pub fn parse_exit_code(scontrol: &str) -> Option<(i32, i32)> {
    let field = scontrol
        .split_whitespace()
        .find_map(|w| w.strip_prefix("ExitCode="))?;
    let (code, sig) = field.split_once(':')?;
    Some((code.parse().ok()?, sig.parse().ok()?))
}

/// What a job's state means for its run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Queued,
    Active,
    Ended,
}

pub fn phase(state: &str) -> Phase {
    match state {
        "PENDING" | "REQUEUED" | "REQUEUE_HOLD" | "REQUEUE_FED" | "RESV_DEL_HOLD" => Phase::Queued,
        "RUNNING" | "CONFIGURING" | "COMPLETING" | "SUSPENDED" | "STOPPED" | "SIGNALING" | "STAGE_OUT"
        | "RESIZING" => Phase::Active,
        _ => Phase::Ended,
    }
}

/// Pending reasons after which the job can never start as submitted.
pub fn never_starts(reason: &str) -> bool {
    matches!(
        reason,
        "PartitionConfig"
            | "DependencyNeverSatisfied"
            | "BadConstraints"
            | "InvalidAccount"
            | "InvalidQOS"
            | "QOSJobLimit"
            | "PartitionNodeLimit"
            | "PartitionTimeLimit"
            | "AccountNotAllowed"
            | "QOSNotAllowed"
    )
}

/// A pending reason in words.
pub fn explain_reason(reason: &str) -> String {
    let words = match reason {
        "None" | "" => "queued",
        "Resources" => "waiting for free CPUs or memory",
        "Priority" => "other jobs are ahead of it",
        "Dependency" => "waiting for the jobs it depends on",
        "BeginTime" => "waiting for its start time",
        "JobHeldUser" => "held by its user (scontrol release)",
        "JobHeldAdmin" => "held by an administrator",
        "ReqNodeNotAvail" => "the nodes it needs are not available",
        "PartitionDown" => "its partition is down",
        "PartitionInactive" => "its partition is inactive",
        "NodeDown" => "a node it needs is down",
        "Reservation" => "waiting for its reservation",
        "PartitionConfig" => {
            "it asks for more than the partition allows, e.g. more CPUs or memory than any node has"
        }
        "DependencyNeverSatisfied" => "a job it depends on failed, so its dependency can never be met",
        "BadConstraints" => "no node can satisfy its constraints",
        "PartitionNodeLimit" => "it asks for more nodes than the partition allows",
        "PartitionTimeLimit" => "its time limit is longer than the partition allows",
        "InvalidAccount" => "its account is invalid",
        "InvalidQOS" => "its QOS is invalid",
        "AccountNotAllowed" => "its account may not use the partition",
        "QOSNotAllowed" => "its QOS may not use the partition",
        r if r.starts_with("QOS") || r.starts_with("Assoc") => "a limit of its account or QOS holds it",
        _ => "",
    };
    if words.is_empty() {
        reason.to_owned()
    } else if reason.is_empty() || reason == "None" {
        words.to_owned()
    } else {
        format!("{reason} ({words})")
    }
}

/// Why a run whose job ended in `state` failed, in words; `None` for the
/// states whose outcome comes from the run's own exit status.
pub fn ended_message(state: &str, time_limit: &str) -> Option<String> {
    let limit = if time_limit.is_empty() || time_limit == "UNLIMITED" {
        String::new()
    } else {
        format!(" ({time_limit})")
    };
    Some(match state {
        "COMPLETED" | "FAILED" | "CANCELLED" => return None,
        "TIMEOUT" => format!(
            "Slurm stopped the run at its time limit{limit} (TIMEOUT); raise the cluster profile's time limit"
        ),
        "NODE_FAIL" => {
            "The cluster node running the run failed (Slurm NODE_FAIL); the run did not finish".to_owned()
        }
        "OUT_OF_MEMORY" => "The run ran out of memory on the cluster (Slurm OUT_OF_MEMORY); raise the \
             cluster profile's memory per run"
            .to_owned(),
        "PREEMPTED" => "Slurm preempted the run for a job of higher priority (PREEMPTED)".to_owned(),
        "BOOT_FAIL" => "The cluster node could not boot for the run (Slurm BOOT_FAIL)".to_owned(),
        "DEADLINE" => "The run missed its Slurm deadline (DEADLINE)".to_owned(),
        other => format!("Slurm ended the run's job as {other}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_jobs_and_array_tasks() {
        let text = "3|N/A|FAILED|NonZeroExitCode|localhost|UNLIMITED\n\
                    12|7|PENDING|Resources||1:00\n\
                    12|8|RUNNING|None|node[01-02]|1:00\n\
                    garbage line\n";
        let jobs = parse_squeue(text);
        assert_eq!(jobs.len(), 3);
        assert_eq!(jobs[0].job_id, "3");
        assert_eq!(jobs[0].array_task, None);
        assert_eq!(jobs[0].reason, "NonZeroExitCode");
        assert_eq!(jobs[1].array_task, Some(7));
        assert_eq!(jobs[1].nodes, "");
        assert_eq!(jobs[2].nodes, "node[01-02]");
        assert_eq!(jobs[2].time_limit, "1:00");
    }

    #[test]
    fn parses_accounting_lines_of_plain_jobs_and_array_tasks() {
        let text = "41|TIMEOUT|0:15|00:01:00\n\
                    42_3|FAILED|3:0|UNLIMITED\n\
                    42_4|CANCELLED by 0|0:15|UNLIMITED\n\
                    42_[5-9]|PENDING|0:0|UNLIMITED\n\
                    sacct: error: Slurm accounting storage is disabled\n";
        let jobs = parse_sacct(text);
        assert_eq!(jobs.len(), 3, "{jobs:?}");
        assert_eq!(
            (
                jobs[0].job_id.as_str(),
                jobs[0].array_task,
                jobs[0].state.as_str()
            ),
            ("41", None, "TIMEOUT")
        );
        assert_eq!(jobs[0].exit, Some((0, 15)));
        assert_eq!(jobs[0].time_limit, "00:01:00");
        assert_eq!((jobs[1].array_task, jobs[1].exit), (Some(3), Some((3, 0))));
        assert_eq!(jobs[2].state, "CANCELLED");
    }

    #[test]
    fn parses_sbatch_and_scontrol() {
        assert_eq!(parse_sbatch("1234\n").as_deref(), Some("1234"));
        assert_eq!(parse_sbatch("1234;cluster\n").as_deref(), Some("1234"));
        assert_eq!(parse_sbatch("sbatch: error\n"), None);
        let show = "JobId=3 JobName=f.sh JobState=FAILED Reason=NonZeroExitCode Dependency=(null) ExitCode=3:0 RunTime=00:00:00";
        assert_eq!(parse_exit_code(show), Some((3, 0)));
        assert_eq!(parse_exit_code("JobId=3"), None);
    }

    #[test]
    fn maps_states_and_reasons() {
        assert_eq!(phase("PENDING"), Phase::Queued);
        assert_eq!(phase("COMPLETING"), Phase::Active);
        assert_eq!(phase("TIMEOUT"), Phase::Ended);
        assert_eq!(phase("OUT_OF_MEMORY"), Phase::Ended);
        assert!(never_starts("PartitionConfig") && never_starts("DependencyNeverSatisfied"));
        assert!(!never_starts("Resources") && !never_starts("Priority"));
        assert_eq!(
            explain_reason("Resources"),
            "Resources (waiting for free CPUs or memory)"
        );
        assert_eq!(explain_reason("SomethingNew"), "SomethingNew");
        assert!(ended_message("TIMEOUT", "1:00")
            .unwrap()
            .contains("time limit (1:00)"));
        assert!(ended_message("NODE_FAIL", "").unwrap().contains("node"));
        assert_eq!(ended_message("COMPLETED", ""), None);
    }
}

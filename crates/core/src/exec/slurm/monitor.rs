//! Following Slurm runs: one `squeue` call per tick for every active cluster
//! run, whatever their number; each job's state becomes its run's status and
//! status line. Jobs the controller has purged are settled from the run's
//! `exit.json`; an unreachable controller leaves every run as it is, says so
//! on their status lines, and the next tick tries again.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::commands::{self, SlurmError};
use super::job_label;
use super::profile;
use super::squeue::{self, JobLine, Phase};
use super::transport::{CommandTransport, LocalTransport};
use crate::desk::Desk;
use crate::error::Result;
use crate::live::{FollowOptions, ProgressRecorder};
use crate::model::RunStatus;
use crate::outcome::{self, Outcome};
use crate::reported_results;
use crate::run_id::RunId;
use crate::store::{Finish, RunRow};
use crate::tasks::{TaskHandle, TaskProbe};
use crate::timestamp;

/// How often the app asks Slurm about its runs.
pub const POLL_INTERVAL: Duration = Duration::from_secs(1);
/// Run folders may sit on a network filesystem that emits no file events:
/// progress of cluster runs is read by polling.
const PROGRESS_POLL: Duration = Duration::from_millis(1000);

/// Per-Desk state of the cluster monitor.
pub struct SlurmState {
    /// Where Slurm's client commands run.
    transport: Arc<dyn CommandTransport>,
    /// The poller, once started; dropped (and so stopped) with the Desk.
    poller: Mutex<Option<TaskHandle>>,
    /// One poll at a time per process; the last one's time.
    polling: tokio::sync::Mutex<Option<Instant>>,
    /// Progress recorders of running cluster runs (watching Desks only).
    recorders: Mutex<HashMap<RunId, ProgressRecorder>>,
    /// The connections of clusters reached over SSH.
    ssh: crate::exec::ssh::SshConnections,
}

impl Default for SlurmState {
    fn default() -> Self {
        SlurmState::with_transport(Arc::new(LocalTransport))
    }
}

impl SlurmState {
    pub fn with_transport(transport: Arc<dyn CommandTransport>) -> Self {
        SlurmState {
            transport,
            poller: Mutex::new(None),
            polling: tokio::sync::Mutex::new(None),
            recorders: Mutex::new(HashMap::new()),
            ssh: crate::exec::ssh::SshConnections::default(),
        }
    }

    pub fn transport(&self) -> &dyn CommandTransport {
        self.transport.as_ref()
    }

    pub fn ssh(&self) -> &crate::exec::ssh::SshConnections {
        &self.ssh
    }

    /// Where the commands of a cluster profile run: its SSH login node, or
    /// this machine's transport.
    pub fn transport_for(
        &self,
        data: &crate::layout::DataDir,
        profile: Option<&profile::ClusterProfile>,
    ) -> Arc<dyn CommandTransport> {
        match profile.and_then(|p| self.ssh.for_profile(data, p).ok().flatten()) {
            Some(ssh) => ssh,
            None => self.transport.clone(),
        }
    }

    /// Starts the poller task once per Desk. It holds the Desk only for the
    /// length of one poll, so dropping the last Desk stops it.
    pub fn ensure_poller(&self, desk: &Desk) {
        let mut poller = self.poller.lock().expect("poller lock");
        if poller.is_some() {
            return;
        }
        let desk = desk.downgrade();
        *poller = Some(TaskHandle::spawn(async move {
            loop {
                let Some(desk) = desk.upgrade() else { return };
                if let Err(e) = desk.poll_clusters().await {
                    tracing::warn!("cannot follow cluster runs: {e}");
                }
                drop(desk);
                tokio::time::sleep(POLL_INTERVAL).await;
            }
        }));
    }

    /// The poller, if it was started.
    pub fn poller_probe(&self) -> Option<TaskProbe> {
        self.poller
            .lock()
            .expect("poller lock")
            .as_ref()
            .map(TaskHandle::probe)
    }
}

impl Desk {
    /// A running cluster run asks for attention: a watching Desk lets its
    /// poller handle it, a one-shot command polls now.
    pub(crate) async fn reconcile_on_cluster(&self) -> Result<()> {
        if self.watches_runs() {
            self.slurm_state().ensure_poller(self);
            Ok(())
        } else {
            self.poll_clusters().await
        }
    }

    /// One tick: submits what waits to be submitted, then asks Slurm about
    /// every active cluster run at once and settles them. Errors of Slurm
    /// itself are recorded on the runs; only store errors are returned.
    pub async fn poll_clusters(&self) -> Result<()> {
        let mut last = self.slurm_state().polling.lock().await;
        // Callers that loop (wait, log followers) ask often; Slurm is asked
        // at most about once a second per process.
        if last.is_some_and(|t| t.elapsed() < POLL_INTERVAL * 9 / 10) {
            return Ok(());
        }
        let active = self.store().active_on_clusters().await?;
        if active.is_empty() {
            *last = Some(Instant::now());
            return Ok(());
        }
        if self.watches_runs() {
            self.slurm_state().ensure_poller(self);
        }
        if active
            .iter()
            .any(|r| r.slurm_job_id.is_none() && r.status() == RunStatus::Pending)
        {
            self.submit_to_clusters().await?;
        }
        let submitted: Vec<RunRow> = self
            .store()
            .active_on_clusters()
            .await?
            .into_iter()
            .filter(|r| r.slurm_job_id.is_some())
            .collect();
        let submitted = crate::exec::ssh::follow::follow_remote(self, submitted).await?;
        *last = Some(Instant::now());
        if submitted.is_empty() {
            return Ok(());
        }
        let jobs: HashSet<&str> = submitted
            .iter()
            .filter_map(|r| r.slurm_job_id.as_deref())
            .collect();
        let mut jobs: Vec<&str> = jobs.into_iter().collect();
        jobs.sort_unstable();
        let args = squeue::squeue_args(&jobs);
        let lines = match commands::run(self.slurm_state().transport(), "squeue", &args).await {
            Ok(text) => squeue::parse_squeue(&text),
            // Every job asked about is gone from the controller's memory.
            Err(SlurmError::Refused(m)) if m.contains("Invalid job id") => Vec::new(),
            Err(e) => {
                let detail = match &e {
                    SlurmError::Unreachable(m) => format!(
                        "Cannot reach the Slurm controller ({m}). The run is kept; FUSION Desk \
                         checks again every few seconds"
                    ),
                    other => format!("Cannot ask Slurm about the run: {}", other.message()),
                };
                for row in &submitted {
                    if self.store().set_detail(&row.run_id(), &detail).await? {
                        self.emit_row(&row.run_id()).await?;
                    }
                }
                return Ok(());
            }
        };
        let mut lines = lines;
        let transport = self.slurm_state().transport();
        lines.extend(self.accounting_of_purged(transport, &submitted, &lines).await);
        let by_job: HashMap<(&str, Option<i64>), &JobLine> = lines
            .iter()
            .map(|l| ((l.job_id.as_str(), l.array_task), l))
            .collect();
        for row in &submitted {
            let key = (
                row.slurm_job_id.as_deref().unwrap_or_default(),
                row.slurm_array_task,
            );
            self.apply_job_state(row, by_job.get(&key).copied(), self.slurm_state().transport())
                .await?;
        }
        Ok(())
    }

    /// What accounting (`sacct`) remembers of the runs' jobs that the
    /// controller has already purged. Nothing when the cluster keeps no
    /// accounting (sacct then fails) or is not asked: such runs are settled
    /// from their exit.json alone. Asked through `transport`, where the
    /// cluster's commands run (its login node, for one reached over SSH).
    pub(crate) async fn accounting_of_purged(
        &self,
        transport: &dyn CommandTransport,
        submitted: &[RunRow],
        known: &[JobLine],
    ) -> Vec<JobLine> {
        let known: HashSet<(&str, Option<i64>)> =
            known.iter().map(|l| (l.job_id.as_str(), l.array_task)).collect();
        let mut purged: Vec<String> = submitted
            .iter()
            .filter(|r| {
                let job = r.slurm_job_id.as_deref().unwrap_or_default();
                !known.contains(&(job, r.slurm_array_task))
            })
            .filter_map(|r| job_label(r.slurm_job_id.as_deref(), r.slurm_array_task))
            .collect();
        if purged.is_empty() {
            return Vec::new();
        }
        purged.sort_unstable();
        purged.dedup();
        let args = vec![
            "-n".to_owned(),
            "-P".to_owned(),
            "-X".to_owned(),
            "-j".to_owned(),
            purged.join(","),
            "-o".to_owned(),
            squeue::SACCT_FORMAT.to_owned(),
        ];
        match commands::run(transport, "sacct", &args).await {
            Ok(text) => squeue::parse_sacct(&text),
            Err(_) => Vec::new(),
        }
    }

    pub(crate) async fn apply_job_state(
        &self,
        row: &RunRow,
        job: Option<&JobLine>,
        transport: &dyn CommandTransport,
    ) -> Result<()> {
        let id = row.run_id();
        let label = job_label(row.slurm_job_id.as_deref(), row.slurm_array_task).unwrap_or_default();
        let Some(job) = job else {
            return self.settle_cluster_run(row, None, transport).await;
        };
        match squeue::phase(&job.state) {
            Phase::Queued if squeue::never_starts(&job.reason) => {
                let _ = commands::run(transport, "scancel", std::slice::from_ref(&label)).await;
                self.fail_cluster_run(
                    &id,
                    format!(
                        "Slurm can never start this run: {}. Its job {label} was cancelled; change \
                         the cluster profile and run it again",
                        squeue::explain_reason(&job.reason)
                    ),
                )
                .await
            }
            Phase::Queued => {
                if row.cancel_requested_at.is_some() {
                    return Ok(());
                }
                let detail = format!(
                    "Waiting in Slurm's queue: {}",
                    squeue::explain_reason(&job.reason)
                );
                if self.store().set_detail(&id, &detail).await? {
                    self.emit_row(&id).await?;
                }
                Ok(())
            }
            Phase::Active => {
                let detail = if row.cancel_requested_at.is_some() {
                    row.status_detail.clone().unwrap_or_else(|| "Stopping".to_owned())
                } else if job.state == "SUSPENDED" {
                    format!("Suspended by Slurm (job {label})")
                } else {
                    format!("Running on {} (Slurm job {label})", job.nodes)
                };
                let changed = self.store().mark_running(&id, &detail).await?
                    || self.store().set_detail(&id, &detail).await?;
                if changed {
                    self.emit_row(&id).await?;
                }
                self.record_progress(&id);
                Ok(())
            }
            Phase::Ended => self.settle_cluster_run(row, Some(job), transport).await,
        }
    }

    /// A simulator that saves its results outside the run folder (the
    /// Python FUSION, into its source tree) reports where in its log, as
    /// the node sees the path: that folder becomes an artifact root of the run.
    async fn register_cluster_results(&self, row: &RunRow) {
        // A removed profile: the paths are taken as they are.
        let profile = profile::find(self.store(), &row.executor).await.ok();
        let root = self.data().root().to_owned();
        reported_results::register_final(self, &row.run_id(), |p| match &profile {
            Some(profile) => profile.local_path(&root, p),
            None => p.to_owned(),
        })
        .await;
    }

    fn record_progress(&self, id: &RunId) {
        if !self.watches_runs() {
            return;
        }
        let mut recorders = self.slurm_state().recorders.lock().expect("recorders lock");
        recorders.entry(id.clone()).or_insert_with(|| {
            ProgressRecorder::start_with(
                self.ctx().clone(),
                id.clone(),
                FollowOptions::polling(PROGRESS_POLL),
            )
        });
    }

    /// Records the end of a cluster run whose job ended (`job`) or that
    /// Slurm no longer knows (`None`, purged after `MinJobAge`).
    async fn settle_cluster_run(
        &self,
        row: &RunRow,
        job: Option<&JobLine>,
        transport: &dyn CommandTransport,
    ) -> Result<()> {
        let id = row.run_id();
        let dir = self.data().run(&id);
        let label = job_label(row.slurm_job_id.as_deref(), row.slurm_array_task).unwrap_or_default();
        let recorder = self
            .slurm_state()
            .recorders
            .lock()
            .expect("recorders lock")
            .remove(&id);
        match recorder {
            Some(recorder) => recorder.finish().await,
            None => {
                // Never seen running here (a fast job, or another process
                // followed it): record the final progress once.
                let recorder = ProgressRecorder::start_with(
                    self.ctx().clone(),
                    id.clone(),
                    FollowOptions::polling(PROGRESS_POLL),
                );
                recorder.finish().await;
            }
        }
        self.register_cluster_results(row).await;
        let outcome = Outcome::read(&dir.exit_file()).unwrap_or(None);
        let state = job.map(|j| j.state.as_str());
        let (exit_code, exit_signal) = outcome.as_ref().map_or((None, None), |o| (o.exit_code, o.signal));
        let finished_at = outcome
            .as_ref()
            .map_or_else(timestamp::now, |o| o.finished_at.clone());
        // Whatever ended it, the run ended when (and as) its exit.json says.
        let end = |f: Finish| f.with_exit(exit_code, exit_signal).at(finished_at.clone());
        let log = dir.sim_log();
        let finish = if row.cancel_requested_at.is_some() {
            end(Finish::cancelled())
        } else if state == Some("CANCELLED") {
            end(Finish::cancelled_because(format!(
                "Job {label} was cancelled in Slurm, outside FUSION Desk (scancel or an administrator)"
            )))
        } else if let Some(message) = state.and_then(|s| squeue::ended_message(s, &job.unwrap().time_limit)) {
            end(Finish::failed(outcome::with_log_tail(message, &log)))
        } else {
            match &outcome {
                Some(o) if o.cancelled => end(Finish::failed(outcome::with_log_tail(
                    format!(
                        "Slurm stopped job {label} with a signal (a time limit, a preemption or an \
                         scancel outside FUSION Desk)"
                    ),
                    &log,
                ))),
                Some(o) => o.finish(&log),
                None => match state {
                    Some("COMPLETED") => end(Finish::completed()),
                    Some(_) => {
                        let code = match job.and_then(|j| j.exit) {
                            Some(exit) => Some(exit),
                            None => commands::run(
                                transport,
                                "scontrol",
                                &["show".into(), "job".into(), "-o".into(), label.clone()],
                            )
                            .await
                            .ok()
                            .and_then(|t| squeue::parse_exit_code(&t)),
                        };
                        let head = match code {
                            Some((code, 0)) => format!("The simulator exited with code {code}"),
                            Some((_, sig)) => format!(
                                "The simulator was killed by signal {sig} ({})",
                                outcome::signal_name(sig)
                            ),
                            None => format!("Slurm job {label} failed"),
                        };
                        Finish::failed(outcome::with_log_tail(head, &log))
                            .at(finished_at.clone())
                            .with_exit(
                                code.filter(|c| c.1 == 0).map(|c| c.0),
                                code.filter(|c| c.1 != 0).map(|c| c.1),
                            )
                    }
                    None => end(Finish::failed(outcome::with_log_tail(
                        format!(
                            "Slurm no longer knows job {label} (it forgets finished jobs after a \
                             while) and the run left no exit.json, so its outcome is unknown"
                        ),
                        &log,
                    ))),
                },
            }
        };
        let detail = state.map(|s| format!("Slurm job {label} ended as {s}"));
        let started_at = started_at_of(&dir.exit_file());
        self.record_metrics_quietly(&id, Some(&finish.completed_at)).await;
        if self
            .store()
            .finish_on_cluster(&id, &finish, started_at.as_deref(), detail.as_deref())
            .await?
        {
            self.emit_row(&id).await?;
        }
        Ok(())
    }
}

/// The simulator's start as the batch script recorded it in exit.json.
fn started_at_of(exit_file: &std::path::Path) -> Option<String> {
    let bytes = crate::runfs::read(exit_file, crate::runfs::SMALL_FILE_CAP).ok()?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let started = value.get("started_at")?.as_str()?;
    timestamp::parse(started).map(|_| started.to_owned())
}

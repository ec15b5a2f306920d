//! What [`Desk`] offers for clusters: profiles, a cluster check, creating
//! many runs at once (cluster runs go as one job array), submission and
//! cancel.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::commands::{self, SlurmError};
use super::connection::ClusterConnection;
use super::job_label;
use super::profile::{self, ClusterProfile};
use super::script::{self, RunScript};
use crate::desk::Desk;
use crate::error::{DeskError, Result};
use crate::exec::protocol;
use crate::exec::ssh::HostKeyTrust;
use crate::layout::RunDir;
use crate::model::Lineage;
use crate::model::{CreateRunRequest, Placement, Run, RunStatus};
use crate::run_id::RunId;
use crate::run_lock::RunLock;
use crate::store::{Finish, RunRow};
use crate::timestamp;

/// Most runs in one job array; more go as several arrays.
const MAX_ARRAY_TASKS: usize = 1000;

/// What `sinfo` said about a cluster profile's partition.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ClusterCheck {
    pub profile: String,
    pub ok: bool,
    /// The partitions and node states, or exactly what is wrong.
    pub summary: String,
    /// What failed, as a stable code (`unresolvable`, `unreachable`,
    /// `authentication`, `host_key_unknown`, `no_slurm`, …); none when ok.
    pub problem: Option<String>,
    /// The key an unknown or changed login node presented, for the user to
    /// confirm before it is accepted.
    pub host_key_type: Option<String>,
    pub host_key_fingerprint: Option<String>,
}

/// The file of a run's batch script, in its folder.
pub fn script_file(dir: &RunDir) -> PathBuf {
    dir.root().join("slurm.sh")
}

impl Desk {
    pub async fn cluster_profiles(&self) -> Result<Vec<ClusterProfile>> {
        profile::load(self.store()).await
    }

    /// Adds a cluster profile or replaces the one of the same name.
    pub async fn save_cluster_profile(&self, profile: &ClusterProfile) -> Result<Vec<ClusterProfile>> {
        profile::save(self.store(), profile).await
    }

    pub async fn remove_cluster_profile(&self, name: &str) -> Result<Vec<ClusterProfile>> {
        profile::remove(self.store(), name).await
    }

    /// Asks the cluster (`sinfo`) whether the profile's partition exists and
    /// what its nodes are doing.
    pub async fn check_cluster(&self, name: &str) -> Result<ClusterCheck> {
        self.check_cluster_trusting(name, &HostKeyTrust::Refuse).await
    }

    /// [`check_cluster`](Self::check_cluster), accepting an unknown SSH host
    /// key when `trust` names its fingerprint.
    pub async fn check_cluster_trusting(&self, name: &str, trust: &HostKeyTrust) -> Result<ClusterCheck> {
        let profile = profile::find(self.store(), name).await?;
        if let ClusterConnection::Ssh { .. } = profile.connection {
            return Ok(crate::exec::ssh::check::check(self.data(), &profile, trust).await);
        }
        let mut args = vec!["-h".to_owned(), "-o".to_owned(), "%P %a %D %T %c".to_owned()];
        if !profile.partition.is_empty() {
            args.extend(["-p".to_owned(), profile.partition.clone()]);
        }
        let (problem, summary) = match commands::run(self.slurm_state().transport(), "sinfo", &args).await {
            Ok(text) if text.trim().is_empty() => (
                Some("command_failed"),
                if profile.partition.is_empty() {
                    "the cluster has no partitions".to_owned()
                } else {
                    format!("the cluster has no partition {:?}", profile.partition)
                },
            ),
            Ok(text) => {
                let lines: Vec<String> = text
                    .lines()
                    .filter_map(|l| {
                        let f: Vec<&str> = l.split_whitespace().collect();
                        (f.len() >= 5).then(|| {
                            format!(
                                "partition {} ({}): {} node(s) {}, {} CPUs each",
                                f[0], f[1], f[2], f[3], f[4]
                            )
                        })
                    })
                    .collect();
                (None, lines.join("; "))
            }
            Err(SlurmError::Unreachable(m)) => (
                Some("slurm_unreachable"),
                format!("cannot reach the Slurm controller: {m}"),
            ),
            Err(e @ SlurmError::Missing(_)) => (Some("no_slurm"), e.message().to_owned()),
            Err(e) => (Some("command_failed"), e.message().to_owned()),
        };
        Ok(ClusterCheck {
            profile: profile.name,
            ok: problem.is_none(),
            problem: problem.map(str::to_owned),
            summary,
            host_key_type: None,
            host_key_fingerprint: None,
        })
    }

    /// The cluster profile an executor name selects; `None` for this machine.
    pub(crate) async fn resolve_executor(&self, executor: Option<&str>) -> Result<Option<ClusterProfile>> {
        match Placement::from_request(executor) {
            Placement::Local => Ok(None),
            Placement::Slurm { cluster } => profile::find(self.store(), &cluster).await.map(Some),
        }
    }

    /// Creates several runs at once: every request is checked before any
    /// run is made, local runs are then dispatched once and the runs of each
    /// cluster go to it as one job array.
    pub async fn create_many(&self, reqs: &[CreateRunRequest]) -> Result<Vec<Run>> {
        for (i, req) in reqs.iter().enumerate() {
            self.configs()
                .resolve_config(req)
                .await
                .map_err(|e| DeskError::new(e.code, format!("run {}: {}", i + 1, e.message)))?;
            self.resolve_executor(req.executor.as_deref())
                .await
                .map_err(|e| DeskError::new(e.code, format!("run {}: {}", i + 1, e.message)))?;
        }
        let runs: Vec<(CreateRunRequest, Lineage)> =
            reqs.iter().map(|r| (r.clone(), Lineage::default())).collect();
        self.create_batch(&runs).await
    }

    /// Creates already checked runs, each with its lineage, then dispatches
    /// the local ones once and sends each cluster its runs as one job array.
    pub(crate) async fn create_batch(&self, reqs: &[(CreateRunRequest, Lineage)]) -> Result<Vec<Run>> {
        let mut created = Vec::with_capacity(reqs.len());
        let mut failure = None;
        for (req, lineage) in reqs {
            match self.create_queued(req, lineage).await {
                Ok(run) => created.push(run),
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        }
        // The runs already queued start even when a later one could not be
        // made: nothing else would dispatch or submit them until some other
        // run ends.
        self.start_placed(created.iter().map(Run::placement)).await?;
        if let Some(e) = failure {
            return Err(if created.is_empty() {
                e
            } else {
                DeskError::new(
                    e.code,
                    format!(
                        "{} of {} runs were created and queued; the next failed: {}",
                        created.len(),
                        reqs.len(),
                        e.message
                    ),
                )
            });
        }
        let mut runs = Vec::with_capacity(created.len());
        for run in created {
            runs.push(self.get(&run.id).await.unwrap_or(run));
        }
        Ok(runs)
    }

    /// Submits every cluster run that is not submitted yet: one job array
    /// per cluster (a plain job for a single run). One submitter at a time
    /// across processes, so no run is ever submitted twice.
    pub async fn submit_to_clusters(&self) -> Result<()> {
        let lock_path = self.data().root().join("slurm-submit.lock");
        let _submitting = tokio::task::spawn_blocking(move || RunLock::acquire_blocking(&lock_path))
            .await
            .map_err(|e| DeskError::internal(format!("submit lock task failed: {e}")))??;
        let pending = self.store().unsubmitted_to_clusters().await?;
        if pending.is_empty() {
            return Ok(());
        }
        let mut by_cluster: BTreeMap<String, Vec<RunRow>> = BTreeMap::new();
        for row in pending {
            by_cluster.entry(row.executor.clone()).or_default().push(row);
        }
        let grace = self.store().settings().await?.cancel_grace_seconds;
        for (name, rows) in by_cluster {
            let profile = match profile::find(self.store(), &name).await {
                Ok(p) => p,
                Err(_) => {
                    let why = format!("its cluster profile {name:?} no longer exists");
                    for row in &rows {
                        self.fail_cluster_run(
                            &row.run_id(),
                            format!("The run could not be submitted: {why}"),
                        )
                        .await?;
                    }
                    continue;
                }
            };
            if let Some(remote) = self.slurm_state().ssh().for_profile(self.data(), &profile)? {
                for chunk in rows.chunks(MAX_ARRAY_TASKS) {
                    if let [row] = chunk {
                        crate::exec::ssh::submit::submit_run(self.ctx(), &profile, row, grace, &remote)
                            .await?;
                    } else {
                        crate::exec::ssh::array::submit_array(self.ctx(), &profile, chunk, grace, &remote)
                            .await?;
                    }
                }
                continue;
            }
            // Slurm's default MaxArraySize is 1001 (task ids 0-1000).
            for chunk in rows.chunks(MAX_ARRAY_TASKS) {
                self.submit_group(&profile, chunk, grace).await?;
            }
        }
        if self.watches_runs() {
            self.slurm_state().ensure_poller(self);
        }
        Ok(())
    }

    async fn submit_group(&self, profile: &ClusterProfile, rows: &[RunRow], grace: f64) -> Result<()> {
        let root = self.data().root().to_owned();
        let mut dirs = Vec::with_capacity(rows.len());
        for row in rows {
            let id = row.run_id();
            let dir = self.data().run(&id);
            let cluster_dir = profile.cluster_path(&root, dir.root());
            let written = (|| -> Result<()> {
                let command = protocol::run_sim_command(
                    row.simulator.as_deref(),
                    &RunDir::at(cluster_dir.clone()),
                    &id,
                )?;
                let text = RunScript {
                    run_id: id.as_str(),
                    run_name: &row.name,
                    profile,
                    run_dir: &cluster_dir,
                    command: &command,
                    grace_seconds: grace,
                }
                .render();
                write_script(&script_file(&dir), &text)
            })();
            match written {
                Ok(()) => dirs.push((row, dir, cluster_dir)),
                Err(e) => {
                    self.fail_cluster_run(&id, format!("The run could not be submitted: {}", e.message))
                        .await?
                }
            }
        }
        if dirs.is_empty() {
            return Ok(());
        }
        let submitted = if let [(_, dir, cluster_dir)] = dirs.as_slice() {
            let args = vec![
                "--parsable".to_owned(),
                format!("--chdir={}", cluster_dir.to_string_lossy()),
                script_file(dir).to_string_lossy().into_owned(),
            ];
            commands::run(self.slurm_state().transport(), "sbatch", &args)
                .await
                .map(|out| (out, false))
        } else {
            self.submit_array(
                profile,
                &dirs.iter().map(|(_, _, c)| c.clone()).collect::<Vec<_>>(),
            )
            .await
            .map(|out| (out, true))
        };
        match submitted {
            Ok((out, array)) => {
                let Some(job) = super::squeue::parse_sbatch(&out) else {
                    for (row, _, _) in &dirs {
                        self.fail_cluster_run(
                            &row.run_id(),
                            format!("sbatch gave no job id (it printed {:?})", out.trim()),
                        )
                        .await?;
                    }
                    return Ok(());
                };
                for (task, (row, _, _)) in dirs.iter().enumerate() {
                    let task = array.then_some(task as i64);
                    let label = job_label(Some(&job), task).unwrap_or_default();
                    let detail = format!("Submitted to Slurm as job {label}; waiting in its queue");
                    if self
                        .store()
                        .record_submission(&row.run_id(), &job, task, &detail)
                        .await?
                    {
                        self.emit_row(&row.run_id()).await?;
                    } else {
                        // Cancelled while we submitted: the job must not run.
                        let _ = commands::run(self.slurm_state().transport(), "scancel", &[label]).await;
                    }
                }
            }
            Err(SlurmError::Unreachable(m)) => {
                let detail = format!(
                    "Not submitted yet: cannot reach the Slurm controller ({m}). FUSION Desk submits \
                     it as soon as the controller answers"
                );
                for (row, _, _) in &dirs {
                    if self.store().set_detail(&row.run_id(), &detail).await? {
                        self.emit_row(&row.run_id()).await?;
                    }
                }
            }
            Err(e) => {
                for (row, _, _) in &dirs {
                    self.fail_cluster_run(&row.run_id(), format!("Slurm refused the run: {}", e.message()))
                        .await?;
                }
            }
        }
        Ok(())
    }

    /// Writes the index and the array script into `<data>/slurm/` and
    /// submits them; returns sbatch's output.
    async fn submit_array(
        &self,
        profile: &ClusterProfile,
        cluster_dirs: &[PathBuf],
    ) -> std::result::Result<String, SlurmError> {
        let root = self.data().root().to_owned();
        let folder = root.join("slurm");
        let name = format!(
            "array-{}-{}",
            timestamp::now()[..19].replace([':', '-'], "").replace('T', "-"),
            &RunId::generate().as_str()[..6]
        );
        let index = folder.join(format!("{name}.index"));
        let logs = folder.join(&name);
        let script_path = folder.join(format!("{name}.sh"));
        let index_text: String = cluster_dirs
            .iter()
            .enumerate()
            .map(|(i, d)| format!("{i}\t{}\n", d.to_string_lossy()))
            .collect();
        let text = script::array_script(
            profile,
            &profile.cluster_path(&root, &index),
            cluster_dirs.len(),
            &profile.cluster_path(&root, &logs),
        );
        let written = crate::layout::create_private_dir_all(&logs)
            .map_err(|e| DeskError::io(format!("cannot create {}", logs.display()), e))
            .and_then(|()| crate::runfs::write_atomic(&index, index_text.as_bytes(), crate::runfs::FILE_MODE))
            .and_then(|()| write_script(&script_path, &text));
        if let Err(e) = written {
            return Err(SlurmError::Refused(e.message));
        }
        let args = vec![
            "--parsable".to_owned(),
            format!("--chdir={}", profile.cluster_path(&root, &root).to_string_lossy()),
            script_path.to_string_lossy().into_owned(),
        ];
        commands::run(self.slurm_state().transport(), "sbatch", &args).await
    }

    pub(crate) async fn fail_cluster_run(&self, id: &RunId, message: String) -> Result<()> {
        if self
            .store()
            .finish_on_cluster(id, &Finish::failed(message), None, None)
            .await?
        {
            self.emit_row(id).await?;
        }
        Ok(())
    }

    /// Cancels a cluster run: a run not yet submitted, or still in Slurm's
    /// queue, is CANCELLED at once (its job removed); a running one gets
    /// `scancel --batch --signal=TERM` (the batch shell forwards it to the
    /// simulator's whole group), then a plain `scancel` after the grace
    /// period, and is CANCELLED when Slurm reports the job ended.
    pub(crate) async fn cancel_on_cluster(&self, row: RunRow) -> Result<Run> {
        let id = row.run_id();
        if row.status().is_terminal() {
            return Err(DeskError::invalid_state(format!(
                "run {id} is already {}; only pending or running runs can be cancelled",
                row.status().as_str()
            )));
        }
        let label = job_label(row.slurm_job_id.as_deref(), row.slurm_array_task);
        let profile = profile::find(self.store(), &row.executor).await.ok();
        let transport = self.slurm_state().transport_for(self.data(), profile.as_ref());
        let cancelled_now = |detail: Option<&str>| {
            let desk = self.clone();
            let id = id.clone();
            let detail = detail.map(str::to_owned);
            async move {
                desk.store().request_cancel_with_detail(&id, "Cancelled").await?;
                desk.store()
                    .finish_on_cluster(&id, &Finish::cancelled(), None, detail.as_deref())
                    .await?;
                desk.updated(&id).await
            }
        };
        let Some(label) = label else {
            // Not submitted: nothing exists on the cluster. The submit lock
            // keeps a submission from racing this (it re-checks the row).
            if self.store().cancel_pending(&id).await? {
                return self.updated(&id).await;
            }
            return self.get(id.as_str()).await;
        };
        if row.status() == RunStatus::Pending {
            commands::run(transport.as_ref(), "scancel", std::slice::from_ref(&label)).await?;
            return cancelled_now(Some(&format!("Removed from Slurm's queue (job {label})"))).await;
        }
        let grace = self.store().settings().await?.grace();
        self.store()
            .request_cancel_with_detail(
                &id,
                &format!("Stopping: SIGTERM sent, SIGKILL after {} s", grace.as_secs_f64()),
            )
            .await?;
        commands::run(
            transport.as_ref(),
            "scancel",
            &["--batch".to_owned(), "--signal=TERM".to_owned(), label.clone()],
        )
        .await?;
        let desk = self.clone();
        let watched = id.clone();
        tokio::spawn(async move {
            // The batch script escalates by itself too, so a cancel from a
            // short-lived `fdesk` that exits now still ends the run.
            tokio::time::sleep(grace + Duration::from_millis(500)).await;
            if desk
                .store()
                .get(&watched)
                .await
                .ok()
                .flatten()
                .is_some_and(|r| !r.status().is_terminal())
            {
                let _ = commands::run(transport.as_ref(), "scancel", &[label]).await;
            }
        });
        if self.watches_runs() {
            self.slurm_state().ensure_poller(self);
        }
        self.updated(&id).await
    }
}

fn write_script(path: &Path, text: &str) -> Result<()> {
    // Executable by its owner only: a script others could edit would run as us.
    crate::runfs::write_atomic(path, text.as_bytes(), crate::runfs::SCRIPT_MODE)
}

//! [`Desk`]: the run lifecycle over the store, the executor and the run
//! folders. Every process (the app, `fdesk`, each supervisor) opens one; they
//! coordinate only through SQLite and the run locks, so any of them may stop
//! at any moment without losing a run.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use tokio::sync::broadcast;

use crate::artifacts::Artifacts;
use crate::compare::Compare;
use crate::configs::Configs;
use crate::ctx::Ctx;
use crate::error::{DeskError, ErrorCode, Result};
use crate::events::RunEvent;
use crate::exec::{local, protocol, LaunchSpec, LocalExecutor, SupervisorProgram};
use crate::layout::{DataDir, RunDir};
use crate::model::Lineage;
use crate::model::{CreateRunRequest, ListQuery, Placement, Run, RunPage, RunStatus};
use crate::outcome::{self, Outcome};
use crate::procfs;
use crate::run_id::RunId;
use crate::run_lock::RunLock;
use crate::runs::{self, validate_name};
use crate::settings::{self, Settings, SettingsView};
use crate::store::{Finish, NewRun, RunRow, Store};
use crate::tasks::{TaskHandle, TaskProbe};
use crate::timestamp;

pub struct DeskOptions {
    pub data: DataDir,
    /// How runs placed on this machine are started.
    pub local: LocalExecutor,
    /// Keep a task per active run that records its end as soon as it happens.
    /// Long-lived processes (the app, `fdesk wait`) want this; one-shot
    /// commands and supervisors do not.
    pub watch_runs: bool,
}

impl DeskOptions {
    /// The data dir from the environment; this program supervises the runs it starts.
    pub fn from_env() -> Result<Self> {
        Ok(DeskOptions {
            data: DataDir::from_env()?,
            local: LocalExecutor {
                supervisor: SupervisorProgram::current_exe()?,
            },
            watch_runs: false,
        })
    }

    pub fn supervisor(data: DataDir) -> Result<Self> {
        Ok(DeskOptions {
            data,
            local: LocalExecutor {
                supervisor: SupervisorProgram::current_exe()?,
            },
            watch_runs: false,
        })
    }

    pub fn watching(mut self) -> Self {
        self.watch_runs = true;
        self
    }
}

#[derive(Clone)]
pub struct Desk {
    inner: Arc<Inner>,
}

/// A Desk that does not keep the Desk alive: what background tasks hold
/// between two turns of their loop, so dropping the last Desk stops them.
#[derive(Clone)]
pub struct WeakDesk {
    inner: Weak<Inner>,
}

impl WeakDesk {
    pub fn upgrade(&self) -> Option<Desk> {
        self.inner.upgrade().map(|inner| Desk { inner })
    }
}

struct Inner {
    ctx: Ctx,
    local: LocalExecutor,
    watch_runs: bool,
    watched: Mutex<HashSet<RunId>>,
    slurm: crate::exec::slurm::monitor::SlurmState,
    /// The change monitor, once started; dropped (and so stopped) with the Desk.
    change_monitor: Mutex<Option<TaskHandle>>,
}

impl Desk {
    pub async fn open(options: DeskOptions) -> Result<Desk> {
        let store = Store::open(&options.data).await?;
        Ok(Desk {
            inner: Arc::new(Inner {
                ctx: Ctx::new(options.data, store),
                local: options.local,
                watch_runs: options.watch_runs,
                watched: Mutex::new(HashSet::new()),
                slurm: Default::default(),
                change_monitor: Mutex::new(None),
            }),
        })
    }

    /// What the domain functions work on.
    pub fn ctx(&self) -> &Ctx {
        &self.inner.ctx
    }

    pub fn configs(&self) -> Configs<'_> {
        Configs::new(self.ctx())
    }

    pub fn artifacts(&self) -> Artifacts<'_> {
        Artifacts::new(self.ctx())
    }

    pub fn comparisons(&self) -> Compare<'_> {
        Compare::new(self.ctx())
    }

    pub fn store(&self) -> &Store {
        self.inner.ctx.store()
    }

    pub fn data(&self) -> &DataDir {
        self.inner.ctx.data()
    }

    pub fn subscribe(&self) -> broadcast::Receiver<RunEvent> {
        self.inner.ctx.events().subscribe()
    }

    fn emit(&self, event: RunEvent) {
        self.inner.ctx.emit(event);
    }

    pub(crate) fn emit_event(&self, event: RunEvent) {
        self.emit(event);
    }

    fn to_run(&self, row: RunRow) -> Run {
        self.inner.ctx.to_run(row)
    }

    pub(crate) fn downgrade(&self) -> WeakDesk {
        WeakDesk {
            inner: Arc::downgrade(&self.inner),
        }
    }

    /// The background tasks this Desk runs (the change monitor, the cluster
    /// poller), to tell whether they stopped once it is dropped.
    pub fn background_tasks(&self) -> Vec<TaskProbe> {
        let monitor = self.inner.change_monitor.lock().expect("monitor lock");
        monitor
            .as_ref()
            .map(TaskHandle::probe)
            .into_iter()
            .chain(self.inner.slurm.poller_probe())
            .collect()
    }

    pub(crate) fn slurm_state(&self) -> &crate::exec::slurm::monitor::SlurmState {
        &self.inner.slurm
    }

    pub(crate) fn watches_runs(&self) -> bool {
        self.inner.watch_runs
    }

    pub(crate) async fn emit_row(&self, id: &RunId) -> Result<Option<Run>> {
        self.inner.ctx.emit_row(id).await
    }

    // ---------------------------------------------------------------- queries

    pub async fn get(&self, id: &str) -> Result<Run> {
        runs::get(self.ctx(), id).await
    }

    pub async fn list(&self, query: &ListQuery) -> Result<RunPage> {
        runs::list(self.ctx(), query).await
    }

    pub async fn active_runs(&self) -> Result<Vec<Run>> {
        runs::active_runs(self.ctx()).await
    }

    /// The frozen config.ini of a run.
    pub async fn config_text(&self, id: &str) -> Result<String> {
        runs::config_text(self.ctx(), id).await
    }

    // --------------------------------------------------------------- settings

    pub async fn settings(&self) -> Result<SettingsView> {
        let settings = self.store().settings().await?;
        Ok(SettingsView {
            effective_simulator: settings::effective_simulator(&settings)
                .map(|c| c.join(" "))
                .unwrap_or_else(|e| format!("(invalid: {})", e.message)),
            simulator_env_override: std::env::var(settings::SIMULATOR_ENV)
                .ok()
                .filter(|v| !v.trim().is_empty()),
            data_dir: self.data().root().to_string_lossy().into_owned(),
            settings,
        })
    }

    /// Saves the settings; a higher concurrency limit starts queued runs at once.
    pub async fn save_settings(&self, settings: &Settings) -> Result<SettingsView> {
        self.store().save_settings(settings).await?;
        self.dispatch().await?;
        self.settings().await
    }

    // -------------------------------------------------------------- lifecycle

    /// Creates a run: a fresh id, its folder with the frozen config.ini, a
    /// PENDING row; then starts it if a slot is free (or submits it to its
    /// Slurm cluster).
    pub async fn create(&self, req: &CreateRunRequest) -> Result<Run> {
        let run = self.create_queued(req, &Lineage::default()).await?;
        self.start_placed([run.placement()]).await?;
        Ok(self.get(&run.id).await.unwrap_or(run))
    }

    /// Starts what was just queued: the local queue is served once and the
    /// clusters get their new runs, whatever the mix of placements.
    pub(crate) async fn start_placed(&self, placements: impl IntoIterator<Item = Placement>) -> Result<()> {
        let (mut local, mut clusters) = (false, false);
        for placement in placements {
            match placement {
                Placement::Local => local = true,
                Placement::Slurm { .. } => clusters = true,
            }
        }
        if local {
            self.dispatch().await?;
        }
        if clusters {
            self.submit_to_clusters().await?;
        }
        Ok(())
    }

    /// Creates a run (folder, frozen config, PENDING row) without starting
    /// or submitting it; `lineage` places it in a sweep or records what it
    /// re-runs.
    pub(crate) async fn create_queued(&self, req: &CreateRunRequest, lineage: &Lineage) -> Result<Run> {
        // The final text is validated before anything is written: an invalid
        // config never gets a row or a folder.
        let config = self.configs().resolve_config(req).await?;
        let overrides = &config.overrides;
        let name = match req.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            Some(n) => validate_name(n)?,
            None => format!(
                "{} {}",
                config.template,
                &timestamp::now()[..16].replace('T', " ")
            ),
        };
        let settings = self.store().settings().await?;
        let executor = self.resolve_executor(req.executor.as_deref()).await?;
        let simulator = match executor.as_ref().map(|p| p.simulator_command.trim()) {
            Some(cluster) if !cluster.is_empty() => settings::split_command(cluster)?,
            _ => settings::effective_simulator(&settings)?,
        };

        let (id, dir) = loop {
            let id = RunId::generate();
            let dir = self.data().run(&id);
            // create_dir (not _all) fails if the id is taken: draw again.
            match crate::layout::create_private_dir(dir.root()) {
                Ok(()) => break (id, dir),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => {
                    return Err(DeskError::io(
                        format!("cannot create {}", dir.root().display()),
                        e,
                    ))
                }
            }
        };
        let header = format!(
            "# Frozen by FUSION Desk for run {id} from template {:?} at {}\n",
            config.template,
            timestamp::now()
        );
        let text = header + &config.text;
        let result = async {
            for sub in [dir.logs(), dir.output()] {
                crate::layout::create_private_dir(&sub)
                    .map_err(|e| DeskError::io(format!("cannot create {}", sub.display()), e))?;
            }
            crate::runfs::write_atomic(&dir.config(), text.as_bytes(), crate::runfs::FILE_MODE)?;
            let overrides: Vec<String> = overrides
                .iter()
                .map(|o| format!("{}.{}={}", o.section, o.key, o.value))
                .collect();
            let network = crate::history::network_of_config(&text).unwrap_or_default();
            self.store()
                .insert_new_run(&NewRun {
                    id: &id,
                    name: &name,
                    template: &config.template,
                    overrides: &overrides,
                    simulator: &settings::join_command(&simulator),
                    placement: &executor.as_ref().map_or(Placement::Local, |p| Placement::Slurm {
                        cluster: p.name.clone(),
                    }),
                    network: Some(&network),
                    lineage,
                })
                .await
        }
        .await;
        if let Err(e) = result {
            // Nothing refers to the folder yet: the row is the last step.
            let _ = std::fs::remove_dir_all(dir.root());
            return Err(e);
        }
        Ok(self.emit_row(&id).await?.expect("just inserted"))
    }

    /// Starts queued runs, oldest first, while fewer than the configured
    /// maximum are running. Safe to call from any number of processes at once.
    pub async fn dispatch(&self) -> Result<()> {
        // One dispatcher at a time across processes: claims then happen in
        // queue order even when several runs end at once.
        let lock_path = self.data().root().join("dispatch.lock");
        let _dispatching = tokio::task::spawn_blocking(move || RunLock::acquire_blocking(&lock_path))
            .await
            .map_err(|e| DeskError::internal(format!("dispatch lock task failed: {e}")))??;
        let max = self.store().settings().await?.max_concurrent_runs;
        let mut after = 0;
        while self.store().running_count().await? < max {
            let Some(row) = self.store().next_pending(after).await? else {
                break;
            };
            after = row.seq;
            let id = row.run_id();
            let dir = self.data().run(&id);
            if !dir.root().is_dir() {
                self.fail_unstartable(&id, max, "the run's folder is missing")
                    .await?;
                continue;
            }
            // A pending run's lock is only ever held by a dispatcher, and we are
            // the only one; held anyway means it is being handled: skip it.
            let Some(lock) = RunLock::try_acquire(&dir.lock_file())? else {
                continue;
            };
            let command = protocol::run_sim_command(row.simulator.as_deref(), &dir, &id)?;
            if !self.store().claim(&id, max).await? {
                continue;
            }
            self.emit_row(&id).await?;
            let spec = LaunchSpec {
                id: &id,
                dir: &dir,
                data: self.data(),
                command: &command,
                lock,
            };
            match self.inner.local.launch(spec).await {
                Ok(launched) => {
                    self.emit_row(&id).await?;
                    if self.inner.watch_runs {
                        self.watch(id, launched.child);
                    }
                }
                Err(e) => {
                    self.store()
                        .finish(
                            &id,
                            &Finish::failed(format!("The run could not be started: {}", e.message)),
                        )
                        .await?;
                    self.emit_row(&id).await?;
                }
            }
        }
        Ok(())
    }

    async fn fail_unstartable(&self, id: &RunId, max: u32, why: &str) -> Result<()> {
        if self.store().claim(id, max.saturating_add(1)).await? {
            self.store()
                .finish(
                    id,
                    &Finish::failed(format!("The run could not be started: {why}")),
                )
                .await?;
            self.emit_row(id).await?;
        }
        Ok(())
    }

    /// Cancels a run. A pending run is CANCELLED at once; a running one gets
    /// SIGTERM on its whole group and SIGKILL after the grace period, and
    /// becomes CANCELLED when its group is gone. Returns without waiting.
    pub async fn cancel(&self, id: &str) -> Result<Run> {
        let id = RunId::parse(id)?;
        let row = self.store().require(&id).await?;
        if let Placement::Slurm { .. } = row.placement() {
            return self.cancel_on_cluster(row).await;
        }
        if row.status() == RunStatus::Pending && self.store().cancel_pending(&id).await? {
            return self.updated(&id).await;
        }
        // Re-read: a pending run may have been started meanwhile.
        let row = self.store().require(&id).await?;
        match row.status() {
            RunStatus::Running => {}
            status => {
                return Err(DeskError::invalid_state(format!(
                    "run {id} is already {}; only pending or running runs can be cancelled",
                    status.as_str()
                )))
            }
        }
        self.store().request_cancel(&id).await?;
        let row = self.store().require(&id).await?;
        let grace = self.store().settings().await?.grace();
        let dir = self.data().run(&id);
        if !self.inner.local.request_stop(&row, &dir, grace)? {
            // Nobody left to ask: settle the run here and now.
            self.reconcile(&id).await?;
        }
        self.updated(&id).await
    }

    /// Deletes a finished run: its row and its folder.
    pub async fn delete(&self, id: &str) -> Result<()> {
        let id = RunId::parse(id)?;
        let row = self.store().require(&id).await?;
        if !row.status().is_terminal() {
            return Err(DeskError::invalid_state(format!(
                "run {id} is {}; cancel it before deleting it",
                row.status().as_str()
            )));
        }
        let dir = self.data().run(&id);
        // Move the folder aside first: the rename is atomic, so the run is
        // either fully present or gone, never half-deleted under its name.
        let trash = self
            .data()
            .runs()
            .join(format!(".deleted-{id}-{}", RunId::generate()));
        match std::fs::rename(dir.root(), &trash) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(DeskError::io(
                    format!("cannot delete {}", dir.root().display()),
                    e,
                ))
            }
        }
        if !self.store().delete_terminal(&id).await? {
            let _ = std::fs::rename(&trash, dir.root());
            return Err(DeskError::invalid_state(format!(
                "run {id} changed state; not deleted"
            )));
        }
        if let Err(e) = std::fs::remove_dir_all(&trash) {
            if e.kind() != std::io::ErrorKind::NotFound {
                tracing::warn!("cannot remove {}: {e}", trash.display());
            }
        }
        self.emit(RunEvent::RunDeleted { id: id.to_string() });
        Ok(())
    }

    /// Waits until a run is terminal (or the timeout passes) and returns it.
    pub async fn wait(&self, id: &str, timeout: Option<Duration>) -> Result<Run> {
        let id = RunId::parse(id)?;
        let deadline = timeout.map(|t| Instant::now() + t);
        loop {
            let row = self.store().require(&id).await?;
            if row.status().is_terminal() {
                return Ok(self.to_run(row));
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return Err(DeskError::new(
                    ErrorCode::InvalidState,
                    format!("run {id} is still {} after the timeout", row.status().as_str()),
                ));
            }
            if let Placement::Slurm { .. } = row.placement() {
                // Slurm is asked at its own pace, not every 25 ms.
                self.poll_clusters().await?;
                tokio::time::sleep(crate::exec::slurm::monitor::POLL_INTERVAL / 4).await;
                continue;
            }
            match row.status() {
                RunStatus::Running => self.reconcile(&id).await?,
                _ => self.dispatch().await?,
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Brings every non-terminal run to its true state after a start-up:
    /// finished runs get their outcome, live ones are re-adopted, lost ones
    /// fail with a clear message; then the queue is served.
    pub async fn recover(&self) -> Result<()> {
        for row in self.store().with_status(RunStatus::Running).await? {
            if row.placement() == Placement::Local {
                self.reconcile(&row.run_id()).await?;
            }
        }
        // Cluster runs: submit what is not yet, settle what Slurm finished.
        self.poll_clusters().await?;
        self.remove_abandoned_folders().await?;
        self.dispatch().await
    }

    /// A `create` that died between writing a run's folder and its row leaves
    /// a folder no run owns (only its config: nothing ever ran in it). Such
    /// folders are removed once they are old enough that no `create` can
    /// still be finishing them.
    async fn remove_abandoned_folders(&self) -> Result<()> {
        const MIN_AGE: Duration = Duration::from_secs(120);
        let Ok(entries) = std::fs::read_dir(self.data().runs()) else {
            return Ok(());
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            if name.to_str().is_some_and(|n| n.starts_with(".deleted-")) {
                // A delete moves the folder aside first; a crash before its
                // removal leaves it here, owned by no run.
                let path = entry.path();
                if let Err(e) = tokio::task::spawn_blocking(move || std::fs::remove_dir_all(&path))
                    .await
                    .map_err(|e| std::io::Error::other(e.to_string()))
                    .and_then(|r| r)
                {
                    tracing::warn!("cannot remove {}: {e}", entry.path().display());
                }
                continue;
            }
            let Some(id) = name.to_str().and_then(|n| RunId::parse(n).ok()) else {
                continue;
            };
            let old_enough = entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| t.elapsed().is_ok_and(|age| age >= MIN_AGE));
            if old_enough && self.store().get(&id).await?.is_none() {
                let dir = self.data().run(&id);
                let never_ran = !dir.exit_file().exists() && !dir.sim_log().exists();
                if never_ran {
                    if let Err(e) = std::fs::remove_dir_all(dir.root()) {
                        tracing::warn!("cannot remove the abandoned folder {}: {e}", dir.root().display());
                    }
                }
            }
        }
        Ok(())
    }

    /// Checks one running run: if its owner is alive it is (re)adopted when
    /// this Desk watches runs; if not, its final state is settled.
    pub async fn reconcile(&self, id: &RunId) -> Result<()> {
        let placement = self.store().get(id).await?.map(|r| r.placement());
        if let Some(Placement::Slurm { .. }) = placement {
            return self.reconcile_on_cluster().await;
        }
        let dir = self.data().run(id);
        if !dir.root().is_dir() {
            if self
                .store()
                .finish(
                    id,
                    &Finish::failed("The run's folder disappeared while it was running"),
                )
                .await?
            {
                self.emit_row(id).await?;
            }
            return Ok(());
        }
        match RunLock::try_acquire(&dir.lock_file()) {
            Ok(None) => {
                if self.inner.watch_runs {
                    self.watch(id.clone(), None);
                }
                Ok(())
            }
            Ok(Some(lock)) => self.settle_unowned(id, &dir, Some(lock)).await,
            Err(e) if e.code == ErrorCode::ForbiddenPath || e.code == ErrorCode::NotFound => {
                // The simulator replaced or removed run.lock (its folder is its
                // own to write). The supervisor still holds the original; while
                // it lives the run is owned, once it is gone the run is settled.
                let row = self.store().require(id).await?;
                let owner_alive = match (row.supervisor_pid, row.supervisor_start_time) {
                    (Some(pid), Some(start)) => procfs::is_same_process(pid as i32, start as u64),
                    _ => false,
                };
                if owner_alive {
                    Ok(())
                } else {
                    self.settle_unowned(id, &dir, None).await
                }
            }
            Err(e) => Err(e),
        }
    }

    /// Settles a running run nobody owns any more; we hold its lock (or the
    /// lock file is gone and its last owner with it).
    async fn settle_unowned(&self, id: &RunId, dir: &RunDir, _lock: Option<RunLock>) -> Result<()> {
        let Some(row) = self.store().get(id).await? else {
            return Ok(());
        };
        if row.status() != RunStatus::Running {
            // Its supervisor already recorded the end; make sure we told everyone.
            self.emit(RunEvent::RunUpdated {
                run: Box::new(self.to_run(row)),
            });
            return Ok(());
        }
        match Outcome::read(&dir.exit_file()) {
            Ok(Some(outcome)) => return self.finish_owned_run(id, &outcome).await,
            Ok(None) => {}
            Err(e) => {
                // The folder is the simulator's to write: a broken or planted
                // exit.json settles the run as failed instead of never.
                local::kill_orphans(&row);
                let finish = Finish::failed(format!(
                    "The run's outcome file could not be read, so its exit status is unknown: {}",
                    e.message
                ));
                if self.store().finish(id, &finish).await? {
                    self.emit_row(id).await?;
                }
                return Ok(());
            }
        }
        if row.pid.is_none() {
            // Claimed, but no simulator pid on record. If the supervisor had
            // recorded itself it may have started the simulator and died
            // before recording it: a live simulator must never run twice in
            // one folder, so anything carrying the run's id is stopped and the
            // run fails instead of going back to the queue.
            let left = crate::procfs::processes_of_run(id.as_str());
            if row.supervisor_pid.is_none() || left.is_empty() {
                if self.store().requeue(id).await? {
                    self.emit_row(id).await?;
                }
                return Ok(());
            }
            for (pid, start) in left {
                crate::procfs::signal_if_same(pid, start, nix::sys::signal::Signal::SIGKILL);
            }
            let finish = Finish::failed(
                "The run's supervisor stopped before recording the simulator's pid; \
                 the simulator it had started was stopped",
            );
            if self.store().finish(id, &finish).await? {
                self.emit_row(id).await?;
            }
            return Ok(());
        }
        // The supervisor died without recording an outcome (killed, or the
        // machine went down). Nothing of the run may keep running unowned.
        local::kill_orphans(&row);
        let finish = if row.cancel_requested_at.is_some() {
            Finish::cancelled()
        } else {
            Finish::failed(outcome::with_log_tail(
                "The run's supervisor stopped unexpectedly, so the simulator's exit status is unknown; \
                 any simulator process left was stopped"
                    .to_owned(),
                &dir.sim_log(),
            ))
        };
        // What it saved before it stopped still counts in the history.
        self.record_metrics_quietly(id, Some(&finish.completed_at)).await;
        if self.store().finish(id, &finish).await? {
            self.emit_row(id).await?;
        }
        Ok(())
    }

    /// Records the outcome of a run whose supervisor has finished.
    pub async fn finish_owned_run(&self, id: &RunId, outcome: &Outcome) -> Result<()> {
        let finish = outcome.finish(&self.data().run(id).sim_log());
        // Summarised before the run turns terminal, so whoever sees it ended
        // sees its results in the list too.
        self.record_metrics_quietly(id, Some(&finish.completed_at)).await;
        if self.store().finish(id, &finish).await? {
            crate::history::disk::measure_quietly(self.ctx(), id).await;
            self.emit_row(id).await?;
        }
        Ok(())
    }

    /// A task that waits for a run's owner to go away (its lock to free up)
    /// and settles the run at once. One per run and process.
    fn watch(&self, id: RunId, child: Option<tokio::process::Child>) {
        if !self
            .inner
            .watched
            .lock()
            .expect("watch set lock")
            .insert(id.clone())
        {
            return;
        }
        let desk = self.clone();
        tokio::spawn(async move {
            if let Some(mut child) = child {
                // Reap our supervisor child; it exits once the run is recorded.
                let _ = child.wait().await;
            }
            let lock_path = desk.data().run(&id).lock_file();
            let lock = tokio::task::spawn_blocking(move || RunLock::acquire_blocking(&lock_path)).await;
            let result = match lock {
                Ok(Ok(lock)) => desk.settle_unowned(&id, &desk.data().run(&id), Some(lock)).await,
                // run.lock was replaced: settle the way a poll does.
                Ok(Err(e)) if matches!(e.code, ErrorCode::ForbiddenPath | ErrorCode::NotFound) => {
                    desk.wait_for_owner_then_reconcile(&id).await
                }
                Ok(Err(e)) => Err(e),
                Err(e) => Err(DeskError::internal(format!("watch task failed: {e}"))),
            };
            if let Err(e) = result {
                tracing::warn!(run = %id, "cannot settle run: {e}");
            }
            desk.inner.watched.lock().expect("watch set lock").remove(&id);
            if let Err(e) = desk.dispatch().await {
                tracing::warn!("cannot start queued runs: {e}");
            }
        });
    }

    /// For a run whose lock file was replaced: waits (polling) until its
    /// supervisor is gone, then settles it.
    async fn wait_for_owner_then_reconcile(&self, id: &RunId) -> Result<()> {
        loop {
            let Some(row) = self.store().get(id).await? else {
                return Ok(());
            };
            if row.status() != RunStatus::Running {
                return Ok(());
            }
            let alive = match (row.supervisor_pid, row.supervisor_start_time) {
                (Some(pid), Some(start)) => procfs::is_same_process(pid as i32, start as u64),
                _ => false,
            };
            if !alive {
                return self.settle_unowned(id, &self.data().run(id), None).await;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Cancels every pending and running run (the quit dialog's "cancel them").
    pub async fn cancel_all_active(&self) -> Result<usize> {
        let mut n = 0;
        // Pending first, so a freed slot does not start one of them.
        for row in self.store().with_status(RunStatus::Pending).await? {
            if self.cancel(&row.id).await.is_ok() {
                n += 1;
            }
        }
        for row in self.store().with_status(RunStatus::Running).await? {
            if self.cancel(&row.id).await.is_ok() {
                n += 1;
            }
        }
        Ok(n)
    }

    /// Watches the database for changes made by other processes (a CLI, a
    /// supervisor) and turns them into events; adopts runs others started.
    pub fn monitor_external_changes(&self) -> Result<()> {
        let mut monitor = self.inner.change_monitor.lock().expect("monitor lock");
        if monitor.is_none() {
            *monitor = Some(crate::change_monitor::spawn(self.downgrade())?);
        }
        Ok(())
    }
}

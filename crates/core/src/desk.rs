//! [`Desk`]: the facade the shell and the CLI drive FUSION Desk through.
//! It assembles one process — its [`Ctx`], its executors, its background
//! tasks — and every method is a delegation to the domain that holds the
//! rule. Every process (the app, `fdesk`, each supervisor) opens its own;
//! they coordinate only through SQLite and the run locks, so any of them
//! may stop at any moment without losing a run.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::broadcast;

use crate::artifacts::Artifacts;
use crate::compare::Compare;
use crate::configs::Configs;
use crate::ctx::Ctx;
use crate::error::Result;
use crate::events::RunEvent;
use crate::exec::slurm::clusters::Clusters;
use crate::exec::slurm::state::SlurmExecutor;
use crate::exec::{Executors, LocalExecutor, SupervisorProgram};
use crate::figure::Figures;
use crate::history::History;
use crate::layout::DataDir;
use crate::live::Live;
use crate::model::{CreateRunRequest, ListQuery, Run, RunPage};
use crate::plots::Plots;
use crate::preferences;
use crate::runs::{self, lifecycle, settle};
use crate::settings::{Settings, SettingsView};
use crate::store::Store;
use crate::sweeps::Sweeps;
use crate::tasks::{TaskHandle, TaskProbe};

pub struct DeskOptions {
    pub data: DataDir,
    /// The program that supervises the runs this machine starts.
    pub supervisor: SupervisorProgram,
    /// Keep a task per active run that records its end as soon as it happens.
    /// Long-lived processes (the app, `fdesk wait`) want this; one-shot
    /// commands do not.
    pub watch_runs: bool,
}

impl DeskOptions {
    /// The data dir from the environment; this program supervises the runs it starts.
    pub fn from_env() -> Result<Self> {
        Ok(DeskOptions {
            data: DataDir::from_env()?,
            supervisor: SupervisorProgram::current_exe()?,
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

struct Inner {
    executors: Arc<Executors>,
    /// The same executor as in `executors`, for its cluster profiles and checks.
    slurm: Arc<SlurmExecutor>,
    /// The change monitor, once started; dropped (and so stopped) with the Desk.
    change_monitor: Mutex<Option<TaskHandle>>,
}

impl Desk {
    pub async fn open(options: DeskOptions) -> Result<Desk> {
        let store = Store::open(&options.data).await?;
        let ctx = Ctx::new(options.data, store);
        let slurm = Arc::new(SlurmExecutor::default());
        let local = Arc::new(LocalExecutor::new(options.supervisor));
        let executors = Executors::new(ctx, options.watch_runs, vec![local, slurm.clone()]);
        Ok(Desk {
            inner: Arc::new(Inner {
                executors,
                slurm,
                change_monitor: Mutex::new(None),
            }),
        })
    }

    fn ex(&self) -> &Executors {
        &self.inner.executors
    }

    /// What the domain functions work on.
    pub fn ctx(&self) -> &Ctx {
        self.ex().ctx()
    }

    pub fn data(&self) -> &DataDir {
        self.ctx().data()
    }

    pub fn subscribe(&self) -> broadcast::Receiver<RunEvent> {
        self.ctx().events().subscribe()
    }

    // ------------------------------------------------------------ domains

    pub fn configs(&self) -> Configs<'_> {
        Configs::new(self.ctx())
    }

    pub fn artifacts(&self) -> Artifacts<'_> {
        Artifacts::new(self.ctx())
    }

    pub fn comparisons(&self) -> Compare<'_> {
        Compare::new(self.ctx())
    }

    pub fn history(&self) -> History<'_> {
        History::new(self.ctx())
    }

    pub fn live(&self) -> Live {
        Live::new(self.ctx().clone(), self.inner.executors.clone())
    }

    pub fn sweeps(&self) -> Sweeps<'_> {
        Sweeps::new(self.ex())
    }

    pub fn clusters(&self) -> Clusters<'_> {
        Clusters::new(self.ex(), &self.inner.slurm)
    }

    pub fn plots(&self) -> Plots<'_> {
        Plots::new(self.ctx())
    }

    pub fn figures(&self) -> Figures<'_> {
        Figures::new(self.ctx())
    }

    pub async fn settings(&self) -> Result<SettingsView> {
        preferences::view(self.ctx()).await
    }

    /// Saves the settings; a higher concurrency limit starts queued runs at once.
    pub async fn save_settings(&self, settings: &Settings) -> Result<SettingsView> {
        preferences::save(self.ctx(), settings).await?;
        self.dispatch().await?;
        self.settings().await
    }

    // -------------------------------------------------------------- runs

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

    pub async fn create(&self, req: &CreateRunRequest) -> Result<Run> {
        lifecycle::create(self.ex(), req).await
    }

    pub async fn create_many(&self, reqs: &[CreateRunRequest]) -> Result<Vec<Run>> {
        lifecycle::create_many(self.ex(), reqs).await
    }

    pub async fn cancel(&self, id: &str) -> Result<Run> {
        lifecycle::cancel(self.ex(), id).await
    }

    /// Cancels every pending and running run (the quit dialog's "cancel them").
    pub async fn cancel_all_active(&self) -> Result<usize> {
        lifecycle::cancel_all_active(self.ex()).await
    }

    pub async fn delete(&self, id: &str) -> Result<()> {
        lifecycle::delete(self.ctx(), id).await
    }

    pub async fn wait(&self, id: &str, timeout: Option<Duration>) -> Result<Run> {
        lifecycle::wait(self.ex(), id, timeout).await
    }

    /// Starts queued runs of this machine while fewer than the maximum run.
    pub async fn dispatch(&self) -> Result<()> {
        lifecycle::dispatch_local(self.ex()).await
    }

    /// Brings every non-terminal run to its true state after a start-up.
    pub async fn recover(&self) -> Result<()> {
        settle::recover(self.ex()).await
    }

    // ------------------------------------------------- background tasks

    /// Watches the database for changes made by other processes (a CLI, a
    /// supervisor) and turns them into events; adopts runs others started.
    pub fn monitor_external_changes(&self) -> Result<()> {
        let mut monitor = self.inner.change_monitor.lock().expect("monitor lock");
        if monitor.is_none() {
            *monitor = Some(crate::change_monitor::spawn(self.ex().downgrade())?);
        }
        Ok(())
    }

    /// The background tasks this Desk runs (the change monitor, the cluster
    /// poller), to tell whether they stopped once it is dropped.
    pub fn background_tasks(&self) -> Vec<TaskProbe> {
        let monitor = self.inner.change_monitor.lock().expect("monitor lock");
        let monitor = monitor.as_ref().map(TaskHandle::probe);
        monitor.into_iter().chain(self.ex().background_tasks()).collect()
    }
}

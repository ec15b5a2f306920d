//! The executor abstraction: where a run's processes live is an
//! [`Executor`], chosen per run by its parsed [`Placement`]. Executors are
//! batch-shaped — they start what is ready, cancel one run, and settle a
//! batch of runs to their true state — so one `squeue` serves every run of a
//! cluster and one dispatcher serves the whole local queue.
//!
//! [`Executors`] holds the executors of this process over its [`Ctx`]. It
//! names no concrete executor: each is handed in by whoever assembles the
//! process (the facade, a supervisor), so adding an executor adds a module
//! and one line there, and no executor module depends on another.

use std::sync::{Arc, Weak};
use std::time::Duration;

use crate::ctx::Ctx;
use crate::error::{DeskError, Result};
use crate::model::Placement;
use crate::store::RunRow;
use crate::tasks::TaskProbe;

/// What an executor's operations return: a boxed future, so executors can
/// be held as trait objects side by side.
pub use crate::tasks::Pending;

pub trait Executor: Send + Sync {
    /// Whether runs with this placement are this executor's.
    fn serves(&self, placement: &Placement) -> bool;

    /// Starts (or submits) every run of this executor that is ready to go,
    /// within its limits. Safe to call from any number of processes at once.
    fn start_ready<'a>(&'a self, ex: &'a Executors) -> Pending<'a, ()>;

    /// Asks this executor to stop one pending or running run; the run turns
    /// CANCELLED now or once its processes are gone.
    fn cancel<'a>(&'a self, ex: &'a Executors, row: &'a RunRow) -> Pending<'a, ()>;

    /// Brings a batch of this executor's active runs to their true state:
    /// ended runs are recorded, live ones (re)adopted when this process
    /// watches runs.
    fn settle<'a>(&'a self, ex: &'a Executors, rows: &'a [RunRow]) -> Pending<'a, ()>;

    /// How often a caller waiting for one of its runs should settle it again.
    fn poll_interval(&self) -> Duration;

    /// The background tasks it runs, to tell whether they stop with it.
    fn background_tasks(&self) -> Vec<TaskProbe> {
        Vec::new()
    }
}

/// The executors of one process, over its context.
pub struct Executors {
    ctx: Ctx,
    watch_runs: bool,
    all: Vec<Arc<dyn Executor>>,
    me: Weak<Executors>,
}

impl Executors {
    /// `watch_runs`: keep a task per active run that records its end as soon
    /// as it happens (the app, `fdesk wait`); one-shot commands do not.
    pub fn new(ctx: Ctx, watch_runs: bool, all: Vec<Arc<dyn Executor>>) -> Arc<Executors> {
        Arc::new_cyclic(|me| Executors {
            ctx,
            watch_runs,
            all,
            me: me.clone(),
        })
    }

    pub fn ctx(&self) -> &Ctx {
        &self.ctx
    }

    pub fn watches_runs(&self) -> bool {
        self.watch_runs
    }

    /// A reference that does not keep the executors alive: what background
    /// tasks hold between two turns of their loop.
    pub fn downgrade(&self) -> Weak<Executors> {
        self.me.clone()
    }

    /// A strong reference, for a task that must finish its work (settling
    /// a run that just ended) even if every other owner has gone.
    pub fn handle(&self) -> Arc<Executors> {
        self.me.upgrade().expect("borrowed from a live Arc")
    }

    /// The executor of runs placed at `placement`.
    pub fn for_placement(&self, placement: &Placement) -> Result<&dyn Executor> {
        self.all
            .iter()
            .find(|e| e.serves(placement))
            .map(|e| e.as_ref())
            .ok_or_else(|| DeskError::internal(format!("this process runs nothing placed at {placement:?}")))
    }

    /// The executor of a stored run.
    pub fn for_row(&self, row: &RunRow) -> Result<&dyn Executor> {
        self.for_placement(&row.placement())
    }

    pub fn all(&self) -> impl Iterator<Item = &dyn Executor> {
        self.all.iter().map(|e| e.as_ref())
    }

    /// Sorts runs by executor, in the order of [`Executors::all`].
    pub fn group(&self, rows: &[RunRow]) -> Vec<(&dyn Executor, Vec<RunRow>)> {
        let mut groups: Vec<(&dyn Executor, Vec<RunRow>)> = self.all().map(|e| (e, Vec::new())).collect();
        for row in rows {
            let placement = row.placement();
            if let Some((_, g)) = groups.iter_mut().find(|(e, _)| e.serves(&placement)) {
                g.push(row.clone());
            }
        }
        groups
    }

    pub fn background_tasks(&self) -> Vec<TaskProbe> {
        self.all().flat_map(|e| e.background_tasks()).collect()
    }
}

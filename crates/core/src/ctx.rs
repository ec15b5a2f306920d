//! [`Ctx`]: what every domain function receives — the data dir, the store
//! and the event bus. Cheap to clone (each part is shared), and holds nothing
//! of the facade, so a domain never needs [`crate::Desk`].

use crate::error::Result;
use crate::events::{EventBus, RunEvent};
use crate::layout::DataDir;
use crate::model::Run;
use crate::run_id::RunId;
use crate::store::{RunRow, Store};

#[derive(Debug, Clone)]
pub struct Ctx {
    data: DataDir,
    store: Store,
    events: EventBus,
}

impl Ctx {
    pub fn new(data: DataDir, store: Store) -> Ctx {
        Ctx {
            data,
            store,
            events: EventBus::default(),
        }
    }

    pub fn data(&self) -> &DataDir {
        &self.data
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn events(&self) -> &EventBus {
        &self.events
    }

    pub fn emit(&self, event: RunEvent) {
        self.events.emit(event);
    }

    /// A stored row as the shell and the CLI see it (paths resolved in this
    /// data dir).
    pub fn to_run(&self, row: RunRow) -> Run {
        row.into_run(&self.data)
    }

    /// Tells every subscriber the run's current state; the run, if it exists.
    pub async fn emit_row(&self, id: &RunId) -> Result<Option<Run>> {
        let run = self.store.get(id).await?.map(|r| self.to_run(r));
        if let Some(run) = &run {
            self.emit(RunEvent::RunUpdated {
                run: Box::new(run.clone()),
            });
        }
        Ok(run)
    }
}

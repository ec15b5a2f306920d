//! The core of FUSION Desk: everything a run needs from creation to its final
//! state, with no GUI dependency. The desktop shell, the `fdesk` CLI, the run
//! supervisor and the tests all drive runs through [`Desk`].

pub mod artifacts;
pub mod bindings;
pub mod change_monitor;
pub mod compare;
pub mod configs;
pub mod csv_table;
pub mod ctx;
pub mod desk;
pub mod error;
pub mod events;
pub mod exec;
pub mod figure;
pub mod history;
pub mod ini;
pub mod layout;
pub mod limits;
pub mod live;
pub mod model;
pub mod notices;
pub mod outcome;
pub mod plots;
pub mod preferences;
pub mod procfs;
pub mod reported_results;
pub mod run_id;
pub mod run_lock;
pub mod runfs;
pub mod runs;
pub mod settings;
pub mod simulator;
pub mod store;
pub mod sweeps;
pub mod tasks;
pub mod templates;
pub mod timestamp;

pub use ctx::Ctx;
pub use desk::{Desk, DeskOptions};
pub use error::{DeskError, ErrorCode, Result};
pub use events::RunEvent;
pub use model::{CreateRunRequest, ListQuery, Placement, Run, RunPage, RunStatus};
pub use run_id::RunId;
pub use settings::Settings;

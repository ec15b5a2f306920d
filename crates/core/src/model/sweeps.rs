//! What a sweep is, as stored and shown: its axes, its counts, and where a
//! run belongs in one.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Where a new run belongs: the sweep it is part of, the run it re-runs.
#[derive(Debug, Clone, Default)]
pub struct Lineage {
    pub sweep_id: Option<String>,
    pub rerun_of: Option<String>,
}

/// One axis, parsed: the key and every value it takes, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SweepAxis {
    pub section: String,
    pub key: String,
    pub values: Vec<String>,
}

impl SweepAxis {
    pub fn path(&self) -> String {
        format!("{}.{}", self.section, self.key)
    }
}

/// Runs of a sweep by state. A run that was re-run inside the sweep is not
/// counted: its re-run stands for the same point.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SweepCounts {
    pub total: u32,
    pub pending: u32,
    pub running: u32,
    pub completed: u32,
    pub failed: u32,
    pub cancelled: u32,
}

impl SweepCounts {
    /// No run of the sweep is waiting or running.
    pub fn finished(&self) -> bool {
        self.pending == 0 && self.running == 0
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Sweep {
    pub id: String,
    pub name: String,
    pub template: String,
    /// The overrides every run shares.
    pub overrides: Vec<String>,
    pub axes: Vec<SweepAxis>,
    pub created_at: String,
    pub counts: SweepCounts,
}

//! The history at scale: notes, tags and names written on runs, the values
//! the list's filters offer, bulk deletion and export, disk use and the
//! clean-up of old runs.

pub mod cleanup;
/// Disk use and the results cache are kept with the run's artifacts (an
/// ending run records both); the history reads them through here too.
pub use crate::artifacts::{disk, metrics};

pub mod tags;

use std::path::Path;

use serde::Serialize;
use ts_rs::TS;

use crate::artifacts::Artifacts;
use crate::ctx::Ctx;
use crate::error::{DeskError, Result};
use crate::model::Run;
use crate::run_id::RunId;
use crate::store::Store;

pub use cleanup::{CleanupPreview, CleanupQuery, CleanupReport};
pub use metrics::{LoadMetrics, Metric, MetricFilter, RunMetrics, SortKey};

/// The values in use, for the list's filter menus.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct RunFacets {
    pub templates: Vec<String>,
    pub networks: Vec<String>,
    pub tags: Vec<String>,
}

/// What happened to one run of a bulk action.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct BulkItem {
    pub id: String,
    pub ok: bool,
    /// Why it was refused or failed (None when `ok`).
    pub message: Option<String>,
    /// For an export: where the run's copy went.
    pub destination: Option<String>,
}

impl BulkItem {
    fn from_result(id: &str, r: Result<Option<String>>) -> BulkItem {
        match r {
            Ok(destination) => BulkItem {
                id: id.to_owned(),
                ok: true,
                message: None,
                destination,
            },
            Err(e) => BulkItem {
                id: id.to_owned(),
                ok: false,
                message: Some(e.message),
                destination: None,
            },
        }
    }
}

/// Most runs one bulk call handles; the list selects at most a few thousand.
pub const MAX_BULK: usize = 10_000;

pub use crate::configs::network_of_config;

/// Records a run's network from its frozen config (the start-up backfill of
/// runs recorded before the network was).
pub(crate) async fn record_network(store: &Store, id: &RunId, config: &str) -> Result<()> {
    store
        .set_network(id, &network_of_config(config).unwrap_or_default())
        .await
}

/// A folder name made of a run's name: letters, digits, `-_.` only, short.
pub fn folder_safe_name(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .take(60)
        .collect();
    let safe = safe.trim_matches(['.', '_']).to_owned();
    if safe.is_empty() {
        "run".to_owned()
    } else {
        safe
    }
}

fn check_bulk(ids: &[String]) -> Result<()> {
    if ids.is_empty() {
        return Err(DeskError::invalid_input("no runs selected"));
    }
    if ids.len() > MAX_BULK {
        return Err(DeskError::invalid_input(format!(
            "at most {MAX_BULK} runs at once"
        )));
    }
    Ok(())
}

/// The history of runs: names, tags, notes, facets, bulk operations,
/// disk use and the start-up backfill.
pub struct History<'a> {
    ctx: &'a Ctx,
}

impl<'a> History<'a> {
    pub fn new(ctx: &'a Ctx) -> Self {
        History { ctx }
    }
    /// Renames a run (the same rules as a name given at creation).
    pub async fn rename(&self, id: &str, name: &str) -> Result<Run> {
        let id = RunId::parse(id)?;
        let name = name.trim();
        if name.is_empty() {
            return Err(DeskError::invalid_input("a run name cannot be empty"));
        }
        let name = crate::runs::validate_name(name)?;
        self.ctx.store().require(&id).await?;
        self.ctx.store().set_name(&id, &name).await?;
        crate::runs::updated(self.ctx, &id).await
    }

    /// Replaces a run's tags (normalised: see [`tags::normalize_tag`]).
    pub async fn set_tags(&self, id: &str, new_tags: &[String]) -> Result<Run> {
        let id = RunId::parse(id)?;
        let new_tags = tags::normalize_tags(new_tags)?;
        self.ctx.store().require(&id).await?;
        self.ctx.store().set_tags(&id, &new_tags).await?;
        crate::runs::updated(self.ctx, &id).await
    }

    /// Replaces a run's markdown note (empty clears it).
    pub async fn set_note(&self, id: &str, note: &str) -> Result<Run> {
        let id = RunId::parse(id)?;
        tags::validate_note(note)?;
        self.ctx.store().require(&id).await?;
        self.ctx.store().set_note(&id, note).await?;
        crate::runs::updated(self.ctx, &id).await
    }

    /// Templates, networks and tags in use, sorted (one round trip each, all indexed).
    pub async fn facets(&self) -> Result<RunFacets> {
        let (templates, networks, tags) = self.ctx.store().facets().await?;
        Ok(RunFacets {
            templates,
            networks,
            tags,
        })
    }

    /// Deletes many finished runs (rows and folders). Each run is handled on
    /// its own: an active or missing one is reported and left as it is.
    pub async fn delete_many(&self, ids: &[String]) -> Result<Vec<BulkItem>> {
        check_bulk(ids)?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let r = crate::runs::lifecycle::delete(self.ctx, id).await.map(|()| None);
            out.push(BulkItem::from_result(id, r));
        }
        Ok(out)
    }

    /// Copies each run's folder (with its extra roots) to
    /// `<parent>/<name>-<id>/`, with the checks of a single export.
    pub async fn export_many(&self, ids: &[String], parent: &Path) -> Result<Vec<BulkItem>> {
        check_bulk(ids)?;
        if !parent.is_absolute() {
            return Err(DeskError::invalid_input(
                "the export folder must be an absolute path",
            ));
        }
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let r = async {
                let run = crate::runs::get(self.ctx, id).await?;
                let dest = parent.join(format!("{}-{}", folder_safe_name(&run.name), run.id));
                let summary = Artifacts::new(self.ctx)
                    .export_artifacts(&run.id, None, &dest, false)
                    .await?;
                Ok(Some(summary.destination))
            }
            .await;
            out.push(BulkItem::from_result(id, r));
        }
        Ok(out)
    }

    /// Measures a run's folder now (the list shows the cached size); tells
    /// every view through a `run_updated` event.
    pub async fn disk_use(&self, id: &str) -> Result<Run> {
        let id = RunId::parse(id)?;
        self.ctx.store().require(&id).await?;
        crate::artifacts::disk::measure(self.ctx, &id).await?;
        crate::runs::updated(self.ctx, &id).await
    }

    /// Fills what rows created before notes and tags lack: the network (from
    /// each frozen config), the disk use of finished runs and their results
    /// summary (see [`metrics`]). Runs in the
    /// background after start-up; a row it cannot read keeps an empty network.
    pub async fn backfill(&self) -> Result<u32> {
        let rows = self.ctx.store().backfill_candidates().await?;
        let mut n = 0;
        for row in rows {
            let (wants_network, wants_disk) = (row.wants_network, row.wants_disk);
            let Ok(id) = RunId::parse(&row.id) else { continue };
            if wants_network {
                let path = self.ctx.data().run(&id).config();
                let config = tokio::task::spawn_blocking(move || {
                    crate::runfs::read_string(&path, crate::runfs::CONFIG_CAP).unwrap_or_default()
                })
                .await
                .map_err(|e| DeskError::internal(format!("config read task failed: {e}")))?;
                record_network(self.ctx.store(), &id, &config).await?;
            }
            if wants_disk {
                crate::artifacts::disk::measure_quietly(self.ctx, &id).await;
            }
            n += 1;
        }
        if n > 0 {
            self.ctx.emit(crate::events::RunEvent::RunsChanged);
        }
        // The results cache last (it counts apart: see backfill_metrics).
        metrics::backfill(self.ctx).await?;
        Ok(n)
    }
}

/// Writes this module's TypeScript bindings into `dir`.
pub fn export_bindings(dir: &Path) -> Result<(), ts_rs::ExportError> {
    RunFacets::export_all_to(dir)?;
    BulkItem::export_all_to(dir)?;
    CleanupQuery::export_all_to(dir)?;
    CleanupPreview::export_all_to(dir)?;
    CleanupReport::export_all_to(dir)?;
    RunMetrics::export_all_to(dir)?;
    LoadMetrics::export_all_to(dir)?;
    Ok(())
}

impl History<'_> {
    /// Summarises every finished run the results cache lacks; returns how
    /// many it read (see [`metrics::backfill`]).
    pub async fn backfill_metrics(&self) -> Result<u32> {
        metrics::backfill(self.ctx).await
    }

    /// Reads a run's results into the cache now (see [`metrics::record`]).
    pub async fn record_metrics(&self, id: &RunId) -> Result<Option<RunMetrics>> {
        metrics::record(self.ctx, id, None).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names_keep_only_safe_characters() {
        assert_eq!(folder_safe_name("k=3 / run #1"), "k_3___run__1");
        assert_eq!(folder_safe_name("../.."), "run");
        assert_eq!(folder_safe_name(""), "run");
        assert_eq!(folder_safe_name(&"é".repeat(100)).chars().count(), 60);
    }

    #[test]
    fn the_network_comes_from_the_topology_section() {
        let cfg = "[general_settings]\nnetwork = x\n[topology_settings]\nnetwork = USNet\n";
        assert_eq!(network_of_config(cfg).as_deref(), Some("USNet"));
        assert_eq!(network_of_config("[general_settings]\n"), None);
    }
}

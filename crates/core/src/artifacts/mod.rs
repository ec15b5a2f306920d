//! Artifacts and results: browsing a run's files, previews with size caps,
//! checked paths for the shell's native actions, exports, and the results
//! table parsed from FUSION's `<E>_erlang.json` files.
//!
//! Every path a client names is an [`address::Address`] relative to a root of
//! the run: the run folder, or an extra read-only root registered for it
//! (`@label/...`). Addresses are validated before any file is touched and
//! then walked with `openat(O_NOFOLLOW)` one name at a time from the root (see
//! [`fsx`]), so nothing outside the run's roots is ever read: symbolic links
//! are listed, never followed.

pub mod address;
pub mod disk;
mod export;
pub mod fsx;
pub mod metrics;
mod open_check;
pub mod preview;
pub mod results;
pub mod roots;
pub mod tree;

use std::path::{Path, PathBuf};

use serde::Serialize;
use ts_rs::TS;

pub use address::{Address, RootRef};
pub use tree::{ExtraRoot, RunTree};

use crate::ctx::Ctx;
use crate::error::{DeskError, Result};
use crate::run_id::RunId;

/// What an entry is. Links are never followed, so a link is a `symlink`
/// whatever it points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    File,
    Dir,
    Symlink,
    /// A pipe, socket or device: listed, never opened.
    Other,
    /// An extra root of the run (`@label`), listed in the run folder.
    Root,
}

impl From<fsx::Kind> for EntryKind {
    fn from(k: fsx::Kind) -> Self {
        match k {
            fsx::Kind::File => EntryKind::File,
            fsx::Kind::Dir => EntryKind::Dir,
            fsx::Kind::Symlink => EntryKind::Symlink,
            fsx::Kind::Other => EntryKind::Other,
        }
    }
}

impl EntryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::File => "file",
            EntryKind::Dir => "dir",
            EntryKind::Symlink => "symlink",
            EntryKind::Other => "other",
            EntryKind::Root => "root",
        }
    }
}

/// One file or folder of a run.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ArtifactEntry {
    pub name: String,
    /// Its address, to pass back to list, preview, open and export.
    pub path: String,
    pub kind: EntryKind,
    /// Bytes (0 for folders).
    #[ts(type = "number")]
    pub size: u64,
    /// RFC 3339 UTC, e.g. `2026-11-26T07:30:00.123+00:00`.
    pub modified: Option<String>,
    /// For a link: its target text (never followed).
    pub link_target: Option<String>,
    /// For an extra root: the folder it stands for.
    pub location: Option<String>,
}

/// A page of a folder's entries: folders first, then natural name order.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ArtifactListing {
    pub run_id: String,
    /// The listed folder's address (`""` for the run folder).
    pub path: String,
    pub entries: Vec<ArtifactEntry>,
    /// Entries in the whole folder.
    pub total: u32,
    pub offset: u32,
    pub limit: u32,
}

/// Disk use of a folder and everything below it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ArtifactUsage {
    pub path: String,
    /// Sum of file sizes.
    #[ts(type = "number")]
    pub bytes: u64,
    /// Space allocated on disk (folders included).
    #[ts(type = "number")]
    pub disk_bytes: u64,
    #[ts(type = "number")]
    pub files: u64,
    #[ts(type = "number")]
    pub folders: u64,
    #[ts(type = "number")]
    pub symlinks: u64,
    /// False when some folder could not be read or was too deep.
    pub complete: bool,
}

/// A preview of one file.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ArtifactPreview {
    pub path: String,
    #[ts(type = "number")]
    pub size: u64,
    pub modified: Option<String>,
    pub content: PreviewContent,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PreviewContent {
    /// Text and logs: the whole text in `head` when small, else the first
    /// and last 64 KiB (`tail` set, `truncated`).
    Text {
        head: String,
        tail: Option<String>,
        truncated: bool,
        /// Why a JSON file is shown as text, for instance.
        note: Option<String>,
    },
    /// JSON: the parsed `value` (foldable) up to 1 MiB; above, a
    /// pretty-printed text capped at 256 KiB.
    Json {
        value: Option<serde_json::Value>,
        pretty: Option<String>,
        truncated: bool,
    },
    /// CSV/TSV as a table: at most 500 rows.
    Csv {
        delimiter: String,
        header: Vec<String>,
        rows: Vec<Vec<String>>,
        rows_shown: u32,
        truncated: bool,
    },
    /// PNG, JPEG, GIF, WebP or SVG (always as an image, to show with
    /// `<img src="data:...">`, never as markup), up to 8 MiB.
    Image { mime: String, data_base64: String },
    /// Anything else: described, never dumped.
    Binary {
        detected: String,
        mime: Option<String>,
        note: Option<String>,
    },
}

/// An extra, read-only root registered for a run.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ArtifactRoot {
    pub run_id: String,
    pub label: String,
    /// Canonical absolute folder.
    pub path: String,
    pub created_at: String,
}

/// What an export copied.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ExportSummary {
    /// The absolute path of the copy.
    pub destination: String,
    #[ts(type = "number")]
    pub files: u64,
    #[ts(type = "number")]
    pub folders: u64,
    #[ts(type = "number")]
    pub bytes: u64,
    /// Addresses not copied: links, pipes, devices, entries that changed
    /// during the copy (the first 1000).
    pub skipped: Vec<String>,
    #[ts(type = "number")]
    pub skipped_count: u64,
}

/// Modulation use of one bandwidth class.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ModulationUse {
    pub bandwidth: String,
    pub modulation: String,
    #[ts(type = "number")]
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct BandwidthCount {
    pub bandwidth: String,
    #[ts(type = "number")]
    pub count: u64,
}

/// One load point of a run, from one `<E>_erlang.json`.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ErlangResult {
    pub erlang: f64,
    /// The address of the file it came from.
    pub path: String,
    /// Iterations the saved statistics cover (length of `sim_block_list`).
    pub iterations: u32,
    /// The key of the last saved `iter_stats` entry.
    pub last_saved_iteration: Option<u32>,
    /// Training runs report no blocking statistics (nulls).
    pub is_training: bool,
    /// The load was cut short (a cancel, a crash): its statistics cover only
    /// the iterations that ran. From the file's `fusion_desk.partial` marker,
    /// or from the run's progress when the simulator wrote no marker.
    pub partial: bool,
    /// Why the load is partial (`interrupted`), when it is.
    pub partial_reason: Option<String>,
    pub blocking_mean: Option<f64>,
    pub blocking_variance: Option<f64>,
    pub ci_rate_block: Option<f64>,
    pub ci_percent_block: Option<f64>,
    /// Blocking probability per iteration.
    pub sim_block_list: Vec<Option<f64>>,
    pub bit_rate_blocking_mean: Option<f64>,
    pub ci_rate_bit_rate_block: Option<f64>,
    pub ci_percent_bit_rate_block: Option<f64>,
    pub sim_br_block_list: Vec<Option<f64>>,
    /// From the last saved iteration.
    pub hops_mean: Option<f64>,
    pub lengths_mean: Option<f64>,
    pub trans_mean: Option<f64>,
    pub lightpath_utilization: Option<f64>,
    /// `mods_used_dict` counts per bandwidth and modulation.
    pub modulations: Vec<ModulationUse>,
    /// `block_bw_dict`: blocked requests per bandwidth.
    pub blocked_per_bandwidth: Vec<BandwidthCount>,
    pub sim_end_time: Option<String>,
}

/// The results of a run, sorted by Erlang.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ResultsTable {
    pub run_id: String,
    pub rows: Vec<ErlangResult>,
    /// Result files that could not be read or parsed.
    pub problems: Vec<String>,
}

/// Writes this module's TypeScript bindings into `dir`.
pub fn export_bindings(dir: &std::path::Path) -> Result<(), ts_rs::ExportError> {
    EntryKind::export_all_to(dir)?;
    ArtifactEntry::export_all_to(dir)?;
    ArtifactListing::export_all_to(dir)?;
    ArtifactUsage::export_all_to(dir)?;
    ArtifactPreview::export_all_to(dir)?;
    PreviewContent::export_all_to(dir)?;
    ArtifactRoot::export_all_to(dir)?;
    ExportSummary::export_all_to(dir)?;
    ModulationUse::export_all_to(dir)?;
    BandwidthCount::export_all_to(dir)?;
    ErlangResult::export_all_to(dir)?;
    ResultsTable::export_all_to(dir)?;
    Ok(())
}

impl RunTree {
    /// A capped preview of a regular file (blocking).
    pub fn preview(&self, addr: &Address) -> Result<ArtifactPreview> {
        let (fd, st) = self.open_file(addr)?;
        let ext = addr
            .names
            .last()
            .and_then(|n| Path::new(n).extension())
            .and_then(|e| e.to_str())
            .map(str::to_owned);
        preview::preview(addr.render(), std::fs::File::from(fd), &st, ext.as_deref())
    }

    /// Copies what `addr` names (the whole run when None) to `dest`
    /// (blocking); see [`Artifacts::export_artifacts`]. `protected` folders (the
    /// data dir) may not receive the copy.
    pub fn export(
        &self,
        addr: Option<&Address>,
        dest: &Path,
        overwrite: bool,
        protected: &[PathBuf],
    ) -> Result<ExportSummary> {
        export::export(self, addr, dest, overwrite, protected)
    }
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| DeskError::internal(format!("file task failed: {e}")))?
}

/// The artifacts domain over one [`Ctx`]: a run's folders and extra roots,
/// browsed, previewed, resolved for opening, exported, and its results table.
#[derive(Clone, Copy)]
pub struct Artifacts<'a> {
    ctx: &'a Ctx,
}

impl<'a> Artifacts<'a> {
    pub fn new(ctx: &'a Ctx) -> Artifacts<'a> {
        Artifacts { ctx }
    }
}

impl Artifacts<'_> {
    /// The roots of a run, checked: a valid id of an existing run.
    pub async fn run_tree(&self, id: &str) -> Result<RunTree> {
        let id = RunId::parse(id)?;
        self.ctx.store().require(&id).await?;
        let extras = roots::list(self.ctx.store(), &id).await?;
        Ok(RunTree::new(
            id.as_str(),
            self.ctx.data().run(&id).root().to_owned(),
            extras.iter().map(roots::to_extra).collect(),
        ))
    }

    /// Registers (or re-points) a folder outside the data dir as an extra,
    /// read-only root of a run, addressed as `@label/...`.
    pub async fn register_artifact_root(&self, id: &str, label: &str, path: &Path) -> Result<ArtifactRoot> {
        let id = RunId::parse(id)?;
        self.ctx.store().require(&id).await?;
        address::validate_label(label).map_err(DeskError::invalid_input)?;
        let canonical = roots::check_root_path(path, self.ctx.data().root())?;
        roots::register(self.ctx.store(), &id, label, &canonical).await
    }

    pub async fn artifact_roots(&self, id: &str) -> Result<Vec<ArtifactRoot>> {
        let id = RunId::parse(id)?;
        self.ctx.store().require(&id).await?;
        roots::list(self.ctx.store(), &id).await
    }

    /// Returns whether a root of that label was registered.
    pub async fn unregister_artifact_root(&self, id: &str, label: &str) -> Result<bool> {
        let id = RunId::parse(id)?;
        self.ctx.store().require(&id).await?;
        roots::unregister(self.ctx.store(), &id, label).await
    }

    /// A page of a folder of a run (`""` is the run folder, which also lists
    /// the extra roots as `@label`). `limit` defaults to 500, at most 5000.
    pub async fn list_artifacts(
        &self,
        id: &str,
        path: &str,
        offset: Option<u32>,
        limit: Option<u32>,
    ) -> Result<ArtifactListing> {
        let tree = self.run_tree(id).await?;
        let addr = Address::parse(path)?;
        blocking(move || tree.list(&addr, offset.unwrap_or(0), limit)).await
    }

    /// One entry of a run, described (size, time, kind).
    pub async fn artifact_info(&self, id: &str, path: &str) -> Result<ArtifactEntry> {
        let tree = self.run_tree(id).await?;
        let addr = Address::parse(path)?;
        blocking(move || tree.info(&addr)).await
    }

    /// Disk use below an address; for `""`, the run's total with its extra roots.
    pub async fn artifact_usage(&self, id: &str, path: &str) -> Result<ArtifactUsage> {
        let tree = self.run_tree(id).await?;
        let addr = Address::parse(path)?;
        blocking(move || tree.usage(&addr)).await
    }

    /// A capped preview of a file of a run.
    pub async fn preview_artifact(&self, id: &str, path: &str) -> Result<ArtifactPreview> {
        let tree = self.run_tree(id).await?;
        let addr = Address::parse(path)?;
        blocking(move || tree.preview(&addr)).await
    }

    /// The checked absolute path of an existing file or folder of a run, for
    /// the shell's "open", "reveal" and the save dialog's source. Refused
    /// unless every component is a real folder inside the root (no link).
    pub async fn resolve_for_open(&self, id: &str, path: &str) -> Result<PathBuf> {
        let tree = self.run_tree(id).await?;
        let addr = Address::parse(path)?;
        blocking(move || tree.resolve(&addr)).await
    }

    /// The checked path of a file or folder for the desktop's "Open":
    /// programs, scripts and desktop entries are refused (Reveal shows
    /// them), and the path is checked to still name the file that was
    /// inspected through its descriptor. Call right before opening.
    pub async fn resolve_for_desktop_open(&self, id: &str, path: &str) -> Result<PathBuf> {
        let tree = self.run_tree(id).await?;
        let addr = Address::parse(path)?;
        blocking(move || open_check::for_open(&tree, &addr)).await
    }

    /// Copies the whole run (`path` None: the run folder plus each extra root
    /// as `@label/`), or one file or folder of it, to `dest` (an absolute
    /// path naming the copy, outside the data dir). An existing `dest` is
    /// refused unless `overwrite`. A whole-run copy leaves out the results
    /// folder the simulator reported (see [`Artifacts::export_artifacts_with`]).
    pub async fn export_artifacts(
        &self,
        id: &str,
        path: Option<&str>,
        dest: &Path,
        overwrite: bool,
    ) -> Result<ExportSummary> {
        self.export_artifacts_with(id, path, dest, overwrite, false).await
    }

    /// Exports a folder of the run (the whole run when `path` is empty) into
    /// `parent`, as `<parent>/<run id>-<folder name>` (`<parent>/<run id>`
    /// for the whole run), never over an existing folder.
    pub async fn export_into(&self, id: &str, path: &str, parent: &Path) -> Result<ExportSummary> {
        let run = RunId::parse(id)?;
        let source = (!path.is_empty()).then_some(path);
        self.export_artifacts(id, source, &parent.join(export_folder_name(&run, path)), false)
            .await
    }

    /// [`Artifacts::export_artifacts`], with the simulator-reported results root
    /// (`@fusion`) in a whole-run copy when `include_reported`: that folder
    /// lies outside FUSION Desk's data and was named by the simulator, so it
    /// is copied in bulk only when the user asks (or exports it by name).
    pub async fn export_artifacts_with(
        &self,
        id: &str,
        path: Option<&str>,
        dest: &Path,
        overwrite: bool,
        include_reported: bool,
    ) -> Result<ExportSummary> {
        let mut tree = self.run_tree(id).await?;
        if path.is_none() && !include_reported {
            tree = tree.without_root(roots::REPORTED_LABEL);
        }
        let addr = path.map(Address::parse).transpose()?;
        let dest = dest.to_owned();
        let protected = vec![self.ctx.data().root().to_owned()];
        blocking(move || tree.export(addr.as_ref(), &dest, overwrite, &protected)).await
    }

    /// The results table of a run: every `<E>_erlang.json` below `output/`
    /// and the extra roots, sorted by Erlang.
    pub async fn results(&self, id: &str) -> Result<ResultsTable> {
        let tree = self.run_tree(id).await?;
        let mut table = blocking(move || results::collect(&tree)).await?;
        // A simulator that marks no partial file (the real FUSION saves its
        // statistics as it goes) still left loads open: the progress says so.
        if table.rows.iter().any(|r| !r.partial) {
            if let Ok(Some(progress)) = crate::live::current::progress(self.ctx, id).await {
                results::mark_interrupted(&mut table, &progress);
            }
        }
        Ok(table)
    }

    /// The results table as CSV text.
    pub async fn results_csv(&self, id: &str) -> Result<String> {
        Ok(results::to_csv(&self.results(id).await?))
    }
}

/// The folder an export of `path` of a run is named: the run's id, then the
/// folder's own name without the `@` of an extra root's label.
pub fn export_folder_name(run: &RunId, path: &str) -> String {
    let label = Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().replace('@', ""))
        .unwrap_or_default();
    if label.is_empty() {
        run.to_string()
    } else {
        format!("{run}-{label}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_folder_is_named_by_the_run_and_the_folder() {
        let run = RunId::parse("0123456789ab").unwrap();
        assert_eq!(export_folder_name(&run, ""), "0123456789ab");
        assert_eq!(export_folder_name(&run, "output"), "0123456789ab-output");
        assert_eq!(export_folder_name(&run, "output/s1"), "0123456789ab-s1");
        assert_eq!(export_folder_name(&run, "@fusion"), "0123456789ab-fusion");
    }
}

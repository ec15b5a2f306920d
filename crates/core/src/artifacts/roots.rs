//! The registry of extra artifact roots (table `artifact_roots`).

use std::path::Path;

use super::address::validate_label;
use super::fsx;
use super::tree::ExtraRoot;
use super::ArtifactRoot;
use crate::error::{DeskError, ErrorCode, Result};
use crate::run_id::RunId;
use crate::store::{ArtifactRootRow, Store};
use crate::timestamp;

/// The label of the extra root holding the results folder the simulator
/// reported (see `reported_results`). Kept here, with the roots, so the
/// artifacts domain needs nothing of the module that discovers that folder.
pub const REPORTED_LABEL: &str = "fusion";

impl From<ArtifactRootRow> for ArtifactRoot {
    fn from(r: ArtifactRootRow) -> Self {
        ArtifactRoot {
            run_id: r.run_id,
            label: r.label,
            path: r.path,
            created_at: r.created_at,
        }
    }
}

pub async fn list(store: &Store, id: &RunId) -> Result<Vec<ArtifactRoot>> {
    let rows = store.artifact_roots(id).await?;
    Ok(rows.into_iter().map(ArtifactRoot::from).collect())
}

pub fn to_extra(root: &ArtifactRoot) -> ExtraRoot {
    ExtraRoot {
        label: root.label.clone(),
        path: root.path.clone().into(),
    }
}

/// Checks a folder proposed as an extra root and returns its canonical path.
/// It must be an existing folder, and neither contain nor lie inside the
/// data dir (which holds every run and the database).
pub fn check_root_path(path: &Path, data_root: &Path) -> Result<std::path::PathBuf> {
    if !path.is_absolute() {
        return Err(DeskError::invalid_input(format!(
            "an artifact root must be an absolute path, not {}",
            path.display()
        )));
    }
    let canonical = path.canonicalize().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => DeskError::not_found(format!("{} does not exist", path.display())),
        _ => DeskError::io(format!("cannot resolve {}", path.display()), e),
    })?;
    if !canonical.is_dir() {
        return Err(DeskError::invalid_input(format!(
            "{} is not a folder",
            path.display()
        )));
    }
    if fsx::is_within(&canonical, data_root) || fsx::is_within(data_root, &canonical) {
        return Err(DeskError::new(
            ErrorCode::ForbiddenPath,
            format!(
                "{} overlaps FUSION Desk's data folder {}; an artifact root must be outside it",
                canonical.display(),
                data_root.display()
            ),
        ));
    }
    Ok(canonical)
}

/// Adds or replaces the root `label` of a run.
pub async fn register(store: &Store, id: &RunId, label: &str, canonical: &Path) -> Result<ArtifactRoot> {
    validate_label(label).map_err(DeskError::invalid_input)?;
    let path = canonical
        .to_str()
        .ok_or_else(|| DeskError::invalid_input("an artifact root path must be valid UTF-8"))?;
    let now = timestamp::now();
    store.save_artifact_root(id, label, path, &now).await?;
    Ok(ArtifactRoot {
        run_id: id.to_string(),
        label: label.to_owned(),
        path: path.to_owned(),
        created_at: now,
    })
}

pub async fn unregister(store: &Store, id: &RunId, label: &str) -> Result<bool> {
    store.remove_artifact_root(id, label).await
}

//! The TypeScript twins of the DTOs and events, generated with ts-rs into
//! `ui/src/bindings/`. A test regenerates them into a scratch folder and fails
//! when the committed files differ (run it with `UPDATE_BINDINGS=1` to rewrite).

use std::path::Path;

use ts_rs::{ExportError, TS};

use crate::error::{DeskError, ErrorCode};
use crate::events::RunEvent;
use crate::model::{CreateRunRequest, ListQuery, Run, RunPage, RunStatus, TemplateInfo};
use crate::settings::{Settings, SettingsView};

/// Writes every binding (and what it references) into `dir`.
pub fn export_all(dir: &Path) -> Result<(), ExportError> {
    ErrorCode::export_all_to(dir)?;
    DeskError::export_all_to(dir)?;
    RunStatus::export_all_to(dir)?;
    Run::export_all_to(dir)?;
    CreateRunRequest::export_all_to(dir)?;
    ListQuery::export_all_to(dir)?;
    RunPage::export_all_to(dir)?;
    TemplateInfo::export_all_to(dir)?;
    Settings::export_all_to(dir)?;
    SettingsView::export_all_to(dir)?;
    RunEvent::export_all_to(dir)?;
    crate::model::ImportedConfig::export_all_to(dir)?;
    crate::simulator::SimulatorCheck::export_all_to(dir)?;
    crate::live::export_bindings(dir)?;
    crate::artifacts::export_bindings(dir)?;
    crate::configs::export_bindings(dir)?;
    crate::exec::slurm::export_bindings(dir)?;
    crate::exec::ssh::export_bindings(dir)?;
    crate::sweeps::export_bindings(dir)?;
    crate::notices::NoticeTarget::export_all_to(dir)?;
    crate::history::export_bindings(dir)?;
    crate::compare::export_bindings(dir)?;
    crate::plots::export_bindings(dir)?;
    crate::figure::export_bindings(dir)?;
    Ok(())
}

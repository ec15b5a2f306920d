//! Configs and topology: the schema of every key, validation of a config
//! text, key-level edits that keep comments, user templates, and the network
//! views (bundled networks and a run's own network with its link usage).
//!
//! The shell and the CLI call these through a [`Configs`] handle (from
//! `Desk::configs`) or the free functions re-exported here.

pub mod import;
pub mod layout;
pub mod schema;
pub mod topology;
pub mod user_templates;
pub mod validate;

use std::path::Path;

use crate::ctx::Ctx;
use crate::error::{DeskError, Result};
use crate::ini::{self, Override};
use crate::model::CreateRunRequest;
use crate::run_id::RunId;
use crate::settings::{self, Settings};

pub use crate::ini::{get_key, remove_key, set_key};
pub use import::{read_import, MAX_IMPORT_BYTES};
pub use schema::{ConfigKey, KeyUse, ValueType};
pub use topology::{LinkUsage, LinkView, NetworkSummary, NetworkView, NodeView, RunTopology};
pub use validate::{validate, Diagnostic, RunSummary, SimulatorKind, ValidationReport};

/// The label of a run created from a full config text without a template name.
pub const CUSTOM_TEMPLATE_LABEL: &str = "custom";

/// Lines `Desk::create` puts at the top of a frozen config; dropped from a
/// text that comes back (a re-run), so headers do not pile up.
const FROZEN_HEADER_PREFIX: &str = "# Frozen by FUSION Desk";

/// A run's config as it will be frozen, checked.
#[derive(Debug, Clone)]
pub struct ResolvedConfig {
    /// The config text (without the frozen header).
    pub text: String,
    pub overrides: Vec<Override>,
    /// The template name recorded for the run.
    pub template: String,
    pub report: ValidationReport,
}

/// Which simulator the settings (and the `FUSION_DESK_SIMULATOR` override)
/// select: the bundled engine unless a command names another program.
pub fn simulator_kind(settings: &Settings) -> SimulatorKind {
    let command = std::env::var(settings::SIMULATOR_ENV)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .or_else(|| Some(settings.simulator_command.clone()).filter(|v| !v.trim().is_empty()));
    let Some(command) = command else {
        return SimulatorKind::Embedded;
    };
    let Ok(words) = settings::split_command(&command) else {
        return SimulatorKind::External;
    };
    let bundled = settings::bundled_simulator();
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if words.len() == 1 && bundled.is_absolute() && same(Path::new(&words[0]), &bundled) {
        SimulatorKind::Embedded
    } else {
        SimulatorKind::External
    }
}

fn strip_frozen_header(text: &str) -> &str {
    let mut rest = text;
    while rest.starts_with(FROZEN_HEADER_PREFIX) {
        rest = rest.split_once('\n').map_or("", |(_, r)| r);
    }
    rest
}

/// How long one config check may take.
pub const VALIDATE_BUDGET: std::time::Duration = std::time::Duration::from_secs(5);

/// The configs domain over one [`Ctx`]: validation for the simulator in
/// effect, the config a create request resolves to, user templates and a
/// run's network.
#[derive(Clone, Copy)]
pub struct Configs<'a> {
    ctx: &'a Ctx,
}

impl<'a> Configs<'a> {
    pub fn new(ctx: &'a Ctx) -> Configs<'a> {
        Configs { ctx }
    }
}

impl Configs<'_> {
    /// The simulator new runs would start with, as a kind.
    pub async fn simulator_kind(&self) -> Result<SimulatorKind> {
        Ok(simulator_kind(&self.ctx.store().settings().await?))
    }

    /// Checks a config text for the simulator in effect. The check runs on
    /// the blocking pool within [`VALIDATE_BUDGET`]: the text comes from a
    /// paste or a file, and the async runtime must never wait on it.
    pub async fn validate_config(&self, text: &str) -> Result<ValidationReport> {
        let kind = self.simulator_kind().await?;
        let text = text.to_owned();
        let check = tokio::task::spawn_blocking(move || validate(&text, kind));
        match tokio::time::timeout(VALIDATE_BUDGET, check).await {
            Ok(Ok(report)) => Ok(report),
            Ok(Err(e)) => Err(DeskError::internal(format!("the config check failed: {e}"))),
            Err(_) => Err(DeskError::invalid_input(format!(
                "the config could not be checked within {} seconds; it is too large or too complex",
                VALIDATE_BUDGET.as_secs()
            ))),
        }
    }

    /// The config a create request leads to: the template's text (built-in
    /// or the user's) or the request's `config_text`, with the overrides
    /// applied, validated for the simulator in effect. An invalid config is
    /// an `invalid_input` error listing every problem as `section.key: message`.
    pub async fn resolve_config(&self, req: &CreateRunRequest) -> Result<ResolvedConfig> {
        let (base, template) = match &req.config_text {
            Some(text) => {
                if text.len() > user_templates::MAX_TEMPLATE_BYTES {
                    return Err(DeskError::invalid_input(format!(
                        "a config text is at most {} bytes",
                        user_templates::MAX_TEMPLATE_BYTES
                    )));
                }
                let label = req.template.trim();
                let label = if label.is_empty() {
                    CUSTOM_TEMPLATE_LABEL.to_owned()
                } else {
                    label.to_owned()
                };
                (strip_frozen_header(text).to_owned(), label)
            }
            None => (self.template_text(&req.template)?, req.template.clone()),
        };
        let overrides = req
            .overrides
            .iter()
            .map(|o| Override::parse(o))
            .collect::<Result<Vec<_>>>()?;
        let text = ini::apply_overrides(&base, &overrides);
        let report = self.validate_config(&text).await?;
        if !report.valid {
            return Err(DeskError::invalid_input(format!(
                "the configuration is invalid:\n{}",
                report.error_lines()
            )));
        }
        Ok(ResolvedConfig {
            text,
            overrides,
            template,
            report,
        })
    }

    /// A run's network with its link usage at one load (`erlang`, default the
    /// highest with results). The network is the one of the run's frozen config.
    pub async fn run_topology(&self, id: &str, erlang: Option<f64>) -> Result<RunTopology> {
        let run_id = RunId::parse(id)?;
        // The run's frozen config, read here rather than through the runs
        // domain, which builds on this one.
        self.ctx.store().require(&run_id).await?;
        let config =
            crate::runfs::read_string(&self.ctx.data().run(&run_id).config(), crate::runfs::CONFIG_CAP)?;
        let network = ini::get_key(&config, "topology_settings", "network")
            .ok_or_else(|| DeskError::invalid_input(format!("run {id}'s config names no network")))?;
        let view = match fusion_sim::topology::find_network(&network) {
            Some(_) => {
                let name = network.clone();
                tokio::task::spawn_blocking(move || topology::network(&name))
                    .await
                    .map_err(|e| DeskError::internal(format!("the topology layout failed: {e}")))??
            }
            None => {
                // A topology file given by path (the embedded engine reads those).
                let path = Path::new(&network);
                if !path.is_absolute() {
                    return Err(DeskError::not_found(format!(
                        "run {id} used network {network:?}, which is not a bundled network"
                    )));
                }
                let text = crate::runfs::read_named_file(path, topology::MAX_FILE_BYTES)?;
                let name = network.clone();
                tokio::task::spawn_blocking(move || topology::view_of(&name, &text, None))
                    .await
                    .map_err(|e| DeskError::internal(format!("the topology layout failed: {e}")))?
                    .map_err(|e| {
                        DeskError::invalid_input(format!(
                            "{network} is not a topology FUSION Desk can draw: {}",
                            e.message
                                .lines()
                                .next()
                                .unwrap_or_default()
                                .chars()
                                .take(200)
                                .collect::<String>()
                        ))
                    })?
            }
        };
        let dir = self.ctx.data().run(&run_id);
        let files = topology::results_files(&dir.output());
        let erlangs: Vec<f64> = files.iter().map(|(e, _)| *e).collect();
        let chosen = match erlang {
            Some(want) => Some(
                files
                    .iter()
                    .find(|(e, _)| (e - want).abs() < 1e-9)
                    .ok_or_else(|| {
                        DeskError::not_found(format!("run {id} has no results for {want} Erlang"))
                    })?,
            ),
            None => files.last(),
        };
        let mut out = RunTopology {
            run_id: run_id.to_string(),
            network,
            erlangs,
            erlang: None,
            usage: Vec::new(),
            min_usage: 0,
            max_usage: 0,
            results_file: None,
            unmatched: Vec::new(),
            view,
        };
        let Some((e, path)) = chosen else {
            return Ok(out);
        };
        let text = crate::runfs::read_string(path, topology::MAX_RESULTS_BYTES)?;
        let json: serde_json::Value = serde_json::from_str(&text).map_err(|err| {
            DeskError::invalid_input(format!("{} is not valid JSON: {err}", path.display()))
        })?;
        let (usage, unmatched) = topology::map_link_usage(
            &out.view,
            json.get("link_usage").unwrap_or(&serde_json::Value::Null),
        );
        out.min_usage = usage.iter().map(|u| u.usage_count).min().unwrap_or(0);
        out.max_usage = usage.iter().map(|u| u.usage_count).max().unwrap_or(0);
        out.erlang = Some(*e);
        out.results_file = path
            .strip_prefix(dir.root())
            .ok()
            .map(|p| p.to_string_lossy().into_owned());
        out.usage = usage;
        out.unmatched = unmatched;
        Ok(out)
    }
}

/// Writes this module's TypeScript bindings into `dir`.
pub fn export_bindings(dir: &Path) -> Result<(), ts_rs::ExportError> {
    use ts_rs::TS;
    ConfigKey::export_all_to(dir)?;
    ValueType::export_all_to(dir)?;
    KeyUse::export_all_to(dir)?;
    Diagnostic::export_all_to(dir)?;
    SimulatorKind::export_all_to(dir)?;
    RunSummary::export_all_to(dir)?;
    ValidationReport::export_all_to(dir)?;
    NetworkSummary::export_all_to(dir)?;
    NetworkView::export_all_to(dir)?;
    NodeView::export_all_to(dir)?;
    LinkView::export_all_to(dir)?;
    LinkUsage::export_all_to(dir)?;
    RunTopology::export_all_to(dir)?;
    Ok(())
}

/// The network of a frozen config, as the run list filters by it.
pub fn network_of_config(config: &str) -> Option<String> {
    crate::ini::get_key(config, "topology_settings", "network")
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty())
}

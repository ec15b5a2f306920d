//! `fdesk`: FUSION Desk's headless command line, over the same core as the
//! app. Every command settles runs whose owners have gone before answering,
//! so what it prints is the runs' true state.

mod artifacts;
mod cluster;
mod cluster_check;
mod cluster_results;
mod history;
mod list;
mod output;
mod plot;
mod sweeps;

use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use fusion_desk_core::exec::{protocol, supervisor};
use fusion_desk_core::{configs, CreateRunRequest, Desk, DeskError, DeskOptions};

#[derive(Parser)]
#[command(
    name = "fdesk",
    version,
    about = "FUSION Desk: launch, watch and keep FUSION simulation runs"
)]
struct Cli {
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a run from a template; it starts as soon as a slot is free.
    ///
    /// The final config is validated first: errors refuse the run, warnings
    /// are printed to stderr.
    Create {
        /// A built-in or saved template (with --config: only the run's label).
        #[arg(long, required_unless_present = "config")]
        template: Option<String>,
        /// Create the run from this INI file instead of a template.
        #[arg(long, value_name = "FILE")]
        config: Option<std::path::PathBuf>,
        #[arg(long)]
        name: Option<String>,
        /// An override `section.key=value`; repeat for more.
        #[arg(long = "set", value_name = "SECTION.KEY=VALUE")]
        set: Vec<String>,
        /// Where the run executes: `local` (default) or a cluster profile's name.
        #[arg(long, value_name = "local|PROFILE")]
        executor: Option<String>,
    },
    /// List runs, newest first, or sorted and filtered by their results.
    List(list::ListArgs),
    /// Show one run.
    Show { id: String },
    /// Wait until a run is finished.
    Wait {
        id: String,
        /// Give up after this many seconds (exit code 1).
        #[arg(long)]
        timeout: Option<f64>,
    },
    /// Cancel a pending or running run.
    Cancel { id: String },
    /// Delete a finished run and its folder.
    Delete { id: String },
    /// Print a run's simulator log.
    Logs {
        id: String,
        /// Keep printing new lines until the run ends.
        #[arg(long)]
        follow: bool,
    },
    /// List the templates runs can be created from.
    Templates {
        #[command(subcommand)]
        action: Option<TemplateAction>,
    },
    /// Check an INI config: errors, warnings and the size of the run.
    Validate {
        file: std::path::PathBuf,
        /// Check for this simulator instead of the one in the settings.
        #[arg(long, value_parser = ["embedded", "external"])]
        simulator: Option<String>,
    },
    /// List a run's files: the run folder, or a folder or file of it.
    Artifacts(artifacts::ArtifactsArgs),
    /// Copy a whole run, or one file or folder of it, to DEST.
    Export(artifacts::ExportArgs),
    /// A run's results table (one row per Erlang load), as text, JSON or CSV.
    Results(artifacts::ResultsArgs),
    /// List a cluster run's results too large to come back with the rest,
    /// or bring one of them (PATH) into its output folder.
    Fetch(cluster_results::FetchArgs),
    /// Show the settings, or change them.
    Settings {
        #[arg(long)]
        simulator: Option<String>,
        #[arg(long)]
        max_concurrent: Option<u32>,
        #[arg(long)]
        grace_seconds: Option<f64>,
    },
    /// Slurm cluster profiles runs can be sent to (`--executor`).
    Cluster {
        #[command(subcommand)]
        action: Option<cluster::ClusterAction>,
    },
    /// Sweeps: many runs that vary config keys, as one group.
    Sweep {
        #[command(subcommand)]
        action: sweeps::SweepCommand,
    },
    /// Create a new run from a finished run's frozen config.
    Rerun { id: String },
    /// Rename a run.
    Rename { id: String, name: String },
    /// Show a run's tags, or change them.
    Tag(history::TagArgs),
    /// Print a run's note, or replace it from a file or standard input.
    Note(history::NoteArgs),
    /// Compare runs: the config keys that differ and the final metrics.
    Compare(history::CompareArgs),
    /// Draw a publication figure of runs or a sweep (PDF, SVG, PNG, CSV or a
    /// matplotlib script).
    Plot(plot::PlotArgs),
    /// Delete finished runs older than some days (list them with --dry-run).
    Cleanup(history::CleanupArgs),
}

#[derive(Subcommand)]
enum TemplateAction {
    /// Print a template's text.
    Show { name: String },
    /// Save an INI file as your own template.
    Save {
        name: String,
        #[arg(long, value_name = "FILE")]
        file: std::path::PathBuf,
        /// Replace your template of the same name.
        #[arg(long)]
        force: bool,
    },
    /// Rename one of your templates.
    Rename { from: String, to: String },
    /// Delete one of your templates.
    Delete { name: String },
}

/// A config file's text, with the size cap and encoding rule every import has.
fn read_config(path: &std::path::Path) -> Result<String, DeskError> {
    configs::read_import(path).map(|c| c.text)
}

fn read_file(path: &std::path::Path) -> Result<String, DeskError> {
    std::fs::read_to_string(path)
        .map_err(|e| DeskError::invalid_input(format!("cannot read {}: {e}", path.display())))
}

fn print_diagnostics(report: &configs::ValidationReport) {
    let show = |kind: &str, d: &configs::Diagnostic| {
        let line = d.line.map(|l| format!("line {l}: ")).unwrap_or_default();
        let path = if d.path.is_empty() {
            String::new()
        } else {
            format!("{}: ", d.path)
        };
        eprintln!("{kind}: {line}{path}{}", d.message);
    };
    report.errors.iter().for_each(|d| show("error", d));
    report.warnings.iter().for_each(|d| show("warning", d));
}

fn main() -> ExitCode {
    if protocol::is_invocation() {
        return ExitCode::from(supervisor::main() as u8);
    }
    // Like other Unix tools, end quietly when whoever reads the output goes
    // away (`fdesk list | head`) rather than panicking in the middle of a
    // print: Rust ignores SIGPIPE by default. A supervisor (above) keeps
    // ignoring it; nothing here writes to a pipe but its own output.
    // SAFETY: no other thread exists yet, and the default action needs no handler.
    unsafe {
        let _ = nix::sys::signal::signal(
            nix::sys::signal::Signal::SIGPIPE,
            nix::sys::signal::SigHandler::SigDfl,
        );
    }
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    match runtime.block_on(run(&cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if cli.json {
                eprintln!("{}", serde_json::to_string(&e).expect("errors serialise"));
            } else {
                eprintln!("error [{}]: {}", e.code.as_str(), e.message);
            }
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: &Cli) -> Result<(), DeskError> {
    let desk = Desk::open(DeskOptions::from_env()?).await?;
    if !matches!(
        cli.command,
        Command::Templates { .. } | Command::Validate { .. } | Command::Cluster { .. }
    ) {
        desk.recover().await?;
    }
    let out = output::Printer { json: cli.json };
    match &cli.command {
        Command::Create {
            template,
            config,
            name,
            set,
            executor,
        } => {
            let req = CreateRunRequest {
                template: template.clone().unwrap_or_default(),
                name: name.clone(),
                overrides: set.clone(),
                config_text: config.as_deref().map(read_config).transpose()?,
                executor: executor.clone(),
            };
            let resolved = desk.configs().resolve_config(&req).await?;
            for w in &resolved.report.warnings {
                eprintln!("warning: {w}");
            }
            let run = desk.create(&req).await?;
            out.run(&run);
        }
        Command::List(args) => list::list(&desk, args, cli.json).await?,
        Command::Plot(args) => plot::plot(&desk, args, cli.json).await?,
        Command::Show { id } => {
            let run = desk.get(id).await?;
            let diff = desk.comparisons().template_diff(id).await.ok();
            out.show(&run, desk.live().progress(id).await?.as_ref(), diff.as_ref());
        }
        Command::Wait { id, timeout } => {
            let timeout = timeout
                .map(|t| {
                    Duration::try_from_secs_f64(t)
                        .map_err(|_| DeskError::invalid_input("--timeout must be a number of seconds ≥ 0"))
                })
                .transpose()?;
            out.run(&desk.wait(id, timeout).await?);
        }
        Command::Cancel { id } => out.run(&desk.cancel(id).await?),
        Command::Delete { id } => {
            desk.delete(id).await?;
            out.deleted(id);
        }
        Command::Logs { id, follow } => output::logs(&desk, id, *follow).await?,
        Command::Templates { action: None } => out.templates(&desk.configs().list_templates()?),
        Command::Templates { action: Some(action) } => match action {
            TemplateAction::Show { name } => print!("{}", desk.configs().template_text(name)?),
            TemplateAction::Save { name, file, force } => {
                let saved = desk.configs().save_template(name, &read_config(file)?, *force)?;
                out.templates(&[saved]);
            }
            TemplateAction::Rename { from, to } => {
                out.templates(&[desk.configs().rename_template(from, to)?])
            }
            TemplateAction::Delete { name } => {
                desk.configs().delete_template(name)?;
                out.deleted(name);
            }
        },
        Command::Validate { file, simulator } => {
            let text = read_config(file)?;
            let report = match simulator.as_deref() {
                Some("embedded") => configs::validate(&text, configs::SimulatorKind::Embedded),
                Some(_) => configs::validate(&text, configs::SimulatorKind::External),
                None => desk.configs().validate_config(&text).await?,
            };
            if cli.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).expect("DTOs serialise")
                );
            } else {
                print_diagnostics(&report);
                if let Some(s) = &report.summary {
                    println!(
                        "{}: {} ({} requests), about {:.1} s on the embedded engine, {:.0} s on FUSION",
                        s.network.as_deref().unwrap_or("?"),
                        s.text,
                        s.total_requests,
                        s.embedded_seconds,
                        s.fusion_seconds
                    );
                }
                println!("{}", if report.valid { "valid" } else { "invalid" });
            }
            if !report.valid {
                return Err(DeskError::invalid_input(format!(
                    "{} is invalid ({} error{})",
                    file.display(),
                    report.errors.len(),
                    if report.errors.len() == 1 { "" } else { "s" }
                )));
            }
        }
        Command::Artifacts(args) => artifacts::artifacts(&desk, args, cli.json).await?,
        Command::Export(args) => artifacts::export(&desk, args, cli.json).await?,
        Command::Results(args) => artifacts::results(&desk, args, cli.json).await?,
        Command::Fetch(args) => cluster_results::fetch(&desk, args, cli.json).await?,
        Command::Settings {
            simulator,
            max_concurrent,
            grace_seconds,
        } => {
            let mut view = desk.settings().await?;
            if simulator.is_some() || max_concurrent.is_some() || grace_seconds.is_some() {
                let mut s = view.settings.clone();
                if let Some(v) = simulator {
                    s.simulator_command = v.clone();
                }
                if let Some(v) = max_concurrent {
                    s.max_concurrent_runs = *v;
                }
                if let Some(v) = grace_seconds {
                    s.cancel_grace_seconds = *v;
                }
                view = desk.save_settings(&s).await?;
            }
            out.settings(&view);
        }
        Command::Cluster { action } => cluster::cluster(&desk, action.as_ref(), cli.json).await?,
        Command::Sweep { action } => sweeps::sweep(&desk, action, cli.json).await?,
        Command::Rerun { id } => out.run(&desk.sweeps().rerun(id).await?),
        Command::Rename { id, name } => out.run(&desk.history().rename(id, name).await?),
        Command::Tag(args) => history::tag(&desk, args, &out).await?,
        Command::Note(args) => history::note(&desk, args, &out).await?,
        Command::Compare(args) => history::compare(&desk, args, &out).await?,
        Command::Cleanup(args) => history::cleanup(&desk, args, &out).await?,
    }
    Ok(())
}

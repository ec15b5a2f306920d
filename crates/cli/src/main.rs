//! `fdesk`: FUSION Desk's headless command line, over the same core as the
//! app. Every command settles runs whose owners have gone before answering,
//! so what it prints is the runs' true state.

mod output;

use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use fusion_desk_core::{supervisor, CreateRunRequest, Desk, DeskError, DeskOptions, ListQuery, RunStatus};

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
    Create {
        #[arg(long)]
        template: String,
        #[arg(long)]
        name: Option<String>,
        /// An override `section.key=value`; repeat for more.
        #[arg(long = "set", value_name = "SECTION.KEY=VALUE")]
        set: Vec<String>,
    },
    /// List runs, newest first.
    List {
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        search: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long, default_value_t = 0)]
        offset: u32,
    },
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
    Templates,
    /// Show the settings, or change them.
    Settings {
        #[arg(long)]
        simulator: Option<String>,
        #[arg(long)]
        max_concurrent: Option<u32>,
        #[arg(long)]
        grace_seconds: Option<f64>,
    },
}

fn main() -> ExitCode {
    if supervisor::is_invocation() {
        return ExitCode::from(supervisor::main() as u8);
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
    if !matches!(cli.command, Command::Templates) {
        desk.recover().await?;
    }
    let out = output::Printer { json: cli.json };
    match &cli.command {
        Command::Create { template, name, set } => {
            let run = desk
                .create(&CreateRunRequest {
                    template: template.clone(),
                    name: name.clone(),
                    overrides: set.clone(),
                })
                .await?;
            out.run(&run);
        }
        Command::List {
            status,
            search,
            limit,
            offset,
        } => {
            let query = ListQuery {
                status: status.as_deref().map(RunStatus::parse).transpose()?,
                search: search.clone(),
                offset: Some(*offset),
                limit: Some(*limit),
            };
            out.page(&desk.list(&query).await?);
        }
        Command::Show { id } => out.run(&desk.get(id).await?),
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
        Command::Templates => out.templates(&fusion_desk_core::templates::list()),
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
    }
    Ok(())
}

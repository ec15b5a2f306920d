//! `fdesk sweep …` and `fdesk rerun`: sweeps over config keys, their
//! progress, cancelling them, re-running failed runs.

use clap::{Args, Subcommand};
use fusion_desk_core::sweeps::{AxisSpec, Sweep, SweepDetail, SweepPreview, SweepRequest};
use fusion_desk_core::{Desk, DeskError};

use crate::output::print_json;

#[derive(Subcommand)]
pub enum SweepCommand {
    /// Create one run per combination of the --vary values (a cartesian
    /// product); they enter the queue together as one sweep.
    Create {
        #[command(flatten)]
        spec: SweepArgs,
        /// Only show what would be created (same as `fdesk sweep preview`).
        #[arg(long)]
        dry_run: bool,
    },
    /// Show how many runs a sweep would create, the first of them and the
    /// estimated time, without creating anything.
    Preview {
        #[command(flatten)]
        spec: SweepArgs,
    },
    /// List sweeps, newest first, with their progress.
    List,
    /// Show a sweep and its runs.
    Show { id: String },
    /// Cancel every queued and running run of a sweep.
    Cancel { id: String },
    /// Re-run the FAILED runs of a sweep (cancelled runs are left alone).
    RerunFailed { id: String },
}

#[derive(Args)]
pub struct SweepArgs {
    /// A built-in or saved template (with --config: only the runs' label).
    #[arg(long, required_unless_present = "config")]
    template: Option<String>,
    /// Start from this INI file instead of a template.
    #[arg(long, value_name = "FILE")]
    config: Option<std::path::PathBuf>,
    /// The sweep's name; each run is named `<name> · key=value, …`.
    #[arg(long)]
    name: Option<String>,
    /// A key to vary: `section.key=v1,v2,...`, `section.key=a..b` (integers,
    /// both ends included), `section.key=a..b:step` (also floats), or a mix
    /// such as `1..3,10`. Repeat for more keys; the runs are every combination.
    #[arg(long = "vary", value_name = "SECTION.KEY=VALUES", required = true)]
    vary: Vec<String>,
    /// An override every run shares, `section.key=value`; repeat for more.
    #[arg(long = "set", value_name = "SECTION.KEY=VALUE")]
    set: Vec<String>,
    /// Where the runs execute: `local` (this machine, the default) or a
    /// cluster profile's name (see `fdesk cluster`): the sweep goes there
    /// as one job array.
    #[arg(long, value_name = "local|PROFILE")]
    executor: Option<String>,
}

impl SweepArgs {
    fn request(&self) -> Result<SweepRequest, DeskError> {
        Ok(SweepRequest {
            template: self.template.clone().unwrap_or_default(),
            name: self.name.clone(),
            overrides: self.set.clone(),
            config_text: self.config.as_deref().map(crate::read_config).transpose()?,
            axes: self
                .vary
                .iter()
                .map(|v| AxisSpec::parse_assignment(v))
                .collect::<Result<_, _>>()?,
            executor: self.executor.clone(),
        })
    }
}

fn duration(seconds: f64) -> String {
    let s = seconds.round() as u64;
    match s {
        0..=59 => format!("{:.0} s", seconds.max(1.0)),
        60..=3599 => format!("{} min {} s", s / 60, s % 60),
        _ => format!("{} h {} min", s / 3600, (s % 3600) / 60),
    }
}

fn print_preview(p: &SweepPreview) {
    for w in &p.warnings {
        eprintln!("warning: {w}");
    }
    println!("{} runs will be created", p.count);
    for a in &p.axes {
        println!("  {} = {}", a.path(), a.values.join(", "));
    }
    match &p.estimate {
        Some(e) => println!(
            "estimated time: about {} ({})",
            duration(e.total_seconds),
            e.basis
        ),
        None => println!("estimated time: unknown (no basis for an estimate)"),
    }
    for (i, point) in p.points.iter().enumerate() {
        println!("  {:>4}. {}", i + 1, point.label);
    }
    if (p.points.len() as u32) < p.count {
        println!("  … and {} more", p.count - p.points.len() as u32);
    }
}

fn counts_line(s: &Sweep) -> String {
    let c = &s.counts;
    format!(
        "{}/{} done, {} running, {} queued, {} failed, {} cancelled",
        c.completed, c.total, c.running, c.pending, c.failed, c.cancelled
    )
}

fn print_detail(d: &SweepDetail) {
    let s = &d.sweep;
    println!("id:        {}", s.id);
    println!("name:      {}", s.name);
    println!("template:  {}", s.template);
    for a in &s.axes {
        println!("vary:      {} = {}", a.path(), a.values.join(", "));
    }
    if !s.overrides.is_empty() {
        println!("overrides: {}", s.overrides.join(", "));
    }
    println!("progress:  {}", counts_line(s));
    println!("{:<12}  {:<9}  NAME", "RUN", "STATUS");
    for r in &d.runs {
        println!("{:<12}  {:<9}  {}", r.id, r.status.as_str(), r.name);
    }
}

pub async fn sweep(desk: &Desk, command: &SweepCommand, json: bool) -> Result<(), DeskError> {
    match command {
        SweepCommand::Preview { spec } | SweepCommand::Create { spec, dry_run: true } => {
            let preview = desk.sweeps().preview(&spec.request()?).await?;
            if json {
                print_json(&preview);
            } else {
                print_preview(&preview);
            }
        }
        SweepCommand::Create { spec, dry_run: false } => {
            let request = spec.request()?;
            if !json {
                for w in desk.sweeps().preview(&request).await?.warnings {
                    eprintln!("warning: {w}");
                }
            }
            let detail = desk.sweeps().create(&request).await?;
            if json {
                print_json(&detail);
            } else {
                println!(
                    "{} runs created in sweep {} ({})",
                    detail.runs.len(),
                    detail.sweep.id,
                    detail.sweep.name
                );
            }
        }
        SweepCommand::List => {
            let sweeps = desk.sweeps().list().await?;
            if json {
                print_json(&sweeps);
            } else {
                println!("{:<12}  {:<19}  {:<50}  NAME", "ID", "CREATED", "PROGRESS");
                for s in &sweeps {
                    println!(
                        "{:<12}  {:<19}  {:<50}  {}",
                        s.id,
                        s.created_at.get(..19).unwrap_or(&s.created_at).replace('T', " "),
                        counts_line(s),
                        s.name
                    );
                }
            }
        }
        SweepCommand::Show { id } => {
            let detail = desk.sweeps().get(id).await?;
            if json {
                print_json(&detail);
            } else {
                print_detail(&detail);
            }
        }
        SweepCommand::Cancel { id } => {
            let detail = desk.sweeps().cancel(id).await?;
            if json {
                print_json(&detail);
            } else {
                println!(
                    "sweep {}: cancel requested; {}",
                    detail.sweep.id,
                    counts_line(&detail.sweep)
                );
            }
        }
        SweepCommand::RerunFailed { id } => {
            let before = desk.sweeps().get(id).await?.sweep.counts.failed;
            let detail = desk.sweeps().rerun_failed(id).await?;
            if json {
                print_json(&detail);
            } else {
                println!(
                    "{before} failed runs of sweep {} re-run; {}",
                    detail.sweep.id,
                    counts_line(&detail.sweep)
                );
            }
        }
    }
    Ok(())
}

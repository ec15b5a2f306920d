//! `fdesk artifacts`, `fdesk export` and `fdesk results`: a run's files,
//! copies of them, and its results table, under the same path rules as the app.

use std::path::PathBuf;

use fusion_desk_core::artifacts::{ArtifactEntry, ArtifactListing, ArtifactUsage, EntryKind, ResultsTable};
use fusion_desk_core::{Desk, DeskError};

use crate::output::{human_bytes, print_json};
use serde::Serialize;

#[derive(clap::Args)]
pub struct ArtifactsArgs {
    pub id: String,
    /// A file or folder of the run, e.g. `output` or `@fusion/s1` (default: the run folder).
    pub path: Option<String>,
    #[arg(long, default_value_t = 0)]
    pub offset: u32,
    #[arg(long, default_value_t = 500)]
    pub limit: u32,
}

#[derive(clap::Args)]
pub struct ExportArgs {
    pub id: String,
    /// Where the copy goes (it names the copy itself; it must not exist).
    pub dest: PathBuf,
    /// Copy only this file or folder of the run.
    #[arg(long)]
    pub path: Option<String>,
    /// Replace an existing file, or merge into an existing folder.
    #[arg(long)]
    pub overwrite: bool,
    /// With a whole run, also copy the results folder the simulator
    /// reported outside the data folder (`@fusion`).
    #[arg(long)]
    pub with_reported: bool,
}

#[derive(clap::Args)]
pub struct ResultsArgs {
    pub id: String,
    /// Print the table as CSV.
    #[arg(long)]
    pub csv: bool,
}

#[derive(Serialize)]
struct FolderView<'a> {
    #[serde(flatten)]
    listing: &'a ArtifactListing,
    usage: &'a ArtifactUsage,
}

pub async fn artifacts(desk: &Desk, args: &ArtifactsArgs, json: bool) -> Result<(), DeskError> {
    let path = args.path.as_deref().unwrap_or("");
    let info = desk.artifacts().artifact_info(&args.id, path).await?;
    if !matches!(info.kind, EntryKind::Dir | EntryKind::Root) {
        if json {
            print_json(&info);
        } else {
            print_entries(std::slice::from_ref(&info));
        }
        return Ok(());
    }
    let listing = desk
        .artifacts()
        .list_artifacts(&args.id, path, Some(args.offset), Some(args.limit))
        .await?;
    let usage = desk.artifacts().artifact_usage(&args.id, path).await?;
    if json {
        print_json(&FolderView {
            listing: &listing,
            usage: &usage,
        });
        return Ok(());
    }
    let shown = if path.is_empty() { "the run folder" } else { path };
    println!("run {} — {shown}", listing.run_id);
    print_entries(&listing.entries);
    let n = listing.entries.len() as u32;
    if listing.total > n {
        println!(
            "({n} of {} entries from {}; use --offset and --limit for more)",
            listing.total, listing.offset
        );
    }
    println!(
        "total: {} in {} files, {} folders{} (on disk {}){}",
        human_bytes(usage.bytes),
        usage.files,
        usage.folders,
        if usage.symlinks > 0 {
            format!(", {} links", usage.symlinks)
        } else {
            String::new()
        },
        human_bytes(usage.disk_bytes),
        if usage.complete {
            ""
        } else {
            "; some folders could not be read"
        }
    );
    Ok(())
}

fn print_entries(entries: &[ArtifactEntry]) {
    println!("{:<7}  {:>10}  {:<19}  NAME", "KIND", "SIZE", "MODIFIED");
    for e in entries {
        let size = match e.kind {
            EntryKind::Dir | EntryKind::Root => "-".to_owned(),
            _ => human_bytes(e.size),
        };
        let modified = e
            .modified
            .as_deref()
            .and_then(|m| m.get(..19))
            .map(|m| m.replace('T', " "))
            .unwrap_or_else(|| "-".to_owned());
        let name = match e.kind {
            EntryKind::Dir => format!("{}/", e.path),
            EntryKind::Symlink => format!("{} -> {}", e.path, e.link_target.as_deref().unwrap_or("?")),
            EntryKind::Root => format!("{}/ ({})", e.path, e.location.as_deref().unwrap_or("?")),
            _ => e.path.clone(),
        };
        println!("{:<7}  {size:>10}  {modified:<19}  {name}", e.kind.as_str());
    }
}

pub async fn export(desk: &Desk, args: &ExportArgs, json: bool) -> Result<(), DeskError> {
    let dest = if args.dest.is_absolute() {
        args.dest.clone()
    } else {
        std::env::current_dir()
            .map_err(|e| DeskError::io("cannot find the current folder", e))?
            .join(&args.dest)
    };
    let summary = desk
        .artifacts()
        .export_artifacts_with(
            &args.id,
            args.path.as_deref(),
            &dest,
            args.overwrite,
            args.with_reported,
        )
        .await?;
    if json {
        print_json(&summary);
        return Ok(());
    }
    println!(
        "copied {} files and {} folders ({}) to {}",
        summary.files,
        summary.folders,
        human_bytes(summary.bytes),
        summary.destination
    );
    if summary.skipped_count > 0 {
        println!(
            "skipped {} links or special files (links are never followed):",
            summary.skipped_count
        );
        for s in &summary.skipped {
            println!("  {s}");
        }
    }
    Ok(())
}

pub async fn results(desk: &Desk, args: &ResultsArgs, json: bool) -> Result<(), DeskError> {
    if args.csv {
        print!("{}", desk.artifacts().results_csv(&args.id).await?);
        return Ok(());
    }
    let table = desk.artifacts().results(&args.id).await?;
    if json {
        print_json(&table);
    } else {
        print_table(&table);
    }
    Ok(())
}

fn print_table(table: &ResultsTable) {
    let num = |v: Option<f64>, digits: usize| v.map_or_else(|| "-".to_owned(), |x| format!("{x:.digits$}"));
    println!(
        "{:>9}  {:>5}  {:>9}  {:>9}  {:>8}  {:>9}  {:>5}  {:>8}  {:>6}  FILE",
        "ERLANG", "ITERS", "BP", "CI", "CI %", "BIT-RATE", "HOPS", "LENGTH", "TRANS"
    );
    for r in &table.rows {
        println!(
            "{:>9}  {:>5}  {:>9}  {:>9}  {:>8}  {:>9}  {:>5}  {:>8}  {:>6}  {}",
            r.erlang,
            r.iterations,
            num(r.blocking_mean, 6),
            num(r.ci_rate_block, 6),
            num(r.ci_percent_block, 2),
            num(r.bit_rate_blocking_mean, 6),
            num(r.hops_mean, 2),
            num(r.lengths_mean, 1),
            num(r.trans_mean, 2),
            r.path
        );
    }
    if table.rows.is_empty() {
        println!("(no <E>_erlang.json result files yet)");
    }
    for p in &table.problems {
        eprintln!("warning: {p}");
    }
}

//! `fdesk rename`, `tag`, `note`, `compare` and `cleanup`: the names, tags and
//! notes written on runs, comparing runs, and deleting old ones.

use std::io::Read;

use clap::Args;
use fusion_desk_core::compare::Comparison;
use fusion_desk_core::history::CleanupQuery;
use fusion_desk_core::{Desk, DeskError, Run, RunStatus};

use crate::output::{human_bytes, print_json, Printer};

#[derive(Args)]
pub struct TagArgs {
    id: String,
    /// Add this tag; repeat for more.
    #[arg(long, value_name = "TAG")]
    add: Vec<String>,
    /// Remove this tag; repeat for more.
    #[arg(long, value_name = "TAG")]
    remove: Vec<String>,
    /// Replace all tags with these (comma-separated; empty clears them).
    #[arg(long, value_name = "TAG,...", conflicts_with_all = ["add", "remove"])]
    set: Option<String>,
}

#[derive(Args)]
pub struct NoteArgs {
    id: String,
    /// `-` reads the new note from standard input.
    #[arg(value_name = "-", value_parser = ["-"], conflicts_with = "file")]
    stdin: Option<String>,
    /// Read the new note (markdown) from this file; an empty file clears it.
    #[arg(long, value_name = "FILE")]
    file: Option<std::path::PathBuf>,
}

#[derive(Args)]
pub struct CompareArgs {
    /// Two or more runs, in the order of the table's columns.
    #[arg(required = true, num_args = 2..)]
    ids: Vec<String>,
    /// Print the comparison as CSV: a row per run and load.
    #[arg(long)]
    csv: bool,
}

#[derive(Args)]
pub struct CleanupArgs {
    /// Finished runs that ended more than this many days ago.
    #[arg(long, value_name = "DAYS")]
    older_than: u32,
    /// Only runs with these final statuses (comma-separated: completed,
    /// failed, cancelled); all three by default.
    #[arg(long, value_name = "STATUS,...", value_delimiter = ',')]
    status: Vec<String>,
    /// Only list the runs that would be deleted.
    #[arg(long)]
    dry_run: bool,
}

pub async fn tag(desk: &Desk, args: &TagArgs, out: &Printer) -> Result<(), DeskError> {
    let run = desk.get(&args.id).await?;
    let changing = args.set.is_some() || !args.add.is_empty() || !args.remove.is_empty();
    let run = if changing {
        let tags = match &args.set {
            Some(list) => list
                .split(',')
                .filter(|t| !t.trim().is_empty())
                .map(str::to_owned)
                .collect(),
            None => {
                // Removing compares normalised tags, as they are stored.
                let remove = fusion_desk_core::history::tags::normalize_tags(&args.remove)?;
                let mut tags: Vec<String> = run.tags.into_iter().filter(|t| !remove.contains(t)).collect();
                tags.extend(args.add.iter().cloned());
                tags
            }
        };
        desk.history().set_tags(&args.id, &tags).await?
    } else {
        run
    };
    if out.json {
        print_json(&serde_json::json!({ "id": run.id, "tags": run.tags }));
    } else if !run.tags.is_empty() {
        println!("{}", run.tags.join(", "));
    }
    Ok(())
}

pub async fn note(desk: &Desk, args: &NoteArgs, out: &Printer) -> Result<(), DeskError> {
    let new_note = if let Some(path) = &args.file {
        Some(crate::read_file(path)?)
    } else if args.stdin.is_some() {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(|e| {
            DeskError::invalid_input(format!("cannot read the note from standard input: {e}"))
        })?;
        Some(text)
    } else {
        None
    };
    let run = match new_note {
        Some(text) => desk.history().set_note(&args.id, &text).await?,
        None => desk.get(&args.id).await?,
    };
    if out.json {
        print_json(&serde_json::json!({ "id": run.id, "note": run.note }));
    } else if !run.note.is_empty() {
        print!("{}", run.note);
        if !run.note.ends_with('\n') {
            println!();
        }
    }
    Ok(())
}

pub async fn compare(desk: &Desk, args: &CompareArgs, out: &Printer) -> Result<(), DeskError> {
    if args.csv && out.json {
        return Err(DeskError::invalid_input("choose one of --csv and --json"));
    }
    if args.csv {
        print!("{}", desk.comparisons().compare_csv(&args.ids).await?);
        return Ok(());
    }
    let comparison = desk.comparisons().compare(&args.ids).await?;
    if out.json {
        print_json(&comparison);
    } else {
        print_comparison(&comparison);
    }
    Ok(())
}

fn print_comparison(c: &Comparison) {
    let ids: Vec<&str> = c.runs.iter().map(|r| r.id.as_str()).collect();
    if c.diff.is_empty() {
        println!("The runs' configs are the same.");
    } else {
        let mut rows = vec![[
            vec!["KEY".to_owned()],
            ids.iter().map(|s| s.to_string()).collect(),
        ]
        .concat()];
        for d in &c.diff {
            let mut row = vec![d.key.clone()];
            row.extend(
                d.values
                    .iter()
                    .map(|v| v.clone().unwrap_or_else(|| "-".to_owned())),
            );
            rows.push(row);
        }
        print_table(&rows);
    }
    println!();
    let num = |v: Option<f64>| v.map_or_else(|| "-".to_owned(), |x| format!("{x:.6}"));
    let mut rows = vec![[
        "ID",
        "STATUS",
        "LOADS",
        "HIGHEST ERLANG",
        "BLOCKING THERE",
        "MEAN BLOCKING",
        "SECONDS",
        "LABEL",
    ]
    .map(str::to_owned)
    .to_vec()];
    for r in &c.runs {
        let m = &r.metrics;
        rows.push(vec![
            r.id.clone(),
            r.status.as_str().to_owned(),
            m.loads.to_string(),
            m.highest_erlang.map_or_else(|| "-".to_owned(), |e| e.to_string()),
            num(m.highest_blocking),
            num(m.mean_blocking),
            m.duration_seconds
                .map_or_else(|| "-".to_owned(), |s| format!("{s:.1}")),
            match &r.problem {
                Some(p) => format!("{} ({p})", r.label),
                None => r.label.clone(),
            },
        ]);
    }
    print_table(&rows);
}

/// Left-aligned columns two spaces apart; the last column is not padded.
fn print_table(rows: &[Vec<String>]) {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<w$}  ", w = widths[i]));
            }
        }
        println!("{}", line.trim_end());
    }
}

/// The final statuses `--status` names (all three when empty).
fn cleanup_statuses(raw: &[String]) -> Result<Vec<RunStatus>, DeskError> {
    if raw.is_empty() {
        return Ok(vec![
            RunStatus::Completed,
            RunStatus::Failed,
            RunStatus::Cancelled,
        ]);
    }
    raw.iter()
        .map(|s| {
            let status = RunStatus::parse(s.trim())?;
            if status.is_terminal() {
                Ok(status)
            } else {
                Err(DeskError::invalid_input(format!(
                    "--status {s}: only finished runs are cleaned up (completed, failed, cancelled)"
                )))
            }
        })
        .collect()
}

pub async fn cleanup(desk: &Desk, args: &CleanupArgs, out: &Printer) -> Result<(), DeskError> {
    let statuses = cleanup_statuses(&args.status)?;
    let query = CleanupQuery {
        older_than_days: args.older_than,
        only_unsuccessful: !statuses.contains(&RunStatus::Completed),
    };
    let mut chosen: Vec<Run> = Vec::new();
    for id in desk.history().cleanup_preview(&query).await?.ids {
        let run = desk.get(&id).await?;
        if statuses.contains(&run.status) {
            chosen.push(run);
        }
    }
    let mut failed = Vec::new();
    if !args.dry_run && !chosen.is_empty() {
        let ids: Vec<String> = chosen.iter().map(|r| r.id.clone()).collect();
        failed = desk
            .history()
            .delete_many(&ids)
            .await?
            .into_iter()
            .filter(|item| !item.ok)
            .collect::<Vec<_>>();
        chosen.retain(|r| !failed.iter().any(|f| f.id == r.id));
    }
    let bytes: u64 = chosen.iter().filter_map(|r| r.disk_bytes).sum();
    if out.json {
        let ids: Vec<&str> = chosen.iter().map(|r| r.id.as_str()).collect();
        let key = if args.dry_run { "would_delete" } else { "deleted" };
        print_json(&serde_json::json!({ key: ids, "bytes": bytes, "failed": failed }));
    } else {
        for r in &chosen {
            println!(
                "{}  {:<9}  {:>10}  {}",
                r.id,
                r.status.as_str(),
                r.disk_bytes.map_or_else(|| "-".to_owned(), human_bytes),
                r.name
            );
        }
        let verb = if args.dry_run { "would delete" } else { "deleted" };
        let plural = if chosen.len() == 1 { "" } else { "s" };
        println!("{verb} {} run{plural}, {}", chosen.len(), human_bytes(bytes));
    }
    for f in &failed {
        eprintln!(
            "not deleted {}: {}",
            f.id,
            f.message.as_deref().unwrap_or("unknown reason")
        );
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(DeskError::invalid_state(format!(
            "{} run{} could not be deleted",
            failed.len(),
            if failed.len() == 1 { "" } else { "s" }
        )))
    }
}

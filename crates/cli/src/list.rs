//! `fdesk list`: the history with its filters, an order (a metric of the
//! results cache among them) and the columns a person asks for.

use clap::Args;
use fusion_desk_core::history::Metric;
use fusion_desk_core::{Desk, DeskError, ListQuery, Run, RunPage, RunStatus};

use crate::output::print_json;

#[derive(Args)]
pub struct ListArgs {
    #[arg(long)]
    status: Option<String>,
    #[arg(long)]
    search: Option<String>,
    #[arg(long, default_value_t = 50)]
    limit: u32,
    #[arg(long, default_value_t = 0)]
    offset: u32,
    /// Only runs made from this template.
    #[arg(long)]
    template: Option<String>,
    /// Only runs on this network (`topology_settings.network`).
    #[arg(long)]
    network: Option<String>,
    /// Only runs with this tag.
    #[arg(long)]
    tag: Option<String>,
    /// Only runs created on or after this date (YYYY-MM-DD) or RFC 3339 time.
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    /// Only runs created on or before this date (the whole day) or time.
    #[arg(long, value_name = "DATE")]
    until: Option<String>,
    /// Only the runs of this sweep.
    #[arg(long, value_name = "SWEEP_ID")]
    sweep: Option<String>,
    /// The columns to print, comma-separated: id, status, created, name,
    /// template, network, tags, and the metrics mean_blocking,
    /// highest_blocking, highest_erlang, bit_rate_blocking, loads,
    /// iterations, duration, blocking@<erlang>.
    #[arg(long, value_name = "COLUMN,...", value_delimiter = ',')]
    columns: Vec<String>,
    /// Order by `created` (default, newest first), `name` or a metric
    /// (ascending; runs without it last).
    #[arg(long, value_name = "COLUMN")]
    sort: Option<String>,
    /// Reverse the order.
    #[arg(long)]
    desc: bool,
    /// Only runs whose metric meets this condition, e.g. `blocking@900<1%`,
    /// `mean_blocking<=0.01`, `loads>=3`; repeat for more (all must hold).
    #[arg(long = "where", value_name = "CONDITION")]
    conditions: Vec<String>,
}

/// A column of the printed table.
enum Column {
    Id,
    Status,
    Created,
    Name,
    Template,
    Network,
    Tags,
    Metric(String, Metric),
}

const DEFAULT_COLUMNS: [&str; 4] = ["id", "status", "created", "name"];

impl Column {
    fn parse(name: &str) -> Result<Column, DeskError> {
        let name = name.trim();
        Ok(match name.to_ascii_lowercase().as_str() {
            "id" => Column::Id,
            "status" => Column::Status,
            "created" => Column::Created,
            "name" => Column::Name,
            "template" => Column::Template,
            "network" => Column::Network,
            "tags" => Column::Tags,
            _ => Column::Metric(name.to_ascii_lowercase(), Metric::parse(name)?),
        })
    }

    fn header(&self) -> String {
        match self {
            Column::Id => "ID".into(),
            Column::Status => "STATUS".into(),
            Column::Created => "CREATED".into(),
            Column::Name => "NAME".into(),
            Column::Template => "TEMPLATE".into(),
            Column::Network => "NETWORK".into(),
            Column::Tags => "TAGS".into(),
            Column::Metric(name, _) => name.to_ascii_uppercase(),
        }
    }

    fn cell(&self, run: &Run) -> String {
        match self {
            Column::Id => run.id.clone(),
            Column::Status => run.status.as_str().to_owned(),
            Column::Created => run
                .created_at
                .get(..19)
                .unwrap_or(&run.created_at)
                .replace('T', " "),
            Column::Name => run.name.clone(),
            Column::Template => run.template.clone(),
            Column::Network => run.network.clone().unwrap_or_default(),
            Column::Tags => run.tags.join(","),
            Column::Metric(_, m) => match run.metrics.as_ref().and_then(|x| m.value(x)) {
                None => "-".to_owned(),
                Some(v) => format_metric(*m, v),
            },
        }
    }
}

/// Probabilities keep three significant digits (tiny ones in exponent
/// form, zero as `0`), counts are whole, durations in seconds.
fn format_metric(m: Metric, v: f64) -> String {
    match m {
        Metric::Loads | Metric::Iterations => format!("{v:.0}"),
        Metric::DurationSeconds => format!("{v:.1} s"),
        Metric::HighestErlang => format!("{v}"),
        _ if v == 0.0 => "0".to_owned(),
        _ if v.abs() < 1e-3 => format!("{v:.2e}"),
        _ => format!("{v:.4}"),
    }
}

pub async fn list(desk: &Desk, args: &ListArgs, json: bool) -> Result<(), DeskError> {
    let columns = if args.columns.is_empty() {
        DEFAULT_COLUMNS
            .iter()
            .map(|c| Column::parse(c))
            .collect::<Result<Vec<_>, _>>()
    } else {
        args.columns.iter().map(|c| Column::parse(c)).collect()
    }?;
    let wants_metrics = columns.iter().any(|c| matches!(c, Column::Metric(..)))
        || !args.conditions.is_empty()
        || args.sort.as_deref().is_some_and(|s| Metric::parse(s).is_ok());
    if wants_metrics {
        // Runs that ended before the results cache existed are summarised once.
        desk.history().backfill_metrics().await?;
    }
    let query = ListQuery {
        status: args.status.as_deref().map(RunStatus::parse).transpose()?,
        search: args.search.clone(),
        offset: Some(args.offset),
        limit: Some(args.limit),
        template: args.template.clone(),
        network: args.network.clone(),
        tag: args.tag.clone(),
        created_after: args.since.clone(),
        created_before: args.until.clone(),
        sweep_id: args.sweep.clone(),
        sort: args.sort.clone(),
        descending: args.desc.then_some(true),
        metric_filters: Some(args.conditions.clone()),
    };
    let page = desk.list(&query).await?;
    if json {
        print_json(&page);
    } else {
        print_table(&page, &columns);
    }
    Ok(())
}

fn print_table(page: &RunPage, columns: &[Column]) {
    let mut rows = vec![columns.iter().map(Column::header).collect::<Vec<_>>()];
    rows.extend(
        page.runs
            .iter()
            .map(|r| columns.iter().map(|c| c.cell(r)).collect::<Vec<_>>()),
    );
    let widths: Vec<usize> = (0..columns.len())
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    for row in &rows {
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
    let shown = page.runs.len() as u32;
    if page.total > shown {
        println!(
            "({shown} of {} runs; use --offset and --limit for more)",
            page.total
        );
    }
}

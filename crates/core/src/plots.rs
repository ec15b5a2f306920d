//! What a figure of runs shows, as data: the curves of blocking against load
//! of some runs (a sweep's, or chosen ones), or a metric of the results cache
//! against a config key the runs vary, one line per value of a second key.
//! Drawing is the figure pipeline's job; this module only gathers and groups.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::artifacts::metrics::{one_row_per_load, Metric};
use crate::artifacts::Artifacts;
use crate::compare::diff;
use crate::ctx::Ctx;
use crate::error::{DeskError, Result};
use crate::history::{folder_safe_name, RunMetrics};
use crate::model::Run;

/// Most runs one figure gathers (a whole sweep fits).
pub const MAX_PLOTTED_RUNS: usize = 2_000;

/// What to plot: the runs (a sweep's, or listed ones), the x (`erlang` or a
/// config key), the y, and the key that splits the lines.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct PlotRequest {
    #[serde(default)]
    pub runs: Vec<String>,
    #[serde(default)]
    #[ts(optional)]
    pub sweep: Option<String>,
    /// `erlang` (the default: curves against load) or a config key
    /// (`k_paths`, `general_settings.k_paths`).
    #[serde(default)]
    #[ts(optional)]
    pub x: Option<String>,
    /// Against load: `blocking` (default) or `bit_rate_blocking`. Against a
    /// key: a metric (`mean_blocking` (default), `blocking@900`, …).
    #[serde(default)]
    #[ts(optional)]
    pub y: Option<String>,
    /// Against a key: one line per value of this key.
    #[serde(default)]
    #[ts(optional)]
    pub by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PlotPoint {
    /// The x value, or the index into `x_categories`.
    pub x: f64,
    pub y: Option<f64>,
    /// The interval as measured (the lower end may be below 0).
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PlotSeries {
    pub label: String,
    pub points: Vec<PlotPoint>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PlotData {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    /// Non-empty when the x key's values are not all numbers.
    pub x_categories: Vec<String>,
    pub series: Vec<PlotSeries>,
    /// A file name without extension: the run's or sweep's name and what is plotted.
    pub file_stem: String,
    /// Runs left out and why (no results yet, not a point of the x key).
    pub notes: Vec<String>,
}

impl PlotData {
    /// An `invalid_input` error saying why each run was left out when
    /// nothing can be drawn; the app's figures and `fdesk plot` both ask.
    pub fn ensure_drawable(&self) -> Result<()> {
        if !self.series.is_empty() {
            return Ok(());
        }
        Err(DeskError::invalid_input(format!(
            "nothing to plot: {}",
            if self.notes.is_empty() {
                "no run has results".to_owned()
            } else {
                self.notes.join("; ")
            }
        )))
    }
}

/// The y of curves against load.
#[derive(Debug, Clone, Copy, PartialEq)]
enum LoadY {
    Blocking,
    BitRateBlocking,
}

fn load_y(y: Option<&str>) -> Result<LoadY> {
    match y.map(|s| s.trim().to_ascii_lowercase()).as_deref() {
        None | Some("") | Some("blocking") | Some("blocking_probability") => Ok(LoadY::Blocking),
        Some("bit_rate_blocking") => Ok(LoadY::BitRateBlocking),
        Some(other) => Err(DeskError::invalid_input(format!(
            "against load, --y is blocking or bit_rate_blocking, not {other:?}"
        ))),
    }
}

fn metric_label(m: Metric) -> String {
    match m {
        Metric::MeanBlocking => "Mean blocking probability".to_owned(),
        Metric::HighestBlocking => "Blocking probability at the highest load".to_owned(),
        Metric::HighestErlang => "Highest load (Erlang)".to_owned(),
        Metric::BitRateBlocking => "Mean bit-rate blocking probability".to_owned(),
        Metric::Loads => "Loads".to_owned(),
        Metric::Iterations => "Iterations".to_owned(),
        Metric::DurationSeconds => "Duration (s)".to_owned(),
        Metric::BlockingAt(e) => format!("Blocking probability at {} Erlang", number_text(e)),
    }
}

fn metric_slug(m: Metric) -> String {
    match m {
        Metric::MeanBlocking => "mean_blocking".to_owned(),
        Metric::HighestBlocking => "highest_blocking".to_owned(),
        Metric::HighestErlang => "highest_erlang".to_owned(),
        Metric::BitRateBlocking => "bit_rate_blocking".to_owned(),
        Metric::Loads => "loads".to_owned(),
        Metric::Iterations => "iterations".to_owned(),
        Metric::DurationSeconds => "duration".to_owned(),
        Metric::BlockingAt(e) => format!("blocking-at-{}E", number_text(e)),
    }
}

fn number_text(v: f64) -> String {
    if v == v.trunc() && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// The `section.key` of `name` among the runs' keys: exact, or the only
/// key of that name in any section.
fn resolve_key(name: &str, keys: &[&String]) -> Result<String> {
    let name = name.trim();
    if let Some(k) = keys.iter().find(|k| k.as_str() == name) {
        return Ok((*k).clone());
    }
    let matches: Vec<&String> = keys
        .iter()
        .copied()
        .filter(|k| k.rsplit_once('.').is_some_and(|(_, key)| key == name))
        .collect();
    match matches.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(DeskError::invalid_input(format!(
            "no plotted run's config has a key {name:?}"
        ))),
        many => Err(DeskError::invalid_input(format!(
            "{name:?} is in several sections ({}): name one as section.key",
            many.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
        ))),
    }
}

/// `<name>_<what>`, each part made safe for a file name (the name part kept
/// short so what is plotted always shows).
fn file_stem(name: &str, what: &str) -> String {
    let name: String = folder_safe_name(name).chars().take(40).collect();
    format!("{name}_{}", folder_safe_name(what))
}

fn short_key(key: &str) -> &str {
    key.rsplit_once('.').map_or(key, |(_, k)| k)
}

/// Numbers compare as numbers, the rest as text (`2 < 10`, `a < b`).
fn value_order(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.trim().parse::<f64>(), b.trim().parse::<f64>()) {
        (Ok(x), Ok(y)) => x.total_cmp(&y),
        _ => a.cmp(b),
    }
}

/// The data of figures: curves of runs against load or against a config key.
pub struct Plots<'a> {
    ctx: &'a Ctx,
}

impl<'a> Plots<'a> {
    pub fn new(ctx: &'a Ctx) -> Self {
        Plots { ctx }
    }
    /// Gathers the data of a figure (see [`PlotRequest`]).
    pub async fn plot_data(&self, req: &PlotRequest) -> Result<PlotData> {
        let (runs, name, axis_order) = self.plotted_runs(req).await?;
        let x = req.x.as_deref().map(str::trim).filter(|x| !x.is_empty());
        match x {
            None | Some("erlang") | Some("load") => {
                if req.by.as_deref().is_some_and(|b| !b.trim().is_empty()) {
                    return Err(DeskError::invalid_input(
                        "--by splits the lines of a plot against a config key; against load every run is a line",
                    ));
                }
                self.curves_against_load(&runs, &name, load_y(req.y.as_deref())?)
                    .await
            }
            Some(key) => {
                let metric = match req.y.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
                    None => Metric::MeanBlocking,
                    Some(y) => Metric::parse(y)?,
                };
                self.metric_against_key(&runs, &name, key, req.by.as_deref(), metric, &axis_order)
                    .await
            }
        }
    }

    /// The runs of the request, a name for the figure, and the sweep's
    /// order of each axis' values (`section.key` → values).
    async fn plotted_runs(
        &self,
        req: &PlotRequest,
    ) -> Result<(Vec<Run>, String, BTreeMap<String, Vec<String>>)> {
        match (&req.sweep, req.runs.is_empty()) {
            (Some(_), false) => Err(DeskError::invalid_input("plot either a sweep or runs, not both")),
            (None, true) => Err(DeskError::invalid_input(
                "choose a sweep or at least one run to plot",
            )),
            (Some(sweep), true) => {
                let detail = crate::sweeps::detail(self.ctx, sweep).await?;
                if detail.runs.len() > MAX_PLOTTED_RUNS {
                    return Err(DeskError::invalid_input(format!(
                        "at most {MAX_PLOTTED_RUNS} runs in one figure"
                    )));
                }
                let order = detail
                    .sweep
                    .axes
                    .iter()
                    .map(|a| (a.path(), a.values.clone()))
                    .collect();
                Ok((detail.runs, detail.sweep.name, order))
            }
            (None, false) => {
                if req.runs.len() > MAX_PLOTTED_RUNS {
                    return Err(DeskError::invalid_input(format!(
                        "at most {MAX_PLOTTED_RUNS} runs in one figure"
                    )));
                }
                let mut runs: Vec<Run> = Vec::new();
                for id in &req.runs {
                    let run = crate::runs::get(self.ctx, id).await?;
                    if !runs.iter().any(|r| r.id == run.id) {
                        runs.push(run);
                    }
                }
                let name = match runs.as_slice() {
                    [one] => one.name.clone(),
                    [first, rest @ ..] => format!("{} and {} more", first.name, rest.len()),
                    [] => String::new(),
                };
                Ok((runs, name, BTreeMap::new()))
            }
        }
    }

    async fn configs_of(&self, runs: &[Run]) -> Vec<BTreeMap<String, String>> {
        let mut out = Vec::with_capacity(runs.len());
        for r in runs {
            out.push(diff::flatten(
                &crate::runs::config_text(self.ctx, &r.id)
                    .await
                    .unwrap_or_default(),
            ));
        }
        out
    }

    async fn curves_against_load(&self, runs: &[Run], name: &str, y: LoadY) -> Result<PlotData> {
        let configs = self.configs_of(runs).await;
        let names: Vec<String> = runs.iter().map(|r| r.name.clone()).collect();
        let labels = diff::labels(&diff::config_diff(&configs), &names);
        let mut series = Vec::new();
        let mut notes = Vec::new();
        for (run, label) in runs.iter().zip(labels) {
            let table = match Artifacts::new(self.ctx).results(&run.id).await {
                Ok(t) => t,
                Err(e) => {
                    notes.push(format!(
                        "{} ({}): its results cannot be read: {}",
                        run.name, run.id, e.message
                    ));
                    continue;
                }
            };
            let points: Vec<PlotPoint> = one_row_per_load(&table)
                .into_iter()
                .map(|r| {
                    let (mean, half) = match y {
                        LoadY::Blocking => (r.blocking_mean, r.ci_rate_block),
                        LoadY::BitRateBlocking => (r.bit_rate_blocking_mean, r.ci_rate_bit_rate_block),
                    };
                    PlotPoint {
                        x: r.erlang,
                        y: mean,
                        ci_low: mean.zip(half).map(|(m, h)| m - h),
                        ci_high: mean.zip(half).map(|(m, h)| m + h),
                    }
                })
                .collect();
            if points.iter().all(|p| p.y.is_none()) {
                notes.push(format!(
                    "{} ({}): no results to plot ({})",
                    run.name,
                    run.id,
                    run.status.as_str()
                ));
                continue;
            }
            series.push(PlotSeries { label, points });
        }
        let (y_label, slug) = match y {
            LoadY::Blocking => ("Blocking probability", "blocking"),
            LoadY::BitRateBlocking => ("Bit-rate blocking probability", "bit_rate_blocking"),
        };
        Ok(PlotData {
            title: format!("{name}: {} against load", y_label.to_lowercase()),
            x_label: "Offered load (Erlang)".to_owned(),
            y_label: y_label.to_owned(),
            x_categories: Vec::new(),
            series,
            file_stem: file_stem(name, &format!("{slug}-vs-erlang")),
            notes,
        })
    }

    async fn metric_against_key(
        &self,
        runs: &[Run],
        name: &str,
        x_key: &str,
        by_key: Option<&str>,
        metric: Metric,
        axis_order: &BTreeMap<String, Vec<String>>,
    ) -> Result<PlotData> {
        let configs = self.configs_of(runs).await;
        let all_keys: Vec<&String> = {
            let mut k: Vec<&String> = configs.iter().flat_map(|c| c.keys()).collect();
            k.sort();
            k.dedup();
            k
        };
        let x_key = resolve_key(x_key, &all_keys)?;
        let by_key = by_key
            .map(str::trim)
            .filter(|b| !b.is_empty())
            .map(|b| resolve_key(b, &all_keys))
            .transpose()?;
        if by_key.as_deref() == Some(x_key.as_str()) {
            return Err(DeskError::invalid_input("--x and --by name the same key"));
        }
        let mut notes = Vec::new();
        // The keys that differ besides x and by split lines too: runs are
        // grouped only when they differ in the chosen keys alone.
        let differing: Vec<diff::ConfigDiffRow> = diff::config_diff(&configs)
            .into_iter()
            .filter(|d| d.key != x_key && Some(&d.key) != by_key.as_ref())
            .collect();

        struct Row {
            x: String,
            group: Vec<String>,
            metrics: Option<RunMetrics>,
        }
        let mut rows = Vec::new();
        for (i, run) in runs.iter().enumerate() {
            let Some(x) = configs[i].get(&x_key).cloned() else {
                notes.push(format!("{} ({}): its config has no {x_key}", run.name, run.id));
                continue;
            };
            let mut metrics = run.metrics.clone();
            if metrics.is_none() && run.status.is_terminal() {
                // Ended before the results cache existed: summarise it now.
                metrics =
                    crate::artifacts::metrics::record(self.ctx, &crate::run_id::RunId::parse(&run.id)?, None)
                        .await?;
            }
            let mut group: Vec<String> = by_key
                .iter()
                .map(|k| {
                    format!(
                        "{}={}",
                        short_key(k),
                        configs[i].get(k).map_or("none", |v| v.as_str())
                    )
                })
                .collect();
            group.extend(differing.iter().map(|d| {
                format!(
                    "{}={}",
                    short_key(&d.key),
                    d.values[i].as_deref().unwrap_or("none")
                )
            }));
            if metrics.as_ref().and_then(|m| metric.value(m)).is_none() {
                notes.push(format!(
                    "{} ({}): no {} ({})",
                    run.name,
                    run.id,
                    metric_slug(metric),
                    if run.status.is_terminal() {
                        "not in its results"
                    } else {
                        "not finished"
                    }
                ));
            }
            rows.push(Row { x, group, metrics });
        }

        // A numeric x when every value is a number; else categories in the
        // sweep's order of the axis (or sorted).
        let numeric = rows
            .iter()
            .all(|r| r.x.trim().parse::<f64>().is_ok_and(f64::is_finite));
        let mut categories: Vec<String> = Vec::new();
        if !numeric {
            if let Some(order) = axis_order.get(&x_key) {
                categories.extend(order.iter().filter(|v| rows.iter().any(|r| &r.x == *v)).cloned());
            }
            let mut rest: Vec<String> = rows
                .iter()
                .map(|r| r.x.clone())
                .filter(|x| !categories.contains(x))
                .collect();
            rest.sort_by(|a, b| value_order(a, b));
            rest.dedup();
            categories.extend(rest);
        }
        let mut groups: BTreeMap<Vec<String>, Vec<PlotPoint>> = BTreeMap::new();
        let mut group_order: Vec<Vec<String>> = Vec::new();
        for r in &rows {
            let x = if numeric {
                r.x.trim().parse::<f64>().unwrap_or_default()
            } else {
                categories.iter().position(|c| c == &r.x).unwrap_or(0) as f64
            };
            let y = r.metrics.as_ref().and_then(|m| metric.value(m));
            let half = match metric {
                Metric::BlockingAt(e) => r
                    .metrics
                    .as_ref()
                    .and_then(|m| m.per_load.iter().find(|l| l.erlang == e))
                    .and_then(|l| l.ci_half_width),
                Metric::HighestBlocking => r.metrics.as_ref().and_then(|m| {
                    m.per_load
                        .iter()
                        .find(|l| Some(l.erlang) == m.highest_erlang)
                        .and_then(|l| l.ci_half_width)
                }),
                _ => None,
            };
            if !groups.contains_key(&r.group) {
                group_order.push(r.group.clone());
            }
            groups.entry(r.group.clone()).or_default().push(PlotPoint {
                x,
                y,
                ci_low: y.zip(half).map(|(m, h)| m - h),
                ci_high: y.zip(half).map(|(m, h)| m + h),
            });
        }
        // Lines in the order of their key values (numbers as numbers).
        group_order.sort_by(|a, b| {
            a.iter()
                .zip(b)
                .map(|(x, y)| {
                    let v = |s: &str| s.split_once('=').map_or(s, |(_, v)| v).to_owned();
                    value_order(&v(x), &v(y))
                })
                .find(|o| o.is_ne())
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let series: Vec<PlotSeries> = group_order
            .into_iter()
            .map(|g| {
                let mut points = groups.remove(&g).unwrap_or_default();
                points.sort_by(|a, b| a.x.total_cmp(&b.x));
                let repeated = points.windows(2).filter(|w| w[0].x == w[1].x).count();
                if repeated > 0 {
                    notes.push(format!(
                        "{}: {repeated} point(s) share an x with another run of identical settings",
                        if g.is_empty() { "the line" } else { "a line" }
                    ));
                }
                PlotSeries {
                    label: if g.is_empty() {
                        String::new()
                    } else {
                        g.join(" · ")
                    },
                    points,
                }
            })
            .collect();
        let x_short = short_key(&x_key);
        let mut what = format!("{}-vs-{x_short}", metric_slug(metric));
        if let Some(by) = &by_key {
            what.push_str(&format!("-by-{}", short_key(by)));
        }
        Ok(PlotData {
            title: format!(
                "{name}: {} against {x_short}",
                metric_label(metric).to_lowercase()
            ),
            x_label: x_short.to_owned(),
            y_label: metric_label(metric),
            x_categories: categories,
            series,
            file_stem: file_stem(name, &what),
            notes,
        })
    }
}

/// Writes this module's TypeScript bindings into `dir`.
pub fn export_bindings(dir: &std::path::Path) -> Result<(), ts_rs::ExportError> {
    PlotRequest::export_all_to(dir)?;
    PlotData::export_all_to(dir)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_resolve_by_full_path_or_unique_name() {
        let (a, b, c) = (
            "general_settings.k_paths".to_owned(),
            "topology_settings.cores_per_link".to_owned(),
            "x.cores_per_link".to_owned(),
        );
        let keys = vec![&a, &b, &c];
        assert_eq!(resolve_key("k_paths", &keys).unwrap(), a);
        assert_eq!(resolve_key("general_settings.k_paths", &keys).unwrap(), a);
        assert!(resolve_key("cores_per_link", &keys)
            .unwrap_err()
            .message
            .contains("several sections"));
        assert_eq!(resolve_key("x.cores_per_link", &keys).unwrap(), c);
        assert!(resolve_key("colour", &keys).is_err());
    }

    #[test]
    fn values_order_numbers_as_numbers() {
        let mut v = vec!["10", "2", "b", "a"];
        v.sort_by(|a, b| value_order(a, b));
        assert_eq!(v, ["2", "10", "a", "b"]);
    }

    #[test]
    fn nothing_to_draw_says_why_each_run_was_left_out() {
        let mut data = PlotData {
            title: "t".into(),
            x_label: "x".into(),
            y_label: "y".into(),
            x_categories: vec![],
            series: vec![],
            file_stem: "t".into(),
            notes: vec![],
        };
        let err = data.ensure_drawable().unwrap_err();
        assert_eq!(err.code, crate::error::ErrorCode::InvalidInput);
        assert!(err.message.contains("no run has results"), "{}", err.message);
        data.notes = vec![
            "run a: no results yet".into(),
            "run b: cancelled before any load".into(),
        ];
        let err = data.ensure_drawable().unwrap_err();
        assert!(
            err.message
                .contains("run a: no results yet; run b: cancelled before any load"),
            "{}",
            err.message
        );
        data.series.push(PlotSeries {
            label: "a".into(),
            points: vec![],
        });
        assert!(data.ensure_drawable().is_ok());
    }
}

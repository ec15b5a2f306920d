//! A comparison as one tidy CSV table: a row per run and load, with the run's
//! final metrics and its values of the differing config keys repeated on each
//! of its rows (so a spreadsheet can pivot on any of them). A run without
//! results gets one row with empty load cells.

use super::Comparison;

pub fn to_csv(c: &Comparison) -> String {
    let mut header: Vec<String> = [
        "run_id",
        "name",
        "label",
        "status",
        "erlang",
        "blocking_mean",
        "ci_low",
        "ci_high",
        "iterations",
        "partial",
        "highest_erlang",
        "highest_blocking",
        "mean_blocking",
        "duration_seconds",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    header.extend(c.diff.iter().map(|d| d.key.clone()));
    header.push("problem".to_owned());

    let f = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    let mut out = vec![header];
    for (i, run) in c.runs.iter().enumerate() {
        let fixed = |cells: &mut Vec<String>| {
            cells.extend([
                f(run.metrics.highest_erlang),
                f(run.metrics.highest_blocking),
                f(run.metrics.mean_blocking),
                f(run.metrics.duration_seconds),
            ]);
            cells.extend(c.diff.iter().map(|d| d.values[i].clone().unwrap_or_default()));
            cells.push(run.problem.clone().unwrap_or_default());
        };
        let head = [
            run.id.clone(),
            run.name.clone(),
            run.label.clone(),
            run.status.as_str().to_owned(),
        ];
        if run.points.is_empty() {
            let mut cells = head.to_vec();
            cells.extend(std::iter::repeat_n(String::new(), 6));
            fixed(&mut cells);
            out.push(cells);
        }
        for p in &run.points {
            let mut cells = head.to_vec();
            cells.extend([
                p.erlang.to_string(),
                f(p.mean),
                f(p.ci_low),
                f(p.ci_high),
                p.iterations.to_string(),
                if p.partial {
                    "interrupted".to_owned()
                } else {
                    String::new()
                },
            ]);
            fixed(&mut cells);
            out.push(cells);
        }
    }
    crate::csv_table::to_csv(out)
}

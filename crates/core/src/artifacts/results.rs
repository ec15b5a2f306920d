//! The results table: one row per `<E>_erlang.json` (FUSION's output format,
//! see fusion-sim-model.md §5), sorted by Erlang, and its CSV export.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::fs::File;
use std::io::Read;

use serde_json::{Map, Value};

use super::address::Address;
use super::fsx::{self, Kind};
use super::tree::{natural_cmp, Node, RunTree};
use super::{BandwidthCount, ErlangResult, ModulationUse, ResultsTable};
use crate::error::{DeskError, Result};

/// Result files larger than this are reported, not parsed.
pub const MAX_RESULT_BYTES: u64 = 64 * 1024 * 1024;
/// How deep below `output/` (or an extra root) result files are looked for;
/// FUSION writes `<network>/<date>/<time>/s1/<E>_erlang.json`.
const SEARCH_DEPTH: usize = 6;
const MAX_RESULT_FILES: usize = 10_000;

/// `300.0_erlang.json` → 300.0
pub fn erlang_of_file_name(name: &str) -> Option<f64> {
    let number = name.strip_suffix("_erlang.json")?;
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    number.parse::<f64>().ok().filter(|e| e.is_finite())
}

/// Parses one `<E>_erlang.json`. `erlang` comes from the file name (FUSION
/// does not store it inside); `path` is the address the row came from.
pub fn parse_erlang_json(bytes: &[u8], erlang: f64, path: &str) -> Result<ErlangResult> {
    let value = super::preview::parse_python_json(bytes)
        .map_err(|e| DeskError::invalid_input(format!("{path} is not valid JSON: {e}")))?;
    let top = value
        .as_object()
        .ok_or_else(|| DeskError::invalid_input(format!("{path} is not a JSON object")))?;
    let num = |obj: &Map<String, Value>, key: &str| obj.get(key).and_then(Value::as_f64);

    // The last saved iteration: the largest numeric key of iter_stats.
    let (last_iteration, last) = top
        .get("iter_stats")
        .and_then(Value::as_object)
        .and_then(|stats| {
            stats
                .iter()
                .filter_map(|(k, v)| Some((k.parse::<u32>().ok()?, v.as_object()?)))
                .max_by_key(|(k, _)| *k)
        })
        .map_or((None, None), |(k, v)| (Some(k), Some(v)));
    let list = |key: &str| -> Vec<Option<f64>> {
        last.and_then(|s| s.get(key))
            .and_then(Value::as_array)
            .map(|a| a.iter().map(Value::as_f64).collect())
            .unwrap_or_default()
    };
    let sim_block_list = list("sim_block_list");
    let sim_br_block_list = list("sim_br_block_list");

    let mut modulations = Vec::new();
    if let Some(mods) = last
        .and_then(|s| s.get("mods_used_dict"))
        .and_then(Value::as_object)
    {
        // {bw: {mod: count}} entries; the per-modulation detail entries
        // ({mod: {"length": …}}) have object values and are skipped.
        for (bandwidth, per_mod) in mods {
            let Some(per_mod) = per_mod.as_object() else {
                continue;
            };
            if per_mod.is_empty() || !per_mod.values().all(Value::is_number) {
                continue;
            }
            for (modulation, count) in per_mod {
                modulations.push(ModulationUse {
                    bandwidth: bandwidth.clone(),
                    modulation: modulation.clone(),
                    count: count.as_f64().unwrap_or(0.0).max(0.0) as u64,
                });
            }
        }
    }
    modulations.sort_by(|a, b| natural_cmp(a.bandwidth.as_bytes(), b.bandwidth.as_bytes()));

    let mut blocked_per_bandwidth: Vec<BandwidthCount> = last
        .and_then(|s| s.get("block_bw_dict"))
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(bw, n)| BandwidthCount {
                    bandwidth: bw.clone(),
                    count: n.as_f64().unwrap_or(0.0).max(0.0) as u64,
                })
                .collect()
        })
        .unwrap_or_default();
    blocked_per_bandwidth.sort_by(|a, b| natural_cmp(a.bandwidth.as_bytes(), b.bandwidth.as_bytes()));

    let blocking_mean = num(top, "blocking_mean");
    let stat = |key: &str| last.and_then(|s| num(s, key));
    // FUSION's readers ignore an extra top-level key; the embedded engine
    // marks a load it was stopped in with `"fusion_desk": {"partial": true,
    // "reason": "interrupted"}`.
    let marker = top.get("fusion_desk").and_then(Value::as_object);
    let partial = marker
        .and_then(|m| m.get("partial"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let partial_reason = partial.then(|| {
        marker
            .and_then(|m| m.get("reason"))
            .and_then(Value::as_str)
            .unwrap_or("interrupted")
            .to_owned()
    });
    Ok(ErlangResult {
        erlang,
        path: path.to_owned(),
        iterations: sim_block_list.len() as u32,
        last_saved_iteration: last_iteration,
        is_training: top.contains_key("blocking_mean") && blocking_mean.is_none(),
        partial,
        partial_reason,
        blocking_mean,
        blocking_variance: num(top, "blocking_variance"),
        ci_rate_block: num(top, "ci_rate_block"),
        ci_percent_block: num(top, "ci_percent_block"),
        sim_block_list,
        bit_rate_blocking_mean: num(top, "bit_rate_blocking_mean"),
        ci_rate_bit_rate_block: num(top, "ci_rate_bit_rate_block"),
        ci_percent_bit_rate_block: num(top, "ci_percent_bit_rate_block"),
        sim_br_block_list,
        hops_mean: stat("hops_mean"),
        lengths_mean: stat("lengths_mean"),
        trans_mean: stat("trans_mean"),
        lightpath_utilization: num(top, "lightpath_utilization"),
        modulations,
        blocked_per_bandwidth,
        sim_end_time: top.get("sim_end_time").and_then(Value::as_str).map(str::to_owned),
    })
}

/// Marks the rows of loads the progress reports as interrupted.
pub fn mark_interrupted(table: &mut ResultsTable, progress: &crate::live::RunProgress) {
    for load in &progress.loads {
        if load.reason != Some(crate::live::progress::LoadEnd::Interrupted) {
            continue;
        }
        for row in table
            .rows
            .iter_mut()
            .filter(|r| r.erlang == load.erlang && !r.partial)
        {
            row.partial = true;
            row.partial_reason = Some("interrupted".to_owned());
        }
    }
}

/// Finds and parses every result file of a run: below `output/` of the run
/// folder and below each extra root. Files that cannot be read or parsed are
/// listed in `problems`, not fatal.
pub fn collect(tree: &RunTree) -> Result<ResultsTable> {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    let mut starts = vec![Address::run_root().child("output")];
    for extra in tree.extras() {
        starts.push(Address {
            root: super::address::RootRef::Extra(extra.label.clone()),
            names: Vec::new(),
        });
    }
    for start in starts {
        match tree.open(&start) {
            Ok(Node::Dir(fd)) => find_result_files(&fd, &start, 0, &mut found),
            Ok(_) => {}
            Err(e) if e.code == crate::ErrorCode::NotFound => {}
            Err(e) => problems.push(format!("{}: {}", start, e.message)),
        }
    }
    let mut rows = Vec::new();
    for (addr, erlang) in found {
        match read_capped(tree, &addr).and_then(|b| parse_erlang_json(&b, erlang, &addr.render())) {
            Ok(row) => rows.push(row),
            Err(e) => problems.push(e.message),
        }
    }
    rows.sort_by(|a, b| {
        a.erlang
            .total_cmp(&b.erlang)
            .then_with(|| natural_cmp(a.path.as_bytes(), b.path.as_bytes()))
    });
    Ok(ResultsTable {
        run_id: tree.run_id().to_owned(),
        rows,
        problems,
    })
}

fn find_result_files(
    dir: &std::os::fd::OwnedFd,
    at: &Address,
    depth: usize,
    found: &mut Vec<(Address, f64)>,
) {
    let Ok(names) = fsx::read_names(dir) else { return };
    for n in names {
        if found.len() >= MAX_RESULT_FILES {
            return;
        }
        let Some(name) = n.name.to_str() else { continue };
        let kind = n
            .kind
            .or_else(|| fsx::lstat_at(dir, &n.name).ok().map(|st| Kind::of(&st)));
        match kind {
            Some(Kind::File) => {
                if let Some(e) = erlang_of_file_name(name) {
                    found.push((at.child(name), e));
                }
            }
            Some(Kind::Dir) if depth < SEARCH_DEPTH => {
                if let Ok(sub) = fsx::open_dir_at(dir, OsStr::new(name)) {
                    find_result_files(&sub, &at.child(name), depth + 1, found);
                }
            }
            _ => {}
        }
    }
}

fn read_capped(tree: &RunTree, addr: &Address) -> Result<Vec<u8>> {
    let (fd, st) = tree.open_file(addr)?;
    if st.st_size as u64 > MAX_RESULT_BYTES {
        return Err(DeskError::invalid_input(format!(
            "{addr} is larger than {} MiB; not parsed",
            MAX_RESULT_BYTES / (1024 * 1024)
        )));
    }
    let mut bytes = Vec::with_capacity(st.st_size as usize);
    File::from(fd)
        .take(MAX_RESULT_BYTES)
        .read_to_end(&mut bytes)
        .map_err(|e| DeskError::io(format!("cannot read {addr}"), e))?;
    Ok(bytes)
}

/// The table as CSV (RFC 4180, LF line ends): fixed columns, then one column
/// per bandwidth/modulation pair and per bandwidth's blocked count seen in
/// any row. Missing values (null, training runs) are empty cells; lists are
/// `;`-separated inside their cell.
pub fn to_csv(table: &ResultsTable) -> String {
    let mods: BTreeSet<(String, String)> = table
        .rows
        .iter()
        .flat_map(|r| {
            r.modulations
                .iter()
                .map(|m| (m.bandwidth.clone(), m.modulation.clone()))
        })
        .collect();
    let mut mods: Vec<_> = mods.into_iter().collect();
    mods.sort_by(|a, b| natural_cmp(a.0.as_bytes(), b.0.as_bytes()).then_with(|| a.1.cmp(&b.1)));
    let mut bws: Vec<String> = table
        .rows
        .iter()
        .flat_map(|r| r.blocked_per_bandwidth.iter().map(|b| b.bandwidth.clone()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    bws.sort_by(|a, b| natural_cmp(a.as_bytes(), b.as_bytes()));

    let mut header: Vec<String> = [
        "erlang",
        "iterations",
        "blocking_mean",
        "blocking_variance",
        "ci_rate_block",
        "ci_percent_block",
        "bit_rate_blocking_mean",
        "ci_rate_bit_rate_block",
        "ci_percent_bit_rate_block",
        "hops_mean",
        "lengths_mean",
        "trans_mean",
        "lightpath_utilization",
        "sim_block_list",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    header.extend(mods.iter().map(|(bw, m)| format!("mods_used[{bw}][{m}]")));
    header.extend(bws.iter().map(|bw| format!("blocked[{bw}]")));
    // Empty, or why the load is partial (its statistics cover fewer iterations).
    header.push("partial".to_owned());
    header.push("path".to_owned());

    let mut records = vec![header];
    let f = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    for r in &table.rows {
        let mut cells = vec![
            r.erlang.to_string(),
            r.iterations.to_string(),
            f(r.blocking_mean),
            f(r.blocking_variance),
            f(r.ci_rate_block),
            f(r.ci_percent_block),
            f(r.bit_rate_blocking_mean),
            f(r.ci_rate_bit_rate_block),
            f(r.ci_percent_bit_rate_block),
            f(r.hops_mean),
            f(r.lengths_mean),
            f(r.trans_mean),
            f(r.lightpath_utilization),
            r.sim_block_list
                .iter()
                .map(|v| f(*v))
                .collect::<Vec<_>>()
                .join(";"),
        ];
        let used: BTreeMap<(&str, &str), u64> = r
            .modulations
            .iter()
            .map(|m| ((m.bandwidth.as_str(), m.modulation.as_str()), m.count))
            .collect();
        cells.extend(mods.iter().map(|(bw, m)| {
            used.get(&(bw.as_str(), m.as_str()))
                .map(u64::to_string)
                .unwrap_or_default()
        }));
        cells.extend(bws.iter().map(|bw| {
            r.blocked_per_bandwidth
                .iter()
                .find(|b| &b.bandwidth == bw)
                .map(|b| b.count.to_string())
                .unwrap_or_default()
        }));
        cells.push(r.partial_reason.clone().unwrap_or_default());
        cells.push(r.path.clone());
        records.push(cells);
    }
    crate::csv_table::to_csv(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erlang_comes_from_the_file_name() {
        assert_eq!(erlang_of_file_name("300.0_erlang.json"), Some(300.0));
        assert_eq!(erlang_of_file_name("1000_erlang.json"), Some(1000.0));
        assert_eq!(erlang_of_file_name("x_erlang.json"), None);
        assert_eq!(erlang_of_file_name("_erlang.json"), None);
        assert_eq!(erlang_of_file_name("300.0_erlang.json.bak"), None);
    }
}

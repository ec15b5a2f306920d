//! `<erlang>_erlang.json` in FUSION's structure: the same keys in the same
//! order, `null` or empty containers where FUSION writes them for features
//! outside the core model (SNR, crosstalk, snapshots, protection).

use crate::engine::{IterAccum, Model};
use crate::json::{py_float, Obj, Value};
use crate::stats::{round2, summary, summary_rounded, CiTracker, Summary};
use std::io::Write;
use std::path::{Path, PathBuf};

fn summary_value(s: Option<Summary>) -> Value {
    match s {
        Some(s) => Obj::new()
            .put("mean", Value::Float(s.mean))
            .put("std", Value::Float(s.std))
            .put("min", Value::Float(s.min))
            .put("max", Value::Float(s.max))
            .build(),
        None => Obj::new()
            .put("mean", Value::Null)
            .put("std", Value::Null)
            .put("min", Value::Null)
            .put("max", Value::Null)
            .build(),
    }
}

fn floats(v: &[f64]) -> Value {
    Value::Array(v.iter().map(|&x| Value::Float(x)).collect())
}

fn empty_list() -> Value {
    Value::Array(Vec::new())
}

/// `link_usage_dict`: every directed link in FUSION's key order.
pub fn link_usage(model: &Model, acc: &IterAccum) -> Value {
    let topo = &model.config.topology;
    let mut o = Obj::new();
    for &(s, d, e) in &topo.directed {
        o.push(
            format!("{}-{}", topo.nodes[s], topo.nodes[d]),
            Obj::new()
                .put("usage_count", Value::Int(acc.link_usage[e].lightpaths as i64))
                .put("throughput", Value::Float(acc.link_usage[e].throughput))
                .put("link_num", Value::Int(topo.edges[e].link_num as i64))
                .build(),
        );
    }
    o.build()
}

/// Mean lightpath utilisation of the iteration (100 % for every lightpath
/// without grooming), `None` when no lightpath was set up.
pub fn lp_utilization(acc: &IterAccum) -> Option<f64> {
    let any = acc.any_released();
    any.then_some(100.0)
}

/// One `iter_stats` entry (41 keys).
pub fn iter_entry(model: &Model, acc: &IterAccum, block_list: &[f64], br_list: &[f64]) -> Value {
    let cfg = &model.config;
    let table = &cfg.mod_table;
    let bands: Vec<&str> = cfg.bands.iter().map(|b| b.name.as_str()).collect();
    let mut e = Obj::new();
    e.push("snapshots_dict", Obj::new().build());

    let mut cores = Obj::new();
    for (i, n) in acc.cores.iter().enumerate() {
        cores.push(i.to_string(), Value::Int(*n as i64));
    }
    e.push("cores_dict", cores.build());

    let mut weights = Obj::new();
    for (ci, c) in table.classes.iter().enumerate() {
        let mut m = Obj::new();
        for (fi, f) in c.formats.iter().enumerate() {
            m.push(f.name.clone(), summary_value(summary(&acc.weights[ci][fi])));
        }
        weights.push(c.key.clone(), m.build());
    }
    e.push("weights_dict", weights.build());

    // mods_used_dict: each bandwidth's counts, each format's entry inserted
    // right after the first bandwidth that lists it.
    let mut mods = Obj::new();
    let mut done = vec![false; model.mod_names.len()];
    for (ci, c) in table.classes.iter().enumerate() {
        let mut counts = Obj::new();
        for (fi, f) in c.formats.iter().enumerate() {
            counts.push(f.name.clone(), Value::Int(acc.mod_count(ci, fi) as i64));
        }
        mods.push(c.key.clone(), counts.build());
        for fi in 0..c.formats.len() {
            let g = model.mod_index(ci, fi);
            if done[g] {
                continue;
            }
            done[g] = true;
            let all_len: Vec<f64> = acc.mod_lengths[g].iter().flatten().copied().collect();
            let all_hop: Vec<f64> = acc.mod_hops[g].iter().flatten().copied().collect();
            let mut length = Obj::new().put("overall", summary_value(summary_rounded(&all_len)));
            let mut hop = Obj::new().put("overall", summary_value(summary_rounded(&all_hop)));
            let mut snr = Obj::new().put("overall", empty_list());
            let mut xt = Obj::new().put("overall", empty_list());
            for (bi, b) in bands.iter().enumerate() {
                length.push(*b, summary_value(summary_rounded(&acc.mod_lengths[g][bi])));
                hop.push(*b, summary_value(summary_rounded(&acc.mod_hops[g][bi])));
                snr.push(*b, empty_list());
                xt.push(*b, empty_list());
            }
            let mut entry = Obj::new()
                .put("length", length.build())
                .put("hop", hop.build())
                .put("snr", snr.build())
                .put("xt_cost", xt.build());
            for (bi, b) in bands.iter().enumerate() {
                entry.push(*b, Value::Int(acc.mod_band_count(g, bi) as i64));
            }
            mods.push(model.mod_names[g].clone(), entry.build());
        }
    }
    e.push("mods_used_dict", mods.build());

    let mut block_bw = Obj::new();
    for (ci, c) in table.classes.iter().enumerate() {
        block_bw.push(c.key.clone(), Value::Int(acc.block_bw[ci] as i64));
    }
    e.push("block_bw_dict", block_bw.build());
    e.push("link_usage_dict", link_usage(model, acc));

    let mut demand = Obj::new().put("overall", empty_list());
    for c in &table.classes {
        demand.push(c.key.clone(), empty_list());
    }
    e.push("demand_realization_ratio", demand.build());
    e.push("frag_dict", Obj::new().build());

    let full = Some(Summary {
        mean: 100.0,
        std: 0.0,
        min: 100.0,
        max: 100.0,
    });
    let mut lp_bw = Obj::new();
    for (ci, c) in table.classes.iter().enumerate() {
        let mut per_band = Obj::new();
        for (bi, b) in bands.iter().enumerate() {
            let mut per_core = Obj::new();
            for core in 0..cfg.cores_per_link {
                let used = acc.lp_released(ci, bi, core) > 0;
                per_core.push(core.to_string(), summary_value(if used { full } else { None }));
            }
            per_band.push(*b, per_core.build());
        }
        lp_bw.push(c.key.clone(), per_band.build());
    }
    let util = lp_utilization(acc);
    lp_bw.push("overall", summary_value(util.and(full)));
    e.push("lp_bw_utilization_dict", lp_bw.build());
    e.push(
        "sim_lp_utilization_list",
        floats(&util.into_iter().collect::<Vec<_>>()),
    );

    let reasons = if acc.blocked > 0 {
        Obj::new()
            .put("distance", Value::Float(1.0))
            .put("congestion", Value::Float(0.0))
            .put("xt_threshold", Value::Float(0.0))
    } else {
        Obj::new()
            .put("distance", Value::Int(0))
            .put("congestion", Value::Int(0))
            .put("xt_threshold", Value::Int(0))
    };
    e.push("block_reasons_dict", reasons.build());
    e.push("sim_block_list", floats(block_list));
    e.push("sim_br_block_list", floats(br_list));

    let routed = acc.requests - acc.blocked;
    let trans = if routed == 0 {
        0.0
    } else {
        acc.transponders as f64 / routed as f64
    };
    let t = round2(trans);
    e.push("trans_mean", Value::Float(t));
    e.push("trans_min", Value::Float(t));
    e.push("trans_max", Value::Float(t));
    let hops = summary_rounded(&acc.hops);
    e.push("hops_mean", Value::opt_float(hops.map(|s| s.mean)));
    e.push("hops_min", Value::opt_float(hops.map(|s| s.min)));
    e.push("hops_max", Value::opt_float(hops.map(|s| s.max)));
    let lengths = summary_rounded(&acc.lengths);
    e.push("lengths_mean", Value::opt_float(lengths.map(|s| s.mean)));
    e.push("lengths_min", Value::opt_float(lengths.map(|s| s.min)));
    e.push("lengths_max", Value::opt_float(lengths.map(|s| s.max)));
    // Route computation is a table look-up here; FUSION's rounded figure
    // is 0.0 as well.
    let rt = (routed > 0).then_some(0.0);
    e.push("route_times_mean", Value::opt_float(rt));
    e.push("route_times_min", Value::opt_float(rt));
    e.push("route_times_max", Value::opt_float(rt));
    for k in ["xt_mean", "xt_min", "xt_max", "snr_mean", "snr_min", "snr_max"] {
        e.push(k, Value::Null);
    }
    for k in [
        "bands_list",
        "start_slot_list",
        "end_slot_list",
        "modulation_list",
        "bandwidth_list",
    ] {
        e.push(k, empty_list());
    }
    e.push(
        "path_index_list",
        Value::Array(acc.path_index.iter().map(|&n| Value::Int(n as i64)).collect()),
    );
    e.push("protection_switchovers", Value::Int(0));
    e.push("protection_failures", Value::Int(0));
    e.push("failure_induced_blocks", Value::Int(0));
    e.push("switchover_times", empty_list());
    e.build()
}

/// The content of one load's output file.
#[derive(Debug, Clone)]
pub struct LoadFile {
    /// Saved iterations: (index, entry).
    pub entries: Vec<(usize, Value)>,
    /// `link_usage` of the latest iteration.
    pub link_usage: Value,
    pub ci: CiTracker,
    pub is_training: bool,
    pub lp_utilization: Option<f64>,
    /// Set when the load was cut short.
    pub partial: Option<Partial>,
}

/// The mark of a load cut short (by a signal or an error): an extra
/// top-level key `fusion_desk`, which FUSION's readers (they look keys up
/// by name: `iter_stats`, `blocking_mean`, ...) never read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partial {
    pub reason: &'static str,
    /// Iterations that completed (the ones in the file).
    pub iterations: usize,
    pub total_iterations: usize,
}

impl LoadFile {
    pub fn to_value(&self, sim_end_time: &str) -> Value {
        let mut iters = Obj::new();
        for (i, v) in &self.entries {
            iters.push(i.to_string(), v.clone());
        }
        let c = &self.ci;
        let hide = |v: Option<f64>| {
            if self.is_training {
                Value::Null
            } else {
                Value::opt_float(v)
            }
        };
        let doc = Obj::new()
            .put("iter_stats", iters.build())
            .put("link_usage", self.link_usage.clone())
            .put("blocking_mean", hide(c.block_mean))
            .put("blocking_variance", hide(c.block_variance))
            .put("ci_rate_block", hide(c.block_ci))
            .put("ci_percent_block", hide(c.block_ci_percent))
            .put("bit_rate_blocking_mean", hide(c.bit_rate_block_mean))
            .put("bit_rate_blocking_variance", hide(c.bit_rate_block_variance))
            .put("ci_rate_bit_rate_block", hide(c.bit_rate_block_ci))
            .put("ci_percent_bit_rate_block", hide(c.bit_rate_block_ci_percent))
            .put("lightpath_utilization", Value::opt_float(self.lp_utilization))
            .put("sim_end_time", Value::Str(sim_end_time.to_owned()));
        let mut doc = doc;
        if let Some(p) = &self.partial {
            doc.push(
                "fusion_desk",
                Obj::new()
                    .put("partial", Value::Bool(true))
                    .put("reason", Value::Str(p.reason.to_owned()))
                    .put("iterations", Value::Int(p.iterations as i64))
                    .put("total_iterations", Value::Int(p.total_iterations as i64))
                    .build(),
            );
        }
        doc.build()
    }
}

/// `<dir>/<erlang>_erlang.json`, with the Erlang value written like Python's
/// `str(float)`.
pub fn load_file_path(dir: &Path, erlang: f64) -> PathBuf {
    dir.join(format!("{}_erlang.json", py_float(erlang)))
}

/// Writes a file atomically (temporary file, then rename), so a reader
/// never sees half a file.
pub fn write_atomic(path: &Path, content: &str) -> std::io::Result<()> {
    let tmp = path.with_extension("json.tmp");
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(content.as_bytes())?;
        f.sync_data().ok();
    }
    std::fs::rename(&tmp, path)
}

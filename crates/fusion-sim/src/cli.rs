//! The `fusion-sim` command line, compatible with FUSION's
//! `fusion-sim run_sim --config_path PATH --run_id ID [overrides...]`.
//!
//! Differences from FUSION, on purpose: `--output_dir` and `--progress_file`
//! are honoured, a relative `--config_path` is resolved against the working
//! directory, overrides apply whether or not the key is in the INI, and
//! `--threads N` (or `FUSION_SIM_THREADS`) sets the number of threads the
//! iterations run on. FUSION's other flags are accepted and ignored.
//!
//! Exit codes: 0 done, 1 runtime failure (e.g. output not writable), 2 usage
//! or configuration error, 143 stopped by SIGTERM, 130 stopped by SIGINT.

use crate::batch::{self, RunOptions};
use crate::config::{self, ModSource};
use crate::engine::Model;
use crate::json::Value;
use crate::log::{names, Logger};
use crate::progress::Progress;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

/// FUSION flags that take a value but do not change this engine's run.
const IGNORED_VALUE_FLAGS: &[&str] = &[
    "run_id",
    "snapshot_step",
    "file_type",
    "filter_mods",
    "spectrum_priority",
    "mod_assumption",
    "snr_type",
    "input_power",
    "bw_per_slot",
    "ml_model",
    "train_file_path",
    "test_size",
    "failure_type",
    "t_fail_arrival_index",
    "t_repair_after_arrivals",
    "failed_link_src",
    "failed_link_dst",
    "failed_node_id",
    "srlg_links",
    "geo_center_node",
    "geo_hop_radius",
    "protection_switchover_ms",
    "restoration_latency_ms",
    "policy_type",
    "bc_model_path",
    "iql_model_path",
    "device",
    "fallback_policy",
    "dataset_output_path",
    "epsilon_mix",
    "failure_window_size",
    "csv_output_path",
    "seed_list",
    "policy-type",
    "policy-name",
    "policy-model-path",
    "policy-fallback",
    "policy-k-paths",
    "policy-seed",
    "policy-algorithm",
    "policy-device",
    "heuristic-alpha",
    "heuristic-seed",
    "disjointness-type",
    "protection-switchover-ms",
    "restoration-latency-ms",
];

/// FUSION switches (no value) that do not change this engine's run.
const IGNORED_SWITCHES: &[&str] = &[
    "verbose",
    "debug",
    "save_results",
    "save_snapshots",
    "save_start_end_slots",
    "thread_erlangs",
    "single_core",
    "bi_directional",
    "multi_fiber",
    "egn_model",
    "ml_training",
    "output_train_data",
    "deploy_model",
    "revert_to_primary",
    "log_offline_dataset",
    "export_csv",
    "aggregate_seeds",
    "protection-enabled",
];

/// Keys that may be overridden from the command line (the model's keys).
const OVERRIDE_KEYS: &[&str] = &[
    "erlang_start",
    "erlang_stop",
    "erlang_step",
    "num_requests",
    "max_iters",
    "holding_time",
    "k_paths",
    "cores_per_link",
    "guard_slots",
    "max_segments",
    "network",
    "c_band",
    "l_band",
    "s_band",
    "o_band",
    "e_band",
    "mod_assumption_path",
    "route_method",
    "allocation_method",
    "const_link_weight",
    "is_only_core_node",
    "save_step",
    "print_step",
    "is_training",
    "request_distribution",
    "dynamic_lps",
    "fixed_grid",
];

/// Parsed command line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CliArgs {
    pub config_path: PathBuf,
    pub run_id: String,
    pub output_dir: Option<PathBuf>,
    pub progress_file: Option<PathBuf>,
    pub threads: Option<usize>,
    /// (key, value) configuration overrides in command-line order.
    pub overrides: Vec<(String, String)>,
}

/// Usage text.
pub const USAGE: &str = "usage: fusion-sim run_sim --config_path PATH --run_id ID [--output_dir DIR] \
[--progress_file FILE] [--threads N] [--erlang_start X] [--erlang_stop X] [--erlang_step X] \
[--num_requests N] [--max_iters N] [--holding_time X] [--k_paths N] [--cores_per_link N] \
[--guard_slots N] [--max_segments N] [--network NAME|FILE] [--c_band N] [--is_training BOOL] ...";

/// Parses `argv[1..]`. `Err` holds an argparse-style message.
pub fn parse_args(args: &[String]) -> Result<CliArgs, String> {
    let mut it = args.iter().peekable();
    match it.next().map(String::as_str) {
        Some("run_sim") => {}
        Some(other) => return Err(format!("invalid choice: '{other}' (choose from 'run_sim')")),
        None => return Err("the following arguments are required: command".into()),
    }
    let mut out = CliArgs::default();
    let mut config_path = None;
    let mut run_id = None;
    while let Some(arg) = it.next() {
        let Some(flag) = arg
            .strip_prefix("--")
            .or_else(|| (arg == "-v").then_some("verbose"))
        else {
            return Err(format!("unrecognized arguments: {arg}"));
        };
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
            None => (flag.to_owned(), None),
        };
        let takes_value = |it: &mut std::iter::Peekable<std::slice::Iter<String>>| -> Result<String, String> {
            if let Some(v) = &inline {
                return Ok(v.clone());
            }
            match it.next() {
                Some(v) if !v.starts_with("--") => Ok(v.clone()),
                _ => Err(format!("argument --{name}: expected one argument")),
            }
        };
        match name.as_str() {
            "config_path" => config_path = Some(PathBuf::from(takes_value(&mut it)?)),
            "run_id" => run_id = Some(takes_value(&mut it)?),
            "output_dir" => out.output_dir = Some(PathBuf::from(takes_value(&mut it)?)),
            "progress_file" => out.progress_file = Some(PathBuf::from(takes_value(&mut it)?)),
            "threads" => {
                let v = takes_value(&mut it)?;
                let n: usize = v
                    .parse()
                    .map_err(|_| format!("argument --threads: invalid int value: '{v}'"))?;
                out.threads = Some(n.max(1));
            }
            n if OVERRIDE_KEYS.contains(&n) => {
                // A flag without a value switches a boolean on, like FUSION's
                // store_true flags.
                let v = match &inline {
                    Some(v) => v.clone(),
                    None => match it.peek() {
                        Some(v) if !v.starts_with("--") => it.next().cloned().unwrap_or_default(),
                        _ => "True".to_owned(),
                    },
                };
                out.overrides.push((n.to_owned(), v));
            }
            n if IGNORED_VALUE_FLAGS.contains(&n) => {
                if inline.is_none() {
                    while it.peek().is_some_and(|v| !v.starts_with("--")) {
                        it.next();
                    }
                }
            }
            n if IGNORED_SWITCHES.contains(&n) => {}
            "help" => return Err(USAGE.into()),
            _ => return Err(format!("unrecognized arguments: {arg}")),
        }
    }
    let mut missing = Vec::new();
    if config_path.is_none() {
        missing.push("--config_path");
    }
    if run_id.is_none() {
        missing.push("--run_id");
    }
    if !missing.is_empty() {
        return Err(format!(
            "the following arguments are required: {}",
            missing.join(", ")
        ));
    }
    out.config_path = config_path.unwrap_or_default();
    out.run_id = run_id.unwrap_or_default();
    Ok(out)
}

/// Threads from `--threads`, else `FUSION_SIM_THREADS`, else all cores.
pub fn thread_count(flag: Option<usize>) -> usize {
    flag.or_else(|| std::env::var("FUSION_SIM_THREADS").ok()?.trim().parse().ok())
        .or_else(|| std::thread::available_parallelism().ok().map(|n| n.get()))
        .unwrap_or(1)
        .max(1)
}

/// Default output directory when `--output_dir` is absent, in FUSION's layout
/// under the working directory: `data/output/<network>/<MMDD>/<HH_MM_SS_ffffff>/s1`.
fn default_output_dir(network: &str) -> PathBuf {
    let l = crate::log::breakdown(std::time::SystemTime::now(), false);
    let name = std::path::Path::new(network)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(network)
        .to_owned();
    PathBuf::from("data/output")
        .join(name)
        .join(format!("{:02}{:02}", l.month, l.day))
        .join(format!(
            "{:02}_{:02}_{:02}_{:06}",
            l.hour, l.minute, l.second, l.micros
        ))
        .join("s1")
}

/// The first line of `--version`; FUSION Desk recognises the engine by it.
pub const VERSION_LINE: &str = concat!("fusion-sim ", env!("CARGO_PKG_VERSION"), " (FUSION Desk engine)");

fn help_text() -> String {
    format!(
        "{USAGE}\n\n{VERSION_LINE}: a Rust engine of FUSION's core model, compatible with \
         FUSION's run_sim command line, INI configs and output files.\n\n\
         Unlike FUSION it honours --output_dir (results go there) and --progress_file \
         (progress events as JSON lines).\n\n\
         --threads N   threads to use (default: all cores; also FUSION_SIM_THREADS). The \
         iterations of every load run in parallel; the output files, progress events and log \
         are the same for any N.\n\n\
         Policies (general_settings):\n\
         \x20 route_method       k_shortest_path, shortest_path, external_ksp, cong_aware / \
         congestion_aware (ca_alpha, default 0.3), xt_aware (snr_settings.xt_type \
         with_length / without_length, beta) -- identical to FUSION 6.1;\n\
         \x20                    least_congested, frag_aware / fragmentation_aware -- FUSION 6.1 \
         crashes on these, so no FUSION result exists to agree with: this engine runs the \
         algorithm FUSION's code intends.\n\
         \x20 allocation_method  first_fit, priority_first (FUSION's core order 0,2,4,1,3,5,6 \
         on 7-core fibres) -- identical to FUSION 6.1;\n\
         \x20                    best_fit, last_fit (FUSION 6.1 crashes on them), priority_last \
         (FUSION 6.1 allocates nothing with guard_slots >= 1) -- the algorithm FUSION's code \
         intends, no FUSION result to agree with.\n\
         Refused, with the key and what to use instead: learned (ML/RL) policies, nli_aware, \
         xt_aware allocation, SNR modes (snr_type other than None), grooming, partial service, \
         failures.\n\n\
         Exit codes: 0 done, 1 runtime failure, 2 usage or config error, 143 stopped by \
         SIGTERM, 130 by SIGINT. A load cut short writes its completed iterations, marked \
         \"fusion_desk\": {{\"partial\": true}}."
    )
}

/// Runs the command line; returns the process exit code.
pub fn main_with_args(argv: &[String]) -> i32 {
    let rest = argv.get(1..).unwrap_or(&[]);
    if rest.iter().any(|a| a == "-h" || a == "--help") {
        println!("{}", help_text());
        return 0;
    }
    if rest.first().is_some_and(|a| a == "--version") {
        println!("{VERSION_LINE}");
        return 0;
    }
    let log = Logger::new();
    let args = match parse_args(argv.get(1..).unwrap_or(&[])) {
        Ok(a) => a,
        Err(msg) => {
            eprintln!("{USAGE}\nfusion-sim: error: {msg}");
            return 2;
        }
    };

    // Signals first, so a stop during set-up is not lost.
    let stop = Arc::new(AtomicBool::new(false));
    let signal = Arc::new(AtomicUsize::new(0));
    for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        let ok = signal_hook::flag::register(sig, Arc::clone(&stop)).is_ok()
            && signal_hook::flag::register_usize(sig, Arc::clone(&signal), sig as usize).is_ok();
        if !ok {
            log.warn(
                names::CLI,
                &format!("could not install the handler for signal {sig}"),
            );
        }
    }

    let config_path = if args.config_path.is_absolute() {
        args.config_path.clone()
    } else {
        std::env::current_dir()
            .map(|d| d.join(&args.config_path))
            .unwrap_or(args.config_path.clone())
    };
    let progress = match &args.progress_file {
        Some(p) => match Progress::open(p) {
            Ok(p) => p,
            Err(e) => {
                log.error(
                    names::CLI,
                    &format!("Cannot open progress file {}: {e}", p.display()),
                );
                return 1;
            }
        },
        None => Progress::disabled(),
    };
    let fail = |code: i32, message: String| {
        log.error(names::CLI, &message);
        progress.emit("error", vec![("message", Value::Str(message.clone()))]);
        progress.emit(
            "complete",
            vec![
                ("exit_code", Value::Int(code as i64)),
                (
                    "summary",
                    crate::json::Obj::new()
                        .put("total_time_seconds", Value::Float(0.0))
                        .build(),
                ),
            ],
        );
        code
    };

    let cfg = match config::load_with_overrides(&config_path, &args.overrides) {
        Ok(c) => c,
        Err(e) => return fail(2, format!("Configuration error: {e}")),
    };
    for w in &cfg.warnings {
        log.warn(names::CONFIG, w);
    }
    for (key, caveat) in cfg.fusion_caveats() {
        log.warn(names::CONFIG, &format!("{key}: {caveat}"));
    }
    if let Err(e) = cfg.check_supported() {
        return fail(2, format!("Configuration error: {e}"));
    }
    if let ModSource::BundledFallback(p) = &cfg.mod_source {
        log.info(
            names::CONFIG,
            &format!(
                "Modulation file {p} not found; using the bundled default table ({})",
                cfg.mod_assumption
            ),
        );
    }
    let output_dir = args
        .output_dir
        .clone()
        .unwrap_or_else(|| default_output_dir(&cfg.network));
    let threads = thread_count(args.threads);
    let model = Model::new(cfg);

    let opts = RunOptions {
        output_dir,
        threads,
        logger: &log,
        progress: &progress,
        stop: &stop,
        fixed_end_time: batch::source_date_epoch(),
    };
    let result = batch::run(&model, &opts);
    let (code, seconds) = match &result {
        Ok(summary) => {
            let sig = signal.load(Ordering::SeqCst);
            let code = if summary.interrupted || sig != 0 {
                let s = if sig == 0 {
                    signal_hook::consts::SIGTERM as usize
                } else {
                    sig
                };
                log.warn(
                    names::SIMULATION,
                    &format!(
                        "Received signal {s}; stopped at the next event, completed iterations were saved"
                    ),
                );
                128 + s as i32
            } else {
                0
            };
            (code, summary.seconds)
        }
        Err(e) => {
            let msg = format!("Simulation error: {e}");
            log.error(names::CLI, &msg);
            progress.emit("error", vec![("message", Value::Str(msg))]);
            (1, 0.0)
        }
    };
    progress.emit(
        "complete",
        vec![
            ("exit_code", Value::Int(code as i64)),
            (
                "summary",
                crate::json::Obj::new()
                    .put("total_time_seconds", Value::Float(seconds))
                    .build(),
            ),
        ],
    );
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn parses_fusion_command_line() {
        let a = parse_args(&args(
            "run_sim --config_path c.ini --run_id abc --erlang_start 900 --k_paths=4 -v --debug --output_dir out --threads 2 --is_training",
        ))
        .unwrap();
        assert_eq!(a.config_path, PathBuf::from("c.ini"));
        assert_eq!(a.run_id, "abc");
        assert_eq!(a.output_dir, Some(PathBuf::from("out")));
        assert_eq!(a.threads, Some(2));
        assert_eq!(
            a.overrides,
            vec![
                ("erlang_start".into(), "900".into()),
                ("k_paths".into(), "4".into()),
                ("is_training".into(), "True".into())
            ]
        );
    }

    #[test]
    fn usage_errors() {
        assert!(parse_args(&args("run_sim --run_id x"))
            .unwrap_err()
            .contains("--config_path"));
        assert!(parse_args(&args("simulate --config_path a --run_id b")).is_err());
        assert!(parse_args(&args("run_sim --config_path a --run_id b --bogus 1")).is_err());
        assert!(parse_args(&args("run_sim --config_path")).is_err());
    }

    #[test]
    fn help_and_version_succeed() {
        assert_eq!(main_with_args(&args("fusion-sim --help")), 0);
        assert_eq!(main_with_args(&args("fusion-sim run_sim -h")), 0);
        assert_eq!(main_with_args(&args("fusion-sim --version")), 0);
        let help = help_text();
        assert!(help.contains(VERSION_LINE));
        for name in crate::policy::ROUTE_METHODS
            .iter()
            .chain(crate::policy::ALLOCATION_METHODS)
        {
            assert!(help.contains(name), "--help names {name}");
        }
        assert!(help.contains("--threads N") && help.contains("FUSION 6.1 crashes"));
    }
}

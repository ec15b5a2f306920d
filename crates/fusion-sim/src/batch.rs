//! Running every load of a configuration: loads are independent (same seeds,
//! fresh network), so they run on a pool of threads, each load writing its
//! own output file. The bytes of every file depend only on the configuration,
//! never on the number of threads or on timing (apart from `sim_end_time`).

use crate::engine::{Engine, IterEnd, Model};
use crate::json::{py_float, Obj, Value};
use crate::log::{breakdown, names, Logger};
use crate::output::{iter_entry, link_usage, load_file_path, lp_utilization, write_atomic, LoadFile};
use crate::progress::Progress;
use crate::stats::{mean, CiTracker};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How a run is carried out.
pub struct RunOptions<'a> {
    pub output_dir: PathBuf,
    pub threads: usize,
    pub logger: &'a Logger,
    pub progress: &'a Progress,
    /// Raised (e.g. by SIGTERM) to stop at the next event.
    pub stop: &'a AtomicBool,
    /// Fixed time for `sim_end_time` (reproducible output), if any.
    pub fixed_end_time: Option<SystemTime>,
}

/// Result of one load.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadSummary {
    pub erlang: f64,
    /// Completed iterations.
    pub iterations: usize,
    pub block_list: Vec<f64>,
    pub bit_rate_block_list: Vec<f64>,
    pub ci_stopped: bool,
    pub interrupted: bool,
    pub seconds: f64,
    pub file: Option<PathBuf>,
}

/// Result of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSummary {
    pub loads: Vec<LoadSummary>,
    pub interrupted: bool,
    pub seconds: f64,
}

/// FUSION's `sim_end_time`: `%m%d_%H_%M_%S_%f` in local time.
fn end_time_string(fixed: Option<SystemTime>) -> String {
    let (t, utc) = match fixed {
        Some(t) => (t, true),
        None => (SystemTime::now(), false),
    };
    let l = breakdown(t, utc);
    format!(
        "{:02}{:02}_{:02}_{:02}_{:02}_{:06}",
        l.month, l.day, l.hour, l.minute, l.second, l.micros
    )
}

/// `SOURCE_DATE_EPOCH`, the usual switch for reproducible output.
pub fn source_date_epoch() -> Option<SystemTime> {
    let secs: u64 = std::env::var("SOURCE_DATE_EPOCH").ok()?.trim().parse().ok()?;
    Some(UNIX_EPOCH + Duration::from_secs(secs))
}

/// Python's `round(x, 4)` printed with `repr`.
fn round4_repr(x: f64) -> String {
    let r: f64 = format!("{:.4}", x).parse().unwrap_or(x);
    py_float(r)
}

/// Runs all loads; returns per-load summaries in load order.
pub fn run(model: &Model, opts: &RunOptions) -> std::io::Result<RunSummary> {
    let started = Instant::now();
    let cfg = &model.config;
    let erlangs = cfg.erlangs();
    std::fs::create_dir_all(&opts.output_dir)?;
    opts.progress.emit(
        "start",
        vec![(
            "config",
            Obj::new()
                .put("total_erlangs", Value::Int(erlangs.len() as i64))
                .put("total_iterations", Value::Int(cfg.max_iters as i64))
                .put("erlang_start", Value::Float(cfg.erlang_start))
                .put("erlang_stop", Value::Float(cfg.erlang_stop))
                .put("erlang_step", Value::Float(cfg.erlang_step))
                .build(),
        )],
    );
    let threads = opts.threads.max(1).min(erlangs.len().max(1));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<std::io::Result<LoadSummary>>>> =
        Mutex::new((0..erlangs.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                if opts.stop.load(Ordering::Relaxed) {
                    break;
                }
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= erlangs.len() {
                    break;
                }
                let r = run_load(model, opts, erlangs[i], i, erlangs.len());
                let failed = r.is_err();
                results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(r);
                if failed {
                    // An output error ends the run: stop the other loads too.
                    opts.stop.store(true, Ordering::SeqCst);
                    break;
                }
            });
        }
    });
    let mut loads = Vec::new();
    for r in results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .flatten()
    {
        loads.push(r?);
    }
    let interrupted = opts.stop.load(Ordering::SeqCst);
    let seconds = started.elapsed().as_secs_f64();
    log_summary(opts.logger, &loads, seconds);
    Ok(RunSummary {
        loads,
        interrupted,
        seconds,
    })
}

fn log_summary(log: &Logger, loads: &[LoadSummary], seconds: f64) {
    let bar = "=".repeat(60);
    log.info(names::RUNNER, &bar);
    log.info(names::RUNNER, "BATCH SIMULATION SUMMARY");
    log.info(names::RUNNER, &bar);
    for l in loads {
        log.info(names::RUNNER, &format!("\nErlang {}:", py_float(l.erlang)));
        log.info(names::RUNNER, &format!("  Time: {:.2}s", l.seconds));
        log.info(
            names::RUNNER,
            &format!("  Blocking: {:.4}", mean(&l.block_list).unwrap_or(0.0)),
        );
        log.info(names::RUNNER, &format!("  Iterations: {}", l.iterations));
    }
    log.info(names::RUNNER, &format!("\nTotal execution time: {:.2}s", seconds));
    log.info(names::RUNNER, &bar);
}

/// Runs one load (all its iterations) and writes its file.
pub fn run_load(
    model: &Model,
    opts: &RunOptions,
    erlang: f64,
    index: usize,
    total: usize,
) -> std::io::Result<LoadSummary> {
    let cfg = &model.config;
    let log = opts.logger;
    let e = py_float(erlang);
    let started = Instant::now();
    log.info(
        names::RUNNER,
        &format!("Starting simulation for {e} Erlang (load {}/{total})", index + 1),
    );
    opts.progress.emit(
        "erlang_start",
        vec![
            ("erlang", Value::Float(erlang)),
            ("erlang_index", Value::Int(index as i64)),
            ("total_erlangs", Value::Int(total as i64)),
        ],
    );
    log.info(names::SIMULATION, "No failures configured for this simulation");
    log.info(
        names::RUNNER,
        &format!(
            "[Engine] thread=s1, offset=0, my_iteration_units={}, erlang={e}\n",
            cfg.max_iters
        ),
    );
    log.info(
        names::SIMULATION,
        &format!("Simulation started for Erlang: {e} simulation number: s1"),
    );

    let path = load_file_path(&opts.output_dir, erlang);
    let mut engine = Engine::new(model);
    let mut block_list = Vec::new();
    let mut br_list = Vec::new();
    let mut ci = CiTracker::default();
    let mut file = LoadFile {
        entries: Vec::new(),
        link_usage: Value::Object(Vec::new()),
        ci,
        is_training: cfg.is_training,
        lp_utilization: None,
    };
    let mut unsaved: Option<(usize, Value)> = None;
    let mut ci_stopped = false;
    let mut interrupted = false;
    let mut written = false;
    for i in 0..cfg.max_iters {
        log.info(
            names::REQUEST,
            &format!("Generated {} requests", cfg.num_requests),
        );
        if engine.run_iteration(erlang, i, opts.stop) == IterEnd::Interrupted {
            interrupted = true;
            break;
        }
        let acc = &engine.acc;
        block_list.push(acc.blocking());
        br_list.push(acc.bit_rate_blocking());
        let stop_at = if cfg.is_training {
            None
        } else {
            ci.update(&block_list, &br_list)
        };
        if let Some(p) = stop_at {
            log.info(
                names::METRICS,
                &format!(
                    "Confidence interval of {p:.2}% reached. {}, ending for Erlang: {e}",
                    i + 1
                ),
            );
            ci_stopped = true;
        }
        if i == 0 || i + 1 == cfg.max_iters || (i + 1) % cfg.print_step == 0 || ci_stopped {
            log.info(
                names::SIMULATION,
                &format!(
                    "Iteration {} out of {} completed for Erlang: {e}",
                    i + 1,
                    cfg.max_iters
                ),
            );
            log.info(
                names::SIMULATION,
                &format!(
                    "Mean of blocking: {}",
                    round4_repr(mean(&block_list).unwrap_or(0.0))
                ),
            );
        }
        let entry = iter_entry(model, acc, &block_list, &br_list);
        file.link_usage = link_usage(model, acc);
        file.ci = ci;
        file.lp_utilization = lp_utilization(acc).or(file.lp_utilization);
        // FUSION's save points, plus the last iteration of an early stop
        // (FUSION loses that one; here it is kept).
        let save = i == 0 || i + 1 == cfg.max_iters || (i + 1) % cfg.save_step == 0 || ci_stopped;
        if save {
            file.entries.push((i, entry));
            unsaved = None;
            write_load_file(&path, &file, opts)?;
            written = true;
            log.info(names::PERSISTENCE, &format!("Saving stats for iteration {i}"));
            log.info(
                names::PERSISTENCE,
                &format!("Saving to: {}", opts.output_dir.display()),
            );
        } else {
            unsaved = Some((i, entry));
        }
        log.info(
            names::RUNNER,
            &format!("CHILD=s1 iteration={i}, done_units={}\n", i + 1),
        );
        let mut metrics = Obj::new()
            .put("blocking_prob", Value::Float(acc.blocking()))
            .put("bit_rate_blocking_prob", Value::Float(acc.bit_rate_blocking()));
        if let Some(h) = mean(&acc.hops) {
            metrics.push("mean_hops", Value::Float(h));
        }
        if let Some(l) = mean(&acc.lengths) {
            metrics.push("mean_path_length", Value::Float(l));
        }
        opts.progress.emit(
            "iteration",
            vec![
                ("erlang", Value::Float(erlang)),
                ("iteration", Value::Int(i as i64 + 1)),
                ("total_iterations", Value::Int(cfg.max_iters as i64)),
                ("metrics", metrics.build()),
            ],
        );
        if ci_stopped {
            break;
        }
    }
    if let Some(entry) = unsaved.take() {
        // Stopped between save points: keep the completed iterations.
        file.entries.push(entry);
        write_load_file(&path, &file, opts)?;
        written = true;
        log.info(
            names::PERSISTENCE,
            &format!("Saving stats for iteration {}", block_list.len() - 1),
        );
        log.info(
            names::PERSISTENCE,
            &format!("Saving to: {}", opts.output_dir.display()),
        );
    }
    let seconds = started.elapsed().as_secs_f64();
    if !block_list.is_empty() {
        log.info(
            names::RUNNER,
            &format!("Simulation finished for Erlang: {e} finished for simulation number: s1.\n"),
        );
        log.info(
            names::RUNNER,
            &format!("Completed {e} Erlang in {seconds:.2} seconds"),
        );
        let m = mean(&block_list).unwrap_or(0.0);
        let mut metrics = Obj::new().put("mean_blocking", Value::Float(m));
        if block_list.len() >= 2 && !cfg.is_training {
            if let Some(c) = ci.block_ci {
                metrics.push("ci_lower", Value::Float(m - c));
                metrics.push("ci_upper", Value::Float(m + c));
            }
            metrics.push("ci_percent", Value::opt_float(ci.block_ci_percent));
        }
        metrics.push("iterations", Value::Int(block_list.len() as i64));
        opts.progress.emit(
            "erlang_complete",
            vec![("erlang", Value::Float(erlang)), ("metrics", metrics.build())],
        );
    }
    Ok(LoadSummary {
        erlang,
        iterations: block_list.len(),
        block_list,
        bit_rate_block_list: br_list,
        ci_stopped,
        interrupted,
        seconds,
        file: written.then_some(path),
    })
}

fn write_load_file(path: &std::path::Path, file: &LoadFile, opts: &RunOptions) -> std::io::Result<()> {
    let text = file
        .to_value(&end_time_string(opts.fixed_end_time))
        .to_python_json();
    write_atomic(path, &text)
}

//! Running every load of a configuration on every core.
//!
//! Iterations are independent (iteration `i` of every load uses seed
//! `i + 1` on an empty network), so the units of work are (load, iteration)
//! pairs, handed to a pool of threads in load-major order. Their results are
//! *committed* strictly in that order by whichever thread finishes the unit
//! the order waits for: the confidence rule, the log, the progress events and
//! the output files see the iterations exactly as a sequential run does, and
//! iterations computed past a load's early stop are discarded. The bytes of
//! every output file, the progress events (apart from `ts`) and the log
//! (apart from timestamps and durations) therefore do not depend on the
//! number of threads. At most `2 × threads` units are ahead of the commit
//! point, which bounds the memory held by finished, uncommitted iterations.

use crate::engine::{Engine, IterAccum, IterEnd, Model};
use crate::json::{py_float, Obj, Value};
use crate::log::{breakdown, names, Logger};
use crate::output::{
    iter_entry, link_usage, load_file_path, lp_utilization, write_atomic, LoadFile, Partial,
};
use crate::progress::Progress;
use crate::stats::{mean, CiTracker};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};
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

/// Why a load ended (the progress contract's `reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    /// All `max_iters` iterations ran.
    MaxIters,
    /// The confidence rule stopped it early.
    Confidence,
    /// A signal or an error cut it short: its statistics are partial.
    Interrupted,
}

impl EndReason {
    pub fn as_str(self) -> &'static str {
        match self {
            EndReason::MaxIters => "max_iters",
            EndReason::Confidence => "confidence",
            EndReason::Interrupted => "interrupted",
        }
    }
}

/// Result of one load.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadSummary {
    pub erlang: f64,
    /// Completed iterations.
    pub iterations: usize,
    pub block_list: Vec<f64>,
    pub bit_rate_block_list: Vec<f64>,
    pub reason: EndReason,
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

/// A finished unit waiting to be committed.
enum Outcome {
    Completed(Box<IterAccum>),
    Interrupted,
}

/// Per-load scheduling state.
struct LoadSlot {
    /// Finished units by iteration, not yet committed.
    results: BTreeMap<usize, Outcome>,
    /// The load has ended (committed as ended); later units are discarded.
    ended: bool,
}

struct Shared<'m, 'o> {
    /// Next unit to hand out.
    next: (usize, usize),
    /// Handed out and not yet committed or discarded.
    outstanding: usize,
    slots: Vec<LoadSlot>,
    /// Load whose iterations are being committed, and its committer.
    cursor: usize,
    current: Option<LoadRun<'m, 'o>>,
    summaries: Vec<LoadSummary>,
    error: Option<std::io::Error>,
    /// Engines' spare accumulators, reused instead of reallocated.
    spare: Vec<IterAccum>,
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
    let total_units = erlangs.len() * cfg.max_iters;
    let threads = opts.threads.max(1).min(total_units.max(1));
    let window = 2 * threads;
    let shared = Mutex::new(Shared {
        next: (0, 0),
        outstanding: 0,
        slots: erlangs
            .iter()
            .map(|_| LoadSlot {
                results: BTreeMap::new(),
                ended: false,
            })
            .collect(),
        cursor: 0,
        current: None,
        summaries: Vec::new(),
        error: None,
        spare: Vec::new(),
    });
    let wake = Condvar::new();
    {
        let mut s = lock(&shared);
        if !erlangs.is_empty() {
            s.current = Some(LoadRun::start(model, opts, erlangs[0], 0, erlangs.len()));
        }
    }
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| worker(model, opts, &erlangs, &shared, &wake, window));
        }
    });
    let mut s = shared.into_inner().unwrap_or_else(|e| e.into_inner());
    // Stopped (signal or error): what is committed so far ends as partial.
    // Finished units of the load at the cursor are committed first; later
    // loads have not started in the sequential order and report nothing.
    commit(model, opts, &erlangs, &mut s, true);
    if let Some(e) = s.error.take() {
        return Err(e);
    }
    let interrupted = opts.stop.load(Ordering::SeqCst);
    let seconds = started.elapsed().as_secs_f64();
    log_summary(opts.logger, &s.summaries, seconds);
    Ok(RunSummary {
        loads: std::mem::take(&mut s.summaries),
        interrupted,
        seconds,
    })
}

fn lock<'a, 'm, 'o>(m: &'a Mutex<Shared<'m, 'o>>) -> std::sync::MutexGuard<'a, Shared<'m, 'o>> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn worker<'m, 'o>(
    model: &'m Model,
    opts: &'o RunOptions<'o>,
    erlangs: &[f64],
    shared: &Mutex<Shared<'m, 'o>>,
    wake: &Condvar,
    window: usize,
) {
    let max_iters = model.config.max_iters;
    let mut engine = Engine::new(model);
    loop {
        // Take the next unit still needed.
        let unit = {
            let mut s = lock(shared);
            loop {
                if opts.stop.load(Ordering::Relaxed) || s.error.is_some() {
                    break None;
                }
                while s.next.0 < erlangs.len() && (s.next.1 >= max_iters || s.slots[s.next.0].ended) {
                    s.next = (s.next.0 + 1, 0);
                }
                if s.next.0 >= erlangs.len() {
                    break None;
                }
                if s.outstanding >= window {
                    s = wake.wait(s).unwrap_or_else(|e| e.into_inner());
                    continue;
                }
                let u = s.next;
                s.next.1 += 1;
                s.outstanding += 1;
                if let Some(acc) = s.spare.pop() {
                    engine.acc = acc;
                }
                break Some(u);
            }
        };
        let Some((load, iter)) = unit else {
            wake.notify_all();
            return;
        };
        let outcome = match engine.run_iteration(erlangs[load], iter, opts.stop) {
            IterEnd::Completed => Outcome::Completed(Box::new(std::mem::replace(
                &mut engine.acc,
                IterAccum::new(model),
            ))),
            IterEnd::Interrupted => Outcome::Interrupted,
        };
        let mut s = lock(shared);
        if s.slots[load].ended {
            s.outstanding -= 1;
            if let Outcome::Completed(acc) = outcome {
                s.spare.push(*acc);
            }
        } else {
            s.slots[load].results.insert(iter, outcome);
            commit(model, opts, erlangs, &mut s, false);
        }
        drop(s);
        wake.notify_all();
    }
}

/// Commits finished units in order. With `last`, the run is over: the load
/// at the cursor ends (as interrupted unless its rule ended it).
fn commit<'m, 'o>(
    model: &'m Model,
    opts: &'o RunOptions<'o>,
    erlangs: &[f64],
    s: &mut Shared<'m, 'o>,
    last: bool,
) {
    let max_iters = model.config.max_iters;
    while s.cursor < erlangs.len() && s.error.is_none() {
        let cursor = s.cursor;
        let Some(run) = s.current.as_mut() else {
            break;
        };
        let i = run.done();
        let reason = match s.slots[cursor].results.remove(&i) {
            Some(Outcome::Completed(acc)) => {
                s.outstanding -= 1;
                let r = run.commit_iteration(i, &acc);
                s.spare.push(*acc);
                match r {
                    Ok(Some(reason)) => Some(reason),
                    Ok(None) if i + 1 == max_iters => Some(EndReason::MaxIters),
                    // Committed; the next iteration may be waiting too.
                    Ok(None) => continue,
                    Err(e) => {
                        s.error = Some(e);
                        opts.stop.store(true, Ordering::SeqCst);
                        Some(EndReason::Interrupted)
                    }
                }
            }
            Some(Outcome::Interrupted) => {
                s.outstanding -= 1;
                Some(EndReason::Interrupted)
            }
            None if last => Some(EndReason::Interrupted),
            None => None,
        };
        let Some(reason) = reason else {
            break;
        };
        // The load ends: drop what was computed past it, write its file.
        let slot = &mut s.slots[cursor];
        slot.ended = true;
        let dropped = std::mem::take(&mut slot.results);
        s.outstanding -= dropped.len();
        for (_, o) in dropped {
            if let Outcome::Completed(acc) = o {
                s.spare.push(*acc);
            }
        }
        let run = s.current.take().expect("a load is being committed");
        match run.finish(reason) {
            Ok(summary) => s.summaries.push(summary),
            Err(e) => {
                s.error.get_or_insert(e);
                opts.stop.store(true, Ordering::SeqCst);
            }
        }
        s.cursor += 1;
        if s.cursor < erlangs.len() && !last && !opts.stop.load(Ordering::SeqCst) {
            s.current = Some(LoadRun::start(
                model,
                opts,
                erlangs[s.cursor],
                s.cursor,
                erlangs.len(),
            ));
        } else {
            break;
        }
    }
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

/// The committer of one load: its statistics, log lines, progress events
/// and output file, fed the iterations in order.
struct LoadRun<'m, 'o> {
    model: &'m Model,
    opts: &'o RunOptions<'o>,
    erlang: f64,
    label: String,
    path: PathBuf,
    started: Instant,
    block_list: Vec<f64>,
    br_list: Vec<f64>,
    ci: CiTracker,
    file: LoadFile,
    unsaved: Option<(usize, Value)>,
    written: bool,
}

impl<'m, 'o> LoadRun<'m, 'o> {
    fn start(model: &'m Model, opts: &'o RunOptions<'o>, erlang: f64, index: usize, total: usize) -> Self {
        let cfg = &model.config;
        let log = opts.logger;
        let e = py_float(erlang);
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
        LoadRun {
            model,
            opts,
            erlang,
            label: e,
            path: load_file_path(&opts.output_dir, erlang),
            started: Instant::now(),
            block_list: Vec::new(),
            br_list: Vec::new(),
            ci: CiTracker::default(),
            file: LoadFile {
                entries: Vec::new(),
                link_usage: Value::Object(Vec::new()),
                ci: CiTracker::default(),
                is_training: cfg.is_training,
                lp_utilization: None,
                partial: None,
            },
            unsaved: None,
            written: false,
        }
    }

    /// Iterations committed so far.
    fn done(&self) -> usize {
        self.block_list.len()
    }

    /// Commits iteration `i`; `Some(Confidence)` when the rule ends the load.
    fn commit_iteration(&mut self, i: usize, acc: &IterAccum) -> std::io::Result<Option<EndReason>> {
        let cfg = &self.model.config;
        let log = self.opts.logger;
        let e = &self.label;
        log.info(
            names::REQUEST,
            &format!("Generated {} requests", cfg.num_requests),
        );
        self.block_list.push(acc.blocking());
        self.br_list.push(acc.bit_rate_blocking());
        let stop_at = if cfg.is_training {
            None
        } else {
            self.ci.update(&self.block_list, &self.br_list)
        };
        if let Some(p) = stop_at {
            log.info(
                names::METRICS,
                &format!(
                    "Confidence interval of {p:.2}% reached. {}, ending for Erlang: {e}",
                    i + 1
                ),
            );
        }
        let ci_stopped = stop_at.is_some();
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
                    round4_repr(mean(&self.block_list).unwrap_or(0.0))
                ),
            );
        }
        let entry = iter_entry(self.model, acc, &self.block_list, &self.br_list);
        self.file.link_usage = link_usage(self.model, acc);
        self.file.ci = self.ci;
        self.file.lp_utilization = lp_utilization(acc).or(self.file.lp_utilization);
        // FUSION's save points, plus the last iteration of an early stop
        // (FUSION loses that one; here it is kept).
        let save = i == 0 || i + 1 == cfg.max_iters || (i + 1) % cfg.save_step == 0 || ci_stopped;
        if save {
            self.file.entries.push((i, entry));
            self.unsaved = None;
            self.write()?;
            log.info(names::PERSISTENCE, &format!("Saving stats for iteration {i}"));
            log.info(
                names::PERSISTENCE,
                &format!("Saving to: {}", self.opts.output_dir.display()),
            );
        } else {
            self.unsaved = Some((i, entry));
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
        self.opts.progress.emit(
            "iteration",
            vec![
                ("erlang", Value::Float(self.erlang)),
                ("iteration", Value::Int(i as i64 + 1)),
                ("total_iterations", Value::Int(cfg.max_iters as i64)),
                ("metrics", metrics.build()),
            ],
        );
        Ok(ci_stopped.then_some(EndReason::Confidence))
    }

    fn write(&mut self) -> std::io::Result<()> {
        write_load_file(&self.path, &self.file, self.opts)?;
        self.written = true;
        Ok(())
    }

    /// Ends the load: writes what is not written yet (an interrupted load's
    /// file is marked partial) and reports why it ended.
    fn finish(mut self, reason: EndReason) -> std::io::Result<LoadSummary> {
        let cfg = &self.model.config;
        let log = self.opts.logger;
        let e = self.label.clone();
        let done = self.block_list.len();
        if reason == EndReason::Interrupted && done > 0 {
            self.file.partial = Some(Partial {
                reason: reason.as_str(),
                iterations: done,
                total_iterations: cfg.max_iters,
            });
        }
        let mut need_write = self.file.partial.is_some();
        if let Some(entry) = self.unsaved.take() {
            // Stopped between save points: keep the completed iterations.
            self.file.entries.push(entry);
            need_write = true;
        }
        if done > 0 && need_write {
            self.write()?;
            log.info(
                names::PERSISTENCE,
                &format!("Saving stats for iteration {}", done - 1),
            );
            log.info(
                names::PERSISTENCE,
                &format!("Saving to: {}", self.opts.output_dir.display()),
            );
        }
        let seconds = self.started.elapsed().as_secs_f64();
        if done > 0 {
            log.info(
                names::RUNNER,
                &format!("Simulation finished for Erlang: {e} finished for simulation number: s1.\n"),
            );
            log.info(
                names::RUNNER,
                &format!("Completed {e} Erlang in {seconds:.2} seconds"),
            );
        }
        let mut metrics = Obj::new();
        if let Some(m) = mean(&self.block_list) {
            metrics.push("mean_blocking", Value::Float(m));
            if done >= 2 && !cfg.is_training {
                if let Some(c) = self.ci.block_ci {
                    metrics.push("ci_lower", Value::Float(m - c));
                    metrics.push("ci_upper", Value::Float(m + c));
                }
                metrics.push("ci_percent", Value::opt_float(self.ci.block_ci_percent));
            }
        }
        metrics.push("iterations", Value::Int(done as i64));
        self.opts.progress.emit(
            "erlang_complete",
            vec![
                ("erlang", Value::Float(self.erlang)),
                ("reason", Value::Str(reason.as_str().into())),
                ("metrics", metrics.build()),
            ],
        );
        Ok(LoadSummary {
            erlang: self.erlang,
            iterations: done,
            block_list: self.block_list,
            bit_rate_block_list: self.br_list,
            reason,
            seconds,
            file: self.written.then_some(self.path),
        })
    }
}

fn write_load_file(path: &Path, file: &LoadFile, opts: &RunOptions) -> std::io::Result<()> {
    let text = file
        .to_value(&end_time_string(opts.fixed_end_time))
        .to_python_json();
    write_atomic(path, &text)
}

//! Progress of a run: the events of the progress contract, parsed from
//! `progress.jsonl` or derived from FUSION's log lines, folded into one
//! [`RunProgress`] per run.
//!
//! Parsing never fails: a line that is not an event (garbage, an unknown
//! type, a field of the wrong type) is skipped.

use std::sync::OnceLock;

use regex::Regex;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};
use ts_rs::TS;

/// Where a run's progress comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ProgressSource {
    /// `progress.jsonl`, written by simulators that follow the progress contract.
    ProgressFile,
    /// Derived from the simulator's log lines (the real FUSION writes no progress file).
    Log,
}

/// Why a load ended (`reason` on `erlang_complete` in the progress contract).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LoadEnd {
    /// Every planned iteration ran.
    MaxIters,
    /// The confidence rule stopped it: its interval reached the target.
    Confidence,
    /// A signal or an error cut it short: its statistics are partial.
    Interrupted,
}

impl LoadEnd {
    fn parse(s: &str) -> Option<Self> {
        match s {
            "max_iters" => Some(LoadEnd::MaxIters),
            "confidence" => Some(LoadEnd::Confidence),
            "interrupted" => Some(LoadEnd::Interrupted),
            _ => None,
        }
    }

    /// The contract's rule for an `erlang_complete` that carries no `reason`
    /// (older simulators): all iterations ran → `max_iters`; fewer with the
    /// interval within FUSION's 5 % target → `confidence`; else `interrupted`.
    /// A mean of zero never meets FUSION's rule (it skips the interval when
    /// nothing blocked), so a zero-blocking load cut short reads as
    /// interrupted even though its `ci_percent` is 0.
    pub fn infer(
        iterations: u32,
        total_iterations: Option<u32>,
        ci_percent: Option<f64>,
        mean_blocking: Option<f64>,
    ) -> Self {
        let met_target = ci_percent.is_some_and(|p| p <= CONFIDENCE_TARGET_PERCENT)
            && mean_blocking.is_none_or(|m| m > 0.0);
        match total_iterations {
            Some(total) if iterations >= total => LoadEnd::MaxIters,
            _ if met_target => LoadEnd::Confidence,
            None if iterations > 0 && ci_percent.is_none() => LoadEnd::MaxIters,
            _ => LoadEnd::Interrupted,
        }
    }
}

/// FUSION stops a load when the interval's half-width is within 5 % of the mean.
const CONFIDENCE_TARGET_PERCENT: f64 = 5.0;

/// One load (Erlang value) of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LoadProgress {
    pub erlang: f64,
    /// 0-based position in the sweep, when known.
    pub index: Option<u32>,
    /// Iterations finished.
    pub iteration: u32,
    pub total_iterations: Option<u32>,
    /// Blocking probability of the latest iteration (the progress file only).
    pub latest_blocking: Option<f64>,
    /// Running mean of the blocking probability; the final mean once complete.
    pub mean_blocking: Option<f64>,
    pub ci_lower: Option<f64>,
    pub ci_upper: Option<f64>,
    /// Half-width of the confidence interval in percent of the mean.
    pub ci_percent: Option<f64>,
    /// The load ended (for whatever reason: see `reason`).
    pub complete: bool,
    /// The confidence rule stopped this load before its last iteration.
    pub early_stop: bool,
    /// Why the load ended; `None` while it runs. Once the run is over, a
    /// load the simulator never closed reads `interrupted`.
    #[serde(default)]
    pub reason: Option<LoadEnd>,
}

/// A run's progress as every client sees it (run list, run page, `fdesk show`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RunProgress {
    pub source: ProgressSource,
    /// 0–100: finished iterations over all loads; a load the confidence rule
    /// stopped counts all its iterations, an interrupted one only those it
    /// ran, so a cut-off run never reads 100. `None` until the totals are known.
    pub percent: Option<f64>,
    /// The load being simulated (the latest started).
    pub erlang: Option<f64>,
    pub erlang_index: Option<u32>,
    /// Iterations finished of that load.
    pub iteration: Option<u32>,
    pub total_erlangs: Option<u32>,
    pub total_iterations: Option<u32>,
    /// Iterations counted as finished (see `percent`).
    pub finished_iterations: u32,
    /// Loads that really ended (all iterations, or the confidence rule);
    /// interrupted loads are not counted.
    pub loads_complete: u32,
    /// Loads cut short by a signal or an error.
    #[serde(default)]
    pub loads_interrupted: u32,
    /// Wall-clock time from the first event to the latest, from the events'
    /// own timestamps.
    pub elapsed_seconds: Option<f64>,
    /// Estimated time left after the latest event.
    pub eta_seconds: Option<f64>,
    /// Timestamp of the latest event, as the simulator wrote it.
    pub last_event_at: Option<String>,
    /// The simulator reported the end of the whole run.
    pub complete: bool,
    pub exit_code: Option<i32>,
    pub total_time_seconds: Option<f64>,
    pub error: Option<String>,
    /// Every load seen, in sweep order. In a stream update that is not `full`,
    /// only the loads that changed since the previous update.
    pub loads: Vec<LoadProgress>,
}

/// One event of the progress contract, normalised.
#[derive(Debug, Clone, PartialEq)]
pub enum ProgressEvent {
    Start {
        ts: Option<String>,
        total_erlangs: Option<u32>,
        total_iterations: Option<u32>,
    },
    ErlangStart {
        ts: Option<String>,
        erlang: f64,
        erlang_index: Option<u32>,
        total_erlangs: Option<u32>,
    },
    Iteration {
        ts: Option<String>,
        erlang: Option<f64>,
        iteration: u32,
        total_iterations: Option<u32>,
        blocking: Option<f64>,
        /// The value is already the running mean (log lines), not one iteration's.
        mean_blocking: Option<f64>,
    },
    /// A running mean without an iteration count (the log's `Mean of blocking`).
    RunningMean {
        ts: Option<String>,
        mean_blocking: f64,
    },
    /// The confidence rule stopped the current load (the log's `Confidence interval ... reached`).
    EarlyStop {
        ts: Option<String>,
        erlang: Option<f64>,
        ci_percent: Option<f64>,
        iterations: Option<u32>,
    },
    ErlangComplete {
        ts: Option<String>,
        erlang: Option<f64>,
        /// As the simulator wrote it; inferred when absent.
        reason: Option<LoadEnd>,
        mean_blocking: Option<f64>,
        ci_lower: Option<f64>,
        ci_upper: Option<f64>,
        ci_percent: Option<f64>,
        iterations: Option<u32>,
    },
    Complete {
        ts: Option<String>,
        exit_code: Option<i32>,
        total_time_seconds: Option<f64>,
    },
    Error {
        ts: Option<String>,
        message: String,
    },
    /// The log announces the totals (`my_iteration_units=N`, `Iteration i out of N`).
    Totals {
        total_iterations: Option<u32>,
    },
}

fn as_u32(v: Option<&Value>) -> Option<u32> {
    let v = v?;
    v.as_u64()
        .or_else(|| {
            v.as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                .map(|f| f as u64)
        })
        .and_then(|n| u32::try_from(n).ok())
}

fn as_f64(v: Option<&Value>) -> Option<f64> {
    v?.as_f64().filter(|f| f.is_finite())
}

fn as_string(v: Option<&Value>) -> Option<String> {
    v?.as_str().map(str::to_owned)
}

/// Parses one line of `progress.jsonl`; `None` for anything that is not a
/// known event (blank, garbage, unknown type, required field missing).
pub fn parse_jsonl(line: &[u8]) -> Option<ProgressEvent> {
    let line = line.trim_ascii();
    if line.first() != Some(&b'{') {
        return None;
    }
    let v: Value = serde_json::from_slice(line).ok()?;
    let obj = v.as_object()?;
    let ts = as_string(obj.get("ts"));
    let metrics = obj.get("metrics").and_then(Value::as_object);
    let metric = |k: &str| metrics.and_then(|m| m.get(k));
    Some(match obj.get("type")?.as_str()? {
        "start" => {
            let config = obj.get("config").and_then(Value::as_object);
            ProgressEvent::Start {
                ts,
                total_erlangs: as_u32(config.and_then(|c| c.get("total_erlangs"))),
                total_iterations: as_u32(config.and_then(|c| c.get("total_iterations"))),
            }
        }
        "erlang_start" => ProgressEvent::ErlangStart {
            ts,
            erlang: as_f64(obj.get("erlang"))?,
            erlang_index: as_u32(obj.get("erlang_index")),
            total_erlangs: as_u32(obj.get("total_erlangs")),
        },
        "iteration" => ProgressEvent::Iteration {
            ts,
            erlang: as_f64(obj.get("erlang")),
            iteration: as_u32(obj.get("iteration"))?,
            total_iterations: as_u32(obj.get("total_iterations")),
            blocking: as_f64(metric("blocking_prob")),
            mean_blocking: None,
        },
        "erlang_complete" => ProgressEvent::ErlangComplete {
            ts,
            erlang: as_f64(obj.get("erlang")),
            reason: obj.get("reason").and_then(Value::as_str).and_then(LoadEnd::parse),
            mean_blocking: as_f64(metric("mean_blocking")),
            ci_lower: as_f64(metric("ci_lower")),
            ci_upper: as_f64(metric("ci_upper")),
            ci_percent: as_f64(metric("ci_percent")),
            iterations: as_u32(metric("iterations")),
        },
        "complete" => ProgressEvent::Complete {
            ts,
            exit_code: obj
                .get("exit_code")
                .and_then(Value::as_i64)
                .and_then(|c| i32::try_from(c).ok()),
            total_time_seconds: as_f64(
                obj.get("summary")
                    .and_then(Value::as_object)
                    .and_then(|s| s.get("total_time_seconds")),
            ),
        },
        "error" => ProgressEvent::Error {
            ts,
            message: as_string(obj.get("message"))
                .unwrap_or_else(|| "the simulator reported an error".into()),
        },
        _ => return None,
    })
}

struct LogPatterns {
    starting: Regex,
    units: Regex,
    iteration_of: Regex,
    child: Regex,
    mean: Regex,
    confidence: Regex,
    completed: Regex,
    total_time: Regex,
}

fn patterns() -> &'static LogPatterns {
    static P: OnceLock<LogPatterns> = OnceLock::new();
    P.get_or_init(|| {
        let re = |s: &str| Regex::new(s).expect("a valid pattern");
        const NUM: &str = r"([0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?)";
        LogPatterns {
            starting: re(&format!(
                r"Starting simulation for {NUM} Erlang \(load ([0-9]+)/([0-9]+)\)"
            )),
            units: re(r"my_iteration_units=([0-9]+)"),
            iteration_of: re(r"Iteration [0-9]+ out of ([0-9]+) completed"),
            child: re(r"CHILD=\S+ iteration=([0-9]+), done_units=([0-9]+)"),
            mean: re(&format!(r"Mean of blocking: {NUM}")),
            confidence: re(&format!(
                r"Confidence interval of {NUM}% reached\. ([0-9]+), ending for Erlang: {NUM}"
            )),
            completed: re(&format!(r"Completed {NUM} Erlang in {NUM} seconds")),
            total_time: re(&format!(r"Total execution time: {NUM}s")),
        }
    })
}

/// The timestamp at the start of a FUSION log line (`2026-11-26 05:06:38,379`).
fn log_ts(line: &str) -> Option<String> {
    let head = line.get(..23)?;
    let b = head.as_bytes();
    (b[4] == b'-' && b[10] == b' ' && b[19] == b',').then(|| head.to_owned())
}

/// Derives a progress event from one FUSION log line (see
/// `fusion-sim-model.md` §7); `None` for the many lines that carry none.
pub fn parse_log_line(line: &[u8]) -> Option<ProgressEvent> {
    // Cheap filters first: nearly every line of a long log carries no event.
    let interesting = memchr::memmem::find(line, b"Erlang").is_some()
        || memchr::memmem::find(line, b"CHILD=").is_some()
        || memchr::memmem::find(line, b"Mean of blocking").is_some()
        || memchr::memmem::find(line, b"my_iteration_units").is_some()
        || memchr::memmem::find(line, b"Total execution time").is_some();
    if !interesting {
        return None;
    }
    let line = std::str::from_utf8(line).ok()?;
    let p = patterns();
    let ts = log_ts(line);
    let num = |c: &regex::Captures<'_>, i: usize| c.get(i).and_then(|m| m.as_str().parse::<f64>().ok());
    let int = |c: &regex::Captures<'_>, i: usize| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
    if let Some(c) = p.child.captures(line) {
        return Some(ProgressEvent::Iteration {
            ts,
            erlang: None,
            iteration: int(&c, 2)?,
            total_iterations: None,
            blocking: None,
            mean_blocking: None,
        });
    }
    if let Some(c) = p.starting.captures(line) {
        let k = int(&c, 2)?;
        return Some(ProgressEvent::ErlangStart {
            ts,
            erlang: num(&c, 1)?,
            erlang_index: k.checked_sub(1),
            total_erlangs: int(&c, 3),
        });
    }
    if let Some(c) = p.mean.captures(line) {
        return Some(ProgressEvent::RunningMean {
            ts,
            mean_blocking: num(&c, 1)?,
        });
    }
    if let Some(c) = p.iteration_of.captures(line) {
        return Some(ProgressEvent::Totals {
            total_iterations: int(&c, 1),
        });
    }
    if let Some(c) = p.units.captures(line) {
        return Some(ProgressEvent::Totals {
            total_iterations: int(&c, 1),
        });
    }
    if let Some(c) = p.confidence.captures(line) {
        return Some(ProgressEvent::EarlyStop {
            ts,
            erlang: num(&c, 3),
            ci_percent: num(&c, 1),
            iterations: int(&c, 2),
        });
    }
    if let Some(c) = p.completed.captures(line) {
        return Some(ProgressEvent::ErlangComplete {
            ts,
            erlang: num(&c, 1),
            // Inferred when applied: the log says "Confidence interval ...
            // reached" before it for a load the confidence rule stopped.
            reason: None,
            mean_blocking: None,
            ci_lower: None,
            ci_upper: None,
            ci_percent: None,
            iterations: None,
        });
    }
    if let Some(c) = p.total_time.captures(line) {
        return Some(ProgressEvent::Complete {
            ts,
            exit_code: None,
            total_time_seconds: num(&c, 1),
        });
    }
    None
}

fn parse_ts(ts: &str) -> Option<f64> {
    if let Ok(t) = OffsetDateTime::parse(ts, &time::format_description::well_known::Rfc3339) {
        return Some(t.unix_timestamp_nanos() as f64 / 1e9);
    }
    // FUSION's log time has no offset; only differences are used, so reading
    // it as UTC is fine.
    let t = PrimitiveDateTime::parse(
        ts,
        format_description!("[year]-[month]-[day] [hour]:[minute]:[second],[subsecond digits:3]"),
    )
    .ok()?;
    Some(t.assume_utc().unix_timestamp_nanos() as f64 / 1e9)
}

/// A run with a load still open or cut off never shows 100 % (rounding
/// 99.96 up would read as done).
const MAX_UNFINISHED_PERCENT: f64 = 99.9;

/// Keeps at most this many loads (a sweep has a handful to a few hundred).
const MAX_LOADS: usize = 10_000;

/// Folds events into a [`RunProgress`]. Tracks which loads changed so a
/// stream can send only those.
#[derive(Debug, Clone)]
pub struct ProgressState {
    source: ProgressSource,
    events: u64,
    total_erlangs: Option<u32>,
    total_iterations: Option<u32>,
    loads: Vec<(LoadProgress, f64, u32)>,
    current: Option<usize>,
    first_ts: Option<f64>,
    last_ts: Option<f64>,
    last_event_at: Option<String>,
    complete: bool,
    exit_code: Option<i32>,
    total_time_seconds: Option<f64>,
    error: Option<String>,
    changed: Vec<bool>,
}

impl ProgressState {
    pub fn new(source: ProgressSource) -> Self {
        ProgressState {
            source,
            events: 0,
            total_erlangs: None,
            total_iterations: None,
            loads: Vec::new(),
            current: None,
            first_ts: None,
            last_ts: None,
            last_event_at: None,
            complete: false,
            exit_code: None,
            total_time_seconds: None,
            error: None,
            changed: Vec::new(),
        }
    }

    /// How many events were applied.
    pub fn events(&self) -> u64 {
        self.events
    }

    fn load_index(&mut self, erlang: f64, index: Option<u32>) -> Option<usize> {
        if let Some(i) = self.loads.iter().position(|(l, _, _)| l.erlang == erlang) {
            if index.is_some() {
                self.loads[i].0.index = index;
            }
            return Some(i);
        }
        if self.loads.len() >= MAX_LOADS {
            return None;
        }
        self.loads.push((
            LoadProgress {
                erlang,
                index,
                iteration: 0,
                total_iterations: self.total_iterations,
                latest_blocking: None,
                mean_blocking: None,
                ci_lower: None,
                ci_upper: None,
                ci_percent: None,
                complete: false,
                early_stop: false,
                reason: None,
            },
            0.0,
            0,
        ));
        self.changed.push(true);
        Some(self.loads.len() - 1)
    }

    /// The load an event names, or the current one when it names none.
    fn target(&mut self, erlang: Option<f64>) -> Option<usize> {
        match erlang {
            Some(e) => self.load_index(e, None),
            None => self.current,
        }
    }

    fn touch_ts(&mut self, ts: &Option<String>) {
        if let Some(ts) = ts {
            if let Some(t) = parse_ts(ts) {
                self.first_ts.get_or_insert(t);
                self.last_ts = Some(t);
            }
            self.last_event_at = Some(ts.clone());
        }
    }

    pub fn apply(&mut self, event: ProgressEvent) {
        self.events += 1;
        match event {
            ProgressEvent::Start {
                ts,
                total_erlangs,
                total_iterations,
            } => {
                self.touch_ts(&ts);
                self.total_erlangs = total_erlangs.or(self.total_erlangs);
                self.set_total_iterations(total_iterations);
            }
            ProgressEvent::ErlangStart {
                ts,
                erlang,
                erlang_index,
                total_erlangs,
            } => {
                self.touch_ts(&ts);
                self.total_erlangs = total_erlangs.or(self.total_erlangs);
                self.current = self.load_index(erlang, erlang_index);
                if let Some(i) = self.current {
                    self.changed[i] = true;
                }
            }
            ProgressEvent::Iteration {
                ts,
                erlang,
                iteration,
                total_iterations,
                blocking,
                mean_blocking,
            } => {
                self.touch_ts(&ts);
                self.set_total_iterations(total_iterations);
                let Some(i) = self.target(erlang) else { return };
                if erlang.is_some() {
                    self.current = Some(i);
                }
                let (load, sum, count) = &mut self.loads[i];
                load.iteration = load.iteration.max(iteration);
                if let Some(b) = blocking {
                    load.latest_blocking = Some(b);
                    *sum += b;
                    *count += 1;
                    load.mean_blocking = Some(*sum / *count as f64);
                }
                if mean_blocking.is_some() {
                    load.mean_blocking = mean_blocking;
                }
                self.changed[i] = true;
            }
            ProgressEvent::RunningMean { ts, mean_blocking } => {
                self.touch_ts(&ts);
                if let Some(i) = self.current {
                    self.loads[i].0.mean_blocking = Some(mean_blocking);
                    self.changed[i] = true;
                }
            }
            ProgressEvent::EarlyStop {
                ts,
                erlang,
                ci_percent,
                iterations: _,
            } => {
                self.touch_ts(&ts);
                let Some(i) = self.target(erlang) else { return };
                let load = &mut self.loads[i].0;
                load.early_stop = true;
                load.ci_percent = ci_percent.or(load.ci_percent);
                self.changed[i] = true;
            }
            ProgressEvent::ErlangComplete {
                ts,
                erlang,
                reason,
                mean_blocking,
                ci_lower,
                ci_upper,
                ci_percent,
                iterations,
            } => {
                self.touch_ts(&ts);
                let Some(i) = self.target(erlang) else { return };
                let total = self.total_iterations;
                let load = &mut self.loads[i].0;
                load.complete = true;
                if let Some(n) = iterations {
                    load.iteration = n;
                }
                load.mean_blocking = mean_blocking.or(load.mean_blocking);
                load.ci_lower = ci_lower.or(load.ci_lower);
                load.ci_upper = ci_upper.or(load.ci_upper);
                load.ci_percent = ci_percent.or(load.ci_percent);
                let total = load.total_iterations.or(total);
                let from_log = self.source == ProgressSource::Log;
                let reason = reason.unwrap_or_else(|| {
                    if load.early_stop {
                        // The log announced the confidence stop.
                        LoadEnd::Confidence
                    } else if from_log {
                        // FUSION logs "Completed <E> Erlang" only for a load
                        // that ran to its end; a cut-off load never gets it.
                        LoadEnd::MaxIters
                    } else {
                        LoadEnd::infer(load.iteration, total, load.ci_percent, load.mean_blocking)
                    }
                });
                load.reason = Some(reason);
                load.early_stop = reason == LoadEnd::Confidence;
                self.changed[i] = true;
            }
            ProgressEvent::Complete {
                ts,
                exit_code,
                total_time_seconds,
            } => {
                self.touch_ts(&ts);
                self.complete = true;
                self.exit_code = exit_code;
                self.total_time_seconds = total_time_seconds;
            }
            ProgressEvent::Error { ts, message } => {
                self.touch_ts(&ts);
                self.error = Some(message);
            }
            ProgressEvent::Totals { total_iterations } => self.set_total_iterations(total_iterations),
        }
    }

    /// The run is over: every load that started and never ended was cut off.
    /// Returns whether a load changed.
    pub fn close_open_loads(&mut self) -> bool {
        let mut changed = false;
        for (i, (load, _, _)) in self.loads.iter_mut().enumerate() {
            if !load.complete {
                load.complete = true;
                load.early_stop = false;
                load.reason = Some(LoadEnd::Interrupted);
                self.changed[i] = true;
                changed = true;
            }
        }
        changed
    }

    fn set_total_iterations(&mut self, total: Option<u32>) {
        let Some(total) = total else { return };
        if self.total_iterations == Some(total) {
            return;
        }
        self.total_iterations = Some(total);
        for (i, (load, _, _)) in self.loads.iter_mut().enumerate() {
            if load.total_iterations.is_none() {
                load.total_iterations = Some(total);
                self.changed[i] = true;
            }
        }
    }

    /// The run's progress with every load.
    pub fn snapshot(&self) -> RunProgress {
        self.build(self.loads.iter().map(|(l, _, _)| l.clone()).collect())
    }

    /// The run's progress with only the loads changed since the last call
    /// (every load on the first call after [`ProgressState::mark_all_changed`]).
    pub fn take_changes(&mut self) -> RunProgress {
        let loads = self
            .loads
            .iter()
            .zip(self.changed.iter_mut())
            .filter_map(|((l, _, _), c)| std::mem::take(c).then(|| l.clone()))
            .collect();
        self.build(loads)
    }

    pub fn mark_all_changed(&mut self) {
        self.changed.iter_mut().for_each(|c| *c = true);
    }

    fn build(&self, mut loads: Vec<LoadProgress>) -> RunProgress {
        let total_iterations = self.total_iterations;
        let finished: u64 = self
            .loads
            .iter()
            .map(|(l, _, _)| {
                let total = l.total_iterations.or(total_iterations);
                match (l.complete, l.reason, total) {
                    (true, Some(LoadEnd::Interrupted), _) => u64::from(l.iteration),
                    (true, _, Some(t)) => u64::from(t),
                    _ => u64::from(l.iteration),
                }
            })
            .sum();
        let interrupted = self
            .loads
            .iter()
            .filter(|(l, _, _)| l.reason == Some(LoadEnd::Interrupted))
            .count() as u32;
        let ended = self
            .loads
            .iter()
            .filter(|(l, _, _)| l.complete && l.reason != Some(LoadEnd::Interrupted))
            .count() as u32;
        // A clean end (no error, exit 0 or unknown, nothing interrupted) is
        // 100 % even when the totals were never announced.
        let clean_end = self.complete
            && self.error.is_none()
            && self.exit_code.is_none_or(|c| c == 0)
            && interrupted == 0;
        let percent = match (self.total_erlangs, total_iterations) {
            (Some(e), Some(i)) if e > 0 && i > 0 => {
                let p = (finished as f64 * 100.0 / (f64::from(e) * f64::from(i))).min(100.0);
                let all_ended = ended >= e;
                Some(if clean_end || all_ended {
                    100.0
                } else {
                    p.min(MAX_UNFINISHED_PERCENT)
                })
            }
            _ if clean_end => Some(100.0),
            _ => None,
        };
        let elapsed = match (self.first_ts, self.last_ts) {
            (Some(a), Some(b)) if b >= a => Some(b - a),
            _ => None,
        };
        let eta = match (percent, elapsed) {
            (Some(p), _) if p >= 100.0 => Some(0.0),
            (Some(p), Some(el)) if p > 0.0 && el > 0.0 => Some(el * (100.0 - p) / p),
            _ => None,
        };
        let current = self.current.map(|i| &self.loads[i].0);
        loads.sort_by(|a, b| {
            (a.index.unwrap_or(u32::MAX), a.erlang)
                .partial_cmp(&(b.index.unwrap_or(u32::MAX), b.erlang))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        RunProgress {
            source: self.source,
            percent,
            erlang: current.map(|l| l.erlang),
            erlang_index: current.and_then(|l| l.index),
            iteration: current.map(|l| l.iteration),
            total_erlangs: self.total_erlangs,
            total_iterations,
            finished_iterations: u32::try_from(finished).unwrap_or(u32::MAX),
            loads_complete: ended,
            loads_interrupted: interrupted,
            elapsed_seconds: elapsed,
            eta_seconds: eta,
            last_event_at: self.last_event_at.clone(),
            complete: self.complete,
            exit_code: self.exit_code,
            total_time_seconds: self.total_time_seconds,
            error: self.error.clone(),
            loads,
        }
    }
}

//! Checking an INI text before a run starts: every problem at once, each
//! tied to its `section.key` and line, plus what the run will cost.
//!
//! The rules are FUSION's (its loader, its request generator's quota rule,
//! its supported guard bands); with the embedded engine as the simulator,
//! features that engine does not model are errors too, since it would refuse
//! them at start.

use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use fusion_sim::ini::Ini;
use fusion_sim::modulation::{ModTable, DEFAULT_MOD_FORMATS_JSON};
use fusion_sim::schema as engine;

use super::schema::{self, ConfigKey, KeyUse, ValueType};
use crate::ini::LineIndex;

/// One problem in a config text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Diagnostic {
    /// `section.key`, or the section name, or empty for the whole text.
    pub path: String,
    /// 1-based line in the text, for inline editor marks.
    pub line: Option<u32>,
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.path.is_empty(), self.line) {
            (true, Some(l)) => write!(f, "line {l}: {}", self.message),
            (true, None) => f.write_str(&self.message),
            (false, _) => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

/// Which simulator the config is checked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SimulatorKind {
    /// FUSION Desk's bundled `fusion-sim` engine.
    Embedded,
    /// Any other command, usually FUSION's Python `fusion-sim`.
    External,
}

/// The size of a run and how long it should take.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RunSummary {
    pub network: Option<String>,
    /// The Erlang values, built as FUSION does (inclusive stop); at most
    /// [`MAX_LISTED_LOADS`] are listed.
    pub loads: Vec<f64>,
    pub load_count: u32,
    pub iterations: u32,
    pub requests_per_iteration: u32,
    /// loads × iterations × requests (an upper bound: the confidence rule may stop earlier).
    pub total_requests: f64,
    /// "3 loads × 3 iterations × 1000 requests".
    pub text: String,
    /// Expected wall time on the embedded engine (loads in parallel, one per core).
    pub embedded_seconds: f64,
    /// Expected wall time on FUSION's Python simulator (loads one after the other).
    pub fusion_seconds: f64,
    /// The estimate for the simulator the config was checked for.
    pub estimate_seconds: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ValidationReport {
    /// No errors: a run may start from this text.
    pub valid: bool,
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
    /// Present when the load sweep and sizes could be read.
    pub summary: Option<RunSummary>,
    pub simulator: SimulatorKind,
}

impl ValidationReport {
    /// The errors, one `section.key: message` per line.
    pub fn error_lines(&self) -> String {
        lines(&self.errors)
    }
    pub fn warning_lines(&self) -> String {
        lines(&self.warnings)
    }
}

fn lines(d: &[Diagnostic]) -> String {
    d.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n")
}

pub const MAX_LISTED_LOADS: usize = 1000;
/// More load points than this is almost surely a typo in erlang_step.
pub const MAX_LOADS: usize = 10_000;
/// Requests per second and thread of the embedded engine, on the safe side
/// (about 2 million measured on NSFNet; bigger networks and k are slower).
pub const EMBEDDED_REQUESTS_PER_SECOND: f64 = 500_000.0;
pub const EMBEDDED_START_SECONDS: f64 = 0.1;
/// FUSION's Python simulator: ~700 requests/s, a fixed 0.2 s sleep after
/// each iteration and ~2 s to start.
pub const FUSION_REQUESTS_PER_SECOND: f64 = 700.0;
pub const FUSION_SECONDS_PER_ITERATION: f64 = 0.2;
pub const FUSION_START_SECONDS: f64 = 2.0;

const G: &str = "general_settings";

/// Keys FUSION reads from general_settings first and from another section otherwise.
const FALLBACKS: &[(&str, &str)] = &[
    ("guard_slots", "spectrum_settings"),
    ("route_method", "routing_settings"),
    ("allocation_method", "spectrum_settings"),
];

struct Check<'a> {
    sim: SimulatorKind,
    lines: LineIndex,
    ini: Option<Ini>,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    text: &'a str,
}

impl Check<'_> {
    fn diag(&self, section: &str, key: Option<&str>, message: String) -> Diagnostic {
        let (path, line) = match key {
            Some(k) => (format!("{section}.{k}"), self.lines.key_or_section(section, k)),
            None => (section.to_owned(), self.lines.section(section)),
        };
        Diagnostic { path, line, message }
    }
    fn error(&mut self, section: &str, key: Option<&str>, message: String) {
        let d = self.diag(section, key, message);
        self.errors.push(d);
    }
    fn warn(&mut self, section: &str, key: Option<&str>, message: String) {
        let d = self.diag(section, key, message);
        self.warnings.push(d);
    }
    fn ini(&self) -> &Ini {
        self.ini.as_ref().expect("parsed")
    }
    /// The interpolated value, `None` when absent or unreadable (reported).
    fn value(&self, section: &str, key: &str) -> Option<String> {
        self.ini().get(section, key).and_then(Result::ok)
    }
}

/// Checks a config text for the given simulator.
pub fn validate(text: &str, sim: SimulatorKind) -> ValidationReport {
    let mut c = Check {
        sim,
        lines: LineIndex::new(text),
        ini: None,
        errors: Vec::new(),
        warnings: Vec::new(),
        text,
    };
    match Ini::parse(text) {
        Ok(ini) => c.ini = Some(ini),
        Err(e) => {
            c.errors.push(Diagnostic {
                path: String::new(),
                line: Some(e.line as u32),
                message: e.message,
            });
            return c.finish(None);
        }
    }
    check_sections(&mut c);
    let keys = schema::keys();
    check_presence(&mut c, &keys);
    check_values(&mut c, &keys);
    check_network(&mut c);
    let summary = check_sweep(&mut c);
    check_distribution(&mut c);
    if c.errors.is_empty() {
        check_engine(&mut c);
    }
    c.finish(summary)
}

impl Check<'_> {
    fn finish(self, summary: Option<RunSummary>) -> ValidationReport {
        ValidationReport {
            valid: self.errors.is_empty(),
            errors: self.errors,
            warnings: self.warnings,
            summary,
            simulator: self.sim,
        }
    }
}

fn check_sections(c: &mut Check) {
    let sections: Vec<(String, Vec<String>)> = c
        .ini()
        .sections
        .iter()
        .map(|s| (s.name.clone(), s.entries.iter().map(|(k, _)| k.clone()).collect()))
        .collect();
    if !c.ini().defaults.is_empty() {
        c.warn(
            "DEFAULT",
            None,
            "[DEFAULT] values apply to every section; FUSION's templates do not use it".into(),
        );
    }
    for (name, keys) in sections {
        if engine::is_process_section(&name) {
            if name != "s1" {
                c.warn(
                    &name,
                    None,
                    format!("section [{name}] is ignored: FUSION only simulates the s1 settings"),
                );
            }
            continue;
        }
        if !schema::is_known_section(&name) {
            let hint = schema::suggest_section(&name)
                .map(|s| format!(" (did you mean [{s}]?)"))
                .unwrap_or_default();
            c.warn(
                &name,
                None,
                format!("unknown section [{name}]; the simulator ignores it{hint}"),
            );
            continue;
        }
        for k in keys {
            if schema::key(&name, &k).is_none() {
                let message = match schema::suggest(&name, &k) {
                    Some(s) => format!("not a key of [{name}]: the simulator ignores it (did you mean {s}?)"),
                    None => "not a key FUSION knows: the simulator ignores it".to_owned(),
                };
                c.warn(&name, Some(&k), message);
            }
        }
    }
}

fn check_presence(c: &mut Check, keys: &[ConfigKey]) {
    let mut missing_sections: Vec<(String, Vec<String>)> = Vec::new();
    for k in keys.iter().filter(|k| k.required) {
        if c.ini().raw(&k.section, &k.key).is_some() {
            continue;
        }
        if k.section == G {
            if let Some((_, other)) = FALLBACKS.iter().find(|(key, _)| *key == k.key) {
                if c.ini().raw(other, &k.key).is_some() {
                    continue;
                }
            }
        }
        let fatal = k.engine_required
            || (k.section == G && k.key == "guard_slots")
            || c.sim == SimulatorKind::External;
        if !c.ini().has_section(&k.section) {
            match missing_sections.iter_mut().find(|(s, _)| *s == k.section) {
                Some((_, list)) => list.push(k.key.clone()),
                None => missing_sections.push((k.section.clone(), vec![k.key.clone()])),
            }
            if fatal {
                // Marked so the section is reported as an error below.
                missing_sections
                    .iter_mut()
                    .find(|(s, _)| *s == k.section)
                    .expect("just added")
                    .1
                    .push(String::new());
            }
            continue;
        }
        if fatal {
            c.error(&k.section, Some(&k.key), "required key is missing".into());
        } else {
            let default = k.default.as_deref().unwrap_or("its default");
            c.warn(
                &k.section,
                Some(&k.key),
                format!("missing: FUSION requires this key; the embedded engine uses {default}"),
            );
        }
    }
    for (section, list) in missing_sections {
        let fatal = list.iter().any(String::is_empty);
        let names: Vec<&str> = list
            .iter()
            .filter(|s| !s.is_empty())
            .map(String::as_str)
            .collect();
        let message = format!(
            "section [{section}] is missing (required keys: {})",
            names.join(", ")
        );
        if fatal {
            c.error(&section, None, message);
        } else {
            c.warn(&section, None, message);
        }
    }
}

fn check_values(c: &mut Check, keys: &[ConfigKey]) {
    for k in keys {
        let Some(raw) = c.ini().get(&k.section, &k.key) else {
            continue;
        };
        let fatal = k.usage == KeyUse::Model || (k.required && c.sim == SimulatorKind::External);
        let value = match raw {
            Ok(v) => v,
            Err(e) => {
                c.error(&k.section, Some(&k.key), e);
                continue;
            }
        };
        if let Err(message) = check_value(k, &value) {
            if fatal {
                c.error(&k.section, Some(&k.key), message);
            } else {
                c.warn(&k.section, Some(&k.key), message);
            }
        }
    }
}

/// Checks one value against its type, range and allowed values.
pub fn check_value(k: &ConfigKey, value: &str) -> Result<(), String> {
    let v = value.trim();
    let number = match k.value_type {
        ValueType::Int => Some(engine::to_int(v).map_err(|e| format!("expected an integer: {e}"))? as f64),
        ValueType::Float => {
            let x = engine::to_float(v).map_err(|e| format!("expected a number: {e}"))?;
            if !x.is_finite() {
                return Err(format!("expected a finite number, got {v:?}"));
            }
            Some(x)
        }
        ValueType::Bool => {
            if !matches!(
                v.to_ascii_lowercase().as_str(),
                "true" | "false" | "yes" | "no" | "1" | "0"
            ) {
                return Err(format!(
                    "expected True or False, got {v:?} (FUSION would read it as False)"
                ));
            }
            None
        }
        ValueType::Dict => {
            engine::to_number_dict(v)?;
            None
        }
        ValueType::List => {
            if !(v.starts_with('[') && v.ends_with(']')) {
                return Err(format!("expected a list like [1, 2], got {v:?}"));
            }
            None
        }
        ValueType::Str => None,
    };
    if let Some(x) = number {
        let below = match (k.min, k.min_exclusive) {
            (Some(lo), true) => x <= lo,
            (Some(lo), false) => x < lo,
            (None, _) => false,
        };
        let above = k.max.is_some_and(|hi| x > hi);
        if below || above {
            let range = k.range.as_deref().unwrap_or("in range");
            let mut message = format!("must be {range}, got {v}");
            if k.key == "guard_slots" && above {
                message.push_str(" (2 or more guard slots are not supported)");
            }
            return Err(message);
        }
    }
    if k.closed && !k.allowed.iter().any(|a| a == v) {
        return Err(format!("must be one of {}, got {v:?}", k.allowed.join(", ")));
    }
    Ok(())
}

fn check_network(c: &mut Check) {
    let t = "topology_settings";
    let Some(name) = c.value(t, "network") else {
        return;
    };
    if fusion_sim::topology::find_network(&name).is_some() {
        if c.value(t, "is_only_core_node")
            .is_some_and(|v| !engine::to_bool(&v))
            && fusion_sim::topology::find_network(&name).is_some_and(|n| n.core_nodes_text().is_none())
        {
            c.error(
                t,
                Some("is_only_core_node"),
                format!("False restricts traffic to the core nodes, and {name} has no core-node list (only USbackbone60 and Spainbackbone30 do)"),
            );
        }
        return;
    }
    // The embedded engine also reads a topology file given by its path.
    if c.sim == SimulatorKind::Embedded && Path::new(&name).is_absolute() && Path::new(&name).is_file() {
        return;
    }
    let known = schema::network_names();
    let hint = known
        .iter()
        .find(|n| n.eq_ignore_ascii_case(&name))
        .map(|n| format!(" (did you mean {n}?)"))
        .unwrap_or_default();
    c.error(
        t,
        Some("network"),
        format!(
            "unknown network {name:?}{hint}; known networks: {}",
            known.join(", ")
        ),
    );
}

fn number(c: &Check, section: &str, key: &str) -> Option<f64> {
    c.value(section, key)
        .and_then(|v| engine::to_float(&v).ok())
        .filter(|x| x.is_finite())
}

fn integer(c: &Check, section: &str, key: &str) -> Option<i64> {
    c.value(section, key).and_then(|v| engine::to_int(&v).ok())
}

/// The Erlang values as FUSION builds them, or `None` past `cap` values.
pub fn erlang_values(start: f64, stop: f64, step: f64, cap: usize) -> Option<Vec<f64>> {
    let mut out = Vec::new();
    let mut e = start;
    while e <= stop {
        if out.len() >= cap {
            return None;
        }
        out.push(e);
        e += step;
    }
    Some(out)
}

fn check_sweep(c: &mut Check) -> Option<RunSummary> {
    let start = number(c, G, "erlang_start");
    let stop = number(c, G, "erlang_stop");
    let step = number(c, G, "erlang_step");
    if let (Some(start), Some(stop)) = (start, stop) {
        if stop < start {
            c.error(
                G,
                Some("erlang_stop"),
                format!("erlang_stop ({stop}) is below erlang_start ({start}): no load would run"),
            );
        }
    }
    let (start, stop, step) = (start?, stop?, step?);
    if step <= 0.0 || stop < start || start < 0.0 {
        return None;
    }
    let Some(loads) = erlang_values(start, stop, step, MAX_LOADS) else {
        // Blame the key that is out of line: a step below one Erlang is the
        // odd one (FUSION's templates step by tens or hundreds); otherwise the
        // stop is (an extra zero typed in erlang_stop).
        if step < 1.0 {
            c.error(
                G,
                Some("erlang_step"),
                format!("more than {MAX_LOADS} loads from {start} to {stop} in steps of {step}; use a larger erlang_step"),
            );
        } else {
            c.error(
                G,
                Some("erlang_stop"),
                format!("erlang_stop ({stop}) gives more than {MAX_LOADS} loads in steps of {step} from {start}; is it a typo?"),
            );
        }
        return None;
    };
    let iterations = integer(c, G, "max_iters").filter(|n| *n >= 1)?;
    let requests = integer(c, G, "num_requests").filter(|n| *n >= 1)?;
    let (n_loads, iters, reqs) = (loads.len() as f64, iterations as f64, requests as f64);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
    let rounds = (n_loads / threads).ceil().max(1.0);
    let embedded_seconds = EMBEDDED_START_SECONDS + rounds * iters * reqs / EMBEDDED_REQUESTS_PER_SECOND;
    let fusion_seconds = FUSION_START_SECONDS
        + n_loads * iters * (reqs / FUSION_REQUESTS_PER_SECOND + FUSION_SECONDS_PER_ITERATION);
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("{n} {one}")
        } else {
            format!("{n} {many}")
        }
    };
    Some(RunSummary {
        network: c.value("topology_settings", "network"),
        load_count: loads.len() as u32,
        loads: loads.iter().copied().take(MAX_LISTED_LOADS).collect(),
        iterations: iterations.min(u32::MAX as i64) as u32,
        requests_per_iteration: requests.min(u32::MAX as i64) as u32,
        total_requests: n_loads * iters * reqs,
        text: format!(
            "{} × {} × {}",
            plural(loads.len(), "load", "loads"),
            plural(iterations as usize, "iteration", "iterations"),
            plural(requests as usize, "request", "requests")
        ),
        embedded_seconds,
        fusion_seconds,
        estimate_seconds: match c.sim {
            SimulatorKind::Embedded => embedded_seconds,
            SimulatorKind::External => fusion_seconds,
        },
    })
}

/// The largest modulation table or topology file a config may name.
const NAMED_FILE_CAP: u64 = 4 * 1024 * 1024;

/// The modulation table the run will use: the configured file when it is an
/// existing absolute path, else FUSION's default table (which FUSION's
/// templates name by a path relative to its own source tree).
fn mod_table(c: &Check) -> Result<ModTable, String> {
    let assumption = c.value(G, "mod_assumption").unwrap_or_else(|| "DEFAULT".into());
    let path = c.value(G, "mod_assumption_path").unwrap_or_default();
    let p = Path::new(&path);
    if p.is_absolute() && p.is_file() {
        let text = crate::runfs::read_named_file(p, NAMED_FILE_CAP).map_err(|e| e.message)?;
        return ModTable::from_json(&text, &assumption)
            .map_err(|_| format!("{path} is not a modulation table for {assumption:?}"));
    }
    ModTable::from_json(DEFAULT_MOD_FORMATS_JSON, &assumption)
}

fn check_distribution(c: &mut Check) {
    let key = "request_distribution";
    let Some(raw) = c.value(G, key) else {
        return;
    };
    let Ok(dist) = engine::to_number_dict(&raw) else {
        return; // reported as a type error
    };
    let mut ok = true;
    for (bw, p) in &dist {
        if !(0.0..=1.0).contains(p) {
            c.error(
                G,
                Some(key),
                format!("the share of {bw} Gbps must be within 0 to 1, got {p}"),
            );
            ok = false;
        }
    }
    match mod_table(c) {
        Ok(table) => {
            let table_keys: Vec<&str> = table.classes.iter().map(|cl| cl.key.as_str()).collect();
            let missing: Vec<&str> = table_keys
                .iter()
                .copied()
                .filter(|k| !dist.iter().any(|(d, _)| d == k))
                .collect();
            let extra: Vec<&str> = dist
                .iter()
                .map(|(d, _)| d.as_str())
                .filter(|d| !table_keys.contains(d))
                .collect();
            if !missing.is_empty() || !extra.is_empty() {
                let mut parts = Vec::new();
                if !missing.is_empty() {
                    parts.push(format!("missing {}", missing.join(", ")));
                }
                if !extra.is_empty() {
                    parts.push(format!("not in the table: {}", extra.join(", ")));
                }
                c.error(
                    G,
                    Some(key),
                    format!(
                        "the bandwidths must be the modulation table's ({}): {}",
                        table_keys.join(", "),
                        parts.join("; ")
                    ),
                );
            }
        }
        Err(e) => c.warn(
            G,
            Some("mod_assumption"),
            format!("cannot check the bandwidths against the modulation table: {e}"),
        ),
    }
    let Some(n) = integer(c, G, "num_requests").filter(|n| *n >= 1) else {
        return;
    };
    if !ok {
        return;
    }
    // FUSION's rule: each class gets exactly int(p * N) requests, and the
    // quotas must add up to N.
    let quotas: Vec<(String, i64)> = dist
        .iter()
        .map(|(bw, p)| (bw.clone(), (p * n as f64) as i64))
        .collect();
    let total: i64 = quotas.iter().map(|(_, q)| q).sum();
    if total != n {
        let shown: Vec<String> = quotas.iter().map(|(bw, q)| format!("{bw}: {q}")).collect();
        c.error(
            G,
            Some(key),
            format!(
                "does not split num_requests = {n} exactly: the quotas int(share × {n}) are {} and add up to {total}",
                shown.join(", ")
            ),
        );
    }
}

/// What the embedded engine itself says: anything it would refuse at start
/// (an unsupported routing method, SNR, grooming...). An error for the
/// embedded engine, a warning when another simulator runs the config.
fn check_engine(c: &mut Check) {
    // The engine reads the files a config names whole; a config from
    // elsewhere may name a FIFO, a device or a private file. Those are
    // checked here first, and what the engine says about them is not echoed
    // (it could quote the file's lines).
    let mut named = Vec::new();
    for (section, key) in [("topology_settings", "network"), (G, "mod_assumption_path")] {
        let Some(value) = c.value(section, key) else {
            continue;
        };
        let path = Path::new(&value);
        if fusion_sim::topology::find_network(&value).is_some() || !(path.is_absolute() || path.exists()) {
            continue;
        }
        if let Err(e) = crate::runfs::read_named_file(path, NAMED_FILE_CAP) {
            c.error(section, Some(key), e.message);
            return;
        }
        named.push(format!("{section}.{key}"));
    }
    let result = fusion_sim::config::from_str(c.text, Path::new("."), &[]).and_then(|cfg| {
        cfg.check_supported()?;
        Ok(cfg)
    });
    let mut e = match result {
        Ok(cfg) => {
            // Policies FUSION 6.1 itself cannot run: the embedded engine runs
            // what FUSION's code intends, and FUSION would crash or block
            // everything, so no FUSION result exists to compare with.
            for (at, sentence) in cfg.fusion_caveats() {
                let (section, key) = at.split_once('.').unwrap_or((at, ""));
                c.warn(section, Some(key).filter(|k| !k.is_empty()), sentence);
            }
            return;
        }
        Err(e) => e,
    };
    if e.key.as_deref().is_some_and(|k| named.iter().any(|n| n == k)) {
        e.message = "the file it names is not one the embedded engine can read".to_owned();
    }
    let (section, key) = match e.key.as_deref().and_then(|k| k.split_once('.')) {
        Some((s, k)) => (s.to_owned(), Some(k.to_owned())),
        None => (String::new(), None),
    };
    match c.sim {
        SimulatorKind::Embedded => c.error(
            &section,
            key.as_deref(),
            e.message.replace("by this engine", "by the embedded engine"),
        ),
        SimulatorKind::External => c.warn(
            &section,
            key.as_deref(),
            format!("the embedded engine cannot run this config: {}", e.message),
        ),
    }
}

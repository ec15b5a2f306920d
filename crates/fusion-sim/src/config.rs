//! Loading a FUSION INI file into a validated simulation configuration.
//!
//! Resolution rules follow FUSION's `config_setup.py`: `general_settings`
//! values win over the same key in another section (`guard_slots`,
//! `route_method`, `allocation_method`), only section `s1` semantics apply
//! (`s2`... sections are ignored), and keys outside the schema are ignored —
//! here they are also reported once as warnings.

use crate::ini::Ini;
use crate::modulation::{ModTable, DEFAULT_MOD_FORMATS_JSON};
use crate::policy::{self, Policies, Routing, XtWeight};
use crate::schema::{self, Kind, Role};
use crate::topology::{find_network, Topology};
use std::fmt;
use std::path::{Path, PathBuf};

/// A configuration problem, naming the offending `section.key` when there is one.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigError {
    /// `section.key`, when the problem is tied to one key.
    pub key: Option<String>,
    pub message: String,
}

impl ConfigError {
    pub fn at(section: &str, key: &str, message: impl Into<String>) -> Self {
        ConfigError {
            key: Some(format!("{section}.{key}")),
            message: message.into(),
        }
    }
    pub fn general(message: impl Into<String>) -> Self {
        ConfigError {
            key: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.key {
            Some(k) => write!(f, "{k}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// A spectrum band with its number of slots per core.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub name: String,
    pub slots: usize,
}

/// Where the modulation table came from.
#[derive(Debug, Clone, PartialEq)]
pub enum ModSource {
    File(PathBuf),
    /// The configured path did not resolve; the bundled table was used.
    BundledFallback(String),
}

/// Where the topology came from.
#[derive(Debug, Clone, PartialEq)]
pub enum TopologySource {
    Bundled(&'static str),
    File(PathBuf),
}

/// A validated configuration, ready to run.
#[derive(Debug, Clone)]
pub struct SimConfig {
    pub erlang_start: f64,
    pub erlang_stop: f64,
    pub erlang_step: f64,
    pub holding_time: f64,
    pub num_requests: usize,
    pub max_iters: usize,
    pub guard_slots: usize,
    pub max_segments: usize,
    pub mod_assumption: String,
    pub mod_assumption_path: String,
    /// Bandwidth key → probability, in the order written.
    pub request_distribution: Vec<(String, f64)>,
    pub route_method: String,
    pub allocation_method: String,
    /// The two policies, or why they cannot run (see [`SimConfig::check_supported`]).
    pub policies: Result<Policies, ConfigError>,
    /// `general_settings.pre_calc_mod_selection` (changes `cong_aware`).
    pub pre_calc_mod_selection: bool,
    /// `routing_settings.k_paths` if present (FUSION routes with 3 otherwise).
    pub k_paths: Option<usize>,
    pub network: String,
    pub cores_per_link: usize,
    pub const_link_weight: bool,
    pub is_only_core_node: bool,
    /// Enabled bands in FUSION's order (c, l, s, o, e), non-zero only.
    pub bands: Vec<Band>,
    pub spectrum_priority: String,
    pub is_training: bool,
    pub save_step: usize,
    pub print_step: usize,
    pub snr_type: String,
    pub file_type: String,
    pub fixed_grid: bool,
    pub dynamic_lps: bool,
    pub is_grooming_enabled: bool,
    pub can_partially_serve: bool,
    pub deploy_model: bool,
    pub output_train_data: bool,
    pub failure_type: String,
    pub mod_table: ModTable,
    pub mod_source: ModSource,
    pub topology: Topology,
    pub topology_source: TopologySource,
    /// Keys and sections that were ignored, one line each.
    pub warnings: Vec<String>,
}

/// Loads a configuration file; relative paths inside it resolve against the
/// file's directory first, then the working directory.
pub fn load(path: impl AsRef<Path>) -> Result<SimConfig, ConfigError> {
    load_with_overrides(path, &[])
}

/// Loads a configuration file and applies `(key, value)` overrides (command
/// line flags) before validation, so a bad override is reported like a bad
/// INI value.
pub fn load_with_overrides(
    path: impl AsRef<Path>,
    overrides: &[(String, String)],
) -> Result<SimConfig, ConfigError> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError::general(format!("cannot read config file {}: {e}", path.display())))?;
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    from_str(&text, &base, overrides)
}

/// The INI section a command-line override flag writes to.
pub fn override_section(key: &str) -> Option<&'static str> {
    // Flags map to the section where FUSION's templates keep the key;
    // general_settings wins anyway for keys that exist in several sections.
    [
        "general_settings",
        "topology_settings",
        "spectrum_settings",
        "routing_settings",
        "snr_settings",
        "file_settings",
        "rl_settings",
        "ml_settings",
        "failure_settings",
    ]
    .into_iter()
    .find(|section| schema::spec(section, key).is_some())
}

struct Reader<'a> {
    ini: &'a Ini,
}

impl Reader<'_> {
    fn raw(&self, section: &str, key: &str) -> Result<Option<String>, ConfigError> {
        match self.ini.get(section, key) {
            None => Ok(None),
            Some(Ok(v)) => Ok(Some(v)),
            Some(Err(e)) => Err(ConfigError::at(section, key, e)),
        }
    }

    /// FUSION's precedence: the `general_settings` value wins.
    fn raw_pref(&self, section: &str, key: &str) -> Result<Option<(String, &'static str)>, ConfigError> {
        if let Some(v) = self.raw("general_settings", key)? {
            return Ok(Some((v, "general_settings")));
        }
        let sec: &'static str = schema::spec(section, key)
            .map(|s| s.section)
            .unwrap_or("general_settings");
        Ok(self.raw(section, key)?.map(|v| (v, sec)))
    }

    fn required(&self, section: &str, key: &str) -> Result<String, ConfigError> {
        if !self.ini.has_section(section) {
            return Err(ConfigError::at(
                section,
                key,
                format!("required key is missing (no [{section}] section)"),
            ));
        }
        self.raw(section, key)?
            .ok_or_else(|| ConfigError::at(section, key, "required key is missing"))
    }

    fn float(&self, section: &str, key: &str) -> Result<f64, ConfigError> {
        let v = self.required(section, key)?;
        let x = schema::to_float(&v).map_err(|e| ConfigError::at(section, key, e))?;
        if !x.is_finite() {
            return Err(ConfigError::at(
                section,
                key,
                format!("{v:?} is not a finite number"),
            ));
        }
        Ok(x)
    }

    fn int_at(section: &str, key: &str, v: &str, min: i64) -> Result<usize, ConfigError> {
        let x = schema::to_int(v).map_err(|e| ConfigError::at(section, key, e))?;
        if x < min {
            return Err(ConfigError::at(
                section,
                key,
                format!("must be at least {min}, got {x}"),
            ));
        }
        Ok(x as usize)
    }

    fn int(&self, section: &str, key: &str, min: i64) -> Result<usize, ConfigError> {
        let v = self.required(section, key)?;
        Self::int_at(section, key, &v, min)
    }

    fn opt_int(&self, section: &str, key: &str, min: i64, default: usize) -> Result<usize, ConfigError> {
        match self.raw(section, key)? {
            Some(v) => Self::int_at(section, key, &v, min),
            None => Ok(default),
        }
    }

    fn opt_bool(&self, section: &str, key: &str, default: bool) -> Result<bool, ConfigError> {
        Ok(self.raw(section, key)?.map_or(default, |v| schema::to_bool(&v)))
    }

    fn opt_str(&self, section: &str, key: &str, default: &str) -> Result<String, ConfigError> {
        Ok(self.raw(section, key)?.unwrap_or_else(|| default.to_owned()))
    }
}

/// The largest topology or modulation file read (FUSION's largest bundled
/// topology is a few kilobytes).
pub const NAMED_FILE_CAP: u64 = 16 << 20;

/// Reads a file a configuration names (a topology, a core-node list, a
/// modulation table). The configuration may come from elsewhere and name a
/// FIFO, a device or a huge file: only a regular file of at most
/// [`NAMED_FILE_CAP`] bytes is read, opened non-blocking so a FIFO cannot
/// hang the open, and checked on the open descriptor (no race with a swap).
/// Errors name the path and the reason, never the file's content.
fn read_named(path: &Path, section: &str, key: &str) -> Result<String, ConfigError> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let err = |why: String| ConfigError::at(section, key, format!("cannot read {}: {why}", path.display()));
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(|e| err(e.kind().to_string()))?;
    let meta = file.metadata().map_err(|e| err(e.kind().to_string()))?;
    if !meta.is_file() {
        return Err(err("not a regular file".into()));
    }
    if meta.len() > NAMED_FILE_CAP {
        return Err(err(format!("larger than {} MiB", NAMED_FILE_CAP >> 20)));
    }
    // The file may grow after the check: read one byte past the cap at most.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(NAMED_FILE_CAP + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| err(e.kind().to_string()))?;
    if bytes.len() as u64 > NAMED_FILE_CAP {
        return Err(err(format!("larger than {} MiB", NAMED_FILE_CAP >> 20)));
    }
    String::from_utf8(bytes).map_err(|_| err("not UTF-8 text".into()))
}

fn resolve_existing(base: &Path, p: &str) -> Option<PathBuf> {
    let path = Path::new(p);
    if path.is_absolute() {
        return path.exists().then(|| path.to_path_buf());
    }
    let in_base = base.join(path);
    if in_base.exists() {
        return Some(in_base);
    }
    path.exists().then(|| path.to_path_buf())
}

/// Parses and validates INI text. `base` is the directory relative paths
/// inside the file are resolved against (before the working directory).
pub fn from_str(text: &str, base: &Path, overrides: &[(String, String)]) -> Result<SimConfig, ConfigError> {
    let mut ini =
        Ini::parse(text).map_err(|e| ConfigError::general(format!("config file is not valid INI: {e}")))?;
    for (key, value) in overrides {
        let key = key.to_lowercase();
        let section = override_section(&key)
            .ok_or_else(|| ConfigError::general(format!("--{key} is not a configuration key")))?;
        ini.set(section, &key, value);
    }
    if !ini.has_section("general_settings") {
        return Err(ConfigError::general(
            "the config file has no [general_settings] section",
        ));
    }

    let mut warnings = Vec::new();
    for s in &ini.sections {
        if schema::is_process_section(&s.name) {
            if s.name != "s1" {
                warnings.push(format!(
                    "section [{}] ignored: only the s1 settings are simulated",
                    s.name
                ));
            }
            continue;
        }
        for (k, _) in &s.entries {
            if k == CA_ALPHA && matches!(s.name.as_str(), "general_settings" | "routing_settings") {
                continue;
            }
            if schema::spec(&s.name, k).is_none() {
                warnings.push(format!(
                    "{}.{} is not part of the simulation model; ignored",
                    s.name, k
                ));
            }
        }
    }

    let r = Reader { ini: &ini };
    let g = "general_settings";
    for spec in schema::KEYS.iter().filter(|k| k.role == Role::Required) {
        if spec.kind != Kind::Dict {
            r.required(spec.section, spec.key)?;
        }
    }

    let erlang_start = r.float(g, "erlang_start")?;
    let erlang_stop = r.float(g, "erlang_stop")?;
    let erlang_step = r.float(g, "erlang_step")?;
    if erlang_start < 0.0 {
        return Err(ConfigError::at(g, "erlang_start", "must be >= 0"));
    }
    if erlang_step <= 0.0 {
        return Err(ConfigError::at(g, "erlang_step", "must be > 0"));
    }
    if erlang_stop < erlang_start {
        return Err(ConfigError::at(
            g,
            "erlang_stop",
            format!("must be >= erlang_start ({erlang_start})"),
        ));
    }
    let holding_time = r.float(g, "holding_time")?;
    if holding_time <= 0.0 {
        return Err(ConfigError::at(g, "holding_time", "must be > 0"));
    }
    let num_requests = r.int(g, "num_requests", 1)?;
    let max_iters = r.int(g, "max_iters", 1)?;
    let max_segments = r.int(g, "max_segments", 1)?;
    let (guard_raw, guard_sec) = r
        .raw_pref("spectrum_settings", "guard_slots")?
        .ok_or_else(|| ConfigError::at(g, "guard_slots", "required key is missing"))?;
    let guard_slots = Reader::int_at(guard_sec, "guard_slots", &guard_raw, 0)?;
    let mod_assumption = r.required(g, "mod_assumption")?;
    let mod_assumption_path = r.required(g, "mod_assumption_path")?;
    let dist_raw = r.required(g, "request_distribution")?;
    let request_distribution =
        schema::to_number_dict(&dist_raw).map_err(|e| ConfigError::at(g, "request_distribution", e))?;
    let route_method = r
        .raw_pref("routing_settings", "route_method")?
        .map_or_else(|| "k_shortest_path".to_owned(), |(v, _)| v);
    let allocation_method = r
        .raw_pref("spectrum_settings", "allocation_method")?
        .map_or_else(|| "first_fit".to_owned(), |(v, _)| v);
    let policies = read_policies(&r, &route_method, &allocation_method, &mut warnings)?;
    let k_paths = match r.raw("routing_settings", "k_paths")? {
        Some(v) => Some(Reader::int_at("routing_settings", "k_paths", &v, 1)?),
        None => None,
    };
    let t = "topology_settings";
    let network = r.required(t, "network")?;
    let cores_per_link = r.int(t, "cores_per_link", 1)?;
    let const_link_weight = r.opt_bool(t, "const_link_weight", false)?;
    let is_only_core_node = r.opt_bool(t, "is_only_core_node", true)?;
    let sp = "spectrum_settings";
    let mut bands = vec![Band {
        name: "c".into(),
        slots: r.int(sp, "c_band", 1)?,
    }];
    for name in ["l", "s", "o", "e"] {
        let slots = r.opt_int(sp, &format!("{name}_band"), 0, 0)?;
        if slots > 0 {
            bands.push(Band {
                name: name.into(),
                slots,
            });
        }
    }
    let spectrum_priority = r.opt_str(g, "spectrum_priority", "None")?;
    let is_training = schema::to_bool(&r.required("rl_settings", "is_training")?);
    let save_step = r.opt_int(g, "save_step", 1, 10)?;
    let print_step = r.opt_int(g, "print_step", 1, 15)?;

    let cfg_topology = load_topology(&network, base, const_link_weight, is_only_core_node)?;
    let (mod_table, mod_source) = load_mod_table(&mod_assumption, &mod_assumption_path, base)?;
    warnings.extend(check_distribution(
        &request_distribution,
        num_requests,
        &mod_table,
    )?);

    Ok(SimConfig {
        erlang_start,
        erlang_stop,
        erlang_step,
        holding_time,
        num_requests,
        max_iters,
        guard_slots,
        max_segments,
        mod_assumption,
        mod_assumption_path,
        request_distribution,
        route_method,
        allocation_method,
        policies,
        pre_calc_mod_selection: r.opt_bool(g, "pre_calc_mod_selection", false)?,
        k_paths,
        network,
        cores_per_link,
        const_link_weight,
        is_only_core_node,
        bands,
        spectrum_priority,
        is_training,
        save_step,
        print_step,
        snr_type: r.opt_str("snr_settings", "snr_type", "None")?,
        file_type: r.opt_str("file_settings", "file_type", "json")?,
        fixed_grid: r.opt_bool(g, "fixed_grid", false)?,
        dynamic_lps: r.opt_bool(g, "dynamic_lps", false)?,
        is_grooming_enabled: r.opt_bool(g, "is_grooming_enabled", false)?,
        can_partially_serve: r.opt_bool(g, "can_partially_serve", false)?,
        deploy_model: r.opt_bool("ml_settings", "deploy_model", false)?,
        output_train_data: r.opt_bool("ml_settings", "output_train_data", false)?,
        failure_type: r.opt_str("failure_settings", "failure_type", "none")?,
        mod_table,
        mod_source,
        topology: cfg_topology.0,
        topology_source: cfg_topology.1,
        warnings,
    })
}

/// `ca_alpha`: not in FUSION's schema (so FUSION always uses 0.3), read
/// here from `routing_settings` or `general_settings`.
const CA_ALPHA: &str = "ca_alpha";
/// FUSION's congestion weight.
pub const DEFAULT_CA_ALPHA: f64 = 0.3;

/// Turns the two method names into policies. A value that parses but cannot
/// run (an unknown method, a learned policy) is kept as the `Err` that
/// [`SimConfig::check_supported`] reports; a malformed policy parameter is an
/// error right away.
fn read_policies(
    r: &Reader,
    route_method: &str,
    allocation_method: &str,
    warnings: &mut Vec<String>,
) -> Result<Result<Policies, ConfigError>, ConfigError> {
    let g = "general_settings";
    let network = r.raw("topology_settings", "network")?.unwrap_or_default();
    let mut alpha = DEFAULT_CA_ALPHA;
    for sec in ["general_settings", "routing_settings"] {
        if let Some(v) = r.raw(sec, CA_ALPHA)? {
            let a = schema::to_float(&v).map_err(|e| ConfigError::at(sec, CA_ALPHA, e))?;
            if !(0.0..=1.0).contains(&a) {
                return Err(ConfigError::at(
                    sec,
                    CA_ALPHA,
                    format!("must be within [0, 1], got {a}"),
                ));
            }
            alpha = a;
            if matches!(route_method, "cong_aware" | "congestion_aware") {
                warnings.push(format!(
                    "{sec}.{CA_ALPHA} = {a} is used for cong_aware; FUSION 6.1 does not read this key \
                     (it is not in its schema) and always weighs congestion with 0.3"
                ));
            }
            break;
        }
    }
    let mut xt = None;
    if route_method == "xt_aware" {
        let s = "snr_settings";
        let Some(xt_type) = r.raw(s, "xt_type")? else {
            return Ok(Err(ConfigError::at(
                s,
                "xt_type",
                "required by route_method = xt_aware: with_length, without_length, or None for the crosstalk cost alone",
            )));
        };
        xt = Some(match xt_type.as_str() {
            "with_length" => {
                let beta = match r.raw(s, "beta")? {
                    Some(v) => {
                        let b = schema::to_float(&v).map_err(|e| ConfigError::at(s, "beta", e))?;
                        if !b.is_finite() {
                            return Err(ConfigError::at(
                                s,
                                "beta",
                                format!("{v:?} is not a finite number"),
                            ));
                        }
                        b
                    }
                    // FUSION's code default (its schema requires the key).
                    None => 0.5,
                };
                XtWeight::WithLength { beta }
            }
            "without_length" => XtWeight::WithoutLength,
            _ => XtWeight::CostOnly,
        });
    }
    let Some(routing) = policy::parse_routing(route_method, alpha, xt) else {
        let msg = policy::route_refusal(route_method, &network).unwrap_or_else(|| {
            format!(
                "{route_method:?} is not a routing method (supported: {})",
                policy::ROUTE_METHODS.join(", ")
            )
        });
        return Ok(Err(ConfigError::at(g, "route_method", msg)));
    };
    if let Some(msg) = policy::route_refusal(route_method, &network) {
        return Ok(Err(ConfigError::at(g, "route_method", msg)));
    }
    let Some(allocation) = policy::parse_allocation(allocation_method) else {
        return Ok(Err(ConfigError::at(
            g,
            "allocation_method",
            policy::allocation_refusal(allocation_method),
        )));
    };
    Ok(Ok(Policies { routing, allocation }))
}

fn load_topology(
    network: &str,
    base: &Path,
    const_link_weight: bool,
    is_only_core_node: bool,
) -> Result<(Topology, TopologySource), ConfigError> {
    let key = ("topology_settings", "network");
    let (mut topo, core_text, source) = if let Some(info) = find_network(network) {
        let topo = Topology::parse(info.text(), const_link_weight)
            .map_err(|e| ConfigError::at(key.0, key.1, e.0))?;
        (
            topo,
            info.core_nodes_text().map(str::to_owned),
            TopologySource::Bundled(info.name),
        )
    } else {
        let path = resolve_existing(base, network).ok_or_else(|| {
            let names: Vec<&str> = crate::topology::NETWORKS.iter().map(|n| n.name).collect();
            ConfigError::at(
                key.0,
                key.1,
                format!(
                    "{network:?} is neither a known network ({}) nor an existing topology file",
                    names.join(", ")
                ),
            )
        })?;
        let text = read_named(&path, key.0, key.1)?;
        let topo = Topology::parse(&text, const_link_weight)
            .map_err(|e| ConfigError::at(key.0, key.1, format!("{}: {e}", path.display())))?;
        // A user topology may bring its core-node list as <stem>_core_nodes.txt.
        let core_path = path.with_file_name(format!(
            "{}_core_nodes.txt",
            path.file_stem().and_then(|s| s.to_str()).unwrap_or("")
        ));
        let core = if core_path.exists() {
            Some(read_named(&core_path, "topology_settings", "is_only_core_node")?)
        } else {
            None
        };
        (topo, core, TopologySource::File(path))
    };
    if !is_only_core_node {
        // FUSION's inverted flag: False restricts traffic to the core nodes.
        let text = core_text.ok_or_else(|| {
            ConfigError::at(
                "topology_settings",
                "is_only_core_node",
                format!("False needs a core-node list, and {network} has none"),
            )
        })?;
        topo.set_core_nodes(&text)
            .map_err(|e| ConfigError::at("topology_settings", "is_only_core_node", e.0))?;
        if topo.core_nodes.as_ref().is_some_and(|c| c.len() < 2) {
            return Err(ConfigError::at(
                "topology_settings",
                "is_only_core_node",
                "fewer than two core nodes",
            ));
        }
    }
    Ok((topo, source))
}

fn load_mod_table(assumption: &str, path: &str, base: &Path) -> Result<(ModTable, ModSource), ConfigError> {
    let g = "general_settings";
    let p = Path::new(path);
    match resolve_existing(base, path) {
        Some(found) => {
            let text = read_named(&found, g, "mod_assumption_path")?;
            let table = ModTable::from_json(&text, assumption).map_err(|e| {
                let key = if e.starts_with("no assumption") {
                    "mod_assumption"
                } else {
                    "mod_assumption_path"
                };
                ConfigError::at(g, key, format!("{}: {e}", found.display()))
            })?;
            Ok((table, ModSource::File(found)))
        }
        None if p.is_absolute() => Err(ConfigError::at(
            g,
            "mod_assumption_path",
            format!("file {path} does not exist"),
        )),
        None => {
            // FUSION resolves this against its own project root, which does
            // not exist here: use the bundled copy of FUSION's default table.
            let table = ModTable::from_json(DEFAULT_MOD_FORMATS_JSON, assumption).map_err(|e| {
                ConfigError::at(
                    g,
                    "mod_assumption",
                    format!("{path} not found, and the bundled table: {e}"),
                )
            })?;
            Ok((table, ModSource::BundledFallback(path.to_owned())))
        }
    }
}

fn check_distribution(
    dist: &[(String, f64)],
    n: usize,
    table: &ModTable,
) -> Result<Vec<String>, ConfigError> {
    let key = ("general_settings", "request_distribution");
    for (k, p) in dist {
        if !(0.0..=1.0).contains(p) {
            return Err(ConfigError::at(
                key.0,
                key.1,
                format!("probability of {k} must be within [0, 1], got {p}"),
            ));
        }
        if table.class_index(k).is_none() {
            return Err(ConfigError::at(
                key.0,
                key.1,
                format!("bandwidth {k} is not in the modulation table"),
            ));
        }
    }
    let mut warnings = Vec::new();
    for c in &table.classes {
        if !dist.iter().any(|(k, _)| *k == c.key) {
            // FUSION stops with a KeyError here; a missing class is taken as
            // probability 0 instead (it is still drawn and redrawn, as a
            // 0-quota class is in FUSION).
            warnings.push(format!(
                "general_settings.request_distribution has no probability for bandwidth {}; using 0",
                c.key
            ));
        }
    }
    // FUSION gives each class exactly int(p * N) requests and requires the
    // quotas to add up to N.
    let total: usize = dist.iter().map(|(_, p)| (p * n as f64) as usize).sum();
    if total != n {
        return Err(ConfigError::at(
            key.0,
            key.1,
            format!("quotas int(p * num_requests) add up to {total}, not num_requests = {n}; choose probabilities that split {n} exactly"),
        ));
    }
    Ok(warnings)
}

impl SimConfig {
    /// The Erlang values, built like FUSION: `e = start; while e <= stop:
    /// append(e); e += step` (float accumulation, inclusive stop).
    pub fn erlangs(&self) -> Vec<f64> {
        let mut v = Vec::new();
        let mut e = self.erlang_start;
        while e <= self.erlang_stop {
            v.push(e);
            e += self.erlang_step;
        }
        v
    }

    /// The number of candidate paths the router computes (FUSION routes with
    /// 3 when `k_paths` is absent, 1 for `shortest_path`).
    pub fn routing_k(&self) -> usize {
        match self.policies {
            // FUSION's congestion-aware router reads k_paths with default 1.
            Ok(Policies {
                routing: Routing::CongestionAware { .. },
                ..
            }) => self.k_paths.unwrap_or(1),
            _ if self.route_method == "shortest_path" => 1,
            _ => self.k_paths.unwrap_or(3),
        }
    }

    /// The policies of a configuration that passed [`SimConfig::check_supported`].
    pub fn policies(&self) -> Policies {
        self.policies
            .clone()
            .expect("the configuration passed check_supported")
    }

    /// Sentences for policies FUSION 6.1 cannot run correctly (results are
    /// this engine's reading of FUSION's intent), as `(section.key, sentence)`.
    pub fn fusion_caveats(&self) -> Vec<(&'static str, String)> {
        match &self.policies {
            Ok(p) => p.fusion_caveats(self.cores_per_link, self.guard_slots),
            Err(_) => Vec::new(),
        }
    }

    /// Features of FUSION that this engine does not model. Running a
    /// configuration that enables one would silently give other results, so
    /// it is refused with the key that enables it.
    pub fn check_supported(&self) -> Result<(), ConfigError> {
        let g = "general_settings";
        let unsupported = |sec: &str, key: &str, val: &str, ok: &str| {
            Err(ConfigError::at(
                sec,
                key,
                format!("{val:?} is not supported by this engine (supported: {ok})"),
            ))
        };
        if let Err(e) = &self.policies {
            return Err(e.clone());
        }
        if self.snr_type != "None" {
            return Err(ConfigError::at(
                "snr_settings",
                "snr_type",
                format!(
                    "{:?} is not supported by this engine: FUSION's SNR modes need its physical-layer \
                     model and precomputed files. Use snr_type = None (xt_aware routing works without it)",
                    self.snr_type
                ),
            ));
        }
        if self.guard_slots > 1 {
            return unsupported(g, "guard_slots", &self.guard_slots.to_string(), "0, 1");
        }
        if self.file_type != "json" {
            return unsupported("file_settings", "file_type", &self.file_type, "json");
        }
        for (flag, key, sec) in [
            (self.fixed_grid, "fixed_grid", g),
            (self.dynamic_lps, "dynamic_lps", g),
            (self.is_grooming_enabled, "is_grooming_enabled", g),
            (self.can_partially_serve, "can_partially_serve", g),
            (self.deploy_model, "deploy_model", "ml_settings"),
        ] {
            if flag {
                return unsupported(sec, key, "True", "False");
            }
        }
        if !matches!(self.failure_type.as_str(), "none" | "None") {
            return unsupported("failure_settings", "failure_type", &self.failure_type, "none");
        }
        Ok(())
    }
}

//! Every configuration key FUSION's simulator reads or that FUSION's
//! templates carry, with its type, range, allowed values, default and a
//! one-line description. It drives validation, the new-run form and the
//! documentation shown in the editor.
//!
//! How a key converts and whether the embedded engine reads it comes from
//! `fusion_sim::schema`; this table adds what a person needs to fill it in.

use serde::Serialize;
use ts_rs::TS;

use fusion_sim::schema::{self as engine, Kind, Role};

/// How a value is written and converted (Python `int`, `float`,
/// `str_to_bool`, `str`, `ast.literal_eval`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ValueType {
    Int,
    Float,
    /// `True`/`False` (FUSION also reads `yes`/`1` as true).
    Bool,
    Str,
    /// A Python dict literal such as `{"100": 0.5, ...}`.
    Dict,
    /// A Python list literal such as `[42, 43]`.
    List,
}

/// What a key is to the simulators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum KeyUse {
    /// Read by the core model (FUSION and the embedded engine): it changes results.
    Model,
    /// Known to FUSION but without effect on the core model (output, logging,
    /// SNR, machine learning, survivability settings).
    Compat,
    /// Present in FUSION's templates but read by neither simulator.
    Ignored,
}

/// One key of the schema, as the form and the editor show it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ConfigKey {
    pub section: String,
    pub key: String,
    pub value_type: ValueType,
    pub usage: KeyUse,
    /// FUSION stops when the key is missing.
    pub required: bool,
    /// The embedded engine stops when the key is missing (else it uses `default`).
    pub engine_required: bool,
    /// Smallest allowed value (numbers).
    pub min: Option<f64>,
    /// Whether `min` itself is excluded (`> min` rather than `≥ min`).
    pub min_exclusive: bool,
    /// Largest allowed value (numbers).
    pub max: Option<f64>,
    /// The range in words, e.g. "≥ 1" or "0 or 1".
    pub range: Option<String>,
    /// The values the key takes; a closed list when `closed` is true,
    /// suggestions otherwise.
    pub allowed: Vec<String>,
    pub closed: bool,
    /// The value used when the key is absent, or for a key FUSION requires,
    /// the value its templates use.
    pub default: Option<String>,
    pub description: String,
}

impl ConfigKey {
    pub fn path(&self) -> String {
        format!("{}.{}", self.section, self.key)
    }
}

/// The networks FUSION knows by name.
pub fn network_names() -> Vec<String> {
    fusion_sim::topology::NETWORKS
        .iter()
        .map(|n| n.name.to_owned())
        .collect()
}

struct Doc {
    section: &'static str,
    key: &'static str,
    ty: ValueType,
    /// FUSION requires it.
    required: bool,
    /// Only for keys the engine does not know: Compat or Ignored.
    usage: Option<KeyUse>,
    min: Option<(f64, bool)>,
    max: Option<f64>,
    allowed: &'static [&'static str],
    closed: bool,
    default: Option<&'static str>,
    description: &'static str,
}

const fn doc(section: &'static str, key: &'static str, ty: ValueType, description: &'static str) -> Doc {
    Doc {
        section,
        key,
        ty,
        required: false,
        usage: None,
        min: None,
        max: None,
        allowed: &[],
        closed: false,
        default: None,
        description,
    }
}

impl Doc {
    const fn req(mut self) -> Self {
        self.required = true;
        self
    }
    const fn def(mut self, v: &'static str) -> Self {
        self.default = Some(v);
        self
    }
    const fn min(mut self, v: f64) -> Self {
        self.min = Some((v, false));
        self
    }
    const fn above(mut self, v: f64) -> Self {
        self.min = Some((v, true));
        self
    }
    const fn max(mut self, v: f64) -> Self {
        self.max = Some(v);
        self
    }
    const fn one_of(mut self, values: &'static [&'static str]) -> Self {
        self.allowed = values;
        self.closed = true;
        self
    }
    const fn suggest(mut self, values: &'static [&'static str]) -> Self {
        self.allowed = values;
        self
    }
    const fn ignored(mut self) -> Self {
        self.usage = Some(KeyUse::Ignored);
        self
    }
    /// Read by the embedded engine although FUSION's schema lacks it.
    const fn engine_only(mut self) -> Self {
        self.usage = Some(KeyUse::Model);
        self
    }
}

use ValueType::{Bool, Dict, Float, Int, List, Str};

const G: &str = "general_settings";
const T: &str = "topology_settings";
const SP: &str = "spectrum_settings";
const R: &str = "routing_settings";
const SNR: &str = "snr_settings";
const F: &str = "file_settings";
const ML: &str = "ml_settings";
const RL: &str = "rl_settings";
const FAIL: &str = "failure_settings";

const BOOL_FALSE: &str = "False";
const ROUTE_METHODS: &[&str] = &[
    "k_shortest_path",
    "shortest_path",
    "xt_aware",
    "least_congested",
    "cong_aware",
    "congestion_aware",
    "frag_aware",
    "nli_aware",
    "external_ksp",
];
const ALLOCATION_METHODS: &[&str] = &[
    "first_fit",
    "last_fit",
    "best_fit",
    "priority_first",
    "priority_last",
];

#[rustfmt::skip]
const DOCS: &[Doc] = &[
    // ----------------------------------------------------------- general
    doc(G, "erlang_start", Float, "First offered load of the sweep, in Erlang (arrival rate = erlang / holding_time).").req().min(0.0).def("300"),
    doc(G, "erlang_stop", Float, "Last offered load, inclusive; at least erlang_start.").req().min(0.0).def("500"),
    doc(G, "erlang_step", Float, "Increment between two loads of the sweep.").req().above(0.0).def("100"),
    doc(G, "holding_time", Float, "Mean holding time of a connection (exponentially distributed).").req().above(0.0).def("0.2"),
    doc(G, "num_requests", Int, "Connection requests per iteration.").req().min(1.0).def("100"),
    doc(G, "max_iters", Int, "Iterations per load (seeds 1, 2, …); the confidence-interval rule may stop earlier.").req().min(1.0).def("2"),
    doc(G, "mod_assumption", Str, "Key of the modulation table inside the modulation file.").req().suggest(&["DEFAULT"]).def("DEFAULT"),
    doc(G, "mod_assumption_path", Str, "Modulation-format JSON file; a relative path resolves against FUSION's project root (the embedded engine uses its bundled copy).").req().def("data/json_input/example_mods/default_mod_formats.json"),
    doc(G, "request_distribution", Dict, "Share of requests per bandwidth in Gbps; int(p × num_requests) must add up to num_requests, with one entry per bandwidth of the modulation table.").req().def(r#"{"25": 0.1, "50": 0.1, "100": 0.5, "200": 0.2, "400": 0.1}"#),
    doc(G, "guard_slots", Int, "Guard slots above each lightpath: 0 or 1 (FUSION is inconsistent with 2 or more).").req().min(0.0).max(1.0).def("1"),
    doc(G, "max_segments", Int, "Most slices a request may be split into when it fits nowhere whole; 1 turns slicing off.").req().min(1.0).def("4"),
    doc(G, "route_method", Str, "Routing algorithm. The embedded engine runs k_shortest_path, shortest_path, external_ksp (not on USbackbone60 or Spainbackbone30), cong_aware / congestion_aware (ca_alpha) and xt_aware (snr_settings.xt_type, beta) with results identical to FUSION 6.1's, and least_congested and frag_aware, on which FUSION 6.1 crashes, as FUSION's code intends them (no FUSION result to compare with). nli_aware, 1plus1_protection and learned policies are not run.").req().suggest(ROUTE_METHODS).def("k_shortest_path"),
    doc(G, "allocation_method", Str, "Spectrum assignment. The embedded engine runs first_fit and priority_first (FUSION's core order 0, 2, 4, 1, 3, 5, 6) with results identical to FUSION 6.1's, and best_fit, last_fit and priority_last, which FUSION 6.1 crashes on or (priority_last with guard slots) blocks every request with, as FUSION's code intends them (no FUSION result to compare with). xt_aware allocation and learned policies are not run.").req().suggest(ALLOCATION_METHODS).def("first_fit"),
    doc(G, "ca_alpha", Float, "Weight of congestion against length in cong_aware routing, 0 to 1 (0.3 when absent). FUSION does not read it and always uses 0.3; the embedded engine reads it here or in routing_settings.").min(0.0).max(1.0).def("0.3").engine_only(),
    doc(G, "spectrum_priority", Str, "Band/core search order in multi-band runs (BSC = band first); irrelevant with the C band only.").req().one_of(&["None", "BSC", "CSB"]).def("None"),
    doc(G, "save_step", Int, "Results are written after the first and last iteration and every save_step-th one.").req().min(1.0).def("10"),
    doc(G, "print_step", Int, "A progress line is logged every print_step iterations.").req().min(1.0).def("15"),
    doc(G, "dynamic_lps", Bool, "Dynamic lightpath slicing; keep False (not modelled by the embedded engine).").req().def(BOOL_FALSE),
    doc(G, "fixed_grid", Bool, "Fixed grid (one slot per lightpath); keep False (not modelled by the embedded engine).").req().def(BOOL_FALSE),
    doc(G, "is_grooming_enabled", Bool, "Traffic grooming onto existing lightpaths; keep False (not modelled by the embedded engine).").req().def(BOOL_FALSE),
    doc(G, "can_partially_serve", Bool, "Serve part of a request's bandwidth when the rest is blocked; keep False (not modelled by the embedded engine).").req().def(BOOL_FALSE),
    doc(G, "pre_calc_mod_selection", Bool, "Pre-computed modulation choice; no observable effect without SNR.").req().def(BOOL_FALSE),
    doc(G, "thread_erlangs", Bool, "Parsed but unused: loads run one after the other in FUSION.").req().def(BOOL_FALSE),
    doc(G, "save_snapshots", Bool, "Network snapshots (a stub in FUSION).").req().def(BOOL_FALSE),
    doc(G, "snapshot_step", Int, "Requests between snapshots.").req().min(1.0).def("10"),
    doc(G, "save_start_end_slots", Bool, "Record each lightpath's first and last slot in the results.").req().def(BOOL_FALSE),
    doc(G, "transponder_usage_per_node", Bool, "Track transponders per node (no effect on blocking).").req().def(BOOL_FALSE),
    doc(G, "blocking_type_ci", Bool, "Unused by FUSION.").req().def(BOOL_FALSE),
    doc(G, "filter_mods", Str, "Modulation filter; unused by the core model."),
    doc(G, "fragmentation_metrics", Str, "Fragmentation metrics to compute; unused by the core model."),
    doc(G, "frag_calc_step", Str, "Requests between fragmentation measurements; unused by the core model."),
    doc(G, "thread_num", Str, "Process label of FUSION's templates (s1); not read.").ignored().def("s1"),
    doc(G, "log_level", Str, "Log level of FUSION's templates; not read (FUSION always logs INFO).").ignored().suggest(&["DEBUG", "INFO", "WARNING", "ERROR"]),
    doc(G, "verbose_logging", Bool, "Not read.").ignored(),
    doc(G, "seed", Int, "Not read: iteration i always uses seed i + 1.").ignored(),
    // ---------------------------------------------------------- topology
    doc(T, "network", Str, "Network topology by FUSION name.").req().def("NSFNet"),
    doc(T, "cores_per_link", Int, "Cores per fibre; each core is an independent spectrum.").req().min(1.0).def("3"),
    doc(T, "bw_per_slot", Float, "Slot width in GHz; only the SNR models use it.").req().above(0.0).def("12.5"),
    doc(T, "const_link_weight", Bool, "Treat every link as 1 km long (routing by hops, modulation by 1 km reach).").req().def(BOOL_FALSE),
    doc(T, "is_only_core_node", Bool, "Inverted name: True = every node sends traffic; False = only the core nodes (USbackbone60, Spainbackbone30).").req().def("True"),
    doc(T, "multi_fiber", Bool, "Several fibres per link; unused by the core model.").req().def(BOOL_FALSE),
    doc(T, "bi_directional", Bool, "Unused by the core model."),
    doc(T, "save_start_end_slots", Bool, "Misplaced copy of general_settings.save_start_end_slots; not read.").ignored(),
    // ---------------------------------------------------------- spectrum
    doc(SP, "c_band", Int, "Slots per core in the C band.").req().min(1.0).def("320"),
    doc(SP, "l_band", Int, "Slots per core in the L band (0 = band off).").min(0.0).def("0"),
    doc(SP, "s_band", Int, "Slots per core in the S band (0 = band off).").min(0.0).def("0"),
    doc(SP, "o_band", Int, "Slots per core in the O band (0 = band off).").min(0.0).def("0"),
    doc(SP, "e_band", Int, "Slots per core in the E band (0 = band off).").min(0.0).def("0"),
    doc(SP, "guard_slots", Int, "Guard slots, used only when general_settings has none: 0 or 1.").min(0.0).max(1.0).def("1"),
    doc(SP, "allocation_method", Str, "Spectrum assignment, used only when general_settings has none.").suggest(ALLOCATION_METHODS).def("first_fit"),
    // ----------------------------------------------------------- routing
    doc(R, "k_paths", Int, "Candidate paths of k-shortest-path routing (3 when absent).").min(1.0).def("3"),
    doc(R, "route_method", Str, "Routing algorithm, used only when general_settings has none.").suggest(ROUTE_METHODS).def("k_shortest_path"),
    doc(R, "ca_alpha", Float, "Weight of congestion against length in cong_aware routing, 0 to 1 (0.3 when absent); general_settings.ca_alpha wins. FUSION does not read it and always uses 0.3.").min(0.0).max(1.0).def("0.3").engine_only(),
    doc(R, "path_ordering", Str, "Path ordering of FUSION's newer pipeline; unused by the core model."),
    doc(R, "precompute_paths", Bool, "Path pre-computation of FUSION's newer pipeline; unused by the core model."),
    // --------------------------------------------------------------- SNR
    doc(SNR, "snr_type", Str, "SNR model; None for the core model (the embedded engine runs None only).").req().suggest(&["None", "snr_e2e", "xt_calculation"]).def("None"),
    doc(SNR, "input_power", Float, "Launch power in W (SNR models).").req().above(0.0).def("0.001"),
    doc(SNR, "egn_model", Bool, "Enhanced Gaussian noise model (SNR models).").req().def(BOOL_FALSE),
    doc(SNR, "beta", Float, "Share of link length against crosstalk in xt_aware routing's link weight when xt_type is with_length (0.5 when absent); also an SNR model parameter.").req().def("0.5"),
    doc(SNR, "theta", Float, "SNR model parameter.").req().def("0.0"),
    doc(SNR, "xt_type", Str, "Link weight of xt_aware routing: with_length (beta × length / longest link + (1 − beta) × crosstalk cost), without_length (length / 100 km × crosstalk cost) or any other value (the crosstalk cost alone); needed by xt_aware routing. Also the crosstalk model of FUSION's SNR modes.").req().suggest(&["with_length", "without_length"]).def("without_length"),
    doc(SNR, "xt_noise", Bool, "Count crosstalk as noise (SNR models).").req().def(BOOL_FALSE),
    doc(SNR, "requested_xt", Dict, "Crosstalk threshold per modulation format in dB (SNR models).").req().def(r#"{"QPSK": -26.19, "16-QAM": -36.69, "64-QAM": -41.69}"#),
    doc(SNR, "phi", Dict, "Modulation format factors (SNR models).").req().def(r#"{"QPSK": 1, "16-QAM": 0.68, "64-QAM": 0.6190476190476191}"#),
    doc(SNR, "snr_recheck", Bool, "Re-check SNR after allocation (SNR models).").req().def(BOOL_FALSE),
    doc(SNR, "recheck_adjacent_cores", Bool, "Re-check adjacent cores for crosstalk (SNR models).").req().def(BOOL_FALSE),
    doc(SNR, "recheck_crossband", Bool, "Re-check cross-band interference (SNR models).").req().def(BOOL_FALSE),
    doc(SNR, "bi_directional", Bool, "SNR model setting; unused by the core model."),
    // -------------------------------------------------------------- file
    doc(F, "file_type", Str, "Results format; FUSION writes json only.").req().one_of(&["json"]).def("json"),
    doc(F, "run_id", Str, "Not used by the simulation."),
    // ---------------------------------------------------------------- ML
    doc(ML, "deploy_model", Bool, "Route with a trained model; keep False.").req().def(BOOL_FALSE),
    doc(ML, "output_train_data", Bool, "Write training data; FUSION needs the key (keep False).").req().def(BOOL_FALSE),
    doc(ML, "ml_training", Bool, "Machine-learning training mode; unused by the core model."),
    doc(ML, "ml_model", Str, "Machine-learning model; unused by the core model."),
    doc(ML, "train_file_path", Str, "Training data file; unused by the core model."),
    doc(ML, "test_size", Float, "Test fraction of the training data; unused by the core model.").min(0.0).max(1.0),
    // ---------------------------------------------------------------- RL
    doc(RL, "is_training", Bool, "False: confidence interval computed and early stop; True: every iteration runs and the blocking statistics in the results are null.").req().def(BOOL_FALSE),
    doc(RL, "obs_space", Str, "Reinforcement learning; unused by the core model."),
    doc(RL, "n_trials", Int, "Reinforcement learning; unused by the core model."),
    doc(RL, "device", Str, "Reinforcement learning; unused by the core model.").suggest(&["cpu", "cuda", "mps"]),
    doc(RL, "optimize_hyperparameters", Bool, "Reinforcement learning; unused by the core model."),
    doc(RL, "optuna_trials", Int, "Reinforcement learning; unused by the core model."),
    doc(RL, "path_algorithm", Str, "Reinforcement learning; unused by the core model."),
    doc(RL, "path_model", Str, "Reinforcement learning; unused by the core model."),
    doc(RL, "core_algorithm", Str, "Reinforcement learning; unused by the core model."),
    doc(RL, "core_model", Str, "Reinforcement learning; unused by the core model."),
    doc(RL, "spectrum_algorithm", Str, "Reinforcement learning; unused by the core model."),
    doc(RL, "spectrum_model", Str, "Reinforcement learning; unused by the core model."),
    doc(RL, "render_mode", Str, "Reinforcement learning; unused by the core model."),
    doc(RL, "super_channel_space", Int, "Reinforcement learning; unused by the core model."),
    doc(RL, "alpha_start", Float, "Reinforcement learning; unused by the core model."),
    doc(RL, "alpha_end", Float, "Reinforcement learning; unused by the core model."),
    doc(RL, "alpha_update", Str, "Reinforcement learning; unused by the core model."),
    doc(RL, "gamma", Float, "Reinforcement learning; unused by the core model."),
    doc(RL, "epsilon_start", Float, "Reinforcement learning; unused by the core model."),
    doc(RL, "epsilon_end", Float, "Reinforcement learning; unused by the core model."),
    doc(RL, "epsilon_update", Str, "Reinforcement learning; unused by the core model."),
    doc(RL, "path_levels", Int, "Reinforcement learning; unused by the core model."),
    doc(RL, "decay_rate", Float, "Reinforcement learning; unused by the core model."),
    doc(RL, "feature_extractor", Str, "Reinforcement learning; unused by the core model."),
    doc(RL, "gnn_type", Str, "Reinforcement learning; unused by the core model."),
    doc(RL, "layers", Int, "Reinforcement learning; unused by the core model."),
    doc(RL, "emb_dim", Int, "Reinforcement learning; unused by the core model."),
    doc(RL, "heads", Int, "Reinforcement learning; unused by the core model."),
    doc(RL, "conf_param", Float, "Reinforcement learning; unused by the core model."),
    doc(RL, "cong_cutoff", Float, "Reinforcement learning; unused by the core model."),
    doc(RL, "reward", Float, "Reinforcement learning; unused by the core model."),
    doc(RL, "penalty", Float, "Reinforcement learning; unused by the core model."),
    doc(RL, "dynamic_reward", Bool, "Reinforcement learning; unused by the core model."),
    doc(RL, "core_beta", Float, "Reinforcement learning; unused by the core model."),
    // ------------------------------------------------------ survivability
    doc(FAIL, "failure_type", Str, "Failure scenario; none for the core model (the embedded engine runs none only).").one_of(&["none", "None", "link", "node", "srlg", "geo"]).def("none"),
    doc(FAIL, "geo_center_node", Str, "Survivability; unused by the core model."),
    doc(FAIL, "geo_hop_radius", Int, "Survivability; unused by the core model."),
    doc(FAIL, "t_fail_arrival_index", Int, "Survivability; unused by the core model."),
    doc(FAIL, "t_repair_after_arrivals", Int, "Survivability; unused by the core model."),
    doc(FAIL, "failed_link_src", Str, "Survivability; unused by the core model."),
    doc(FAIL, "failed_link_dst", Str, "Survivability; unused by the core model."),
    doc(FAIL, "failed_node_id", Str, "Survivability; not read.").ignored(),
    doc(FAIL, "srlg_links", List, "Survivability; not read.").ignored(),
    doc("dataset_logging_settings", "log_offline_dataset", Bool, "Offline dataset logging; unused by the core model."),
    doc("dataset_logging_settings", "dataset_output_path", Str, "Offline dataset logging; unused by the core model."),
    doc("dataset_logging_settings", "epsilon_mix", Float, "Offline dataset logging; unused by the core model."),
    doc("offline_rl_settings", "policy_type", Str, "Offline RL policy; unused by the core model.").suggest(&["ksp_ff", "one_plus_one", "bc", "iql"]),
    doc("offline_rl_settings", "fallback_policy", Str, "Offline RL; unused by the core model."),
    doc("offline_rl_settings", "device", Str, "Offline RL; unused by the core model.").suggest(&["cpu", "cuda", "mps"]),
    doc("offline_rl_settings", "bc_model_path", Str, "Offline RL; not read.").ignored(),
    doc("offline_rl_settings", "iql_model_path", Str, "Offline RL; not read.").ignored(),
    doc("recovery_timing_settings", "protection_switchover_ms", Float, "Survivability; unused by the core model."),
    doc("recovery_timing_settings", "restoration_latency_ms", Float, "Survivability; unused by the core model."),
    doc("recovery_timing_settings", "failure_window_size", Int, "Survivability; unused by the core model."),
    doc("protection_settings", "revert_to_primary", Bool, "Survivability; unused by the core model."),
    doc("protection_settings", "protection_enabled", Bool, "Protection example setting; not read.").ignored(),
    doc("protection_settings", "disjointness_type", Str, "Protection example setting; not read.").ignored(),
    doc("protection_settings", "protection_switchover_ms", Float, "Protection example setting; not read.").ignored(),
    doc("protection_settings", "restoration_latency_ms", Float, "Protection example setting; not read.").ignored(),
    doc("reporting_settings", "export_csv", Bool, "CSV export; unused by the core model."),
    doc("reporting_settings", "csv_output_path", Str, "CSV export; unused by the core model."),
    doc("reporting_settings", "aggregate_seeds", Bool, "Not read.").ignored(),
    doc("reporting_settings", "seed_list", List, "Not read.").ignored(),
    doc("policy_settings", "policy_type", Str, "Policy example setting; not read.").ignored(),
    doc("policy_settings", "policy_name", Str, "Policy example setting; not read.").ignored(),
    doc("policy_settings", "k_paths", Int, "Policy example setting; not read (routing_settings.k_paths is).").ignored(),
    doc("heuristic_settings", "alpha", Float, "Policy example setting; not read.").ignored(),
];

fn to_key(d: &Doc) -> ConfigKey {
    let engine = engine::spec(d.section, d.key);
    let usage = d.usage.unwrap_or(match engine.map(|s| s.role) {
        Some(Role::Required | Role::Optional) => KeyUse::Model,
        _ => KeyUse::Compat,
    });
    let range = match (d.min, d.max) {
        (Some((0.0, false)), Some(1.0)) if d.ty == Int => Some("0 or 1".to_owned()),
        (Some((lo, false)), Some(hi)) => Some(format!("{lo} to {hi}")),
        (Some((lo, true)), None) => Some(format!("> {lo}")),
        (Some((lo, false)), None) => Some(format!("≥ {lo}")),
        (None, Some(hi)) => Some(format!("≤ {hi}")),
        _ => None,
    };
    let allowed: Vec<String> = if (d.section, d.key) == (T, "network") {
        network_names()
    } else {
        d.allowed.iter().map(|s| (*s).to_owned()).collect()
    };
    ConfigKey {
        section: d.section.to_owned(),
        key: d.key.to_owned(),
        value_type: d.ty,
        usage,
        required: d.required,
        engine_required: engine.is_some_and(|s| s.role == Role::Required),
        min: d.min.map(|(v, _)| v),
        min_exclusive: d.min.is_some_and(|(_, x)| x),
        max: d.max,
        range,
        allowed,
        closed: d.closed,
        default: d.default.map(str::to_owned),
        description: d.description.to_owned(),
    }
}

/// The whole schema, in section order.
pub fn keys() -> Vec<ConfigKey> {
    DOCS.iter().map(to_key).collect()
}

/// One key of the schema.
pub fn key(section: &str, key: &str) -> Option<ConfigKey> {
    DOCS.iter()
        .find(|d| d.section == section && d.key == key)
        .map(to_key)
}

/// The schema's sections that hold a key of this name and a simulator reads
/// (FUSION's templates carry `policy_settings.k_paths`, which nothing reads);
/// the ignored ones only when no section's key is read.
pub fn sections_of(key: &str) -> Vec<&'static str> {
    let all: Vec<&Doc> = DOCS.iter().filter(|d| d.key == key).collect();
    let read: Vec<&'static str> = all
        .iter()
        .filter(|d| d.usage != Some(KeyUse::Ignored))
        .map(|d| d.section)
        .collect();
    if read.is_empty() {
        all.iter().map(|d| d.section).collect()
    } else {
        read
    }
}

/// A "did you mean" for a key FUSION does not know in `section`: the same
/// name in another section, else the closest name (at most two edits away)
/// in that section or, failing that, anywhere.
pub fn suggest(section: &str, key: &str) -> Option<String> {
    if let [only] = sections_of(key).as_slice() {
        return Some(format!("{only}.{key}"));
    }
    let close = |d: &&Doc| strsim::levenshtein(d.key, key) <= 2;
    let mut near: Vec<&Doc> = DOCS
        .iter()
        .filter(|d| d.section == section)
        .filter(close)
        .collect();
    if near.is_empty() {
        near = DOCS.iter().filter(close).collect();
    }
    near.sort_by_key(|d| strsim::levenshtein(d.key, key));
    near.first().map(|d| format!("{}.{}", d.section, d.key))
}

/// The closest known section name (at most two edits away).
pub fn suggest_section(section: &str) -> Option<&'static str> {
    let mut names: Vec<&'static str> = DOCS.iter().map(|d| d.section).collect();
    names.dedup();
    names
        .into_iter()
        .map(|n| (strsim::levenshtein(n, section), n))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, n)| n)
}

/// Whether `section` holds any key of the schema.
pub fn is_known_section(section: &str) -> bool {
    DOCS.iter().any(|d| d.section == section)
}

/// The engine's conversion of a key matches the documented type.
pub fn engine_kind_matches(k: &ConfigKey) -> bool {
    match engine::spec(&k.section, &k.key) {
        None => true,
        // The engine reads compatibility keys as plain strings.
        Some(s) if s.role == Role::Fusion => true,
        Some(s) => matches!(
            (s.kind, k.value_type),
            (Kind::Int, Int)
                | (Kind::Float, Float)
                | (Kind::Bool, Bool)
                | (Kind::Str, Str)
                | (Kind::Dict, Dict)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covers_every_key_the_engine_knows_with_the_same_type() {
        for s in engine::KEYS {
            let k = key(s.section, s.key).unwrap_or_else(|| panic!("{}.{} undocumented", s.section, s.key));
            assert!(engine_kind_matches(&k), "{}", k.path());
        }
    }

    #[test]
    fn keys_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for k in keys() {
            assert!(seen.insert(k.path()), "{} twice", k.path());
        }
    }
}

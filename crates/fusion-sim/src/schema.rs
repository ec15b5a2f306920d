//! The configuration keys: which ones this engine reads, which ones FUSION
//! knows but that have no effect on the core model, and how values convert.
//!
//! Conversions follow FUSION's schema (Python `float`, `int`, `str`,
//! `str_to_bool`, `ast.literal_eval` for dictionaries) so that a value FUSION
//! accepts is accepted here with the same meaning.

/// How a value is converted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Float,
    Int,
    Str,
    Bool,
    /// A Python dict literal (`request_distribution`).
    Dict,
}

/// What a key is to this engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Read by the model and must be present.
    Required,
    /// Read by the model when present; has a default.
    Optional,
    /// Known to FUSION; read for compatibility checks or not at all.
    Fusion,
}

/// A key of the schema.
#[derive(Debug, Clone, Copy)]
pub struct KeySpec {
    pub section: &'static str,
    pub key: &'static str,
    pub kind: Kind,
    pub role: Role,
}

macro_rules! keys {
    ($( $section:literal : [ $( $key:literal => $kind:ident, $role:ident );* $(;)? ] ),* $(,)?) => {
        &[ $( $( KeySpec { section: $section, key: $key, kind: Kind::$kind, role: Role::$role }, )* )* ]
    };
}

/// Every key this engine recognises. Anything else is reported as ignored.
pub const KEYS: &[KeySpec] = keys! {
    "general_settings": [
        "erlang_start" => Float, Required;
        "erlang_stop" => Float, Required;
        "erlang_step" => Float, Required;
        "holding_time" => Float, Required;
        "num_requests" => Int, Required;
        "max_iters" => Int, Required;
        "mod_assumption" => Str, Required;
        "mod_assumption_path" => Str, Required;
        "request_distribution" => Dict, Required;
        "guard_slots" => Int, Optional;
        "max_segments" => Int, Required;
        "route_method" => Str, Optional;
        "allocation_method" => Str, Optional;
        "spectrum_priority" => Str, Optional;
        "save_step" => Int, Optional;
        "print_step" => Int, Optional;
        "dynamic_lps" => Bool, Optional;
        "fixed_grid" => Bool, Optional;
        "is_grooming_enabled" => Bool, Optional;
        "can_partially_serve" => Bool, Optional;
        "pre_calc_mod_selection" => Bool, Optional;
        "thread_erlangs" => Bool, Fusion;
        "save_snapshots" => Bool, Fusion;
        "snapshot_step" => Int, Fusion;
        "save_start_end_slots" => Bool, Fusion;
        "transponder_usage_per_node" => Bool, Fusion;
        "blocking_type_ci" => Bool, Fusion;
        "filter_mods" => Str, Fusion;
        "fragmentation_metrics" => Str, Fusion;
        "frag_calc_step" => Str, Fusion;
    ],
    "topology_settings": [
        "network" => Str, Required;
        "cores_per_link" => Int, Required;
        "const_link_weight" => Bool, Optional;
        "is_only_core_node" => Bool, Optional;
        "bw_per_slot" => Float, Fusion;
        "multi_fiber" => Bool, Fusion;
        "bi_directional" => Bool, Fusion;
    ],
    "spectrum_settings": [
        "c_band" => Int, Required;
        "l_band" => Int, Optional;
        "s_band" => Int, Optional;
        "o_band" => Int, Optional;
        "e_band" => Int, Optional;
        "guard_slots" => Int, Optional;
        "allocation_method" => Str, Optional;
    ],
    "routing_settings": [
        "k_paths" => Int, Optional;
        "route_method" => Str, Optional;
        "path_ordering" => Str, Fusion;
        "precompute_paths" => Bool, Fusion;
    ],
    "snr_settings": [
        "snr_type" => Str, Optional;
        "input_power" => Str, Fusion;
        "egn_model" => Str, Fusion;
        "beta" => Float, Optional;
        "theta" => Str, Fusion;
        "xt_type" => Str, Optional;
        "xt_noise" => Str, Fusion;
        "requested_xt" => Str, Fusion;
        "phi" => Str, Fusion;
        "snr_recheck" => Str, Fusion;
        "recheck_adjacent_cores" => Str, Fusion;
        "recheck_crossband" => Str, Fusion;
        "bi_directional" => Str, Fusion;
    ],
    "file_settings": [
        "file_type" => Str, Optional;
        "run_id" => Str, Fusion;
    ],
    "ml_settings": [
        "deploy_model" => Bool, Optional;
        "output_train_data" => Bool, Optional;
        "ml_training" => Str, Fusion;
        "ml_model" => Str, Fusion;
        "train_file_path" => Str, Fusion;
        "test_size" => Str, Fusion;
    ],
    "rl_settings": [
        "is_training" => Bool, Required;
        "obs_space" => Str, Fusion;
        "n_trials" => Str, Fusion;
        "device" => Str, Fusion;
        "optimize_hyperparameters" => Str, Fusion;
        "optuna_trials" => Str, Fusion;
        "path_algorithm" => Str, Fusion;
        "path_model" => Str, Fusion;
        "core_algorithm" => Str, Fusion;
        "core_model" => Str, Fusion;
        "spectrum_algorithm" => Str, Fusion;
        "spectrum_model" => Str, Fusion;
        "render_mode" => Str, Fusion;
        "super_channel_space" => Str, Fusion;
        "alpha_start" => Str, Fusion;
        "alpha_end" => Str, Fusion;
        "alpha_update" => Str, Fusion;
        "gamma" => Str, Fusion;
        "epsilon_start" => Str, Fusion;
        "epsilon_end" => Str, Fusion;
        "epsilon_update" => Str, Fusion;
        "path_levels" => Str, Fusion;
        "decay_rate" => Str, Fusion;
        "feature_extractor" => Str, Fusion;
        "gnn_type" => Str, Fusion;
        "layers" => Str, Fusion;
        "emb_dim" => Str, Fusion;
        "heads" => Str, Fusion;
        "conf_param" => Str, Fusion;
        "cong_cutoff" => Str, Fusion;
        "reward" => Str, Fusion;
        "penalty" => Str, Fusion;
        "dynamic_reward" => Str, Fusion;
        "core_beta" => Str, Fusion;
    ],
    "failure_settings": [
        "failure_type" => Str, Optional;
        "geo_center_node" => Str, Fusion;
        "geo_hop_radius" => Str, Fusion;
        "t_fail_arrival_index" => Str, Fusion;
        "t_repair_after_arrivals" => Str, Fusion;
        "failed_link_src" => Str, Fusion;
        "failed_link_dst" => Str, Fusion;
    ],
    "dataset_logging_settings": [
        "log_offline_dataset" => Str, Fusion;
        "dataset_output_path" => Str, Fusion;
        "epsilon_mix" => Str, Fusion;
    ],
    "offline_rl_settings": [
        "policy_type" => Str, Fusion;
        "fallback_policy" => Str, Fusion;
        "device" => Str, Fusion;
    ],
    "recovery_timing_settings": [
        "protection_switchover_ms" => Str, Fusion;
        "restoration_latency_ms" => Str, Fusion;
        "failure_window_size" => Str, Fusion;
    ],
    "protection_settings": [
        "revert_to_primary" => Str, Fusion;
    ],
    "reporting_settings": [
        "export_csv" => Str, Fusion;
        "csv_output_path" => Str, Fusion;
    ],
};

/// Looks a key up.
pub fn spec(section: &str, key: &str) -> Option<&'static KeySpec> {
    KEYS.iter().find(|k| k.section == section && k.key == key)
}

/// Sections whose names look like `s2`, `s3`: FUSION parses them as
/// per-process overrides but only ever runs `s1`.
pub fn is_process_section(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() >= 2 && b[0] == b's' && b[1].is_ascii_digit()
}

/// Python `str_to_bool`: true, yes, 1 (any case) are true; anything else false.
pub fn to_bool(s: &str) -> bool {
    matches!(s.trim().to_ascii_lowercase().as_str(), "true" | "yes" | "1")
}

fn strip_underscores(s: &str) -> Option<String> {
    // Python numeric literals allow single underscores between digits.
    if s.contains("__") || s.starts_with('_') || s.ends_with('_') {
        return None;
    }
    Some(s.replace('_', ""))
}

/// Python `int(str)`.
pub fn to_int(s: &str) -> Result<i64, String> {
    let t = s.trim();
    let cleaned = strip_underscores(t).ok_or_else(|| format!("{t:?} is not an integer"))?;
    cleaned
        .parse::<i64>()
        .map_err(|_| format!("{t:?} is not an integer"))
}

/// Python `float(str)`.
pub fn to_float(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let cleaned = strip_underscores(t).ok_or_else(|| format!("{t:?} is not a number"))?;
    let lower = cleaned.to_ascii_lowercase();
    if lower.chars().any(|c| c.is_ascii_alphabetic() && c != 'e')
        && !matches!(lower.trim_start_matches(['+', '-']), "inf" | "infinity" | "nan")
    {
        return Err(format!("{t:?} is not a number"));
    }
    cleaned
        .parse::<f64>()
        .map_err(|_| format!("{t:?} is not a number"))
}

/// Parses a Python dict literal whose values are numbers, e.g.
/// `{"25": 0.1, '50': 0.1, 100: 0.5}`; keys become strings.
pub fn to_number_dict(s: &str) -> Result<Vec<(String, f64)>, String> {
    let t = s.trim();
    let inner = t
        .strip_prefix('{')
        .and_then(|r| r.strip_suffix('}'))
        .ok_or_else(|| format!("{t:?} is not a dictionary like {{\"100\": 0.5, ...}}"))?;
    let mut out: Vec<(String, f64)> = Vec::new();
    let mut rest = inner.trim();
    while !rest.is_empty() {
        let (key, after) = if let Some(q) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') {
            let body = &rest[1..];
            let end = body
                .find(q)
                .ok_or_else(|| format!("unterminated string in {t:?}"))?;
            (body[..end].to_owned(), &body[end + 1..])
        } else {
            let end = rest.find(':').ok_or_else(|| format!("missing ':' in {t:?}"))?;
            let k = rest[..end].trim();
            to_float(k).map_err(|_| format!("bad key {k:?} in {t:?}"))?;
            (k.to_owned(), &rest[end..])
        };
        let after = after.trim_start();
        let after = after
            .strip_prefix(':')
            .ok_or_else(|| format!("missing ':' in {t:?}"))?;
        let end = after.find(',').unwrap_or(after.len());
        let value = to_float(&after[..end]).map_err(|e| format!("bad value in {t:?}: {e}"))?;
        if out.iter().any(|(k, _)| *k == key) {
            // A dict literal keeps the last value of a repeated key.
            out.retain(|(k, _)| *k != key);
        }
        out.push((key, value));
        rest = after.get(end + 1..).unwrap_or("").trim();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_conversions() {
        assert!(to_bool("True") && to_bool("yes") && to_bool("1"));
        assert!(!to_bool("False") && !to_bool("'request'") && !to_bool("on"));
        assert_eq!(to_int(" 42 "), Ok(42));
        assert!(to_int("4.0").is_err());
        assert_eq!(to_int("1_000"), Ok(1000));
        assert_eq!(to_float("3e2"), Ok(300.0));
        assert!(to_float("abc").is_err());
        let d = to_number_dict("{\"25\": 0.10, '50': 0.1, 100: 0.5,}").unwrap();
        assert_eq!(
            d,
            vec![("25".into(), 0.1), ("50".into(), 0.1), ("100".into(), 0.5)]
        );
        assert!(to_number_dict("[1, 2]").is_err());
    }
}

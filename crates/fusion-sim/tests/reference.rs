//! Agreement with real FUSION outputs (tests/data/reference/*): the same
//! configuration must give the same per-iteration blocking, and the other
//! statistics must agree too (except `link_usage*`, see the crate README).
mod common;

use common::{data, run_config, temp_dir};
use fusion_sim::json::Value;

/// Compares two output documents. Blocking lists must be identical; other
/// numbers agree to 1e-9 relative (FUSION computes standard deviations with
/// exact rationals, this engine with double-double sums).
fn compare(path: &str, a: &Value, b: &Value, strict_keys: bool, diffs: &mut Vec<String>) {
    let exact = path.ends_with("sim_block_list") || path.ends_with("sim_br_block_list");
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let kx: Vec<&String> = x.iter().map(|(k, _)| k).collect();
            let ky: Vec<&String> = y.iter().map(|(k, _)| k).collect();
            if strict_keys && kx != ky {
                diffs.push(format!("{path}: keys {kx:?} vs {ky:?}"));
                return;
            }
            for (k, va) in x {
                // link_usage: see the crate README; route_times: FUSION's
                // wall-clock measurement; sim_end_time: a timestamp.
                if k.starts_with("link_usage") || k.starts_with("route_times") || k == "sim_end_time" {
                    continue;
                }
                match y.iter().find(|(kb, _)| kb == k) {
                    Some((_, vb)) => compare(&format!("{path}/{k}"), va, vb, strict_keys, diffs),
                    None => diffs.push(format!("{path}/{k}: missing")),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                diffs.push(format!("{path}: length {} vs {}", x.len(), y.len()));
                return;
            }
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                if exact && va.as_f64() != vb.as_f64() {
                    diffs.push(format!("{path}[{i}]: {va:?} vs {vb:?} (must be identical)"));
                }
                compare(&format!("{path}[{i}]"), va, vb, strict_keys, diffs);
            }
        }
        _ => match (a.as_f64(), b.as_f64()) {
            (Some(x), Some(y)) => {
                if (x - y).abs() > 1e-9 * x.abs().max(y.abs()).max(1e-300) {
                    diffs.push(format!("{path}: {x} vs {y}"));
                }
            }
            _ => {
                if a != b {
                    diffs.push(format!("{path}: {a:?} vs {b:?}"));
                }
            }
        },
    }
}

/// `strict_keys`: key order must be FUSION's too (the real outputs); FUSION's
/// older fixtures order a few keys differently and lack the protection keys.
fn check_case(
    case: &str,
    config: &str,
    overrides: &[(&str, &str)],
    files: &[(&str, &str)],
    strict_keys: bool,
) {
    let out = temp_dir(case);
    run_config(&data(&format!("reference/{case}/{config}")), overrides, &out, 2);
    let mut diffs = Vec::new();
    for (theirs, ours) in files {
        let a = Value::parse(&std::fs::read_to_string(data(&format!("reference/{case}/{theirs}"))).unwrap())
            .unwrap();
        let b = Value::parse(&std::fs::read_to_string(out.join(ours)).unwrap()).unwrap();
        // The per-iteration blocking, iteration by iteration.
        let iters_a = a.get("iter_stats").unwrap().as_object().unwrap();
        let iters_b = b.get("iter_stats").unwrap().as_object().unwrap();
        let last_a = iters_a.last().unwrap().1.get("sim_block_list").unwrap();
        let last_b = iters_b.last().unwrap().1.get("sim_block_list").unwrap();
        assert_eq!(last_a, last_b, "{case} {theirs}: per-iteration blocking");
        compare(&format!("{case}/{theirs}"), &a, &b, strict_keys, &mut diffs);
    }
    let _ = std::fs::remove_dir_all(&out);
    assert!(
        diffs.is_empty(),
        "{} differences:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
}

#[test]
fn nsfnet_3_cores_2000_requests_2_iterations() {
    check_case(
        "real_nsfnet_3cores_2000x2",
        "config.ini",
        &[],
        &[
            ("1000.0_erlang.json", "1000.0_erlang.json"),
            ("2000.0_erlang.json", "2000.0_erlang.json"),
            ("3000.0_erlang.json", "3000.0_erlang.json"),
        ],
        true,
    );
}

#[test]
fn nsfnet_1_core_2000_requests_2_iterations() {
    check_case(
        "real_nsfnet_1core_2000x2",
        "config.ini",
        &[],
        &[
            ("300.0_erlang.json", "300.0_erlang.json"),
            ("600.0_erlang.json", "600.0_erlang.json"),
            ("900.0_erlang.json", "900.0_erlang.json"),
        ],
        true,
    );
}

/// FUSION's own fixtures were produced by its older runner, which loads the
/// network with cores_per_link × E; `fusion-sim` at 3× the Erlang value
/// reproduces them (900 ↔ 300, 1800 ↔ 600, 2700 ↔ 900).
fn baseline(case: &str, config: &str) {
    let mods = data(&format!("reference/{case}/mod_formats.json"));
    let mods = mods.to_str().unwrap().to_owned();
    check_case(
        case,
        config,
        &[
            ("erlang_start", "900"),
            ("erlang_stop", "2700"),
            ("erlang_step", "900"),
            ("mod_assumption_path", &mods),
        ],
        &[
            ("300.0_erlang.json", "900.0_erlang.json"),
            ("600.0_erlang.json", "1800.0_erlang.json"),
            ("900.0_erlang.json", "2700.0_erlang.json"),
        ],
        false,
    );
}

#[test]
fn fusion_fixture_kspf_ff_k4() {
    baseline("baseline_kspf_ff", "kspf_ff_config.ini");
}

#[test]
fn fusion_fixture_spf_ff_k1() {
    baseline("baseline_spf_ff", "spf_ff_config.ini");
}

/// Congestion-aware routing (score 0.3 · congestion + 0.7 · length / longest).
#[test]
fn nsfnet_cong_aware_3_cores_k3() {
    check_case(
        "real_nsf_congaware_c3_k3",
        "config.ini",
        &[],
        &[
            ("1000.0_erlang.json", "1000.0_erlang.json"),
            ("2000.0_erlang.json", "2000.0_erlang.json"),
        ],
        true,
    );
}

/// Crosstalk-aware routing (`xt_type = without_length`).
#[test]
fn nsfnet_xt_aware_3_cores() {
    check_case(
        "real_nsf_xtaware_c3_k3",
        "config.ini",
        &[],
        &[
            ("1000.0_erlang.json", "1000.0_erlang.json"),
            ("2000.0_erlang.json", "2000.0_erlang.json"),
        ],
        true,
    );
}

/// priority_first on 7-core fibres (core order 0, 2, 4, 1, 3, 5, 6).
#[test]
fn nsfnet_priority_first_7_cores_k3() {
    check_case(
        "real_nsf_priofirst_c7_k3",
        "config.ini",
        &[],
        &[
            ("4000.0_erlang.json", "4000.0_erlang.json"),
            ("6000.0_erlang.json", "6000.0_erlang.json"),
        ],
        true,
    );
}

/// The `<E>_erlang.json` files of a stored case, in load order.
fn erlang_files(dir: &std::path::Path) -> Vec<String> {
    let mut files: Vec<(f64, String)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter_map(|name| {
            let load = name.strip_suffix("_erlang.json")?.parse().ok()?;
            Some((load, name))
        })
        .collect();
    files.sort_by(|a, b| a.0.total_cmp(&b.0));
    files.into_iter().map(|(_, name)| name).collect()
}

/// A case made with the real FUSION (`config.ini` and every load file FUSION
/// wrote): the engine must write the same loads, each agreeing iteration by
/// iteration as in [`check_case`].
fn check_fusion_case(case: &str) {
    let theirs = erlang_files(&data(&format!("reference/{case}")));
    assert!(!theirs.is_empty(), "{case}: no FUSION output stored");
    let out = temp_dir(&format!("{case}-loads"));
    run_config(&data(&format!("reference/{case}/config.ini")), &[], &out, 2);
    let ours = erlang_files(&out);
    let _ = std::fs::remove_dir_all(&out);
    assert_eq!(ours, theirs, "{case}: the loads written");
    let files: Vec<(&str, &str)> = theirs.iter().map(|f| (f.as_str(), f.as_str())).collect();
    check_case(case, "config.ini", &[], &files, true);
}

/// One test per case made with the real FUSION 6.1 beyond the five above, each
/// varying what those do not: the network, cores, k, loads (each case has a load
/// without blocking unless the network blocks by distance alone), the policy and
/// its parameters. `FUSION_CASES` names them for the coverage check below.
macro_rules! fusion_cases {
    ($($(#[doc = $doc:literal])* $test:ident => $case:literal;)*) => {
        $( $(#[doc = $doc])* #[test] fn $test() { check_fusion_case($case); } )*
        const FUSION_CASES: &[&str] = &[$($case),*];
    };
}

fusion_cases! {
    /// USNet (its one-direction and asymmetric links), 3 cores, k = 2; USNet
    /// blocks by distance even at low load.
    usnet_ksp_3_cores_k2 => "real_usnet_ksp_c3_k2";
    /// Pan-European, 1 core, k = 4, from a load without blocking.
    pan_european_ksp_1_core_k4 => "real_eu_ksp_c1_k4";
    /// `shortest_path` on 7 cores of NSFNet.
    nsfnet_shortest_path_7_cores => "real_nsf_sp_c7";
    /// GÉANT, 1 core, k = 1, 3 iterations.
    geant_ksp_1_core_k1 => "real_geant_ksp_c1_k1";
    /// metro_net (repeated topology lines), 3 cores, k = 4.
    metro_net_ksp_3_cores_k4 => "real_metro_ksp_c3_k4";
    /// Spainbackbone30 with traffic between its core nodes only
    /// (`is_only_core_node = False`).
    spain_core_nodes_ksp_3_cores_k3 => "real_spain_corenodes_ksp_c3_k3";
    /// priority_first on 7 cores of USNet, k = 2.
    usnet_priority_first_7_cores_k2 => "real_usnet_pf_c7_k2";
    /// priority_first on 7 cores of dt_network, k = 4.
    dt_network_priority_first_7_cores_k4 => "real_dt_pf_c7_k4";
    /// `congestion_aware` (the alias) on Pan-European, 3 cores, k = 3.
    pan_european_congestion_aware_3_cores_k3 => "real_eu_ca_c3_k3";
    /// cong_aware with `ca_alpha = 0.7`, NSFNet, 1 core, k = 2 (FUSION run with
    /// the key added to its schema: its router reads it, its schema drops it).
    nsfnet_cong_aware_alpha_0_7_1_core_k2 => "real_nsf_ca_c1_k2_alpha07";
    /// cong_aware with `ca_alpha = 0.1`, USNet, 3 cores, k = 4 (numpy's
    /// argsort tie order).
    usnet_cong_aware_alpha_0_1_3_cores_k4 => "real_usnet_ca_c3_k4_alpha01";
    /// xt_aware `with_length`, `beta = 0.3`, NSFNet, 3 cores.
    nsfnet_xt_aware_with_length_beta_0_3_3_cores => "real_nsf_xt_withlen_b03_c3";
    /// xt_aware with `xt_type = None` (the crosstalk cost alone), USNet, 3 cores.
    usnet_xt_aware_cost_only_3_cores => "real_usnet_xt_none_c3";
    /// xt_aware `without_length` on 1 core (every cost 0: Dijkstra's tie rules
    /// alone decide), Pan-European.
    pan_european_xt_aware_without_length_1_core => "real_eu_xt_withoutlen_c1";
    /// xt_aware `with_length`, `beta = 0.8`, NSFNet, 7 cores (sums of thirds
    /// and sixths, whose order matters).
    nsfnet_xt_aware_with_length_beta_0_8_7_cores => "real_nsf_xt_withlen_b08_c7";
    /// cong_aware without `routing_settings.k_paths`: FUSION's router then
    /// takes 1 candidate (KSP's default is 3), NSFNet, 3 cores.
    nsfnet_cong_aware_default_k_3_cores => "real_nsf_ca_c3_kdefault";
    /// k_shortest_path without `k_paths` (3 paths, a 1-entry
    /// `path_index_list`) and without slicing (`max_segments = 1`),
    /// Pan-European, 1 core.
    pan_european_ksp_default_k_no_slicing_1_core => "real_eu_ksp_c1_kdefault_noslicing";
    /// The confidence rule ending loads after 2 of 6 iterations, with every
    /// iteration saved (`save_step = 1`) so FUSION's file holds the stopping
    /// one too; the load without enough blocking runs all 6. NSFNet, 1 core.
    nsfnet_confidence_stop_1_core => "real_nsf_ksp_c1_cistop";
}

/// The real outputs with a test of their own above.
const NAMED_CASES: &[&str] = &[
    "real_nsfnet_3cores_2000x2",
    "real_nsfnet_1core_2000x2",
    "real_nsf_congaware_c3_k3",
    "real_nsf_xtaware_c3_k3",
    "real_nsf_priofirst_c7_k3",
];

/// A real FUSION output stored without a test comparing it would be a check
/// that silently never runs.
#[test]
fn every_stored_fusion_output_is_compared() {
    let mut unchecked = Vec::new();
    for entry in std::fs::read_dir(data("reference")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.starts_with("real_")
            && !NAMED_CASES.contains(&name.as_str())
            && !FUSION_CASES.contains(&name.as_str())
        {
            unchecked.push(name);
        }
    }
    assert!(unchecked.is_empty(), "stored but never compared: {unchecked:?}");
    for case in FUSION_CASES {
        assert!(
            data(&format!("reference/{case}/config.ini")).is_file(),
            "{case}: no config.ini"
        );
    }
}

//! Configuration loading: every shipped FUSION template loads; INI errors
//! name `section.key`.
mod common;

use common::{data, temp_dir};
use fusion_sim::config::{self, ModSource};
use fusion_sim::topology::NETWORKS;

#[test]
fn all_seven_templates_load() {
    let names = [
        "cross_platform.ini",
        "default.ini",
        "minimal.ini",
        "policy_protection_example.ini",
        "runtime_config.ini",
        "survivability_experiment.ini",
        "xtar_example_config.ini",
    ];
    for n in names {
        let cfg = config::load(data(&format!("templates/{n}"))).unwrap_or_else(|e| panic!("{n}: {e}"));
        assert!(!cfg.erlangs().is_empty(), "{n}");
        // FUSION's relative mod path does not exist here: bundled fallback.
        assert!(matches!(cfg.mod_source, ModSource::BundledFallback(_)), "{n}");
        if n == "xtar_example_config.ini" {
            let e = cfg.check_supported().unwrap_err();
            assert_eq!(e.key.as_deref(), Some("snr_settings.snr_type"));
        } else {
            cfg.check_supported().unwrap_or_else(|e| panic!("{n}: {e}"));
        }
    }
    // Keys outside the model are reported, each once.
    let cfg = config::load(data("templates/minimal.ini")).unwrap();
    let w: Vec<&String> = cfg.warnings.iter().filter(|w| w.contains("log_level")).collect();
    assert_eq!(w.len(), 1);
}

#[test]
fn template_values() {
    let cfg = config::load(data("templates/default.ini")).unwrap();
    assert_eq!(cfg.erlangs(), vec![300.0, 600.0, 900.0, 1200.0]);
    assert_eq!(cfg.k_paths, Some(4));
    assert_eq!(cfg.cores_per_link, 3);
    assert!(cfg.is_training);
    assert_eq!(cfg.guard_slots, 1);
    assert_eq!(cfg.max_segments, 4);
    assert_eq!(cfg.bands[0].slots, 320);
}

#[test]
fn errors_name_section_and_key() {
    let dir = temp_dir("cfgerr");
    let base = std::fs::read_to_string(data("templates/minimal.ini")).unwrap();
    let cases = [
        ("erlang_step = 100", "", "general_settings.erlang_step"),
        (
            "erlang_step = 100",
            "erlang_step = 0",
            "general_settings.erlang_step",
        ),
        ("max_iters = 2", "max_iters = 2.5", "general_settings.max_iters"),
        ("c_band = 320", "c_band = lots", "spectrum_settings.c_band"),
        ("is_training = False", "", "rl_settings.is_training"),
        (
            "mod_assumption = DEFAULT",
            "mod_assumption = NOPE",
            "general_settings.mod_assumption",
        ),
        (
            "request_distribution = {",
            "request_distribution = [",
            "general_settings.request_distribution",
        ),
    ];
    for (from, to, key) in cases {
        let text = base.replacen(from, to, 1);
        let p = dir.join("c.ini");
        std::fs::write(&p, text).unwrap();
        let e = config::load(&p).unwrap_err();
        assert_eq!(e.key.as_deref(), Some(key), "{from} -> {to}: {e}");
        assert!(e.to_string().starts_with(key));
    }
    // Malformed INI (duplicate key) is an error without a key.
    std::fs::write(
        dir.join("d.ini"),
        base.replacen("max_iters = 2", "max_iters = 2\nMAX_ITERS = 3", 1),
    )
    .unwrap();
    assert!(config::load(dir.join("d.ini")).is_err());
}

#[test]
fn user_topology_file_and_network_list() {
    let dir = temp_dir("usertopo");
    std::fs::write(
        dir.join("ring.txt"),
        "a\tb\t100\nb\tc\t100\nc\td\t100\nd\ta\t100\n",
    )
    .unwrap();
    let base = std::fs::read_to_string(data("templates/minimal.ini")).unwrap();
    std::fs::write(
        dir.join("c.ini"),
        base.replacen("network = NSFNet", "network = ring.txt", 1),
    )
    .unwrap();
    let cfg = config::load(dir.join("c.ini")).unwrap();
    assert_eq!(cfg.topology.nodes.len(), 4);
    assert_eq!(NETWORKS.len(), 9);
    assert!(NETWORKS
        .iter()
        .any(|n| n.name == "NSFNet" && n.nodes == 14 && n.links == 22));
}

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

/// What cannot run is refused by key, with what to use instead; policies
/// FUSION cannot run itself load, with a caveat naming the key.
#[test]
fn unsupported_policies_are_refused_with_an_alternative() {
    let path = data("templates/minimal.ini");
    let refuse = |key: &str, value: &str| {
        let cfg = config::load_with_overrides(&path, &[(key.to_owned(), value.to_owned())]).unwrap();
        cfg.check_supported().unwrap_err()
    };
    for (key, value, at, hint) in [
        (
            "route_method",
            "dqn",
            "general_settings.route_method",
            "use k_shortest_path",
        ),
        (
            "route_method",
            "nli_aware",
            "general_settings.route_method",
            "Use xt_aware",
        ),
        (
            "route_method",
            "shortest_paths",
            "general_settings.route_method",
            "supported: k_shortest_path",
        ),
        (
            "allocation_method",
            "xt_aware",
            "general_settings.allocation_method",
            "Use priority_first",
        ),
        (
            "allocation_method",
            "ppo",
            "general_settings.allocation_method",
            "use first_fit",
        ),
    ] {
        let e = refuse(key, value);
        assert_eq!(e.key.as_deref(), Some(at), "{value}");
        assert!(e.message.contains(hint), "{value}: {}", e.message);
    }
    // xt_aware needs its crosstalk weight.
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("xt_type = without_length", "");
    let cfg = config::from_str(
        &text,
        path.parent().unwrap(),
        &[("route_method".into(), "xt_aware".into())],
    )
    .unwrap();
    assert_eq!(
        cfg.check_supported().unwrap_err().key.as_deref(),
        Some("snr_settings.xt_type")
    );
    for (key, value) in [
        ("allocation_method", "best_fit"),
        ("allocation_method", "last_fit"),
        ("allocation_method", "priority_last"),
        ("route_method", "least_congested"),
        ("route_method", "frag_aware"),
    ] {
        let cfg = config::load_with_overrides(&path, &[(key.to_owned(), value.to_owned())]).unwrap();
        cfg.check_supported().unwrap();
        let caveats = cfg.fusion_caveats();
        assert!(
            caveats
                .iter()
                .any(|(k, s)| *k == format!("general_settings.{key}") && s.contains("no FUSION result")),
            "{value}: {caveats:?}"
        );
    }
    // The ones FUSION runs have none.
    let cfg = config::load_with_overrides(&path, &[("route_method".into(), "cong_aware".into())]).unwrap();
    assert!(cfg.fusion_caveats().is_empty());
}

/// The files a configuration names may be anything on the machine: a FIFO
/// or a device is refused at once instead of blocking or reading forever, a
/// huge file is refused by its size, and an error names the path and the
/// reason without quoting a byte of the file.
#[test]
fn named_files_are_regular_bounded_and_never_quoted() {
    let dir = temp_dir("namedfiles");
    let base = std::fs::read_to_string(data("templates/minimal.ini")).unwrap();
    let with_network = |value: &str| {
        let ini = dir.join("c.ini");
        std::fs::write(
            &ini,
            base.replacen("network = NSFNet", &format!("network = {value}"), 1),
        )
        .unwrap();
        config::load(&ini)
    };
    let secret = "SECRET-7f3a";

    let fifo = dir.join("pipe.txt");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    for (path, why) in [
        (fifo.to_str().unwrap(), "not a regular file"),
        ("/dev/zero", "not a regular file"),
    ] {
        let e = with_network(path).unwrap_err();
        assert_eq!(e.key.as_deref(), Some("topology_settings.network"), "{path}");
        assert!(e.message.contains(why), "{path}: {}", e.message);
    }

    let big = dir.join("big.txt");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(config::NAMED_FILE_CAP + 1).unwrap();
    let e = with_network(big.to_str().unwrap()).unwrap_err();
    assert!(e.message.contains("larger than 16 MiB"), "{}", e.message);

    let binary = dir.join("binary.txt");
    std::fs::write(&binary, b"a\tb\t1\n\xff\xfe").unwrap();
    let e = with_network(binary.to_str().unwrap()).unwrap_err();
    assert!(e.message.contains("not UTF-8"), "{}", e.message);

    // Malformed lines: the line number is given, the line is not.
    for text in [
        format!("a\tb\t100\n{secret}\n"),
        format!("a\tb\t{secret}\n"),
        format!("a\tb\t-{secret}\n"),
        format!("{secret}\t{secret}\t1\n"),
    ] {
        let topo = dir.join("topo.txt");
        std::fs::write(&topo, &text).unwrap();
        let e = with_network(topo.to_str().unwrap()).unwrap_err();
        assert_eq!(e.key.as_deref(), Some("topology_settings.network"));
        assert!(e.message.contains("line "), "{}", e.message);
        assert!(!e.message.contains(secret), "{}", e.message);
    }

    // A modulation file whose keys are the secret.
    let mods = dir.join("mods.json");
    let with_mods = |json: String, assumption: &str| {
        std::fs::write(&mods, json).unwrap();
        config::load_with_overrides(
            data("templates/minimal.ini"),
            &[
                ("mod_assumption_path".into(), mods.to_str().unwrap().into()),
                ("mod_assumption".into(), assumption.into()),
            ],
        )
    };
    for (json, assumption) in [
        (format!("{{\"{secret}\": {{}}}}"), "DEFAULT"),
        (format!("{{\"DEFAULT\": {{\"{secret}\": {{}}}}}}"), "DEFAULT"),
        (format!("{{\"DEFAULT\": {{\"100\": {{\"{secret}\": {{}}}}}}}}"), "DEFAULT"),
        (
            format!("{{\"DEFAULT\": {{\"100\": {{\"{secret}\": {{\"max_length\": 1, \"slots_needed\": 0.5}}}}}}}}"),
            "DEFAULT",
        ),
        (format!("[\"{secret}\""), "DEFAULT"),
    ] {
        let e = with_mods(json.clone(), assumption).unwrap_err();
        assert!(e.key.as_deref().is_some_and(|k| k.starts_with("general_settings.mod_assumption")), "{json}");
        assert!(!e.message.contains(secret), "{json}: {}", e.message);
    }
    let e = with_mods("{}".into(), "DEFAULT").unwrap_err();
    assert!(e.message.contains("no assumption \"DEFAULT\""), "{}", e.message);
}

//! Configs through the Desk: validation before a run is created, user
//! templates, runs from a full config text, and a real run's link usage.
//! Needs the workspace binaries (cargo build --workspace --bins).

use crate::support;

use fusion_desk_core::configs::{self, SimulatorKind};
use fusion_desk_core::{CreateRunRequest, ErrorCode, RunStatus, Settings};

fn run_dirs(home: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(home.join("runs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[tokio::test]
async fn create_refuses_an_invalid_config_without_a_row_or_folder() {
    let t = support::desk(2, 1.0).await;
    let err = t
        .desk
        .create(&CreateRunRequest {
            template: "quick".into(),
            overrides: vec![
                "topology_settings.network=Atlantis".into(),
                "general_settings.erlang_stop=100".into(),
                "test_sim.iterations=1".into(),
            ],
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(
        err.message
            .contains("\ntopology_settings.network: unknown network"),
        "{}",
        err.message
    );
    assert!(
        err.message.contains("\ngeneral_settings.erlang_stop: "),
        "{}",
        err.message
    );
    assert!(
        !err.message.contains("test_sim"),
        "warnings are not errors: {}",
        err.message
    );
    assert_eq!(t.desk.list(&Default::default()).await.unwrap().total, 0);
    assert!(run_dirs(t.home.path()).is_empty());
}

#[tokio::test]
async fn create_refuses_an_invalid_config_text() {
    let t = support::desk(2, 1.0).await;
    let err = t
        .desk
        .create(&CreateRunRequest {
            config_text: Some("[general_settings]\nnum_requests = many\n".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(
        err.message
            .contains("general_settings.num_requests: expected an integer"),
        "{}",
        err.message
    );
    assert!(run_dirs(t.home.path()).is_empty());
}

#[tokio::test]
async fn create_from_a_config_text_freezes_that_text() {
    let t = support::desk(2, 1.0).await;
    let first = t.create(&["test_sim.iterations=1"]).await;
    let frozen = t.desk.config_text(&first.id).await.unwrap();
    // A re-run sends the earlier run's frozen config back.
    let text = configs::set_key(&frozen, "general_settings", "max_iters", "2").unwrap();
    let again = t
        .desk
        .create(&CreateRunRequest {
            template: first.template.clone(),
            config_text: Some(text.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(again.template, "quick");
    let refrozen = t.desk.config_text(&again.id).await.unwrap();
    assert_eq!(
        refrozen.matches("# Frozen by FUSION Desk").count(),
        1,
        "{refrozen}"
    );
    assert!(refrozen.contains(&format!("for run {}", again.id)));
    assert!(refrozen.contains("\nmax_iters = 2\n"));
    assert!(
        refrozen.contains("# thread_num: Process identifier"),
        "comments kept"
    );
    // Without a template name the run is labelled as custom.
    let custom = t
        .desk
        .create(&CreateRunRequest {
            config_text: Some(text),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(custom.template, configs::CUSTOM_TEMPLATE_LABEL);
    for id in [first.id, again.id, custom.id] {
        assert_eq!(t.wait(&id).await.status, RunStatus::Completed);
    }
}

#[tokio::test]
async fn user_templates_save_list_rename_delete() {
    let t = support::desk(2, 1.0).await;
    let text = configs::set_key(
        &t.desk.configs().template_text("quick").unwrap(),
        "general_settings",
        "max_iters",
        "1",
    )
    .unwrap();
    let text = format!("# My one-iteration sweep\n{text}");
    let saved = t.desk.configs().save_template("my sweep", &text, false).unwrap();
    assert!(!saved.builtin);
    assert_eq!(saved.description, "My one-iteration sweep");
    assert!(t.home.path().join("templates/my sweep.ini").is_file());

    let list = t.desk.configs().list_templates().unwrap();
    assert_eq!(list.iter().filter(|t| t.builtin).count(), 9);
    assert_eq!(list.last().unwrap().name, "my sweep");
    assert_eq!(t.desk.configs().template_text("my sweep").unwrap(), text);

    // A second save of the same name needs overwrite.
    let err = t
        .desk
        .configs()
        .save_template("my sweep", &text, false)
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    t.desk.configs().save_template("my sweep", &text, true).unwrap();

    // Runs start from it like from a built-in.
    let run = t
        .desk
        .create(&CreateRunRequest {
            template: "my sweep".into(),
            overrides: vec!["test_sim.iterations=1".into()],
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(run.template, "my sweep");
    assert!(t
        .desk
        .config_text(&run.id)
        .await
        .unwrap()
        .contains("# My one-iteration sweep"));

    let renamed = t.desk.configs().rename_template("my sweep", "sweep-2").unwrap();
    assert_eq!(renamed.name, "sweep-2");
    assert_eq!(
        t.desk.configs().template_text("my sweep").unwrap_err().code,
        ErrorCode::NotFound
    );
    assert_eq!(t.desk.configs().template_text("sweep-2").unwrap(), text);
    t.desk.configs().save_template("other", &text, false).unwrap();
    assert_eq!(
        t.desk
            .configs()
            .rename_template("sweep-2", "other")
            .unwrap_err()
            .code,
        ErrorCode::InvalidInput,
        "renaming onto an existing template"
    );
    t.desk.configs().delete_template("sweep-2").unwrap();
    assert_eq!(
        t.desk.configs().delete_template("sweep-2").unwrap_err().code,
        ErrorCode::NotFound
    );
    assert!(!t.home.path().join("templates/sweep-2.ini").exists());
    assert_eq!(t.wait(&run.id).await.status, RunStatus::Completed);
}

#[tokio::test]
async fn built_in_templates_are_read_only_and_their_names_reserved() {
    let t = support::desk(2, 1.0).await;
    let text = t.desk.configs().template_text("quick").unwrap();
    for name in ["quick", "Quick", "LOAD_SWEEP"] {
        assert_eq!(
            t.desk
                .configs()
                .save_template(name, &text, true)
                .unwrap_err()
                .code,
            ErrorCode::InvalidInput
        );
    }
    assert_eq!(
        t.desk.configs().delete_template("quick").unwrap_err().code,
        ErrorCode::InvalidInput
    );
    assert_eq!(
        t.desk
            .configs()
            .rename_template("quick", "mine")
            .unwrap_err()
            .code,
        ErrorCode::InvalidInput
    );
    t.desk.configs().save_template("mine", &text, false).unwrap();
    assert_eq!(
        t.desk
            .configs()
            .rename_template("mine", "default")
            .unwrap_err()
            .code,
        ErrorCode::InvalidInput
    );
    assert!(t
        .desk
        .configs()
        .template_text("quick")
        .unwrap()
        .contains("FUSION Desk quick template"));
}

#[tokio::test]
async fn hostile_template_names_never_touch_the_disk() {
    let t = support::desk(2, 1.0).await;
    let outside = t.home.path().join("outside.ini");
    std::fs::write(&outside, "[general_settings]\n").unwrap();
    let text = "[general_settings]\n";
    for name in [
        "../outside",
        "../../etc/passwd",
        "/etc/passwd",
        "a/b",
        "..",
        ".",
        "",
        ".hidden",
        "nul\0byte",
        "new\nline",
        "back\\slash",
        &"x".repeat(65),
    ] {
        for code in [
            t.desk.configs().save_template(name, text, true).unwrap_err().code,
            t.desk.configs().template_text(name).unwrap_err().code,
            t.desk.configs().delete_template(name).unwrap_err().code,
            t.desk.configs().rename_template("x", name).unwrap_err().code,
            t.desk.configs().rename_template(name, "x").unwrap_err().code,
        ] {
            assert!(
                matches!(
                    code,
                    ErrorCode::InvalidInput | ErrorCode::ForbiddenPath | ErrorCode::NotFound
                ),
                "{name:?}: {code:?}"
            );
        }
    }
    assert!(outside.is_file(), "nothing outside the folder was touched");
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "[general_settings]\n");
    // A symlink planted in the folder is not followed.
    std::fs::create_dir_all(t.desk.configs().templates_dir()).unwrap();
    std::os::unix::fs::symlink(&outside, t.desk.configs().templates_dir().join("planted.ini")).unwrap();
    assert_eq!(
        t.desk.configs().template_text("planted").unwrap_err().code,
        ErrorCode::ForbiddenPath
    );
    assert!(t
        .desk
        .configs()
        .list_templates()
        .unwrap()
        .iter()
        .all(|t| t.name != "planted"));
    // An invalid INI is not saved.
    assert_eq!(
        t.desk
            .configs()
            .save_template("broken", "no section\n", false)
            .unwrap_err()
            .code,
        ErrorCode::InvalidInput
    );
}

#[tokio::test]
async fn simulator_kind_follows_the_settings() {
    let t = support::desk(2, 1.0).await;
    assert_eq!(
        t.desk.configs().simulator_kind().await.unwrap(),
        SimulatorKind::External
    );
    assert_eq!(
        configs::simulator_kind(&Settings::default()),
        SimulatorKind::Embedded
    );
}

#[tokio::test]
async fn run_topology_maps_link_usage_of_a_real_fusion_sim_run() {
    let t = support::engine_desk(2, 1.0).await;
    let run = t
        .desk
        .create(&CreateRunRequest {
            template: "quick".into(),
            overrides: vec![
                "topology_settings.network=USNet".into(),
                "general_settings.max_iters=1".into(),
                "general_settings.num_requests=500".into(),
            ],
            ..Default::default()
        })
        .await
        .unwrap();
    let done = t.wait(&run.id).await;
    assert_eq!(done.status, RunStatus::Completed, "{:?}", done.error_message);

    let topo = t.desk.configs().run_topology(&run.id, None).await.unwrap();
    assert_eq!(topo.network, "USNet", "the run's own network, not the first one");
    assert_eq!((topo.view.node_count, topo.view.link_count), (24, 43));
    assert_eq!(topo.erlangs, vec![300.0, 400.0, 500.0]);
    assert_eq!(topo.erlang, Some(500.0), "the highest load by default");
    assert_eq!(topo.usage.len(), 43);
    assert!(topo.unmatched.is_empty(), "{:?}", topo.unmatched);
    assert!(topo.max_usage > 0);
    assert_eq!(
        topo.max_usage,
        topo.usage.iter().map(|u| u.usage_count).max().unwrap()
    );
    assert_eq!(
        topo.min_usage,
        topo.usage.iter().map(|u| u.usage_count).min().unwrap()
    );
    // The one-way link 18→19 still has both directions in the results.
    let l = topo
        .usage
        .iter()
        .find(|u| u.source == "18" && u.target == "19")
        .unwrap();
    assert!(l.forward_count.is_some() && l.backward_count.is_some());

    // Cross-check against the results file itself.
    let file = std::path::Path::new(&done.run_dir).join(topo.results_file.as_deref().unwrap());
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    let lu = json["link_usage"].as_object().unwrap();
    for u in &topo.usage {
        let fwd = lu[&format!("{}-{}", u.source, u.target)]["usage_count"]
            .as_u64()
            .unwrap();
        assert_eq!(u.forward_count, Some(fwd));
        assert!(u.usage_count >= fwd);
    }

    let at_300 = t.desk.configs().run_topology(&run.id, Some(300.0)).await.unwrap();
    assert_eq!(at_300.erlang, Some(300.0));
    assert!(at_300.max_usage <= topo.max_usage * 2);
    assert_eq!(
        t.desk
            .configs()
            .run_topology(&run.id, Some(123.0))
            .await
            .unwrap_err()
            .code,
        ErrorCode::NotFound
    );
}

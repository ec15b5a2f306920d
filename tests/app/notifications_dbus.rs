//! Desktop notifications end to end on Linux, on a private D-Bus session
//! with a stand-in notification server: a run that ends is announced through
//! the notification plugin, a click on it (the freedesktop `default` action)
//! asks the UI to open that run, and the setting turns notices off.
//!
//! Needs `dbus-daemon` (Debian's `dbus` package, present wherever the
//! desktop runs).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use fusion_desk_core::exec::SupervisorProgram;
use fusion_desk_core::layout::DataDir;
use fusion_desk_core::sweeps::{AxisSpec, SweepRequest};
use fusion_desk_core::{CreateRunRequest, Desk, DeskOptions, RunStatus, Settings};
use tauri::test::mock_builder;
use tauri::{Listener, Manager};

const PATH: &str = "/org/freedesktop/Notifications";
const INTERFACE: &str = "org.freedesktop.Notifications";

/// One `Notify` call as the server received it.
#[derive(Debug, Clone)]
struct Shown {
    id: u32,
    summary: String,
    body: String,
    actions: Vec<String>,
}

#[derive(Clone, Default)]
struct FakeServer {
    shown: Arc<Mutex<Vec<Shown>>>,
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl FakeServer {
    #[allow(clippy::too_many_arguments)]
    fn notify(
        &self,
        _app_name: &str,
        _replaces_id: u32,
        _app_icon: &str,
        summary: &str,
        body: &str,
        actions: Vec<String>,
        _hints: std::collections::HashMap<String, zbus::OwnedVariant>,
        _expire_timeout: i32,
    ) -> u32 {
        let mut shown = self.shown.lock().unwrap();
        let id = shown.len() as u32 + 1;
        shown.push(Shown {
            id,
            summary: summary.to_owned(),
            body: body.to_owned(),
            actions,
        });
        id
    }

    fn get_capabilities(&self) -> Vec<String> {
        vec!["actions".into(), "body".into()]
    }

    fn get_server_information(&self) -> (String, String, String, String) {
        ("stand-in".into(), "tests".into(), "1".into(), "1.2".into())
    }

    fn close_notification(&self, _id: u32) {}
}

/// A private session bus, stopped with the test.
struct Bus {
    daemon: Child,
    address: String,
    _dir: tempfile::TempDir,
}

impl Drop for Bus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

fn start_bus() -> Bus {
    let dir = tempfile::tempdir().unwrap();
    let mut daemon = Command::new("dbus-daemon")
        .args(["--session", "--nofork", "--print-address=1"])
        .arg(format!(
            "--address=unix:path={}",
            dir.path().join("bus").display()
        ))
        .stdout(Stdio::piped())
        .spawn()
        .expect("dbus-daemon is needed for this test (apt-get install dbus)");
    let mut line = String::new();
    BufReader::new(daemon.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    Bus {
        daemon,
        address: line.trim().to_owned(),
        _dir: dir,
    }
}

fn test_sim() -> PathBuf {
    // tests/… run from target/<profile>/deps; the workspace binaries sit one up.
    let exe = std::env::current_exe().unwrap();
    let path = exe.parent().unwrap().parent().unwrap().join("test-sim");
    assert!(
        path.is_file(),
        "build the workspace binaries first (cargo build --workspace --bins)"
    );
    path
}

fn wait_for<T>(what: &str, within: Duration, mut probe: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + within;
    loop {
        if let Some(v) = probe() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn finished_runs_and_sweeps_are_announced_and_a_click_opens_them_unless_turned_off() {
    let bus = start_bus();
    // Before anything connects: the plugin reads the session bus from here.
    std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &bus.address);

    let server = FakeServer::default();
    let shown = server.shown.clone();
    let server_conn = tauri::async_runtime::block_on(
        zbus::connection::Builder::address(bus.address.as_str())
            .name(INTERFACE)
            .serve_at(PATH, server)
            .build(),
    )
    .unwrap();

    let home = tempfile::tempdir().unwrap();
    let desk = tauri::async_runtime::block_on(async {
        let desk = Desk::open(
            DeskOptions {
                data: DataDir::at(home.path().to_owned()).unwrap(),
                supervisor: SupervisorProgram(env!("CARGO_BIN_EXE_fusion-desk").into()),
                watch_runs: false,
            }
            .watching(),
        )
        .await
        .unwrap();
        desk.save_settings(&Settings {
            simulator_command: test_sim().to_string_lossy().into_owned(),
            ..Default::default()
        })
        .await
        .unwrap();
        desk
    });
    let app = fusion_desk::app_builder(mock_builder())
        .plugin(tauri_plugin_notification::init())
        .build(fusion_desk::context())
        .unwrap();
    app.manage(desk.clone());
    let (opened_tx, opened) = mpsc::channel::<String>();
    app.listen_any(fusion_desk::notifications::OPEN_TARGET, move |event| {
        let _ = opened_tx.send(event.payload().to_owned());
    });
    fusion_desk::notifications::start(app.handle().clone(), &desk);

    let create = |name: &str| {
        let desk = desk.clone();
        let req = CreateRunRequest {
            template: "quick".into(),
            name: Some(name.into()),
            overrides: vec!["test_sim.iterations=1".into()],
            ..Default::default()
        };
        tauri::async_runtime::block_on(async move {
            let run = desk.create(&req).await.unwrap();
            desk.wait(&run.id, Some(Duration::from_secs(60))).await.unwrap()
        })
    };

    let run = create("announced");
    assert_eq!(run.status, RunStatus::Completed);
    let notice = wait_for("the notification", Duration::from_secs(20), || {
        shown.lock().unwrap().first().cloned()
    });
    assert_eq!(notice.summary, "Run finished: announced");
    assert_eq!(notice.body, "Completed");
    assert!(
        notice.actions.iter().any(|a| a == "default"),
        "a click must be reportable: {:?}",
        notice.actions
    );

    // The person clicks the notification.
    tauri::async_runtime::block_on(server_conn.emit_signal(
        None::<&str>,
        PATH,
        INTERFACE,
        "ActionInvoked",
        &(notice.id, "default"),
    ))
    .unwrap();
    let payload = opened
        .recv_timeout(Duration::from_secs(10))
        .expect("the click opens the run");
    let target: serde_json::Value = serde_json::from_str(&payload).unwrap();
    assert_eq!(target, serde_json::json!({ "kind": "run", "id": run.id }));

    // A sweep of three runs: one notice, when the last run ends.
    let sweep = tauri::async_runtime::block_on(async {
        let created = desk
            .sweeps()
            .create(&SweepRequest {
                template: "quick".into(),
                name: Some("three".into()),
                overrides: vec!["test_sim.iterations=1".into()],
                config_text: None,
                axes: vec![AxisSpec {
                    key: "routing_settings.k_paths".into(),
                    values: "1..3".into(),
                }],
                executor: None,
            })
            .await
            .unwrap();
        for run in &created.runs {
            desk.wait(&run.id, Some(Duration::from_secs(60))).await.unwrap();
        }
        created.sweep.id
    });
    let notice = wait_for("the sweep's notification", Duration::from_secs(20), || {
        shown.lock().unwrap().get(1).cloned()
    });
    assert_eq!(notice.summary, "Sweep finished: three");
    assert_eq!(notice.body, "3 of 3 runs completed");
    tauri::async_runtime::block_on(server_conn.emit_signal(
        None::<&str>,
        PATH,
        INTERFACE,
        "ActionInvoked",
        &(notice.id, "default"),
    ))
    .unwrap();
    let payload = opened
        .recv_timeout(Duration::from_secs(10))
        .expect("the click opens the sweep");
    let target: serde_json::Value = serde_json::from_str(&payload).unwrap();
    assert_eq!(target, serde_json::json!({ "kind": "sweep", "id": sweep }));
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(shown.lock().unwrap().len(), 2, "no notice per run of the sweep");

    // Turned off: the next run ends silently.
    tauri::async_runtime::block_on(async {
        let mut s = desk.settings().await.unwrap().settings;
        s.notify_when_finished = false;
        desk.save_settings(&s).await.unwrap();
    });
    let quiet = create("quiet");
    assert_eq!(quiet.status, RunStatus::Completed);
    std::thread::sleep(Duration::from_millis(1500));
    let all = shown.lock().unwrap().clone();
    assert_eq!(all.len(), 2, "no notice with the setting off: {all:?}");
}

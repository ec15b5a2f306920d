//! Path safety of artifact access: nothing outside a run's roots is ever
//! read. A fixture run folder sits next to canary files (outside the roots,
//! behind links that escape, in a sibling whose name extends the run's);
//! generated and known-hostile paths go through every operation, and the
//! canary text must never appear in any result or any exported file.

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use fusion_desk_core::artifacts::{Address, ExtraRoot, RunTree};
use fusion_desk_core::ErrorCode;
use proptest::prelude::*;

const CANARY: &str = "CANARY-5e1f0c-must-never-be-read";
const RUN_ID: &str = "0123456789ab";

struct Fixture {
    _base: tempfile::TempDir,
    base: PathBuf,
    tree: RunTree,
    exports: PathBuf,
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn fixture() -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().canonicalize().unwrap();
    let runs = base.join("data/runs");
    let run = runs.join(RUN_ID);
    let outside = base.join("outside");
    write(&outside.join("secret.txt"), CANARY);
    write(&outside.join("x"), CANARY);
    write(
        &outside.join("300.0_erlang.json"),
        &format!("{{\"blocking_mean\": 0.5, \"c\": \"{CANARY}\"}}"),
    );
    // A sibling whose name starts with the run's id: a string-prefix check
    // would admit it.
    write(&runs.join(format!("{RUN_ID}def/secret.txt")), CANARY);
    write(&base.join("extraX/secret.txt"), CANARY);

    write(
        &run.join("config.ini"),
        "[general_settings]\nerlang_start = 300\n",
    );
    write(&run.join("logs/sim.log"), "line one\nline two\n");
    write(&run.join("progress.jsonl"), "{\"event\":\"start\"}\n");
    write(&run.join("output/300.0_erlang.json"), "{\"blocking_mean\": 0.1}");
    write(&run.join("output/swap/x"), "benign");
    write(&run.join("output/swapfile"), "benign");
    symlink(&outside, run.join("link_dir_abs")).unwrap();
    symlink("../../../outside", run.join("link_dir_rel")).unwrap();
    symlink(outside.join("secret.txt"), run.join("link_file_abs")).unwrap();
    symlink(
        format!("../../{RUN_ID}def/secret.txt"),
        run.join("output/link_sibling"),
    )
    .unwrap();
    symlink("../config.ini", run.join("output/link_inside")).unwrap();
    symlink("logs", run.join("link_logs_inside")).unwrap();
    symlink("/", run.join("output/link_root")).unwrap();

    let extra = base.join("extra");
    write(&extra.join("s1/600.0_erlang.json"), "{\"blocking_mean\": 0.2}");
    symlink("../outside", extra.join("up")).unwrap();
    symlink("../extraX/secret.txt", extra.join("s1/sibling")).unwrap();

    let exports = base.join("exports");
    std::fs::create_dir(&exports).unwrap();
    let tree = RunTree::new(
        RUN_ID,
        run,
        vec![ExtraRoot {
            label: "fusion".into(),
            path: extra,
        }],
    );
    Fixture {
        _base: tmp,
        base,
        tree,
        exports,
    }
}

impl Fixture {
    fn roots(&self) -> Vec<PathBuf> {
        let mut roots = vec![self.tree.run_dir().to_owned()];
        roots.extend(self.tree.extras().iter().map(|r| r.path.clone()));
        roots
    }

    /// Runs every read operation on `path`; panics if anything outside the
    /// roots shows up. Returns whether any operation succeeded.
    fn probe(&self, path: &str) -> bool {
        self.probe_with(path, true)
    }

    /// `settled`: the tree does not change meanwhile, so a resolved path can
    /// be checked against the file system afterwards.
    fn probe_with(&self, path: &str, settled: bool) -> bool {
        let addr = match Address::parse(path) {
            Ok(a) => a,
            Err(e) => {
                assert_eq!(e.code, ErrorCode::ForbiddenPath, "{path:?}: {e:?}");
                return false;
            }
        };
        let mut any = false;
        let mut check = |what: &str, out: Result<String, fusion_desk_core::DeskError>| match out {
            Ok(text) => {
                assert!(!text.contains(CANARY), "{what} of {path:?} read a canary: {text}");
                any = true;
            }
            Err(e) => {
                assert!(!e.message.contains(CANARY), "{what} of {path:?}: {e:?}");
                assert!(
                    matches!(
                        e.code,
                        ErrorCode::ForbiddenPath | ErrorCode::NotFound | ErrorCode::InvalidInput
                    ),
                    "{what} of {path:?}: unexpected {e:?}"
                );
            }
        };
        let json = |v: &dyn erased::Json| v.json();
        check("preview", self.tree.preview(&addr).map(|p| json(&p)));
        check("list", self.tree.list(&addr, 0, Some(50)).map(|l| json(&l)));
        check("info", self.tree.info(&addr).map(|i| json(&i)));
        check("usage", self.tree.usage(&addr).map(|u| json(&u)));
        match self.tree.resolve(&addr) {
            Ok(p) => {
                let roots = self.roots();
                assert!(
                    roots.iter().any(|r| p.starts_with(r)),
                    "{path:?} resolved outside the roots: {}",
                    p.display()
                );
                if settled {
                    // Canonical already: nothing on the way is a link.
                    assert_eq!(p.canonicalize().unwrap(), p, "{path:?}");
                }
                any = true;
            }
            Err(e) => assert!(
                matches!(
                    e.code,
                    ErrorCode::ForbiddenPath | ErrorCode::NotFound | ErrorCode::InvalidInput
                ),
                "resolve of {path:?}: {e:?}"
            ),
        }
        any
    }
}

mod erased {
    pub trait Json {
        fn json(&self) -> String;
    }
    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> String {
            serde_json::to_string(self).unwrap()
        }
    }
}

/// Every file below `dir` (links not followed) must be free of the canary.
fn assert_no_canary_below(dir: &Path) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let meta = std::fs::symlink_metadata(entry.path()).unwrap();
        assert!(
            !meta.file_type().is_symlink(),
            "export created a link: {}",
            entry.path().display()
        );
        if meta.is_dir() {
            assert_no_canary_below(&entry.path());
        } else {
            let bytes = std::fs::read(entry.path()).unwrap();
            assert!(
                !String::from_utf8_lossy(&bytes).contains(CANARY),
                "exported a canary: {}",
                entry.path().display()
            );
        }
    }
}

const CORPUS: &[&str] = &[
    "..",
    "../",
    "../..",
    "../../outside/secret.txt",
    "../../../outside/secret.txt",
    "output/../../../outside/secret.txt",
    "output/../config.ini",
    "./config.ini",
    "/etc/passwd",
    "/",
    "//",
    "///etc/passwd",
    "//server/share/secret.txt",
    "\\\\server\\share\\secret.txt",
    "..\\..\\outside\\secret.txt",
    "output\\..\\..\\secret.txt",
    "C:\\Windows\\win.ini",
    "C:/Windows/win.ini",
    "c:",
    "%2e%2e/%2e%2e/outside/secret.txt",
    "%2E%2E%2F%2E%2E%2Foutside%2Fsecret.txt",
    "..%2f..%2foutside%2fsecret.txt",
    "..%252f..%252foutside%252fsecret.txt",
    "%252e%252e/%252e%252e/outside",
    "%c0%ae%c0%ae/outside",
    "%u002e%u002e/outside",
    "..%00/secret.txt",
    "config.ini%00.png",
    "config.ini\0",
    "\0",
    "output/\u{0}../secret",
    "logs/sim.log\n../../secret",
    "logs/\r\n",
    "\u{7f}",
    "~",
    "~/secret.txt",
    "~root/.ssh/id_rsa",
    "link_dir_abs",
    "link_dir_abs/secret.txt",
    "link_dir_abs/x",
    "link_dir_rel/secret.txt",
    "link_dir_rel/",
    "link_file_abs",
    "output/link_sibling",
    "output/link_root/etc/passwd",
    "output/link_root",
    "output/link_inside",
    "link_logs_inside/sim.log",
    "0123456789abdef/secret.txt",
    "@",
    "@fusion",
    "@fusion/up/secret.txt",
    "@fusion/up",
    "@fusion/s1/sibling",
    "@fusion/../extraX/secret.txt",
    "@fusion/..",
    "@../outside",
    "@fusionX/secret.txt",
    "@extraX/secret.txt",
    "@.",
    "@..",
    "@/etc",
    "@fusion\\..\\outside",
    "output/．．/．．/outside",
    "output/\u{2025}/secret.txt",
    "output/%2e%2e",
    "output//../x",
    ".../outside",
];

#[test]
fn known_traversal_payloads_never_read_outside() {
    let fx = fixture();
    for path in CORPUS {
        fx.probe(path);
    }
    let long_name = "a".repeat(300);
    fx.probe(&long_name);
    fx.probe(&format!("output/{long_name}"));
    fx.probe(&"../".repeat(2000));
    fx.probe(&"a/".repeat(3000));
    fx.probe(&format!("{}secret.txt", "x/".repeat(2047)));
}

#[test]
fn plain_paths_inside_the_roots_work() {
    let fx = fixture();
    for ok in [
        "",
        "config.ini",
        "logs",
        "logs/sim.log",
        "output/300.0_erlang.json",
        "@fusion",
        "@fusion/s1/600.0_erlang.json",
    ] {
        assert!(fx.probe(ok), "{ok:?} should be readable");
    }
}

#[test]
fn symlinks_are_listed_but_never_followed() {
    let fx = fixture();
    for link in [
        "link_dir_abs",
        "link_file_abs",
        "output/link_inside",
        "link_logs_inside",
        "@fusion/up",
    ] {
        let addr = Address::parse(link).unwrap();
        let info = fx.tree.info(&addr).unwrap();
        assert_eq!(info.kind.as_str(), "symlink", "{link}");
        assert!(info.link_target.is_some());
        for err in [
            fx.tree.preview(&addr).unwrap_err(),
            fx.tree.list(&addr, 0, None).unwrap_err(),
            fx.tree.resolve(&addr).unwrap_err(),
        ] {
            assert_eq!(err.code, ErrorCode::ForbiddenPath, "{link}: {err:?}");
        }
    }
    // Through a link in the middle of a path: refused as well.
    let err = fx
        .tree
        .preview(&Address::parse("link_logs_inside/sim.log").unwrap())
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::ForbiddenPath);
}

#[test]
fn string_prefix_siblings_are_not_inside() {
    let fx = fixture();
    let sibling = fx.tree.run_dir().with_file_name(format!("{RUN_ID}def"));
    assert!(sibling.join("secret.txt").is_file());
    assert!(!sibling.starts_with(fx.tree.run_dir()));
    // An extra root registered under a path that is now a link is refused.
    let moved = RunTree::new(
        RUN_ID,
        fx.tree.run_dir().to_owned(),
        vec![ExtraRoot {
            label: "moved".into(),
            path: fx.tree.run_dir().join("link_dir_abs"),
        }],
    );
    let err = moved
        .preview(&Address::parse("@moved/secret.txt").unwrap())
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::ForbiddenPath, "{err:?}");
}

#[test]
fn exports_never_copy_through_links() {
    let fx = fixture();
    let whole = fx
        .tree
        .export(None, &fx.exports.join("whole"), false, &[])
        .unwrap();
    assert!(whole.files >= 6, "{whole:?}");
    assert!(whole.skipped.iter().any(|s| s == "link_dir_abs"), "{whole:?}");
    assert!(whole.skipped.iter().any(|s| s == "@fusion/up"), "{whole:?}");
    assert!(fx.exports.join("whole/@fusion/s1/600.0_erlang.json").is_file());
    assert_no_canary_below(&fx.exports);
    for link in ["link_dir_abs", "link_file_abs", "output/link_root"] {
        let err = fx
            .tree
            .export(
                Some(&Address::parse(link).unwrap()),
                &fx.exports.join("l"),
                false,
                &[],
            )
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::ForbiddenPath);
    }
}

/// Replaces `dir/name` by a link to `outside` and back, as fast as it can,
/// until told to stop.
fn swapper(
    dir: PathBuf,
    name: &'static str,
    outside: PathBuf,
    stop: Arc<AtomicBool>,
) -> std::thread::JoinHandle<u64> {
    std::thread::spawn(move || {
        let real = dir.join(name);
        let parked = dir.join(format!("{name}.parked"));
        let link = dir.join(format!("{name}.link"));
        let mut swaps = 0;
        while !stop.load(Ordering::Relaxed) {
            std::fs::rename(&real, &parked).unwrap();
            symlink(&outside, &link).unwrap();
            std::fs::rename(&link, &real).unwrap();
            std::thread::yield_now();
            std::fs::remove_file(&real).unwrap();
            std::fs::rename(&parked, &real).unwrap();
            swaps += 1;
        }
        swaps
    })
}

#[test]
fn a_symlink_swapped_in_during_access_cannot_widen_it() {
    let fx = fixture();
    let output = fx.tree.run_dir().join("output");
    let stop = Arc::new(AtomicBool::new(false));
    let dir_swapper = swapper(output.clone(), "swap", fx.base.join("outside"), stop.clone());
    let file_swapper = swapper(
        output.clone(),
        "swapfile",
        fx.base.join("outside/secret.txt"),
        stop.clone(),
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(3);
    let mut reads = 0;
    let mut n = 0;
    while std::time::Instant::now() < deadline {
        for path in ["output/swap/x", "output/swap", "output/swapfile"] {
            if fx.probe_with(path, false) {
                reads += 1;
            }
        }
        n += 1;
        if n % 20 == 0 {
            let _ = fx.tree.export(
                Some(&Address::parse("output").unwrap()),
                &fx.exports.join(format!("race{n}")),
                false,
                &[],
            );
            let _ = fusion_desk_core::artifacts::results::collect(&fx.tree).map(|t| {
                let text = serde_json::to_string(&t).unwrap();
                assert!(!text.contains(CANARY));
            });
        }
    }
    stop.store(true, Ordering::Relaxed);
    let swaps = dir_swapper.join().unwrap() + file_swapper.join().unwrap();
    assert!(swaps > 100, "the swapper barely ran: {swaps}");
    assert!(reads > 0, "no read ever won the race; the test proves nothing");
    assert_no_canary_below(&fx.exports);
}

/// Path pieces a generated path is made of: plain names, the fixture's
/// links, and every traversal ingredient (repeats weigh the draw).
const PIECES: &[&str] = &[
    "output",
    "output",
    "output",
    "logs",
    "logs",
    "config.ini",
    "sim.log",
    "300.0_erlang.json",
    "@fusion",
    "@fusion",
    "s1",
    "600.0_erlang.json",
    "..",
    "..",
    "..",
    ".",
    "/",
    "/",
    "/",
    "\\",
    "//",
    "%2e%2e",
    "%2E%2E",
    "%2f",
    "%252e",
    "%00",
    "%c0%ae",
    "\0",
    "\n",
    "\r",
    "\u{1b}",
    "~",
    "C:",
    "@",
    "@..",
    "link_dir_abs",
    "link_dir_abs",
    "link_dir_rel",
    "link_dir_rel",
    "link_file_abs",
    "link_sibling",
    "link_root",
    "link_logs_inside",
    "link_inside",
    "up",
    "sibling",
    "secret.txt",
    "secret.txt",
    "x",
    "outside",
    "0123456789abdef",
    "extraX",
    "etc",
    "passwd",
    "swap",
    "．．",
    "\u{2025}",
    "...",
];
const ODD_CHARS: &[char] = &[
    '.', '/', '\\', '%', '@', '~', ':', '\0', '\n', 'a', 'é', '\u{202e}', '\u{ff0e}',
];

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => prop::sample::select(PIECES).prop_map(str::to_owned),
        1 => prop::collection::vec(prop::sample::select(ODD_CHARS), 1..5)
            .prop_map(|cs| cs.into_iter().collect()),
        1 => any::<char>().prop_map(String::from),
    ]
}

fn generated_path() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..10).prop_map(|pieces| {
        // Mostly joined by '/', sometimes glued, like a hostile client would.
        let mut s = String::new();
        for (i, p) in pieces.iter().enumerate() {
            if i > 0 && (p.len() + i) % 5 != 0 {
                s.push('/');
            }
            s.push_str(p);
        }
        s
    })
}

#[test]
fn one_hundred_thousand_generated_paths_never_read_outside() {
    let fx = fixture();
    let config = ProptestConfig {
        cases: 100_000,
        failure_persistence: None,
        max_shrink_iters: 2000,
        ..ProptestConfig::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let counts = std::cell::RefCell::new((0u64, 0u64));
    runner
        .run(&generated_path(), |path| {
            let ok = fx.probe(&path);
            let mut c = counts.borrow_mut();
            c.0 += 1;
            c.1 += ok as u64;
            Ok(())
        })
        .unwrap();
    let (total, readable) = *counts.borrow();
    assert!(total >= 100_000, "{total}");
    // The generator reaches real files too, not only refusals.
    assert!(readable > 1000, "only {readable} of {total} paths were readable");
}

//! Browsing a run through the Desk: listings with paging, disk use, previews
//! of every kind, checked paths for native actions, extra roots and exports.

use crate::support;

use std::path::{Path, PathBuf};

use base64::Engine;
use fusion_desk_core::artifacts::{EntryKind, PreviewContent};
use fusion_desk_core::{Desk, ErrorCode, RunStatus};

struct Fixture {
    t: support::TestDesk,
    id: String,
    run_dir: PathBuf,
    scratch: tempfile::TempDir,
}

async fn finished_run() -> Fixture {
    let t = support::desk(2, 1.0).await;
    let run = t.create(&[]).await;
    let run = t.wait(&run.id).await;
    assert_eq!(run.status, RunStatus::Completed, "{run:?}");
    let scratch = tempfile::tempdir().unwrap();
    Fixture {
        id: run.id.clone(),
        run_dir: PathBuf::from(&run.run_dir),
        t,
        scratch,
    }
}

impl Fixture {
    fn desk(&self) -> &Desk {
        &self.t.desk
    }
    fn put(&self, rel: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.run_dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        path
    }
    fn outside(&self) -> PathBuf {
        self.scratch.path().canonicalize().unwrap()
    }
    async fn preview(&self, rel: &str) -> PreviewContent {
        self.desk()
            .artifacts()
            .preview_artifact(&self.id, rel)
            .await
            .unwrap()
            .content
    }
}

fn is_rfc3339_utc(s: &str) -> bool {
    s.ends_with("+00:00") && fusion_desk_core::timestamp::parse(s).is_some()
}

#[tokio::test]
async fn the_run_folder_lists_with_sizes_and_utc_times() {
    let fx = finished_run().await;
    let listing = fx
        .desk()
        .artifacts()
        .list_artifacts(&fx.id, "", None, None)
        .await
        .unwrap();
    let names: Vec<&str> = listing.entries.iter().map(|e| e.name.as_str()).collect();
    for expected in ["logs", "output", "config.ini", "exit.json"] {
        assert!(names.contains(&expected), "{expected} missing from {names:?}");
    }
    // Folders first.
    let first_file = listing
        .entries
        .iter()
        .position(|e| e.kind != EntryKind::Dir)
        .unwrap();
    assert!(listing.entries[first_file..]
        .iter()
        .all(|e| e.kind != EntryKind::Dir));
    let config = listing.entries.iter().find(|e| e.name == "config.ini").unwrap();
    assert_eq!(
        config.size,
        std::fs::metadata(fx.run_dir.join("config.ini")).unwrap().len()
    );
    assert_eq!(config.path, "config.ini");
    assert!(is_rfc3339_utc(config.modified.as_deref().unwrap()), "{config:?}");
    assert_eq!(listing.total as usize, listing.entries.len());

    let logs = fx
        .desk()
        .artifacts()
        .list_artifacts(&fx.id, "logs", None, None)
        .await
        .unwrap();
    assert!(logs.entries.iter().any(|e| e.path == "logs/sim.log"));
    let info = fx
        .desk()
        .artifacts()
        .artifact_info(&fx.id, "logs/sim.log")
        .await
        .unwrap();
    assert_eq!(info.kind, EntryKind::File);
}

#[tokio::test]
async fn a_large_folder_is_listed_a_page_at_a_time_in_natural_order() {
    let fx = finished_run().await;
    let many = fx.run_dir.join("output/many");
    std::fs::create_dir_all(&many).unwrap();
    for i in 1..=2500 {
        std::fs::write(many.join(format!("f{i}.txt")), "x").unwrap();
    }
    std::fs::create_dir(many.join("zz_sub")).unwrap();
    let page = fx
        .desk()
        .artifacts()
        .list_artifacts(&fx.id, "output/many", Some(0), Some(1000))
        .await
        .unwrap();
    assert_eq!(page.total, 2501);
    assert_eq!(page.entries.len(), 1000);
    assert_eq!(page.entries[0].name, "zz_sub");
    assert_eq!(page.entries[1].name, "f1.txt");
    assert_eq!(page.entries[2].name, "f2.txt");
    assert_eq!(page.entries[10].name, "f10.txt");
    let last = fx
        .desk()
        .artifacts()
        .list_artifacts(&fx.id, "output/many", Some(2500), Some(1000))
        .await
        .unwrap();
    assert_eq!(last.entries.len(), 1);
    assert_eq!(last.entries[0].name, "f2500.txt");
    // Limits are clamped, offsets past the end give an empty page.
    let huge = fx
        .desk()
        .artifacts()
        .list_artifacts(&fx.id, "output/many", None, Some(1_000_000))
        .await
        .unwrap();
    assert_eq!(huge.limit, 5000);
    let past = fx
        .desk()
        .artifacts()
        .list_artifacts(&fx.id, "output/many", Some(9999), None)
        .await
        .unwrap();
    assert!(past.entries.is_empty());

    let usage = fx
        .desk()
        .artifacts()
        .artifact_usage(&fx.id, "output/many")
        .await
        .unwrap();
    assert_eq!(usage.files, 2500);
    assert_eq!(usage.bytes, 2500);
    assert_eq!(usage.folders, 2);
    assert!(usage.complete);
}

#[tokio::test]
async fn total_disk_use_covers_the_run_and_its_extra_roots() {
    let fx = finished_run().await;
    let before = fx.desk().artifacts().artifact_usage(&fx.id, "").await.unwrap();
    assert!(before.bytes > 0 && before.files >= 3, "{before:?}");
    let extra = fx.outside().join("fusion-out");
    std::fs::create_dir_all(extra.join("s1")).unwrap();
    std::fs::write(extra.join("s1/300.0_erlang.json"), vec![b' '; 10_000]).unwrap();
    fx.desk()
        .artifacts()
        .register_artifact_root(&fx.id, "fusion", &extra)
        .await
        .unwrap();
    let after = fx.desk().artifacts().artifact_usage(&fx.id, "").await.unwrap();
    assert_eq!(after.bytes, before.bytes + 10_000);
    assert_eq!(after.files, before.files + 1);
    assert!(after.disk_bytes >= before.disk_bytes + 10_000);
}

#[tokio::test]
async fn text_and_logs_preview_whole_or_head_and_tail() {
    let fx = finished_run().await;
    fx.put("notes.txt", "hello\nworld\n");
    match fx.preview("notes.txt").await {
        PreviewContent::Text {
            head,
            tail,
            truncated,
            ..
        } => {
            assert_eq!(head, "hello\nworld\n");
            assert!(tail.is_none() && !truncated);
        }
        other => panic!("{other:?}"),
    }
    let mut big = String::from("FIRST LINE\n");
    while big.len() < 1_000_000 {
        big.push_str("é middle line of a long log\n");
    }
    big.push_str("LAST LINE\n");
    fx.put("logs/big.log", &big);
    let preview = fx
        .desk()
        .artifacts()
        .preview_artifact(&fx.id, "logs/big.log")
        .await
        .unwrap();
    assert_eq!(preview.size, big.len() as u64);
    match preview.content {
        PreviewContent::Text {
            head,
            tail,
            truncated,
            ..
        } => {
            assert!(truncated);
            assert!(head.starts_with("FIRST LINE") && head.len() <= 64 * 1024);
            let tail = tail.unwrap();
            assert!(tail.ends_with("LAST LINE\n") && tail.len() <= 64 * 1024);
            assert!(!head.contains('\u{fffd}') && !tail.contains('\u{fffd}'));
        }
        other => panic!("{other:?}"),
    }
    // progress.jsonl and the simulator log are text.
    assert!(matches!(
        fx.preview("logs/sim.log").await,
        PreviewContent::Text { .. }
    ));
}

#[tokio::test]
async fn json_previews_as_a_value_when_small_and_capped_text_when_large() {
    let fx = finished_run().await;
    fx.put("output/small.json", r#"{"a": [1, 2, {"b": NaN}], "s": "x"}"#);
    match fx.preview("output/small.json").await {
        PreviewContent::Json {
            value,
            pretty,
            truncated,
        } => {
            assert_eq!(
                value.unwrap(),
                serde_json::json!({"a": [1, 2, {"b": null}], "s": "x"})
            );
            assert!(pretty.is_none() && !truncated);
        }
        other => panic!("{other:?}"),
    }
    let big: Vec<serde_json::Value> = (0..60_000)
        .map(|i| serde_json::json!({"i": i, "name": "a fairly long value"}))
        .collect();
    fx.put("output/big.json", serde_json::to_vec(&big).unwrap());
    match fx.preview("output/big.json").await {
        PreviewContent::Json {
            value,
            pretty,
            truncated,
        } => {
            assert!(value.is_none() && truncated);
            let pretty = pretty.unwrap();
            assert!(pretty.len() <= 256 * 1024 && pretty.starts_with("[\n  {"));
        }
        other => panic!("{other:?}"),
    }
    fx.put("output/broken.json", "{\"a\": ");
    match fx.preview("output/broken.json").await {
        PreviewContent::Text { note, .. } => assert!(note.unwrap().contains("not valid JSON")),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn csv_previews_as_a_table_with_rows_capped() {
    let fx = finished_run().await;
    let mut csv = String::from("erlang,blocking,note\n");
    for i in 0..1200 {
        csv.push_str(&format!("{i},0.{i},\"a, \"\"quoted\"\" note\"\n"));
    }
    fx.put("output/table.csv", &csv);
    match fx.preview("output/table.csv").await {
        PreviewContent::Csv {
            header,
            rows,
            rows_shown,
            truncated,
            delimiter,
        } => {
            assert_eq!(header, ["erlang", "blocking", "note"]);
            assert_eq!(rows.len(), 500);
            assert_eq!(rows_shown, 500);
            assert!(truncated);
            assert_eq!(delimiter, ",");
            assert_eq!(rows[3], ["3", "0.3", "a, \"quoted\" note"]);
        }
        other => panic!("{other:?}"),
    }
    fx.put("output/small.tsv", "a\tb\n1\t2\n");
    match fx.preview("output/small.tsv").await {
        PreviewContent::Csv { rows, truncated, .. } => {
            assert_eq!(rows, vec![vec!["1", "2"]]);
            assert!(!truncated);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn images_come_back_as_base64_data_and_svg_never_as_markup() {
    let fx = finished_run().await;
    let png =
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00".to_vec();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("plots/bp.png", png.clone(), "image/png"),
        (
            "plots/bp.jpg",
            b"\xff\xd8\xff\xe0\x00\x10JFIF\x00".to_vec(),
            "image/jpeg",
        ),
        (
            "plots/bp.gif",
            b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec(),
            "image/gif",
        ),
        (
            "plots/bp.webp",
            b"RIFF\x1a\x00\x00\x00WEBPVP8 ".to_vec(),
            "image/webp",
        ),
        // The extension lies: the bytes decide.
        ("plots/misnamed.dat", png.clone(), "image/png"),
    ];
    for (rel, bytes, mime) in cases {
        fx.put(rel, &bytes);
        match fx.preview(rel).await {
            PreviewContent::Image { mime: m, data_base64 } => {
                assert_eq!(m, mime, "{rel}");
                let decoded = base64::engine::general_purpose::STANDARD
                    .decode(data_base64)
                    .unwrap();
                assert_eq!(decoded, bytes);
            }
            other => panic!("{rel}: {other:?}"),
        }
    }
    let svg =
        r#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
    fx.put("plots/bp.svg", svg);
    match fx.preview("plots/bp.svg").await {
        PreviewContent::Image { mime, data_base64 } => {
            assert_eq!(mime, "image/svg+xml");
            assert!(!data_base64.contains("<script"));
        }
        other => panic!("{other:?}"),
    }
    // A .png that is really text is previewed as text.
    fx.put("plots/fake.png", "just text");
    assert!(matches!(
        fx.preview("plots/fake.png").await,
        PreviewContent::Text { .. }
    ));
    // Over the cap: described, not sent.
    let mut huge = png.clone();
    huge.resize(9 * 1024 * 1024, 0);
    fx.put("plots/huge.png", &huge);
    match fx.preview("plots/huge.png").await {
        PreviewContent::Binary { note, .. } => assert!(note.is_some()),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn binary_files_are_described_never_dumped() {
    let fx = finished_run().await;
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "a.gz",
            b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03secretbytes".to_vec(),
            "gzip",
        ),
        ("a.bin", b"\x7fELF\x02\x01\x01\x00secretbytes".to_vec(), "ELF"),
        ("a.db", b"SQLite format 3\x00secretbytes".to_vec(), "SQLite"),
        ("a.npy", b"\x93NUMPY\x01\x00secretbytes".to_vec(), "NumPy"),
        ("a.pdf", b"%PDF-1.7\nsecretbytes".to_vec(), "PDF"),
        ("a.raw", b"\x00\x01\x02secretbytes\x00".to_vec(), "binary"),
        ("a.txt", b"latin1 \xe9\xe8 secretbytes".to_vec(), "binary"),
    ];
    for (rel, bytes, what) in cases {
        fx.put(rel, &bytes);
        let preview = fx.desk().artifacts().preview_artifact(&fx.id, rel).await.unwrap();
        assert_eq!(preview.size, bytes.len() as u64);
        let json = serde_json::to_string(&preview).unwrap();
        assert!(!json.contains("secretbytes"), "{rel}: {json}");
        match preview.content {
            PreviewContent::Binary { detected, .. } => assert!(detected.contains(what), "{rel}: {detected}"),
            other => panic!("{rel}: {other:?}"),
        }
    }
    fx.put("empty.txt", "");
    assert!(matches!(
        fx.preview("empty.txt").await,
        PreviewContent::Text { .. }
    ));
    let err = fx
        .desk()
        .artifacts()
        .preview_artifact(&fx.id, "output")
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
}

#[tokio::test]
async fn native_actions_get_a_checked_absolute_path() {
    let fx = finished_run().await;
    let path = fx
        .desk()
        .artifacts()
        .resolve_for_open(&fx.id, "logs/sim.log")
        .await
        .unwrap();
    assert!(path.is_absolute());
    assert_eq!(path, fx.run_dir.join("logs/sim.log"));
    assert_eq!(
        fx.desk().artifacts().resolve_for_open(&fx.id, "").await.unwrap(),
        fx.run_dir
    );
    assert_eq!(
        fx.desk()
            .artifacts()
            .resolve_for_open(&fx.id, "output")
            .await
            .unwrap(),
        fx.run_dir.join("output")
    );
    std::os::unix::fs::symlink("/etc", fx.run_dir.join("etc")).unwrap();
    for (path, code) in [
        ("etc", ErrorCode::ForbiddenPath),
        ("etc/passwd", ErrorCode::ForbiddenPath),
        ("../", ErrorCode::ForbiddenPath),
        ("/etc/passwd", ErrorCode::ForbiddenPath),
        ("%2e%2e/x", ErrorCode::ForbiddenPath),
        ("nope.txt", ErrorCode::NotFound),
        ("@nope/x", ErrorCode::NotFound),
    ] {
        let err = fx
            .desk()
            .artifacts()
            .resolve_for_open(&fx.id, path)
            .await
            .unwrap_err();
        assert_eq!(err.code, code, "{path}: {err:?}");
    }
    for (id, code) in [
        ("../../etc", ErrorCode::InvalidInput),
        ("ABCDEF012345", ErrorCode::InvalidInput),
        ("0123456789ab", ErrorCode::NotFound),
    ] {
        let err = fx
            .desk()
            .artifacts()
            .resolve_for_open(id, "config.ini")
            .await
            .unwrap_err();
        assert_eq!(err.code, code, "{id}");
        let err = fx
            .desk()
            .artifacts()
            .list_artifacts(id, "", None, None)
            .await
            .unwrap_err();
        assert_eq!(err.code, code, "{id}");
    }
}

#[tokio::test]
async fn extra_roots_are_registered_checked_and_browsable() {
    let fx = finished_run().await;
    let extra = fx.outside().join("FUSION/data/output/NSFNet/1126/05_07_13/s1");
    std::fs::create_dir_all(&extra).unwrap();
    std::fs::write(extra.join("300.0_erlang.json"), "{}").unwrap();
    let root = fx
        .desk()
        .artifacts()
        .register_artifact_root(&fx.id, "fusion", &extra.join("../s1"))
        .await
        .unwrap();
    assert_eq!(Path::new(&root.path), extra, "stored canonical");
    let top = fx
        .desk()
        .artifacts()
        .list_artifacts(&fx.id, "", None, None)
        .await
        .unwrap();
    let first = &top.entries[0];
    assert_eq!((first.name.as_str(), first.kind), ("@fusion", EntryKind::Root));
    assert_eq!(first.location.as_deref(), Some(extra.to_str().unwrap()));
    let inside = fx
        .desk()
        .artifacts()
        .list_artifacts(&fx.id, "@fusion", None, None)
        .await
        .unwrap();
    assert_eq!(inside.entries[0].path, "@fusion/300.0_erlang.json");
    assert_eq!(
        fx.desk()
            .artifacts()
            .resolve_for_open(&fx.id, "@fusion/300.0_erlang.json")
            .await
            .unwrap(),
        extra.join("300.0_erlang.json")
    );

    for (label, path, code) in [
        ("bad/label", extra.clone(), ErrorCode::InvalidInput),
        ("", extra.clone(), ErrorCode::InvalidInput),
        ("ok", PathBuf::from("relative/dir"), ErrorCode::InvalidInput),
        ("ok", fx.outside().join("missing"), ErrorCode::NotFound),
        ("ok", fx.run_dir.clone(), ErrorCode::ForbiddenPath),
        ("ok", fx.t.home.path().to_owned(), ErrorCode::ForbiddenPath),
        ("ok", PathBuf::from("/"), ErrorCode::ForbiddenPath),
    ] {
        let err = fx
            .desk()
            .artifacts()
            .register_artifact_root(&fx.id, label, &path)
            .await
            .unwrap_err();
        assert_eq!(err.code, code, "{label} {}: {err:?}", path.display());
    }
    assert_eq!(
        fx.desk().artifacts().artifact_roots(&fx.id).await.unwrap().len(),
        1
    );
    // Deleting the run forgets its roots (and never touches them).
    fx.desk().delete(&fx.id).await.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM artifact_roots")
        .fetch_one(fx.desk().ctx().store().raw_pool())
        .await
        .unwrap();
    assert_eq!(n, 0);
    assert!(extra.join("300.0_erlang.json").is_file());
}

#[tokio::test]
async fn exports_copy_files_folders_and_whole_runs_without_overwriting() {
    let fx = finished_run().await;
    let dest_dir = fx.outside();
    fx.put("output/sub/a.txt", "A");
    fx.put("output/sub/deeper/b.txt", "BB");

    let file = dest_dir.join("sim-copy.log");
    let s = fx
        .desk()
        .artifacts()
        .export_artifacts(&fx.id, Some("logs/sim.log"), &file, false)
        .await
        .unwrap();
    assert_eq!(s.files, 1);
    assert_eq!(
        std::fs::read(&file).unwrap(),
        std::fs::read(fx.run_dir.join("logs/sim.log")).unwrap()
    );
    let src_mtime = std::fs::metadata(fx.run_dir.join("logs/sim.log"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(std::fs::metadata(&file).unwrap().modified().unwrap(), src_mtime);

    // An existing destination is refused unless overwriting is asked for.
    std::fs::write(&file, "old").unwrap();
    let err = fx
        .desk()
        .artifacts()
        .export_artifacts(&fx.id, Some("config.ini"), &file, false)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidState);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "old");
    fx.desk()
        .artifacts()
        .export_artifacts(&fx.id, Some("config.ini"), &file, true)
        .await
        .unwrap();
    assert_eq!(
        std::fs::read(&file).unwrap(),
        std::fs::read(fx.run_dir.join("config.ini")).unwrap()
    );

    let folder = dest_dir.join("sub-copy");
    let s = fx
        .desk()
        .artifacts()
        .export_artifacts(&fx.id, Some("output/sub"), &folder, false)
        .await
        .unwrap();
    assert_eq!((s.files, s.bytes), (2, 3));
    assert_eq!(
        std::fs::read_to_string(folder.join("deeper/b.txt")).unwrap(),
        "BB"
    );
    let err = fx
        .desk()
        .artifacts()
        .export_artifacts(&fx.id, Some("output/sub"), &folder, false)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidState);

    let extra = dest_dir.join("fusion-src");
    std::fs::create_dir(&extra).unwrap();
    std::fs::write(extra.join("300.0_erlang.json"), "{}").unwrap();
    fx.desk()
        .artifacts()
        .register_artifact_root(&fx.id, "fusion", &extra)
        .await
        .unwrap();
    let whole = dest_dir.join("whole-run");
    let s = fx
        .desk()
        .artifacts()
        .export_artifacts(&fx.id, None, &whole, false)
        .await
        .unwrap();
    assert!(whole.join("config.ini").is_file());
    assert!(whole.join("logs/sim.log").is_file());
    assert!(whole.join("output/sub/deeper/b.txt").is_file());
    assert!(s.files >= 5, "{s:?}");
    // The folder the simulator reported is copied in bulk only when asked.
    assert!(!whole.join("@fusion").exists());
    let with = dest_dir.join("whole-run-with-reported");
    fx.desk()
        .artifacts()
        .export_artifacts_with(&fx.id, None, &with, false, true)
        .await
        .unwrap();
    assert!(with.join("@fusion/300.0_erlang.json").is_file());
    // Nothing left behind under a temporary name.
    let leftovers: Vec<_> = std::fs::read_dir(&dest_dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("fdesk-partial"))
        .collect();
    assert!(leftovers.is_empty());

    for (dest, code) in [
        (fx.run_dir.join("output/copy.txt"), ErrorCode::ForbiddenPath),
        (fx.t.home.path().join("copy.txt"), ErrorCode::ForbiddenPath),
        (extra.join("copy.txt"), ErrorCode::ForbiddenPath),
        (PathBuf::from("relative.txt"), ErrorCode::InvalidInput),
        (dest_dir.join("missing/dir/x.txt"), ErrorCode::NotFound),
        (dest_dir.join("a/../b.txt"), ErrorCode::ForbiddenPath),
    ] {
        let err = fx
            .desk()
            .artifacts()
            .export_artifacts(&fx.id, Some("config.ini"), &dest, false)
            .await
            .unwrap_err();
        assert_eq!(err.code, code, "{}: {err:?}", dest.display());
    }
    // A path whose parent contains the run: refused too (a copy into itself).
    let err = fx
        .desk()
        .artifacts()
        .export_artifacts(&fx.id, None, &fx.run_dir.join("output/self"), false)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::ForbiddenPath);
}

//! Staging a run's files into its remote folder, following files that grow
//! there, listing and fetching results.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::time::{Duration, Instant};

use fusion_desk_remote::{ErrorKind, RemoteRoot};

use crate::support::login_node::login_node;
use crate::support::remote_files::{lines, start_appender};

const RUN: &str = "0123456789ab";

#[tokio::test]
async fn pushes_files_atomically_and_a_second_push_changes_nothing() {
    let Some(node) = login_node() else {
        return;
    };
    let conn = node.connection();
    let root = RemoteRoot::resolve(&conn, "$SCRATCH/fusion desk").await.unwrap();
    let run_dir = root.run_dir(RUN).unwrap();
    let local = tempfile::tempdir().unwrap();
    let config = local.path().join("config.ini");
    let script = local.path().join("slurm.sh");
    std::fs::write(&config, "[general_settings]\nmax_iters = 2\n").unwrap();
    std::fs::write(&script, "#!/bin/sh\necho hi\n").unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();

    conn.push_files(&run_dir, &[&config, &script]).await.unwrap();
    let remote = node.scratch_path(&format!("fusion desk/runs/{RUN}"));
    let meta = |name: &str| std::fs::metadata(remote.join(name)).unwrap();
    assert_eq!(
        std::fs::read_to_string(remote.join("config.ini")).unwrap(),
        "[general_settings]\nmax_iters = 2\n"
    );
    assert_eq!(meta("config.ini").mode() & 0o777, 0o600);
    assert_eq!(meta("slurm.sh").mode() & 0o777, 0o700);
    assert_eq!(std::fs::metadata(&remote).unwrap().mode() & 0o777, 0o700);
    let owner = meta("config.ini").uid();
    assert_ne!(owner, 0, "the files belong to the cluster user");

    let inode = meta("config.ini").ino();
    conn.push_files(&run_dir, &[&config, &script]).await.unwrap();
    assert_eq!(
        meta("config.ini").ino(),
        inode,
        "an unchanged file is not rewritten"
    );

    std::fs::write(&config, "[general_settings]\nmax_iters = 3\n").unwrap();
    conn.push_files(&run_dir, &[&config]).await.unwrap();
    assert_eq!(
        std::fs::read_to_string(remote.join("config.ini")).unwrap(),
        "[general_settings]\nmax_iters = 3\n"
    );
    assert_ne!(
        meta("config.ini").ino(),
        inode,
        "a changed file is renamed into place"
    );
    let mut names: Vec<String> = std::fs::read_dir(&remote)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["config.ini", "slurm.sh"], "no temporary file is left");
}

#[tokio::test]
async fn follows_a_file_while_a_remote_process_appends_to_it() {
    let Some(node) = login_node() else {
        return;
    };
    let conn = node.connection();
    let root = RemoteRoot::from_absolute(&node.scratch).unwrap();
    let log = root.join("sim.log").unwrap();
    let first = conn.pull_from(&log, 0, 1 << 20).await.unwrap();
    assert_eq!((first.remote_size, first.next_offset), (None, 0), "not there yet");

    start_appender(&conn, &log, 40, "0.05").await;
    let want = lines(40);
    let (mut got, mut offset, mut polls) = (Vec::new(), 0, 0);
    let deadline = Instant::now() + Duration::from_secs(30);
    while got.len() < want.len() {
        assert!(
            Instant::now() < deadline,
            "got {:?}",
            String::from_utf8_lossy(&got)
        );
        let pulled = conn.pull_from(&log, offset, 1 << 20).await.unwrap();
        assert!(!pulled.restarted);
        got.extend(&pulled.bytes);
        offset = pulled.next_offset;
        polls += 1;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(String::from_utf8(got).unwrap(), want);
    assert!(polls > 3, "the lines came over several pulls ({polls})");
}

#[tokio::test]
async fn pulls_are_capped_and_carry_raw_bytes() {
    let Some(node) = login_node() else {
        return;
    };
    let conn = node.connection();
    let root = RemoteRoot::from_absolute(&node.scratch).unwrap();
    let file = root.join("progress.bin").unwrap();
    let mut content: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
    content.extend(b"\xff\xfe\x00 not utf-8 \xc3");
    std::fs::write(node.scratch_path("progress.bin"), &content).unwrap();

    let mut got: Vec<u8> = Vec::new();
    let mut offset = 0;
    let mut calls = 0;
    loop {
        let pulled = conn.pull_from(&file, offset, 4096).await.unwrap();
        assert!(pulled.bytes.len() <= 4096);
        assert_eq!(pulled.remote_size, Some(content.len() as u64));
        if pulled.bytes.is_empty() {
            break;
        }
        got.extend(&pulled.bytes);
        offset = pulled.next_offset;
        calls += 1;
    }
    assert_eq!(got, content);
    assert_eq!(calls, 3);
}

#[tokio::test]
async fn a_file_shorter_than_the_offset_is_read_again_from_its_start() {
    let Some(node) = login_node() else {
        return;
    };
    let conn = node.connection();
    let root = RemoteRoot::from_absolute(&node.scratch).unwrap();
    let file = root.join("sim.log").unwrap();
    std::fs::write(node.scratch_path("sim.log"), "first run\n").unwrap();
    let pulled = conn.pull_from(&file, 0, 1024).await.unwrap();
    assert_eq!(pulled.next_offset, 10);
    std::fs::write(node.scratch_path("sim.log"), "new\n").unwrap();
    let again = conn.pull_from(&file, pulled.next_offset, 1024).await.unwrap();
    assert!(again.restarted);
    assert_eq!((again.bytes.as_slice(), again.next_offset), (&b"new\n"[..], 4));
}

#[tokio::test]
async fn lists_results_with_sizes_and_fetches_small_ones_then_a_large_one() {
    let Some(node) = login_node() else {
        return;
    };
    let conn = node.connection();
    let root = RemoteRoot::from_absolute(&node.scratch).unwrap();
    let out = root.join("output").unwrap();
    conn.run_ok(&[
        "/bin/sh",
        "-c",
        r#"mkdir -p "$1/s1" && printf '{"b":1}' > "$1/300_erlang.json" &&
           printf 'x' > "$1/s1/a b.json" && head -c 200000 /dev/zero > "$1/big.bin" &&
           ln -s /etc/passwd "$1/link""#,
        "sh",
        out.as_str(),
    ])
    .await
    .unwrap();

    let listing = conn.list(&out, 100).await.unwrap();
    let mut entries: Vec<(String, bool, u64)> = listing
        .entries
        .iter()
        .map(|e| (e.path.clone(), e.is_dir, e.size))
        .collect();
    entries.sort();
    assert_eq!(
        entries,
        [
            ("300_erlang.json".to_owned(), false, 7),
            ("big.bin".to_owned(), false, 200_000),
            ("s1".to_owned(), true, 0),
            ("s1/a b.json".to_owned(), false, 1),
        ]
    );
    assert!(!listing.truncated);
    assert!(conn.list(&out, 2).await.unwrap().truncated);

    let local = tempfile::tempdir().unwrap();
    let dest = local.path().join("output");
    conn.fetch_dir(&out, &dest, Some(10_000)).await.unwrap();
    assert_eq!(
        std::fs::read_to_string(dest.join("300_erlang.json")).unwrap(),
        "{\"b\":1}"
    );
    assert_eq!(std::fs::read_to_string(dest.join("s1/a b.json")).unwrap(), "x");
    assert!(!dest.join("big.bin").exists(), "large files wait to be asked for");
    assert!(!dest.join("link").exists(), "links are not followed or copied");
    let mode = std::fs::metadata(dest.join("300_erlang.json")).unwrap().mode() & 0o777;
    assert_eq!(mode, 0o600);

    let big = out.join("big.bin").unwrap();
    conn.fetch_file(&big, &dest.join("big.bin")).await.unwrap();
    assert_eq!(std::fs::metadata(dest.join("big.bin")).unwrap().len(), 200_000);

    let missing = root.join("nothing-here").unwrap();
    let e = conn.list(&missing, 10).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);
    let e = conn.fetch_file(&missing, &dest.join("x")).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound, "{e}");
    // The remote rsync would expand `[.][.]` into `..`.
    let wild = out.join("[.][.]/300_erlang.json").unwrap();
    let e = conn.fetch_file(&wild, &dest.join("y")).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput, "{e}");
    assert!(!dest.join("y").exists());
}

#[tokio::test]
async fn pulls_many_files_in_one_call_each_with_its_own_state() {
    let Some(node) = login_node() else {
        return;
    };
    let conn = node.connection();
    let root = RemoteRoot::from_absolute(&node.scratch).unwrap();
    std::fs::write(node.scratch_path("a.log"), "aaaa\nbb").unwrap();
    std::fs::write(node.scratch_path("short.log"), "x\n").unwrap();
    std::fs::create_dir(node.scratch_path("folder")).unwrap();
    let (a, short, missing, folder) = (
        root.join("a.log").unwrap(),
        root.join("short.log").unwrap(),
        root.join("missing.log").unwrap(),
        root.join("folder").unwrap(),
    );
    let got = conn
        .pull_many(&[(&a, 5), (&short, 100), (&missing, 0), (&folder, 0)], 1024)
        .await
        .unwrap();
    assert_eq!(got.len(), 4);
    let a = got[0].as_ref().unwrap();
    assert_eq!((a.bytes.as_slice(), a.next_offset), (&b"bb"[..], 7));
    let short = got[1].as_ref().unwrap();
    assert!(short.restarted);
    assert_eq!(short.bytes, b"x\n");
    assert_eq!(got[2].as_ref().unwrap().remote_size, None);
    assert_eq!(got[3].as_ref().unwrap_err().kind, ErrorKind::InvalidInput);

    // More files than one command carries.
    let many: Vec<_> = (0..300)
        .map(|i| {
            std::fs::write(node.scratch_path(&format!("f{i}")), format!("{i}\n")).unwrap();
            root.join(&format!("f{i}")).unwrap()
        })
        .collect();
    let asks: Vec<_> = many.iter().map(|f| (f, 0)).collect();
    let got = conn.pull_many(&asks, 64).await.unwrap();
    for (i, pulled) in got.into_iter().enumerate() {
        assert_eq!(pulled.unwrap().bytes, format!("{i}\n").into_bytes());
    }
}

#[tokio::test]
async fn pushes_a_tree_of_many_run_folders_in_one_transfer() {
    let Some(node) = login_node() else {
        return;
    };
    let conn = node.connection();
    let root = RemoteRoot::resolve(&conn, "$SCRATCH/fusion desk").await.unwrap();
    let tree = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (0..50).map(|i| format!("{i:012x}")).collect();
    for id in &ids {
        let run = tree.path().join("runs").join(id);
        std::fs::create_dir_all(run.join("logs")).unwrap();
        std::fs::create_dir_all(run.join("output")).unwrap();
        std::fs::write(run.join("config.ini"), format!("[run]\nid = {id}\n")).unwrap();
        std::fs::write(run.join("slurm.sh"), "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(run.join("slurm.sh"), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    // Something already on the cluster stays, and the folder itself keeps
    // the mode its owner gave it.
    let remote = node.scratch_path("fusion desk");
    let kept = root.join(&format!("runs/{}/logs/sim.log", ids[0])).unwrap();
    conn.run_ok(&[
        "/bin/sh",
        "-c",
        r#"mkdir -p "$(dirname "$2")" && echo kept > "$2" && chmod 750 "$1""#,
        "sh",
        root.as_str(),
        kept.as_str(),
    ])
    .await
    .unwrap();

    conn.push_tree(tree.path(), root.path()).await.unwrap();
    for id in &ids {
        let run = remote.join("runs").join(id);
        assert_eq!(
            std::fs::read_to_string(run.join("config.ini")).unwrap(),
            format!("[run]\nid = {id}\n")
        );
        let mode = |p: &str| std::fs::metadata(run.join(p)).unwrap().mode() & 0o777;
        assert_eq!(
            (mode("slurm.sh"), mode("config.ini"), mode("logs"), mode("output")),
            (0o700, 0o600, 0o700, 0o700),
            "{id}"
        );
    }
    assert_eq!(
        std::fs::read_to_string(remote.join("runs").join(&ids[0]).join("logs/sim.log")).unwrap(),
        "kept\n"
    );
    assert_eq!(std::fs::metadata(&remote).unwrap().mode() & 0o777, 0o750);
    // Repeating the push rewrites nothing.
    let config = remote.join("runs").join(&ids[1]).join("config.ini");
    let inode = std::fs::metadata(&config).unwrap().ino();
    conn.push_tree(tree.path(), root.path()).await.unwrap();
    assert_eq!(std::fs::metadata(&config).unwrap().ino(), inode);
}

#[tokio::test]
async fn a_tree_with_a_link_or_a_name_the_cluster_cannot_take_is_refused_before_sending() {
    let Some(node) = login_node() else {
        return;
    };
    let conn = node.connection();
    let root = RemoteRoot::from_absolute(&node.scratch).unwrap();
    let dest = root.join("staged").unwrap();

    let linked = tempfile::tempdir().unwrap();
    std::fs::create_dir(linked.path().join("runs")).unwrap();
    std::os::unix::fs::symlink("/etc", linked.path().join("runs/escape")).unwrap();
    let e = conn.push_tree(linked.path(), &dest).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput, "{e}");
    assert!(e.message.contains("escape"), "{e}");

    let named = tempfile::tempdir().unwrap();
    std::fs::write(named.path().join("bad\nname"), "x").unwrap();
    let e = conn.push_tree(named.path(), &dest).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput, "{e}");

    assert!(
        !node.scratch_path("staged").exists(),
        "nothing was created on the cluster"
    );
}

#[tokio::test]
async fn fetches_chosen_paths_of_many_folders_in_one_transfer_and_lists_what_it_left() {
    let Some(node) = login_node() else {
        return;
    };
    let conn = node.connection();
    let root = RemoteRoot::from_absolute(&node.scratch).unwrap();
    let runs = root.join("runs").unwrap();
    conn.run_ok(&[
        "/bin/sh",
        "-c",
        r#"for r in a b c; do mkdir -p "$1/$r/output/s1" "$1/$r/logs"; printf "$r" > "$1/$r/exit.json";
           printf '{}' > "$1/$r/output/s1/300.json"; echo not-asked > "$1/$r/logs/sim.log"; done
           head -c 5000 /dev/zero > "$1/b/output/big.bin"; rm -r "$1/c/output""#,
        "sh",
        runs.as_str(),
    ])
    .await
    .unwrap();
    let local = tempfile::tempdir().unwrap();
    let paths = [
        "a/output",
        "a/exit.json",
        "b/output",
        "b/exit.json",
        "c/output",
        "c/exit.json",
    ];
    conn.fetch_paths(&runs, &paths, local.path(), Some(1000))
        .await
        .unwrap();
    let read = |rel: &str| std::fs::read_to_string(local.path().join(rel)).ok();
    assert_eq!(read("a/exit.json").as_deref(), Some("a"));
    assert_eq!(read("b/output/s1/300.json").as_deref(), Some("{}"));
    assert_eq!(
        read("c/exit.json").as_deref(),
        Some("c"),
        "a missing output/ is no error"
    );
    assert_eq!(read("a/logs/sim.log"), None, "only the paths asked for come");
    assert!(!local.path().join("b/output/big.bin").exists(), "over the cap");

    let outputs: Vec<_> = ["a", "b", "c"]
        .iter()
        .map(|r| runs.join(&format!("{r}/output")).unwrap())
        .collect();
    let dirs: Vec<_> = outputs.iter().collect();
    let left = conn.list_larger_than(&dirs, 1000).await.unwrap();
    let names: Vec<Vec<(String, u64)>> = left
        .iter()
        .map(|l| l.iter().map(|e| (e.path.clone(), e.size)).collect())
        .collect();
    assert_eq!(names, [vec![], vec![("big.bin".to_owned(), 5000)], vec![]]);

    let e = conn
        .fetch_paths(&runs, &["a/../../etc"], local.path(), None)
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput, "{e}");
}

#[tokio::test]
async fn fetches_a_file_of_many_mebibytes_whole() {
    let Some(node) = login_node() else {
        return;
    };
    let conn = node.connection();
    let root = RemoteRoot::from_absolute(&node.scratch).unwrap();
    // Enough to fill the pipe between ssh and rsync many times over.
    let content: Vec<u8> = (0..(16u32 << 20))
        .map(|i| (i.wrapping_mul(2654435761) >> 24) as u8)
        .collect();
    std::fs::write(node.scratch_path("traffic.bin"), &content).unwrap();
    let local = tempfile::tempdir().unwrap();
    let dest = local.path().join("traffic.bin");
    conn.fetch_file(&root.join("traffic.bin").unwrap(), &dest)
        .await
        .unwrap();
    assert!(std::fs::read(&dest).unwrap() == content, "the copy differs");
}

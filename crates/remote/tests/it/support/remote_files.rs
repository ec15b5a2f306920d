//! Making files change on the cluster side while a test follows them.

use fusion_desk_remote::{Connection, RemotePath};

/// Starts a remote process that appends `line 1` … `line n` to `file`,
/// one every `interval` seconds, and returns at once.
pub async fn start_appender(conn: &Connection, file: &RemotePath, n: u32, interval: &str) {
    let script = r#"nohup /bin/sh -c 'i=1; while [ "$i" -le "$2" ]; do echo "line $i" >> "$1"; i=$((i+1)); sleep "$3"; done' sh "$1" "$2" "$3" >/dev/null 2>&1 &"#;
    let n = n.to_string();
    conn.run_ok(&["/bin/sh", "-c", script, "sh", file.as_str(), &n, interval])
        .await
        .unwrap();
}

/// `line 1\n` … `line n\n`.
pub fn lines(n: u32) -> String {
    (1..=n).map(|i| format!("line {i}\n")).collect()
}

//! A run folder's size: measured off the async runtime, cached in the run's
//! row (`disk_bytes`) so lists never walk folders.

use std::path::Path;

use crate::ctx::Ctx;
use crate::error::Result;
use crate::run_id::RunId;

/// Deepest folder level counted; run folders are a few levels deep, and a
/// bound keeps a pathological tree from exhausting the stack.
const MAX_DEPTH: usize = 64;

/// Sum of the sizes of the regular files below `root`, links not followed
/// (a link counts as itself, not what it points to). A missing folder is 0.
pub fn folder_bytes(root: &Path) -> u64 {
    fn walk(dir: &Path, depth: usize) -> u64 {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return 0;
        };
        let mut total = 0;
        for entry in entries.flatten() {
            let Ok(meta) = entry.path().symlink_metadata() else {
                continue;
            };
            if meta.is_dir() {
                if depth < MAX_DEPTH {
                    total += walk(&entry.path(), depth + 1);
                }
            } else {
                total += meta.len();
            }
        }
        total
    }
    walk(root, 0)
}

/// Measures a run's folder now, stores the size and returns it.
pub async fn measure(ctx: &Ctx, id: &RunId) -> Result<u64> {
    let root = ctx.data().run(id).root().to_owned();
    let bytes = tokio::task::spawn_blocking(move || folder_bytes(&root))
        .await
        .map_err(|e| crate::error::DeskError::internal(format!("disk measure task failed: {e}")))?;
    ctx.store().set_disk_bytes(id, bytes).await?;
    Ok(bytes)
}

/// After a run ends: a failure to measure only leaves the size unknown.
pub async fn measure_quietly(ctx: &Ctx, id: &RunId) {
    if let Err(e) = measure(ctx, id).await {
        tracing::warn!(run = %id, "cannot measure the run's disk use: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_below_count_and_links_count_as_themselves() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
        std::fs::write(dir.path().join("a/b/x"), vec![0u8; 1000]).unwrap();
        std::fs::write(dir.path().join("y"), vec![0u8; 24]).unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("big"), vec![0u8; 100_000]).unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("link")).unwrap();
        let link_len = dir.path().join("link").symlink_metadata().unwrap().len();
        assert_eq!(folder_bytes(dir.path()), 1024 + link_len);
        assert_eq!(folder_bytes(&dir.path().join("missing")), 0);
    }
}

//! Putting a run's inputs into its remote folder and bringing its results
//! back, through rsync (see `rsync.rs` for why it is atomic and idempotent).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::connection::Connection;
use crate::error::{RemoteError, Result};
use crate::remote_path::RemotePath;

impl Connection {
    /// Copies local regular `files` into `dir` (created 0700 if missing),
    /// keeping their names, modes less group and other access, and times.
    /// Content already there is not sent again.
    pub async fn push_files(&self, dir: &RemotePath, files: &[&Path]) -> Result<()> {
        if files.is_empty() {
            return Ok(());
        }
        for file in files {
            let meta = std::fs::symlink_metadata(file)
                .map_err(|e| RemoteError::local(&format!("cannot read {}", file.display()), e))?;
            if !meta.is_file() {
                return Err(RemoteError::invalid(format!(
                    "{} is not a regular file",
                    file.display()
                )));
            }
        }
        self.run_ok(&["mkdir", "-p", "-m", "700", dir.as_str()]).await?;
        let mut args: Vec<OsString> = ["--checksum", "--times", "--perms", "--chmod=go-rwx"]
            .map(OsString::from)
            .to_vec();
        args.push("--".into());
        args.extend(files.iter().map(|f| f.as_os_str().to_owned()));
        args.push(self.rsync_remote(dir, true));
        self.rsync(args).await
    }

    /// Copies the local folder `tree` into `dest` (created 0700 if missing)
    /// in ONE transfer, however many folders and files it holds: what
    /// staging a thousand run folders needs, where a transfer per folder
    /// costs a thousand round trips and rsync start-ups. `tree` may hold
    /// only folders and regular files, and every path in it must be a path
    /// `dest.join` accepts, so nothing the transfer writes can land outside
    /// `dest`; both are checked before anything is sent. Folders become
    /// 0700, files keep their modes less group and other access. Nothing
    /// already in `dest` is removed, and content already there is not sent
    /// again.
    pub async fn push_tree(&self, tree: &Path, dest: &RemotePath) -> Result<()> {
        // rsync without --links skips a link made after the check, so a
        // race cannot send one either.
        let top = check_tree(tree, dest)?;
        if top.is_empty() {
            return Ok(());
        }
        self.run_ok(&["mkdir", "-p", "-m", "700", dest.as_str()]).await?;
        let mut args: Vec<OsString> = [
            "--recursive",
            "--checksum",
            "--times",
            "--perms",
            "--chmod=D700,Fgo-rwx",
        ]
        .map(OsString::from)
        .to_vec();
        args.push("--".into());
        // The tree's entries, not the tree itself: `dest` (the profile's
        // folder, perhaps shared with a group) keeps its own mode and times.
        args.extend(top.into_iter().map(|p| p.into_os_string()));
        args.push(self.rsync_remote(dest, true));
        self.rsync(args).await
    }

    /// Copies each of `paths` (relative to `base`: a file, or a folder and
    /// everything under it) to the same relative path under `local`, in ONE
    /// transfer however many there are: the results of a thousand ended
    /// runs in one rsync. Like `fetch_dir`, links, devices and sockets are
    /// skipped, files larger than `max_file_size` too, and a path that does
    /// not exist on the cluster is no error: nothing is copied for it.
    /// Folders made here are 0700 and files 0600; existing local folders
    /// keep their times.
    pub async fn fetch_paths(
        &self,
        base: &RemotePath,
        paths: &[&str],
        local: &Path,
        max_file_size: Option<u64>,
    ) -> Result<()> {
        if paths.is_empty() {
            return Ok(());
        }
        let mut filters: Vec<OsString> = Vec::with_capacity(paths.len() * 3 + 1);
        let mut parents = std::collections::BTreeSet::new();
        for rel in paths {
            base.join(rel)?;
            refuse_wildcards(rel)?;
            let mut at = 0;
            while let Some(slash) = rel[at..].find('/') {
                at += slash + 1;
                parents.insert(rel[..at].to_owned());
            }
            filters.push(format!("--include=/{rel}").into());
            filters.push(format!("--include=/{rel}/***").into());
        }
        filters.extend(parents.into_iter().map(|p| format!("--include=/{p}").into()));
        filters.push("--exclude=*".into());
        std::fs::create_dir_all(local)
            .map_err(|e| RemoteError::local(&format!("cannot create {}", local.display()), e))?;
        let mut args: Vec<OsString> = [
            "--recursive",
            "--times",
            "--omit-dir-times",
            "--perms",
            "--chmod=D700,F600",
        ]
        .map(OsString::from)
        .to_vec();
        if let Some(max) = max_file_size {
            args.push(format!("--max-size={max}").into());
        }
        args.extend(filters);
        args.push("--".into());
        args.push(self.rsync_remote(base, true));
        let mut dest = local.as_os_str().to_owned();
        dest.push("/");
        args.push(dest);
        self.rsync(args).await
    }

    /// Copies one remote file to `local` (written under a temporary name
    /// beside it and renamed), private to the user. The remote rsync
    /// expands wildcards in the names it is sent (`[.][.]` would become
    /// `..`), so a path holding one is refused.
    pub async fn fetch_file(&self, file: &RemotePath, local: &Path) -> Result<()> {
        refuse_wildcards(file.as_str())?;
        let args: Vec<OsString> = vec![
            "--times".into(),
            "--perms".into(),
            "--chmod=F600".into(),
            "--".into(),
            self.rsync_remote(file, false),
            local.as_os_str().to_owned(),
        ];
        self.rsync(args).await
    }

    /// Copies the regular files and folders under `dir` into `local`
    /// (created if missing): links, devices and sockets are skipped, and
    /// files larger than `max_file_size` too (fetch those with
    /// `fetch_file` when asked). Files already fetched are not sent again.
    pub async fn fetch_dir(&self, dir: &RemotePath, local: &Path, max_file_size: Option<u64>) -> Result<()> {
        std::fs::create_dir_all(local)
            .map_err(|e| RemoteError::local(&format!("cannot create {}", local.display()), e))?;
        let mut args: Vec<OsString> = ["--recursive", "--times", "--perms", "--chmod=D700,F600"]
            .map(OsString::from)
            .to_vec();
        if let Some(max) = max_file_size {
            args.push(format!("--max-size={max}").into());
        }
        args.push("--".into());
        args.push(self.rsync_remote(dir, true));
        let mut dest = local.as_os_str().to_owned();
        dest.push("/");
        args.push(dest);
        self.rsync(args).await
    }
}

/// rsync reads these characters in a name or pattern as wildcards.
fn refuse_wildcards(path: &str) -> Result<()> {
    if path.contains(['*', '?', '[', '\\']) {
        return Err(RemoteError::invalid(format!(
            "{path:?} holds a wildcard character (*, ?, [ or \\), which a transfer would expand"
        )));
    }
    Ok(())
}

/// Walks `tree` (no link followed) and checks that it holds folders and
/// regular files only, each at a path `dest` can join; returns its
/// top-level entries.
fn check_tree(tree: &Path, dest: &RemotePath) -> Result<Vec<PathBuf>> {
    let meta = std::fs::symlink_metadata(tree)
        .map_err(|e| RemoteError::local(&format!("cannot read {}", tree.display()), e))?;
    if !meta.is_dir() {
        return Err(RemoteError::invalid(format!(
            "{} is not a folder",
            tree.display()
        )));
    }
    let mut top = Vec::new();
    let mut pending: Vec<(PathBuf, String)> = vec![(tree.to_owned(), String::new())];
    while let Some((dir, rel)) = pending.pop() {
        let entries = std::fs::read_dir(&dir)
            .map_err(|e| RemoteError::local(&format!("cannot read {}", dir.display()), e))?;
        for entry in entries {
            let entry =
                entry.map_err(|e| RemoteError::local(&format!("cannot read {}", dir.display()), e))?;
            let path = entry.path();
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                return Err(RemoteError::invalid(format!(
                    "{} has a name that is not UTF-8",
                    path.display()
                )));
            };
            let child = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            dest.join(&child)?;
            if rel.is_empty() {
                top.push(path.clone());
            }
            let kind = entry
                .file_type()
                .map_err(|e| RemoteError::local(&format!("cannot read {}", path.display()), e))?;
            if kind.is_dir() {
                pending.push((path, child));
            } else if !kind.is_file() {
                return Err(RemoteError::invalid(format!(
                    "{} is neither a folder nor a regular file",
                    path.display()
                )));
            }
        }
    }
    Ok(top)
}

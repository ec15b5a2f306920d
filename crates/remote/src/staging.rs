//! Putting a run's inputs into its remote folder and bringing its results
//! back, through rsync (see `rsync.rs` for why it is atomic and idempotent).

use std::ffi::OsString;
use std::path::Path;

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

    /// Copies one remote file to `local` (written under a temporary name
    /// beside it and renamed), private to the user.
    pub async fn fetch_file(&self, file: &RemotePath, local: &Path) -> Result<()> {
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

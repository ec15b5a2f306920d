//! The only way into a run folder.
//!
//! A run folder is shared with the simulator, which runs as the same user and
//! may put anything under any name there: a symbolic link to a private file,
//! a FIFO, a link to `/dev/zero`, a folder where a file is expected. So every
//! access goes through a directory descriptor opened from `/` one component
//! at a time with `O_NOFOLLOW` ([`fsx::open_root`]), files are opened with
//! `O_NOFOLLOW | O_NONBLOCK` and used only when `fstat` says they are regular
//! files, reads stop at a size cap, and writes go to a randomly named
//! `O_CREAT | O_EXCL` temp file that is renamed over the target with
//! `renameat` (which replaces a planted link instead of writing through it).
//! Modes are set with `fchmod` on the descriptor that was written.

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};

use nix::errno::Errno;
use nix::fcntl::{openat, renameat, OFlag};
use nix::sys::stat::{fchmod, fstat, Mode};
use nix::unistd::{fsync, unlinkat, UnlinkatFlags};

use crate::artifacts::fsx::{self, Kind};
use crate::error::{DeskError, ErrorCode, Result};

/// Mode of every file FUSION Desk writes: its data is the user's alone.
pub const FILE_MODE: u32 = 0o600;
/// Mode of scripts it writes (Slurm run and array scripts).
pub const SCRIPT_MODE: u32 = 0o700;
/// Mode of the folders it creates.
pub const DIR_MODE: u32 = 0o700;

/// Cap for small files the app reads whole (`exit.json`, `cancel.json`).
pub const SMALL_FILE_CAP: u64 = 64 * 1024;
/// Cap for a run's frozen `config.ini` (FUSION's templates are a few KiB).
pub const CONFIG_CAP: u64 = 4 * 1024 * 1024;

/// A folder opened by descriptor; names inside it are resolved relative to
/// that descriptor, never through a symbolic link.
#[derive(Debug)]
pub struct Folder {
    fd: OwnedFd,
    path: PathBuf,
}

impl Folder {
    /// Opens an absolute, canonical folder (a data dir path is canonical),
    /// refusing a symbolic link anywhere along it.
    pub fn open(path: &Path) -> Result<Folder> {
        Ok(Folder {
            fd: fsx::open_root(path)?,
            path: path.to_owned(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The folder `rel` (relative, without `..`) inside this one.
    pub fn sub(&self, rel: &Path) -> Result<Folder> {
        let mut fd = self.fd.try_clone().map_err(|e| DeskError::io("cannot open a folder", e))?;
        for name in names(rel)? {
            fd = fsx::open_dir_at(&fd, name)?;
        }
        Ok(Folder {
            fd,
            path: self.path.join(rel),
        })
    }

    /// The folder holding `rel` and `rel`'s last name.
    fn parent_of<'a>(&self, rel: &'a Path) -> Result<(Folder, &'a OsStr)> {
        let name = rel
            .file_name()
            .ok_or_else(|| DeskError::internal(format!("{} names no file", rel.display())))?;
        let parent = rel.parent().unwrap_or(Path::new(""));
        Ok((self.sub(parent)?, name))
    }

    /// Opens the regular file `rel` for reading.
    pub fn open_file(&self, rel: &Path) -> Result<File> {
        let (dir, name) = self.parent_of(rel)?;
        let (fd, _) = fsx::open_file_at(&dir.fd, name)?;
        Ok(File::from(fd))
    }

    /// Reads the regular file `rel` whole; a file larger than `cap` bytes is
    /// refused (a planted huge file is not loaded).
    pub fn read(&self, rel: &Path, cap: u64) -> Result<Vec<u8>> {
        read_capped(self.open_file(rel)?, cap, rel)
    }

    pub fn read_string(&self, rel: &Path, cap: u64) -> Result<String> {
        String::from_utf8(self.read(rel, cap)?)
            .map_err(|_| DeskError::invalid_input(format!("{} is not UTF-8 text", rel.display())))
    }

    /// `Ok(None)` when `rel` does not exist.
    pub fn read_if_exists(&self, rel: &Path, cap: u64) -> Result<Option<Vec<u8>>> {
        match self.read(rel, cap) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.code == ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// True when `rel` names anything at all (a link counts; it is not followed).
    pub fn exists(&self, rel: &Path) -> bool {
        self.parent_of(rel)
            .and_then(|(dir, name)| fsx::lstat_at(&dir.fd, name))
            .is_ok()
    }

    /// Replaces `rel` atomically with `bytes`: a reader sees the old file or
    /// the whole new one. The temp file's name is random and created with
    /// `O_EXCL`, so nothing planted under a predictable name is written to.
    pub fn write_atomic(&self, rel: &Path, bytes: &[u8], mode: u32) -> Result<()> {
        let (dir, name) = self.parent_of(rel)?;
        let fail = |e: std::io::Error| DeskError::io(format!("cannot write {}", self.path.join(rel).display()), e);
        let (tmp, fd) = create_temp(&dir.fd, name).map_err(fail)?;
        let written = (|| -> std::io::Result<()> {
            fchmod(&fd, Mode::from_bits_truncate(mode)).map_err(std::io::Error::from)?;
            let mut f = File::from(fd);
            f.write_all(bytes)?;
            f.sync_all()?;
            renameat(&dir.fd, tmp.as_os_str(), &dir.fd, name).map_err(std::io::Error::from)?;
            // The rename itself survives a power loss once the folder is synced.
            let _ = fsync(&dir.fd);
            Ok(())
        })();
        written.map_err(|e| {
            let _ = unlinkat(&dir.fd, tmp.as_os_str(), UnlinkatFlags::NoRemoveDir);
            fail(e)
        })
    }

    /// Opens (creating it 0600 if missing) a regular file to append to; a
    /// link or anything but a regular file under that name is refused.
    pub fn open_append(&self, rel: &Path) -> Result<File> {
        self.open_rw(rel, OFlag::O_WRONLY | OFlag::O_APPEND)
    }

    /// Opens (creating it 0600 if missing) a regular file for reading and
    /// writing without truncating it: the run lock.
    pub fn open_lock(&self, rel: &Path) -> Result<File> {
        self.open_rw(rel, OFlag::O_RDWR)
    }

    fn open_rw(&self, rel: &Path, access: OFlag) -> Result<File> {
        let (dir, name) = self.parent_of(rel)?;
        let shown = self.path.join(rel);
        let flags = access | OFlag::O_CREAT | OFlag::O_NOFOLLOW | OFlag::O_NONBLOCK | OFlag::O_NOCTTY | OFlag::O_CLOEXEC;
        let fd = openat(&dir.fd, name, flags, Mode::from_bits_truncate(FILE_MODE)).map_err(|e| match e {
            Errno::ELOOP => DeskError::new(
                ErrorCode::ForbiddenPath,
                format!("{} is a symbolic link; it is never followed", shown.display()),
            ),
            e => DeskError::io(format!("cannot open {}", shown.display()), std::io::Error::from(e)),
        })?;
        let st = fstat(&fd).map_err(|e| DeskError::io(format!("cannot stat {}", shown.display()), e.into()))?;
        if Kind::of(&st) != Kind::File {
            return Err(DeskError::new(
                ErrorCode::ForbiddenPath,
                format!("{} is not a regular file", shown.display()),
            ));
        }
        Ok(File::from(fd))
    }

    /// Removes `rel` (a file or a link; never what a link points to).
    pub fn remove_file(&self, rel: &Path) -> Result<()> {
        let (dir, name) = self.parent_of(rel)?;
        match unlinkat(&dir.fd, name, UnlinkatFlags::NoRemoveDir) {
            Ok(()) | Err(Errno::ENOENT) => Ok(()),
            Err(e) => Err(DeskError::io(
                format!("cannot remove {}", self.path.join(rel).display()),
                e.into(),
            )),
        }
    }

    /// Creates the folder `rel` with mode 0700 (an existing folder is fine).
    pub fn create_dir(&self, rel: &Path) -> Result<()> {
        let (dir, name) = self.parent_of(rel)?;
        match nix::sys::stat::mkdirat(&dir.fd, name, Mode::from_bits_truncate(DIR_MODE)) {
            Ok(()) | Err(Errno::EEXIST) => Ok(()),
            Err(e) => Err(DeskError::io(
                format!("cannot create {}", self.path.join(rel).display()),
                e.into(),
            )),
        }
    }
}

impl AsFd for Folder {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

/// The plain names of a relative path; `..`, `.` and absolute parts are refused.
fn names(rel: &Path) -> Result<Vec<&OsStr>> {
    rel.components()
        .map(|c| match c {
            Component::Normal(n) => Ok(n),
            _ => Err(DeskError::internal(format!(
                "{} is not a plain relative path",
                rel.display()
            ))),
        })
        .collect()
}

/// `.<name>.<16 random hex digits>.tmp`, created with `O_EXCL`.
fn create_temp(dir: &OwnedFd, name: &OsStr) -> std::io::Result<(OsString, OwnedFd)> {
    for _ in 0..16 {
        let mut tmp = OsString::from(".");
        tmp.push(name);
        tmp.push(format!(".{:016x}.tmp", rand::random::<u64>()));
        let flags = OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
        match openat(dir, tmp.as_os_str(), flags, Mode::from_bits_truncate(FILE_MODE)) {
            Ok(fd) => return Ok((tmp, fd)),
            Err(Errno::EEXIST) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::AlreadyExists,
        "no free temp file name",
    ))
}

fn read_capped(file: File, cap: u64, what: &Path) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    file.take(cap + 1)
        .read_to_end(&mut buf)
        .map_err(|e| DeskError::io(format!("cannot read {}", what.display()), e))?;
    if buf.len() as u64 > cap {
        return Err(DeskError::invalid_input(format!(
            "{} is larger than {cap} bytes",
            what.display()
        )));
    }
    Ok(buf)
}

/// Opens the regular file at the absolute, canonical `path` for reading,
/// with no symbolic link followed anywhere along it.
pub fn open_file(path: &Path) -> Result<File> {
    let (dir, name) = split(path)?;
    Folder::open(dir)?.open_file(Path::new(name))
}

/// [`open_file`] for readers built on `std::io`: a missing file is
/// `NotFound`, a refused one (a link, a FIFO, a device) an error that says why.
pub fn open_file_io(path: &Path) -> std::io::Result<File> {
    open_file(path).map_err(|e| match e.code {
        ErrorCode::NotFound => std::io::Error::new(std::io::ErrorKind::NotFound, e.message),
        _ => std::io::Error::other(e.message),
    })
}

/// Reads the regular file at `path` whole, refusing more than `cap` bytes.
pub fn read(path: &Path, cap: u64) -> Result<Vec<u8>> {
    read_capped(open_file(path)?, cap, path)
}

pub fn read_string(path: &Path, cap: u64) -> Result<String> {
    String::from_utf8(read(path, cap)?)
        .map_err(|_| DeskError::invalid_input(format!("{} is not UTF-8 text", path.display())))
}

/// Replaces the file at `path` atomically (see [`Folder::write_atomic`]).
pub fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    let (dir, name) = split(path)?;
    Folder::open(dir)?.write_atomic(Path::new(name), bytes, mode)
}

/// Reads a file a config names by absolute path (a topology, a modulation
/// table): links are followed (the path is the user's), but only a regular
/// file of at most `cap` bytes is read, opened so a FIFO cannot block, and
/// errors name the path, never its content.
pub fn read_named_file(path: &Path, cap: u64) -> Result<String> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(|e| DeskError::io(format!("cannot read {}", path.display()), e))?;
    let meta = file
        .metadata()
        .map_err(|e| DeskError::io(format!("cannot read {}", path.display()), e))?;
    if !meta.is_file() {
        return Err(DeskError::invalid_input(format!(
            "{} is not a regular file",
            path.display()
        )));
    }
    let bytes = read_capped(file, cap, path)?;
    String::from_utf8(bytes)
        .map_err(|_| DeskError::invalid_input(format!("{} is not UTF-8 text", path.display())))
}

/// Writes a file the user chose to save to (an export): the folder is
/// resolved as the user sees it (it may be reached through a link, such as
/// a linked home), the file replaced atomically through a random temp name.
pub fn write_chosen(path: &Path, bytes: &[u8]) -> Result<()> {
    let (dir, name) = split(path)?;
    let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    let dir = dir
        .canonicalize()
        .map_err(|e| DeskError::io(format!("cannot resolve {}", dir.display()), e))?;
    Folder::open(&dir)?.write_atomic(Path::new(name), bytes, 0o644)
}

/// Opens `path` to append, created 0600 if missing (see [`Folder::open_append`]).
pub fn open_append(path: &Path) -> Result<File> {
    let (dir, name) = split(path)?;
    Folder::open(dir)?.open_append(Path::new(name))
}

/// Opens the lock file at `path` (see [`Folder::open_lock`]).
pub fn open_lock(path: &Path) -> Result<File> {
    let (dir, name) = split(path)?;
    Folder::open(dir)?.open_lock(Path::new(name))
}

/// True when `path` names an existing regular file, reached without
/// following a link.
pub fn is_file(path: &Path) -> bool {
    open_file(path).is_ok()
}

fn split(path: &Path) -> Result<(&Path, &OsStr)> {
    match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) if !name.as_bytes().is_empty() => Ok((dir, name)),
        _ => Err(DeskError::internal(format!("{} names no file", path.display()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn scratch() -> (tempfile::TempDir, Folder) {
        let dir = tempfile::tempdir().unwrap();
        let folder = Folder::open(&dir.path().canonicalize().unwrap()).unwrap();
        (dir, folder)
    }

    #[test]
    fn writes_replace_a_planted_link_instead_of_following_it() {
        let (dir, folder) = scratch();
        let canary = dir.path().join("canary");
        std::fs::write(&canary, "secret").unwrap();
        std::os::unix::fs::symlink(&canary, dir.path().join("exit.json")).unwrap();
        folder.write_atomic(Path::new("exit.json"), b"{}", FILE_MODE).unwrap();
        assert_eq!(std::fs::read_to_string(&canary).unwrap(), "secret");
        let meta = std::fs::symlink_metadata(dir.path().join("exit.json")).unwrap();
        assert!(meta.is_file());
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        // Nothing but the two files is left: the temp name was renamed away.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn reads_refuse_links_fifos_devices_and_oversized_files() {
        let (dir, folder) = scratch();
        std::fs::write(dir.path().join("secret"), "k").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret"), dir.path().join("link")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero")).unwrap();
        nix::unistd::mkfifo(&dir.path().join("fifo"), Mode::from_bits_truncate(0o600)).unwrap();
        std::fs::write(dir.path().join("big"), vec![b'x'; 100]).unwrap();
        for name in ["link", "zero", "fifo"] {
            let e = folder.read(Path::new(name), 1024).unwrap_err();
            assert!(e.message.contains(name), "{e:?}");
        }
        assert!(folder.read(Path::new("big"), 99).is_err());
        assert_eq!(folder.read(Path::new("big"), 100).unwrap().len(), 100);
        assert_eq!(folder.read_if_exists(Path::new("none"), 10).unwrap(), None);
        assert!(folder.open_append(Path::new("fifo")).is_err());
        assert!(folder.open_lock(Path::new("link")).is_err());
    }

    #[test]
    fn a_linked_subfolder_is_not_entered() {
        let (dir, folder) = scratch();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("sim.log"), "secret").unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("logs")).unwrap();
        assert!(folder.read(Path::new("logs/sim.log"), 1024).is_err());
        assert!(folder.open_append(Path::new("logs/sim.log")).is_err());
        assert!(folder.read(Path::new("../x"), 1024).is_err());
    }
}

//! File access that cannot leave a root, whatever happens on disk meanwhile.
//!
//! Every access starts from a directory descriptor of the root and walks one
//! name at a time with `openat(O_NOFOLLOW)`: a symbolic link anywhere on the
//! way, even one swapped in by another process between two steps, makes the
//! open fail instead of being followed. What is finally read is read from the
//! descriptor that was opened, never from a path string, so no later change
//! of the tree can redirect it. Roots themselves are opened the same way from
//! `/`, along their canonical path.
//!
//! The rule for symbolic links is therefore simple: they are listed (as
//! links, with their target text) but never followed, wherever they point.

use std::ffi::{OsStr, OsString};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path};

use nix::dir::{Dir, Type};
use nix::errno::Errno;
use nix::fcntl::{openat, readlinkat, AtFlags, OFlag};
use nix::sys::stat::{fstat, fstatat, FileStat, Mode, SFlag};

use crate::error::{DeskError, ErrorCode, Result};

/// The kind of a directory entry, from `lstat`: links are not followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    Symlink,
    /// FIFOs, sockets and devices: described, never opened.
    Other,
}

impl Kind {
    pub fn of(st: &FileStat) -> Kind {
        match SFlag::from_bits_truncate(st.st_mode) & SFlag::S_IFMT {
            SFlag::S_IFREG => Kind::File,
            SFlag::S_IFDIR => Kind::Dir,
            SFlag::S_IFLNK => Kind::Symlink,
            _ => Kind::Other,
        }
    }

    fn from_dirent(t: Option<Type>) -> Option<Kind> {
        match t? {
            Type::File => Some(Kind::File),
            Type::Directory => Some(Kind::Dir),
            Type::Symlink => Some(Kind::Symlink),
            _ => Some(Kind::Other),
        }
    }
}

const DIR_FLAGS: OFlag = OFlag::O_RDONLY
    .union(OFlag::O_DIRECTORY)
    .union(OFlag::O_NOFOLLOW)
    .union(OFlag::O_CLOEXEC);

/// Files are opened non-blocking (a FIFO swapped in cannot hang the open) and
/// never as a controlling terminal.
const FILE_FLAGS: OFlag = OFlag::O_RDONLY
    .union(OFlag::O_NOFOLLOW)
    .union(OFlag::O_NONBLOCK)
    .union(OFlag::O_NOCTTY)
    .union(OFlag::O_CLOEXEC);

/// Opens an absolute, canonical directory path from `/`, refusing a symbolic
/// link at any component (the root moved or was replaced since it was
/// resolved).
pub fn open_root(path: &Path) -> Result<OwnedFd> {
    if !path.is_absolute() {
        return Err(DeskError::internal(format!(
            "root {} is not absolute",
            path.display()
        )));
    }
    let mut fd =
        openat(nix::fcntl::AT_FDCWD, "/", DIR_FLAGS, Mode::empty()).map_err(|e| errno_error(e, path))?;
    for component in path.components() {
        match component {
            Component::RootDir => {}
            Component::Normal(name) => {
                fd = open_dir_at(&fd, name).map_err(|e| match e.code {
                    ErrorCode::ForbiddenPath => DeskError::new(
                        ErrorCode::ForbiddenPath,
                        format!(
                            "{} is no longer where it was registered (a symbolic link is in its path)",
                            path.display()
                        ),
                    ),
                    ErrorCode::NotFound => DeskError::not_found(format!("{} does not exist", path.display())),
                    _ => e,
                })?;
            }
            _ => {
                return Err(DeskError::internal(format!(
                    "root {} is not canonical",
                    path.display()
                )))
            }
        }
    }
    Ok(fd)
}

/// Opens the directory `name` inside `dir`, never through a symbolic link.
pub fn open_dir_at(dir: &impl AsFd, name: &OsStr) -> Result<OwnedFd> {
    match openat(dir.as_fd(), name, DIR_FLAGS, Mode::empty()) {
        Ok(fd) => Ok(fd),
        Err(Errno::ELOOP) | Err(Errno::ENOTDIR) => Err(not_a_dir(dir, name)),
        Err(e) => Err(errno_error(e, Path::new(name))),
    }
}

fn not_a_dir(dir: &impl AsFd, name: &OsStr) -> DeskError {
    match lstat_at(dir, name).map(|st| Kind::of(&st)) {
        Ok(Kind::Symlink) => symlink_refused(name),
        Ok(_) => DeskError::invalid_input(format!("{} is not a folder", show(name))),
        Err(e) => e,
    }
}

/// Opens the regular file `name` inside `dir` for reading; its `fstat`
/// describes what was actually opened.
pub fn open_file_at(dir: &impl AsFd, name: &OsStr) -> Result<(OwnedFd, FileStat)> {
    let fd = match openat(dir.as_fd(), name, FILE_FLAGS, Mode::empty()) {
        Ok(fd) => fd,
        Err(Errno::ELOOP) => return Err(symlink_refused(name)),
        Err(e) => return Err(errno_error(e, Path::new(name))),
    };
    let st = fstat(&fd).map_err(|e| errno_error(e, Path::new(name)))?;
    match Kind::of(&st) {
        Kind::File => Ok((fd, st)),
        Kind::Dir => Err(DeskError::invalid_input(format!("{} is a folder", show(name)))),
        _ => Err(DeskError::invalid_input(format!(
            "{} is not a regular file",
            show(name)
        ))),
    }
}

/// `lstat` of `name` inside `dir`.
pub fn lstat_at(dir: &impl AsFd, name: &OsStr) -> Result<FileStat> {
    fstatat(dir.as_fd(), name, AtFlags::AT_SYMLINK_NOFOLLOW).map_err(|e| errno_error(e, Path::new(name)))
}

/// The target text of a symbolic link (only text: it is never followed).
pub fn link_target(dir: &impl AsFd, name: &OsStr) -> Option<String> {
    readlinkat(dir.as_fd(), name)
        .ok()
        .map(|t| t.to_string_lossy().chars().take(4096).collect())
}

pub fn fstat_fd(fd: &impl AsFd) -> Result<FileStat> {
    fstat(fd.as_fd()).map_err(|e| DeskError::internal(format!("cannot stat: {e}")))
}

/// One name read from a directory, with the kind `readdir` reported (if any).
pub struct DirName {
    pub name: OsString,
    pub kind: Option<Kind>,
}

/// The names in a directory (without `.` and `..`), unsorted. The
/// descriptor is duplicated, so `dir` stays usable for `*at` calls.
pub fn read_names(dir: &OwnedFd) -> Result<Vec<DirName>> {
    let dup = dir
        .try_clone()
        .map_err(|e| DeskError::io("cannot read a folder", e))?;
    let mut d = Dir::from_fd(dup).map_err(|e| DeskError::internal(format!("cannot read a folder: {e}")))?;
    let mut out = Vec::new();
    for entry in d.iter() {
        let entry = entry.map_err(|e| DeskError::internal(format!("cannot read a folder: {e}")))?;
        let name = entry.file_name().to_bytes();
        if name == b"." || name == b".." {
            continue;
        }
        out.push(DirName {
            name: OsStr::from_bytes(name).to_owned(),
            kind: Kind::from_dirent(entry.file_type()),
        });
    }
    Ok(out)
}

pub fn symlink_refused(name: &OsStr) -> DeskError {
    DeskError::new(
        ErrorCode::ForbiddenPath,
        format!(
            "{} is a symbolic link; links are listed but never followed",
            show(name)
        ),
    )
}

fn errno_error(e: Errno, what: &Path) -> DeskError {
    match e {
        Errno::ENOENT => DeskError::not_found(format!("{} does not exist", what.display())),
        Errno::ENAMETOOLONG => DeskError::new(
            ErrorCode::ForbiddenPath,
            format!("{} is too long", show(what.as_os_str())),
        ),
        Errno::EACCES | Errno::EPERM => DeskError::new(
            ErrorCode::InvalidState,
            format!("permission denied: {}", what.display()),
        ),
        e => DeskError::internal(format!("cannot open {}: {e}", what.display())),
    }
}

fn show(name: &OsStr) -> String {
    crate::artifacts::address::quote(&name.to_string_lossy())
}

/// Modification time of a stat as RFC 3339 UTC (like [`crate::timestamp`]).
pub fn modified(st: &FileStat) -> Option<String> {
    let nanos = i128::from(st.st_mtime) * 1_000_000_000 + i128::from(st.st_mtime_nsec);
    time::OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .ok()
        .map(crate::timestamp::format)
}

/// `a` lies inside `b` or is `b`, compared component by component (never as
/// strings: `/runs/abcdef` is not inside `/runs/abc`). Both must already be
/// canonical.
pub fn is_within(a: &Path, b: &Path) -> bool {
    a.starts_with(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containment_is_by_component_not_by_prefix() {
        assert!(is_within(Path::new("/runs/abc/x"), Path::new("/runs/abc")));
        assert!(is_within(Path::new("/runs/abc"), Path::new("/runs/abc")));
        assert!(!is_within(Path::new("/runs/abcdef"), Path::new("/runs/abc")));
        assert!(!is_within(Path::new("/runs/abcdef/x"), Path::new("/runs/abc")));
        assert!(!is_within(Path::new("/runs"), Path::new("/runs/abc")));
    }
}

//! "Save as…" and `fdesk export`: copies a file, a folder or the whole run to
//! a destination the user chose.
//!
//! The source side is read through the same descriptor walk as everything
//! else (no link is ever followed; links, pipes and devices are skipped and
//! reported). The destination names the copy itself (like `cp -r SRC DEST`
//! with a new DEST). It must not exist unless overwriting is asked for: then a
//! file is replaced atomically and a folder is merged into, replacing files of
//! the same names and never writing through a link found in it. A fresh copy
//! is assembled under a temporary name beside the destination and renamed
//! into place, so a failed export leaves nothing half-written under DEST.

use std::ffi::{OsStr, OsString};
use std::fs::{File, OpenOptions};
use std::os::fd::OwnedFd;
use std::path::{Component, Path, PathBuf};

use nix::sys::stat::FileStat;

use super::address::{Address, RootRef};
use super::fsx::{self, Kind};
use super::tree::{Node, RunTree, MAX_DEPTH};
use super::ExportSummary;
use crate::error::{DeskError, ErrorCode, Result};

const MAX_SKIPPED_LISTED: usize = 1000;

/// Copies what `addr` names (the whole run when `None`: the run folder with
/// each extra root as an `@label` subfolder) to `dest`. `protected` are
/// folders the copy may not land in (the data dir); the run's roots are
/// always protected.
pub fn export(
    tree: &RunTree,
    addr: Option<&Address>,
    dest: &Path,
    overwrite: bool,
    protected: &[PathBuf],
) -> Result<ExportSummary> {
    let dest = checked_destination(tree, dest, protected)?;
    let whole_run = addr.is_none();
    let addr = addr.cloned().unwrap_or_else(Address::run_root);
    let node = tree.open(&addr)?;
    let existing = std::fs::symlink_metadata(&dest).ok();
    if let Some(meta) = &existing {
        if !overwrite {
            return Err(DeskError::invalid_state(format!(
                "{} already exists; choose another name or allow overwriting",
                dest.display()
            )));
        }
        if meta.file_type().is_symlink() {
            return Err(DeskError::new(
                ErrorCode::ForbiddenPath,
                format!("{} is a symbolic link; it is not written through", dest.display()),
            ));
        }
    }
    let mut summary = ExportSummary {
        destination: dest.to_string_lossy().into_owned(),
        files: 0,
        folders: 0,
        bytes: 0,
        skipped: Vec::new(),
        skipped_count: 0,
    };
    match node {
        Node::File(fd, st) => {
            if existing.as_ref().is_some_and(|m| m.is_dir()) {
                return Err(DeskError::invalid_input(format!(
                    "{} is a folder; a file cannot replace it",
                    dest.display()
                )));
            }
            copy_file(fd, &st, &dest, existing.is_some())?;
            summary.files += 1;
            summary.bytes += st.st_size as u64;
        }
        Node::Dir(fd) => {
            if existing.as_ref().is_some_and(|m| !m.is_dir()) {
                return Err(DeskError::invalid_input(format!(
                    "{} is a file; a folder cannot replace it",
                    dest.display()
                )));
            }
            let extras: Vec<(String, PathBuf)> = if whole_run {
                tree.extras()
                    .iter()
                    .map(|r| (r.label.clone(), r.path.clone()))
                    .collect()
            } else {
                Vec::new()
            };
            let fill = |target: &Path, summary: &mut ExportSummary| -> Result<()> {
                copy_dir(&fd, &addr, target, existing.is_some(), 0, summary)?;
                for (label, path) in &extras {
                    let sub = target.join(format!("@{label}"));
                    ensure_dir(&sub, existing.is_some())?;
                    summary.folders += 1;
                    let root_addr = Address {
                        root: RootRef::Extra(label.clone()),
                        names: Vec::new(),
                    };
                    match fsx::open_root(path) {
                        Ok(rfd) => copy_dir(&rfd, &root_addr, &sub, existing.is_some(), 0, summary)?,
                        Err(_) => skip(summary, &root_addr),
                    }
                }
                Ok(())
            };
            if existing.is_some() {
                fill(&dest, &mut summary)?;
            } else {
                let temp = temp_sibling(&dest);
                std::fs::create_dir(&temp)
                    .map_err(|e| DeskError::io(format!("cannot create {}", temp.display()), e))?;
                let done = fill(&temp, &mut summary).and_then(|()| {
                    std::fs::rename(&temp, &dest)
                        .map_err(|e| DeskError::io(format!("cannot create {}", dest.display()), e))
                });
                if let Err(e) = done {
                    let _ = std::fs::remove_dir_all(&temp);
                    return Err(e);
                }
            }
            summary.folders += 1;
        }
        Node::Symlink { .. } => return Err(fsx::symlink_refused(OsStr::new(&addr.render()))),
        Node::Other => {
            return Err(DeskError::invalid_input(format!(
                "{addr} is not a regular file or folder"
            )))
        }
    }
    Ok(summary)
}

/// The destination made absolute and canonical up to its last name, refused
/// inside (or around) the run's roots and the protected folders.
fn checked_destination(tree: &RunTree, dest: &Path, protected: &[PathBuf]) -> Result<PathBuf> {
    if !dest.is_absolute() {
        return Err(DeskError::invalid_input(format!(
            "the destination {} must be an absolute path",
            dest.display()
        )));
    }
    if dest
        .components()
        .any(|c| matches!(c, Component::ParentDir | Component::CurDir))
        || dest.as_os_str().as_encoded_bytes().contains(&0)
    {
        return Err(DeskError::new(
            ErrorCode::ForbiddenPath,
            format!("the destination {} is not a plain path", dest.display()),
        ));
    }
    let (Some(parent), Some(name)) = (dest.parent(), dest.file_name()) else {
        return Err(DeskError::invalid_input(format!(
            "the destination {} names no file or folder",
            dest.display()
        )));
    };
    let parent = parent.canonicalize().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => DeskError::not_found(format!(
            "the destination folder {} does not exist",
            parent.display()
        )),
        _ => DeskError::io(format!("cannot resolve {}", parent.display()), e),
    })?;
    if !parent.is_dir() {
        return Err(DeskError::invalid_input(format!(
            "{} is not a folder",
            parent.display()
        )));
    }
    let dest = parent.join(name);
    let mut fenced: Vec<&Path> = vec![tree.run_dir()];
    fenced.extend(tree.extras().iter().map(|r| r.path.as_path()));
    fenced.extend(protected.iter().map(PathBuf::as_path));
    for root in fenced {
        if fsx::is_within(&dest, root) || fsx::is_within(root, &dest) {
            return Err(DeskError::new(
                ErrorCode::ForbiddenPath,
                format!(
                    "the destination {} is inside (or contains) {}; choose a folder outside FUSION Desk's data",
                    dest.display(),
                    root.display()
                ),
            ));
        }
    }
    Ok(dest)
}

fn temp_sibling(dest: &Path) -> PathBuf {
    let name = dest.file_name().unwrap_or_default().to_string_lossy();
    let n: u64 = rand::random::<u64>() & 0xffff_ffff;
    dest.with_file_name(format!(".{name}.fdesk-partial-{n:08x}"))
}

fn skip(summary: &mut ExportSummary, addr: &Address) {
    summary.skipped_count += 1;
    if summary.skipped.len() < MAX_SKIPPED_LISTED {
        summary.skipped.push(addr.render());
    }
}

fn ensure_dir(path: &Path, merge: bool) -> Result<()> {
    match std::fs::create_dir(path) {
        Ok(()) => Ok(()),
        Err(e) if merge && e.kind() == std::io::ErrorKind::AlreadyExists => {
            let meta = std::fs::symlink_metadata(path)
                .map_err(|e| DeskError::io(format!("cannot inspect {}", path.display()), e))?;
            if meta.is_dir() {
                Ok(())
            } else {
                Err(DeskError::invalid_input(format!(
                    "{} exists and is not a folder",
                    path.display()
                )))
            }
        }
        Err(e) => Err(DeskError::io(format!("cannot create {}", path.display()), e)),
    }
}

fn copy_dir(
    src: &OwnedFd,
    at: &Address,
    dest: &Path,
    merge: bool,
    depth: usize,
    summary: &mut ExportSummary,
) -> Result<()> {
    let mut names: Vec<OsString> = fsx::read_names(src)?.into_iter().map(|n| n.name).collect();
    names.sort();
    for name in names {
        let child = at.child(&name.to_string_lossy());
        let st = match fsx::lstat_at(src, &name) {
            Ok(st) => st,
            Err(e) if e.code == ErrorCode::NotFound => continue,
            Err(e) => return Err(e),
        };
        let target = dest.join(&name);
        match Kind::of(&st) {
            Kind::Dir if depth + 1 < MAX_DEPTH => {
                let sub = match fsx::open_dir_at(src, &name) {
                    Ok(sub) => sub,
                    // Swapped for a link (or removed) since the lstat.
                    Err(_) => {
                        skip(summary, &child);
                        continue;
                    }
                };
                if merge {
                    if let Ok(meta) = std::fs::symlink_metadata(&target) {
                        if !meta.is_dir() {
                            // A link or file in the destination: not written through.
                            skip(summary, &child);
                            continue;
                        }
                    }
                }
                ensure_dir(&target, merge)?;
                summary.folders += 1;
                copy_dir(&sub, &child, &target, merge, depth + 1, summary)?;
            }
            Kind::File => match fsx::open_file_at(src, &name) {
                Ok((fd, st)) => {
                    let exists = merge && std::fs::symlink_metadata(&target).is_ok();
                    if exists && std::fs::symlink_metadata(&target).is_ok_and(|m| m.is_dir()) {
                        skip(summary, &child);
                        continue;
                    }
                    copy_file(fd, &st, &target, exists)?;
                    summary.files += 1;
                    summary.bytes += st.st_size as u64;
                }
                Err(_) => skip(summary, &child),
            },
            _ => skip(summary, &child),
        }
    }
    Ok(())
}

/// Copies an opened file. A new destination is created exclusively (never
/// through an existing name); an existing one is replaced by a rename.
fn copy_file(fd: OwnedFd, st: &FileStat, dest: &Path, replace: bool) -> Result<()> {
    let mut src = File::from(fd);
    let target = if replace {
        temp_sibling(dest)
    } else {
        dest.to_owned()
    };
    let mut out = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&target)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => DeskError::invalid_state(format!(
                "{} already exists; choose another name or allow overwriting",
                target.display()
            )),
            _ => DeskError::io(format!("cannot create {}", target.display()), e),
        })?;
    let result = std::io::copy(&mut src, &mut out)
        .map_err(|e| DeskError::io(format!("cannot write {}", target.display()), e))
        .and_then(|_| {
            if let Some(t) = mtime(st) {
                let _ = out.set_modified(t);
            }
            drop(out);
            if replace {
                std::fs::rename(&target, dest)
                    .map_err(|e| DeskError::io(format!("cannot replace {}", dest.display()), e))
            } else {
                Ok(())
            }
        });
    if result.is_err() {
        let _ = std::fs::remove_file(&target);
    }
    result
}

fn mtime(st: &FileStat) -> Option<std::time::SystemTime> {
    let secs = u64::try_from(st.st_mtime).ok()?;
    let nanos = u32::try_from(st.st_mtime_nsec).ok()?;
    std::time::UNIX_EPOCH.checked_add(std::time::Duration::new(secs, nanos))
}

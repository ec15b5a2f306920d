//! [`RunTree`]: the roots of one run and the operations on them that the UI
//! and the CLI reach through addresses. Everything here is blocking file
//! access; the async [`super::Artifacts`] methods run it on the blocking pool.

use std::cmp::Ordering;
use std::collections::HashSet;
use std::ffi::OsStr;
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};

use nix::sys::stat::FileStat;

use super::address::{Address, RootRef};
use super::fsx::{self, Kind};
use super::{ArtifactEntry, ArtifactListing, ArtifactUsage, EntryKind};
use crate::error::{DeskError, ErrorCode, Result};

/// Paging of folder listings.
pub const DEFAULT_PAGE: u32 = 500;
pub const MAX_PAGE: u32 = 5000;
/// Folders deeper than this below a root are not walked (usage, copies).
pub const MAX_DEPTH: usize = 64;

/// An extra, read-only root of a run: a canonical absolute folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtraRoot {
    pub label: String,
    pub path: PathBuf,
}

/// The roots of one run. Built fresh for each request from the run folder
/// and the registry, so it holds no descriptors between requests.
#[derive(Debug, Clone)]
pub struct RunTree {
    run_id: String,
    run_dir: PathBuf,
    extras: Vec<ExtraRoot>,
}

/// What an address names, opened without following any link.
pub enum Node {
    Dir(OwnedFd),
    File(OwnedFd, FileStat),
    /// A symbolic link: never followed; the parent and name allow an lstat.
    Symlink {
        target: Option<String>,
    },
    Other,
}

impl RunTree {
    /// `run_dir` and every extra root must be canonical absolute paths.
    pub fn new(run_id: impl Into<String>, run_dir: PathBuf, extras: Vec<ExtraRoot>) -> Self {
        RunTree {
            run_id: run_id.into(),
            run_dir,
            extras,
        }
    }

    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    pub fn run_dir(&self) -> &Path {
        &self.run_dir
    }

    /// The same tree without the extra root `label`.
    pub fn without_root(mut self, label: &str) -> RunTree {
        self.extras.retain(|r| r.label != label);
        self
    }

    pub fn extras(&self) -> &[ExtraRoot] {
        &self.extras
    }

    /// The absolute folder a root stands for.
    pub fn root_path(&self, root: &RootRef) -> Result<&Path> {
        match root {
            RootRef::Run => Ok(&self.run_dir),
            RootRef::Extra(label) => self
                .extras
                .iter()
                .find(|r| &r.label == label)
                .map(|r| r.path.as_path())
                .ok_or_else(|| {
                    DeskError::not_found(format!(
                        "run {} has no extra root labelled {label:?}",
                        self.run_id
                    ))
                }),
        }
    }

    /// The absolute path an address stands for (not checked on disk).
    pub fn absolute(&self, addr: &Address) -> Result<PathBuf> {
        let mut path = self.root_path(&addr.root)?.to_owned();
        path.extend(&addr.names);
        Ok(path)
    }

    fn open_root(&self, root: &RootRef) -> Result<OwnedFd> {
        let path = self.root_path(root)?;
        fsx::open_root(path).map_err(|e| match (e.code, root) {
            (ErrorCode::NotFound, RootRef::Run) => {
                DeskError::not_found(format!("the folder of run {} is missing", self.run_id))
            }
            _ => e,
        })
    }

    /// Walks to the parent folder of an address; returns it with the last
    /// name (None for a root itself).
    fn open_parent<'a>(&self, addr: &'a Address) -> Result<(OwnedFd, Option<&'a str>)> {
        let mut dir = self.open_root(&addr.root)?;
        let Some((last, parents)) = addr.names.split_last() else {
            return Ok((dir, None));
        };
        for name in parents {
            dir = fsx::open_dir_at(&dir, OsStr::new(name))?;
        }
        Ok((dir, Some(last.as_str())))
    }

    /// Opens what an address names. Symbolic links anywhere on the way are
    /// refused; a link as the last name is reported, not followed.
    pub fn open(&self, addr: &Address) -> Result<Node> {
        let (dir, last) = self.open_parent(addr)?;
        let Some(last) = last else {
            return Ok(Node::Dir(dir));
        };
        let name = OsStr::new(last);
        let st = fsx::lstat_at(&dir, name)?;
        Ok(match Kind::of(&st) {
            Kind::Dir => Node::Dir(fsx::open_dir_at(&dir, name)?),
            Kind::File => {
                let (fd, st) = fsx::open_file_at(&dir, name)?;
                Node::File(fd, st)
            }
            Kind::Symlink => Node::Symlink {
                target: fsx::link_target(&dir, name),
            },
            Kind::Other => Node::Other,
        })
    }

    /// Opens a regular file for reading; anything else is refused.
    pub fn open_file(&self, addr: &Address) -> Result<(OwnedFd, FileStat)> {
        match self.open(addr)? {
            Node::File(fd, st) => Ok((fd, st)),
            Node::Dir(_) => Err(DeskError::invalid_input(format!("{addr} is a folder"))),
            Node::Symlink { .. } => Err(fsx::symlink_refused(OsStr::new(&addr.render()))),
            Node::Other => Err(DeskError::invalid_input(format!(
                "{addr} is not a regular file (a pipe, socket or device)"
            ))),
        }
    }

    /// The absolute path of an existing file or folder, checked: every
    /// component is a real folder inside the root (no link on the way) and
    /// the last is a regular file or folder. For the shell's native actions.
    pub fn resolve(&self, addr: &Address) -> Result<PathBuf> {
        match self.open(addr)? {
            Node::Dir(_) | Node::File(..) => self.absolute(addr),
            Node::Symlink { .. } => Err(fsx::symlink_refused(OsStr::new(&addr.render()))),
            Node::Other => Err(DeskError::invalid_input(format!(
                "{addr} is not a regular file or folder"
            ))),
        }
    }

    /// One entry, described.
    pub fn info(&self, addr: &Address) -> Result<ArtifactEntry> {
        if addr.is_root() {
            let dir = self.open_root(&addr.root)?;
            let st = fsx::fstat_fd(&dir)?;
            let mut entry = self.entry(addr, &st, None);
            if let RootRef::Extra(_) = addr.root {
                entry.kind = EntryKind::Root;
                entry.location = Some(self.root_path(&addr.root)?.to_string_lossy().into_owned());
            }
            return Ok(entry);
        }
        let (dir, last) = self.open_parent(addr)?;
        let name = OsStr::new(last.expect("not a root"));
        let st = fsx::lstat_at(&dir, name)?;
        let target = (Kind::of(&st) == Kind::Symlink)
            .then(|| fsx::link_target(&dir, name))
            .flatten();
        Ok(self.entry(addr, &st, target))
    }

    fn entry(&self, addr: &Address, st: &FileStat, link_target: Option<String>) -> ArtifactEntry {
        let kind = Kind::of(st);
        ArtifactEntry {
            name: addr.names.last().cloned().unwrap_or_else(|| match &addr.root {
                RootRef::Run => String::new(),
                RootRef::Extra(l) => format!("@{l}"),
            }),
            path: addr.render(),
            kind: kind.into(),
            size: if kind == Kind::Dir { 0 } else { st.st_size as u64 },
            modified: fsx::modified(st),
            link_target,
            location: None,
        }
    }

    /// A page of a folder: folders first, then files, each in natural name
    /// order (`300.0_erlang.json` before `1000.0_erlang.json`). Only the names
    /// of the whole folder are read; sizes and times only for the page, so a
    /// folder of 100 000 files costs one `getdents` pass and a sort. The run
    /// folder lists its extra roots first, as `@label` entries. A name that
    /// is not UTF-8, or that addresses refuse (control characters, `\\`,
    /// `%XX`), is listed but cannot be opened through its address.
    pub fn list(&self, addr: &Address, offset: u32, limit: Option<u32>) -> Result<ArtifactListing> {
        let limit = limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE);
        let dir = match self.open(addr)? {
            Node::Dir(fd) => fd,
            Node::Symlink { .. } => return Err(fsx::symlink_refused(OsStr::new(&addr.render()))),
            _ => return Err(DeskError::invalid_input(format!("{addr} is not a folder"))),
        };
        let mut names = fsx::read_names(&dir)?;
        // Kinds for the sort; an lstat only where readdir did not say.
        let mut keyed: Vec<(bool, fsx::DirName)> = names
            .drain(..)
            .map(|mut n| {
                if n.kind.is_none() {
                    n.kind = fsx::lstat_at(&dir, &n.name).ok().map(|st| Kind::of(&st));
                }
                (n.kind == Some(Kind::Dir), n)
            })
            .collect();
        keyed.sort_unstable_by(|(a_dir, a), (b_dir, b)| {
            b_dir
                .cmp(a_dir)
                .then_with(|| natural_cmp(a.name.as_encoded_bytes(), b.name.as_encoded_bytes()))
        });

        let roots: Vec<&ExtraRoot> = if addr.root == RootRef::Run && addr.is_root() {
            self.extras.iter().collect()
        } else {
            Vec::new()
        };
        let total = roots.len() + keyed.len();
        let start = (offset as usize).min(total);
        let end = (start + limit as usize).min(total);
        let mut entries = Vec::with_capacity(end - start);
        for i in start..end {
            if i < roots.len() {
                let root = roots[i];
                let root_addr = Address {
                    root: RootRef::Extra(root.label.clone()),
                    names: Vec::new(),
                };
                // A root that is gone is still listed (without a time), so
                // the UI can say so when it is opened.
                entries.push(self.info(&root_addr).unwrap_or_else(|_| ArtifactEntry {
                    name: format!("@{}", root.label),
                    path: root_addr.render(),
                    kind: EntryKind::Root,
                    size: 0,
                    modified: None,
                    link_target: None,
                    location: Some(root.path.to_string_lossy().into_owned()),
                }));
                continue;
            }
            let name = &keyed[i - roots.len()].1.name;
            let display = name.to_string_lossy();
            let child = addr.child(&display);
            match fsx::lstat_at(&dir, name) {
                Ok(st) => {
                    let target = (Kind::of(&st) == Kind::Symlink)
                        .then(|| fsx::link_target(&dir, name))
                        .flatten();
                    entries.push(self.entry(&child, &st, target));
                }
                // Removed since the names were read: leave it out.
                Err(e) if e.code == ErrorCode::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        Ok(ArtifactListing {
            run_id: self.run_id.clone(),
            path: addr.render(),
            entries,
            total: total as u32,
            offset: start as u32,
            limit,
        })
    }

    /// Disk use of a folder and everything below it (for the run folder:
    /// with its extra roots). Links are counted, not followed; a file with
    /// several hard links counts once.
    pub fn usage(&self, addr: &Address) -> Result<ArtifactUsage> {
        let mut usage = ArtifactUsage {
            path: addr.render(),
            bytes: 0,
            disk_bytes: 0,
            files: 0,
            folders: 0,
            symlinks: 0,
            complete: true,
        };
        let mut seen = HashSet::new();
        let mut count_tree = |node: Node, usage: &mut ArtifactUsage| -> Result<()> {
            match node {
                Node::Dir(fd) => {
                    let st = fsx::fstat_fd(&fd)?;
                    usage.folders += 1;
                    usage.disk_bytes += st.st_blocks as u64 * 512;
                    walk_usage(&fd, 0, usage, &mut seen);
                }
                Node::File(_, st) => add_stat(usage, &st, &mut seen),
                Node::Symlink { .. } => usage.symlinks += 1,
                Node::Other => usage.files += 1,
            }
            Ok(())
        };
        count_tree(self.open(addr)?, &mut usage)?;
        if addr.root == RootRef::Run && addr.is_root() {
            for extra in &self.extras {
                match fsx::open_root(&extra.path) {
                    Ok(fd) => count_tree(Node::Dir(fd), &mut usage)?,
                    Err(_) => usage.complete = false,
                }
            }
        }
        Ok(usage)
    }
}

// st_dev and st_ino are not u64 on every Unix (macOS: i32 and u64).
#[allow(clippy::unnecessary_cast)]
fn add_stat(usage: &mut ArtifactUsage, st: &FileStat, seen: &mut HashSet<(u64, u64)>) {
    match Kind::of(st) {
        Kind::Dir => usage.folders += 1,
        Kind::Symlink => usage.symlinks += 1,
        _ => usage.files += 1,
    }
    if st.st_nlink > 1 && Kind::of(st) != Kind::Dir && !seen.insert((st.st_dev as u64, st.st_ino as u64)) {
        return;
    }
    if Kind::of(st) != Kind::Dir {
        usage.bytes += st.st_size as u64;
    }
    usage.disk_bytes += st.st_blocks as u64 * 512;
}

/// Depth-first; holds one descriptor per level, never one per sibling.
fn walk_usage(dir: &OwnedFd, depth: usize, usage: &mut ArtifactUsage, seen: &mut HashSet<(u64, u64)>) {
    let Ok(names) = fsx::read_names(dir) else {
        usage.complete = false;
        return;
    };
    for n in names {
        let Ok(st) = fsx::lstat_at(dir, &n.name) else {
            continue; // removed meanwhile
        };
        add_stat(usage, &st, seen);
        if Kind::of(&st) == Kind::Dir {
            if depth + 1 >= MAX_DEPTH {
                usage.complete = false;
                continue;
            }
            match fsx::open_dir_at(dir, &n.name) {
                Ok(sub) => walk_usage(&sub, depth + 1, usage, seen),
                Err(_) => usage.complete = false,
            }
        }
    }
}

/// Natural order: runs of digits compare as numbers, the rest bytewise.
pub fn natural_cmp(a: &[u8], b: &[u8]) -> Ordering {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i].is_ascii_digit() && b[j].is_ascii_digit() {
            let si = i;
            let sj = j;
            while i < a.len() && a[i].is_ascii_digit() {
                i += 1;
            }
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            let na = trim_zeros(&a[si..i]);
            let nb = trim_zeros(&b[sj..j]);
            let ord = na.len().cmp(&nb.len()).then_with(|| na.cmp(nb));
            if ord != Ordering::Equal {
                return ord;
            }
        } else {
            let ord = a[i].cmp(&b[j]);
            if ord != Ordering::Equal {
                return ord;
            }
            i += 1;
            j += 1;
        }
    }
    (a.len() - i).cmp(&(b.len() - j)).then_with(|| a.cmp(b))
}

fn trim_zeros(digits: &[u8]) -> &[u8] {
    let first = digits.iter().position(|&d| d != b'0').unwrap_or(digits.len());
    &digits[first..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_sorts_erlang_files_by_number() {
        let mut v = vec![
            "1000.0_erlang.json",
            "300.0_erlang.json",
            "900.0_erlang.json",
            "a",
            "B",
        ];
        v.sort_by(|a, b| natural_cmp(a.as_bytes(), b.as_bytes()));
        assert_eq!(
            v,
            [
                "300.0_erlang.json",
                "900.0_erlang.json",
                "1000.0_erlang.json",
                "B",
                "a"
            ]
        );
    }
}

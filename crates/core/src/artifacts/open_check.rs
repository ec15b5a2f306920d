//! What "Open" may hand to the desktop. A run's files are the simulator's
//! to write, and the desktop's default handler runs programs, scripts and
//! `.desktop` entries: such files are refused (Reveal shows them in their
//! folder instead). The check reads the file through a descriptor, and the
//! path handed over is checked to still name that same file right before.

use std::ffi::OsStr;
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use nix::sys::stat::FileStat;

use super::address::Address;
use super::tree::{Node, RunTree};
use crate::error::{DeskError, ErrorCode, Result};

/// Names the desktop would run rather than show.
const RUNNABLE_EXTENSIONS: [&str; 22] = [
    "desktop", "sh", "bash", "zsh", "csh", "ksh", "fish", "command", "run", "bin", "appimage", "exe", "msi",
    "bat", "cmd", "ps1", "jar", "py", "pl", "rb", "elf", "out",
];

/// The path to hand to the desktop for `addr`, or why it is refused.
pub fn for_open(tree: &RunTree, addr: &Address) -> Result<PathBuf> {
    let path = tree.resolve(addr)?;
    let (fd, st) = match tree.open(addr)? {
        // A folder opens in the file manager.
        Node::Dir(fd) => {
            let st = nix::sys::stat::fstat(&fd).map_err(|e| DeskError::internal(format!("cannot stat: {e}")))?;
            return still_same(&path, &st).map(|()| path);
        }
        Node::File(fd, st) => (fd, st),
        _ => return Err(DeskError::invalid_input(format!("{addr} is not a regular file or folder"))),
    };
    if st.st_mode & 0o111 != 0 {
        return Err(refused(addr, "it is executable"));
    }
    let ext = path
        .extension()
        .map(|e| String::from_utf8_lossy(e.as_bytes()).to_ascii_lowercase())
        .unwrap_or_default();
    if RUNNABLE_EXTENSIONS.contains(&ext.as_str()) {
        return Err(refused(addr, &format!("a .{ext} file is run, not shown")));
    }
    let mut head = [0u8; 512];
    let n = read_head(std::fs::File::from(fd), &mut head);
    let head = &head[..n];
    if head.starts_with(b"#!") || head.starts_with(b"\x7fELF") || head.starts_with(b"MZ") {
        return Err(refused(addr, "it is a program or a script"));
    }
    let text = String::from_utf8_lossy(head);
    if text.trim_start().starts_with("[Desktop Entry]") {
        return Err(refused(addr, "it is a desktop entry"));
    }
    still_same(&path, &st)?;
    Ok(path)
}

fn read_head(mut f: std::fs::File, buf: &mut [u8]) -> usize {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..]) {
            Ok(0) | Err(_) => break,
            Ok(k) => n += k,
        }
    }
    n
}

/// The path still names the file that was checked (same device and inode,
/// reached without a link): nothing was swapped in since.
fn still_same(path: &Path, checked: &FileStat) -> Result<()> {
    let now = nix::sys::stat::lstat(path).map_err(|e| DeskError::internal(format!("cannot stat: {e}")))?;
    if now.st_dev != checked.st_dev || now.st_ino != checked.st_ino {
        return Err(DeskError::new(
            ErrorCode::ForbiddenPath,
            format!("{} changed while it was being opened", show(path.as_os_str())),
        ));
    }
    Ok(())
}

fn refused(addr: &Address, why: &str) -> DeskError {
    DeskError::new(
        ErrorCode::ForbiddenPath,
        format!("{addr} is not opened: {why}. Use Reveal to show it in its folder."),
    )
}

fn show(name: &OsStr) -> String {
    super::address::quote(&name.to_string_lossy())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn programs_scripts_and_desktop_entries_are_not_opened() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let write = |name: &str, body: &[u8], mode: u32| {
            std::fs::write(root.join(name), body).unwrap();
            std::fs::set_permissions(root.join(name), std::fs::Permissions::from_mode(mode)).unwrap();
        };
        write("results.json", b"{}", 0o644);
        write("plot.png", b"\x89PNG", 0o644);
        write("run.desktop", b"[Desktop Entry]\nExec=sh -c x\n", 0o644);
        write("entry.txt", b"\n[Desktop Entry]\nExec=x\n", 0o644);
        write("tool", b"#!/bin/sh\necho\n", 0o644);
        write("elf.dat", b"\x7fELF....", 0o644);
        write("exec.txt", b"hello", 0o755);
        write("script.sh", b"echo", 0o644);
        std::fs::create_dir(root.join("folder")).unwrap();
        let tree = RunTree::new("0123456789ab", root.clone(), Vec::new());
        let open = |name: &str| for_open(&tree, &Address::parse(name).unwrap());
        assert_eq!(open("results.json").unwrap(), root.join("results.json"));
        assert!(open("plot.png").is_ok());
        assert!(open("folder").is_ok());
        for name in ["run.desktop", "entry.txt", "tool", "elf.dat", "exec.txt", "script.sh"] {
            let e = open(name).unwrap_err();
            assert_eq!(e.code, ErrorCode::ForbiddenPath, "{name}: {e:?}");
            assert!(e.message.contains("Reveal"), "{}", e.message);
        }
    }
}

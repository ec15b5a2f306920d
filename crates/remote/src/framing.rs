//! Telling a command's own output from whatever the user's shell startup
//! files print. A login banner, an `echo` in `.bashrc` or a module system's
//! notice all arrive on the same stdout and stderr as the command's output,
//! before it. So the remote shell prints a random marker line before the
//! command on both streams and one after it with the command's exit status;
//! the parser keeps only what lies between. The marker is fresh for every
//! command, so no file content can forge it.
//!
//! The login shell itself is only given `exec /bin/sh`, which every shell
//! understands alike (bash, zsh, tcsh, fish); the framed script goes to that
//! `sh` on stdin. So the quoting is POSIX sh's whatever the user's login
//! shell, and an argument may hold a newline, which csh cannot quote.

use crate::error::Result;
use crate::quote::command_line;

/// What the login shell is asked to run: a POSIX sh that reads the
/// script from stdin.
pub(crate) const REMOTE_SHELL: &str = "exec /bin/sh";

pub(crate) struct Frame {
    marker: String,
}

/// A command's output cut out of the frame.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Framed {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// The command's exit status, when the closing marker was printed.
    pub status: Option<i32>,
    /// Whether the opening marker was seen: the remote shell started.
    pub started: bool,
}

impl Frame {
    pub fn new() -> Frame {
        Frame {
            marker: format!("FDESK-{:032x}", rand::random::<u128>()),
        }
    }

    fn start(&self) -> String {
        format!("{}-start", self.marker)
    }

    fn end(&self) -> String {
        format!("{}-end", self.marker)
    }

    /// The script for the remote `sh`: the markers around `argv`, whose
    /// stdin is /dev/null (the script arrives on the shell's stdin, and a
    /// command reading it would swallow the rest). The closing marker
    /// follows a newline of its own, so output that does not end in one
    /// stays exact.
    pub fn script(&self, argv: &[&str]) -> Result<String> {
        Ok(format!(
            "printf '%s\\n' {start}; printf '%s\\n' {start} >&2\n{cmd} </dev/null\ns=$?\n\
             printf '\\n%s %d\\n' {end} \"$s\"; printf '\\n%s\\n' {end} >&2\nexit \"$s\"\n",
            start = self.start(),
            end = self.end(),
            cmd = command_line(argv)?,
        ))
    }

    pub fn parse(&self, stdout: &[u8], stderr: &[u8]) -> Framed {
        let start = format!("{}\n", self.start());
        let end = format!("\n{}", self.end());
        let (out_body, status, started) = match cut(stdout, start.as_bytes(), end.as_bytes()) {
            Some((body, tail)) => (body, tail.and_then(parse_status), true),
            None => (stdout, None, false),
        };
        let err_body = match cut(stderr, start.as_bytes(), end.as_bytes()) {
            Some((body, _)) => body,
            None => stderr,
        };
        Framed {
            stdout: out_body.to_vec(),
            stderr: err_body.to_vec(),
            status,
            started,
        }
    }
}

/// What lies after the first `start` and before the last `end` (to the
/// end when `end` is missing), and what follows `end`.
fn cut<'a>(data: &'a [u8], start: &[u8], end: &[u8]) -> Option<(&'a [u8], Option<&'a [u8]>)> {
    let from = memchr::memmem::find(data, start)? + start.len();
    let rest = &data[from..];
    match memchr::memmem::rfind(rest, end) {
        Some(at) => Some((&rest[..at], Some(&rest[at + end.len()..]))),
        None => Some((rest, None)),
    }
}

fn parse_status(tail: &[u8]) -> Option<i32> {
    let text = std::str::from_utf8(tail).ok()?;
    text.strip_prefix(' ')?.lines().next()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::process::{Command, Stdio};

    /// As sshd would: the login shell prints its noise, then runs
    /// REMOTE_SHELL with the script on stdin.
    fn run_locally(frame: &Frame, argv: &[&str], noise: &str) -> Framed {
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(format!("{noise}; {REMOTE_SHELL}"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let script = frame.script(argv).unwrap();
        child.stdin.take().unwrap().write_all(script.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        frame.parse(&out.stdout, &out.stderr)
    }

    #[test]
    fn keeps_only_the_commands_output_and_status() {
        let frame = Frame::new();
        let got = run_locally(
            &frame,
            &["sh", "-c", "printf 'no newline'; printf oops >&2; exit 3"],
            "echo banner; echo motd >&2",
        );
        assert_eq!(
            got,
            Framed {
                stdout: b"no newline".to_vec(),
                stderr: b"oops".to_vec(),
                status: Some(3),
                started: true
            }
        );
    }

    #[test]
    fn a_command_that_reads_stdin_does_not_swallow_the_script() {
        let frame = Frame::new();
        let got = run_locally(&frame, &["cat"], "true");
        assert_eq!((got.stdout, got.status), (Vec::new(), Some(0)));
    }

    #[test]
    fn arguments_with_newlines_survive() {
        let frame = Frame::new();
        let got = run_locally(&frame, &["printf", "%s", "a\nb'c"], "true");
        assert_eq!(got.stdout, b"a\nb'c");
    }

    #[test]
    fn binary_output_and_trailing_newlines_stay_exact() {
        let frame = Frame::new();
        let got = run_locally(&frame, &["printf", "\\377\\000a\\n\\n"], "true");
        assert_eq!(got.stdout, b"\xff\x00a\n\n");
        assert_eq!(got.status, Some(0));
    }

    #[test]
    fn output_without_markers_is_a_shell_that_never_started() {
        let frame = Frame::new();
        let got = frame.parse(b"", b"Permission denied (publickey).\n");
        assert!(!got.started);
        assert_eq!(got.status, None);
        assert_eq!(got.stderr, b"Permission denied (publickey).\n");
    }

    #[test]
    fn a_marker_of_another_command_is_not_taken() {
        let frame = Frame::new();
        let other = Frame::new();
        let got = frame.parse(
            format!("{}\nx\n{} 0\n", other.start(), other.end()).as_bytes(),
            b"",
        );
        assert!(!got.started);
    }
}

//! The one way a remote command line is made: every argument in POSIX
//! single quotes. The remote `/bin/sh` reads the command line as shell code
//! (see `framing.rs`), so an argument that is not quoted would be code;
//! inside single quotes nothing is special except the quote itself,
//! written as `'\''`.

use crate::error::{RemoteError, Result};

/// `arg` as one word for a POSIX shell (sh, bash, dash, ksh, zsh).
pub fn quote(arg: &str) -> String {
    let mut out = String::with_capacity(arg.len() + 2);
    out.push('\'');
    for c in arg.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

/// The command line that makes a POSIX shell run `argv` as given. A NUL
/// cannot cross a command line, so it is refused rather than cut.
pub fn command_line<S: AsRef<str>>(argv: &[S]) -> Result<String> {
    if argv.is_empty() {
        return Err(RemoteError::invalid("a remote command needs a program"));
    }
    let mut words = Vec::with_capacity(argv.len());
    for arg in argv {
        let arg = arg.as_ref();
        if arg.contains('\0') {
            return Err(RemoteError::invalid(format!(
                "the remote argument {arg:?} contains a NUL byte"
            )));
        }
        words.push(quote(arg));
    }
    Ok(words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    #[test]
    fn quotes_every_argument_and_escapes_single_quotes() {
        assert_eq!(quote("plain"), "'plain'");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("it's"), "'it'\\''s'");
        assert_eq!(
            command_line(&["echo", "a b", "$(x)"]).unwrap(),
            "'echo' 'a b' '$(x)'"
        );
    }

    #[test]
    fn refuses_an_empty_command_and_nul_bytes() {
        assert!(command_line::<&str>(&[]).is_err());
        assert!(command_line(&["echo", "a\0b"]).is_err());
    }

    #[test]
    fn a_local_shell_gets_hostile_arguments_back_intact() {
        let args = [
            "it's",
            "$(touch /tmp/never)",
            "`id`",
            "a  b",
            "line\nbreak",
            "; rm -rf x",
            "\"dq\"",
            "back\\slash",
            "*",
            "~",
            "-n",
            "",
            "\t",
            "ünï",
        ];
        let mut argv = vec!["printf", "%s\\0"];
        argv.extend(args);
        let out = Command::new("sh")
            .arg("-c")
            .arg(command_line(&argv).unwrap())
            .output()
            .unwrap();
        assert!(out.status.success());
        let got: Vec<&[u8]> = out.stdout.split(|b| *b == 0).collect();
        let want: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).chain([&b""[..]]).collect();
        assert_eq!(got, want);
    }
}

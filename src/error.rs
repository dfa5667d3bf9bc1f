//! Errors that stop upgate from doing its job (exit status 2): bad arguments,
//! an unreadable target, invalid facts or rule files. Each names the file and,
//! where known, the line, and says how to fix it.
//!
//! Problems with the *scanned* files are not errors of this kind: they become
//! `error` results on the rule that needed the file.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub file: Option<PathBuf>,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub message: String,
    /// How to fix it, when there is something specific to say.
    pub help: Option<String>,
}

impl InputError {
    pub fn new(message: impl Into<String>) -> Self {
        InputError {
            file: None,
            line: None,
            column: None,
            message: message.into(),
            help: None,
        }
    }

    pub fn in_file(mut self, file: &Path) -> Self {
        self.file = Some(file.to_path_buf());
        self
    }

    pub fn at(mut self, line: u32, column: u32) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}", file.display())?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
                if let Some(col) = self.column {
                    write!(f, ":{col}")?;
                }
            }
            f.write_str(": ")?;
        }
        f.write_str(&self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InputError {}

/// The candidate closest to `word`, if one is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::jaro_winkler(&word.to_lowercase(), &c.to_lowercase()),
                c,
            )
        })
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_only_for_near_misses() {
        let keys = ["host", "env", "backups", "privilege_manager"];
        assert_eq!(did_you_mean("hots", keys), Some("host"));
        assert_eq!(
            did_you_mean("privilege_manger", keys),
            Some("privilege_manager")
        );
        assert_eq!(did_you_mean("zzzz", keys), None);
    }

    #[test]
    fn display_names_file_line_and_fix() {
        let e = InputError::new("unknown key `hots`")
            .in_file(Path::new("facts.json"))
            .at(2, 3)
            .help("did you mean `host`?");
        assert_eq!(
            e.to_string(),
            "facts.json:2:3: unknown key `hots`\n  help: did you mean `host`?"
        );
    }
}

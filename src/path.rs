//! Server paths as vendors write them (`C:\inetpub\wwwroot\TMS\web.config`,
//! `%ProgramData%\NugetCache\`, `/etc/apache2/apache2.conf`): parsing, `%VAR%`
//! expansion and comparison. Pure: nothing here touches a file system.

use std::collections::BTreeMap;
use std::fmt;

/// A parsed, normalized server path. `.` is dropped and `..` never climbs above
/// the drive (or `/`): Windows normalizes paths lexically, and so do we.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ServerPath {
    /// `drive` is an upper-case letter; segments keep their spelling.
    Windows {
        drive: char,
        segments: Vec<String>,
    },
    Posix {
        segments: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathError {
    Empty,
    /// `%NAME%` with no value in the defaults or `facts.env`.
    UnknownVariable(String),
    /// A `%` without its closing `%`.
    UnterminatedVariable(String),
    /// Neither `X:\…` nor `/…` after expansion (relative, or a UNC share).
    NotAbsolute(String),
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathError::Empty => f.write_str("the path is empty"),
            PathError::UnknownVariable(name) => write!(
                f,
                "unknown environment variable %{name}% (set it under \"env\" in facts.json)"
            ),
            PathError::UnterminatedVariable(raw) => {
                write!(f, "unterminated %VARIABLE% in '{raw}'")
            }
            PathError::NotAbsolute(raw) => write!(
                f,
                "'{raw}' is not an absolute server path (expected C:\\… or /…; network shares are not mapped)"
            ),
        }
    }
}

impl std::error::Error for PathError {}

/// Windows environment variables used to expand `%VAR%` in server paths.
///
/// Defaults follow the system drive; `facts.env` overrides any of them.
/// Names are case-insensitive, as on Windows.
#[derive(Debug, Clone)]
pub struct Env {
    vars: BTreeMap<String, String>,
}

impl Env {
    pub fn new(system_drive: char, overrides: &BTreeMap<String, String>) -> Env {
        let d = system_drive.to_ascii_uppercase();
        let defaults = [
            ("SystemDrive", format!("{d}:")),
            ("SystemRoot", format!("{d}:\\Windows")),
            ("windir", format!("{d}:\\Windows")),
            ("ProgramData", format!("{d}:\\ProgramData")),
            ("ALLUSERSPROFILE", format!("{d}:\\ProgramData")),
            ("ProgramFiles", format!("{d}:\\Program Files")),
            ("ProgramFiles(x86)", format!("{d}:\\Program Files (x86)")),
            ("ProgramW6432", format!("{d}:\\Program Files")),
            ("PUBLIC", format!("{d}:\\Users\\Public")),
        ];
        let mut vars: BTreeMap<String, String> = defaults
            .into_iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v))
            .collect();
        for (k, v) in overrides {
            vars.insert(k.to_ascii_lowercase(), v.clone());
        }
        Env { vars }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    /// Replaces every `%NAME%`; `%%` stays a literal `%`.
    pub fn expand(&self, raw: &str) -> Result<String, PathError> {
        let mut out = String::with_capacity(raw.len());
        let mut rest = raw;
        while let Some(start) = rest.find('%') {
            out.push_str(&rest[..start]);
            let after = &rest[start + 1..];
            let Some(end) = after.find('%') else {
                return Err(PathError::UnterminatedVariable(raw.to_string()));
            };
            let name = &after[..end];
            if name.is_empty() {
                out.push('%');
            } else {
                let value = self
                    .get(name)
                    .ok_or_else(|| PathError::UnknownVariable(name.to_string()))?;
                out.push_str(value);
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

impl ServerPath {
    /// Parses a server path, expanding `%VAR%` first.
    pub fn parse(raw: &str, env: &Env) -> Result<ServerPath, PathError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(PathError::Empty);
        }
        let expanded = env.expand(trimmed)?;
        let bytes = expanded.as_bytes();
        if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
            let rest = &expanded[2..];
            // `C:foo` is drive-relative on Windows: it depends on a current directory we do not have.
            if !rest.is_empty() && !rest.starts_with(['\\', '/']) {
                return Err(PathError::NotAbsolute(raw.to_string()));
            }
            let drive = char::from(bytes[0]).to_ascii_uppercase();
            return Ok(ServerPath::Windows {
                drive,
                segments: normalize(rest.split(['\\', '/'])),
            });
        }
        if expanded.starts_with('/') && !expanded.starts_with("//") {
            return Ok(ServerPath::Posix {
                segments: normalize(expanded.split('/')),
            });
        }
        Err(PathError::NotAbsolute(raw.to_string()))
    }

    pub fn segments(&self) -> &[String] {
        match self {
            ServerPath::Windows { segments, .. } | ServerPath::Posix { segments } => segments,
        }
    }

    pub fn is_windows(&self) -> bool {
        matches!(self, ServerPath::Windows { .. })
    }

    /// The last segment, if any.
    pub fn file_name(&self) -> Option<&str> {
        self.segments().last().map(String::as_str)
    }

    /// The folder holding this path (the root's parent is the root).
    pub fn parent(&self) -> ServerPath {
        let mut p = self.clone();
        match &mut p {
            ServerPath::Windows { segments, .. } | ServerPath::Posix { segments } => {
                segments.pop();
            }
        }
        p
    }

    /// This path with one more segment.
    pub fn join(&self, segment: &str) -> ServerPath {
        let mut p = self.clone();
        match &mut p {
            ServerPath::Windows { segments, .. } | ServerPath::Posix { segments } => {
                segments.push(segment.to_string())
            }
        }
        p
    }

    /// Whether `prefix` is this path or one of its ancestors (compared as
    /// [`ServerPath::same_as`] compares).
    pub fn starts_with(&self, prefix: &ServerPath) -> bool {
        let (own, theirs) = (self.segments(), prefix.segments());
        if own.len() < theirs.len() {
            return false;
        }
        let mut head = self.clone();
        match &mut head {
            ServerPath::Windows { segments, .. } | ServerPath::Posix { segments } => {
                segments.truncate(theirs.len())
            }
        }
        head.same_as(prefix)
    }

    /// The same path as Windows compares paths: case-insensitively.
    /// Trailing separators and `/` versus `\` are already gone after parsing.
    pub fn same_as(&self, other: &ServerPath) -> bool {
        match (self, other) {
            (
                ServerPath::Windows {
                    drive: a,
                    segments: sa,
                },
                ServerPath::Windows {
                    drive: b,
                    segments: sb,
                },
            ) => {
                a == b && sa.len() == sb.len() && sa.iter().zip(sb).all(|(x, y)| fold(x) == fold(y))
            }
            (ServerPath::Posix { segments: sa }, ServerPath::Posix { segments: sb }) => sa == sb,
            _ => false,
        }
    }
}

impl fmt::Display for ServerPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServerPath::Windows { drive, segments } => {
                write!(f, "{drive}:\\{}", segments.join("\\"))
            }
            ServerPath::Posix { segments } => write!(f, "/{}", segments.join("/")),
        }
    }
}

/// Case folding for Windows names (NTFS compares upper-cased names; full
/// Unicode lower-casing is the closest portable equivalent).
pub fn fold(name: &str) -> String {
    name.to_lowercase()
}

fn normalize<'a>(parts: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in parts {
        match part {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            other => out.push(other.to_string()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> Env {
        Env::new('C', &BTreeMap::new())
    }

    fn win(s: &str) -> ServerPath {
        ServerPath::parse(s, &env()).unwrap()
    }

    #[test]
    fn windows_paths_accept_both_separators_and_ignore_trailing_ones() {
        let a = win(r"C:\inetpub\wwwroot\TMS\web.config");
        let b = win("c:/inetpub/wwwroot/TMS/web.config/");
        assert_eq!(a, b);
        assert_eq!(a.to_string(), r"C:\inetpub\wwwroot\TMS\web.config");
        assert_eq!(a.segments(), ["inetpub", "wwwroot", "TMS", "web.config"]);
    }

    #[test]
    fn dot_dot_never_climbs_above_the_drive() {
        assert_eq!(
            win(r"C:\..\..\Windows\.\System32"),
            win(r"C:\Windows\System32")
        );
        assert_eq!(win(r"C:\a\..\..\b"), win(r"C:\b"));
        let posix = ServerPath::parse("/../../etc/./apache2/../apache2", &env()).unwrap();
        assert_eq!(posix.to_string(), "/etc/apache2");
    }

    #[test]
    fn variables_expand_case_insensitively_with_defaults_from_the_system_drive() {
        assert_eq!(
            win(r"%ProgramData%\NugetCache\").to_string(),
            r"C:\ProgramData\NugetCache"
        );
        assert_eq!(
            win(r"%WINDIR%\System32").to_string(),
            r"C:\Windows\System32"
        );
        let d = Env::new('d', &BTreeMap::new());
        assert_eq!(
            ServerPath::parse(r"%SystemDrive%\inetpub", &d)
                .unwrap()
                .to_string(),
            r"D:\inetpub"
        );
        assert_eq!(
            ServerPath::parse(r"%ProgramFiles(x86)%\X", &env())
                .unwrap()
                .to_string(),
            r"C:\Program Files (x86)\X"
        );
    }

    #[test]
    fn facts_env_overrides_defaults() {
        let mut o = BTreeMap::new();
        o.insert("programdata".to_string(), r"E:\PD".to_string());
        let e = Env::new('C', &o);
        assert_eq!(
            ServerPath::parse(r"%ProgramData%\NugetCache", &e)
                .unwrap()
                .to_string(),
            r"E:\PD\NugetCache"
        );
    }

    #[test]
    fn unknown_and_unterminated_variables_are_reported_not_guessed() {
        assert_eq!(
            ServerPath::parse(r"%Nope%\x", &env()),
            Err(PathError::UnknownVariable("Nope".into()))
        );
        assert!(matches!(
            ServerPath::parse(r"%ProgramData\x", &env()),
            Err(PathError::UnterminatedVariable(_))
        ));
    }

    #[test]
    fn relative_unc_and_drive_relative_paths_are_refused() {
        for raw in [
            r"inetpub\wwwroot",
            r"\\server\share\x",
            "C:foo",
            "//host/x",
            "",
        ] {
            assert!(ServerPath::parse(raw, &env()).is_err(), "{raw:?}");
        }
    }

    #[test]
    fn windows_comparison_ignores_case_but_posix_does_not() {
        assert!(win(r"C:\ProgramData\NugetCache\").same_as(&win(r"c:/programdata/NuGetCache")));
        assert!(!win(r"C:\ProgramData\NugetCache").same_as(&win(r"D:\ProgramData\NugetCache")));
        let a = ServerPath::parse("/etc/Apache2", &env()).unwrap();
        let b = ServerPath::parse("/etc/apache2", &env()).unwrap();
        assert!(!a.same_as(&b));
    }
}

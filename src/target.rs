//! What `upgate scan TARGET` names: a root (a folder standing for the server's
//! file system) or a snapshot (a folder holding `root/` and `facts.json` or
//! `captures/`, or any folder given with `--snapshot`). Also reads the facts
//! file, which belongs to the user, not to the scanned server.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::InputError;
use crate::facts::Facts;
use crate::server::{Manifest, manifest};

/// Command output captured on the server (icacls), handed over beside facts.json.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capture {
    /// As found: relative to the facts file, or the snapshot's default.
    pub file: PathBuf,
    pub bytes: Vec<u8>,
}

/// Captures by their `captures` key in facts.json.
pub type Captures = BTreeMap<String, Capture>;

/// Every capture upgate reads: its facts key, and where a snapshot keeps it
/// when facts.json does not say.
pub const CAPTURE_FILES: &[(&str, &str)] =
    &[("nugetcache_icacls", "captures/nugetcache.icacls.txt")];

/// An icacls capture of a large tree is a few MiB; more is not a capture.
const CAPTURE_LIMIT: u64 = 64 * 1024 * 1024;

/// A manifest of a million entries is about 100 MiB.
const MANIFEST_LIMIT: u64 = 1024 * 1024 * 1024;

/// facts.json is a few KiB; as much as a config file (16 MiB) is refused, so a
/// huge file is not read whole.
pub const FACTS_LIMIT: u64 = 16 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub root: PathBuf,
    /// The snapshot folder, when the target is one.
    pub snapshot: Option<PathBuf>,
    pub facts_file: Option<PathBuf>,
    /// No target was given: this is the machine's own root.
    pub system_root: bool,
    /// How the target was read, when the user should hear it (said on stderr).
    pub note: Option<String>,
}

/// What the user named on the command line; at most one of the three.
#[derive(Debug, Clone, Copy, Default)]
pub struct Given<'a> {
    /// TARGET: a root, or a snapshot when it looks like one.
    pub target: Option<&'a Path>,
    /// `--root DIR`: a root, whatever it holds.
    pub root: Option<&'a Path>,
    /// `--snapshot DIR`: a snapshot, whatever else it holds.
    pub snapshot: Option<&'a Path>,
}

impl Target {
    /// Neither TARGET, `--root` nor `--snapshot` means this machine's root.
    /// `facts` overrides a snapshot's facts.json.
    pub fn resolve(given: Given<'_>, facts: Option<&Path>) -> Result<Target, InputError> {
        let root_target = |root: PathBuf, system_root, note| Target {
            root,
            snapshot: None,
            facts_file: facts.map(Path::to_path_buf),
            system_root,
            note,
        };
        match (given.target, given.root, given.snapshot) {
            (None, None, None) => {
                // Always a root, never a snapshot: `/` holds `root/` (root's home
                // on Linux) and may hold anything else, and a scan without a
                // target is a scan of this machine. `--snapshot /` still exists.
                let root = system_root();
                check_dir(&root)?;
                let note = format!(
                    "no target given: scanning this machine's root {}",
                    root.display()
                );
                Ok(root_target(root, true, Some(note)))
            }
            (None, Some(r), None) => {
                check_dir(r)?;
                Ok(root_target(r.to_path_buf(), false, None))
            }
            (None, None, Some(s)) => {
                check_dir(s)?;
                if !s.join("root").is_dir() {
                    return Err(InputError::new("the snapshot holds no root/ folder")
                        .in_file(s)
                        .help("a snapshot is a folder holding root/ (the server's file system) beside facts.json and captures/; scan a plain folder as TARGET or with --root"));
                }
                Ok(Target::snapshot(s, facts))
            }
            (Some(t), None, None) => {
                check_dir(t)?;
                if !t.join("root").is_dir() {
                    return Ok(root_target(t.to_path_buf(), false, None));
                }
                // root/ alone is a server folder as often as a snapshot's
                // (a home directory); facts.json or captures/ say which.
                if t.join("facts.json").is_file() || t.join("captures").is_dir() {
                    return Ok(Target::snapshot(t, facts));
                }
                let note = format!(
                    "{} holds root/ but no facts.json or captures/, so it is scanned as a root; --snapshot {} scans it as a snapshot",
                    t.display(),
                    t.display()
                );
                Ok(root_target(t.to_path_buf(), false, Some(note)))
            }
            _ => Err(InputError::new(
                "give the target once: as TARGET, with --root or with --snapshot",
            )),
        }
    }

    fn snapshot(dir: &Path, facts: Option<&Path>) -> Target {
        let own_facts = dir.join("facts.json");
        let facts_file = match facts {
            Some(f) => Some(f.to_path_buf()),
            None => own_facts.is_file().then_some(own_facts),
        };
        Target {
            root: dir.join("root"),
            snapshot: Some(dir.to_path_buf()),
            facts_file,
            system_root: false,
            note: None,
        }
    }

    /// The host name when facts.json gives none: the snapshot's or root's folder name.
    pub fn default_host(&self) -> String {
        let folder = self.snapshot.as_deref().unwrap_or(&self.root);
        let canonical = fs::canonicalize(folder).unwrap_or_else(|_| folder.to_path_buf());
        canonical
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "localhost".to_string())
    }

    pub fn load_facts(&self) -> Result<Facts, InputError> {
        let Some(file) = &self.facts_file else {
            return Ok(Facts::default());
        };
        let bytes = read_capped(file, FACTS_LIMIT).map_err(|e| {
            InputError::new(format!("cannot read facts file: {e}"))
                .in_file(file)
                .help("pass an existing file with --facts, or leave it out")
        })?;
        let text = crate::text::decode(&bytes)
            .map_err(|e| InputError::new(format!("facts file is not text: {e}")).in_file(file))?;
        Facts::parse(&text.text, file)
    }
}

impl Target {
    /// A collected snapshot's manifest (`upgate collect`), when it has one.
    pub fn load_manifest(&self) -> Result<Option<Manifest>, InputError> {
        let Some(snapshot) = &self.snapshot else {
            return Ok(None);
        };
        let file = snapshot.join(manifest::FILE_NAME);
        if !file.is_file() {
            return Ok(None);
        }
        let bytes = read_capped(&file, MANIFEST_LIMIT).map_err(|e| {
            InputError::new(format!("cannot read the snapshot's manifest: {e}")).in_file(&file)
        })?;
        let text = String::from_utf8(bytes)
            .map_err(|_| InputError::new("the snapshot's manifest is not UTF-8").in_file(&file))?;
        Manifest::parse(&text).map(Some).map_err(|e| {
            InputError::new(format!("the snapshot's manifest is damaged: {e}"))
                .in_file(&file)
                .help("collect the snapshot again with `upgate collect`")
        })
    }

    /// Reads the captures facts.json names (relative to the facts file), or
    /// the snapshot's `captures/` defaults. A capture facts.json names but that
    /// cannot be read is an input error: the user pointed at it.
    pub fn load_captures(&self, facts: &Facts) -> Result<Captures, InputError> {
        let base = match (&self.facts_file, &self.snapshot) {
            (Some(f), _) => f.parent().map(Path::to_path_buf).unwrap_or_default(),
            (None, Some(s)) => s.clone(),
            (None, None) => return Ok(Captures::new()),
        };
        let named = facts.captures.as_ref();
        let mut captures = Captures::new();
        for (key, default) in CAPTURE_FILES {
            let given = match *key {
                "nugetcache_icacls" => named.and_then(|c| c.nugetcache_icacls.as_deref()),
                _ => None,
            };
            let file = base.join(given.unwrap_or(default));
            if given.is_none() && !file.is_file() {
                continue;
            }
            let bytes = read_capped(&file, CAPTURE_LIMIT).map_err(|e| {
                InputError::new(format!("cannot read the capture captures.{key}: {e}"))
                    .in_file(&file)
                    .help("the path is relative to the facts file; fix it or remove the key")
            })?;
            captures.insert(key.to_string(), Capture { file, bytes });
        }
        Ok(captures)
    }
}

/// The Windows system drive of this machine (`%SystemDrive%`), `C:` elsewhere
/// or when unset.
pub fn system_drive() -> String {
    if cfg!(windows) {
        if let Ok(d) = std::env::var("SystemDrive") {
            return d;
        }
    }
    "C:".to_string()
}

/// This machine's root: `/`, or on Windows the system drive's (`C:\`).
pub fn system_root() -> PathBuf {
    if cfg!(windows) {
        PathBuf::from(format!("{}\\", system_drive()))
    } else {
        PathBuf::from("/")
    }
}

fn read_capped(file: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    // Checked before opening: opening a FIFO would block.
    if !fs::metadata(file)?.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let f = fs::File::open(file)?;
    let mut bytes = Vec::new();
    f.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::other(format!("larger than {limit} bytes")));
    }
    Ok(bytes)
}

fn check_dir(path: &Path) -> Result<(), InputError> {
    match fs::metadata(path) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(InputError::new(
            "the target is a file; expected a folder (a root or a snapshot)",
        )
        .in_file(path)),
        Err(e) => Err(InputError::new(format!("cannot read the target: {e}")).in_file(path)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(dir: &Path) -> Result<Target, InputError> {
        let given = Given {
            target: Some(dir),
            ..Given::default()
        };
        Target::resolve(given, None)
    }

    fn snapshot(dir: &Path) -> Result<Target, InputError> {
        let given = Given {
            snapshot: Some(dir),
            ..Given::default()
        };
        Target::resolve(given, None)
    }

    #[test]
    fn root_and_facts_json_is_a_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("root")).unwrap();
        fs::write(dir.path().join("facts.json"), "{}").unwrap();
        let t = target(dir.path()).unwrap();
        assert_eq!(t.root, dir.path().join("root"));
        assert_eq!(t.snapshot.as_deref(), Some(dir.path()));
        assert_eq!(t.facts_file, Some(dir.path().join("facts.json")));
        assert_eq!((t.system_root, t.note), (false, None));
        let other = dir.path().join("other.json");
        let given = Given {
            target: Some(dir.path()),
            ..Given::default()
        };
        let t = Target::resolve(given, Some(&other)).unwrap();
        assert_eq!(t.facts_file, Some(other));
    }

    #[test]
    fn root_and_captures_is_a_snapshot_without_facts() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("root")).unwrap();
        fs::create_dir(dir.path().join("captures")).unwrap();
        let t = target(dir.path()).unwrap();
        assert_eq!(t.root, dir.path().join("root"));
        assert_eq!(t.snapshot.as_deref(), Some(dir.path()));
        assert_eq!((t.facts_file, t.note), (None, None));
    }

    #[test]
    fn root_alone_is_a_root_with_a_note() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("root")).unwrap();
        // A facts.json that is a folder is no facts file.
        fs::create_dir(dir.path().join("facts.json")).unwrap();
        let t = target(dir.path()).unwrap();
        assert_eq!((t.root.as_path(), t.snapshot), (dir.path(), None));
        let note = t.note.unwrap();
        assert!(
            note.contains("holds root/ but no facts.json or captures/"),
            "{note}"
        );
        assert!(
            note.contains(&format!("--snapshot {}", dir.path().display())),
            "{note}"
        );
    }

    #[test]
    fn an_explicit_snapshot_needs_only_root() {
        let dir = tempfile::tempdir().unwrap();
        let e = snapshot(dir.path()).unwrap_err();
        assert!(e.message.contains("no root/"), "{}", e.message);
        assert_eq!(e.file.as_deref(), Some(dir.path()));
        fs::create_dir(dir.path().join("root")).unwrap();
        let t = snapshot(dir.path()).unwrap();
        assert_eq!(t.root, dir.path().join("root"));
        assert_eq!(t.snapshot.as_deref(), Some(dir.path()));
        assert_eq!((t.facts_file, t.note), (None, None));
        assert!(snapshot(&dir.path().join("missing")).is_err());
    }

    #[test]
    fn no_target_is_the_system_root_and_says_so() {
        let t = Target::resolve(Given::default(), None).unwrap();
        assert_eq!(t.root, system_root());
        assert_eq!(t.snapshot, None);
        assert!(t.system_root);
        let note = t.note.unwrap();
        assert_eq!(
            note,
            format!(
                "no target given: scanning this machine's root {}",
                system_root().display()
            )
        );
        if !cfg!(windows) {
            assert_eq!(system_root(), Path::new("/"));
        }
    }

    #[test]
    fn a_plain_folder_is_a_root_and_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let t = target(dir.path()).unwrap();
        assert_eq!(
            (t.root.as_path(), t.snapshot, t.note),
            (dir.path(), None, None)
        );
        fs::write(dir.path().join("f"), "").unwrap();
        assert!(target(&dir.path().join("f")).is_err());
        assert!(target(&dir.path().join("missing")).is_err());
        let p = Some(dir.path());
        for given in [
            Given {
                target: p,
                root: p,
                snapshot: None,
            },
            Given {
                target: p,
                root: None,
                snapshot: p,
            },
            Given {
                target: None,
                root: p,
                snapshot: p,
            },
        ] {
            let e = Target::resolve(given, None).unwrap_err();
            assert!(e.message.contains("give the target once"), "{}", e.message);
        }
    }
}

//! What `upgate scan TARGET` names: a root (a folder standing for the server's
//! file system) or a snapshot (a folder holding `root/`, optionally
//! `facts.json` and `captures/`). Also reads the facts file, which belongs to
//! the user, not to the scanned server.

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
}

impl Target {
    /// `target` (positional) or `root` (`--root`), at most one; neither means
    /// the local machine's root. `facts` overrides a snapshot's facts.json.
    pub fn resolve(
        target: Option<&Path>,
        root: Option<&Path>,
        facts: Option<&Path>,
    ) -> Result<Target, InputError> {
        let given = match (target, root) {
            (Some(_), Some(_)) => {
                return Err(InputError::new(
                    "give the target either as TARGET or with --root, not both",
                ));
            }
            (Some(t), None) => t.to_path_buf(),
            (None, Some(r)) => {
                check_dir(r)?;
                return Ok(Target {
                    root: r.to_path_buf(),
                    snapshot: None,
                    facts_file: facts.map(Path::to_path_buf),
                });
            }
            (None, None) => PathBuf::from("/"),
        };
        check_dir(&given)?;
        let inner = given.join("root");
        if inner.is_dir() {
            let own_facts = given.join("facts.json");
            let facts_file = match facts {
                Some(f) => Some(f.to_path_buf()),
                None => own_facts.is_file().then_some(own_facts),
            };
            return Ok(Target {
                root: inner,
                snapshot: Some(given),
                facts_file,
            });
        }
        Ok(Target {
            root: given,
            snapshot: None,
            facts_file: facts.map(Path::to_path_buf),
        })
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
        let text = String::from_utf8(bytes).map_err(|_| {
            InputError::new("the snapshot's manifest is not UTF-8").in_file(&file)
        })?;
        Manifest::parse(&text)
            .map(Some)
            .map_err(|e| {
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

    #[test]
    fn a_folder_with_root_inside_is_a_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("root")).unwrap();
        fs::write(dir.path().join("facts.json"), "{}").unwrap();
        let t = Target::resolve(Some(dir.path()), None, None).unwrap();
        assert_eq!(t.root, dir.path().join("root"));
        assert_eq!(t.facts_file, Some(dir.path().join("facts.json")));
        let other = dir.path().join("other.json");
        let t = Target::resolve(Some(dir.path()), None, Some(&other)).unwrap();
        assert_eq!(t.facts_file, Some(other));
    }

    #[test]
    fn a_plain_folder_is_a_root_and_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let t = Target::resolve(Some(dir.path()), None, None).unwrap();
        assert_eq!((t.root.as_path(), t.snapshot), (dir.path(), None));
        fs::write(dir.path().join("f"), "").unwrap();
        assert!(Target::resolve(Some(&dir.path().join("f")), None, None).is_err());
        assert!(Target::resolve(Some(&dir.path().join("missing")), None, None).is_err());
        assert!(Target::resolve(Some(dir.path()), Some(dir.path()), None).is_err());
    }
}

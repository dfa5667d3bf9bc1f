//! The Privilege Manager offline upgrade package (PM014; seed 001 steps 1-3:
//! extract the zip, copy its `nugetCache` folder's contents to the
//! NugetCache): reading it and holding its packages against the cache.
//!
//! A zip is read from its central directory alone (names, sizes, the CRC-32
//! each entry records), never extracted: an offline package is hundreds of
//! MB. The cache's files are streamed through CRC-32 (a zip) or compared
//! byte for byte (an extracted folder) on every core, with the machinery of
//! the web folder backups (SS003).

use std::collections::HashMap;
use std::hash::RandomState;
use std::io::BufReader;

use super::backup::{self, Copy, Folded, Form, SizeDiff, Source};
use super::{Inputs, Loaded};
use crate::nuget::package::{self, Defect};
use crate::path::fold;
use crate::server::{FsError, Kind, Resolved};

/// The package folder inside the offline package (the vendor's spelling;
/// matched in any case, as Windows does).
pub const FOLDER: &str = "nugetCache";
const SUFFIX: &str = ".nupkg";

/// What a zip or folder is, as an offline package.
pub enum Offline {
    /// It holds no `nugetCache` folder of packages.
    NotPackage,
    Damaged(Defect),
    Unreadable(FsError),
    Package(Box<Package>),
}

/// An offline package: its `nugetCache` packages, read once.
pub struct Package {
    pub place: Resolved,
    pub form: Form,
    /// The package folder as shown in messages (`…\PM.zip` + `nugetCache/`).
    pub folder: String,
    copy: Copy,
    /// The copy's files that are packages (`.nupkg`), relative to the folder.
    packages: Vec<usize>,
}

impl Package {
    /// The packages' paths relative to its `nugetCache` folder, with sizes.
    pub fn packages(&self) -> impl Iterator<Item = (&str, u64)> + '_ {
        self.packages
            .iter()
            .map(|&i| (self.copy.name(i), self.copy.size(i)))
    }
}

/// One offline package held against the cache.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InCache {
    /// Packages absent from the cache, with their sizes, sorted.
    pub missing: Vec<(String, u64)>,
    /// `live` is the cache file's size, `copy` the package's.
    pub size_differs: Vec<SizeDiff>,
    /// Same size, other CRC-32 (zip) or bytes (folder).
    pub content_differs: Vec<(String, u64)>,
    /// Cache files or entries that could not be read.
    pub problems: Vec<String>,
}

impl InCache {
    pub fn complete(&self) -> bool {
        self.missing.is_empty()
            && self.size_differs.is_empty()
            && self.content_differs.is_empty()
            && self.problems.is_empty()
    }

    pub fn distance(&self) -> usize {
        self.missing.len() + self.size_differs.len() + self.content_differs.len()
    }
}

fn is_package(rel: &str) -> bool {
    package::strip_suffix_ignore_case(rel, SUFFIX).is_some()
}

impl Inputs<'_> {
    /// Reads a zip (its central directory) or a folder as an offline package:
    /// the `.nupkg` files in its first `nugetCache` folder (any case; at the
    /// top or below a folder such as `PrivilegeManager_11.1/`).
    pub fn offline_package(&self, place: &Resolved) -> Offline {
        let keys = RandomState::new();
        match place.kind {
            Kind::Dir => {
                let entries = match self.server.list(place) {
                    Ok(e) => e,
                    Err(e) => return Offline::Unreadable(e),
                };
                let Some(dir) = entries.into_iter().find_map(|e| match e.target {
                    Ok(t) if t.kind == Kind::Dir && e.name.eq_ignore_ascii_case(FOLDER) => Some(t),
                    _ => None,
                }) else {
                    return Offline::NotPackage;
                };
                let tree = match self.server.tree(&dir) {
                    Ok(t) => t,
                    Err(e) => return Offline::Unreadable(e),
                };
                let copy = Copy::new(Source::Folder(tree), &keys);
                let packages: Vec<usize> = (0..copy.len())
                    .filter(|&i| is_package(copy.name(i)))
                    .collect();
                if packages.is_empty() {
                    return Offline::NotPackage;
                }
                Offline::Package(Box::new(Package {
                    folder: dir.server.to_string(),
                    place: place.clone(),
                    form: Form::Folder,
                    copy,
                    packages,
                }))
            }
            Kind::File => {
                let file = match self.server.open(place) {
                    Ok(f) => f,
                    Err(e) => return Offline::Unreadable(e),
                };
                let archive = match package::open_zip(BufReader::new(file), place.len) {
                    Ok(a) => a,
                    Err(d) => return Offline::Damaged(d),
                };
                let mut files = backup::zip_files(&archive);
                // The first `nugetCache` folder; names made relative to it.
                let prefix = files.iter().find_map(|f| {
                    let mut at = 0;
                    for segment in f.name.split('/') {
                        at += segment.len() + 1;
                        if segment.eq_ignore_ascii_case(FOLDER) {
                            return Some(f.name[..at].to_string());
                        }
                    }
                    None
                });
                let Some(prefix) = prefix else {
                    return Offline::NotPackage;
                };
                files.retain_mut(|f| {
                    let under = f
                        .name
                        .get(..prefix.len())
                        .is_some_and(|p| Folded(p) == Folded(&prefix));
                    if under {
                        f.name.drain(..prefix.len());
                    }
                    under && is_package(&f.name)
                });
                if files.is_empty() {
                    return Offline::NotPackage;
                }
                let packages = (0..files.len()).collect();
                Offline::Package(Box::new(Package {
                    folder: format!("{} ({prefix})", place.server),
                    place: place.clone(),
                    form: Form::Zip,
                    copy: Copy::new(Source::Zip { archive, files }, &keys),
                    packages,
                }))
            }
            Kind::Other => Offline::Unreadable(FsError::NotARegularFile(place.server.to_string())),
        }
    }

    /// Holds each offline package against the cache folder, walked once: every
    /// package must be there (at the same relative path, or under its file
    /// name anywhere in the cache: flat or `<id>\<version>\` layout) with the
    /// same size and content.
    pub fn offline_in_cache(&self, packages: &[&Package], cache: &str) -> Loaded<Vec<InCache>> {
        self.folder(cache).then(|dir| {
            let tree = self.server.tree(&dir)?;
            let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
            for (i, f) in tree.files.iter().enumerate() {
                let name = f.rel.rsplit('/').next().unwrap_or(&f.rel);
                by_name.entry(fold(name)).or_default().push(i);
            }
            let problems: Vec<String> = tree
                .problems
                .iter()
                .map(|(rel, e)| format!("{rel}: {e}"))
                .collect();
            Ok(packages
                .iter()
                .map(|p| {
                    let mut out = InCache {
                        problems: problems.clone(),
                        ..InCache::default()
                    };
                    let mut same_size = Vec::new();
                    for &i in &p.packages {
                        let (rel, len) = (p.copy.name(i), p.copy.size(i));
                        let name = rel.rsplit('/').next().unwrap_or(rel);
                        let held = by_name.get(&fold(name)).and_then(|c| {
                            c.iter()
                                .copied()
                                .find(|&j| Folded(&tree.files[j].rel) == Folded(rel))
                                .or_else(|| c.first().copied())
                        });
                        match held {
                            None => out.missing.push((rel.to_string(), len)),
                            Some(j) if tree.files[j].len != len => {
                                out.size_differs.push(SizeDiff {
                                    rel: rel.to_string(),
                                    live: tree.files[j].len,
                                    copy: len,
                                })
                            }
                            Some(j) => same_size.push((j, i)),
                        }
                    }
                    let verdicts = backup::parallel(&same_size, |bufs, &(j, i)| {
                        let f = &tree.files[j];
                        p.copy
                            .same_content(self.server, &tree.host(f), f.len, i, bufs)
                    });
                    for (&(j, i), verdict) in same_size.iter().zip(verdicts) {
                        match verdict {
                            Ok(true) => {}
                            Ok(false) => out
                                .content_differs
                                .push((p.copy.name(i).to_string(), p.copy.size(i))),
                            Err(e) => out.problems.push(format!("{}: {e}", tree.files[j].rel)),
                        }
                    }
                    out.missing.sort_unstable();
                    out.size_differs.sort_unstable_by(|a, b| a.rel.cmp(&b.rel));
                    out.content_differs.sort_unstable();
                    out.problems.sort_unstable();
                    out
                })
                .collect())
        })
    }

    /// A zip or folder named on the command line (`--offline-package`).
    pub fn given(&self, host: &std::path::Path) -> Result<Resolved, FsError> {
        self.server.given(host)
    }
}

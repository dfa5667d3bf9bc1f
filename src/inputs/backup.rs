//! Backups of web folders (inputs.md, "Backups of web folders"): finding the
//! copies of a live folder and comparing each with it. Deciding whether a
//! copy is fresh enough and what to report is the check's job
//! (`rules::checks::web_folder_backup`); this module only gathers evidence.
//!
//! Cost grows with the server, so: the live folder and the first copy are
//! walked at the same time on two threads; each tree is walked once; stale
//! copies are never walked; content is read only with `--verify-content`,
//! spread over the available cores; and comparison stops at the first copy
//! that is complete.

use std::hash::{BuildHasher, Hash, Hasher, RandomState};
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::Serialize;
use zip::ZipArchive;

use super::{Inputs, Loaded};
use crate::nuget::package;
use crate::path::fold;
use crate::server::{Buffers, Content, FsError, Kind, Resolved, Server, Tree, TreeFile};

/// Files compared for identity (encryption.config) are small; more is not one.
const IDENTICAL_LIMIT: u64 = 16 * 1024 * 1024;

/// What to look for.
#[derive(Debug, Clone)]
pub struct Query<'a> {
    /// The live folder, e.g. `C:\inetpub\wwwroot\SecretServer`.
    pub live: &'a str,
    /// `backups.search_dirs`, or `C:\Backups`.
    pub search_dirs: Vec<String>,
    /// The product's own backup folder (Secret Server's "Backup File Path"):
    /// any `.zip` there is a candidate, whatever its name (the vendor does not
    /// document the names).
    pub own_dir: Option<String>,
    /// Paths relative to the live folder that must be byte-identical in the copy.
    pub identical: &'a [String],
    pub verify_content: bool,
}

/// Everything found about one live folder's backups.
#[derive(Debug)]
pub struct Backups {
    pub live: Loaded<Resolved>,
    pub looked_in: Vec<LookedIn>,
    /// Newest first; copies without a modification time last.
    pub candidates: Vec<Candidate>,
    /// The live folder's walk, when a fresh candidate made one necessary.
    pub live_files: Option<Result<usize, FsError>>,
    /// Candidates compared (index into `candidates`), in the order compared.
    pub compared: Vec<(usize, Comparison)>,
}

/// A folder searched for copies, and what came of it.
#[derive(Debug, Clone)]
pub struct LookedIn {
    pub dir: String,
    pub state: Looked,
}

#[derive(Debug, Clone)]
pub enum Looked {
    /// Listed; `candidates` copies found there.
    Searched {
        candidates: usize,
    },
    Missing,
    Failed(FsError),
}

#[derive(Debug, Clone)]
pub struct Candidate {
    pub place: Resolved,
    pub form: Form,
}

impl Candidate {
    pub fn modified(&self) -> Option<Timestamp> {
        self.place.modified
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Form {
    Folder,
    Zip,
}

impl std::fmt::Display for Form {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Form::Folder => "folder",
            Form::Zip => "zip",
        })
    }
}

/// A copy held against the live folder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Comparison {
    pub live_files: usize,
    /// Live files absent from the copy (relative, `/`-separated), sorted.
    pub missing: Vec<String>,
    pub size_differs: Vec<SizeDiff>,
    /// Same size, other bytes (folders) or CRC-32 (zips); `--verify-content` only.
    pub content_differs: Vec<String>,
    /// Live entries that could not be read, so the copy cannot be proven complete.
    pub problems: Vec<String>,
    /// The copy's files the live folder lacks, sorted; no concern of a backup's
    /// (not part of [`Comparison::complete`]), but what a package holds and was not copied.
    pub extra: Vec<String>,
    /// The copy as a whole could not be read (a damaged zip, an unlistable folder).
    pub unreadable: Option<String>,
    pub content_checked: bool,
    /// `--verify-content` on a snapshot that holds a file's size but not its
    /// content or hash (collected without `--hash`): the first such file.
    pub content_unavailable: Option<String>,
    /// For each `Query::identical` path: how the copy's file compares.
    pub identical: Vec<(String, Identity)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SizeDiff {
    pub rel: String,
    pub live: u64,
    pub copy: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identity {
    Same,
    Differs,
    MissingInCopy,
    /// The live folder has no such file: nothing to compare with.
    MissingLive,
    Unreadable(String),
}

impl Comparison {
    /// Every live file is in the copy with the same size (and content, when checked).
    pub fn complete(&self) -> bool {
        self.unreadable.is_none()
            && self.content_unavailable.is_none()
            && self.missing.is_empty()
            && self.size_differs.is_empty()
            && self.content_differs.is_empty()
            && self.problems.is_empty()
    }

    pub fn identical_ok(&self) -> bool {
        self.identical.iter().all(|(_, i)| *i == Identity::Same)
    }

    /// How far from a usable copy: fewer is closer.
    pub fn distance(&self) -> usize {
        if self.unreadable.is_some() {
            return usize::MAX;
        }
        self.missing.len()
            + self.size_differs.len()
            + self.content_differs.len()
            + self.problems.len()
            + usize::from(self.content_unavailable.is_some())
            + self
                .identical
                .iter()
                .filter(|(_, i)| *i != Identity::Same)
                .count()
    }
}

/// A copy read once (a walked folder, or a zip's central directory), with
/// its files indexed by case-insensitive path.
pub(super) struct Copy {
    pub(super) source: Source,
    /// (key of the folded path, file number), sorted: built on the copy's
    /// thread while the live folder is still being walked.
    index: Vec<(u64, usize)>,
}

pub(super) enum Source {
    Folder(Tree),
    Zip {
        archive: ZipArchive<BufReader<Content>>,
        files: Vec<ZipEntry>,
    },
}

pub(super) struct ZipEntry {
    /// Relative path, top folder stripped.
    pub(super) name: String,
    index: usize,
    pub(super) size: u64,
    crc32: u32,
}

impl Copy {
    pub(super) fn new(source: Source, keys: &RandomState) -> Copy {
        let mut copy = Copy {
            source,
            index: Vec::new(),
        };
        copy.index = (0..copy.len())
            .map(|i| (keys.hash_one(Folded(copy.name(i))), i))
            .collect();
        copy.index.sort_unstable();
        copy
    }

    pub(super) fn len(&self) -> usize {
        match &self.source {
            Source::Folder(tree) => tree.files.len(),
            Source::Zip { files, .. } => files.len(),
        }
    }

    pub(super) fn name(&self, i: usize) -> &str {
        match &self.source {
            Source::Folder(tree) => &tree.files[i].rel,
            Source::Zip { files, .. } => &files[i].name,
        }
    }

    pub(super) fn size(&self, i: usize) -> u64 {
        match &self.source {
            Source::Folder(tree) => tree.files[i].len,
            Source::Zip { files, .. } => files[i].size,
        }
    }

    /// The file at `rel` (case-insensitively), by its key.
    fn find(&self, key: u64, rel: &str) -> Option<usize> {
        let start = self.index.partition_point(|(k, _)| *k < key);
        self.index[start..]
            .iter()
            .take_while(|(k, _)| *k == key)
            .map(|(_, i)| *i)
            .find(|i| Folded(self.name(*i)) == Folded(rel))
    }

    /// Whether file `i` holds what the live file at `live` (of `len` bytes)
    /// holds: its bytes (folder), or the CRC-32 the zip records.
    pub(super) fn same_content(
        &self,
        server: &Server,
        live: &Path,
        len: u64,
        i: usize,
        bufs: &mut Buffers,
    ) -> std::io::Result<bool> {
        match &self.source {
            Source::Folder(tree) => server.same_bytes(live, &tree.host(&tree.files[i]), len, bufs),
            Source::Zip { files, .. } => Ok(server.crc32(live, len, bufs)? == files[i].crc32),
        }
    }

    /// Whether the snapshot holds nothing to compare file `i`'s content by.
    fn lacks_content(&self, server: &Server, i: usize) -> bool {
        match &self.source {
            Source::Folder(tree) => server.lacks_content(&tree.host(&tree.files[i])),
            // The zip's central directory holds the CRC-32.
            Source::Zip { .. } => false,
        }
    }

    /// File `i`'s bytes, for the files that must be identical.
    fn read(&mut self, server: &Server, i: usize) -> Result<Vec<u8>, String> {
        match &mut self.source {
            Source::Folder(tree) => server
                .read_host(&tree.host(&tree.files[i]), IDENTICAL_LIMIT)
                .map_err(|e| e.to_string()),
            Source::Zip { archive, files } => unzip_entry(archive, files[i].index),
        }
    }
}

impl Inputs<'_> {
    /// Finds the copies of a live folder and compares the fresh ones (as
    /// `fresh` decides), newest first, until one is complete.
    pub fn backups(&mut self, q: &Query<'_>, fresh: impl Fn(&Candidate) -> bool) -> Backups {
        let server = self.server;
        let (live, looked_in, candidates) = self.discover(q);
        let mut found = Backups {
            live,
            looked_in,
            candidates,
            live_files: None,
            compared: Vec::new(),
        };
        let Loaded::Found(live) = &found.live else {
            self.record_backups(q.live, &found);
            return found;
        };
        let fresh_ones: Vec<usize> = (0..found.candidates.len())
            .filter(|&i| fresh(&found.candidates[i]))
            .collect();
        let Some(&first) = fresh_ones.first() else {
            self.record_backups(q.live, &found);
            return found;
        };
        // The live folder and the first copy are independent: walk them at once.
        let keys = RandomState::new();
        let (live_tree, first_copy) = std::thread::scope(|s| {
            let walk = s.spawn(|| walk_keyed(server, live, &keys));
            let copy = read_copy(server, &found.candidates[first], live, &keys);
            let tree = walk.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
            (tree, copy)
        });
        let (live_tree, live_keys) = match live_tree {
            Ok(t) => t,
            Err(e) => {
                found.live_files = Some(Err(e));
                self.record_backups(q.live, &found);
                return found;
            }
        };
        found.live_files = Some(Ok(live_tree.files.len()));
        let mut next_copy = Some(first_copy);
        let mut read: Vec<Copy> = Vec::new();
        for (n, &i) in fresh_ones.iter().enumerate() {
            let copy = match next_copy.take() {
                Some(c) => c,
                None => read_copy(server, &found.candidates[i], live, &keys),
            };
            let comparison = match copy {
                Ok(mut c) => {
                    let live = Keyed {
                        tree: &live_tree,
                        keys: &live_keys,
                        state: &keys,
                    };
                    let comparison = compare(server, &live, &mut c, q.verify_content, q.identical);
                    read.push(c);
                    comparison
                }
                Err(e) => Comparison {
                    live_files: live_tree.files.len(),
                    unreadable: Some(e),
                    content_checked: q.verify_content,
                    ..Comparison::default()
                },
            };
            let done = comparison.complete() && comparison.identical_ok();
            found.compared.push((i, comparison));
            if done || n + 1 == fresh_ones.len() {
                break;
            }
        }
        // Freeing 100,000 paths per tree takes tens of milliseconds the
        // report need not wait for.
        std::thread::spawn(move || drop((live_tree, read)));
        self.record_backups(q.live, &found);
        found
    }

    /// A folder held against a zip of what it should hold (a Web Application's
    /// package), read from the zip's central directory ([`package::open_zip`]:
    /// bounded entries, nothing extracted) below its folder `top`: `missing`
    /// are the folder's files the zip lacks, `extra` the zip's the folder
    /// lacks. The walk and the comparison are a backup's: the folder walked
    /// while the zip's directory is read, content (CRC-32) only with
    /// `verify_content`, on every core. `Err`: the folder itself cannot be walked.
    pub fn against_zip(
        &self,
        live: &Resolved,
        zip: &Resolved,
        top: Option<&str>,
        verify_content: bool,
    ) -> Result<Comparison, FsError> {
        let server = self.server;
        let keys = RandomState::new();
        let (tree, copy) = std::thread::scope(|s| {
            let walk = s.spawn(|| walk_keyed(server, live, &keys));
            let copy = server.open(zip).map_err(|e| e.to_string()).and_then(|f| {
                let archive =
                    package::open_zip(BufReader::new(f), zip.len).map_err(|d| d.to_string())?;
                let mut files = zip_files(&archive);
                if let Some(t) = top {
                    strip_top(&mut files, t);
                }
                Ok(Copy::new(Source::Zip { archive, files }, &keys))
            });
            let tree = walk.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
            (tree, copy)
        });
        let (tree, tree_keys) = tree?;
        let comparison = match copy {
            Ok(mut c) => {
                let keyed = Keyed {
                    tree: &tree,
                    keys: &tree_keys,
                    state: &keys,
                };
                let comparison = compare(server, &keyed, &mut c, verify_content, &[]);
                std::thread::spawn(move || drop((tree, c)));
                comparison
            }
            Err(e) => Comparison {
                live_files: tree.files.len(),
                unreadable: Some(e),
                content_checked: verify_content,
                ..Comparison::default()
            },
        };
        Ok(comparison)
    }

    fn discover(&self, q: &Query<'_>) -> (Loaded<Resolved>, Vec<LookedIn>, Vec<Candidate>) {
        let live = self.folder(q.live);
        let Ok(live_path) = self.server.parse(q.live) else {
            return (live, Vec::new(), Vec::new());
        };
        let live_name = fold(live_path.file_name().unwrap_or_default());
        let live_host = match &live {
            Loaded::Found(r) => Some(r.host.clone()),
            _ => None,
        };
        // The live folder's parent holds Explorer's "SecretServer - Copy".
        let parent = live_path.parent().to_string();
        let mut dirs: Vec<(String, bool)> =
            q.search_dirs.iter().map(|d| (d.clone(), false)).collect();
        if let Some(own) = &q.own_dir {
            dirs.push((own.clone(), true));
        }
        dirs.push((parent, false));
        let mut seen_dirs: Vec<String> = Vec::new();
        let mut looked_in = Vec::new();
        let mut candidates: Vec<Candidate> = Vec::new();
        for (raw, own) in dirs {
            let key = super::cache_key(self.server, &raw);
            if let Some(at) = seen_dirs.iter().position(|k| *k == key) {
                // Listed already; the product's own folder still widens the match.
                if !own {
                    continue;
                }
                looked_in.remove(at);
                seen_dirs.remove(at);
            }
            seen_dirs.push(key);
            let state = match self.folder(&raw) {
                Loaded::Missing { .. } => Looked::Missing,
                Loaded::Failed { error, .. } => Looked::Failed(error),
                Loaded::Found(dir) => {
                    match self.search(&dir, &live_name, own, live_host.as_ref()) {
                        Ok(found) => {
                            let n = found.len();
                            candidates.extend(found);
                            Looked::Searched { candidates: n }
                        }
                        Err(e) => Looked::Failed(e),
                    }
                }
            };
            looked_in.push(LookedIn { dir: raw, state });
        }
        // One copy reachable from two search folders is one candidate.
        let mut unique: Vec<Candidate> = Vec::new();
        for c in candidates {
            if !unique.iter().any(|u| u.place.host == c.place.host) {
                unique.push(c);
            }
        }
        unique.sort_by(|a, b| {
            b.modified()
                .cmp(&a.modified())
                .then_with(|| a.place.server.to_string().cmp(&b.place.server.to_string()))
        });
        (live, looked_in, unique)
    }

    /// Copies in one search folder: entries named like the live folder, any
    /// zip in the product's own folder, and named entries one level down
    /// (`C:\Backups\2026-11-21\SecretServer`).
    fn search(
        &self,
        dir: &Resolved,
        live_name: &str,
        own: bool,
        live_host: Option<&PathBuf>,
    ) -> Result<Vec<Candidate>, FsError> {
        let mut found = Vec::new();
        for entry in self.server.list(dir)? {
            let Ok(target) = entry.target else { continue };
            if Some(&target.host) == live_host {
                continue;
            }
            let named = fold(&entry.name).starts_with(live_name);
            if let Some(c) = candidate(&entry.name, &target, named, own) {
                found.push(c);
                continue;
            }
            if named || target.kind != Kind::Dir {
                continue;
            }
            // A sub-folder that cannot be listed is not where the copy is expected.
            let Ok(inner) = self.server.list(&target) else {
                continue;
            };
            for e in inner {
                let Ok(t) = e.target else { continue };
                if Some(&t.host) == live_host {
                    continue;
                }
                let named = fold(&e.name).starts_with(live_name);
                found.extend(candidate(&e.name, &t, named, false));
            }
        }
        Ok(found)
    }

    fn record_backups(&mut self, live: &str, found: &Backups) {
        for (i, c) in found.candidates.iter().enumerate() {
            let comparison = found.compared.iter().find(|(j, _)| *j == i).map(|(_, c)| c);
            self.backups.push(ObservedBackup {
                live: live.to_string(),
                path: c.place.server.to_string(),
                form: c.form,
                modified: c.modified().map(|t| t.to_string()),
                complete: comparison.map(|c| c.complete() && c.identical_ok()),
            });
        }
    }
}

/// A backup found, for the report's `observed_state`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObservedBackup {
    pub live: String,
    pub path: String,
    pub form: Form,
    pub modified: Option<String>,
    /// Whether it held every live file; `None` when not compared (stale, or a
    /// fresher copy was complete).
    pub complete: Option<bool>,
}

/// A folder named like the live one, or a zip named like it (any zip when
/// `any_zip`: the product's own backup folder).
fn candidate(name: &str, target: &Resolved, named: bool, any_zip: bool) -> Option<Candidate> {
    let form = match target.kind {
        Kind::Dir if named => Form::Folder,
        Kind::File if (named || any_zip) && fold(name).ends_with(".zip") => Form::Zip,
        _ => return None,
    };
    Some(Candidate {
        place: target.clone(),
        form,
    })
}

fn read_copy(
    server: &Server,
    c: &Candidate,
    live: &Resolved,
    keys: &RandomState,
) -> Result<Copy, String> {
    let source = match c.form {
        Form::Folder => Source::Folder(server.tree(&c.place).map_err(|e| e.to_string())?),
        Form::Zip => {
            let file = server.open(&c.place).map_err(|e| e.to_string())?;
            let archive = ZipArchive::new(BufReader::new(file))
                .map_err(|e| format!("not a readable zip archive: {e}"))?;
            let mut files = zip_files(&archive);
            let live_name = fold(live.server.file_name().unwrap_or_default());
            let top = files
                .first()
                .and_then(|f| f.name.split_once('/'))
                .map(|(t, _)| t.to_string())
                .filter(|t| fold(t).starts_with(&live_name));
            if let Some(t) = top {
                strip_top(&mut files, &t);
            }
            Source::Zip { archive, files }
        }
    };
    Ok(Copy::new(source, keys))
}

/// The zip's files, as its central directory lists them.
pub(super) fn zip_files(archive: &ZipArchive<BufReader<Content>>) -> Vec<ZipEntry> {
    let mut files: Vec<ZipEntry> = Vec::new();
    for index in 0..archive.len() {
        let Ok(entry) = archive.by_index_data(index) else {
            continue;
        };
        if entry.is_dir() {
            continue;
        }
        let name = match entry.name() {
            Ok(n) => n.into_owned(),
            Err(_) => String::from_utf8_lossy(entry.name_raw()).into_owned(),
        };
        // Zips written on Windows sometimes use `\`.
        let name = name.replace('\\', "/");
        let name = name.trim_start_matches("./").trim_start_matches('/');
        if name.is_empty() || name.ends_with('/') {
            continue;
        }
        files.push(ZipEntry {
            name: name.to_string(),
            index,
            size: entry.size(),
            crc32: entry.crc32(),
        });
    }
    files
}

/// Strips the top folder `t` (`SecretServer/…`) when every file is below it.
fn strip_top(files: &mut [ZipEntry], t: &str) {
    let under_top = |n: &str| {
        n.get(..t.len()).is_some_and(|p| Folded(p) == Folded(t))
            && n.as_bytes().get(t.len()) == Some(&b'/')
    };
    if files.iter().all(|f| under_top(&f.name)) {
        for f in files {
            f.name.drain(..=t.len());
        }
    }
}

/// A folder's walk, with each file's key for looking it up in a copy's index.
fn walk_keyed(
    server: &Server,
    dir: &Resolved,
    keys: &RandomState,
) -> Result<(Tree, Vec<u64>), FsError> {
    server.tree(dir).map(|t| {
        let k: Vec<u64> = t
            .files
            .iter()
            .map(|f| keys.hash_one(Folded(&f.rel)))
            .collect();
        (t, k)
    })
}

/// The live folder's walk with each file's key (from the same hasher as the copy's index).
struct Keyed<'a> {
    tree: &'a Tree,
    keys: &'a [u64],
    state: &'a RandomState,
}

fn compare(
    server: &Server,
    keyed: &Keyed<'_>,
    copy: &mut Copy,
    verify_content: bool,
    identical: &[String],
) -> Comparison {
    let live = keyed.tree;
    let mut out = Comparison {
        live_files: live.files.len(),
        content_checked: verify_content,
        problems: live
            .problems
            .iter()
            .map(|(rel, e)| format!("{rel}: {e}"))
            .collect(),
        ..Comparison::default()
    };
    let mut same_size: Vec<(&TreeFile, usize)> = Vec::new();
    let mut matched = vec![false; copy.len()];
    for (f, k) in live.files.iter().zip(keyed.keys) {
        let found = copy.find(*k, &f.rel);
        if let Some(i) = found {
            matched[i] = true;
        }
        match found {
            None => out.missing.push(f.rel.clone()),
            Some(i) if copy.size(i) != f.len => out.size_differs.push(SizeDiff {
                rel: f.rel.clone(),
                live: f.len,
                copy: copy.size(i),
            }),
            Some(i) => same_size.push((f, i)),
        }
    }
    out.extra = (0..copy.len())
        .filter(|&i| !matched[i])
        .map(|i| copy.name(i).to_string())
        .collect();
    let lacking = || {
        same_size
            .iter()
            .find(|(f, i)| server.lacks_content(&live.host(f)) || copy.lacks_content(server, *i))
    };
    if let Some((f, _)) = verify_content.then(lacking).flatten() {
        out.content_unavailable = Some(f.rel.clone());
    } else if verify_content {
        let shared: &Copy = copy;
        let verdicts = parallel(&same_size, |bufs, (f, i)| {
            shared.same_content(server, &live.host(f), f.len, *i, bufs)
        });
        for ((f, _), verdict) in same_size.iter().zip(verdicts) {
            match verdict {
                Ok(true) => {}
                Ok(false) => out.content_differs.push(f.rel.clone()),
                Err(e) => out.problems.push(format!("{}: {e}", f.rel)),
            }
        }
    }
    for rel in identical {
        let key = keyed.state.hash_one(Folded(rel));
        let identity = match (find(live, rel), copy.find(key, rel)) {
            (None, _) => Identity::MissingLive,
            (Some(_), None) => Identity::MissingInCopy,
            (Some(a), Some(i)) => match (
                server
                    .read_host(&live.host(a), IDENTICAL_LIMIT)
                    .map_err(|e| e.to_string()),
                copy.read(server, i),
            ) {
                (Ok(x), Ok(y)) if x == y => Identity::Same,
                (Ok(_), Ok(_)) => Identity::Differs,
                (Err(e), _) | (_, Err(e)) => Identity::Unreadable(e),
            },
        };
        out.identical.push((rel.clone(), identity));
    }
    // The walk order is the file system's; messages name the first paths by name.
    out.missing.sort_unstable();
    out.size_differs.sort_unstable_by(|a, b| a.rel.cmp(&b.rel));
    out.content_differs.sort_unstable();
    out.problems.sort_unstable();
    out.extra.sort_unstable();
    out
}

fn find<'t>(tree: &'t Tree, rel: &str) -> Option<&'t TreeFile> {
    tree.files.iter().find(|f| Folded(&f.rel) == Folded(rel))
}

/// A relative path as Windows compares names: case-insensitively. Hashes and
/// compares without allocating a folded copy (there are 100,000 per tree).
#[derive(Debug, Clone, Copy)]
pub(super) struct Folded<'a>(pub(super) &'a str);

impl Folded<'_> {
    fn chars(&self) -> impl Iterator<Item = char> + '_ {
        self.0.chars().flat_map(char::to_lowercase)
    }
}

impl PartialEq for Folded<'_> {
    fn eq(&self, other: &Self) -> bool {
        if self.0.is_ascii() && other.0.is_ascii() {
            return self.0.eq_ignore_ascii_case(other.0);
        }
        self.chars().eq(other.chars())
    }
}

impl Eq for Folded<'_> {}

impl Hash for Folded<'_> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        // Hashed in chunks of folded UTF-8, the same for any spelling of the name
        // (the hasher streams, so where chunks end does not matter).
        let mut buf = [0u8; 64];
        if self.0.is_ascii() {
            for chunk in self.0.as_bytes().chunks(buf.len()) {
                for (d, b) in buf.iter_mut().zip(chunk) {
                    *d = b.to_ascii_lowercase();
                }
                h.write(&buf[..chunk.len()]);
            }
            h.write_u8(0xff);
            return;
        }
        let mut n = 0;
        for c in self.chars() {
            if n + 4 > buf.len() {
                h.write(&buf[..n]);
                n = 0;
            }
            n += c.encode_utf8(&mut buf[n..]).len();
        }
        h.write(&buf[..n]);
        h.write_u8(0xff);
    }
}

fn unzip_entry(
    archive: &mut ZipArchive<BufReader<Content>>,
    index: usize,
) -> Result<Vec<u8>, String> {
    let entry = archive
        .by_index(index)
        .map_err(|e| format!("cannot read it from the zip: {e}"))?;
    let mut buf = Vec::new();
    entry
        .take(IDENTICAL_LIMIT + 1)
        .read_to_end(&mut buf)
        .map_err(|e| format!("cannot read it from the zip: {e}"))?;
    if buf.len() as u64 > IDENTICAL_LIMIT {
        return Err(format!("larger than {IDENTICAL_LIMIT} bytes in the zip"));
    }
    Ok(buf)
}

/// `f` over `items` on every available core, each thread with its own read
/// buffers; results in input order.
pub(super) fn parallel<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&mut Buffers, &T) -> R + Sync,
) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads < 2 || items.len() < 64 {
        let mut bufs = Buffers::new();
        return items.iter().map(|i| f(&mut bufs, i)).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| {
                s.spawn(|| {
                    let mut bufs = Buffers::new();
                    part.iter().map(|i| f(&mut bufs, i)).collect::<Vec<R>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folded_paths_hash_and_compare_alike_whatever_their_case() {
        let keys = RandomState::new();
        let same = [
            ("bin/SecretServer.dll", "BIN/secretserver.DLL"),
            ("Ünïcode/Ärger.txt", "ünïcode/ärger.TXT"),
            // The Kelvin sign folds to an ASCII k: one side ASCII, the other not.
            ("bin/k.dll", "bin/\u{212A}.dll"),
            (&"long/".repeat(40), &"LONG/".repeat(40)),
        ];
        for (a, b) in same {
            assert_eq!(Folded(a), Folded(b), "{a} vs {b}");
            assert_eq!(
                keys.hash_one(Folded(a)),
                keys.hash_one(Folded(b)),
                "{a} vs {b}"
            );
        }
        assert_ne!(Folded("bin/a.dll"), Folded("bin/b.dll"));
        assert_ne!(Folded("bin/a.dll"), Folded("bin/a.dl"));
    }
}

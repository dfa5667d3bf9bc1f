//! Whole-folder walks and file comparisons for backup checks: the one place
//! that reads every file of a web folder. Like the rest of `server`, it
//! never leaves the root: plain entries are walked from the directory
//! listing (no per-file walk from the root), and symbolic links go through
//! [`Server::resolve`], which confines them.
//!
//! Reading content (byte comparison, CRC-32) is separate from walking so the
//! default metadata mode reads no file content at all.

use std::collections::HashSet;
use std::fs;
use std::io::{self, Read};
use std::path::PathBuf;

use super::{FsError, Kind, Resolved, Server, io_error};

/// Comparison reads files in blocks of this size.
const BLOCK: usize = 64 * 1024;

/// Every regular file under a folder.
#[derive(Debug, Default)]
pub struct Tree {
    /// Relative to the walked folder, `/`-separated, spelled as on disk; sorted.
    pub files: Vec<TreeFile>,
    /// Entries that could not be walked or are not regular files, with why.
    /// Reported, never silently dropped: a backup check must not pass over them.
    pub problems: Vec<(String, FsError)>,
}

#[derive(Debug, Clone)]
pub struct TreeFile {
    pub rel: String,
    pub len: u64,
    /// Where to read it (links already resolved inside the root).
    pub host: PathBuf,
}

impl Server {
    /// Walks `dir` and everything below it. Only a failure to list `dir`
    /// itself is an error; anything below becomes a [`Tree::problems`] entry.
    pub fn tree(&self, dir: &Resolved) -> Result<Tree, FsError> {
        if dir.kind != Kind::Dir {
            return Err(FsError::NotADirectory(dir.server.to_string()));
        }
        let mut tree = Tree::default();
        // Folders reached through links, to stop loops.
        let mut linked: HashSet<PathBuf> = HashSet::new();
        let mut pending: Vec<(PathBuf, String)> = vec![(dir.host.clone(), String::new())];
        while let Some((host, rel)) = pending.pop() {
            let shown = || self_path(dir, &rel);
            let read = match fs::read_dir(&host) {
                Ok(r) => r,
                Err(e) if rel.is_empty() => return Err(io_error(&dir.server, &e)),
                Err(e) => {
                    tree.problems.push((rel.clone(), io_error(&shown(), &e)));
                    continue;
                }
            };
            for entry in read {
                let entry = match entry {
                    Ok(e) => e,
                    Err(e) => {
                        tree.problems.push((rel.clone(), io_error(&shown(), &e)));
                        continue;
                    }
                };
                let name = entry.file_name().to_string_lossy().into_owned();
                let child = if rel.is_empty() {
                    name
                } else {
                    format!("{rel}/{name}")
                };
                // `file_type` comes with the listing on most file systems: no stat.
                let kind = match entry.file_type() {
                    Ok(t) => t,
                    Err(e) => {
                        let at = self_path(dir, &child);
                        tree.problems.push((child, io_error(&at, &e)));
                        continue;
                    }
                };
                if kind.is_file() {
                    match entry.metadata() {
                        Ok(m) => tree.files.push(TreeFile {
                            rel: child,
                            len: m.len(),
                            host: entry.path(),
                        }),
                        Err(e) => {
                            let at = self_path(dir, &child);
                            tree.problems.push((child, io_error(&at, &e)));
                        }
                    }
                } else if kind.is_dir() {
                    pending.push((entry.path(), child));
                } else if kind.is_symlink() {
                    let at = self_path(dir, &child);
                    match self.resolve(&at) {
                        Ok(r) if r.kind == Kind::File => tree.files.push(TreeFile {
                            rel: child,
                            len: r.len,
                            host: r.host,
                        }),
                        Ok(r) if r.kind == Kind::Dir => {
                            if host.starts_with(&r.host) || !linked.insert(r.host.clone()) {
                                tree.problems
                                    .push((child, FsError::LinkLoop(at.to_string())));
                            } else {
                                pending.push((r.host, child));
                            }
                        }
                        Ok(_) => tree
                            .problems
                            .push((child, FsError::NotARegularFile(at.to_string()))),
                        Err(e) => tree.problems.push((child, e)),
                    }
                } else {
                    let at = self_path(dir, &child);
                    tree.problems
                        .push((child, FsError::NotARegularFile(at.to_string())));
                }
            }
        }
        tree.files.sort_unstable_by(|a, b| a.rel.cmp(&b.rel));
        tree.problems.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(tree)
    }

    /// Whether two walked files hold the same bytes (sizes are compared first
    /// by the caller; this reads both in blocks and stops at the first difference).
    pub fn same_bytes(&self, a: &TreeFile, b: &TreeFile) -> io::Result<bool> {
        let mut fa = fs::File::open(&a.host)?;
        let mut fb = fs::File::open(&b.host)?;
        let mut ba = vec![0u8; BLOCK];
        let mut bb = vec![0u8; BLOCK];
        loop {
            let na = read_full(&mut fa, &mut ba)?;
            let nb = read_full(&mut fb, &mut bb)?;
            if na != nb || ba[..na] != bb[..nb] {
                return Ok(false);
            }
            if na == 0 {
                return Ok(true);
            }
        }
    }

    /// The CRC-32 of a walked file, as a zip archive records it.
    pub fn crc32(&self, file: &TreeFile) -> io::Result<u32> {
        let mut f = fs::File::open(&file.host)?;
        let mut hasher = crc32fast::Hasher::new();
        let mut buf = vec![0u8; BLOCK];
        loop {
            let n = f.read(&mut buf)?;
            if n == 0 {
                return Ok(hasher.finalize());
            }
            hasher.update(&buf[..n]);
        }
    }

    /// A walked file's bytes, refusing more than `limit`.
    pub fn read_tree_file(&self, file: &TreeFile, limit: u64) -> io::Result<Vec<u8>> {
        let mut buf = Vec::new();
        fs::File::open(&file.host)?
            .take(limit + 1)
            .read_to_end(&mut buf)?;
        if buf.len() as u64 > limit {
            return Err(io::Error::other(format!(
                "larger than {limit} bytes; refusing to read it"
            )));
        }
        Ok(buf)
    }
}

/// Fills `buf` as far as the file allows (a short read is not the end).
fn read_full(f: &mut fs::File, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// The server path of an entry `rel` below `dir`.
fn self_path(dir: &Resolved, rel: &str) -> super::ServerPath {
    rel.split('/')
        .filter(|s| !s.is_empty())
        .fold(dir.server.clone(), |p, s| p.join(s))
}

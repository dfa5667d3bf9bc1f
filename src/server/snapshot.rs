//! Writing what a recording scan saw as a snapshot (`upgate collect`): the
//! content the rules read, copied under `root/` at the same relative paths,
//! and `manifest.tsv` for everything else. The only code that writes files
//! outside a report, and it writes only under the output folder.

use std::fs;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use sha2::{Digest as _, Sha256};

use std::collections::HashMap;

use super::backend::{EntryType, Failure, Listing, Meta, Record};
use super::manifest::{self, Digest, Node, Stored};

/// What a snapshot holds, for the summary `collect` prints.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Written {
    /// Lines of the manifest (entries and failures).
    pub entries: usize,
    /// Files recorded by size and time only.
    pub listed_files: usize,
    /// Bytes of the files recorded by size and time only.
    pub listed_bytes: u64,
    /// Files copied whole, and their bytes.
    pub copied: usize,
    pub copied_bytes: u64,
    /// Files of which only the ranges read were kept (zips), and those bytes.
    pub ranged: usize,
    pub ranged_bytes: u64,
    /// Files hashed (`--hash`).
    pub hashed: usize,
    pub manifest_bytes: u64,
    /// Files that changed or vanished while they were copied or hashed, kept
    /// as failures so a scan of the snapshot reports them.
    pub changed: Vec<String>,
}

impl Record {
    /// Writes the snapshot of `live_root` into `out` (which must exist and be
    /// empty): `out/root/…` and `out/manifest.tsv`. With `hash`, every file's
    /// SHA-256 and CRC-32 are recorded, read on every core.
    pub fn write_snapshot(
        &mut self,
        live_root: &Path,
        out: &Path,
        hash: bool,
    ) -> io::Result<Written> {
        let mut written = Written::default();
        let content = out.join("root");
        fs::create_dir_all(&content)?;
        if hash {
            written.hashed = self.hash(live_root);
        }
        // Only files with content to keep have nodes saying so.
        let kept: Vec<String> = self
            .nodes
            .iter()
            .filter(|(_, n)| n.stored != Stored::None)
            .map(|(rel, _)| rel.clone())
            .collect();
        let (mut failed, mut failed_bytes) = (0, 0);
        for rel in kept {
            let Some(Ok(meta)) = self.meta(&rel) else {
                continue;
            };
            if meta.kind != EntryType::File {
                continue;
            }
            let len = meta.len;
            let Some(node) = self.nodes.get_mut(&rel) else {
                continue;
            };
            if let Stored::Ranges(r) = &node.stored {
                match manifest::merge_ranges(r.clone(), len) {
                    Some(merged) => node.stored = Stored::Ranges(merged),
                    None => node.stored = Stored::Whole,
                }
            }
            let from = manifest::host_of(live_root, &rel).map_err(io::Error::other)?;
            let to = manifest::host_of(&content, &rel).map_err(io::Error::other)?;
            let kept = match &node.stored {
                Stored::None => Ok(()),
                Stored::Whole => copy_whole(&from, &to, len).map(|()| {
                    written.copied += 1;
                    written.copied_bytes += len;
                }),
                Stored::Ranges(ranges) => copy_ranges(&from, &to, ranges).map(|n| {
                    written.ranged += 1;
                    written.ranged_bytes += n;
                }),
            };
            if let Err(e) = kept {
                // Not what the scan saw: the snapshot says the file could not be read.
                node.stored = Stored::None;
                node.open = Some(Failure::of(&e));
                written.changed.push(format!("{rel}: {e}"));
                failed += 1;
                failed_bytes += len;
            }
        }
        let mut w = manifest::Writer::new(self.nodes.len() + self.listed());
        self.each_entry(|dir, name, meta, node| {
            if let Some(Ok(m)) = meta
                && m.kind == EntryType::File
                && node.stored == Stored::None
            {
                written.listed_files += 1;
                written.listed_bytes += m.len;
            }
            w.entry(dir, name, meta, node);
        });
        // Files whose copy failed were kept, not listed.
        written.listed_files -= failed;
        written.listed_bytes -= failed_bytes;
        written.entries = w.lines;
        let text = w.finish();
        written.manifest_bytes = text.len() as u64;
        fs::write(out.join(manifest::FILE_NAME), text)?;
        Ok(written)
    }

    /// Entries in all listings.
    fn listed(&self) -> usize {
        self.listings.values().map(|l| l.entries.len()).sum()
    }

    /// Every recorded path once, in a fixed order, as (folder, name, what
    /// `lstat` said, the rest): the paths outside listings sorted, then each
    /// listed folder's entries (folders by path, entries by name), merged
    /// with their nodes.
    fn each_entry(&self, mut f: impl FnMut(&str, &str, Option<&Result<Meta, Failure>>, &Node)) {
        let mut own: Vec<(&str, &Node)> = Vec::new();
        let mut in_listing: HashMap<&str, Vec<(usize, &Node)>> = HashMap::new();
        for (rel, node) in &self.nodes {
            let at = manifest::split(rel)
                .and_then(|(parent, name)| Some((parent, self.listings.get(parent)?.find(name)?)));
            match at {
                Some((parent, pos)) => in_listing.entry(parent).or_default().push((pos, node)),
                None => own.push((rel, node)),
            }
        }
        own.sort_unstable_by(|a, b| a.0.cmp(b.0));
        for (rel, node) in own {
            f("", rel, node.meta.as_ref(), node);
        }
        let mut dirs: Vec<(&String, &Listing)> = self.listings.iter().collect();
        dirs.sort_unstable_by(|a, b| a.0.cmp(b.0));
        for (dir, listing) in dirs {
            let mut nodes = in_listing.remove(dir.as_str()).unwrap_or_default();
            nodes.sort_unstable_by_key(|(pos, _)| *pos);
            let mut nodes = nodes.into_iter().peekable();
            for (pos, &i) in listing.by_name().iter().enumerate() {
                let entry = &listing.entries[i];
                let mut node = &manifest::EMPTY;
                // Names that spell one path (lossy ones, off Unix) are one entry.
                while let Some((_, n)) = nodes.next_if(|(p, _)| *p == pos) {
                    node = n;
                }
                let meta = entry.meta.as_ref().or(node.meta.as_ref());
                f(dir, &manifest::escaped_name(&entry.name), meta, node);
            }
        }
    }

    /// Hashes every recorded file, spread over the available cores.
    fn hash(&mut self, live_root: &Path) -> usize {
        let mut files: Vec<(String, u64)> = Vec::new();
        self.each_entry(|dir, name, meta, node| {
            if let Some(Ok(m)) = meta
                && m.kind == EntryType::File
                && node.open.is_none()
            {
                files.push((manifest::join_rel(dir, name), m.len));
            }
        });
        let next = AtomicUsize::new(0);
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
        let mut results: Vec<(usize, io::Result<Digest>)> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..workers)
                .map(|_| {
                    s.spawn(|| {
                        let mut buf = vec![0u8; 256 * 1024];
                        let mut out = Vec::new();
                        loop {
                            let i = next.fetch_add(1, Ordering::Relaxed);
                            let Some((rel, len)) = files.get(i) else {
                                return out;
                            };
                            let digest = manifest::host_of(live_root, rel)
                                .map_err(io::Error::other)
                                .and_then(|host| digest(&host, *len, &mut buf));
                            out.push((i, digest));
                        }
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        results.sort_unstable_by_key(|(i, _)| *i);
        let mut rels: Vec<Option<String>> = files.into_iter().map(|(rel, _)| Some(rel)).collect();
        let mut hashed = 0;
        for (i, result) in results {
            let Some(rel) = rels[i].take() else {
                continue;
            };
            let node = self.nodes.entry(rel).or_default();
            match result {
                Ok(d) => {
                    node.digest = Some(d);
                    hashed += 1;
                }
                Err(e) => node.open = Some(Failure::of(&e)),
            }
        }
        hashed
    }
}

/// SHA-256 and CRC-32 of a file, which must still be `len` bytes long.
fn digest(host: &Path, len: u64, buf: &mut [u8]) -> io::Result<Digest> {
    let mut f = fs::File::open(host)?;
    let mut sha = Sha256::new();
    let mut crc = crc32fast::Hasher::new();
    let mut total = 0u64;
    loop {
        let n = f.read(buf)?;
        if n == 0 {
            break;
        }
        sha.update(&buf[..n]);
        crc.update(&buf[..n]);
        total += n as u64;
    }
    if total != len {
        return Err(changed(len, total));
    }
    Ok(Digest {
        sha256: sha.finalize().into(),
        crc32: crc.finalize(),
    })
}

fn changed(len: u64, now: u64) -> io::Error {
    io::Error::other(format!(
        "changed while it was collected: {len} bytes when scanned, {now} bytes when copied"
    ))
}

fn copy_whole(from: &Path, to: &Path, len: u64) -> io::Result<()> {
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent)?;
    }
    let n = fs::copy(from, to)?;
    if n != len {
        let _ = fs::remove_file(to);
        return Err(changed(len, n));
    }
    Ok(())
}

/// Keeps the ranges of `from`, one after the other, in `to`; returns the bytes kept.
fn copy_ranges(from: &Path, to: &Path, ranges: &[(u64, u64)]) -> io::Result<u64> {
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent)?;
    }
    let mut src = fs::File::open(from)?;
    let mut dst = io::BufWriter::new(fs::File::create(to)?);
    let mut total = 0;
    for &(off, n) in ranges {
        src.seek(SeekFrom::Start(off))?;
        let copied = io::copy(&mut (&mut src).take(n), &mut dst)?;
        if copied != n {
            return Err(io::Error::other(format!(
                "changed while it was collected: {n} bytes at {off} were read, {copied} copied"
            )));
        }
        total += n;
    }
    dst.flush()?;
    Ok(total)
}

//! Where a [`Server`](super::Server)'s entries come from: the disk, a
//! collected snapshot's manifest, or the disk with every answer noted for
//! `upgate collect`.
//!
//! The resolver, listings and walks above this are the same for all three,
//! so a snapshot that `collect` wrote answers a scan exactly as the live
//! server did: the same names, kinds, sizes, times, link targets and errors.
//! Paths outside the root (a drive mapped with `--drive`, `--offline-package`)
//! always come from the disk and are never recorded.

use std::collections::HashMap;
use std::ffi::OsString;
use std::fs;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use jiff::Timestamp;

use super::manifest::{self, Manifest, Node, Stored};

/// An entry's type as listed, links not followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryType {
    File,
    Dir,
    Link,
    Other,
}

/// An entry of a listing; with its `lstat` when asked for (walks), which
/// costs the disk backend one call per entry.
#[derive(Debug, Clone)]
pub struct Listed {
    pub name: OsString,
    pub kind: EntryType,
    pub meta: Option<Result<Meta, Failure>>,
}

/// What `lstat` says of an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Meta {
    pub kind: EntryType,
    pub len: u64,
    pub modified: Option<Timestamp>,
}

impl Meta {
    pub(super) fn of(meta: &fs::Metadata) -> Meta {
        Meta {
            kind: entry_type(meta.file_type()),
            len: meta.len(),
            modified: meta
                .modified()
                .ok()
                .and_then(|t| Timestamp::try_from(t).ok()),
        }
    }
}

/// A failed file-system call as recorded: its kind (which the resolver
/// branches on) and its message (which findings quote).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub kind: io::ErrorKind,
    pub message: String,
}

impl Failure {
    pub(super) fn of(e: &io::Error) -> Failure {
        Failure {
            kind: e.kind(),
            message: e.to_string(),
        }
    }

    pub(super) fn error(&self) -> io::Error {
        io::Error::new(self.kind, self.message.clone())
    }
}

#[derive(Debug, Clone, Default)]
pub(super) enum Backend {
    #[default]
    Disk,
    /// A collected snapshot: metadata from its manifest, content from its `root/`.
    Manifest(Arc<Manifest>),
    /// The live server, every answer noted (`upgate collect`).
    Record(Arc<Mutex<Record>>),
}

/// What a recording scan saw, by root-relative path (escaped, see [`manifest`]).
///
/// A listed entry's `lstat` is its listing's: only paths with more to say
/// (a stat outside a listing, a link target, content, a failure, a listing
/// of their own) get a [`Node`], so a walk builds no path per entry.
#[derive(Debug, Default)]
pub struct Record {
    /// Unordered (a lookup per entry per walk); sorted once when written.
    pub(super) nodes: HashMap<String, Node>,
    /// Listings already read, answered again from here: `collect` runs
    /// several scans, and each walks the same trees.
    pub(super) listings: HashMap<String, Listing>,
}

/// A folder's entries as read, and their order by name once asked for.
#[derive(Debug)]
pub(super) struct Listing {
    pub(super) entries: Arc<Vec<Listed>>,
    by_name: OnceLock<Vec<usize>>,
}

impl Listing {
    fn new(entries: Arc<Vec<Listed>>) -> Listing {
        Listing {
            entries,
            by_name: OnceLock::new(),
        }
    }

    /// Indices of the entries, sorted by name.
    pub(super) fn by_name(&self) -> &[usize] {
        self.by_name.get_or_init(|| {
            let mut order: Vec<usize> = (0..self.entries.len()).collect();
            order.sort_unstable_by(|&a, &b| self.entries[a].name.cmp(&self.entries[b].name));
            order
        })
    }

    /// Where the entry an escaped name spells is in [`Listing::by_name`].
    pub(super) fn find(&self, escaped: &str) -> Option<usize> {
        let name = manifest::unescaped_name(escaped)?;
        self.by_name()
            .binary_search_by(|&i| self.entries[i].name.as_os_str().cmp(&name))
            .ok()
    }
}

impl Record {
    fn node(&mut self, rel: &str) -> &mut Node {
        self.nodes.entry(rel.to_string()).or_default()
    }

    /// What a listing of `rel`'s folder said of it.
    pub(super) fn listed_meta(&self, rel: &str) -> Option<&Result<Meta, Failure>> {
        let (parent, name) = manifest::split(rel)?;
        let listing = self.listings.get(parent)?;
        let i = listing.by_name()[listing.find(name)?];
        listing.entries[i].meta.as_ref()
    }

    /// What `lstat` of `rel` answered, from its folder's listing or its own.
    pub(super) fn meta(&self, rel: &str) -> Option<&Result<Meta, Failure>> {
        self.listed_meta(rel)
            .or_else(|| self.nodes.get(rel).and_then(|n| n.meta.as_ref()))
    }
}

/// A file opened for reading: from the disk, or the parts of it a snapshot keeps.
pub enum Content {
    File(fs::File),
    /// Reads noted as ranges, for `collect` to keep just those.
    Recorded {
        file: fs::File,
        pos: u64,
        ranges: Vec<(u64, u64)>,
        record: Arc<Mutex<Record>>,
        rel: String,
    },
    /// A snapshot's kept ranges of a larger file.
    Ranges {
        file: fs::File,
        pos: u64,
        len: u64,
        /// (logical offset, length, offset in the kept file), sorted.
        ranges: Vec<(u64, u64, u64)>,
    },
}

impl Read for Content {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Content::File(f) => f.read(buf),
            Content::Recorded {
                file, pos, ranges, ..
            } => {
                let n = file.read(buf)?;
                if n > 0 {
                    ranges.push((*pos, n as u64));
                    *pos += n as u64;
                }
                Ok(n)
            }
            Content::Ranges {
                file,
                pos,
                len,
                ranges,
            } => {
                let at = *pos;
                let Some(&(start, len, stored)) =
                    ranges.iter().find(|(s, l, _)| *s <= at && at < s + l)
                else {
                    if at >= *len {
                        return Ok(0);
                    }
                    return Err(io::Error::other(manifest::PARTIAL));
                };
                let left = usize::try_from(start + len - at).unwrap_or(usize::MAX);
                let want = buf.len().min(left);
                file.seek(SeekFrom::Start(stored + (at - start)))?;
                let n = file.read(&mut buf[..want])?;
                *pos += n as u64;
                Ok(n)
            }
        }
    }
}

impl Seek for Content {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        match self {
            Content::File(f) => f.seek(to),
            Content::Recorded { file, pos, .. } => {
                *pos = file.seek(to)?;
                Ok(*pos)
            }
            Content::Ranges { pos, len, .. } => {
                let target = match to {
                    SeekFrom::Start(n) => Some(n),
                    SeekFrom::End(d) => len.checked_add_signed(d),
                    SeekFrom::Current(d) => pos.checked_add_signed(d),
                };
                *pos = target.ok_or_else(|| {
                    io::Error::new(io::ErrorKind::InvalidInput, "seek before the start")
                })?;
                Ok(*pos)
            }
        }
    }
}

impl Drop for Content {
    fn drop(&mut self) {
        if let Content::Recorded {
            ranges,
            record,
            rel,
            ..
        } = self
            && let Ok(mut r) = record.lock()
        {
            let node = r.node(rel);
            match &mut node.stored {
                Stored::Whole => {}
                Stored::Ranges(have) => have.append(ranges),
                s @ Stored::None => *s = Stored::Ranges(std::mem::take(ranges)),
            }
        }
    }
}

impl Backend {
    /// `host`'s path below `root`, escaped as the manifest spells it; `None`
    /// outside, and always for the disk, which needs none.
    fn rel(&self, root: &Path, host: &Path) -> Option<String> {
        if let Backend::Disk = self {
            return None;
        }
        host.strip_prefix(root).ok().map(manifest::escape_rel)
    }

    pub(super) fn read_dir(
        &self,
        root: &Path,
        dir: &Path,
        with_meta: bool,
    ) -> io::Result<Arc<Vec<Listed>>> {
        let Some(rel) = self.rel(root, dir) else {
            return disk_read_dir(dir, with_meta).map(Arc::new);
        };
        match self {
            Backend::Disk => disk_read_dir(dir, with_meta).map(Arc::new),
            Backend::Manifest(m) => m.listing(&rel),
            Backend::Record(r) => {
                {
                    let r = r.lock().map_err(|_| io::Error::other("recording failed"))?;
                    if let Some(known) = r.listings.get(&rel) {
                        return Ok(Arc::clone(&known.entries));
                    }
                    if let Some(Some(Err(f))) = r.nodes.get(&rel).map(|n| &n.listed) {
                        return Err(f.error());
                    }
                }
                // The disk is read unlocked: the live folder and a copy are walked at once.
                let listed = disk_read_dir(dir, true);
                let own = fs::symlink_metadata(dir).map(|m| Meta::of(&m));
                let mut r = r.lock().map_err(|_| io::Error::other("recording failed"))?;
                match listed {
                    Ok(entries) => {
                        let node = r.node(&rel);
                        node.listed = Some(Ok(()));
                        // A listing needs its folder's own line in the manifest.
                        if node.meta.is_none() {
                            node.meta = Some(own.map_err(|e| Failure::of(&e)));
                        }
                        let entries = Arc::new(entries);
                        r.listings.insert(rel, Listing::new(Arc::clone(&entries)));
                        Ok(entries)
                    }
                    Err(e) => {
                        r.node(&rel).listed = Some(Err(Failure::of(&e)));
                        Err(e)
                    }
                }
            }
        }
    }

    pub(super) fn lstat(&self, root: &Path, p: &Path) -> io::Result<Meta> {
        match (self, self.rel(root, p)) {
            (Backend::Manifest(m), Some(rel)) => m.meta(&rel),
            (Backend::Record(r), Some(rel)) => {
                if let Some(known) = r
                    .lock()
                    .map_err(|_| io::Error::other("recording failed"))?
                    .meta(&rel)
                {
                    return known.as_ref().copied().map_err(Failure::error);
                }
                let meta = fs::symlink_metadata(p).map(|m| Meta::of(&m));
                if let Ok(mut r) = r.lock() {
                    r.node(&rel).meta = Some(meta.as_ref().copied().map_err(Failure::of));
                }
                meta
            }
            _ => fs::symlink_metadata(p).map(|m| Meta::of(&m)),
        }
    }

    pub(super) fn read_link(&self, root: &Path, p: &Path) -> io::Result<PathBuf> {
        match (self, self.rel(root, p)) {
            (Backend::Manifest(m), Some(rel)) => m.link(&rel),
            (Backend::Record(r), Some(rel)) => {
                let mut r = r.lock().map_err(|_| io::Error::other("recording failed"))?;
                if let Some(Some(known)) = r.nodes.get(&rel).map(|n| &n.link) {
                    return known.clone().map_err(|f| f.error());
                }
                let target = fs::read_link(p);
                r.node(&rel).link = Some(target.as_ref().cloned().map_err(Failure::of));
                target
            }
            _ => fs::read_link(p),
        }
    }

    /// Opens a file for reading. `whole` says the caller reads it to the end
    /// (so a recording keeps it whole without noting ranges).
    pub(super) fn open(&self, root: &Path, p: &Path, whole: bool) -> io::Result<Content> {
        match (self, self.rel(root, p)) {
            (Backend::Manifest(m), Some(rel)) => m.open(&rel, p),
            (Backend::Record(r), Some(rel)) => {
                let opened = fs::File::open(p);
                let mut rec = r.lock().map_err(|_| io::Error::other("recording failed"))?;
                let node = rec.node(&rel);
                match opened {
                    Err(e) => {
                        node.open = Some(Failure::of(&e));
                        Err(e)
                    }
                    Ok(file) if whole => {
                        node.stored = Stored::Whole;
                        Ok(Content::File(file))
                    }
                    Ok(file) => Ok(Content::Recorded {
                        file,
                        pos: 0,
                        ranges: Vec::new(),
                        record: Arc::clone(r),
                        rel,
                    }),
                }
            }
            _ => fs::File::open(p).map(Content::File),
        }
    }

    pub(super) fn lacks_content(&self, root: &Path, p: &Path) -> bool {
        match self {
            Backend::Manifest(m) => self.rel(root, p).is_some_and(|rel| m.lacks_content(&rel)),
            _ => false,
        }
    }

    /// The content digest a snapshot recorded, when it did.
    pub(super) fn digest(&self, root: &Path, p: &Path) -> Option<manifest::Digest> {
        match self {
            Backend::Manifest(m) => self.rel(root, p).and_then(|rel| m.digest(&rel)),
            _ => None,
        }
    }
}

fn entry_type(t: fs::FileType) -> EntryType {
    if t.is_symlink() {
        EntryType::Link
    } else if t.is_file() {
        EntryType::File
    } else if t.is_dir() {
        EntryType::Dir
    } else {
        EntryType::Other
    }
}

/// A listing, with each entry's `lstat` when asked for (from the open
/// folder, not by path).
fn disk_read_dir(dir: &Path, with_meta: bool) -> io::Result<Vec<Listed>> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let meta = with_meta.then(|| {
            entry
                .metadata()
                .map(|m| Meta::of(&m))
                .map_err(|e| Failure::of(&e))
        });
        let kind = match &meta {
            Some(Ok(m)) => m.kind,
            _ => entry_type(entry.file_type()?),
        };
        out.push(Listed {
            name: entry.file_name(),
            kind,
            meta,
        });
    }
    Ok(out)
}

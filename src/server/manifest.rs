//! A collected snapshot's `manifest.tsv`: every entry the collecting scan
//! saw, with what the file system answered about it, so a scan of the
//! snapshot gets the same answers. Content is kept under the snapshot's
//! `root/` only for the files the rules read (whole, or the ranges of a zip
//! they read); every other file is a line with its size and time (and, with
//! `collect --hash`, its SHA-256 and CRC-32).
//!
//! One tab-separated line per entry, paths relative to `root/` with `/`:
//!
//! ```text
//! # upgate manifest 1
//! d  PATH  SIZE  MODIFIED  listed|-           a folder; `listed`: its entries are all here
//! f  PATH  SIZE  MODIFIED  STORED  DIGEST     a file; STORED is `-`, `whole` or `ranges=OFF+LEN,…`
//! l  PATH  SIZE  MODIFIED  TARGET|?           a symbolic link and where it points
//! o  PATH  SIZE  MODIFIED                     a FIFO, socket or device
//! !  OP    PATH  KIND      MESSAGE            a call that failed: stat, list, readlink or open
//! ```
//!
//! `.` is the root; MODIFIED is RFC 3339 or `-`; DIGEST is
//! `sha256=HEX;crc32=HEX` or `-`. In paths, link targets and messages a
//! `%`, a control character or a byte that is not UTF-8 is written `%XX`.

use std::collections::HashMap;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use jiff::Timestamp;

use super::backend::{Content, EntryType, Failure, Listed, Meta};

pub const FILE_NAME: &str = "manifest.tsv";
const HEADER: &str = "# upgate manifest 1";

/// Why content a scan asks for is not in the snapshot.
pub const NOT_COLLECTED: &str = "the snapshot holds only this file's size and time (upgate collect keeps the content of the files the rules read)";
pub const PARTIAL: &str = "the snapshot holds only the parts of this file the rules read";
const UNLISTED: &str =
    "the snapshot did not list this folder (no rule listed it when it was collected)";
const UNKNOWN: &str =
    "the snapshot does not record this path (no rule looked at it when it was collected)";

/// A file's content digests, as `collect --hash` records them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Digest {
    pub sha256: [u8; 32],
    pub crc32: u32,
}

/// What a snapshot keeps of a file's bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Stored {
    #[default]
    None,
    Whole,
    /// (offset, length) in the file; sorted and merged once written.
    Ranges(Vec<(u64, u64)>),
}

/// Everything known about one path.
#[derive(Debug, Clone, Default)]
pub struct Node {
    pub meta: Option<Result<Meta, Failure>>,
    pub listed: Option<Result<(), Failure>>,
    pub link: Option<Result<PathBuf, Failure>>,
    pub open: Option<Failure>,
    pub stored: Stored,
    pub digest: Option<Digest>,
}

/// A parsed manifest.
#[derive(Debug, Default)]
pub struct Manifest {
    nodes: HashMap<String, Node>,
    /// A listed folder's entries.
    children: HashMap<String, Arc<Vec<Listed>>>,
}

impl Manifest {
    pub(super) fn listing(&self, rel: &str) -> io::Result<Arc<Vec<Listed>>> {
        match self.nodes.get(rel).and_then(|n| n.listed.as_ref()) {
            Some(Ok(())) => Ok(self.children.get(rel).cloned().unwrap_or_default()),
            Some(Err(f)) => Err(f.error()),
            None => Err(io::Error::other(UNLISTED)),
        }
    }

    pub(super) fn meta(&self, rel: &str) -> io::Result<Meta> {
        match self.nodes.get(rel).and_then(|n| n.meta.as_ref()) {
            Some(Ok(m)) => Ok(*m),
            Some(Err(f)) => Err(f.error()),
            // Absent from a folder whose listing is complete: it does not exist.
            None if self.parent_listed(rel) => Err(io::Error::from(io::ErrorKind::NotFound)),
            None => Err(io::Error::other(UNKNOWN)),
        }
    }

    fn parent_listed(&self, rel: &str) -> bool {
        let parent = rel.rsplit_once('/').map_or("", |(p, _)| p);
        rel != parent
            && self
                .nodes
                .get(parent)
                .is_some_and(|n| matches!(n.listed, Some(Ok(()))))
    }

    pub(super) fn link(&self, rel: &str) -> io::Result<PathBuf> {
        match self.nodes.get(rel).and_then(|n| n.link.as_ref()) {
            Some(Ok(t)) => Ok(t.clone()),
            Some(Err(f)) => Err(f.error()),
            None => Err(io::Error::other(UNKNOWN)),
        }
    }

    pub(super) fn open(&self, rel: &str, host: &Path) -> io::Result<Content> {
        let node = self
            .nodes
            .get(rel)
            .ok_or_else(|| io::Error::other(UNKNOWN))?;
        if let Some(f) = &node.open {
            return Err(f.error());
        }
        let len = match &node.meta {
            Some(Ok(m)) => m.len,
            _ => return Err(io::Error::other(UNKNOWN)),
        };
        if node.stored != Stored::None && fs::canonicalize(host)? != host {
            // The manifest says what the entries are; a link put into the
            // snapshot's root/ must not lead a read out of it.
            return Err(io::Error::other(
                "the snapshot's copy of this file is reached through a symbolic link; upgate collect writes none",
            ));
        }
        match &node.stored {
            Stored::None => Err(io::Error::other(NOT_COLLECTED)),
            Stored::Whole => fs::File::open(host).map(Content::File),
            Stored::Ranges(ranges) => {
                let mut at = 0;
                let ranges = ranges
                    .iter()
                    .map(|&(off, n)| {
                        let r = (off, n, at);
                        at += n;
                        r
                    })
                    .collect();
                Ok(Content::Ranges {
                    file: fs::File::open(host)?,
                    pos: 0,
                    len,
                    ranges,
                })
            }
        }
    }

    pub(super) fn lacks_content(&self, rel: &str) -> bool {
        self.nodes
            .get(rel)
            .is_some_and(|n| n.stored == Stored::None && n.digest.is_none())
    }

    pub(super) fn digest(&self, rel: &str) -> Option<Digest> {
        self.nodes.get(rel).and_then(|n| n.digest)
    }

    /// Reads a manifest; errors name the line.
    pub fn parse(text: &str) -> Result<Manifest, String> {
        let mut lines = text.lines().enumerate();
        match lines.next() {
            Some((_, l)) if l.trim_end() == HEADER => {}
            _ => {
                return Err(format!(
                    "line 1: not an upgate manifest (expected `{HEADER}`)"
                ));
            }
        }
        let mut m = Manifest::default();
        for (i, line) in lines {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            parse_line(&mut m, line).map_err(|e| format!("line {}: {e}", i + 1))?;
        }
        let mut children: HashMap<String, Vec<Listed>> = HashMap::new();
        for (rel, node) in &m.nodes {
            let Some((parent, name)) = split(rel) else {
                continue;
            };
            if !matches!(
                m.nodes.get(parent).and_then(|p| p.listed.as_ref()),
                Some(Ok(()))
            ) {
                continue;
            }
            let kind = match &node.meta {
                Some(Ok(meta)) => meta.kind,
                // A name looked up and not there (a lossily decoded one) is no entry.
                Some(Err(f)) if f.kind == io::ErrorKind::NotFound => continue,
                // Failed `lstat` of a listed entry: listed without a type.
                Some(Err(_)) => EntryType::Other,
                None => continue,
            };
            let listed = Listed {
                name: unescape_os(name)?,
                kind,
                meta: node.meta.clone(),
            };
            children.entry(parent.to_string()).or_default().push(listed);
        }
        m.children = children
            .into_iter()
            .map(|(k, v)| (k, Arc::new(v)))
            .collect();
        Ok(m)
    }
}

/// (parent, name) of a non-root path.
pub(super) fn split(rel: &str) -> Option<(&str, &str)> {
    if rel.is_empty() {
        return None;
    }
    Some(rel.rsplit_once('/').unwrap_or(("", rel)))
}

fn parse_line(m: &mut Manifest, line: &str) -> Result<(), String> {
    let cols: Vec<&str> = line.split('\t').collect();
    let want = |n: usize| {
        if cols.len() == n {
            Ok(())
        } else {
            Err(format!(
                "`{}` takes {n} columns, not {}",
                cols[0],
                cols.len()
            ))
        }
    };
    if cols[0] == "!" {
        want(5)?;
        let rel = path_col(cols[2])?;
        let failure = Failure {
            kind: kind_from(cols[3]),
            message: unescape(cols[4])?,
        };
        let node = m.nodes.entry(rel).or_default();
        match cols[1] {
            "stat" => node.meta = Some(Err(failure)),
            "list" => node.listed = Some(Err(failure)),
            "readlink" => node.link = Some(Err(failure)),
            "open" => node.open = Some(failure),
            op => return Err(format!("unknown operation `{op}`")),
        }
        return Ok(());
    }
    let kind = match cols[0] {
        "d" => EntryType::Dir,
        "f" => EntryType::File,
        "l" => EntryType::Link,
        "o" => EntryType::Other,
        t => return Err(format!("unknown entry type `{t}`")),
    };
    want(match kind {
        EntryType::Dir | EntryType::Link => 5,
        EntryType::File => 6,
        EntryType::Other => 4,
    })?;
    let rel = path_col(cols[1])?;
    let len = cols[2]
        .parse::<u64>()
        .map_err(|_| format!("`{}` is not a size", cols[2]))?;
    let modified = match cols[3] {
        "-" => None,
        t => Some(
            t.parse::<Timestamp>()
                .map_err(|e| format!("`{t}` is not a time: {e}"))?,
        ),
    };
    let node = m.nodes.entry(rel).or_default();
    node.meta = Some(Ok(Meta {
        kind,
        len,
        modified,
    }));
    match kind {
        EntryType::Dir => match cols[4] {
            "listed" => node.listed = Some(Ok(())),
            "-" => {}
            x => return Err(format!("`{x}`: expected `listed` or `-`")),
        },
        EntryType::Link => {
            if cols[4] != "?" {
                node.link = Some(Ok(PathBuf::from(unescape_os(cols[4])?)));
            }
        }
        EntryType::File => {
            node.stored = stored_from(cols[4], len)?;
            node.digest = digest_from(cols[5])?;
        }
        EntryType::Other => {}
    }
    Ok(())
}

fn path_col(col: &str) -> Result<String, String> {
    if col == "." {
        return Ok(String::new());
    }
    if col.is_empty()
        || col
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == "..")
    {
        return Err(format!("`{col}` is not a relative path"));
    }
    unescape_bytes(col).map(|_| col.to_string())
}

fn stored_from(col: &str, len: u64) -> Result<Stored, String> {
    Ok(match col {
        "-" => Stored::None,
        "whole" => Stored::Whole,
        _ => {
            let Some(list) = col.strip_prefix("ranges=") else {
                return Err(format!(
                    "`{col}`: expected `-`, `whole` or `ranges=OFF+LEN,…`"
                ));
            };
            let mut ranges = Vec::new();
            let mut end = 0;
            for r in list.split(',') {
                let (off, n) = r
                    .split_once('+')
                    .and_then(|(o, n)| Some((o.parse::<u64>().ok()?, n.parse::<u64>().ok()?)))
                    .ok_or_else(|| format!("`{r}` is not OFF+LEN"))?;
                if off < end || off.checked_add(n).is_none_or(|e| e > len) || n == 0 {
                    return Err(format!(
                        "range `{r}` overlaps, is empty or passes the file's end"
                    ));
                }
                end = off + n;
                ranges.push((off, n));
            }
            Stored::Ranges(ranges)
        }
    })
}

fn digest_from(col: &str) -> Result<Option<Digest>, String> {
    if col == "-" {
        return Ok(None);
    }
    let bad = || format!("`{col}`: expected `sha256=HEX;crc32=HEX` or `-`");
    let (sha, crc) = col.split_once(';').ok_or_else(bad)?;
    let sha = sha.strip_prefix("sha256=").ok_or_else(bad)?;
    let crc = crc.strip_prefix("crc32=").ok_or_else(bad)?;
    if sha.len() != 64 || crc.len() != 8 || !hex(sha) || !hex(crc) {
        return Err(bad());
    }
    let mut sha256 = [0u8; 32];
    for (i, b) in sha256.iter_mut().enumerate() {
        *b = u8::from_str_radix(&sha[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
    }
    let crc32 = u32::from_str_radix(crc, 16).map_err(|_| bad())?;
    Ok(Some(Digest { sha256, crc32 }))
}

/// Only hex digits: `from_str_radix` would also take a sign, and slicing a
/// multi-byte character would panic.
fn hex(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_hexdigit())
}

const KINDS: &[(io::ErrorKind, &str)] = &[
    (io::ErrorKind::NotFound, "not-found"),
    (io::ErrorKind::PermissionDenied, "permission-denied"),
    (io::ErrorKind::NotADirectory, "not-a-directory"),
    (io::ErrorKind::IsADirectory, "is-a-directory"),
    (io::ErrorKind::InvalidData, "invalid-data"),
    (io::ErrorKind::InvalidInput, "invalid-input"),
    (io::ErrorKind::UnexpectedEof, "unexpected-eof"),
];

fn kind_name(kind: io::ErrorKind) -> &'static str {
    KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or("other", |(_, n)| n)
}

fn kind_from(name: &str) -> io::ErrorKind {
    KINDS
        .iter()
        .find(|(_, n)| *n == name)
        .map_or(io::ErrorKind::Other, |(k, _)| *k)
}

/// A name as the manifest writes it.
pub fn escape_name(name: &std::ffi::OsStr) -> String {
    let bytes = os_bytes(name);
    if let Some(s) = plain(&bytes) {
        return s.to_string();
    }
    let mut out = String::with_capacity(bytes.len());
    push_escaped(&mut out, &bytes);
    out
}

/// A path below the root, `/`-separated and escaped; `""` is the root itself.
pub fn escape_rel(rel: &Path) -> String {
    // The common case, a path of plain names joined with `/`, is its own spelling.
    let bytes = os_bytes(rel.as_os_str());
    if std::path::MAIN_SEPARATOR == '/'
        && let Some(s) = plain(&bytes)
        && s.split('/').all(|n| !n.is_empty() && n != "." && n != "..")
    {
        return s.to_string();
    }
    escape_components(rel)
}

fn escape_components(rel: &Path) -> String {
    let mut out = String::new();
    for c in rel.components() {
        if let Component::Normal(name) = c {
            if !out.is_empty() {
                out.push('/');
            }
            push_escaped(&mut out, &os_bytes(name));
        }
    }
    out
}

pub fn join_rel(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

#[cfg(unix)]
fn os_bytes(s: &std::ffi::OsStr) -> std::borrow::Cow<'_, [u8]> {
    use std::os::unix::ffi::OsStrExt;
    s.as_bytes().into()
}

#[cfg(not(unix))]
fn os_bytes(s: &std::ffi::OsStr) -> std::borrow::Cow<'_, [u8]> {
    s.to_string_lossy().into_owned().into_bytes().into()
}

/// `bytes` as text when escaping would leave them as they are.
fn plain(bytes: &[u8]) -> Option<&str> {
    let s = std::str::from_utf8(bytes).ok()?;
    (!s.chars().any(|c| c == '%' || c.is_control())).then_some(s)
}

fn push_escaped(out: &mut String, bytes: &[u8]) {
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c == '%' || c.is_control() {
                let mut b = [0u8; 4];
                for byte in c.encode_utf8(&mut b).bytes() {
                    let _ = write!(out, "%{byte:02X}");
                }
            } else {
                out.push(c);
            }
        }
        for byte in chunk.invalid() {
            let _ = write!(out, "%{byte:02X}");
        }
    }
}

fn unescape_bytes(s: &str) -> Result<Vec<u8>, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s
                .get(i + 1..i + 3)
                .filter(|h| hex(h))
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| format!("`{s}`: `%` must be followed by two hex digits"))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Ok(out)
}

fn unescape(s: &str) -> Result<String, String> {
    String::from_utf8(unescape_bytes(s)?).map_err(|_| format!("`{s}` is not UTF-8 once unescaped"))
}

/// A name as the manifest spells it, borrowed when it needs no escaping.
pub(super) fn escaped_name(name: &std::ffi::OsStr) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    if let Cow::Borrowed(bytes) = os_bytes(name)
        && let Some(s) = plain(bytes)
    {
        return Cow::Borrowed(s);
    }
    Cow::Owned(escape_name(name))
}

/// The name an escaped one spells, borrowed when it has no escapes.
pub(super) fn unescaped_name(s: &str) -> Option<std::borrow::Cow<'_, std::ffi::OsStr>> {
    use std::borrow::Cow;
    if !s.contains('%') {
        return Some(Cow::Borrowed(std::ffi::OsStr::new(s)));
    }
    unescape_os(s).ok().map(Cow::Owned)
}

#[cfg(unix)]
fn unescape_os(s: &str) -> Result<OsString, String> {
    use std::os::unix::ffi::OsStringExt;
    unescape_bytes(s).map(OsString::from_vec)
}

#[cfg(not(unix))]
fn unescape_os(s: &str) -> Result<OsString, String> {
    unescape(s).map(OsString::from)
}

/// Where a manifest path is under a root folder.
pub fn host_of(root: &Path, rel: &str) -> Result<PathBuf, String> {
    let mut host = root.to_path_buf();
    for segment in rel.split('/').filter(|s| !s.is_empty()) {
        host.push(unescape_os(segment)?);
    }
    Ok(host)
}

fn escaped(s: &str) -> String {
    let mut out = String::new();
    push_escaped(&mut out, s.as_bytes());
    out
}

/// Writes `nodes` (sorted by path) as a manifest.
pub fn write<'a>(nodes: impl ExactSizeIterator<Item = (&'a String, &'a Node)>) -> String {
    let mut w = Writer::new(nodes.len());
    for (rel, node) in nodes {
        w.entry("", rel, node.meta.as_ref(), node);
    }
    w.finish()
}

/// A node that says nothing beyond its metadata: a listed entry's.
pub(super) const EMPTY: Node = Node {
    meta: None,
    listed: None,
    link: None,
    open: None,
    stored: Stored::None,
    digest: None,
};

/// A manifest written line by line, paths given as a folder and a name
/// (either may be empty) so no path string is built per entry.
pub(super) struct Writer {
    out: String,
    /// Files of one install share their times: formatting one is most of a line's cost.
    last: Option<(Timestamp, String)>,
    pub(super) lines: usize,
}

impl Writer {
    pub(super) fn new(entries: usize) -> Writer {
        // About a hundred bytes a line: grown once, not copied at every doubling.
        let mut out = String::with_capacity(entries.saturating_mul(112));
        out.push_str(HEADER);
        out.push('\n');
        Writer {
            out,
            last: None,
            lines: 0,
        }
    }

    pub(super) fn finish(self) -> String {
        self.out
    }

    /// The lines of the entry `dir/name`: `meta` is what `lstat` said of it
    /// (its listing's answer or the node's), `node` the rest.
    pub(super) fn entry(
        &mut self,
        dir: &str,
        name: &str,
        meta: Option<&Result<Meta, Failure>>,
        node: &Node,
    ) {
        if let Some(Ok(m)) = meta {
            let time = match m.modified {
                None => "-",
                Some(t) => {
                    if self.last.as_ref().is_none_or(|(l, _)| *l != t) {
                        self.last = Some((t, t.to_string()));
                    }
                    self.last.as_ref().map_or("-", |(_, s)| s.as_str())
                }
            };
            let tag = match m.kind {
                EntryType::Dir => 'd',
                EntryType::File => 'f',
                EntryType::Link => 'l',
                EntryType::Other => 'o',
            };
            let out = &mut self.out;
            out.push(tag);
            out.push('\t');
            push_path(out, dir, name);
            let _ = write!(out, "\t{}\t{}", m.len, time);
            match m.kind {
                EntryType::Dir => {
                    out.push('\t');
                    out.push_str(if matches!(node.listed, Some(Ok(()))) {
                        "listed"
                    } else {
                        "-"
                    });
                }
                EntryType::File => {
                    out.push('\t');
                    push_stored(out, &node.stored);
                    out.push('\t');
                    match node.digest {
                        Some(d) => push_digest(out, d),
                        None => out.push('-'),
                    }
                }
                EntryType::Link => {
                    out.push('\t');
                    match &node.link {
                        Some(Ok(t)) => push_escaped(out, &os_bytes(t.as_os_str())),
                        _ => out.push('?'),
                    }
                }
                EntryType::Other => {}
            }
            out.push('\n');
            self.lines += 1;
        }
        let failures = [
            ("stat", meta.and_then(|r| r.as_ref().err())),
            ("list", node.listed.as_ref().and_then(|r| r.as_ref().err())),
            (
                "readlink",
                node.link.as_ref().and_then(|r| r.as_ref().err()),
            ),
            ("open", node.open.as_ref()),
        ];
        for (op, f) in failures {
            if let Some(f) = f {
                let _ = write!(self.out, "!\t{op}\t");
                push_path(&mut self.out, dir, name);
                let _ = writeln!(self.out, "\t{}\t{}", kind_name(f.kind), escaped(&f.message));
                self.lines += 1;
            }
        }
    }
}

fn push_path(out: &mut String, dir: &str, name: &str) {
    match (dir.is_empty(), name.is_empty()) {
        (true, true) => out.push('.'),
        (true, false) => out.push_str(name),
        (false, true) => out.push_str(dir),
        (false, false) => {
            out.push_str(dir);
            out.push('/');
            out.push_str(name);
        }
    }
}

fn push_stored(out: &mut String, s: &Stored) {
    match s {
        Stored::None => out.push('-'),
        Stored::Whole => out.push_str("whole"),
        Stored::Ranges(r) => {
            out.push_str("ranges=");
            for (i, (o, n)) in r.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let _ = write!(out, "{o}+{n}");
            }
        }
    }
}

fn push_digest(out: &mut String, d: Digest) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push_str("sha256=");
    for b in d.sha256 {
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 0xf)] as char);
    }
    let _ = write!(out, ";crc32={:08x}", d.crc32);
}

/// Sorts and merges read ranges; `None` when keeping the whole file is as
/// cheap (a small file, or most of it read).
pub fn merge_ranges(mut ranges: Vec<(u64, u64)>, len: u64) -> Option<Vec<(u64, u64)>> {
    ranges.retain(|r| r.1 > 0);
    ranges.sort_unstable();
    let mut merged: Vec<(u64, u64)> = Vec::new();
    for (off, n) in ranges {
        match merged.last_mut() {
            Some((o, l)) if off <= *o + *l => *l = (*l).max(off + n - *o),
            _ => merged.push((off, n)),
        }
    }
    for r in &mut merged {
        r.1 = r.1.min(len.saturating_sub(r.0));
    }
    merged.retain(|r| r.1 > 0);
    let kept: u64 = merged.iter().map(|r| r.1).sum();
    (len > 1024 * 1024 && kept < len / 2).then_some(merged)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_escaping() {
        for name in [
            "plain",
            "with space",
            "per%cent",
            "tab\there",
            "new\nline",
            "ünï",
        ] {
            let e = escape_name(std::ffi::OsStr::new(name));
            assert!(!e.contains(['\t', '\n']), "{e:?}");
            assert_eq!(unescape_os(&e).unwrap(), OsString::from(name));
        }
    }

    #[test]
    fn plain_paths_are_spelled_as_component_by_component() {
        for rel in [
            "",
            "a",
            "a/b c/d.dll",
            "a//b",
            "./a",
            "a/./b",
            "a/../b",
            "a/",
            "/a",
            "50%/x",
            "tab\there/x",
            "ünï/ok",
            "C1\u{85}/x",
        ] {
            let p = Path::new(rel);
            assert_eq!(escape_rel(p), escape_components(p), "{rel:?}");
        }
    }

    #[test]
    fn a_manifest_round_trips() {
        let mut nodes = std::collections::BTreeMap::new();
        let meta = |kind, len| Meta {
            kind,
            len,
            modified: Some("2026-11-22T08:00:00.123456789Z".parse().unwrap()),
        };
        nodes.insert(
            String::new(),
            Node {
                meta: Some(Ok(meta(EntryType::Dir, 4096))),
                listed: Some(Ok(())),
                ..Node::default()
            },
        );
        nodes.insert(
            "a.zip".to_string(),
            Node {
                meta: Some(Ok(meta(EntryType::File, 5_000_000))),
                stored: Stored::Ranges(vec![(0, 10), (4_999_000, 1000)]),
                digest: Some(Digest {
                    sha256: [7; 32],
                    crc32: 0xdead_beef,
                }),
                ..Node::default()
            },
        );
        nodes.insert(
            "locked".to_string(),
            Node {
                meta: Some(Ok(meta(EntryType::Dir, 0))),
                listed: Some(Err(Failure {
                    kind: io::ErrorKind::PermissionDenied,
                    message: "Permission denied (os error 13)".into(),
                })),
                ..Node::default()
            },
        );
        let text = write(nodes.iter());
        let m = Manifest::parse(&text).unwrap();
        assert_eq!(
            write(
                m.nodes
                    .iter()
                    .collect::<std::collections::BTreeMap<_, _>>()
                    .into_iter()
            ),
            text
        );
        let names: Vec<_> = m
            .listing("")
            .unwrap()
            .iter()
            .map(|l| l.name.clone())
            .collect();
        assert_eq!(names.len(), 2);
        assert_eq!(
            m.listing("locked").unwrap_err().kind(),
            io::ErrorKind::PermissionDenied
        );
        assert_eq!(m.meta("gone").unwrap_err().kind(), io::ErrorKind::NotFound);
        assert_eq!(m.meta("locked/x").unwrap_err().to_string(), UNKNOWN);
    }

    #[test]
    fn damaged_lines_name_the_line() {
        let e = Manifest::parse("# upgate manifest 1\nf\tx\t1\t-\twhole\n").unwrap_err();
        assert!(e.starts_with("line 2:"), "{e}");
        let e = Manifest::parse("# upgate manifest 1\nd\t../x\t1\t-\t-\n").unwrap_err();
        assert!(e.contains("not a relative path"), "{e}");
        assert!(Manifest::parse("something else").is_err());
        // Found by fuzz/: a multi-byte character in a digest panicked.
        let sha = format!("{}Ě{}", "a".repeat(57), "a".repeat(5));
        for digest in [
            format!("sha256={sha};crc32=deadbeef"),
            format!("sha256={};crc32=+eadbeef", "a".repeat(64)),
        ] {
            let e = Manifest::parse(&format!("# upgate manifest 1\nf\tx\t1\t-\t-\t{digest}\n"))
                .unwrap_err();
            assert!(e.contains("expected `sha256=HEX"), "{e}");
        }
        assert!(Manifest::parse("# upgate manifest 1\nf\tx%+1\t1\t-\t-\t-\n").is_err());
    }

    #[test]
    fn ranges_are_merged_or_dropped_for_the_whole_file() {
        assert_eq!(merge_ranges(vec![(10, 5), (0, 12)], 100), None);
        assert_eq!(
            merge_ranges(vec![(4_000_000, 10), (0, 8192), (8192, 100)], 5_000_000),
            Some(vec![(0, 8292), (4_000_000, 10)])
        );
    }
}

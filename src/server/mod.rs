//! The scanned server's file system, confined to its root.
//!
//! This is the only module that opens files or lists folders by path. Every
//! server path is resolved one segment at a time against real directory
//! entries, so the host path it returns contains no symbolic links and no
//! `..`: links are followed here, inside the root (an absolute target is
//! re-read relative to the root, a relative one is clamped at it), and a
//! Windows segment matches case-insensitively, as Windows would. upgate never
//! writes under the root and never follows anything out of it.
//!
//! Case-insensitive lookups list a folder once per scan: its fold-cased name
//! index is kept (shared by clones of the [`Server`]), so resolving a path costs
//! one hash lookup per segment, however many entries the folders hold (an
//! `Include conf/extra/*.conf` over 100,000 files listed the folder per file).
//! Nothing under the root changes during a scan: upgate never writes there.

mod backend;
pub mod manifest;
mod snapshot;
mod tree;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ffi::OsString;
use std::fmt;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use jiff::Timestamp;

use crate::model::Location;
pub use crate::path::{Env, PathError, ServerPath};
use backend::{Backend, EntryType, Listed, Meta};
pub use backend::{Content, Record};
pub use manifest::Manifest;
pub use snapshot::Written;
pub use tree::{Buffers, Tree, TreeFile};

/// How many symbolic links one resolution may pass through (as Linux's `ELOOP`).
const MAX_LINKS: usize = 40;

/// What kind of entry a path resolved to (links already followed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    /// A FIFO, socket or device: never opened (a FIFO would block the scan).
    Other,
}

impl Kind {
    fn of_entry(meta: &Meta) -> Kind {
        match meta.kind {
            EntryType::File => Kind::File,
            EntryType::Dir => Kind::Dir,
            EntryType::Link | EntryType::Other => Kind::Other,
        }
    }

    fn of(meta: &fs::Metadata) -> Kind {
        if meta.is_file() {
            Kind::File
        } else if meta.is_dir() {
            Kind::Dir
        } else {
            Kind::Other
        }
    }
}

/// A server path that exists under the root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub server: ServerPath,
    /// The host path: the drive's folder joined with real entry names only.
    pub host: PathBuf,
    /// Relative to the scanned root with `/`, as the entries are spelled on disk;
    /// `None` for a drive mapped outside the root.
    pub root_relative: Option<String>,
    pub kind: Kind,
    /// Size in bytes, for files.
    pub len: u64,
    /// Last modification time, where the file system records one.
    pub modified: Option<Timestamp>,
}

impl Resolved {
    pub fn location(&self) -> Location {
        Location {
            server_path: self.server.to_string(),
            root_relative: self.root_relative.clone(),
            line: None,
            column: None,
        }
    }
}

/// Why a server path could not be resolved or read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FsError {
    Path(PathError),
    /// Nothing at this path; `missing` is the first segment that is absent.
    NotFound {
        missing: String,
    },
    /// A Windows drive other than the system drive, not given with `--drive`.
    DriveNotMapped(char),
    /// Two entries that differ only in case: Windows cannot hold both, so the copy is suspect.
    Ambiguous {
        dir: String,
        names: Vec<String>,
    },
    /// A segment other than the last is a file.
    NotADirectory(String),
    LinkLoop(String),
    LinkChainTooLong(String),
    NotARegularFile(String),
    /// A file was expected and this is a folder.
    IsAFolder(String),
    TooLarge {
        path: String,
        limit: u64,
    },
    Io {
        path: String,
        message: String,
    },
}

impl FsError {
    /// Missing inputs are the rule's business; everything else makes its result `error`
    /// (or `not_evaluated` for what the user can supply).
    pub fn is_not_found(&self) -> bool {
        matches!(self, FsError::NotFound { .. })
    }

    /// The user can fix this by telling upgate more (a drive mapping, an env variable).
    pub fn is_unsupplied_input(&self) -> bool {
        matches!(
            self,
            FsError::DriveNotMapped(_)
                | FsError::Path(PathError::UnknownVariable(_) | PathError::NotAbsolute(_))
        )
    }
}

impl fmt::Display for FsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FsError::Path(e) => e.fmt(f),
            FsError::NotFound { missing } => write!(f, "{missing} does not exist"),
            FsError::DriveNotMapped(d) => write!(
                f,
                "drive {d}: is not mapped (pass --drive {d}:=DIR to scan it)"
            ),
            FsError::Ambiguous { dir, names } => write!(
                f,
                "{dir} holds entries that differ only in case ({}); Windows cannot tell them apart, so upgate will not pick one",
                names.join(", ")
            ),
            FsError::NotADirectory(p) => write!(f, "{p} is a file, not a folder"),
            FsError::LinkLoop(p) => write!(f, "symbolic link loop at {p}"),
            FsError::LinkChainTooLong(p) => {
                write!(
                    f,
                    "more than {MAX_LINKS} symbolic links while resolving {p}"
                )
            }
            FsError::IsAFolder(p) => write!(f, "{p} is a folder, not a file"),
            FsError::NotARegularFile(p) => {
                write!(f, "{p} is not a regular file (device, FIFO or socket)")
            }
            FsError::TooLarge { path, limit } => {
                write!(
                    f,
                    "{path} is larger than {limit} bytes; refusing to read it"
                )
            }
            FsError::Io { path, message } => write!(f, "cannot read {path}: {message}"),
        }
    }
}

impl std::error::Error for FsError {}

/// An entry of a listed folder.
#[derive(Debug)]
pub struct Entry {
    /// The name as stored (lossily decoded if it is not UTF-8).
    pub name: String,
    /// Where it leads once links are followed inside the root.
    pub target: Result<Resolved, FsError>,
}

/// The scanned server: a root folder, drive mappings and the environment for `%VAR%`.
#[derive(Debug, Clone)]
pub struct Server {
    root: PathBuf,
    system_drive: char,
    drives: BTreeMap<char, PathBuf>,
    env: Env,
    /// Fold-cased name → the entries of that name, per listed folder.
    index: Arc<Mutex<HashMap<PathBuf, Arc<FolderIndex>>>>,
    backend: Backend,
}

/// A folder's entries by fold-cased name.
type FolderIndex = HashMap<String, Vec<OsString>>;

impl Server {
    /// `root` and the drive folders must exist; they are canonicalized once so a
    /// root given through a link still confines.
    pub fn new(
        root: &Path,
        system_drive: char,
        drives: &BTreeMap<char, PathBuf>,
        env: Env,
    ) -> io::Result<Server> {
        let root = fs::canonicalize(root)?;
        let drives = drives
            .iter()
            .map(|(d, p)| Ok((d.to_ascii_uppercase(), fs::canonicalize(p)?)))
            .collect::<io::Result<_>>()?;
        Ok(Server {
            root,
            system_drive: system_drive.to_ascii_uppercase(),
            drives,
            env,
            index: Arc::default(),
            backend: Backend::Disk,
        })
    }

    /// The same server answered from a collected snapshot's manifest (the
    /// root is the snapshot's `root/`, which holds the content it kept).
    pub fn with_manifest(mut self, manifest: Manifest) -> Server {
        self.backend = Backend::Manifest(Arc::new(manifest));
        self
    }

    /// The same server with every answer under the root noted, for `upgate collect`.
    pub fn recording(mut self) -> (Server, Arc<Mutex<Record>>) {
        let record = Arc::new(Mutex::new(Record::default()));
        self.backend = Backend::Record(Arc::clone(&record));
        (self, record)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn env(&self) -> &Env {
        &self.env
    }

    /// Parses (expanding `%VAR%`) and resolves a server path.
    pub fn resolve_str(&self, raw: &str) -> Result<Resolved, FsError> {
        let p = ServerPath::parse(raw, &self.env).map_err(FsError::Path)?;
        self.resolve(&p)
    }

    pub fn parse(&self, raw: &str) -> Result<ServerPath, FsError> {
        ServerPath::parse(raw, &self.env).map_err(FsError::Path)
    }

    /// Resolves a server path to an existing entry under the root.
    pub fn resolve(&self, path: &ServerPath) -> Result<Resolved, FsError> {
        let (base, case_insensitive) = match path {
            ServerPath::Windows { drive, .. } if *drive == self.system_drive => (&self.root, true),
            ServerPath::Windows { drive, .. } => match self.drives.get(drive) {
                Some(dir) => (dir, true),
                None => return Err(FsError::DriveNotMapped(*drive)),
            },
            ServerPath::Posix { .. } => (&self.root, false),
        };
        let names = self.walk(base, path, case_insensitive)?;
        let host = names.iter().fold(base.clone(), |p, n| p.join(n));
        // `host` holds no links (the walk followed them): `lstat` is `stat`.
        let meta = self
            .backend
            .lstat(&self.root, &host)
            .map_err(|e| io_error(path, &e))?;
        let kind = Kind::of_entry(&meta);
        let root_relative = host.strip_prefix(&self.root).ok().map(|rel| {
            rel.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        });
        Ok(Resolved {
            server: path.clone(),
            host,
            root_relative,
            kind,
            len: meta.len,
            modified: meta.modified,
        })
    }

    /// Follows `path` segment by segment from `base`, returning the real entry names.
    fn walk(
        &self,
        base: &Path,
        path: &ServerPath,
        case_insensitive: bool,
    ) -> Result<Vec<OsString>, FsError> {
        let mut stack: Vec<OsString> = Vec::new();
        let mut pending: Vec<String> = path.segments().iter().rev().cloned().collect();
        let mut seen_links: HashSet<PathBuf> = HashSet::new();
        // `base` joined with `stack`, kept in step with it (not rebuilt per segment).
        let mut dir = base.to_path_buf();
        while let Some(segment) = pending.pop() {
            match segment.as_str() {
                "" | "." => continue,
                ".." => {
                    if stack.pop().is_some() {
                        dir.pop();
                    }
                    continue;
                }
                _ => {}
            }
            let name = self.find_entry(&dir, &segment, case_insensitive, path, &stack)?;
            // `dir` is the entry itself until it proves to be a link.
            dir.push(&name);
            let entry = &dir;
            let meta = self
                .backend
                .lstat(&self.root, entry)
                .map_err(|e| io_error(path, &e))?;
            if meta.kind == EntryType::Link {
                if !seen_links.insert(entry.clone()) {
                    return Err(FsError::LinkLoop(display_at(path, &stack, &name)));
                }
                if seen_links.len() > MAX_LINKS {
                    return Err(FsError::LinkChainTooLong(path.to_string()));
                }
                let target = self
                    .backend
                    .read_link(&self.root, entry)
                    .map_err(|e| io_error(path, &e))?;
                dir.pop();
                let target = target.to_string_lossy();
                let (absolute, parts) = split_link_target(&target, case_insensitive);
                if absolute {
                    stack.clear();
                    dir = base.to_path_buf();
                }
                pending.extend(parts.into_iter().rev());
                continue;
            }
            if !pending.is_empty() && meta.kind != EntryType::Dir {
                // A following `..` could still climb back out; Windows normalizes that
                // lexically before we get here, so a file in the middle is an error.
                return Err(FsError::NotADirectory(display_at(path, &stack, &name)));
            }
            stack.push(name);
        }
        Ok(stack)
    }

    /// The entry of `dir` that `segment` names.
    fn find_entry(
        &self,
        dir: &Path,
        segment: &str,
        case_insensitive: bool,
        path: &ServerPath,
        stack: &[OsString],
    ) -> Result<OsString, FsError> {
        let not_found = || FsError::NotFound {
            missing: display_prefix(path, stack, segment),
        };
        if !case_insensitive {
            return match self.backend.lstat(&self.root, &dir.join(segment)) {
                Ok(_) => Ok(OsString::from(segment)),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Err(not_found()),
                Err(e) => Err(io_error(path, &e)),
            };
        }
        let wanted = crate::path::fold(segment);
        let index = match self.folder_index(dir) {
            Ok(index) => index,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(not_found()),
            Err(e) => return Err(io_error(path, &e)),
        };
        let mut matches: Vec<OsString> = index.get(&wanted).cloned().unwrap_or_default();
        match matches.len() {
            0 => Err(not_found()),
            1 => Ok(matches.remove(0)),
            _ => {
                let mut names: Vec<String> = matches
                    .iter()
                    .map(|n| n.to_string_lossy().into_owned())
                    .collect();
                names.sort();
                Err(FsError::Ambiguous {
                    dir: display_prefix(path, stack, ""),
                    names,
                })
            }
        }
    }

    /// `dir`'s fold-cased name index, listed on first use (errors are not kept).
    fn folder_index(&self, dir: &Path) -> io::Result<Arc<FolderIndex>> {
        if let Some(index) = self.cached(dir) {
            return Ok(index);
        }
        let mut index: FolderIndex = HashMap::new();
        for Listed { name, .. } in self.backend.read_dir(&self.root, dir, false)?.iter() {
            index
                .entry(crate::path::fold(&name.to_string_lossy()))
                .or_default()
                .push(name.clone());
        }
        let index = Arc::new(index);
        if let Ok(mut all) = self.index.lock() {
            all.insert(dir.to_path_buf(), Arc::clone(&index));
        }
        Ok(index)
    }

    fn cached(&self, dir: &Path) -> Option<Arc<FolderIndex>> {
        self.index.lock().ok()?.get(dir).cloned()
    }

    /// Lists a resolved folder; each child's links are followed inside the root.
    /// Entries come sorted by name so results are stable.
    pub fn list(&self, dir: &Resolved) -> Result<Vec<Entry>, FsError> {
        let read = self
            .backend
            .read_dir(&self.root, &dir.host, false)
            .map_err(|e| io_error(&dir.server, &e))?;
        let mut names: Vec<String> = read
            .iter()
            .map(|l| l.name.to_string_lossy().into_owned())
            .collect();
        names.sort();
        let mut folded: HashMap<String, usize> = HashMap::new();
        if dir.server.is_windows() {
            for name in &names {
                *folded.entry(crate::path::fold(name)).or_default() += 1;
            }
        }
        Ok(names
            .into_iter()
            .map(|name| {
                let target = self.child(dir, &name, &folded);
                Entry { name, target }
            })
            .collect())
    }

    /// One entry of a listed folder. Plain entries are resolved from the listing
    /// itself (one `lstat`, no walk from the root); links and case-twins take the
    /// full path so they get the same treatment as any other path.
    fn child(
        &self,
        dir: &Resolved,
        name: &str,
        folded: &HashMap<String, usize>,
    ) -> Result<Resolved, FsError> {
        let server = dir.server.join(name);
        let twins = folded.get(&crate::path::fold(name)).copied().unwrap_or(0) > 1;
        let host = dir.host.join(name);
        let meta = match self.backend.lstat(&self.root, &host) {
            Ok(m) if !twins && m.kind != EntryType::Link => m,
            Ok(_) => return self.resolve(&server),
            Err(e) => return Err(io_error(&server, &e)),
        };
        let kind = Kind::of_entry(&meta);
        Ok(Resolved {
            root_relative: dir.root_relative.as_ref().map(|r| {
                if r.is_empty() {
                    name.to_string()
                } else {
                    format!("{r}/{name}")
                }
            }),
            server,
            host,
            kind,
            len: meta.len,
            modified: meta.modified,
        })
    }

    /// Reads a resolved regular file, refusing files over `limit` bytes.
    pub fn read(&self, file: &Resolved, limit: u64) -> Result<Vec<u8>, FsError> {
        let shown = file.server.to_string();
        match file.kind {
            Kind::File => {}
            Kind::Dir => return Err(FsError::IsAFolder(shown)),
            Kind::Other => return Err(FsError::NotARegularFile(shown)),
        }
        if file.len > limit {
            return Err(FsError::TooLarge { path: shown, limit });
        }
        let f = self
            .backend
            .open(&self.root, &file.host, true)
            .map_err(|e| io_error(&file.server, &e))?;
        let mut buf = Vec::with_capacity(usize::try_from(file.len).unwrap_or(0));
        // The size may have grown since `resolve`; never read past the limit.
        f.take(limit + 1)
            .read_to_end(&mut buf)
            .map_err(|e| io_error(&file.server, &e))?;
        if buf.len() as u64 > limit {
            return Err(FsError::TooLarge { path: shown, limit });
        }
        Ok(buf)
    }

    /// A file or folder the user named on the command line, outside the
    /// snapshot (`--offline-package` on the auditor's machine): the one read
    /// of a host path that is not under the root. Its server path is the host
    /// path as given (absolute, links resolved by the host), with no
    /// root-relative path; links inside it are resolved against the root as any
    /// server path is, so a walk never leaves the root through them either.
    pub fn given(&self, host: &Path) -> Result<Resolved, FsError> {
        let shown = host.display().to_string();
        let io = |e: io::Error| FsError::Io {
            path: shown.clone(),
            message: match e.kind() {
                io::ErrorKind::NotFound => "no such file or folder".to_string(),
                io::ErrorKind::PermissionDenied => "permission denied".to_string(),
                _ => e.to_string(),
            },
        };
        let canonical = fs::canonicalize(host).map_err(io)?;
        let meta = fs::metadata(&canonical).map_err(io)?;
        let server =
            ServerPath::parse(&canonical.display().to_string(), &self.env).map_err(|e| {
                FsError::Io {
                    path: shown.clone(),
                    message: format!("not a path upgate can name: {e}"),
                }
            })?;
        Ok(Resolved {
            server,
            host: canonical,
            root_relative: None,
            kind: Kind::of(&meta),
            len: meta.len(),
            modified: modified(&meta),
        })
    }

    /// Whether `host` is a file a collected snapshot records by size and time
    /// only (no content, no hash), so its content cannot be compared.
    pub fn lacks_content(&self, host: &Path) -> bool {
        self.backend.lacks_content(&self.root, host)
    }

    /// The SHA-256 of a resolved regular file: the digest a collected snapshot
    /// recorded (`--hash`), else its bytes, streamed (any size: packages are large).
    /// A snapshot that kept only its size and time cannot say: an error, never a guess.
    pub fn sha256(&self, file: &Resolved) -> Result<[u8; 32], FsError> {
        use sha2::Digest as _;
        if file.kind != Kind::File {
            return Err(FsError::NotARegularFile(file.server.to_string()));
        }
        if let Some(d) = self.backend.digest(&self.root, &file.host) {
            return Ok(d.sha256);
        }
        let mut f = self
            .backend
            .open(&self.root, &file.host, true)
            .map_err(|e| io_error(&file.server, &e))?;
        let mut hasher = sha2::Sha256::new();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = f.read(&mut buf).map_err(|e| io_error(&file.server, &e))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
        Ok(hasher.finalize().into())
    }

    /// Opens a resolved regular file for streaming (hashing large packages).
    pub fn open(&self, file: &Resolved) -> Result<Content, FsError> {
        if file.kind != Kind::File {
            return Err(FsError::NotARegularFile(file.server.to_string()));
        }
        self.backend
            .open(&self.root, &file.host, false)
            .map_err(|e| io_error(&file.server, &e))
    }
}

fn modified(meta: &fs::Metadata) -> Option<Timestamp> {
    meta.modified()
        .ok()
        .and_then(|t| Timestamp::try_from(t).ok())
}

fn io_error(path: &ServerPath, e: &io::Error) -> FsError {
    let message = match e.kind() {
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    };
    FsError::Io {
        path: path.to_string(),
        message,
    }
}

/// The server path up to and including `segment`, for messages.
fn display_prefix(path: &ServerPath, stack: &[OsString], segment: &str) -> String {
    let mut segments: Vec<String> = stack
        .iter()
        .map(|n| n.to_string_lossy().into_owned())
        .collect();
    if !segment.is_empty() {
        segments.push(segment.to_string());
    }
    match path {
        ServerPath::Windows { drive, .. } => ServerPath::Windows {
            drive: *drive,
            segments,
        },
        ServerPath::Posix { .. } => ServerPath::Posix { segments },
    }
    .to_string()
}

fn display_at(path: &ServerPath, stack: &[OsString], name: &OsString) -> String {
    display_prefix(path, stack, &name.to_string_lossy())
}

/// Splits a link target into segments. On a Windows-mapped tree a target may be
/// written with `\` or with a drive letter, both of which mean the drive's root.
fn split_link_target(target: &str, windows: bool) -> (bool, Vec<String>) {
    let mut t = target;
    let mut absolute = t.starts_with('/');
    if windows {
        let b = t.as_bytes();
        if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
            t = &t[2..];
            absolute = true;
        }
        absolute |= t.starts_with('\\');
    }
    let parts = if windows {
        t.split(['/', '\\']).map(str::to_string).collect()
    } else {
        t.split('/').map(str::to_string).collect()
    };
    (absolute, parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    struct Fixture {
        _dir: tempfile::TempDir,
        root: PathBuf,
        outside: PathBuf,
    }

    fn fixture() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root");
        let outside = dir.path().join("outside");
        fs::create_dir_all(root.join("inetpub/wwwroot/TMS")).unwrap();
        fs::create_dir_all(root.join("ProgramData/NugetCache")).unwrap();
        fs::create_dir_all(root.join("etc/apache2")).unwrap();
        fs::create_dir_all(&outside).unwrap();
        fs::write(root.join("inetpub/wwwroot/TMS/web.config"), "inside").unwrap();
        fs::write(root.join("etc/apache2/apache2.conf"), "inside").unwrap();
        fs::write(outside.join("secret"), "outside").unwrap();
        Fixture {
            _dir: dir,
            root,
            outside,
        }
    }

    fn server(root: &Path) -> Server {
        Server::new(root, 'C', &BTreeMap::new(), Env::new('C', &BTreeMap::new())).unwrap()
    }

    fn read(s: &Server, raw: &str) -> Result<String, FsError> {
        let r = s.resolve_str(raw)?;
        Ok(String::from_utf8(s.read(&r, 1024)?).unwrap())
    }

    #[test]
    fn sha256_hashes_a_file_and_refuses_a_folder() {
        let f = fixture();
        let s = server(&f.root);
        let file = s.resolve_str(r"C:\inetpub\wwwroot\TMS\web.config").unwrap();
        let hex: String = s
            .sha256(&file)
            .unwrap()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        // sha256("inside")
        assert_eq!(
            hex,
            "106b086224a4d945eae25f7be3805a931a873270326dd868b0e41f71ee9fff72"
        );
        let dir = s.resolve_str(r"C:\inetpub\wwwroot\TMS").unwrap();
        assert!(matches!(s.sha256(&dir), Err(FsError::NotARegularFile(_))));
    }

    #[test]
    fn each_folder_is_listed_once_per_scan_however_many_lookups() {
        // Issue 15: 5,000 case-insensitive lookups in one folder listed it
        // 5,000 times (45 s for an Include over C:/Apache24/conf/extra).
        let f = fixture();
        let extra = f.root.join("Apache24/conf/extra");
        fs::create_dir_all(&extra).unwrap();
        let n = 5_000;
        for i in 0..n {
            fs::write(extra.join(format!("f{i}.conf")), "").unwrap();
        }
        let s = server(&f.root);
        for i in 0..n {
            let r = s
                .resolve_str(&format!(r"C:\APACHE24\Conf\EXTRA\F{i}.CONF"))
                .unwrap();
            assert_eq!(r.host, extra.join(format!("f{i}.conf")));
        }
        // The root, Apache24, conf and extra: four listings for 20,000 segments.
        assert_eq!(s.index.lock().unwrap().len(), 4);
        // A path of 10,000 segments resolves with the same four (and no more).
        let long = format!(
            r"C:\Apache24{}\conf\extra\f1.conf",
            r"\conf\..".repeat(5_000)
        );
        assert_eq!(s.resolve_str(&long).unwrap().host, extra.join("f1.conf"));
        assert_eq!(s.index.lock().unwrap().len(), 4);
    }

    #[test]
    fn windows_paths_map_onto_the_root_case_insensitively() {
        let f = fixture();
        let s = server(&f.root);
        let r = s.resolve_str(r"c:\INETPUB\WwwRoot\tms\Web.Config").unwrap();
        assert_eq!(r.kind, Kind::File);
        assert_eq!(
            r.root_relative.as_deref(),
            Some("inetpub/wwwroot/TMS/web.config")
        );
        assert_eq!(r.server.to_string(), r"C:\INETPUB\WwwRoot\tms\Web.Config");
        assert_eq!(
            read(&s, r"C:/inetpub/wwwroot/TMS/web.config").unwrap(),
            "inside"
        );
    }

    #[test]
    fn posix_paths_are_case_sensitive() {
        let f = fixture();
        let s = server(&f.root);
        assert_eq!(read(&s, "/etc/apache2/apache2.conf").unwrap(), "inside");
        assert!(
            s.resolve_str("/etc/Apache2/apache2.conf")
                .unwrap_err()
                .is_not_found()
        );
    }

    #[test]
    fn other_drives_need_a_mapping() {
        let f = fixture();
        let s = server(&f.root);
        assert_eq!(
            s.resolve_str(r"D:\Backups").unwrap_err(),
            FsError::DriveNotMapped('D')
        );
        fs::create_dir_all(f.outside.join("Backups")).unwrap();
        let mut drives = BTreeMap::new();
        drives.insert('d', f.outside.clone());
        let s = Server::new(&f.root, 'C', &drives, Env::new('C', &BTreeMap::new())).unwrap();
        let r = s.resolve_str(r"d:\backups").unwrap();
        assert_eq!(r.kind, Kind::Dir);
        assert_eq!(r.root_relative, None);
    }

    #[test]
    fn the_system_drive_can_be_another_letter() {
        let f = fixture();
        let s = Server::new(
            &f.root,
            'E',
            &BTreeMap::new(),
            Env::new('E', &BTreeMap::new()),
        )
        .unwrap();
        assert!(s.resolve_str(r"E:\inetpub\wwwroot\TMS").is_ok());
        assert_eq!(
            s.resolve_str(r"C:\inetpub").unwrap_err(),
            FsError::DriveNotMapped('C')
        );
        assert!(s.resolve_str(r"%SystemDrive%\inetpub").is_ok());
    }

    #[test]
    fn names_differing_only_in_case_are_an_error_not_a_pick() {
        let f = fixture();
        fs::write(f.root.join("inetpub/wwwroot/TMS/Web.config"), "twin").unwrap();
        let s = server(&f.root);
        let err = s
            .resolve_str(r"C:\inetpub\wwwroot\TMS\web.config")
            .unwrap_err();
        match err {
            FsError::Ambiguous { names, .. } => assert_eq!(names, ["Web.config", "web.config"]),
            other => panic!("expected ambiguity, got {other:?}"),
        }
    }

    #[test]
    fn dot_dot_stays_at_the_root() {
        let f = fixture();
        let s = server(&f.root);
        assert!(
            s.resolve_str(r"C:\..\..\outside\secret")
                .unwrap_err()
                .is_not_found()
        );
        assert!(
            s.resolve_str("/../../../outside/secret")
                .unwrap_err()
                .is_not_found()
        );
    }

    #[test]
    fn an_absolute_link_is_reread_inside_the_root() {
        let f = fixture();
        // Points at the host's /etc; inside the root it means ROOT/etc.
        symlink("/etc/apache2", f.root.join("inetpub/apache")).unwrap();
        // An absolute path to the real outside file must not escape either.
        symlink(f.outside.join("secret"), f.root.join("inetpub/leak")).unwrap();
        let s = server(&f.root);
        assert_eq!(
            read(&s, r"C:\inetpub\apache\apache2.conf").unwrap(),
            "inside"
        );
        assert!(
            s.resolve_str(r"C:\inetpub\leak")
                .unwrap_err()
                .is_not_found()
        );
    }

    #[test]
    fn a_relative_link_is_clamped_at_the_root() {
        let f = fixture();
        symlink(
            "../../../../outside/secret",
            f.root.join("inetpub/wwwroot/up"),
        )
        .unwrap();
        symlink("../etc/apache2/apache2.conf", f.root.join("inetpub/conf")).unwrap();
        let s = server(&f.root);
        assert!(
            s.resolve_str(r"C:\inetpub\wwwroot\up")
                .unwrap_err()
                .is_not_found()
        );
        assert_eq!(read(&s, r"C:\inetpub\conf").unwrap(), "inside");
    }

    #[test]
    fn link_loops_and_long_chains_are_errors() {
        let f = fixture();
        symlink("b", f.root.join("etc/a")).unwrap();
        symlink("a", f.root.join("etc/b")).unwrap();
        for i in 0..45 {
            symlink(format!("l{}", i + 1), f.root.join(format!("etc/l{i}"))).unwrap();
        }
        fs::write(f.root.join("etc/l45"), "end").unwrap();
        let s = server(&f.root);
        assert!(matches!(s.resolve_str("/etc/a"), Err(FsError::LinkLoop(_))));
        assert!(matches!(
            s.resolve_str("/etc/l0"),
            Err(FsError::LinkChainTooLong(_))
        ));
        assert_eq!(read(&s, "/etc/l10").unwrap(), "end");
    }

    #[test]
    fn a_file_in_the_middle_of_a_path_is_reported() {
        let f = fixture();
        let s = server(&f.root);
        assert!(matches!(
            s.resolve_str(r"C:\inetpub\wwwroot\TMS\web.config\x"),
            Err(FsError::NotADirectory(_))
        ));
    }

    #[test]
    fn reads_are_limited_and_only_regular_files_are_opened() {
        let f = fixture();
        let s = server(&f.root);
        let r = s.resolve_str(r"C:\inetpub\wwwroot\TMS\web.config").unwrap();
        assert!(matches!(s.read(&r, 3), Err(FsError::TooLarge { .. })));
        let d = s.resolve_str(r"C:\inetpub").unwrap();
        assert_eq!(
            s.read(&d, 10).unwrap_err().to_string(),
            r"C:\inetpub is a folder, not a file"
        );
    }

    #[test]
    fn listing_follows_links_inside_the_root_and_sorts() {
        let f = fixture();
        let cache = f.root.join("ProgramData/NugetCache");
        fs::write(cache.join("b.nupkg"), "b").unwrap();
        fs::write(cache.join("a.nupkg"), "a").unwrap();
        symlink("/etc/apache2/apache2.conf", cache.join("c.nupkg")).unwrap();
        let s = server(&f.root);
        let dir = s.resolve_str(r"%ProgramData%\NugetCache\").unwrap();
        let entries = s.list(&dir).unwrap();
        let names: Vec<_> = entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["a.nupkg", "b.nupkg", "c.nupkg"]);
        let c = entries[2].target.as_ref().unwrap();
        assert_eq!(c.root_relative.as_deref(), Some("etc/apache2/apache2.conf"));
    }

    #[test]
    fn listing_reports_case_twins_and_keeps_root_relative_paths() {
        let f = fixture();
        let cache = f.root.join("ProgramData/NugetCache");
        fs::write(cache.join("x.nupkg"), "1").unwrap();
        fs::write(cache.join("X.nupkg"), "2").unwrap();
        fs::write(cache.join("y.nupkg"), "3").unwrap();
        let s = server(&f.root);
        let dir = s.resolve_str(r"C:\programdata\nugetcache").unwrap();
        let entries = s.list(&dir).unwrap();
        assert!(matches!(entries[0].target, Err(FsError::Ambiguous { .. })));
        assert!(matches!(entries[1].target, Err(FsError::Ambiguous { .. })));
        let y = entries[2].target.as_ref().unwrap();
        assert_eq!(
            y.root_relative.as_deref(),
            Some("ProgramData/NugetCache/y.nupkg")
        );
        assert_eq!(y.server.to_string(), r"C:\programdata\nugetcache\y.nupkg");
        assert_eq!((y.kind, y.len), (Kind::File, 1));
    }

    #[test]
    fn a_recording_answers_listed_entries_from_their_listing_and_writes_each_once() {
        let f = fixture();
        let cache = f.root.join("ProgramData/NugetCache");
        fs::write(cache.join("a.nupkg"), "a").unwrap();
        fs::write(cache.join("50%.nupkg"), "fifty").unwrap();
        symlink("/etc/apache2/apache2.conf", cache.join("c.nupkg")).unwrap();
        let (s, record) = server(&f.root).recording();
        let dir = s.resolve_str(r"%ProgramData%\NugetCache\").unwrap();
        let entries = s.list(&dir).unwrap();
        assert_eq!(entries.len(), 3);
        let fifty = entries[0].target.as_ref().unwrap();
        assert_eq!((fifty.kind, fifty.len), (Kind::File, 5));
        {
            let r = record.lock().unwrap();
            // Plain and escaped names alike: their lstat is the listing's, no node.
            for plain in [
                "ProgramData/NugetCache/a.nupkg",
                "ProgramData/NugetCache/50%25.nupkg",
            ] {
                assert!(!r.nodes.contains_key(plain), "{plain}");
                assert!(matches!(r.meta(plain), Some(Ok(m)) if m.kind == EntryType::File));
            }
            // A link says more (its target): a node, merged with its listed entry when written.
            assert!(r.nodes["ProgramData/NugetCache/c.nupkg"].link.is_some());
        }
        let out = tempfile::tempdir().unwrap();
        record
            .lock()
            .unwrap()
            .write_snapshot(&f.root, out.path(), false)
            .unwrap();
        let text = fs::read_to_string(out.path().join(manifest::FILE_NAME)).unwrap();
        let lines: Vec<&str> = text.lines().filter(|l| l.contains("NugetCache/")).collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(lines[0].starts_with("f\tProgramData/NugetCache/50%25.nupkg\t5\t"));
        assert!(lines[1].starts_with("f\tProgramData/NugetCache/a.nupkg\t1\t"));
        assert!(lines[2].starts_with("l\tProgramData/NugetCache/c.nupkg\t"));
        assert!(
            lines[2].ends_with("\t/etc/apache2/apache2.conf"),
            "{}",
            lines[2]
        );
        assert!(Manifest::parse(&text).is_ok());
    }

    #[test]
    fn permission_errors_name_the_server_path() {
        // Running as root (as CI does) ignores mode bits, so test the mapping itself.
        let p = ServerPath::parse(
            r"C:\inetpub\wwwroot\TMS\web.config",
            &Env::new('C', &BTreeMap::new()),
        )
        .unwrap();
        let e = io_error(&p, &io::Error::from(io::ErrorKind::PermissionDenied));
        assert_eq!(
            e.to_string(),
            r"cannot read C:\inetpub\wwwroot\TMS\web.config: permission denied"
        );
    }
}

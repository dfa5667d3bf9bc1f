//! Reads and parses what the rules ask for, once per scan: XML configuration
//! files, NugetCache feeds, folder listings, backups, the Apache
//! configuration. This is the I/O half of every check; the other half (in
//! `rules::checks`) judges the parsed values and touches nothing.
//!
//! Everything goes through [`Server`], so reads stay confined to the root.

pub mod apache;
pub mod backup;
pub mod offline;
pub mod web_dir;
pub mod web_server;

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use serde::Serialize;

use crate::model::Location;
use crate::nuget::package::{self, Defect, Nuspec};
use crate::server::{Entry, Env, FsError, Kind, Resolved, Server, ServerPath};
use crate::xml;

/// Configuration files larger than this are refused rather than parsed
/// (a real web.config is a few KiB; 16 MiB leaves room for odd ones).
pub const CONFIG_LIMIT: u64 = 16 * 1024 * 1024;
/// Sidecars are one line of JSON.
const SIDECAR_LIMIT: u64 = 64 * 1024;

/// A file or folder a rule asked for, as far as it could be read.
#[derive(Debug, Clone)]
pub enum Loaded<T> {
    Found(T),
    /// Nothing at that path.
    Missing {
        path: ServerPath,
        missing: String,
    },
    /// There (or not reachable) but unreadable: the rule's result is `error`,
    /// or `not_evaluated` when the user can supply what is missing.
    Failed {
        location: Location,
        error: FsError,
    },
}

impl Loaded<Resolved> {
    /// Reads what was found: a read error becomes `Failed` at the found path;
    /// `Missing` and `Failed` pass through.
    fn then<T>(self, read: impl FnOnce(Resolved) -> Result<T, FsError>) -> Loaded<T> {
        match self {
            Loaded::Found(found) => {
                let location = found.location();
                match read(found) {
                    Ok(value) => Loaded::Found(value),
                    Err(error) => Loaded::Failed { location, error },
                }
            }
            Loaded::Missing { path, missing } => Loaded::Missing { path, missing },
            Loaded::Failed { location, error } => Loaded::Failed { location, error },
        }
    }
}

/// A parsed XML file, or where and why it failed to parse.
#[derive(Debug, Clone)]
pub struct XmlFile {
    pub file: Resolved,
    pub parsed: Result<xml::Document, xml::XmlError>,
}

impl XmlFile {
    /// The location of a line in this file.
    pub fn at(&self, pos: crate::text::Pos) -> Location {
        Location {
            line: Some(pos.line),
            column: Some(pos.column),
            ..self.file.location()
        }
    }
}

/// The packages found in a NugetCache folder (flat or hierarchical).
#[derive(Debug, Clone)]
pub struct Feed {
    pub folder: Resolved,
    pub packages: Vec<PackageFile>,
}

#[derive(Debug, Clone)]
pub struct PackageFile {
    pub file_name: String,
    /// The resolved file, or why the entry could not be followed.
    pub file: Result<Resolved, FsError>,
    pub server_path: ServerPath,
    /// For `<id>\<version>\<file>` layouts: the two folder names.
    pub folders: Option<(String, String)>,
    /// For the packages.config layout `<Id>.<Version>\<file>` (one folder down):
    /// that folder's name.
    pub subfolder: Option<String>,
    pub content: PackageState,
    pub integrity: Integrity,
}

#[derive(Debug, Clone)]
pub enum PackageState {
    Read(Nuspec),
    Defective(Defect),
    Unreadable(FsError),
}

/// The `<file>.nupkg.hash.json` sidecar's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Integrity {
    NoSidecar,
    Matches,
    Mismatch { expected: String, actual: String },
    BadSidecar { reason: String },
}

impl PackageFile {
    pub fn location(&self) -> Location {
        match &self.file {
            Ok(r) => r.location(),
            Err(_) => Location::unresolved(&self.server_path.to_string()),
        }
    }

    /// Id and version: the nuspec's when it could be read, else the file name's.
    pub fn identity(&self) -> Option<(String, crate::nuget::NuGetVersion)> {
        match &self.content {
            PackageState::Read(n) => Some((n.id.clone(), n.version.clone())),
            _ => package::identity_from_name(&self.file_name),
        }
    }
}

/// What [`Inputs::find_named`] found.
#[derive(Debug, Default)]
pub struct Named {
    pub found: Vec<Resolved>,
    /// Folders or entries that could not be read, where and why.
    pub unreadable: Vec<(Location, FsError)>,
}

/// What [`Inputs::folders_matching`] found.
#[derive(Debug, Default)]
pub struct Folders {
    pub found: Vec<Resolved>,
    /// Folders or entries that could not be read, where and why.
    pub unreadable: Vec<(Location, FsError)>,
}

/// What [`Inputs::zip_names`] read of an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZipNames {
    /// The entries' names, `/`-separated (a `\` written on Windows, `./` and a
    /// leading `/` normalized), folder entries left out, in directory order.
    Listed(Vec<String>),
    /// Not a zip that opens (see [`package::open_zip`]).
    Damaged(Defect),
    Unreadable(FsError),
}

/// What [`Inputs::listing`] found: every entry below a folder, as icacls `/T` would list them.
#[derive(Debug, Clone)]
pub struct Listing {
    pub folder: Resolved,
    /// Files and folders below `folder` (not `folder` itself), in listing order.
    pub entries: Vec<ServerPath>,
    /// Entries or folders that could not be listed, where and why.
    pub unreadable: Vec<(Location, FsError)>,
}

/// How many levels of folders [`Inputs::listing`] descends (a NugetCache has
/// at most `<id>\<version>\`); deeper folders are reported, not walked.
pub const LISTING_DEPTH: usize = 16;

/// The scan's reader: memoizes by server path so two rules reading one file
/// parse it once.
pub struct Inputs<'s> {
    server: &'s Server,
    xml: HashMap<String, Rc<Loaded<XmlFile>>>,
    feeds: HashMap<String, Rc<Loaded<Feed>>>,
    settings: Vec<ObservedSetting>,
    modules: Vec<ObservedModule>,
    /// What `settings` and `modules` hold, so that recording stays linear
    /// however many modules a configuration loads.
    seen_settings: HashSet<ObservedSetting>,
    seen_modules: HashSet<ObservedModule>,
    backups: Vec<backup::ObservedBackup>,
}

/// A web server module a rule saw loaded or registered, for `observed_state`
/// (so `diff` can tell that an upgrade or a change removed one).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct ObservedModule {
    /// `iis` (applicationHost.config's globalModules) or `apache` (a LoadModule).
    pub server: &'static str,
    pub name: String,
    /// Where it is registered: the file as the server names it, and the line.
    pub file: String,
    pub line: Option<u32>,
}

/// A configuration value a rule read, kept for the report's `observed_state`
/// (so `diff` can tell that an upgrade reverted it).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct ObservedSetting {
    pub file: String,
    pub key: String,
    /// `None` when the key is not set.
    pub value: Option<String>,
    pub line: Option<u32>,
}

impl<'s> Inputs<'s> {
    pub fn new(server: &'s Server) -> Self {
        Inputs {
            server,
            xml: HashMap::new(),
            feeds: HashMap::new(),
            settings: Vec::new(),
            modules: Vec::new(),
            seen_settings: HashSet::new(),
            seen_modules: HashSet::new(),
            backups: Vec::new(),
        }
    }

    pub fn record_setting(&mut self, setting: ObservedSetting) {
        if self.seen_settings.insert(setting.clone()) {
            self.settings.push(setting);
        }
    }

    pub fn settings(&self) -> &[ObservedSetting] {
        &self.settings
    }

    pub fn record_module(&mut self, module: ObservedModule) {
        if self.seen_modules.insert(module.clone()) {
            self.modules.push(module);
        }
    }

    pub fn modules(&self) -> &[ObservedModule] {
        &self.modules
    }

    /// Backups found so far, per live folder, newest first.
    pub fn observed_backups(&self) -> &[backup::ObservedBackup] {
        &self.backups
    }

    /// Every feed read so far, in a stable order.
    pub fn feeds(&self) -> Vec<&Loaded<Feed>> {
        let mut keys: Vec<&String> = self.feeds.keys().collect();
        keys.sort();
        keys.into_iter().map(|k| &*self.feeds[k]).collect()
    }

    /// The `%VAR%`s server paths are expanded with.
    pub fn env(&self) -> &'s Env {
        self.server.env()
    }

    /// A server path, `%VAR%`s expanded (no I/O).
    pub fn parse(&self, raw: &str) -> Result<ServerPath, FsError> {
        self.server.parse(raw)
    }

    /// Resolves a server path, sorting the outcome into found / missing / failed.
    pub fn locate(&self, raw: &str) -> Loaded<Resolved> {
        let path = match self.server.parse(raw) {
            Ok(p) => p,
            Err(error) => {
                return Loaded::Failed {
                    location: Location::unresolved(raw),
                    error,
                };
            }
        };
        match self.server.resolve(&path) {
            Ok(r) => Loaded::Found(r),
            Err(FsError::NotFound { missing }) => Loaded::Missing { path, missing },
            Err(error) => Loaded::Failed {
                location: Location::unresolved(&path.to_string()),
                error,
            },
        }
    }

    /// A folder: what [`Inputs::locate`] finds, `Failed` when it is not a folder.
    pub fn folder(&self, raw: &str) -> Loaded<Resolved> {
        self.locate(raw).then(|r| {
            if r.kind == Kind::Dir {
                Ok(r)
            } else {
                Err(FsError::NotADirectory(r.server.to_string()))
            }
        })
    }

    /// A folder's entries, sorted by name, links followed inside the root.
    pub fn entries(&self, raw: &str) -> Loaded<(Resolved, Vec<Entry>)> {
        self.folder(raw).then(|dir| {
            let entries = self.server.list(&dir)?;
            Ok((dir, entries))
        })
    }

    /// Files named `name` (any case) in `top` and the folders below it, to
    /// `depth` levels (1 is `top`'s own files).
    pub fn find_named(&self, top: &Resolved, name: &str, depth: usize) -> Named {
        let mut out = Named::default();
        let mut level = vec![top.clone()];
        for _ in 0..depth {
            let mut next = Vec::new();
            for dir in &level {
                let entries = match self.server.list(dir) {
                    Ok(e) => e,
                    Err(e) => {
                        out.unreadable.push((dir.location(), e));
                        continue;
                    }
                };
                for entry in entries {
                    match entry.target {
                        Ok(r) if r.kind == Kind::Dir => next.push(r),
                        Ok(r) if entry.name.eq_ignore_ascii_case(name) => out.found.push(r),
                        Ok(_) => {}
                        Err(e) => {
                            // A broken entry named like the file may be the file, and
                            // one that is not simply dangling may be a folder holding it.
                            if entry.name.eq_ignore_ascii_case(name) || !e.is_not_found() {
                                let at =
                                    Location::unresolved(&dir.server.join(&entry.name).to_string());
                                out.unreadable.push((at, e));
                            }
                        }
                    }
                }
            }
            level = next;
        }
        out
    }

    /// The folders a server path names when a segment may hold `*` or `?`
    /// (`C:\Users\*\Downloads`: that folder of every profile), in name order;
    /// a path that leads to no folder is no match. Windows names match in any case.
    pub fn folders_matching(&self, raw: &str) -> Folders {
        let mut out = Folders::default();
        let path = match self.server.parse(raw) {
            Ok(p) => p,
            Err(e) => {
                out.unreadable.push((Location::unresolved(raw), e));
                return out;
            }
        };
        let segments = path.segments().to_vec();
        let wild = |s: &str| s.contains(['*', '?']);
        let first = segments
            .iter()
            .position(|s| wild(s))
            .unwrap_or(segments.len());
        let mut prefix = path.clone();
        for _ in first..segments.len() {
            prefix = prefix.parent();
        }
        let mut level = match self.folder(&prefix.to_string()) {
            Loaded::Found(r) => vec![r],
            Loaded::Missing { .. } => return out,
            Loaded::Failed { location, error } => {
                out.unreadable.push((location, error));
                return out;
            }
        };
        for segment in &segments[first..] {
            let mut next = Vec::new();
            for dir in &level {
                if !wild(segment) {
                    match self.server.resolve(&dir.server.join(segment)) {
                        Ok(r) if r.kind == Kind::Dir => next.push(r),
                        Ok(_) => {}
                        Err(e) if e.is_not_found() => {}
                        Err(e) => out.unreadable.push((
                            Location::unresolved(&dir.server.join(segment).to_string()),
                            e,
                        )),
                    }
                    continue;
                }
                let entries = match self.server.list(dir) {
                    Ok(e) => e,
                    Err(e) => {
                        out.unreadable.push((dir.location(), e));
                        continue;
                    }
                };
                for entry in entries {
                    if !crate::glob::matches(
                        segment,
                        &entry.name,
                        crate::glob::Syntax::Plain,
                        path.is_windows(),
                    ) {
                        continue;
                    }
                    match entry.target {
                        Ok(r) if r.kind == Kind::Dir => next.push(r),
                        Ok(_) => {}
                        Err(e) if e.is_not_found() => {}
                        Err(e) => out.unreadable.push((
                            Location::unresolved(&dir.server.join(&entry.name).to_string()),
                            e,
                        )),
                    }
                }
            }
            level = next;
        }
        out.found = level;
        out
    }

    /// The entry names of a zip file, read from its central directory alone
    /// (an upgrade package is hundreds of MB: nothing is extracted), at most
    /// [`package::MAX_ENTRIES`] of them.
    pub fn zip_names(&self, file: &Resolved) -> ZipNames {
        let reader = match self.server.open(file) {
            Ok(f) => std::io::BufReader::new(f),
            Err(e) => return ZipNames::Unreadable(e),
        };
        let archive = match package::open_zip(reader, file.len) {
            Ok(a) => a,
            Err(d) => return ZipNames::Damaged(d),
        };
        // A name that is not UTF-8 is still an entry: shown lossily.
        let names = archive
            .file_names_raw()
            .map(|n| String::from_utf8_lossy(n).replace('\\', "/"))
            .map(|n| {
                n.trim_start_matches("./")
                    .trim_start_matches('/')
                    .to_string()
            })
            .filter(|n| !n.is_empty() && !n.ends_with('/'))
            .collect();
        ZipNames::Listed(names)
    }

    /// Every file and folder below a folder, to [`LISTING_DEPTH`] levels: the
    /// entries an `icacls <folder> /T` capture of it should list. Links are
    /// followed inside the root, each folder once; a dangling link is
    /// skipped, as nothing is there to capture.
    pub fn listing(&self, raw: &str) -> Loaded<Listing> {
        self.folder(raw).then(|top| {
            self.server.list(&top)?;
            let mut out = Listing {
                folder: top.clone(),
                entries: Vec::new(),
                unreadable: Vec::new(),
            };
            let mut seen = HashSet::new();
            seen.insert(top.host.clone());
            let mut level = vec![top];
            for depth in 0..=LISTING_DEPTH {
                let mut next = Vec::new();
                for dir in &level {
                    let entries = match self.server.list(dir) {
                        Ok(e) => e,
                        Err(e) => {
                            out.unreadable.push((dir.location(), e));
                            continue;
                        }
                    };
                    for entry in entries {
                        let server = dir.server.join(&entry.name);
                        match entry.target {
                            Ok(r) => {
                                out.entries.push(server.clone());
                                if r.kind != Kind::Dir || !seen.insert(r.host.clone()) {
                                    continue;
                                }
                                if depth == LISTING_DEPTH {
                                    out.unreadable.push((
                                        r.location(),
                                        FsError::Io {
                                            path: server.to_string(),
                                            message: format!(
                                                "more than {LISTING_DEPTH} levels of folders; not listed"
                                            ),
                                        },
                                    ));
                                } else {
                                    next.push(r);
                                }
                            }
                            Err(e) if e.is_not_found() => {}
                            Err(e) => out
                                .unreadable
                                .push((Location::unresolved(&server.to_string()), e)),
                        }
                    }
                }
                level = next;
            }
            Ok(out)
        })
    }

    /// Every file under a folder (walked, not memoized: one rule asks).
    pub fn tree(&self, raw: &str) -> Loaded<(Resolved, crate::server::Tree)> {
        self.folder(raw).then(|dir| {
            let tree = self.server.tree(&dir)?;
            Ok((dir, tree))
        })
    }

    /// A parsed XML configuration file.
    pub fn xml(&mut self, raw: &str) -> Rc<Loaded<XmlFile>> {
        let key = cache_key(self.server, raw);
        if let Some(hit) = self.xml.get(&key) {
            return Rc::clone(hit);
        }
        let loaded = self.locate(raw).then(|file| {
            let bytes = self.server.read(&file, CONFIG_LIMIT)?;
            Ok(XmlFile {
                parsed: xml::parse(&bytes),
                file,
            })
        });
        let loaded = Rc::new(loaded);
        self.xml.insert(key, Rc::clone(&loaded));
        loaded
    }

    /// The packages of a NugetCache folder, each opened and checked once.
    pub fn feed(&mut self, raw: &str) -> Rc<Loaded<Feed>> {
        let key = cache_key(self.server, raw);
        if let Some(hit) = self.feeds.get(&key) {
            return Rc::clone(hit);
        }
        let loaded = self.folder(raw).then(|folder| {
            let packages = self.read_feed(&folder)?;
            Ok(Feed { folder, packages })
        });
        let loaded = Rc::new(loaded);
        self.feeds.insert(key, Rc::clone(&loaded));
        loaded
    }

    /// The packages of a local folder feed, in the three layouts NuGet reads:
    /// flat `<id>.<version>.nupkg`; one folder down, any `*.nupkg` in a subfolder
    /// (the packages.config-era `<Id>.<Version>\<Id>.<Version>.nupkg`); and
    /// hierarchical `<id>\<version>\*.nupkg`. NuGet.Protocol's
    /// `LocalFolderUtility.GetPackagesV2` reads "all packages from a folder and one
    /// level deep" (`GetNupkgsFromFlatFolder`: the folder's `*.nupkg`, then each
    /// subfolder's), and `GetPackagesV3` the `<id>\<version>` tree (NuGet/NuGet.Client,
    /// src/NuGet.Core/NuGet.Protocol/Utility/LocalFolderUtility.cs). NuGet settles on
    /// one layout per folder; a copy mixing them is read here as their union, so that
    /// every file the cache holds is checked (PM005).
    fn read_feed(&self, folder: &Resolved) -> Result<Vec<PackageFile>, FsError> {
        let mut packages = Vec::new();
        let top = self.server.list(folder)?;
        self.collect_packages(folder, &top, None, None, &mut packages);
        for id_dir in &top {
            let Ok(id_folder) = &id_dir.target else {
                continue;
            };
            if id_folder.kind != Kind::Dir {
                continue;
            }
            let children = self.server.list(id_folder)?;
            self.collect_packages(
                id_folder,
                &children,
                None,
                Some(id_dir.name.clone()),
                &mut packages,
            );
            for version_dir in children {
                let Ok(version_folder) = &version_dir.target else {
                    continue;
                };
                if version_folder.kind != Kind::Dir {
                    continue;
                }
                let files = self.server.list(version_folder)?;
                let folders = Some((id_dir.name.clone(), version_dir.name.clone()));
                self.collect_packages(version_folder, &files, folders, None, &mut packages);
            }
        }
        Ok(packages)
    }

    fn collect_packages(
        &self,
        folder: &Resolved,
        entries: &[crate::server::Entry],
        folders: Option<(String, String)>,
        subfolder: Option<String>,
        out: &mut Vec<PackageFile>,
    ) {
        // Sidecars by ASCII-lowercased name, the first of each (as a linear
        // search per package found it, which made 100,000 packages quadratic).
        let mut sidecars: HashMap<String, &crate::server::Entry> = HashMap::new();
        for e in entries {
            if package::strip_suffix_ignore_case(&e.name, ".hash.json").is_some() {
                sidecars.entry(e.name.to_ascii_lowercase()).or_insert(e);
            }
        }
        for entry in entries {
            if package::strip_suffix_ignore_case(&entry.name, ".nupkg").is_none() {
                continue;
            }
            // A folder named like a package is not a package file.
            if matches!(&entry.target, Ok(r) if r.kind == Kind::Dir) {
                continue;
            }
            let sidecar_name = format!("{}.hash.json", entry.name);
            let sidecar = sidecars.get(&sidecar_name.to_ascii_lowercase()).copied();
            let (content, integrity) = match &entry.target {
                Ok(file) => self.inspect(file, sidecar.map(|s| &s.target)),
                Err(e) => (PackageState::Unreadable(e.clone()), Integrity::NoSidecar),
            };
            out.push(PackageFile {
                file_name: entry.name.clone(),
                file: entry.target.clone(),
                server_path: folder.server.join(&entry.name),
                folders: folders.clone(),
                subfolder: subfolder.clone(),
                content,
                integrity,
            });
        }
    }

    fn inspect(
        &self,
        file: &Resolved,
        sidecar: Option<&Result<Resolved, FsError>>,
    ) -> (PackageState, Integrity) {
        let content = match self.server.open(file) {
            Ok(f) => match package::read_nuspec(std::io::BufReader::new(f), file.len) {
                Ok(n) => PackageState::Read(n),
                Err(d) => PackageState::Defective(d),
            },
            Err(e) => PackageState::Unreadable(e),
        };
        let integrity = match sidecar {
            None => Integrity::NoSidecar,
            Some(Err(e)) => Integrity::BadSidecar {
                reason: e.to_string(),
            },
            Some(Ok(s)) => self.verify(file, s),
        };
        (content, integrity)
    }

    fn verify(&self, file: &Resolved, sidecar: &Resolved) -> Integrity {
        let bad = |reason: String| Integrity::BadSidecar { reason };
        let expected = match self.server.read(sidecar, SIDECAR_LIMIT) {
            Ok(bytes) => match package::parse_sidecar(&bytes) {
                Ok(s) => package::base64(&s.expected),
                Err(reason) => return bad(reason),
            },
            Err(e) => return bad(e.to_string()),
        };
        let actual = match self.server.open(file).and_then(|f| {
            package::sha512_base64(f).map_err(|e| FsError::Io {
                path: file.server.to_string(),
                message: e.to_string(),
            })
        }) {
            Ok(a) => a,
            Err(e) => return bad(format!("the package could not be hashed: {e}")),
        };
        if actual == expected {
            Integrity::Matches
        } else {
            Integrity::Mismatch { expected, actual }
        }
    }
}

/// Windows paths are one file whatever their case; POSIX paths are not.
fn cache_key(server: &Server, raw: &str) -> String {
    match server.parse(raw) {
        Ok(p) if p.is_windows() => crate::path::fold(&p.to_string()),
        Ok(p) => p.to_string(),
        Err(_) => raw.to_string(),
    }
}

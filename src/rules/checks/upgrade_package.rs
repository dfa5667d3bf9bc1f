//! `upgrade_package`: the vendor's upgrade zip for the target version is on
//! the web server (SS008: seed 000 step 1, "Copy/paste this zip file on your
//! Privilege Manager Web server"). Secret Server's upgrade is a wrapper named
//! `Version_<major>_<minor>_<build>.zip` holding `ss_update.zip` (and, in
//! current releases, the signed catalog `hashes.crt`); the upgrader rejects a
//! wrapper with foreign files. The folders searched are rule data: path facts
//! and server paths where a segment may be `*` (`C:\Users\*\Downloads`), each
//! searched for its own files only (not recursively). Only the zip's central
//! directory is read (entry names), never an entry.

use serde::Deserialize;

use super::upgrade_path::{self, Stepping};
use super::{CheckKind, Context, known_fact, no_target, valid_path};
use crate::facts::{PATH_FACTS, Version};
use crate::inputs::{Inputs, ZipNames};
use crate::model::{Location, Outcome, Status};
use crate::nuget::package::{Defect, MAX_ENTRIES, strip_suffix_ignore_case};
use crate::server::{FsError, Kind};

/// The fact whose folders (default `C:\Backups`) every backup rule searches.
const SEARCH_DIRS: &str = "backups.search_dirs";
/// The vendor's wrapper name: `Version_11_1_000006.zip`.
const PREFIX: &str = "Version_";
const SUFFIX: &str = ".zip";
/// Why a `Version_…zip` name gives no version.
const UNNAMED: &str = "is not named as the vendor names the package, Version_<major>_<minor>_<build>.zip (Version_11_1_000006.zip is 11.1.000006), so its version cannot be read from the name";
/// How many entry names a message lists before "…".
const SHOWN: usize = 5;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// Facts naming folders to search: `backups.search_dirs` or path facts.
    pub search_facts: Vec<String>,
    /// Further folders; a segment may hold `*` (any one folder name).
    pub folders: Vec<String>,
    /// The update package the wrapper must hold at its top level.
    pub update_entry: String,
    /// The signed catalog current wrappers hold beside it.
    pub catalog_entry: String,
    /// Top-level entries that make a zip a fresh-install package.
    pub install_entries: Vec<String>,
    /// File names of fresh-install packages (found instead of an upgrade).
    pub install_files: Vec<String>,
    /// The stepping table, as SS002 (`upgrade_path`) judges it.
    pub path: upgrade_path::Params,
}

/// A candidate file found in a searched folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The server path, for messages.
    pub file: String,
    pub location: Location,
    pub name: Named,
}

/// What the file name says, and for a wrapper, what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Named {
    /// `Version_…zip` with a readable version, and its entries.
    Wrapper(Version, ZipNames),
    /// `Version_…zip` whose name gives no version: why.
    NoVersion(String),
    /// Named like a fresh-install package (`SecretServer.zip`).
    Install,
}

/// What the rule found, for `judge`.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    pub candidates: Vec<Candidate>,
    /// Folders listed, in search order.
    pub searched: Vec<String>,
    /// Places that named no folder (missing, or a pattern without a match).
    pub absent: Vec<String>,
    /// Places that could not be read, where and why.
    pub unreadable: Vec<(String, FsError)>,
}

/// The version a `Version_<major>_<minor>_<build>.zip` name gives, or why none.
/// `None`: not a wrapper's name at all.
pub fn name_version(name: &str) -> Option<Result<Version, String>> {
    let stem = strip_suffix_ignore_case(name, SUFFIX)?;
    let rest = stem
        .get(..PREFIX.len())
        .filter(|p| p.eq_ignore_ascii_case(PREFIX))
        .map(|_| &stem[PREFIX.len()..])?;
    let parts: Vec<&str> = rest.split('_').collect();
    let numeric = |p: &&str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if parts.len() != 3 || !parts.iter().all(numeric) {
        return Some(Err(UNNAMED.to_string()));
    }
    Some(
        parts
            .join(".")
            .parse()
            .map(Version)
            .map_err(|e| format!("gives no version in its name: {e}")),
    )
}

impl Params {
    fn is_install_file(&self, name: &str) -> bool {
        self.install_files
            .iter()
            .any(|f| f.eq_ignore_ascii_case(name))
    }
}

/// Where a search for a package looked.
#[derive(Debug, Clone, Default)]
pub struct Search {
    /// Folders listed, in search order.
    pub searched: Vec<String>,
    /// Places that named no folder (missing, or a pattern without a match).
    pub absent: Vec<String>,
    /// Places or entries that could not be read, where and why.
    pub unreadable: Vec<(String, FsError)>,
}

/// The folders to search, as the facts and parameters name them: the
/// `backups.search_dirs` folders or a path fact's folder, then `folders`.
pub fn places(ctx: &Context<'_>, search_facts: &[String], folders: &[String]) -> Vec<String> {
    let mut places = Vec::new();
    for key in search_facts {
        if key == SEARCH_DIRS {
            places.extend(ctx.facts.backup_search_dirs());
        } else if let Some(dir) = ctx.facts.path(key) {
            places.push(dir.to_string());
        }
    }
    places.extend(folders.iter().cloned());
    places
}

/// Checks `search_facts` and `folders` parameters.
pub fn validate_places(search_facts: &[String], folders: &[String]) -> Result<(), String> {
    for key in search_facts {
        if key != SEARCH_DIRS {
            known_fact(key, PATH_FACTS)?;
        }
    }
    for folder in folders {
        valid_path("folders", folder)?;
    }
    Ok(())
}

/// Lists every folder the places name (a `*` segment matches any folder),
/// each folder once, for its own entries only (not recursively): the entries
/// `wanted` accepts (by name and kind, links followed), as (server path,
/// target). An entry that cannot be followed is recorded as unreadable when
/// it might be wanted (as a file or as a folder).
pub fn search(
    inputs: &Inputs<'_>,
    places: Vec<String>,
    wanted: impl Fn(&str, Kind) -> bool,
) -> (Search, Vec<(String, crate::server::Resolved)>) {
    let mut out = Search::default();
    let mut found = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for place in places {
        let folders = inputs.folders_matching(&place);
        if folders.found.is_empty() && folders.unreadable.is_empty() {
            let shown = inputs.parse(&place).map_or(place, |p| p.to_string());
            out.absent.push(shown);
        }
        out.unreadable.extend(
            folders
                .unreadable
                .into_iter()
                .map(|(at, e)| (at.server_path, e)),
        );
        for dir in folders.found {
            let shown = dir.server.to_string();
            let entries = match inputs.entries(&shown) {
                crate::inputs::Loaded::Found((_, entries)) => entries,
                crate::inputs::Loaded::Missing { .. } => continue,
                crate::inputs::Loaded::Failed { error, .. } => {
                    out.unreadable.push((shown, error));
                    continue;
                }
            };
            // One folder reached from two places (a search folder that is
            // also the backup folder) is searched once.
            if !seen.insert(dir.host.clone()) {
                continue;
            }
            out.searched.push(shown);
            for entry in entries {
                let file = dir.server.join(&entry.name).to_string();
                match entry.target {
                    Ok(t) if wanted(&entry.name, t.kind) => found.push((file, t)),
                    Ok(_) => {}
                    Err(e) if e.is_not_found() => {}
                    Err(e) => {
                        if wanted(&entry.name, Kind::File) || wanted(&entry.name, Kind::Dir) {
                            out.unreadable.push((file, e));
                        }
                    }
                }
            }
        }
    }
    (out, found)
}

impl CheckKind for Params {
    fn validate(&self) -> Result<(), String> {
        validate_places(&self.search_facts, &self.folders)?;
        for name in [&self.update_entry, &self.catalog_entry]
            .into_iter()
            .chain(&self.install_entries)
            .chain(&self.install_files)
        {
            valid_path("entry name", &format!(r"C:\{name}"))?;
        }
        self.path.validate()
    }

    fn run(&self, ctx: &Context<'_>, inputs: &mut Inputs<'_>) -> Vec<Outcome> {
        let places = places(ctx, &self.search_facts, &self.folders);
        let wanted = |name: &str, kind: Kind| {
            kind == Kind::File && (name_version(name).is_some() || self.is_install_file(name))
        };
        let (search, found) = search(inputs, places, wanted);
        let mut ev = Evidence {
            searched: search.searched,
            absent: search.absent,
            unreadable: search.unreadable,
            ..Evidence::default()
        };
        for (file, target) in found {
            let entry_name = target.server.file_name().unwrap_or_default().to_string();
            let name = match name_version(&entry_name) {
                Some(Ok(v)) => Named::Wrapper(v, inputs.zip_names(&target)),
                Some(Err(why)) => Named::NoVersion(why),
                None => Named::Install,
            };
            ev.candidates.push(Candidate {
                file,
                location: target.location(),
                name,
            });
        }
        let steps = match self.path.stepping() {
            Ok(s) => s,
            Err(e) => return vec![Outcome::new(Status::Error, self.path.installed.clone(), e)],
        };
        vec![judge(
            self,
            &steps,
            &ev,
            ctx.facts.version(&self.path.installed),
            ctx.targets.get(&self.path.product),
        )]
    }
}

/// Why a wrapper of the right version is no upgrade package; `None`: it is one.
fn defect(p: &Params, names: &ZipNames) -> Option<String> {
    let top: Vec<&str> = match names {
        ZipNames::Unreadable(e) => return Some(format!("could not be read: {e}")),
        ZipNames::Damaged(d) => return Some(format!("is damaged: {}", damage(d))),
        ZipNames::Listed(n) => n
            .iter()
            .map(String::as_str)
            .filter(|n| !n.contains('/'))
            .collect(),
    };
    let has = |name: &str| top.iter().any(|t| t.eq_ignore_ascii_case(name));
    let install: Vec<&str> = p
        .install_entries
        .iter()
        .map(String::as_str)
        .filter(|e| has(e))
        .collect();
    if !install.is_empty() {
        return Some(format!(
            "is a fresh-install package (it holds {}), not an upgrade: an install package cannot be uploaded at Setup/Upgrade",
            install.join(" and ")
        ));
    }
    if !has(&p.update_entry) {
        return Some(format!(
            "holds no {} at its top level ({}), so it is not the vendor's upgrade package",
            p.update_entry,
            listed(names)
        ));
    }
    let foreign: Vec<&str> = top
        .iter()
        .copied()
        .filter(|t| {
            !t.eq_ignore_ascii_case(&p.update_entry) && !t.eq_ignore_ascii_case(&p.catalog_entry)
        })
        .collect();
    let deeper = matches!(names, ZipNames::Listed(n) if n.iter().any(|n| n.contains('/')));
    if !foreign.is_empty() || deeper {
        let mut extra: Vec<String> = foreign.iter().take(SHOWN).map(|s| s.to_string()).collect();
        if deeper {
            extra.push("folders".into());
        }
        return Some(format!(
            "holds more than {} and {} ({}): the upgrader rejects a package with files the vendor did not put there",
            p.update_entry,
            p.catalog_entry,
            extra.join(", ")
        ));
    }
    None
}

/// A damaged zip in an administrator's words.
fn damage(d: &Defect) -> String {
    match d {
        Defect::Empty => "the file is empty (0 bytes)".into(),
        Defect::NotAZip(e) => {
            format!("not a readable zip archive ({e}); the download is probably incomplete")
        }
        Defect::LfsPointer => "a Git LFS pointer, not the zip".into(),
        Defect::TooManyEntries(n) => {
            format!("it lists {n} entries, more than the {MAX_ENTRIES} upgate reads")
        }
        other => other.to_string(),
    }
}

/// "entries: a, b, c, …" or "it is empty".
fn listed(names: &ZipNames) -> String {
    match names {
        ZipNames::Listed(n) if n.is_empty() => "the zip is empty".into(),
        ZipNames::Listed(n) => {
            let mut shown: Vec<&str> = n.iter().take(SHOWN).map(String::as_str).collect();
            if n.len() > SHOWN {
                shown.push("…");
            }
            format!("entries: {}", shown.join(", "))
        }
        _ => String::new(),
    }
}

/// The wrapper name of a version: `11.1.000006` → `Version_11_1_000006.zip`.
fn wrapper_name(v: &Version) -> String {
    format!("{PREFIX}{}{SUFFIX}", v.to_string().replace('.', "_"))
}

pub fn judge(
    p: &Params,
    steps: &[Stepping],
    ev: &Evidence,
    installed: Option<&Version>,
    target: Option<&Version>,
) -> Outcome {
    let places = searched(ev);
    let Some(target) = target else {
        let mut o = no_target(p.path.product);
        o.message.push_str(&format!(
            "; upgate compares it with the version in the upgrade zip's name ({}; searched {places})",
            found(ev)
        ));
        return o;
    };
    let subject = wrapper_name(target);
    let expected = format!(
        "{subject} holding {} (and {}) in a searched folder",
        p.update_entry, p.catalog_entry
    );
    // Each candidate: why it does not count, and whether it might.
    let mut reasons: Vec<String> = Vec::new();
    let mut unknown = false;
    let mut first_location: Option<Location> = None;
    for c in &ev.candidates {
        let why = match &c.name {
            Named::NoVersion(why) => {
                unknown = true;
                format!(
                    "{why}: upgate cannot tell whether it is the {target} package (rename it to {subject} if it is)"
                )
            }
            Named::Install => format!(
                "is named like the fresh-install package (or a copy of the web folder), not like the upgrade package {subject}"
            ),
            Named::Wrapper(v, names) => match defect(p, names) {
                Some(d) => format!("({v}) {d}"),
                None if v.0 != target.0 => {
                    format!("is the upgrade package for {v}, not for the target {target}")
                }
                None => {
                    let catalog = matches!(names, ZipNames::Listed(n)
                        if n.iter().any(|e| e.eq_ignore_ascii_case(&p.catalog_entry)));
                    return right_version(p, steps, c, catalog, installed, target)
                        .expected(expected);
                }
            },
        };
        if matches!(&c.name, Named::Wrapper(_, ZipNames::Unreadable(_))) {
            unknown = true;
        }
        first_location.get_or_insert_with(|| c.location.clone());
        reasons.push(format!("{} {why}", c.file));
    }
    let unreadable: Vec<String> = ev
        .unreadable
        .iter()
        .map(|(at, e)| format!("could not search {at}: {e}"))
        .collect();
    let status = if ev.unreadable.iter().any(|(_, e)| !e.is_unsupplied_input()) {
        Status::Error
    } else if unknown || !ev.unreadable.is_empty() {
        Status::NotEvaluated
    } else {
        Status::Fail
    };
    let mut message = if reasons.is_empty() {
        format!(
            "no upgrade package ({PREFIX}<major>_<minor>_<build>{SUFFIX}) in the places searched: {places}"
        )
    } else {
        format!(
            "no upgrade package for {target} found; {} (searched {places})",
            reasons.join("; ")
        )
    };
    if !unreadable.is_empty() {
        message.push_str(&format!("; {}", unreadable.join("; ")));
    }
    let mut o = Outcome::new(status, subject, message)
        .observed(found(ev))
        .expected(expected);
    if let Some(at) = first_location {
        o = o.at(at);
    }
    o
}

/// The verdict on a sound package of the target version: it passes when the
/// target installs directly from the installed version (SS002's judgement).
fn right_version(
    p: &Params,
    steps: &[Stepping],
    c: &Candidate,
    catalog: bool,
    installed: Option<&Version>,
    target: &Version,
) -> Outcome {
    let catalog = if catalog {
        format!("holds {} and {}", p.update_entry, p.catalog_entry)
    } else {
        format!(
            "holds {} but no {} (current releases include that signed catalog; the upgrader of a current version may refuse the package without it)",
            p.update_entry, p.catalog_entry
        )
    };
    let path = upgrade_path::judge(&p.path, steps, installed, Some(target));
    let found = format!(
        "{} is the upgrade package for {target} and {catalog}",
        c.file
    );
    let status = match path.status {
        Status::Pass => Status::Pass,
        Status::NotEvaluated => Status::NotEvaluated,
        _ => Status::Fail,
    };
    let message = match status {
        Status::Pass => format!("{found}; {}", path.message),
        Status::NotEvaluated => format!(
            "{found}, but whether it installs directly cannot be told: {}",
            path.message
        ),
        _ => format!(
            "{found}, but it is not the package to upload now: {}",
            path.message
        ),
    };
    Outcome::new(status, wrapper_name(target), message)
        .observed(c.file.clone())
        .at(c.location.clone())
}

/// The places searched, for messages: each folder listed, then the ones absent.
fn searched(ev: &Evidence) -> String {
    searched_places(&ev.searched, &ev.absent, &ev.unreadable)
}

/// Folders listed, then places absent, then places unreadable, for messages.
pub fn searched_places(
    searched: &[String],
    absent: &[String],
    unreadable: &[(String, FsError)],
) -> String {
    let mut all: Vec<String> = searched.to_vec();
    all.extend(absent.iter().map(|a| {
        let none = if a.contains(['*', '?']) {
            "no folder matches"
        } else {
            "no such folder"
        };
        format!("{a} ({none})")
    }));
    all.extend(unreadable.iter().map(|(a, _)| format!("{a} (unreadable)")));
    if all.is_empty() {
        "nowhere (no folder to search)".into()
    } else {
        all.join(", ")
    }
}

fn found(ev: &Evidence) -> String {
    if ev.candidates.is_empty() {
        "none found".into()
    } else {
        ev.candidates
            .iter()
            .map(|c| c.file.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> Params {
        let path: upgrade_path::Params = toml::from_str(
            r#"installed = "secret_server.installed_version"
product = "ss"
steps = [
  { through = "8.4.000003", install = "8.4.000004" },
  { through = "9.1.000000", install = "9.1.000001" },
  { through = "10.9.000003", install = "10.9.000005" },
]"#,
        )
        .unwrap();
        Params {
            search_facts: vec![SEARCH_DIRS.into()],
            folders: vec![r"C:\Users\*\Downloads".into()],
            update_entry: "ss_update.zip".into(),
            catalog_entry: "hashes.crt".into(),
            install_entries: vec!["SecretServer.zip".into(), "setup.exe".into()],
            install_files: vec!["SecretServer.zip".into()],
            path,
        }
    }

    fn v(s: &str) -> Version {
        Version(s.parse().unwrap())
    }

    fn wrapper(file: &str, names: ZipNames) -> Candidate {
        let name = file.rsplit('\\').next().unwrap();
        let version = name_version(name).unwrap().unwrap();
        Candidate {
            file: file.into(),
            location: Location::unresolved(file),
            name: Named::Wrapper(version, names),
        }
    }

    fn listed(names: &[&str]) -> ZipNames {
        ZipNames::Listed(names.iter().map(|n| n.to_string()).collect())
    }

    fn good() -> ZipNames {
        listed(&["hashes.crt", "ss_update.zip"])
    }

    fn searched(candidates: Vec<Candidate>) -> Evidence {
        Evidence {
            candidates,
            searched: vec![r"C:\Backups".into(), r"C:\Users\admin\Downloads".into()],
            ..Evidence::default()
        }
    }

    fn run(ev: &Evidence, installed: &str, target: &str) -> Outcome {
        let p = params();
        let steps = p.path.stepping().unwrap();
        judge(&p, &steps, ev, Some(&v(installed)), Some(&v(target)))
    }

    const DL: &str = r"C:\Users\admin\Downloads\Version_11_1_000006.zip";

    #[test]
    fn names_give_the_version_as_the_vendor_writes_it() {
        assert_eq!(
            name_version("Version_11_7_000042.zip")
                .unwrap()
                .unwrap()
                .to_string(),
            "11.7.000042"
        );
        assert_eq!(
            name_version("version_10_9_000033.ZIP").unwrap().unwrap(),
            v("10.9.33")
        );
        for bad in [
            "Version_11_7.zip",
            "Version_latest.zip",
            "Version_11_7_000042 (1).zip",
            "Version_11__1.zip",
        ] {
            let why = name_version(bad).unwrap().unwrap_err();
            assert!(why.contains("Version_<major>_<minor>_<build>.zip"), "{why}");
        }
        assert!(name_version("SecretServer.zip").is_none());
        assert!(name_version("Version_11_1_000006.txt").is_none());
    }

    #[test]
    fn the_target_package_that_installs_directly_passes() {
        let o = run(
            &searched(vec![wrapper(DL, good())]),
            "10.9.000033",
            "11.1.000006",
        );
        assert_eq!(o.status, Status::Pass, "{}", o.message);
        assert_eq!(o.subject, "Version_11_1_000006.zip");
        assert_eq!(
            o.message,
            r"C:\Users\admin\Downloads\Version_11_1_000006.zip is the upgrade package for 11.1.000006 and holds ss_update.zip and hashes.crt; 11.1.000006 installs directly from 10.9.000033"
        );
        assert_eq!(o.location.unwrap().server_path, DL);
        // NuGet equality: 11.1.6 is 11.1.000006.
        assert_eq!(
            run(
                &searched(vec![wrapper(DL, good())]),
                "10.9.000033",
                "11.1.6"
            )
            .status,
            Status::Pass
        );
        // Without hashes.crt it still passes, and says so.
        let o = run(
            &searched(vec![wrapper(DL, listed(&["ss_update.zip"]))]),
            "10.9.000033",
            "11.1.000006",
        );
        assert_eq!(o.status, Status::Pass);
        assert!(o.message.contains("but no hashes.crt"), "{}", o.message);
    }

    #[test]
    fn a_target_that_must_step_first_fails_and_names_the_step() {
        let o = run(
            &searched(vec![wrapper(DL, good())]),
            "10.9.000003",
            "11.1.000006",
        );
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.message.contains("it is not the package to upload now"),
            "{}",
            o.message
        );
        assert!(
            o.message.contains("install 10.9.000005 first"),
            "{}",
            o.message
        );
    }

    #[test]
    fn what_was_found_instead_is_named_with_why() {
        let other = r"C:\Backups\Version_11_0_000001.zip";
        let o = run(
            &searched(vec![wrapper(other, good())]),
            "10.9.000033",
            "11.1.000006",
        );
        assert_eq!(o.status, Status::Fail);
        assert_eq!(
            o.message,
            r"no upgrade package for 11.1.000006 found; C:\Backups\Version_11_0_000001.zip is the upgrade package for 11.0.000001, not for the target 11.1.000006 (searched C:\Backups, C:\Users\admin\Downloads)"
        );
        assert_eq!(o.location.unwrap().server_path, other);
        let install = wrapper(DL, listed(&["SecretServer.zip", "setup.exe"]));
        let o = run(&searched(vec![install]), "10.9.000033", "11.1.000006");
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.message.contains(
                "(11.1.000006) is a fresh-install package (it holds SecretServer.zip and setup.exe)"
            ),
            "{}",
            o.message
        );
        let named = Candidate {
            file: r"C:\Backups\SecretServer.zip".into(),
            location: Location::unresolved(r"C:\Backups\SecretServer.zip"),
            name: Named::Install,
        };
        let o = run(&searched(vec![named]), "10.9.000033", "11.1.000006");
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.message.contains("named like the fresh-install package"),
            "{}",
            o.message
        );
        let damaged = wrapper(
            DL,
            ZipNames::Damaged(Defect::NotAZip(
                "invalid Zip archive: Could not find EOCD".into(),
            )),
        );
        let o = run(&searched(vec![damaged]), "10.9.000033", "11.1.000006");
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.message.contains("is damaged: not a readable zip archive"),
            "{}",
            o.message
        );
        let o = run(
            &searched(vec![wrapper(DL, listed(&["SecretServer/web.config"]))]),
            "10.9.000033",
            "11.1.000006",
        );
        assert!(
            o.message.contains(
                "holds no ss_update.zip at its top level (entries: SecretServer/web.config)"
            ),
            "{}",
            o.message
        );
        let o = run(
            &searched(vec![wrapper(
                DL,
                listed(&["ss_update.zip", "hashes.crt", "readme.txt"]),
            )]),
            "10.9.000033",
            "11.1.000006",
        );
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.message.contains("(readme.txt): the upgrader rejects"),
            "{}",
            o.message
        );
    }

    #[test]
    fn nothing_found_fails_naming_every_place_searched() {
        let mut ev = searched(Vec::new());
        ev.absent = vec![r"C:\Users\*\Desktop".into(), r"D:\Backups".into()];
        let o = run(&ev, "10.9.000033", "11.1.000006");
        assert_eq!(o.status, Status::Fail);
        assert_eq!(
            o.message,
            r"no upgrade package (Version_<major>_<minor>_<build>.zip) in the places searched: C:\Backups, C:\Users\admin\Downloads, C:\Users\*\Desktop (no folder matches), D:\Backups (no such folder)"
        );
        assert_eq!(o.observed.as_deref(), Some("none found"));
    }

    #[test]
    fn what_upgate_cannot_see_never_passes_nor_fails() {
        // A name without a readable version may be the package.
        let odd = Candidate {
            file: r"C:\Backups\Version_11_1.zip".into(),
            location: Location::unresolved(r"C:\Backups\Version_11_1.zip"),
            name: Named::NoVersion(name_version("Version_11_1.zip").unwrap().unwrap_err()),
        };
        let o = run(&searched(vec![odd]), "10.9.000033", "11.1.000006");
        assert_eq!(o.status, Status::NotEvaluated);
        assert!(
            o.message
                .contains("from the name: upgate cannot tell whether it is the 11.1.000006 package (rename it to Version_11_1_000006.zip if it is)"),
            "{}",
            o.message
        );
        // A folder that could not be read: error; an unmapped drive: not evaluated.
        let mut ev = searched(Vec::new());
        ev.unreadable = vec![(
            r"C:\Backups".into(),
            FsError::Io {
                path: r"C:\Backups".into(),
                message: "denied".into(),
            },
        )];
        let o = run(&ev, "10.9.000033", "11.1.000006");
        assert_eq!(o.status, Status::Error);
        assert!(
            o.message
                .ends_with(r"could not search C:\Backups: cannot read C:\Backups: denied"),
            "{}",
            o.message
        );
        ev.unreadable = vec![(r"D:\Backups".into(), FsError::DriveNotMapped('D'))];
        assert_eq!(
            run(&ev, "10.9.000033", "11.1.000006").status,
            Status::NotEvaluated
        );
        // A found package beside an unreadable folder still passes.
        ev.candidates = vec![wrapper(DL, good())];
        assert_eq!(run(&ev, "10.9.000033", "11.1.000006").status, Status::Pass);
    }

    #[test]
    fn without_target_or_installed_version_it_is_not_evaluated() {
        let p = params();
        let steps = p.path.stepping().unwrap();
        let ev = searched(vec![wrapper(DL, good())]);
        let o = judge(&p, &steps, &ev, Some(&v("10.9.000033")), None);
        assert_eq!(o.status, Status::NotEvaluated);
        assert_eq!(o.subject, "secret_server.target_version");
        assert!(o.message.contains(DL), "{}", o.message);
        let o = judge(&p, &steps, &ev, None, Some(&v("11.1.000006")));
        assert_eq!(o.status, Status::NotEvaluated);
        assert!(
            o.message.contains("secret_server.installed_version"),
            "{}",
            o.message
        );
    }
}

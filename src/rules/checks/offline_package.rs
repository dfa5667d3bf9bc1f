//! `offline_package` (PM014; seed 001 steps 1-3: extract the offline upgrade
//! zip and copy the contents of its `nugetCache` folder to
//! `C:\ProgramData\NugetCache\`): every package of the offline package is in
//! the cache with the same size and content, and the package is the target's.
//!
//! The package is the zip or folder named with `--offline-package` (a host
//! path: the auditor's copy), else the first zip or folder holding a
//! `nugetCache` folder of `.nupkg` files in the searched folders (SS008's
//! search: facts and server paths, `*` for any folder, depth 1). A zip is
//! compared by the CRC-32 its central directory records, a folder byte for
//! byte. What upgate cannot see (no package found) is never a pass.

use serde::Deserialize;

use super::upgrade_package::{Search, places, search, searched_places, validate_places};
use super::{CheckKind, Context, valid_path};
use crate::facts::Version;
use crate::inputs::backup::Form;
use crate::inputs::offline::{FOLDER, InCache, Offline, Package};
use crate::inputs::{Inputs, Loaded};
use crate::model::{Location, Outcome, Status};
use crate::nuget::NuGetVersion;
use crate::nuget::package::{identity_from_name, strip_suffix_ignore_case};
use crate::server::{FsError, Kind};

/// How many package names a message lists before "and N more".
const SHOWN: usize = 10;
const TARGET: &str = "privilege_manager.target_version";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// Facts naming folders to search: `backups.search_dirs` or path facts.
    pub search_facts: Vec<String>,
    /// Further folders; a segment may hold `*` (any one folder name).
    pub folders: Vec<String>,
    /// The NugetCache the packages go to.
    pub cache: String,
    /// The product packages whose highest version is the package's version.
    pub packages: Vec<String>,
}

/// An offline package found and held against the cache.
#[derive(Debug, Clone)]
pub struct Found {
    /// The zip or folder, for messages.
    pub file: String,
    pub location: Location,
    pub form: Form,
    /// Its packages (relative to its `nugetCache`), with sizes.
    pub packages: Vec<(String, u64)>,
    pub in_cache: InCache,
}

/// The cache folder, as far as it could be read.
#[derive(Debug, Clone, Default)]
pub enum Cache {
    #[default]
    Read,
    Missing(String),
    Failed(FsError),
}

/// What the rule found, for `judge`.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    /// `--offline-package`, as given.
    pub given: Option<String>,
    pub search: Search,
    pub found: Vec<Found>,
    /// Zips or folders that could not be read as packages, and why.
    pub damaged: Vec<(String, Location, String)>,
    /// The cache folder as shown.
    pub cache: String,
    pub cache_state: Cache,
}

impl CheckKind for Params {
    fn validate(&self) -> Result<(), String> {
        validate_places(&self.search_facts, &self.folders)?;
        valid_path("cache", &self.cache)?;
        if self.packages.is_empty() {
            return Err("packages: name at least one product package id".into());
        }
        Ok(())
    }

    fn run(&self, ctx: &Context<'_>, inputs: &mut Inputs<'_>) -> Vec<Outcome> {
        let mut ev = Evidence {
            cache: inputs
                .parse(&self.cache)
                .map_or(self.cache.clone(), |p| p.to_string()),
            ..Evidence::default()
        };
        let mut read = Vec::new();
        let mut consider = |ev: &mut Evidence, file: String, place: crate::server::Resolved| {
            match inputs.offline_package(&place) {
                Offline::Package(p) => read.push((file, p)),
                Offline::NotPackage if ev.given.is_some() => ev.damaged.push((
                    file,
                    place.location(),
                    format!("holds no {FOLDER} folder of .nupkg files, so it is not the Privilege Manager offline upgrade package"),
                )),
                Offline::NotPackage => {}
                Offline::Damaged(d) => ev.damaged.push((
                    file,
                    place.location(),
                    format!("is not a readable zip archive ({d})"),
                )),
                Offline::Unreadable(e) => {
                    ev.damaged.push((file, place.location(), e.to_string()))
                }
            }
        };
        if let Some(host) = ctx.offline_package {
            let shown = host.display().to_string();
            ev.given = Some(shown.clone());
            match inputs.given(host) {
                Ok(place) => consider(&mut ev, shown, place),
                Err(e) => {
                    ev.damaged
                        .push((shown.clone(), Location::unresolved(&shown), e.to_string()))
                }
            }
        } else {
            let wanted = |name: &str, kind: Kind| {
                kind == Kind::Dir
                    || (kind == Kind::File && strip_suffix_ignore_case(name, ".zip").is_some())
            };
            let (s, found) = search(
                inputs,
                places(ctx, &self.search_facts, &self.folders),
                wanted,
            );
            ev.search = s;
            for (file, place) in found {
                consider(&mut ev, file, place);
            }
        }
        if !read.is_empty() {
            let packages: Vec<&Package> = read.iter().map(|(_, p)| &**p).collect();
            match inputs.offline_in_cache(&packages, &self.cache) {
                Loaded::Found(compared) => {
                    for ((file, p), in_cache) in read.iter().zip(compared) {
                        ev.found.push(Found {
                            file: file.clone(),
                            location: p.place.location(),
                            form: p.form,
                            packages: p.packages().map(|(n, l)| (n.to_string(), l)).collect(),
                            in_cache,
                        });
                    }
                }
                Loaded::Missing { missing, .. } => ev.cache_state = Cache::Missing(missing),
                Loaded::Failed { error, .. } => ev.cache_state = Cache::Failed(error),
            }
            if !matches!(ev.cache_state, Cache::Read) {
                for (file, p) in &read {
                    ev.found.push(Found {
                        file: file.clone(),
                        location: p.place.location(),
                        form: p.form,
                        packages: p.packages().map(|(n, l)| (n.to_string(), l)).collect(),
                        in_cache: InCache::default(),
                    });
                }
            }
        }
        vec![judge(self, &ev, ctx.target())]
    }
}

/// The highest version of the product packages among the offline package's
/// (by file name, `<id>.<version>.nupkg`).
fn highest(p: &Params, packages: &[(String, u64)]) -> Option<(String, NuGetVersion)> {
    packages
        .iter()
        .filter_map(|(rel, _)| identity_from_name(rel.rsplit('/').next().unwrap_or(rel)))
        .filter(|(id, _)| p.packages.iter().any(|w| w.eq_ignore_ascii_case(id)))
        .max_by(|a, b| a.1.cmp(&b.1))
}

/// Whether the package's version is the target: `Ok` with the verdict's
/// wording, `Err` with why it is not (or cannot be told).
fn version(p: &Params, f: &Found, target: Option<&Version>) -> (Status, String) {
    let Some((id, v)) = highest(p, &f.packages) else {
        return (
            Status::Fail,
            format!(
                "it holds no {} package, so it is not the Privilege Manager offline upgrade package",
                p.packages.join(" or ")
            ),
        );
    };
    let Some(target) = target else {
        return (
            Status::NotEvaluated,
            format!(
                "its {id} is {v}, but whether that is the target cannot be told: add {TARGET} to facts.json or pass --target pm=VERSION"
            ),
        );
    };
    match v.cmp(&target.0) {
        std::cmp::Ordering::Equal => (Status::Pass, format!("its {id} is the target {target}")),
        std::cmp::Ordering::Less => (
            Status::Fail,
            format!(
                "its {id} is {v}, below the target {target}: it is an older release's package; download the target's offline upgrade package"
            ),
        ),
        std::cmp::Ordering::Greater => (
            Status::Fail,
            format!(
                "its {id} is {v}, above the target {target}: TMS would offer {v}, not the planned version; use the target's package or correct {TARGET}"
            ),
        ),
    }
}

/// "a (1 bytes), b (2 bytes) and 3 more".
fn listed<T>(items: &[T], show: impl Fn(&T) -> String) -> String {
    let mut out: Vec<String> = items.iter().take(SHOWN).map(show).collect();
    if items.len() > SHOWN {
        out.push(format!("and {} more", items.len() - SHOWN));
    }
    out.join(", ")
}

/// What differs between the package and the cache, for messages.
fn differences(f: &Found) -> Vec<String> {
    let c = &f.in_cache;
    let mut parts = Vec::new();
    if !c.missing.is_empty() {
        parts.push(format!(
            "missing from the cache: {}",
            listed(&c.missing, |(n, l)| format!("{n} ({l} bytes)"))
        ));
    }
    if !c.size_differs.is_empty() {
        parts.push(format!(
            "another size in the cache: {}",
            listed(&c.size_differs, |d| format!(
                "{} ({} bytes in the cache, {} in the package)",
                d.rel, d.live, d.copy
            ))
        ));
    }
    if !c.content_differs.is_empty() {
        let how = match f.form {
            Form::Zip => "CRC-32",
            Form::Folder => "bytes",
        };
        parts.push(format!(
            "the same size but other content ({how}) in the cache: {}",
            listed(&c.content_differs, |(n, l)| format!("{n} ({l} bytes)"))
        ));
    }
    parts
}

pub fn judge(p: &Params, ev: &Evidence, target: Option<&Version>) -> Outcome {
    let subject = ev.cache.clone();
    let expected = format!(
        "every .nupkg of the offline package's {FOLDER} folder in {} with the same size and content, at the target version",
        ev.cache
    );
    let damaged: Vec<String> = ev
        .damaged
        .iter()
        .map(|(f, _, why)| format!("{f} {why}"))
        .collect();
    if ev.found.is_empty() {
        let places = match &ev.given {
            Some(g) => format!("{g} (--offline-package)"),
            None => searched_places(
                &ev.search.searched,
                &ev.search.absent,
                &ev.search.unreadable,
            ),
        };
        let hard = !damaged.is_empty()
            || ev
                .search
                .unreadable
                .iter()
                .any(|(_, e)| !e.is_unsupplied_input());
        let mut message = if damaged.is_empty() {
            format!(
                "no Privilege Manager offline upgrade package (a zip or folder holding a {FOLDER} folder of .nupkg files) in the places searched: {places}; upgate cannot tell whether the cache holds its packages: pass --offline-package PATH naming the zip or its extracted folder"
            )
        } else {
            format!("{} (searched {places})", damaged.join("; "))
        };
        for (at, e) in &ev.search.unreadable {
            message.push_str(&format!("; could not search {at}: {e}"));
        }
        let mut o = Outcome::new(
            if hard {
                Status::Error
            } else {
                Status::NotEvaluated
            },
            subject,
            message,
        )
        .observed("no offline package found")
        .expected(expected);
        if let Some((_, at, _)) = ev.damaged.first() {
            o = o.at(at.clone());
        }
        return o;
    }
    match &ev.cache_state {
        Cache::Read => {}
        Cache::Missing(missing) => {
            let f = &ev.found[0];
            return Outcome::new(
                Status::Fail,
                subject,
                format!(
                    "the NugetCache folder {} does not exist ({missing} does not exist), so none of the {} packages of {} was copied there",
                    ev.cache,
                    f.packages.len(),
                    f.file
                ),
            )
            .observed(f.file.clone())
            .expected(expected)
            .at(f.location.clone());
        }
        Cache::Failed(e) => {
            return Outcome::new(
                Status::Error,
                subject,
                format!("could not read the NugetCache folder {}: {e}", ev.cache),
            )
            .expected(expected);
        }
    }
    // The package that passes, else the one closest to being in the cache.
    let verdicts: Vec<(Status, String)> = ev.found.iter().map(|f| version(p, f, target)).collect();
    let chosen = (0..ev.found.len())
        .find(|&i| ev.found[i].in_cache.complete() && verdicts[i].0 == Status::Pass)
        .unwrap_or_else(|| {
            (0..ev.found.len())
                .min_by_key(|&i| ev.found[i].in_cache.distance())
                .unwrap_or(0)
        });
    let f = &ev.found[chosen];
    let (v_status, v_message) = &verdicts[chosen];
    let diffs = differences(f);
    let mut status = if !diffs.is_empty() || *v_status == Status::Fail {
        Status::Fail
    } else if !f.in_cache.problems.is_empty() {
        Status::Error
    } else {
        *v_status
    };
    if status == Status::Pass && !f.in_cache.complete() {
        status = Status::Error;
    }
    let n = f.packages.len();
    let mut message = if diffs.is_empty() && f.in_cache.problems.is_empty() {
        format!(
            "all {n} packages of {}'s {FOLDER} folder are in {} with the same size and content; {v_message}",
            f.file, ev.cache
        )
    } else {
        let mut m = format!(
            "{} of the {n} packages of {}'s {FOLDER} folder are not in {} as the package holds them: {}; {v_message}",
            f.in_cache.distance(),
            f.file,
            ev.cache,
            diffs.join("; ")
        );
        if !f.in_cache.problems.is_empty() {
            m.push_str(&format!(
                "; could not read {}",
                listed(&f.in_cache.problems, String::clone)
            ));
        }
        m
    };
    if ev.found.len() > 1 {
        let others: Vec<&str> = ev
            .found
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != chosen)
            .map(|(_, o)| o.file.as_str())
            .collect();
        message.push_str(&format!("; also found {}", others.join(", ")));
    }
    if !damaged.is_empty() {
        message.push_str(&format!("; {}", damaged.join("; ")));
    }
    Outcome::new(status, subject, message)
        .observed(f.file.clone())
        .expected(expected)
        .at(f.location.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::backup::SizeDiff;

    fn params() -> Params {
        Params {
            search_facts: vec!["backups.search_dirs".into()],
            folders: vec![r"C:\Users\*\Downloads".into()],
            cache: r"%ProgramData%\NugetCache\".into(),
            packages: vec!["ThycoticTms".into(), "ThycoticTmsCoreProduct".into()],
        }
    }

    const ZIP: &str = r"C:\Users\admin\Downloads\PrivilegeManager_Offline_11.1.1156.zip";

    fn found(in_cache: InCache) -> Found {
        Found {
            file: ZIP.into(),
            location: Location::unresolved(ZIP),
            form: Form::Zip,
            packages: vec![
                ("ThycoticTms.11.1.1156.nupkg".into(), 900),
                ("ThycoticTmsCoreProduct.11.1.1156.nupkg".into(), 800),
                ("ThycoticTmsAgent.11.2.0.nupkg".into(), 700),
            ],
            in_cache,
        }
    }

    fn evidence(found: Vec<Found>) -> Evidence {
        Evidence {
            search: Search {
                searched: vec![r"C:\Backups".into(), r"C:\Users\admin\Downloads".into()],
                ..Search::default()
            },
            found,
            cache: r"C:\ProgramData\NugetCache\".into(),
            ..Evidence::default()
        }
    }

    fn v(s: &str) -> Version {
        Version(s.parse().unwrap())
    }

    #[test]
    fn a_package_in_the_cache_at_the_target_passes() {
        let o = judge(
            &params(),
            &evidence(vec![found(InCache::default())]),
            Some(&v("11.1.1156")),
        );
        assert_eq!(o.status, Status::Pass, "{}", o.message);
        assert_eq!(
            o.message,
            format!(
                r"all 3 packages of {ZIP}'s nugetCache folder are in C:\ProgramData\NugetCache\ with the same size and content; its ThycoticTmsCoreProduct is the target 11.1.1156"
            )
        );
    }

    #[test]
    fn missing_and_differing_packages_fail_with_their_sizes() {
        let c = InCache {
            missing: vec![("ThycoticTmsAgent.11.2.0.nupkg".into(), 700)],
            size_differs: vec![SizeDiff {
                rel: "ThycoticTms.11.1.1156.nupkg".into(),
                live: 0,
                copy: 900,
            }],
            content_differs: vec![("ThycoticTmsCoreProduct.11.1.1156.nupkg".into(), 800)],
            problems: Vec::new(),
        };
        let o = judge(&params(), &evidence(vec![found(c)]), Some(&v("11.1.1156")));
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains("3 of the 3 packages"), "{}", o.message);
        assert!(
            o.message.contains(
                "missing from the cache: ThycoticTmsAgent.11.2.0.nupkg (700 bytes); another size in the cache: ThycoticTms.11.1.1156.nupkg (0 bytes in the cache, 900 in the package); the same size but other content (CRC-32) in the cache: ThycoticTmsCoreProduct.11.1.1156.nupkg (800 bytes)"
            ),
            "{}",
            o.message
        );
    }

    #[test]
    fn the_version_must_be_the_target() {
        let ev = evidence(vec![found(InCache::default())]);
        let o = judge(&params(), &ev, Some(&v("11.2.0")));
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.message.contains("below the target 11.2.0"),
            "{}",
            o.message
        );
        let o = judge(&params(), &ev, Some(&v("11.0.1040")));
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains("above the target"), "{}", o.message);
        let o = judge(&params(), &ev, None);
        assert_eq!(o.status, Status::NotEvaluated);
        assert!(o.message.contains(TARGET), "{}", o.message);
        // Other packages do not give the version.
        let mut f = found(InCache::default());
        f.packages.truncate(0);
        f.packages
            .push(("ThycoticTmsAgent.11.1.1156.nupkg".into(), 1));
        let o = judge(&params(), &evidence(vec![f]), Some(&v("11.1.1156")));
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.message.contains("holds no ThycoticTms or"),
            "{}",
            o.message
        );
    }

    #[test]
    fn what_upgate_cannot_see_never_passes() {
        let o = judge(&params(), &evidence(Vec::new()), Some(&v("11.1.1156")));
        assert_eq!(o.status, Status::NotEvaluated);
        assert!(
            o.message
                .contains(r"searched: C:\Backups, C:\Users\admin\Downloads; ")
                && o.message.contains("--offline-package PATH"),
            "{}",
            o.message
        );
        let mut ev = evidence(Vec::new());
        ev.damaged = vec![(
            ZIP.into(),
            Location::unresolved(ZIP),
            "is not a readable zip archive (invalid)".into(),
        )];
        assert_eq!(judge(&params(), &ev, None).status, Status::Error);
        let mut ev = evidence(vec![found(InCache::default())]);
        ev.cache_state = Cache::Missing(r"C:\ProgramData\NugetCache".into());
        let o = judge(&params(), &ev, Some(&v("11.1.1156")));
        assert_eq!(o.status, Status::Fail);
        let c = InCache {
            problems: vec!["x.nupkg: denied".into()],
            ..InCache::default()
        };
        let o = judge(&params(), &evidence(vec![found(c)]), Some(&v("11.1.1156")));
        assert_eq!(o.status, Status::Error);
    }
}

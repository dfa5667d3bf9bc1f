//! `web_app_clean` (NPS016, seed 002 "Updating the Web Application"): "The
//! document directory on the web server should now be completely emptied. The
//! Web Application is then unzipped and copied to the document directory". So
//! after the update the directory holds the new package's files and nothing
//! else: a file the package lacks is a leftover of the old version, a package
//! file the directory lacks an incomplete copy.
//!
//! The document directory is `web_app_dir`, else the folder IIS serves the Web
//! Application from (as NPS007 and NPS008 find it). The package is the zip
//! `package` names, else the newest zip that looks like the Web Application
//! (`marker` at its top, or below one top folder) beside the directory or in
//! `backups.search_dirs`, their own files only. Only the zip's central
//! directory is read; the tree walk and comparison are the web folder
//! backups' ([`Inputs::against_zip`]). Without a package nothing can be
//! proven: not evaluated, never a pass.

use serde::Deserialize;

use super::file_absent::{IisLookup, served_folder};
use super::{CheckKind, Context, known_fact, unreadable};
use crate::facts::PATH_FACTS;
use crate::inputs::backup::Comparison;
use crate::inputs::{Inputs, Loaded, ZipNames};
use crate::model::{Outcome, Status};
use crate::nuget::package::strip_suffix_ignore_case;
use crate::server::{Kind, Resolved};

/// How many paths a message lists before "…".
const SHOWN: usize = 5;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// The path fact naming the document directory.
    pub dir: String,
    /// The path fact naming the package zip.
    pub package: String,
    /// The file that makes a zip the Web Application: at its top, or below one top folder.
    pub marker: String,
    /// File names, at any depth and in any case, another rule judges (config.bat: NPS007).
    pub ignore: Vec<String>,
    /// Files at the directory's top that the web server writes (IIS Manager's
    /// web.config, an administrator's .htaccess): no leftover when the package
    /// lacks them, and their size not compared when it has them.
    pub server_files: Vec<String>,
}

impl CheckKind for Params {
    fn validate(&self) -> Result<(), String> {
        known_fact(&self.dir, PATH_FACTS)?;
        known_fact(&self.package, PATH_FACTS)?;
        for name in std::iter::once(&self.marker)
            .chain(&self.ignore)
            .chain(&self.server_files)
        {
            if name.is_empty() || name.contains(['\\', '/']) {
                return Err(format!("'{name}' must be a file name"));
            }
        }
        Ok(())
    }

    fn run(&self, ctx: &Context<'_>, inputs: &mut Inputs<'_>) -> Vec<Outcome> {
        let (dir, source) = match self.document_dir(ctx, inputs) {
            Ok(found) => found,
            Err(o) => return vec![*o],
        };
        let package = match self.package(ctx, inputs, &dir) {
            Ok(p) => p,
            Err(o) => return vec![*o],
        };
        match inputs.against_zip(
            &dir,
            &package.file,
            package.top.as_deref(),
            ctx.backups.verify_content,
        ) {
            Ok(c) => judge(
                self,
                &Evidence {
                    dir,
                    source,
                    package,
                    comparison: c,
                },
            ),
            Err(e) => vec![unreadable(&dir.location(), &e)],
        }
    }
}

impl Params {
    /// The document directory and where it came from, or the outcome saying why none.
    fn document_dir(
        &self,
        ctx: &Context<'_>,
        inputs: &mut Inputs<'_>,
    ) -> Result<(Resolved, String), Box<Outcome>> {
        let (raw, source) = match ctx.facts.path(&self.dir) {
            Some(raw) => (raw.to_string(), self.dir.clone()),
            None => match served_folder(
                ctx,
                inputs,
                &format!("its document directory is unknown; set {}", self.dir),
            ) {
                (Some((folder, source)), _) => (folder.to_string(), source.describe()),
                (None, IisLookup::Broken(o)) => return Err(Box::new(o)),
                (None, lookup) => {
                    // `served_folder` says Serves only with a folder.
                    let why = match lookup {
                        IisLookup::Silent(why) => why,
                        _ => "it serves no folder".into(),
                    };
                    return Err(Box::new(Outcome::new(
                        Status::NotEvaluated,
                        self.dir.clone(),
                        format!(
                            "upgate does not know the Web Application's document directory: facts.json has no {} and IIS names none ({why}); add {}",
                            self.dir, self.dir
                        ),
                    )));
                }
            },
        };
        match inputs.folder(&raw) {
            Loaded::Found(d) => Ok((d, source)),
            Loaded::Missing { path, missing } => Err(Box::new(Outcome::new(
                Status::NotEvaluated,
                path.to_string(),
                format!(
                    "the document directory {path} ({source}) is not in the snapshot ({missing} does not exist)"
                ),
            ))),
            Loaded::Failed { location, error } => Err(Box::new(unreadable(&location, &error))),
        }
    }

    /// The package: the fact's zip, else the newest Web Application zip found.
    fn package(
        &self,
        ctx: &Context<'_>,
        inputs: &mut Inputs<'_>,
        dir: &Resolved,
    ) -> Result<Package, Box<Outcome>> {
        if let Some(raw) = ctx.facts.path(&self.package) {
            let file = match inputs.locate(raw) {
                Loaded::Found(f) if f.kind == Kind::File => f,
                Loaded::Found(f) => {
                    return Err(Box::new(Outcome::new(
                        Status::Error,
                        f.server.to_string(),
                        format!("{} names {}, which is not a file", self.package, f.server),
                    )));
                }
                Loaded::Missing { path, missing } => {
                    return Err(Box::new(Outcome::new(
                        Status::NotEvaluated,
                        path.to_string(),
                        format!(
                            "{} names {path}, which is not in the snapshot ({missing} does not exist): copy the zip into it",
                            self.package
                        ),
                    )));
                }
                Loaded::Failed { location, error } => {
                    return Err(Box::new(unreadable(&location, &error)));
                }
            };
            let shown = file.server.to_string();
            return match inputs.zip_names(&file) {
                ZipNames::Listed(names) => match web_app_root(&names, &self.marker) {
                    Some(top) => Ok(Package {
                        file,
                        top,
                        source: self.package.clone(),
                        others: Vec::new(),
                    }),
                    None => Err(Box::new(
                        Outcome::new(
                            Status::Error,
                            shown.clone(),
                            format!(
                                "{shown} ({}) does not look like the Web Application: it has no {} at its top or below one top folder",
                                self.package, self.marker
                            ),
                        )
                        .at(file.location()),
                    )),
                },
                ZipNames::Damaged(d) => Err(Box::new(
                    Outcome::new(Status::Error, shown.clone(), format!("{shown}: {d}"))
                        .at(file.location()),
                )),
                ZipNames::Unreadable(e) => Err(Box::new(unreadable(&file.location(), &e))),
            };
        }
        let mut places = vec![dir.server.parent().to_string()];
        places.extend(ctx.facts.backup_search_dirs());
        let mut search = Search::default();
        let mut seen = std::collections::HashSet::new();
        for place in places {
            let (folder, entries) = match inputs.entries(&place) {
                Loaded::Found(found) => found,
                Loaded::Missing { path, .. } => {
                    search.looked.push(format!("{path} (not in the snapshot)"));
                    continue;
                }
                Loaded::Failed { location, error } => {
                    search
                        .unreadable
                        .push(format!("{}: {error}", location.server_path));
                    continue;
                }
            };
            if !seen.insert(folder.host.clone()) {
                continue;
            }
            search.looked.push(folder.server.to_string());
            for entry in entries {
                if strip_suffix_ignore_case(&entry.name, ".zip").is_none() {
                    continue;
                }
                let shown = folder.server.join(&entry.name).to_string();
                let file = match entry.target {
                    Ok(t) if t.kind == Kind::File => t,
                    Ok(_) => continue,
                    Err(e) if e.is_not_found() => continue,
                    Err(e) => {
                        search.unreadable.push(format!("{shown}: {e}"));
                        continue;
                    }
                };
                match inputs.zip_names(&file) {
                    ZipNames::Listed(names) => {
                        if let Some(top) = web_app_root(&names, &self.marker) {
                            search.found.push((file, top));
                        }
                    }
                    ZipNames::Damaged(d) => search.unreadable.push(format!("{shown}: {d}")),
                    ZipNames::Unreadable(e) => search.unreadable.push(format!("{shown}: {e}")),
                }
            }
        }
        pick(self, search)
    }
}

/// What the search for the package found.
#[derive(Debug, Default)]
pub struct Search {
    /// Folders listed (or why not), in order.
    pub looked: Vec<String>,
    /// Zips that look like the Web Application, with their top folder.
    pub found: Vec<(Resolved, Option<String>)>,
    /// Zips or folders that could not be read: one of them may be the package.
    pub unreadable: Vec<String>,
}

/// The newest zip found; without one, not evaluated (or an error when an
/// unreadable zip may be the package).
pub fn pick(p: &Params, mut s: Search) -> Result<Package, Box<Outcome>> {
    s.found.sort_by(|(a, _), (b, _)| {
        b.modified
            .cmp(&a.modified)
            .then_with(|| a.server.to_string().cmp(&b.server.to_string()))
    });
    let mut found = s.found.into_iter();
    let Some((file, top)) = found.next() else {
        let looked = format!(
            "looked for a zip holding {} (at its top or below one top folder) in {}",
            p.marker,
            s.looked.join(", ")
        );
        if !s.unreadable.is_empty() {
            return Err(Box::new(Outcome::new(
                Status::Error,
                p.package.clone(),
                format!(
                    "upgate {looked}, and could not read {}: one may be the new Web Application",
                    s.unreadable.join("; ")
                ),
            )));
        }
        return Err(Box::new(Outcome::new(
            Status::NotEvaluated,
            p.package.clone(),
            format!(
                "the new Web Application's zip is not in the snapshot: upgate {looked}; without it nothing tells the new version's files from the old one's, so set {} to the zip Server Manager created",
                p.package
            ),
        )));
    };
    Ok(Package {
        file,
        top,
        source: "the newest Web Application zip found".into(),
        others: found.map(|(f, _)| f.server.to_string()).collect(),
    })
}

/// The folder of a zip the Web Application's files are in: `Some(None)` with
/// `marker` at the top, `Some(Some(top))` when every entry is below one top
/// folder holding it; `None` when the zip is not the Web Application.
pub fn web_app_root(names: &[String], marker: &str) -> Option<Option<String>> {
    if names.iter().any(|n| n.eq_ignore_ascii_case(marker)) {
        return Some(None);
    }
    let (top, _) = names.first()?.split_once('/')?;
    let below = |n: &str| {
        n.get(..top.len())
            .is_some_and(|t| t.eq_ignore_ascii_case(top))
            && n.as_bytes().get(top.len()) == Some(&b'/')
    };
    let holds_marker = names
        .iter()
        .any(|n| below(n) && n[top.len() + 1..].eq_ignore_ascii_case(marker));
    (holds_marker && names.iter().all(|n| below(n))).then(|| Some(top.to_string()))
}

/// The package compared against.
#[derive(Debug)]
pub struct Package {
    pub file: Resolved,
    /// Its top folder, stripped from entry names.
    pub top: Option<String>,
    /// Why this zip: the fact, or found.
    pub source: String,
    /// Other Web Application zips found, older.
    pub others: Vec<String>,
}

#[derive(Debug)]
pub struct Evidence {
    pub dir: Resolved,
    /// Where the directory came from.
    pub source: String,
    pub package: Package,
    pub comparison: Comparison,
}

impl Params {
    fn ignored(&self, rel: &str) -> bool {
        let name = rel.rsplit('/').next().unwrap_or(rel);
        self.ignore.iter().any(|i| i.eq_ignore_ascii_case(name))
    }

    fn server_file(&self, rel: &str) -> bool {
        self.server_files
            .iter()
            .any(|f| f.eq_ignore_ascii_case(rel))
    }
}

/// "a, b, c", at most [`SHOWN`] named and the rest counted, separated as the
/// server separates paths.
fn listed(paths: &[String], windows: bool) -> String {
    let mut s = paths
        .iter()
        .take(SHOWN)
        .map(|p| {
            if windows {
                p.replace('/', "\\")
            } else {
                p.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    if paths.len() > SHOWN {
        s.push_str(&format!(", … ({} more)", paths.len() - SHOWN));
    }
    s
}

pub fn judge(p: &Params, e: &Evidence) -> Vec<Outcome> {
    let dir = e.dir.server.to_string();
    let zip = e.package.file.server.to_string();
    let c = &e.comparison;
    let at = || e.dir.location();
    let windows = e.dir.server.is_windows();
    if let Some(why) = &c.unreadable {
        return vec![
            Outcome::new(Status::Error, zip.clone(), format!("{zip}: {why}"))
                .at(e.package.file.location()),
        ];
    }
    let mut out = Vec::new();
    if !c.problems.is_empty() {
        out.push(
            Outcome::new(
                Status::Error,
                dir.clone(),
                format!(
                    "{} entries of {dir} could not be read, so it cannot be proven to hold only the new Web Application: {}",
                    c.problems.len(),
                    c.problems.iter().take(SHOWN).cloned().collect::<Vec<_>>().join("; ")
                ),
            )
            .at(at()),
        );
    }
    let leftovers: Vec<String> = c
        .missing
        .iter()
        .filter(|r| !p.ignored(r) && !p.server_file(r))
        .cloned()
        .collect();
    if !leftovers.is_empty() {
        out.push(
            Outcome::new(
                Status::Fail,
                dir.clone(),
                format!(
                    "{dir} holds {} file(s) that the new Web Application's package {zip} does not contain, left from the old version: {} (the document directory is to be emptied before the new version is copied in)",
                    leftovers.len(),
                    listed(&leftovers, windows)
                ),
            )
            .at(at())
            .observed(format!("{} leftover file(s)", leftovers.len()))
            .expected("only the package's files"),
        );
    }
    let absent: Vec<String> = c.extra.iter().filter(|r| !p.ignored(r)).cloned().collect();
    if !absent.is_empty() {
        out.push(
            Outcome::new(
                Status::Fail,
                dir.clone(),
                format!(
                    "{dir} lacks {} file(s) of the package {zip}, so the new Web Application was not copied in whole: {}",
                    absent.len(),
                    listed(&absent, windows)
                ),
            )
            .at(at())
            .observed(format!("{} file(s) missing", absent.len()))
            .expected("every file of the package"),
        );
    }
    let mut differ: Vec<String> = c
        .size_differs
        .iter()
        .filter(|d| !p.ignored(&d.rel) && !p.server_file(&d.rel))
        .map(|d| format!("{} ({} bytes, the package's {})", d.rel, d.live, d.copy))
        .collect();
    differ.extend(
        c.content_differs
            .iter()
            .filter(|r| !p.ignored(r) && !p.server_file(r))
            .map(|r| format!("{r} (same size, another CRC-32)")),
    );
    if !differ.is_empty() {
        out.push(
            Outcome::new(
                Status::Fail,
                dir.clone(),
                format!(
                    "{dir} holds {} file(s) that differ from the package {zip}, so they are not the new version's: {}",
                    differ.len(),
                    listed(&differ, windows)
                ),
            )
            .at(at())
            .observed(format!("{} file(s) differ", differ.len()))
            .expected("the package's files"),
        );
    }
    if let Some(rel) = &c.content_unavailable {
        out.push(
            Outcome::new(
                Status::NotEvaluated,
                dir.clone(),
                format!(
                    "--verify-content: the snapshot records {rel} in {dir} (and maybe more) by size and time only, so its content cannot be compared with {zip}; collect it with `upgate collect --hash`"
                ),
            )
            .at(at()),
        );
    }
    if !out.is_empty() {
        return out;
    }
    let compared = if c.content_checked {
        "sizes and CRC-32"
    } else {
        "sizes; --verify-content compares CRC-32 too"
    };
    let mut message = format!(
        "{dir} ({}) holds the {} file(s) of {zip} ({}) and nothing else ({compared}; {} not counted)",
        e.source,
        c.live_files - c.missing.len(),
        e.package.source,
        p.ignore
            .iter()
            .chain(&p.server_files)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ")
    );
    if !e.package.others.is_empty() {
        message.push_str(&format!(
            "; older Web Application zips set aside: {}",
            e.package.others.join(", ")
        ));
    }
    vec![
        Outcome::new(Status::Pass, dir, message)
            .at(at())
            .expected("only the package's files"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::backup::SizeDiff;
    use crate::rules::checks::testing::{at, dir, file, resolved};

    const DIR: &str = r"C:\inetpub\wwwroot\Web Application";
    const ZIP: &str = r"C:\inetpub\wwwroot\WebApplication_26.4.10.zip";

    fn params() -> Params {
        Params {
            dir: "password_secure.web_app_dir".into(),
            package: "password_secure.web_app_package".into(),
            marker: "index.html".into(),
            ignore: vec!["config.bat".into()],
            server_files: vec!["web.config".into(), ".htaccess".into()],
        }
    }

    fn evidence(c: Comparison) -> Evidence {
        Evidence {
            dir: dir(DIR),
            source: "password_secure.web_app_dir".into(),
            package: Package {
                file: file(ZIP, 1000),
                top: None,
                source: "password_secure.web_app_package".into(),
                others: Vec::new(),
            },
            comparison: c,
        }
    }

    fn names(n: &[&str]) -> Vec<String> {
        n.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_web_app_is_recognized_at_the_top_or_below_one_folder() {
        let top = names(&["index.html", "assets/main.js"]);
        assert_eq!(web_app_root(&top, "index.html"), Some(None));
        let below = names(&["WebApplication/assets/a.js", "WebApplication/INDEX.HTML"]);
        assert_eq!(
            web_app_root(&below, "index.html"),
            Some(Some("WebApplication".into()))
        );
        // Two top folders, or no marker: not the Web Application.
        let two = names(&["a/index.html", "b/x.js"]);
        assert_eq!(web_app_root(&two, "index.html"), None);
        assert_eq!(web_app_root(&names(&["ss_update.zip"]), "index.html"), None);
        assert_eq!(web_app_root(&[], "index.html"), None);
        // Deeper than one folder is not the package's layout.
        let deep = names(&["a/b/index.html"]);
        assert_eq!(web_app_root(&deep, "index.html"), None);
    }

    #[test]
    fn only_the_package_s_files_pass_config_bat_and_web_config_aside() {
        let c = Comparison {
            live_files: 5,
            missing: names(&["config.bat", "web.config"]),
            extra: names(&["sub/config.bat"]),
            ..Comparison::default()
        };
        let out = judge(&params(), &evidence(c));
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].status, Status::Pass);
        assert_eq!(
            out[0].message,
            r"C:\inetpub\wwwroot\Web Application (password_secure.web_app_dir) holds the 3 file(s) of C:\inetpub\wwwroot\WebApplication_26.4.10.zip (password_secure.web_app_package) and nothing else (sizes; --verify-content compares CRC-32 too; config.bat, web.config, .htaccess not counted)"
        );
    }

    #[test]
    fn leftovers_fail_naming_the_first_and_counting_all() {
        let c = Comparison {
            live_files: 10,
            missing: names(&[
                "a.js",
                "b.js",
                "c.js",
                "d.js",
                "e.js",
                "old/f.js",
                "x/config.bat",
            ]),
            ..Comparison::default()
        };
        let out = judge(&params(), &evidence(c));
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].status, Status::Fail);
        assert!(
            out[0].message.starts_with(
                r"C:\inetpub\wwwroot\Web Application holds 6 file(s) that the new Web Application's package C:\inetpub\wwwroot\WebApplication_26.4.10.zip does not contain, left from the old version: a.js, b.js, c.js, d.js, e.js, … (1 more) ("
            ),
            "{}",
            out[0].message
        );
        assert_eq!(out[0].observed.as_deref(), Some("6 leftover file(s)"));
    }

    #[test]
    fn an_incomplete_copy_and_other_sizes_fail_each() {
        let c = Comparison {
            live_files: 3,
            extra: names(&["assets/new.js"]),
            size_differs: vec![
                SizeDiff {
                    rel: "main.js".into(),
                    live: 10,
                    copy: 12,
                },
                SizeDiff {
                    rel: "web.config".into(),
                    live: 1,
                    copy: 2,
                },
            ],
            content_differs: names(&["index.html"]),
            content_checked: true,
            ..Comparison::default()
        };
        let out = judge(&params(), &evidence(c));
        assert_eq!(out.len(), 2);
        assert!(out.iter().all(|o| o.status == Status::Fail));
        assert!(
            out[0]
                .message
                .ends_with(r"not copied in whole: assets\new.js")
        );
        assert!(out[1].message.contains(
            "2 file(s) that differ from the package C:\\inetpub\\wwwroot\\WebApplication_26.4.10.zip, so they are not the new version's: main.js (10 bytes, the package's 12), index.html (same size, another CRC-32)"
        ));
    }

    #[test]
    fn an_unreadable_package_or_tree_is_an_error() {
        let c = Comparison {
            unreadable: Some("not a zip".into()),
            ..Comparison::default()
        };
        let out = judge(&params(), &evidence(c));
        assert_eq!((out.len(), out[0].status), (1, Status::Error));
        assert_eq!(out[0].subject, ZIP);
        let c = Comparison {
            problems: names(&["locked: denied"]),
            ..Comparison::default()
        };
        assert_eq!(judge(&params(), &evidence(c))[0].status, Status::Error);
    }

    #[test]
    fn without_a_package_it_is_not_evaluated_and_says_where_it_looked() {
        let s = Search {
            looked: names(&[r"C:\inetpub\wwwroot", r"C:\Backups (not in the snapshot)"]),
            ..Search::default()
        };
        let o = pick(&params(), s).unwrap_err();
        assert_eq!(o.status, Status::NotEvaluated);
        assert!(
            o.message
                .contains(r"in C:\inetpub\wwwroot, C:\Backups (not in the snapshot); without it")
        );
        assert!(
            o.message.ends_with(
                "so set password_secure.web_app_package to the zip Server Manager created"
            )
        );
        let s = Search {
            unreadable: names(&[r"C:\Backups\x.zip: truncated"]),
            ..Search::default()
        };
        assert_eq!(pick(&params(), s).unwrap_err().status, Status::Error);
    }

    #[test]
    fn the_newest_zip_found_is_the_package() {
        let zip = |raw: &str, t: &str| resolved(raw, Kind::File, 1, Some(t));
        let s = Search {
            found: vec![
                (zip(r"C:\Backups\old.zip", "2026-01-01T00:00:00Z"), None),
                (
                    zip(ZIP, "2026-11-21T00:00:00Z"),
                    Some("WebApplication".into()),
                ),
            ],
            ..Search::default()
        };
        let p = pick(&params(), s).unwrap();
        assert_eq!(p.file.server.to_string(), ZIP);
        assert_eq!(p.file.modified, Some(at("2026-11-21T00:00:00Z")));
        assert_eq!(p.top.as_deref(), Some("WebApplication"));
        assert_eq!(p.others, [r"C:\Backups\old.zip"]);
    }
}

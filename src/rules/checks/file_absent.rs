//! `file_absent` (NPS007, seed 002 "Updating the Web Application"): on IIS a
//! new `config.bat` is generated in the Web Application directory; it must not
//! be run for an update and must be deleted afterwards. The vendor's IIS page
//! says the Web Application's zip is copied to the web server's directory and
//! "unzipped there to create a new directory" holding config.bat, so it may sit
//! a folder or two below the directory an administrator names.
//!
//! Looks, to `depth` levels each, in every folder the Web Application can be
//! in: the directory a path fact names (`web_app_dir`), the folder of the IIS
//! site or application that serves the Web Application (found in
//! applicationHost.config as NPS008 finds it), and, when neither says, a
//! fallback folder (config.bat's standard directory). One result per file
//! found, any case of the name.

use serde::Deserialize;

use super::web_app::{elsewhere, hosting, web_app_site};
use super::{CheckKind, Context, known_fact, unreadable, valid_path};
use crate::facts::{PATH_FACTS, WebServer};
use crate::iis;
use crate::inputs::web_server::APPLICATION_HOST;
use crate::inputs::{Inputs, Loaded, Named};
use crate::model::{Outcome, Status};
use crate::server::{Resolved, ServerPath};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// The file name, matched case-insensitively.
    pub name: String,
    /// A path fact naming the folder to look in.
    pub dir: String,
    /// Searched when neither the fact nor IIS names a folder.
    pub fallback: String,
    /// How deep under each folder: 1 is its own files.
    pub depth: usize,
}

impl CheckKind for Params {
    fn validate(&self) -> Result<(), String> {
        known_fact(&self.dir, PATH_FACTS)?;
        valid_path("fallback", &self.fallback)?;
        if self.name.is_empty() || self.name.contains(['\\', '/']) {
            return Err(format!("`name` must be a file name, not '{}'", self.name));
        }
        if !(1..=8).contains(&self.depth) {
            return Err("`depth` must be between 1 and 8".into());
        }
        Ok(())
    }

    fn run(&self, ctx: &Context<'_>, inputs: &mut Inputs<'_>) -> Vec<Outcome> {
        if let Some(o) = elsewhere(&hosting(ctx, inputs), WebServer::Iis, ctx.rule) {
            return vec![o];
        }
        let mut roots: Vec<Root> = Vec::new();
        if let Some(raw) = ctx.facts.path(&self.dir) {
            roots.push(Root {
                dir: inputs.folder(raw),
                source: Source::Fact(self.dir.clone()),
                also: None,
            });
        }
        let (served, iis) = served_folder(ctx, inputs, "a config.bat there would go unseen");
        if let Some((folder, source)) = served {
            let same = roots.iter_mut().find(|r| match &r.dir {
                Loaded::Found(d) => d.server.same_as(&folder),
                Loaded::Missing { path, .. } => path.same_as(&folder),
                Loaded::Failed { .. } => false,
            });
            match same {
                Some(root) => root.also = Some(source),
                None => roots.push(Root {
                    dir: inputs.folder(&folder.to_string()),
                    source,
                    also: None,
                }),
            }
        }
        if roots.is_empty() {
            roots.push(Root {
                dir: inputs.folder(&self.fallback),
                source: Source::Fallback,
                also: None,
            });
        }
        let mut named = Named::default();
        for root in &roots {
            if let Loaded::Found(d) = &root.dir {
                let found = inputs.find_named(d, &self.name, self.depth);
                merge(&mut named, found);
            }
        }
        judge(
            self,
            &Search {
                roots,
                iis,
                depth: self.depth,
                named,
            },
        )
    }
}

/// The folder applicationHost.config serves the Web Application from (the
/// root folder of its site or application) and how upgate knows; else why it
/// names none. `unseen` says, for a malformed file, what the rule then misses.
pub(super) fn served_folder(
    ctx: &Context<'_>,
    inputs: &mut Inputs<'_>,
    unseen: &str,
) -> (Option<(ServerPath, Source)>, IisLookup) {
    let host = inputs.xml(APPLICATION_HOST);
    let file = match &*host {
        Loaded::Found(f) => f,
        Loaded::Missing { path, .. } => {
            return (
                None,
                IisLookup::Silent(format!("the snapshot has no {path}")),
            );
        }
        Loaded::Failed { location, error } => {
            return (None, IisLookup::Broken(unreadable(location, error)));
        }
    };
    let root = match &file.parsed {
        Ok(doc) => &doc.root,
        Err(e) => {
            let o = Outcome::new(
                Status::Error,
                file.file.server.to_string(),
                format!(
                    "{} is not well-formed XML ({e}): upgate cannot tell which folder IIS serves the Web Application from, so {unseen}",
                    file.file.server
                ),
            );
            let o = match e.pos {
                Some(pos) => o.at(file.at(pos)),
                None => o.at(file.file.location()),
            };
            return (None, IisLookup::Broken(o));
        }
    };
    let env = inputs.env();
    let physical = |raw: &str| ServerPath::parse(raw, env).ok();
    let sites = iis::sites(root);
    let hosted = match web_app_site(ctx, &sites, &physical) {
        Ok(h) => h,
        Err(why) => return (None, IisLookup::Silent(why)),
    };
    let Some(def) = sites.iter().find(|s| s.name == hosted.site) else {
        return (
            None,
            IisLookup::Silent(format!("site \"{}\" is not defined", hosted.site)),
        );
    };
    let application = if hosted.application.is_empty() {
        String::new()
    } else {
        format!(" application /{}", hosted.application.join("/"))
    };
    let what = format!(
        "site \"{}\"{application}, applicationHost.config line {}",
        hosted.site, hosted.site_pos.line
    );
    match iis::folder_of(def, &hosted.application, &physical) {
        Some(folder) => (Some((folder, Source::Iis(what))), IisLookup::Serves),
        None => (
            None,
            IisLookup::Silent(format!(
                "the physicalPath of {what} in {} is not a server path",
                file.file.server
            )),
        ),
    }
}

/// Adds `more` to `into`, each path once (case-insensitively on Windows):
/// folders searched from two starting points overlap.
fn merge(into: &mut Named, more: Named) {
    for f in more.found {
        if !into.found.iter().any(|g| g.server.same_as(&f.server)) {
            into.found.push(f);
        }
    }
    for (at, e) in more.unreadable {
        if !into
            .unreadable
            .iter()
            .any(|(b, _)| crate::path::fold(&b.server_path) == crate::path::fold(&at.server_path))
        {
            into.unreadable.push((at, e));
        }
    }
}

/// Why a folder is searched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The path fact names it.
    Fact(String),
    /// applicationHost.config serves the Web Application from it: the site or application, and its line.
    Iis(String),
    /// Neither says where the Web Application is: config.bat's standard directory.
    Fallback,
}

impl Source {
    pub(super) fn describe(&self) -> String {
        match self {
            Source::Fact(fact) => fact.clone(),
            Source::Iis(what) => format!("served by IIS as {what}"),
            Source::Fallback => "config.bat's standard directory".into(),
        }
    }
}

/// A folder the rule searches.
#[derive(Debug)]
pub struct Root {
    pub dir: Loaded<Resolved>,
    pub source: Source,
    /// A second source naming the same folder (IIS agreeing with the fact).
    pub also: Option<Source>,
}

impl Root {
    fn describe(&self) -> String {
        match &self.also {
            Some(also) => format!("{}; {}", self.source.describe(), also.describe()),
            None => self.source.describe(),
        }
    }
}

/// What applicationHost.config said about the Web Application's folder.
#[derive(Debug)]
pub enum IisLookup {
    /// A site or application serves it: its folder is one of the roots.
    Serves,
    /// It names no folder for it, and why.
    Silent(String),
    /// It could not be read or parsed: the search is incomplete.
    Broken(Outcome),
}

/// Where the rule looked and what it found.
#[derive(Debug)]
pub struct Search {
    /// The fact's folder, IIS's, else the fallback; in that order.
    pub roots: Vec<Root>,
    pub iis: IisLookup,
    /// How deep below each root it looked.
    pub depth: usize,
    /// Every file found, once, and what could not be read.
    pub named: Named,
}

pub fn judge(p: &Params, s: &Search) -> Vec<Outcome> {
    let mut outcomes: Vec<Outcome> = Vec::new();
    for root in &s.roots {
        match &root.dir {
            Loaded::Found(_) => {}
            Loaded::Missing { path, missing } => {
                let why = match &root.source {
                    Source::Fact(fact) => format!(
                        "{fact} names {path}, which is not in the snapshot ({missing} does not exist); correct it"
                    ),
                    Source::Iis(what) => format!(
                        "IIS serves the Web Application from {path} ({what}), which is not in the snapshot ({missing} does not exist); copy that folder into the snapshot"
                    ),
                    Source::Fallback => format!(
                        "facts.json has no {} and {path} is not in the snapshot ({missing} does not exist); add {}",
                        p.dir, p.dir
                    ),
                };
                outcomes.push(Outcome::new(Status::NotEvaluated, path.to_string(), why));
            }
            Loaded::Failed { location, error } => outcomes.push(unreadable(location, error)),
        }
    }
    if let IisLookup::Broken(o) = &s.iis {
        outcomes.push(o.clone());
    }
    outcomes.extend(s.named.found.iter().map(|f| {
        Outcome::new(
            Status::Fail,
            f.server.to_string(),
            format!(
                "{} is still there: it must not be run for an update (it would set the Web Application up anew) and must be deleted after a successful update",
                f.server
            ),
        )
        .at(f.location())
        .observed("present")
        .expected("deleted")
    }));
    outcomes.extend(
        s.named
            .unreadable
            .iter()
            .map(|(location, error)| unreadable(location, error)),
    );
    if !outcomes.is_empty() {
        return outcomes;
    }
    let searched: Vec<(&Resolved, &Root)> = s
        .roots
        .iter()
        .filter_map(|r| match &r.dir {
            Loaded::Found(d) => Some((d, r)),
            _ => None,
        })
        .collect();
    let Some((first, _)) = searched.first() else {
        return outcomes;
    };
    let below = if s.depth == 1 {
        String::new()
    } else {
        format!(" and {} level(s) of folders below it", s.depth - 1)
    };
    let scope: Vec<String> = searched
        .iter()
        .map(|(d, root)| format!("{}{below} ({})", d.server, root.describe()))
        .collect();
    let mut message = format!("no {} in {}", p.name, scope.join(", nor in "));
    if let IisLookup::Silent(why) = &s.iis {
        message.push_str(&format!(
            "; applicationHost.config names no folder for the Web Application ({why})"
        ));
    }
    vec![
        Outcome::new(Status::Pass, first.server.to_string(), message)
            .at(first.location())
            .expected(format!("no {}", p.name)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Location;
    use crate::rules::checks::testing::{dir, file, path};
    use crate::server::FsError;

    const WWWROOT: &str = r"C:\inetpub\wwwroot";
    const WEB_APP: &str = r"C:\inetpub\wwwroot\Web Application";
    const SITE: &str = r#"site "Web Application", applicationHost.config line 160"#;

    fn params() -> Params {
        Params {
            name: "config.bat".into(),
            dir: "password_secure.web_app_dir".into(),
            fallback: WWWROOT.into(),
            depth: 3,
        }
    }

    fn root(raw: &str, source: Source) -> Root {
        Root {
            dir: Loaded::Found(dir(raw)),
            source,
            also: None,
        }
    }

    fn fact() -> Source {
        Source::Fact("password_secure.web_app_dir".into())
    }

    fn search(roots: Vec<Root>, found: &[&str], unreadable: Vec<(Location, FsError)>) -> Search {
        Search {
            roots,
            iis: IisLookup::Serves,
            depth: 3,
            named: Named {
                found: found.iter().map(|f| file(f, 10)).collect(),
                unreadable,
            },
        }
    }

    #[test]
    fn every_config_bat_found_is_a_failure_with_its_path() {
        let a = r"C:\inetpub\wwwroot\Web Application\config.bat";
        let b = r"C:\inetpub\wwwroot\old\x\CONFIG.BAT";
        let out = judge(
            &params(),
            &search(vec![root(WWWROOT, Source::Fallback)], &[a, b], Vec::new()),
        );
        assert_eq!(out.len(), 2);
        assert!(out.iter().all(|o| o.status == Status::Fail));
        assert_eq!(out[0].subject, a);
        assert_eq!(out[1].subject, b);
        assert!(out[0].message.contains("it must not be run for an update"));
        assert_eq!(
            (out[0].observed.as_deref(), out[0].expected.as_deref()),
            (Some("present"), Some("deleted"))
        );
    }

    #[test]
    fn one_folder_below_web_app_dir_is_found() {
        // The zip unzipped in the document directory makes a new folder holding config.bat.
        let below = r"C:\inetpub\wwwroot\Web Application\WebApplication\config.bat";
        let out = judge(
            &params(),
            &search(vec![root(WEB_APP, fact())], &[below], Vec::new()),
        );
        assert_eq!(out.len(), 1);
        assert_eq!(
            (out[0].status, out[0].subject.as_str()),
            (Status::Fail, below)
        );
    }

    #[test]
    fn none_found_passes_naming_every_folder_searched_and_why() {
        let served = r"D:\PSR\WebApp";
        let out = judge(
            &params(),
            &search(
                vec![
                    root(WEB_APP, fact()),
                    root(served, Source::Iis(SITE.into())),
                ],
                &[],
                Vec::new(),
            ),
        );
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].status, Status::Pass);
        assert_eq!(out[0].subject, WEB_APP);
        assert_eq!(
            out[0].message,
            r#"no config.bat in C:\inetpub\wwwroot\Web Application and 2 level(s) of folders below it (password_secure.web_app_dir), nor in D:\PSR\WebApp and 2 level(s) of folders below it (served by IIS as site "Web Application", applicationHost.config line 160)"#
        );
        let p = Params {
            name: "setup.cmd".into(),
            depth: 1,
            ..params()
        };
        let mut s = search(vec![root(WWWROOT, Source::Fallback)], &[], Vec::new());
        s.depth = 1;
        s.iis = IisLookup::Silent("the snapshot has no applicationHost.config".into());
        let out = judge(&p, &s);
        assert_eq!(
            out[0].message,
            r"no setup.cmd in C:\inetpub\wwwroot (config.bat's standard directory); applicationHost.config names no folder for the Web Application (the snapshot has no applicationHost.config)"
        );
        assert_eq!(out[0].expected.as_deref(), Some("no setup.cmd"));
        // The fact and IIS naming one folder: searched once, both said.
        let mut both = root(WEB_APP, fact());
        both.also = Some(Source::Iis(SITE.into()));
        let out = judge(&params(), &search(vec![both], &[], Vec::new()));
        assert!(
            out[0].message.ends_with(
                r#"below it (password_secure.web_app_dir; served by IIS as site "Web Application", applicationHost.config line 160)"#
            ),
            "{}",
            out[0].message
        );
    }

    #[test]
    fn a_folder_that_could_not_be_read_is_no_pass() {
        let at = Location::unresolved(r"C:\inetpub\wwwroot\locked");
        let io = FsError::Io {
            path: r"C:\inetpub\wwwroot\locked".into(),
            message: "denied".into(),
        };
        let out = judge(
            &params(),
            &search(vec![root(WWWROOT, Source::Fallback)], &[], vec![(at, io)]),
        );
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].status, Status::Error);
        assert_eq!(out[0].subject, r"C:\inetpub\wwwroot\locked");
    }

    #[test]
    fn a_broken_application_host_is_no_pass() {
        let mut s = search(vec![root(WEB_APP, fact())], &[], Vec::new());
        s.iis = IisLookup::Broken(Outcome::new(
            Status::Error,
            APPLICATION_HOST,
            "not well-formed",
        ));
        let out = judge(&params(), &s);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].status, Status::Error);
    }

    #[test]
    fn a_missing_folder_is_not_evaluated_and_says_what_to_fix() {
        let missing = |source| Root {
            dir: Loaded::Missing {
                path: path(r"C:\inetpub\wwwroot\WebApp"),
                missing: "WebApp".into(),
            },
            source,
            also: None,
        };
        let judged = |source| judge(&params(), &search(vec![missing(source)], &[], Vec::new()));
        let out = judged(fact());
        assert_eq!(out[0].status, Status::NotEvaluated);
        assert!(
            out[0]
                .message
                .ends_with("(WebApp does not exist); correct it")
        );
        assert!(
            out[0]
                .message
                .starts_with("password_secure.web_app_dir names")
        );
        let out = judged(Source::Fallback);
        assert!(
            out[0]
                .message
                .starts_with("facts.json has no password_secure.web_app_dir")
        );
        assert!(
            out[0]
                .message
                .ends_with("; add password_secure.web_app_dir")
        );
        let out = judged(Source::Iis(SITE.into()));
        assert_eq!(out[0].status, Status::NotEvaluated);
        assert!(
            out[0].message.starts_with(
                r#"IIS serves the Web Application from C:\inetpub\wwwroot\WebApp (site "Web Application", applicationHost.config line 160), which"#
            ),
            "{}",
            out[0].message
        );
        // A searched folder does not hide a missing one.
        let out = judge(
            &params(),
            &search(
                vec![root(WEB_APP, fact()), missing(Source::Iis(SITE.into()))],
                &[],
                Vec::new(),
            ),
        );
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].status, Status::NotEvaluated);
    }

    #[test]
    fn overlapping_searches_report_each_file_once() {
        let mut into = Named {
            found: vec![file(r"C:\inetpub\wwwroot\Web Application\config.bat", 1)],
            unreadable: Vec::new(),
        };
        merge(
            &mut into,
            Named {
                found: vec![
                    file(r"C:\INETPUB\wwwroot\web application\CONFIG.BAT", 1),
                    file(r"C:\inetpub\wwwroot\Other\config.bat", 1),
                ],
                unreadable: Vec::new(),
            },
        );
        let paths: Vec<String> = into.found.iter().map(|f| f.server.to_string()).collect();
        assert_eq!(
            paths,
            [
                r"C:\inetpub\wwwroot\Web Application\config.bat",
                r"C:\inetpub\wwwroot\Other\config.bat"
            ]
        );
    }
}

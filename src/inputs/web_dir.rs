//! Where the Secret Server and TMS web applications live. Rules name these
//! folders by placeholder (`{tms}\web.config`, `{secret_server}`); each scan
//! resolves them once, in this order:
//!
//! 1. the path fact (`privilege_manager.web_dir`, `secret_server.web_dir`):
//!    the administrator's word wins over anything upgate infers;
//! 2. IIS's applicationHost.config: the application whose URL path ends with
//!    the vendor's name (`/TMS`, `/SecretServer/TMS`; `/SecretServer`), its
//!    root virtual directory's `physicalPath`, `%SystemDrive%` expanded;
//! 3. the first of the vendor's default locations that exists
//!    (`C:\inetpub\wwwroot\TMS`, then `C:\inetpub\wwwroot\SecretServer\TMS`);
//! 4. else the first default, which the rules then report as missing.
//!
//! [`Inputs::web_dirs`] gathers the evidence (the only I/O); [`choose`]
//! decides, and [`WebDir::describe`] says why, for the report's detection.

use super::web_server::APPLICATION_HOST;
use super::{Inputs, Loaded};
use crate::facts::Facts;
use crate::iis::{self, NamedApplication};
use crate::model::Product;
use crate::server::{Kind, ServerPath};

/// A web application whose folder rules name by placeholder.
#[derive(Debug, PartialEq, Eq)]
pub struct WebApp {
    pub product: Product,
    /// How rule parameters name its folder: `{tms}`.
    pub placeholder: &'static str,
    /// "the TMS web folder", for messages.
    pub what: &'static str,
    /// The path fact that names it.
    pub fact: &'static str,
    /// The last segment of its IIS application's URL path (any case).
    pub application: &'static str,
    /// The vendor's default locations, in the order they are tried.
    pub defaults: &'static [&'static str],
}

pub const TMS: WebApp = WebApp {
    product: Product::Pm,
    placeholder: "{tms}",
    what: "the TMS web folder",
    fact: "privilege_manager.web_dir",
    application: "TMS",
    defaults: &[
        r"C:\inetpub\wwwroot\TMS",
        r"C:\inetpub\wwwroot\SecretServer\TMS",
    ],
};

pub const SECRET_SERVER: WebApp = WebApp {
    product: Product::Ss,
    placeholder: "{secret_server}",
    what: "the Secret Server web folder",
    fact: "secret_server.web_dir",
    application: "SecretServer",
    defaults: &[r"C:\inetpub\wwwroot\SecretServer"],
};

/// Every web application rules may name, by placeholder.
pub const WEB_APPS: &[&WebApp] = &[&SECRET_SERVER, &TMS];

/// What upgate found about one web application's folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// The fact as written, and its path (or why it is not one).
    pub fact: Option<(String, Result<ServerPath, String>)>,
    /// Applications applicationHost.config names like it, each with whether its folder exists.
    pub iis: Vec<(NamedApplication, bool)>,
    /// Why IIS could not be asked (an unreadable or malformed applicationHost.config).
    pub iis_unread: Option<String>,
    /// Each default location, and whether it exists.
    pub defaults: Vec<(ServerPath, bool)>,
    /// Whether the fact's folder exists.
    pub fact_exists: bool,
}

/// Where the folder came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Fact,
    Iis {
        site: String,
        url: String,
        line: u32,
    },
    Default,
    /// Nothing found: the first default, assumed.
    Assumed,
}

/// One web application's folder, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebDir {
    pub app: &'static WebApp,
    /// The folder, or why the fact that names it is unusable.
    pub path: Result<ServerPath, String>,
    pub source: Source,
    /// Whether the folder exists in the snapshot.
    pub exists: bool,
    /// What was set aside: other candidates, an unreadable applicationHost.config.
    pub notes: Vec<String>,
}

impl WebDir {
    /// The placeholder's value: the folder as a server path.
    pub fn value(&self) -> Result<String, String> {
        self.path
            .as_ref()
            .map(ToString::to_string)
            .map_err(Clone::clone)
    }

    /// Whether the product shows on disk: its folder exists, or IIS serves it
    /// (from a folder the snapshot may lack, or on a drive not mapped).
    pub fn present(&self) -> bool {
        self.exists || matches!(self.source, Source::Iis { .. })
    }

    /// "the TMS web folder is C:\…\TMS: the vendor's default location (…)", for detection.
    pub fn describe(&self) -> String {
        let what = self.app.what;
        let path = match &self.path {
            Ok(p) => p.to_string(),
            Err(why) => return format!("{what} is unknown: {why}"),
        };
        let missing = if self.exists {
            ""
        } else {
            ", which is not in the snapshot"
        };
        let from = match &self.source {
            Source::Fact => format!("facts.json {}{missing}", self.app.fact),
            Source::Iis { site, url, line } => format!(
                "applicationHost.config, site \"{site}\" application {url} (line {line}){missing}"
            ),
            Source::Default => "the vendor's default location".to_string(),
            Source::Assumed => format!(
                "assumed: no {} application in applicationHost.config, none of the vendor's default locations exists and facts.json has no {}",
                self.app.application, self.app.fact
            ),
        };
        let mut s = format!("{what} is {path}, from {from}");
        if !self.notes.is_empty() {
            s.push_str(&format!(" ({})", self.notes.join("; ")));
        }
        s
    }
}

/// The folder of `app` from the evidence: the fact, else IIS, else a default
/// that exists, else the first default.
pub fn choose(app: &'static WebApp, e: &Evidence) -> WebDir {
    let mut notes = Vec::new();
    if let Some(why) = &e.iis_unread {
        notes.push(why.clone());
    }
    let served = |a: &NamedApplication| format!("site \"{}\" application {}", a.site, a.url_path());
    if let Some((_, path)) = &e.fact {
        if let Some((a, _)) = e.iis.first() {
            notes.push(format!("over IIS's {}", served(a)));
        }
        return WebDir {
            app,
            path: path.clone(),
            source: Source::Fact,
            exists: e.fact_exists,
            notes,
        };
    }
    for (a, _) in e.iis.iter().filter(|(a, _)| a.folder.is_none()) {
        notes.push(format!(
            "IIS's {} has physicalPath '{}', which is not an absolute server path",
            served(a),
            a.physical
        ));
    }
    // Several applications of that name: one whose folder exists, else the first.
    let usable: Vec<&(NamedApplication, bool)> =
        e.iis.iter().filter(|(a, _)| a.folder.is_some()).collect();
    let pick = usable
        .iter()
        .find(|(_, exists)| *exists)
        .or(usable.first())
        .copied();
    if let Some((a, exists)) = pick {
        for (other, _) in usable.iter().filter(|(o, _)| o != a) {
            notes.push(format!("also {}", served(other)));
        }
        return WebDir {
            app,
            path: Ok(a.folder.clone().expect("usable applications have a folder")),
            source: Source::Iis {
                site: a.site.clone(),
                url: a.url_path(),
                line: a.pos.line,
            },
            exists: *exists,
            notes,
        };
    }
    let absent: Vec<String> = e
        .defaults
        .iter()
        .take_while(|(_, exists)| !exists)
        .map(|(p, _)| p.to_string())
        .collect();
    if let Some((path, _)) = e.defaults.iter().find(|(_, exists)| *exists) {
        if !absent.is_empty() {
            notes.insert(0, format!("{} does not exist", absent.join(", ")));
        }
        for (other, _) in e.defaults.iter().filter(|(p, x)| *x && p != path) {
            notes.push(format!("{other} exists too"));
        }
        return WebDir {
            app,
            path: Ok(path.clone()),
            source: Source::Default,
            exists: true,
            notes,
        };
    }
    WebDir {
        app,
        path: e
            .defaults
            .first()
            .map(|(p, _)| p.clone())
            .ok_or_else(|| format!("{} has no default location", app.what)),
        source: Source::Assumed,
        exists: false,
        notes,
    }
}

/// Both web folders of a scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebDirs(pub Vec<WebDir>);

impl WebDirs {
    pub fn of(&self, product: Product) -> Option<&WebDir> {
        self.0.iter().find(|d| d.app.product == product)
    }

    /// Each placeholder and its value (or why it has none).
    pub fn placeholders(&self) -> Vec<(&'static str, Result<String, String>)> {
        self.0
            .iter()
            .map(|d| (d.app.placeholder, d.value()))
            .collect()
    }
}

impl Inputs<'_> {
    /// Resolves every web application's folder (see the module comment).
    pub fn web_dirs(&mut self, facts: &Facts) -> WebDirs {
        let host = self.xml(APPLICATION_HOST);
        let (sites, iis_unread) = match &*host {
            Loaded::Found(f) => match &f.parsed {
                Ok(doc) => (iis::sites(&doc.root), None),
                Err(e) => (
                    Vec::new(),
                    Some(format!(
                        "{} is not well-formed XML ({e}), so IIS's applications were not read",
                        f.file.server
                    )),
                ),
            },
            Loaded::Missing { .. } => (Vec::new(), None),
            Loaded::Failed { location, error } => (
                Vec::new(),
                Some(format!(
                    "{} could not be read ({error}), so IIS's applications were not read",
                    location.server_path
                )),
            ),
        };
        let env = self.env();
        let physical = |raw: &str| ServerPath::parse(raw, env).ok();
        let exists = |p: &ServerPath| matches!(self.locate(&p.to_string()), Loaded::Found(r) if r.kind == Kind::Dir);
        let dirs = WEB_APPS
            .iter()
            .map(|app| {
                let fact = facts.path(app.fact).map(|raw| {
                    let path = ServerPath::parse(raw, env).map_err(|e| {
                        format!(
                            "facts.json {} '{raw}' is unusable: {e}; correct it",
                            app.fact
                        )
                    });
                    (raw.to_string(), path)
                });
                let fact_exists = matches!(&fact, Some((_, Ok(p))) if exists(p));
                let evidence = Evidence {
                    iis: iis::applications_named(&sites, app.application, &physical)
                        .into_iter()
                        .map(|a| {
                            let there = a.folder.as_ref().is_some_and(exists);
                            (a, there)
                        })
                        .collect(),
                    iis_unread: iis_unread.clone(),
                    defaults: app
                        .defaults
                        .iter()
                        .filter_map(|d| physical(d))
                        .map(|p| {
                            let there = exists(&p);
                            (p, there)
                        })
                        .collect(),
                    fact,
                    fact_exists,
                };
                choose(app, &evidence)
            })
            .collect();
        WebDirs(dirs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path::Env;
    use crate::text::Pos;

    fn path(raw: &str) -> ServerPath {
        ServerPath::parse(raw, &Env::new('C', &Default::default())).unwrap()
    }

    fn defaults(app: &WebApp, present: &[bool]) -> Vec<(ServerPath, bool)> {
        app.defaults
            .iter()
            .zip(present.iter().chain(std::iter::repeat(&false)))
            .map(|(d, x)| (path(d), *x))
            .collect()
    }

    fn served(site: &str, url: &[&str], folder: Option<&str>, line: u32) -> NamedApplication {
        NamedApplication {
            site: site.into(),
            url: url.iter().map(|s| s.to_string()).collect(),
            folder: folder.map(path),
            physical: folder.unwrap_or("relative").into(),
            pos: Pos { line, column: 5 },
        }
    }

    fn evidence(defaults: Vec<(ServerPath, bool)>) -> Evidence {
        Evidence {
            fact: None,
            iis: Vec::new(),
            iis_unread: None,
            defaults,
            fact_exists: false,
        }
    }

    #[test]
    fn tms_under_secret_server_is_found_at_the_second_default() {
        let d = choose(&TMS, &evidence(defaults(&TMS, &[false, true])));
        assert_eq!(d.value().unwrap(), r"C:\inetpub\wwwroot\SecretServer\TMS");
        assert_eq!((d.source.clone(), d.exists), (Source::Default, true));
        assert_eq!(
            d.describe(),
            r"the TMS web folder is C:\inetpub\wwwroot\SecretServer\TMS, from the vendor's default location (C:\inetpub\wwwroot\TMS does not exist)"
        );
        // Both exist: the first, and the other is named.
        let d = choose(&TMS, &evidence(defaults(&TMS, &[true, true])));
        assert_eq!(d.value().unwrap(), r"C:\inetpub\wwwroot\TMS");
        assert_eq!(d.notes, [r"C:\inetpub\wwwroot\SecretServer\TMS exists too"]);
    }

    #[test]
    fn nothing_found_assumes_the_first_default() {
        let d = choose(&SECRET_SERVER, &evidence(defaults(&SECRET_SERVER, &[])));
        assert_eq!(d.value().unwrap(), r"C:\inetpub\wwwroot\SecretServer");
        assert_eq!(d.source, Source::Assumed);
        assert!(!d.present());
        assert!(d.describe().contains(
            "assumed: no SecretServer application in applicationHost.config, none of the vendor's default locations exists and facts.json has no secret_server.web_dir"
        ), "{}", d.describe());
    }

    #[test]
    fn iis_wins_over_the_defaults_and_prefers_a_folder_that_exists() {
        let mut e = evidence(defaults(&TMS, &[true, false]));
        e.iis = vec![
            (served("Old", &["TMS"], Some(r"C:\old\TMS"), 40), false),
            (
                served(
                    "Default Web Site",
                    &["SecretServer", "TMS"],
                    Some(r"D:\Delinea\TMS"),
                    12,
                ),
                true,
            ),
            (served("Broken", &["TMS"], None, 60), false),
        ];
        let d = choose(&TMS, &e);
        assert_eq!(d.value().unwrap(), r"D:\Delinea\TMS");
        assert_eq!(
            d.source,
            Source::Iis {
                site: "Default Web Site".into(),
                url: "/SecretServer/TMS".into(),
                line: 12
            }
        );
        assert!(d.present());
        assert_eq!(
            d.describe(),
            r#"the TMS web folder is D:\Delinea\TMS, from applicationHost.config, site "Default Web Site" application /SecretServer/TMS (line 12) (IIS's site "Broken" application /TMS has physicalPath 'relative', which is not an absolute server path; also site "Old" application /TMS)"#
        );
        // Served from a folder the snapshot lacks: still IIS's, and present.
        e.iis.truncate(1);
        let d = choose(&TMS, &e);
        assert_eq!(d.value().unwrap(), r"C:\old\TMS");
        assert!(!d.exists && d.present());
        assert!(
            d.describe()
                .ends_with("(line 40), which is not in the snapshot")
        );
    }

    #[test]
    fn the_fact_wins_over_iis_and_the_defaults() {
        let mut e = evidence(defaults(&TMS, &[true, true]));
        e.iis = vec![(
            served(
                "Default Web Site",
                &["TMS"],
                Some(r"C:\inetpub\wwwroot\TMS"),
                9,
            ),
            true,
        )];
        e.fact = Some((r"E:\Apps\TMS\".into(), Ok(path(r"E:\Apps\TMS\"))));
        let d = choose(&TMS, &e);
        assert_eq!(d.value().unwrap(), r"E:\Apps\TMS");
        assert_eq!(d.source, Source::Fact);
        assert_eq!(
            d.describe(),
            r#"the TMS web folder is E:\Apps\TMS, from facts.json privilege_manager.web_dir, which is not in the snapshot (over IIS's site "Default Web Site" application /TMS)"#
        );
        // An unusable fact is not replaced by a guess: the rules say what to correct.
        e.fact = Some((
            "TMS".into(),
            Err("facts.json privilege_manager.web_dir 'TMS' is unusable: …".into()),
        ));
        let d = choose(&TMS, &e);
        assert_eq!(d.source, Source::Fact);
        assert!(
            d.value()
                .unwrap_err()
                .starts_with("facts.json privilege_manager.web_dir 'TMS'")
        );
        assert!(
            d.describe()
                .starts_with("the TMS web folder is unknown: facts.json")
        );
    }

    #[test]
    fn an_unreadable_application_host_is_noted_and_the_defaults_still_count() {
        let mut e = evidence(defaults(&SECRET_SERVER, &[true]));
        e.iis_unread = Some("applicationHost.config is not well-formed XML (…)".into());
        let d = choose(&SECRET_SERVER, &e);
        assert_eq!(d.source, Source::Default);
        assert!(
            d.describe()
                .ends_with("(applicationHost.config is not well-formed XML (…))")
        );
    }
}

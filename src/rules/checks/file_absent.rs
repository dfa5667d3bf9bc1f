//! `file_absent` (NPS007, seed 002 "Updating the Web Application"): on IIS a
//! new `config.bat` is generated in the Web Application directory; it must not
//! be run for an update and must be deleted afterwards. Looks in the directory
//! a path fact names, else under a fallback folder to a depth; one result per
//! file found, any case of the name.

use serde::Deserialize;

use super::web_app::{elsewhere, hosting};
use super::{CheckKind, Context, known_fact, unreadable, valid_path};
use crate::facts::{PATH_FACTS, WebServer};
use crate::inputs::{Inputs, Loaded, Named};
use crate::model::{Outcome, Status};
use crate::server::Resolved;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// The file name, matched case-insensitively.
    pub name: String,
    /// A path fact naming the folder to look in (its own files only).
    pub dir: String,
    /// Searched when the fact is absent.
    pub fallback: String,
    /// How deep under `fallback`: 1 is its own files.
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
        let (raw, depth, from_fact) = match ctx.facts.path(&self.dir) {
            Some(d) => (d, 1, true),
            None => (self.fallback.as_str(), self.depth, false),
        };
        let dir = inputs.folder(raw);
        let named = match &dir {
            Loaded::Found(d) => inputs.find_named(d, &self.name, depth),
            _ => Named::default(),
        };
        judge(
            self,
            &Search {
                dir,
                from_fact,
                depth,
                named,
            },
        )
    }
}

/// Where the rule looked and what it found.
#[derive(Debug)]
pub struct Search {
    /// The fact's folder, else the fallback.
    pub dir: Loaded<Resolved>,
    /// Whether `dir` came from the fact.
    pub from_fact: bool,
    /// How deep below `dir` it looked.
    pub depth: usize,
    pub named: Named,
}

pub fn judge(p: &Params, s: &Search) -> Vec<Outcome> {
    let dir = match &s.dir {
        Loaded::Found(d) => d,
        Loaded::Missing { path, missing } => {
            let why = if s.from_fact {
                format!(
                    "{} names {path}, which is not in the snapshot ({missing} does not exist); correct it",
                    p.dir
                )
            } else {
                format!(
                    "facts.json has no {} and {path} is not in the snapshot ({missing} does not exist); add {}",
                    p.dir, p.dir
                )
            };
            return vec![Outcome::new(Status::NotEvaluated, path.to_string(), why)];
        }
        Loaded::Failed { location, error } => return vec![unreadable(location, error)],
    };
    let depth = s.depth;
    let mut outcomes: Vec<Outcome> = s
        .named
        .found
        .iter()
        .map(|f| {
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
        })
        .collect();
    outcomes.extend(
        s.named
            .unreadable
            .iter()
            .map(|(location, error)| unreadable(location, error)),
    );
    if outcomes.is_empty() {
        let scope = if depth == 1 {
            dir.server.to_string()
        } else {
            format!(
                "{} and {} level(s) of folders below it",
                dir.server,
                depth - 1
            )
        };
        outcomes.push(
            Outcome::new(
                Status::Pass,
                dir.server.to_string(),
                format!("no {} in {scope}", p.name),
            )
            .at(dir.location())
            .expected(format!("no {}", p.name)),
        );
    }
    outcomes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Location;
    use crate::rules::checks::testing::{dir, file, path};
    use crate::server::FsError;

    const WWWROOT: &str = r"C:\inetpub\wwwroot";

    fn params() -> Params {
        Params {
            name: "config.bat".into(),
            dir: "password_secure.web_app_dir".into(),
            fallback: WWWROOT.into(),
            depth: 3,
        }
    }

    fn search(found: &[&str], unreadable: Vec<(Location, FsError)>, depth: usize) -> Search {
        Search {
            dir: Loaded::Found(dir(WWWROOT)),
            from_fact: depth == 1,
            depth,
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
        let out = judge(&params(), &search(&[a, b], Vec::new(), 3));
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
    fn none_found_passes_naming_the_file_and_how_deep_it_looked() {
        let out = judge(&params(), &search(&[], Vec::new(), 3));
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].status, Status::Pass);
        assert_eq!(
            out[0].message,
            r"no config.bat in C:\inetpub\wwwroot and 2 level(s) of folders below it"
        );
        let p = Params {
            name: "setup.cmd".into(),
            ..params()
        };
        let out = judge(&p, &search(&[], Vec::new(), 1));
        assert_eq!(out[0].message, r"no setup.cmd in C:\inetpub\wwwroot");
        assert_eq!(out[0].expected.as_deref(), Some("no setup.cmd"));
    }

    #[test]
    fn a_folder_that_could_not_be_read_is_no_pass() {
        let at = Location::unresolved(r"C:\inetpub\wwwroot\locked");
        let io = FsError::Io {
            path: r"C:\inetpub\wwwroot\locked".into(),
            message: "denied".into(),
        };
        let out = judge(&params(), &search(&[], vec![(at, io)], 3));
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].status, Status::Error);
        assert_eq!(out[0].subject, r"C:\inetpub\wwwroot\locked");
    }

    #[test]
    fn a_missing_folder_is_not_evaluated_and_says_which_fact_to_fix() {
        let missing = |from_fact| Search {
            dir: Loaded::Missing {
                path: path(r"C:\inetpub\wwwroot\WebApp"),
                missing: "WebApp".into(),
            },
            from_fact,
            depth: 1,
            named: Named::default(),
        };
        let out = judge(&params(), &missing(true));
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
        let out = judge(&params(), &missing(false));
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
    }
}

//! `file_absent` (NPS007, seed 002 "Updating the Web Application"): on IIS a
//! new `config.bat` is generated in the Web Application directory; it must not
//! be run for an update and must be deleted afterwards. Looks in the directory
//! a path fact names, else under a fallback folder to a depth; one result per
//! file found, any case of the name.

use serde::Deserialize;

use super::web_app::Hosting;
use super::{Context, known_fact, unreadable, valid_path};
use crate::facts::{PATH_FACTS, WebServer};
use crate::inputs::{Inputs, Loaded};
use crate::model::{Outcome, Status};
use crate::server::{Kind, Resolved};

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

impl Params {
    pub fn validate(&self) -> Result<(), String> {
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

    pub fn run(&self, ctx: &Context<'_>, inputs: &mut Inputs<'_>) -> Vec<Outcome> {
        if let Some(o) = Hosting::detect(ctx, inputs).elsewhere(WebServer::Iis, ctx.rule) {
            return vec![o];
        }
        let (raw, depth, from_fact) = match ctx.facts.path(&self.dir) {
            Some(d) => (d, 1, true),
            None => (self.fallback.as_str(), self.depth, false),
        };
        let dir = match inputs.folder(raw) {
            Loaded::Found(d) => d,
            Loaded::Missing { path, missing } => {
                let why = if from_fact {
                    format!(
                        "{} names {path}, which is not in the snapshot ({missing} does not exist); correct it",
                        self.dir
                    )
                } else {
                    format!(
                        "facts.json has no {} and {path} is not in the snapshot ({missing} does not exist); add {}",
                        self.dir, self.dir
                    )
                };
                return vec![Outcome::new(Status::NotEvaluated, path.to_string(), why)];
            }
            Loaded::Failed { location, error } => return vec![unreadable(&location, &error)],
        };
        let search = search(inputs, &dir, &self.name, depth);
        judge(self, &dir, depth, &search)
    }
}

/// What a bounded search found.
#[derive(Debug, Default)]
pub struct Search {
    pub found: Vec<Resolved>,
    /// Folders (or entries) that could not be read, with the outcome to report.
    pub unreadable: Vec<Outcome>,
}

fn search(inputs: &Inputs<'_>, top: &Resolved, name: &str, depth: usize) -> Search {
    let mut out = Search::default();
    let mut level = vec![top.clone()];
    for _ in 0..depth {
        let mut next = Vec::new();
        for dir in &level {
            let entries = match inputs.server().list(dir) {
                Ok(e) => e,
                Err(e) => {
                    out.unreadable.push(unreadable(&dir.location(), &e));
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
                            let at = crate::model::Location::unresolved(
                                &dir.server.join(&entry.name).to_string(),
                            );
                            out.unreadable.push(unreadable(&at, &e));
                        }
                    }
                }
            }
        }
        level = next;
    }
    out
}

pub fn judge(p: &Params, dir: &Resolved, depth: usize, s: &Search) -> Vec<Outcome> {
    let mut outcomes: Vec<Outcome> = s
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
    outcomes.extend(s.unreadable.iter().cloned());
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

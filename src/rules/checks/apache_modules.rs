//! `apache_modules` (NPS009, seed 002 "Updating the Web Application": from
//! 8.5.0.14896 Apache needs `proxy_wstunnel`): the effective Apache
//! configuration (see [`crate::apache`]) loads every listed module. Since
//! Apache 2.4.47 `mod_proxy_http` upgrades WebSocket connections itself, so
//! with that module loaded on such a version a missing `proxy_wstunnel` is
//! downgraded, as the rule file says.
//!
//! NPS015 (the vendor's web server requirements) reuses the kind without a
//! server-version gate and with a `minimum_version` for Apache itself: a
//! version below it fails, and an unknown one is `not_evaluated`, never a pass.

use serde::Deserialize;

use super::web_app::{Gate, elsewhere, hosting, websocket_gate};
use super::{CheckKind, Context, known_fact};
use crate::apache::{Module, ProblemKind};
use crate::facts::{PATH_FACTS, Version, WebServer};
use crate::inputs::apache::ApacheConfig;
use crate::inputs::web_server::APACHE_MAIN;
use crate::inputs::{Inputs, Loaded};
use crate::model::{Location, Outcome, Severity, Status};
use crate::server::{FsError, Kind};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// The first server version that needs them (none: every version does).
    #[serde(default)]
    pub since: Option<Box<Version>>,
    /// Module ids (`proxy_wstunnel_module`) that must be loaded, the one the rule is about first.
    pub modules: Vec<String>,
    /// A path fact naming the main configuration file (else [`APACHE_MAIN`] is searched).
    pub config: String,
    #[serde(default)]
    pub downgrade: Option<Box<Downgrade>>,
    /// Why the modules are needed, for a failure's message.
    #[serde(default = "websocket_purpose")]
    pub purpose: String,
    /// The lowest Apache version the vendor supports (`httpd -v`; the fact,
    /// else the package database). Unknown: `not_evaluated`.
    #[serde(default)]
    pub minimum_version: Option<Box<Version>>,
}

fn websocket_purpose() -> String {
    "the Web Application needs WebSocket".to_string()
}

/// When a missing first module is only worth a lower severity.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Downgrade {
    /// From this Apache version (`password_secure.apache_version`) ...
    pub apache_version: Version,
    /// ... when this module is loaded ...
    pub module: String,
    /// ... the failure has this severity.
    pub severity: Severity,
    /// Why, for the message.
    pub reason: String,
}

impl CheckKind for Params {
    fn validate(&self) -> Result<(), String> {
        known_fact(&self.config, PATH_FACTS)?;
        if self.modules.is_empty() || self.modules.iter().any(|m| m.trim().is_empty()) {
            return Err("`modules` must name at least one module".into());
        }
        Ok(())
    }

    fn run(&self, ctx: &Context<'_>, inputs: &mut Inputs<'_>) -> Vec<Outcome> {
        if let Some(o) = elsewhere(&hosting(ctx, inputs), WebServer::Apache, ctx.rule) {
            return vec![o];
        }
        let assumed = match &self.since {
            Some(since) => match websocket_gate(ctx, since) {
                Gate::Below(o) => return vec![o],
                Gate::Applies { assumed } => assumed,
            },
            None => None,
        };
        let main = match ctx.facts.path(&self.config) {
            Some(raw) => match inputs.locate(raw) {
                Loaded::Found(f) if f.kind == Kind::File => f,
                Loaded::Found(f) => {
                    return vec![super::unreadable(
                        &f.location(),
                        &FsError::IsAFolder(f.server.to_string()),
                    )];
                }
                Loaded::Missing { path, missing } => {
                    return vec![Outcome::new(
                        Status::NotEvaluated,
                        path.to_string(),
                        format!(
                            "{} names {path}, which is not in the snapshot ({missing} does not exist); correct it or copy the file",
                            self.config
                        ),
                    )];
                }
                Loaded::Failed { location, error } => {
                    return vec![super::unreadable(&location, &error)];
                }
            },
            None => match inputs.apache_main() {
                Some(f) => f,
                None => {
                    return vec![Outcome::new(
                        Status::NotEvaluated,
                        "Apache configuration",
                        format!(
                            "no Apache main configuration file in the snapshot (looked for {}); set {} or copy it",
                            APACHE_MAIN.join(", "),
                            self.config
                        ),
                    )];
                }
            },
        };
        let fact_version = ctx
            .facts
            .password_secure
            .as_ref()
            .and_then(|f| f.apache_version.as_ref())
            .and_then(|v| crate::apache::parse_version(&v.to_string()));
        let config = inputs.apache(&main, &self.modules, fact_version);
        // The fact first; else the package database's version (Debian, Ubuntu).
        let packaged: Option<Version> = config
            .effective
            .version
            .as_ref()
            .and_then(|v| v.parse().ok())
            .map(Version);
        let state = State {
            main: main.location(),
            config: &config,
            apache_version: ctx
                .facts
                .password_secure
                .as_ref()
                .and_then(|f| f.apache_version.as_ref())
                .or(packaged.as_ref()),
        };
        let (o, line) = judge(self, &state);
        let mut o = judge_version(self, &state, o);
        if let Some((file, line)) = line {
            o = o.at(inputs.apache_location(&file, line));
        }
        if let Some(note) = assumed {
            o.message.push_str(&format!(" ({note})"));
        }
        vec![o]
    }
}

fn shown(m: &Module) -> String {
    format!("{}:{}", m.file, m.line)
}

/// What `judge` needs: the main file, the effective configuration with the
/// listed modules Debian offers, and the Apache version.
pub struct State<'a> {
    pub main: Location,
    pub config: &'a ApacheConfig,
    pub apache_version: Option<&'a Version>,
}

/// The outcome, and the Apache file and line it points at (the caller
/// resolves it to a location; without one the outcome points at the main file).
pub fn judge(p: &Params, s: &State<'_>) -> (Outcome, Option<(String, usize)>) {
    let eff = &s.config.effective;
    let subject = s.main.server_path.clone();
    let expected = format!("LoadModule {}", p.modules.join(", LoadModule "));
    if let Some(problem) = eff
        .problems
        .iter()
        .find(|pr| pr.kind == ProblemKind::Unreadable && pr.line.is_none())
    {
        let o = Outcome::new(Status::Error, subject, problem.message.clone()).at(s.main.clone());
        return (o, None);
    }
    // httpd refuses to start: nothing is loaded, whatever the files say.
    if let Some(r) = eff.refusal() {
        let at = match r.line {
            Some(line) => format!("{}:{line}", r.file),
            None => r.file.clone(),
        };
        let message = if r.kind == ProblemKind::Limit {
            format!(
                "upgate could not read this configuration in full, so which modules httpd loads is unknown: {at}: {}",
                r.message
            )
        } else {
            format!(
                "httpd refuses this configuration, so it would not start: {at}: {}",
                r.message
            )
        };
        let o = Outcome::new(Status::Error, subject, message)
            .at(s.main.clone())
            .observed(evidence(s))
            .expected(expected);
        return (o, r.line.map(|l| (r.file.clone(), l)));
    }
    let missing: Vec<&String> = p
        .modules
        .iter()
        .filter(|m| eff.loaded(m).is_none())
        .collect();
    // Problems that could hide a LoadModule: a file that could not be read, a
    // variable whose value depends on an environment upgate does not know.
    let blocking: Vec<String> = eff
        .problems
        .iter()
        .filter(|pr| {
            matches!(
                pr.kind,
                ProblemKind::Unreadable | ProblemKind::UndefinedVariable
            )
        })
        .map(|pr| match pr.line {
            Some(line) => format!("{}:{line}: {}", pr.file, pr.message),
            None => format!("{}: {}", pr.file, pr.message),
        })
        .collect();
    let maybe: Vec<String> = missing
        .iter()
        .filter_map(|m| eff.uncertain_modules.iter().find(|(u, _)| &&u.name == m))
        .map(|(u, why)| format!("{} at {} is inside {why}", u.name, shown(u)))
        .collect();
    // Only when every missing module may yet be loaded: one certainly missing fails.
    if !maybe.is_empty() && maybe.len() == missing.len() && blocking.is_empty() {
        let o = Outcome::new(
            Status::NotEvaluated,
            subject,
            format!(
                "{} not known to be loaded: {}",
                names(&missing),
                maybe.join("; ")
            ),
        )
        .at(s.main.clone())
        .observed(evidence(s))
        .expected(expected);
        return (o, None);
    }
    let read = format!(
        "{} file(s) read from {}",
        eff.files.len(),
        s.main.server_path
    );
    if missing.is_empty() {
        let mut message = format!(
            "loaded: {} ({read})",
            p.modules
                .iter()
                .filter_map(|m| eff.loaded(m))
                .map(|m| format!("{} at {}", m.name, shown(m)))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let status = if blocking.is_empty() {
            Status::Pass
        } else {
            message.push_str(&format!(
                "; but the configuration could not be read in full, so httpd may refuse it: {}",
                blocking.join("; ")
            ));
            Status::Error
        };
        let o = Outcome::new(status, subject, message)
            .at(s.main.clone())
            .observed(evidence(s))
            .expected(expected);
        let first = eff.loaded(&p.modules[0]).map(|m| (m.file.clone(), m.line));
        return (o, first);
    }
    if !blocking.is_empty() {
        let o = Outcome::new(
            Status::Error,
            subject,
            format!(
                "{} not found, but the configuration could not be read in full, so it may be loaded where upgate could not look: {}",
                names(&missing),
                blocking.join("; ")
            ),
        )
        .at(s.main.clone())
        .observed(evidence(s))
        .expected(expected);
        return (o, None);
    }
    let mut hints = Vec::new();
    let mut line = None;
    for m in &missing {
        if let Some(c) = eff.commented_modules.iter().find(|c| &&c.name == m) {
            hints.push(format!(
                "{m} is commented out at {}: remove the #",
                shown(c)
            ));
            line = line.or_else(|| Some((c.file.clone(), c.line)));
        } else if let Some((_, file)) = s.config.offered.iter().find(|(n, _)| n == *m) {
            let short = m.strip_suffix("_module").unwrap_or(m);
            hints.push(format!(
                "{file} exists but is not enabled: run a2enmod {short} (it links mods-enabled/{short}.load)"
            ));
        }
    }
    let mut message = format!(
        "{} not loaded by the effective configuration ({read}); {}",
        names(&missing),
        p.purpose
    );
    if !hints.is_empty() {
        message.push_str(&format!("; {}", hints.join("; ")));
    }
    let mut o = Outcome::new(Status::Fail, subject, message)
        .at(s.main.clone())
        .observed(format!("{} missing; {}", names(&missing), evidence(s)))
        .expected(expected);
    if let Some(d) = &p.downgrade {
        let helper = eff.loaded(&d.module);
        match s.apache_version {
            Some(v) if missing == [&p.modules[0]] && v.0 >= d.apache_version.0 => {
                if let Some(helper) = helper {
                    o.message.push_str(&format!(
                        "; downgraded to {}: Apache {v} with {} loaded at {}: {}",
                        d.severity,
                        d.module,
                        shown(helper),
                        d.reason
                    ));
                    o = o.with_severity(d.severity);
                }
            }
            None if helper.is_some() => o.message.push_str(&format!(
                "; with password_secure.apache_version {} or later this would only be a {} ({} is loaded)",
                d.apache_version, d.severity, d.module
            )),
            _ => {}
        }
    }
    (o, line)
}

/// Every module loaded with its file and line, every conditional that decided,
/// and what was assumed about httpd's start-up.
fn evidence(s: &State<'_>) -> String {
    let eff = &s.config.effective;
    let modules: Vec<String> = eff
        .modules
        .iter()
        .map(|m| format!("{} ({})", m.name, shown(m)))
        .collect();
    let decisions: Vec<String> = eff
        .decisions
        .iter()
        .map(|d| {
            let taken = match d.taken {
                Some(true) => "true",
                Some(false) => "false",
                None => "not evaluated",
            };
            format!("{} at {}:{} {taken}: {}", d.section, d.file, d.line, d.why)
        })
        .collect();
    let mut out = format!(
        "modules loaded: {}",
        if modules.is_empty() {
            "none".to_owned()
        } else {
            modules.join(", ")
        }
    );
    if !decisions.is_empty() {
        out.push_str(&format!("; conditionals: {}", decisions.join("; ")));
    }
    if !eff.assumptions.is_empty() {
        out.push_str(&format!("; assumed: {}", eff.assumptions.join("; ")));
    }
    out
}

/// `minimum_version`: Apache below it fails (also when the modules fail: the
/// message says both); unknown, a result that would pass is `not_evaluated`.
pub fn judge_version(p: &Params, s: &State<'_>, mut o: Outcome) -> Outcome {
    let Some(min) = &p.minimum_version else {
        return o;
    };
    let wanted = format!("Apache {min} or later");
    o.expected = Some(match o.expected.take() {
        Some(e) => format!("{e}; {wanted}"),
        None => wanted.clone(),
    });
    match s.apache_version {
        Some(v) if v.0 < min.0 => {
            if matches!(o.status, Status::Pass | Status::NotEvaluated) {
                o.status = Status::Fail;
                o.message = format!(
                    "Apache {v} is below {min}, the minimum the vendor supports: update httpd; {}",
                    o.message
                );
            } else {
                o.message.push_str(&format!(
                    "; and Apache {v} is below {min}: update httpd too"
                ));
            }
            o.observed = Some(match o.observed.take() {
                Some(e) => format!("Apache {v}; {e}"),
                None => format!("Apache {v}"),
            });
        }
        Some(v) => {
            o.message
                .push_str(&format!("; Apache {v} meets the minimum {min}"));
        }
        None => {
            let how = "set password_secure.apache_version to the version `httpd -v` (or `apache2 -v`) prints";
            if o.status == Status::Pass {
                o.status = Status::NotEvaluated;
                o.message = format!(
                    "the Apache version is unknown, so upgate cannot tell whether it is {min} or later: {how} ({})",
                    o.message
                );
            } else {
                o.message.push_str(&format!(
                    "; the Apache version is unknown too ({min} or later is required): {how}"
                ));
            }
        }
    }
    o
}

fn names(modules: &[&String]) -> String {
    modules
        .iter()
        .map(|m| m.as_str())
        .collect::<Vec<_>>()
        .join(" and ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apache::{Effective, Problem};

    const MAIN: &str = "/etc/apache2/apache2.conf";

    fn params() -> Params {
        Params {
            since: Some(Box::new(Version("8.5.0.14896".parse().unwrap()))),
            modules: vec!["proxy_wstunnel_module".into(), "proxy_module".into()],
            config: "password_secure.apache_config".into(),
            purpose: websocket_purpose(),
            minimum_version: None,
            downgrade: Some(Box::new(Downgrade {
                apache_version: Version("2.4.47".parse().unwrap()),
                module: "proxy_http_module".into(),
                severity: Severity::Warning,
                reason: "mod_proxy_http upgrades WebSocket itself".into(),
            })),
        }
    }

    fn module(name: &str, line: usize) -> Module {
        Module {
            name: name.into(),
            path: format!("modules/mod_{name}.so"),
            file: "/etc/apache2/mods-enabled/proxy.load".into(),
            line,
        }
    }

    fn config(loaded: &[&str]) -> ApacheConfig {
        ApacheConfig {
            effective: Effective {
                files: vec![MAIN.into(), "/etc/apache2/mods-enabled/proxy.load".into()],
                modules: loaded
                    .iter()
                    .enumerate()
                    .map(|(i, m)| module(m, i + 1))
                    .collect(),
                ..Effective::default()
            },
            offered: Vec::new(),
        }
    }

    fn check(config: &ApacheConfig, version: Option<&str>) -> (Outcome, Option<(String, usize)>) {
        let version = version.map(|v| Version(v.parse().unwrap()));
        let state = State {
            main: Location::unresolved(MAIN),
            config,
            apache_version: version.as_ref(),
        };
        judge(&params(), &state)
    }

    fn problem(kind: ProblemKind, line: Option<usize>, message: &str) -> Problem {
        Problem {
            kind,
            file: MAIN.into(),
            line,
            message: message.into(),
        }
    }

    #[test]
    fn both_modules_loaded_pass_and_point_at_the_first() {
        let (o, line) = check(&config(&["proxy_module", "proxy_wstunnel_module"]), None);
        assert_eq!(o.status, Status::Pass);
        assert_eq!(
            o.message,
            "loaded: proxy_wstunnel_module at /etc/apache2/mods-enabled/proxy.load:2, proxy_module at /etc/apache2/mods-enabled/proxy.load:1 (2 file(s) read from /etc/apache2/apache2.conf)"
        );
        assert_eq!(
            line,
            Some(("/etc/apache2/mods-enabled/proxy.load".into(), 2))
        );
        assert_eq!(
            o.observed.as_deref(),
            Some(
                "modules loaded: proxy_module (/etc/apache2/mods-enabled/proxy.load:1), proxy_wstunnel_module (/etc/apache2/mods-enabled/proxy.load:2)"
            )
        );
        // Loaded, but httpd refuses to start: an error naming file and line, never a pass.
        let mut c = config(&["proxy_module", "proxy_wstunnel_module"]);
        c.effective.problems = vec![problem(
            ProblemKind::IncludeMatchedNothing,
            Some(7),
            "Include sites/*.conf matches nothing",
        )];
        let (o, line) = check(&c, None);
        assert_eq!(o.status, Status::Error);
        assert_eq!(
            o.message,
            "httpd refuses this configuration, so it would not start: /etc/apache2/apache2.conf:7: Include sites/*.conf matches nothing"
        );
        assert_eq!(line, Some((MAIN.into(), 7)));
        // A LoadModule inside a conditional upgate cannot decide: not evaluated.
        let mut c = config(&["proxy_module"]);
        c.effective.uncertain_modules = vec![(
            module("proxy_wstunnel_module", 3),
            "<IfVersion ~ ^2> at x:2: regular-expression <IfVersion> is not evaluated".into(),
        )];
        let (o, _) = check(&c, None);
        assert_eq!(o.status, Status::NotEvaluated);
        assert!(o.message.starts_with("proxy_wstunnel_module not known to be loaded: proxy_wstunnel_module at /etc/apache2/mods-enabled/proxy.load:3 is inside <IfVersion"));
    }

    #[test]
    fn a_missing_module_fails_with_hints_for_comments_and_a2enmod() {
        let (o, line) = check(&config(&[]), None);
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.starts_with("proxy_wstunnel_module and proxy_module not loaded by the effective configuration (2 file(s) read from /etc/apache2/apache2.conf)"));
        assert_eq!(
            o.observed.as_deref(),
            Some("proxy_wstunnel_module and proxy_module missing; modules loaded: none")
        );
        assert_eq!(
            o.expected.as_deref(),
            Some("LoadModule proxy_wstunnel_module, LoadModule proxy_module")
        );
        assert_eq!(line, None);

        let mut c = config(&["proxy_module"]);
        c.effective.commented_modules = vec![module("proxy_wstunnel_module", 9)];
        let (o, line) = check(&c, None);
        assert!(o.message.contains("proxy_wstunnel_module is commented out at /etc/apache2/mods-enabled/proxy.load:9: remove the #"));
        assert_eq!(
            line,
            Some(("/etc/apache2/mods-enabled/proxy.load".into(), 9))
        );

        let mut c = config(&["proxy_module"]);
        c.offered = vec![(
            "proxy_wstunnel_module".into(),
            "/etc/apache2/mods-available/proxy_wstunnel.load".into(),
        )];
        let (o, _) = check(&c, None);
        assert!(o.message.ends_with("; /etc/apache2/mods-available/proxy_wstunnel.load exists but is not enabled: run a2enmod proxy_wstunnel (it links mods-enabled/proxy_wstunnel.load)"));
    }

    #[test]
    fn proxy_http_on_a_recent_apache_downgrades_a_missing_wstunnel() {
        let c = config(&["proxy_module", "proxy_http_module"]);
        let (o, _) = check(&c, Some("2.4.47"));
        assert_eq!(o.status, Status::Fail);
        assert_eq!(o.severity, Some(Severity::Warning));
        assert!(
            o.message.contains(
                "; downgraded to warning: Apache 2.4.47 with proxy_http_module loaded at"
            )
        );
        // Older Apache, or proxy_module missing too: no downgrade.
        assert_eq!(check(&c, Some("2.4.46")).0.severity, None);
        assert_eq!(
            check(&config(&["proxy_http_module"]), Some("2.4.58"))
                .0
                .severity,
            None
        );
        // Version unknown: the message says what would change.
        let (o, _) = check(&c, None);
        assert_eq!(o.severity, None);
        assert!(o.message.ends_with("; with password_secure.apache_version 2.4.47 or later this would only be a warning (proxy_http_module is loaded)"));
    }

    #[test]
    fn what_could_not_be_read_makes_a_missing_module_an_error() {
        let mut c = config(&["proxy_module"]);
        c.effective.problems = vec![problem(
            ProblemKind::UndefinedVariable,
            Some(3),
            "${APACHE_LOG_DIR} is not defined",
        )];
        let (o, _) = check(&c, None);
        assert_eq!(o.status, Status::Error);
        assert!(o.message.starts_with(
            "proxy_wstunnel_module not found, but the configuration could not be read in full"
        ));
        // An unreadable main file is an error whatever is loaded.
        let mut c = config(&[]);
        c.effective.problems = vec![problem(
            ProblemKind::Unreadable,
            None,
            "cannot read /etc/apache2/apache2.conf",
        )];
        let (o, _) = check(&c, None);
        assert_eq!(o.status, Status::Error);
        assert_eq!(o.message, "cannot read /etc/apache2/apache2.conf");
    }

    fn prerequisites() -> Params {
        Params {
            since: None,
            modules: vec![
                "rewrite_module".into(),
                "proxy_module".into(),
                "ssl_module".into(),
                "proxy_http_module".into(),
            ],
            config: "password_secure.apache_config".into(),
            downgrade: None,
            purpose: "the vendor's web server requirements name them".into(),
            minimum_version: Some(Box::new(Version("2.4.58".parse().unwrap()))),
        }
    }

    fn check_min(loaded: &[&str], version: Option<&str>) -> Outcome {
        let c = config(loaded);
        let version = version.map(|v| Version(v.parse().unwrap()));
        let state = State {
            main: Location::unresolved(MAIN),
            config: &c,
            apache_version: version.as_ref(),
        };
        let p = prerequisites();
        let (o, _) = judge(&p, &state);
        judge_version(&p, &state, o)
    }

    const ALL: &[&str] = &[
        "rewrite_module",
        "proxy_module",
        "ssl_module",
        "proxy_http_module",
    ];

    #[test]
    fn the_minimum_apache_version_is_met_or_fails() {
        let o = check_min(ALL, Some("2.4.58"));
        assert_eq!(o.status, Status::Pass);
        assert!(
            o.message
                .ends_with("; Apache 2.4.58 meets the minimum 2.4.58")
        );
        assert!(o.expected.unwrap().ends_with("; Apache 2.4.58 or later"));
        let o = check_min(ALL, Some("2.4.57"));
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.starts_with(
            "Apache 2.4.57 is below 2.4.58, the minimum the vendor supports: update httpd; loaded:"
        ));
        assert!(o.observed.unwrap().starts_with("Apache 2.4.57; "));
        // Both wrong: the module failure, and the version after it.
        let o = check_min(
            &["proxy_module", "ssl_module", "proxy_http_module"],
            Some("2.4.52"),
        );
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.message
                .starts_with("rewrite_module not loaded by the effective configuration")
        );
        assert!(
            o.message
                .contains("the vendor's web server requirements name them")
        );
        assert!(
            o.message
                .ends_with("; and Apache 2.4.52 is below 2.4.58: update httpd too")
        );
    }

    #[test]
    fn an_unknown_apache_version_is_never_a_pass() {
        let o = check_min(ALL, None);
        assert_eq!(o.status, Status::NotEvaluated);
        assert!(o.message.starts_with(
            "the Apache version is unknown, so upgate cannot tell whether it is 2.4.58 or later"
        ));
        // A module missing still fails, and says the version is unknown too.
        let o = check_min(&["rewrite_module", "proxy_module", "ssl_module"], None);
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains("the Apache version is unknown too"));
    }
}

//! `iis_application` (PM013, seeds 000 steps 9-10 and 001 steps 4-5: recycle
//! the TMS app pools, then open `/TMS/Setup`, which asks for a Windows account
//! that is a Local Administrator): in applicationHost.config, for the IIS
//! application that serves `folder` (and the applications below its URL),
//! Windows authentication is enabled at the URL below it that the procedure
//! opens, and each application's pool is defined and starts with IIS. One
//! result for the authentication, one per pool.
//!
//! IIS behaviour relied on (IIS settings schema, IIS_schema.xml):
//! - `system.webServer/security/authentication/windowsAuthentication`
//!   `enabled` defaults to false, and applicationHost.config declares the
//!   section `overrideModeDefault="Deny"`: it is set there, at server level or
//!   in a `<location path="Site/TMS/Setup">`, merged by URL level like NPS008's
//!   `webSocket`. A web.config can set it only where a `<location
//!   overrideMode="Allow">` (or the declaration) delegates it; this rule does
//!   not read web.configs, so there it does not pass or fail.
//! - An application runs in its `applicationPool`, else its site's
//!   `<applicationDefaults applicationPool>`, else the server's, else
//!   DefaultAppPool. A pool that `applicationPools` does not define answers
//!   every request with 503.
//! - `autoStart` (from the pool's `<add>`, else `<applicationPoolDefaults>`,
//!   default true): false means W3SVC does not start the pool with IIS, and is
//!   how IIS Manager records a pool it stopped. `startMode` (OnDemand or
//!   AlwaysRunning) only says when the worker process starts: evidence only.

use serde::Deserialize;

use super::web_app::application_host;
use super::{CheckKind, Context, known_fact, valid_path};
use crate::facts::PATH_FACTS;
use crate::iis::{self, AssignedPool, ConfigFile, Hosted, PoolFrom, PoolSetting};
use crate::inputs::web_server::APPLICATION_HOST;
use crate::inputs::{Inputs, XmlFile};
use crate::model::{Outcome, Severity, Status};
use crate::server::ServerPath;
use crate::xml::Element;

const WINDOWS_AUTH: &str = "security/authentication/windowsAuthentication";
const ANONYMOUS_AUTH: &str = "security/authentication/anonymousAuthentication";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// The folder the application serves (`{tms}`).
    pub folder: String,
    /// The path fact that names the folder, for the message when no site serves it.
    pub fact: String,
    /// The URL below the application that needs Windows authentication (`Setup`).
    pub windows_auth: String,
}

impl CheckKind for Params {
    fn validate(&self) -> Result<(), String> {
        valid_path("folder", &self.folder)?;
        known_fact(&self.fact, PATH_FACTS)?;
        if self.windows_auth.trim_matches('/').trim().is_empty() {
            return Err("`windows_auth` names no URL below the application".into());
        }
        Ok(())
    }

    fn run(&self, _ctx: &Context<'_>, inputs: &mut Inputs<'_>) -> Vec<Outcome> {
        let host = inputs.xml(APPLICATION_HOST);
        let (file, root) = match application_host(&host) {
            Ok(found) => found,
            Err(o) => return vec![*o],
        };
        let env = inputs.env();
        let physical = |raw: &str| ServerPath::parse(raw, env).ok();
        match ServerPath::parse(&self.folder, env) {
            Ok(folder) => judge(self, file, root, &folder, &physical),
            Err(e) => vec![Outcome::new(
                Status::Error,
                self.folder.clone(),
                format!("'{}' is not a server path: {e}", self.folder),
            )],
        }
    }
}

fn is_true(value: &str) -> bool {
    value.trim().eq_ignore_ascii_case("true")
}

/// applicationHost.config (`root`, parsed from `file`) about the application
/// serving `folder`.
pub fn judge(
    p: &Params,
    file: &XmlFile,
    root: &Element,
    folder: &ServerPath,
    physical: &dyn Fn(&str) -> Option<ServerPath>,
) -> Vec<Outcome> {
    let sites = iis::sites(root);
    let Some(hosted) = iis::hosting(&sites, folder, physical) else {
        return vec![
            Outcome::new(
                Status::NotEvaluated,
                file.file.server.to_string(),
                format!(
                    "no site in {} serves {folder}, so its application, authentication and pools are unknown; set {} to the folder IIS serves as that application (IIS Manager: the application's physical path)",
                    file.file.server, p.fact
                ),
            )
            .at(file.file.location()),
        ];
    };
    let mut outcomes = vec![windows_auth(p, file, root, &sites, &hosted)];
    outcomes.extend(pools(file, root, &hosted));
    outcomes
}

/// `Site/TMS/Setup`, as `<location path>` writes it.
fn config_path(segments: &[String]) -> String {
    segments.join("/")
}

fn windows_auth(
    p: &Params,
    file: &XmlFile,
    root: &Element,
    sites: &[iis::Site],
    hosted: &Hosted,
) -> Outcome {
    let mut target = hosted.target();
    target.extend(
        p.windows_auth
            .split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_string),
    );
    let path = config_path(&target);
    let application = sites
        .iter()
        .find(|s| s.name == hosted.site)
        .map(|s| iis::application_of(s, &target[1..]))
        .unwrap_or_default();
    let config = [ConfigFile { root, level: 0 }];
    let layers = iis::layers(&config, &target, &application);
    let shown = |e: &Element| format!("{}:{}", file.file.server, e.pos.line);
    let decided = iis::attribute(&layers, WINDOWS_AUTH, "enabled");
    if let Some((value, d)) = &decided
        && is_true(value)
    {
        return Outcome::new(
            Status::Pass,
            path.clone(),
            format!(
                "Windows authentication is enabled for {path} (<windowsAuthentication enabled=\"{value}\"> at {}), so the page can ask for a Local Administrator's Windows account",
                shown(d.element)
            ),
        )
        .at(file.at(d.element.pos))
        .observed(format!("windowsAuthentication enabled=\"{value}\""))
        .expected("windowsAuthentication enabled=\"true\"");
    }
    let how = match &decided {
        Some((value, d)) => format!(
            "<windowsAuthentication enabled=\"{value}\"> at {} decides",
            shown(d.element)
        ),
        None => "no level sets windowsAuthentication, and IIS's default is enabled=\"false\""
            .to_string(),
    };
    let at = match &decided {
        Some((_, d)) => file.at(d.element.pos),
        None => file.at(hosted.site_pos),
    };
    // Delegated to web.config files there: one of them may enable it.
    let default_allows = declaration_allows(root, "windowsAuthentication");
    let delegated =
        iis::override_mode(root, &target, WINDOWS_AUTH).map_or(default_allows, |(allow, _)| allow);
    if delegated {
        return Outcome::new(
            Status::NotEvaluated,
            path.clone(),
            format!(
                "applicationHost.config does not enable Windows authentication for {path} ({how}), but it lets web.config files set that section there, and upgate does not read them for this check; look at IIS Manager > {} > Authentication",
                target.join(" > ")
            ),
        )
        .at(at);
    }
    let anonymous = iis::attribute(&layers, ANONYMOUS_AUTH, "enabled")
        .filter(|(v, _)| is_true(v))
        .map(|(_, d)| {
            format!(
                "; anonymous authentication is enabled there (at {}), so the page runs without a Windows identity",
                shown(d.element)
            )
        })
        .unwrap_or_default();
    Outcome::new(
        Status::Fail,
        path.clone(),
        format!(
            "Windows authentication is not enabled for {path}: {how}{anonymous}; the procedure's Setup page needs a Windows account that is a Local Administrator, so it cannot be signed in to. Enable it: IIS Manager > {} > Authentication > Windows Authentication > Enable (in applicationHost.config: <location path=\"{path}\"> with <windowsAuthentication enabled=\"true\" />)",
            target.join(" > ")
        ),
    )
    .at(at)
    .observed(match &decided {
        Some((value, _)) => format!("windowsAuthentication enabled=\"{value}\""),
        None => "windowsAuthentication not set (IIS default: false)".to_string(),
    })
    .expected("windowsAuthentication enabled=\"true\"")
}

/// Whether the section's declaration in configSections lets web.config files
/// set it (`overrideModeDefault`, Allow when unsaid); IIS declares
/// windowsAuthentication Deny, which also stands for a missing declaration.
fn declaration_allows(root: &Element, section: &str) -> bool {
    fn find<'a>(e: &'a Element, section: &str) -> Option<&'a Element> {
        e.children.iter().find_map(|c| match c.local_name() {
            "section" if c.attr("name").is_some_and(|a| a.value == section) => Some(c),
            "sectionGroup" => find(c, section),
            _ => None,
        })
    }
    root.child("configSections")
        .and_then(|s| find(s, section))
        .is_some_and(|d| {
            d.attr("overrideModeDefault")
                .is_none_or(|a| !a.value.trim().eq_ignore_ascii_case("deny"))
        })
}

/// `/TMS`, as IIS Manager shows an application.
fn url(a: &AssignedPool) -> String {
    format!("/{}", a.application.join("/"))
}

/// Where a pool setting comes from, for the evidence.
fn origin(s: &PoolSetting<'_>) -> String {
    match s.set_by {
        Some(e) if e.local_name() == "applicationPoolDefaults" => {
            format!("applicationPoolDefaults, line {}", e.pos.line)
        }
        Some(e) => format!("line {}", e.pos.line),
        None => "IIS's default".to_string(),
    }
}

/// One outcome per pool the applications run in, in order of first use.
fn pools(file: &XmlFile, root: &Element, hosted: &Hosted) -> Vec<Outcome> {
    let assigned = iis::serving_pools(root, hosted);
    let mut names: Vec<&str> = Vec::new();
    for a in &assigned {
        if !names.iter().any(|n| n.eq_ignore_ascii_case(&a.pool)) {
            names.push(&a.pool);
        }
    }
    names
        .into_iter()
        .map(|name| {
            let users: Vec<&AssignedPool> = assigned
                .iter()
                .filter(|a| a.pool.eq_ignore_ascii_case(name))
                .collect();
            let apps = users
                .iter()
                .map(|a| {
                    let from = match a.from {
                        PoolFrom::Application => String::new(),
                        PoolFrom::Site(pos) => {
                            format!(", from the site's applicationDefaults at line {}", pos.line)
                        }
                        PoolFrom::Server(pos) => format!(
                            ", from the server's applicationDefaults at line {}",
                            pos.line
                        ),
                        PoolFrom::Schema => {
                            ", IIS's default: the application names no pool".to_string()
                        }
                    };
                    format!("{} (line {}{from})", url(a), a.pos.line)
                })
                .collect::<Vec<_>>()
                .join(", ");
            let runs = format!("site \"{}\" application {apps}", hosted.site);
            let subject = format!("application pool {name}");
            let Some(pool) = iis::app_pool(root, name) else {
                return Outcome::new(
                    Status::Fail,
                    subject,
                    format!(
                        "application pool \"{name}\" is not defined in system.applicationHost/applicationPools, yet {runs} runs in it: IIS answers 503 Service Unavailable there, and there is no pool to recycle; create the pool (New-WebAppPool \"{name}\") or assign the application an existing one"
                    ),
                )
                .at(file.at(users[0].pos))
                .observed(format!("no pool \"{name}\""))
                .expected(format!("pool \"{name}\" defined"));
            };
            let (auto, mode) = (pool.auto_start, pool.start_mode);
            let observed = format!(
                "autoStart=\"{}\" ({}), startMode=\"{}\" ({})",
                auto.value,
                origin(&auto),
                mode.value,
                origin(&mode)
            );
            let at = file.at(auto.set_by.unwrap_or(pool.element).pos);
            if !is_true(auto.value) {
                return Outcome::new(
                    Status::Fail,
                    subject,
                    format!(
                        "application pool \"{name}\" (line {}), which {runs} runs in, has autoStart=\"{}\" ({}): IIS does not start it when IIS starts (IIS Manager records a pool it stopped this way), so after the recycle or a restart the application stays down; start it (Start-WebAppPool \"{name}\", which sets autoStart back to true) and check the application answers; startMode is \"{}\"",
                        pool.element.pos.line,
                        auto.value,
                        origin(&auto),
                        mode.value
                    ),
                )
                .with_severity(Severity::Warning)
                .at(at)
                .observed(observed)
                .expected("autoStart=\"true\"");
            }
            Outcome::new(
                Status::Pass,
                subject,
                format!(
                    "application pool \"{name}\" (line {}) is defined and starts with IIS (autoStart \"{}\", {}; startMode \"{}\", {}); {runs} runs in it",
                    pool.element.pos.line,
                    auto.value,
                    origin(&auto),
                    mode.value,
                    origin(&mode)
                ),
            )
            .at(file.at(pool.element.pos))
            .observed(observed)
            .expected("autoStart=\"true\"")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path::Env;
    use crate::rules::checks::testing::file;

    const HOST: &str = r"C:\Windows\System32\inetsrv\config\applicationHost.config";

    fn params() -> Params {
        Params {
            folder: r"C:\inetpub\wwwroot\TMS".into(),
            fact: "privilege_manager.web_dir".into(),
            windows_auth: "Setup".into(),
        }
    }

    /// An applicationHost.config with the windowsAuthentication declaration
    /// (`Deny` as IIS ships it), the given pools, the TMS applications
    /// (`/TMS` in pool TMS, `/TMS/Agent` in TMSAgent) and what follows.
    fn host(mode: &str, pools: &str, after: &str) -> String {
        format!(
            r#"<configuration>
<configSections><sectionGroup name="system.webServer"><sectionGroup name="security"><sectionGroup name="authentication"><section name="windowsAuthentication" overrideModeDefault="{mode}" /><section name="anonymousAuthentication" overrideModeDefault="Deny" /></sectionGroup></sectionGroup></sectionGroup></configSections>
<system.applicationHost>
<applicationPools>{pools}</applicationPools>
<sites>
<site name="Default Web Site" id="1">
<application path="/"><virtualDirectory path="/" physicalPath="%SystemDrive%\inetpub\wwwroot" /></application>
<application path="/TMS" applicationPool="TMS"><virtualDirectory path="/" physicalPath="%SystemDrive%\inetpub\wwwroot\TMS" /></application>
<application path="/TMS/Agent" applicationPool="TMSAgent"><virtualDirectory path="/" physicalPath="%SystemDrive%\inetpub\wwwroot\TMS\Agent" /></application>
</site>
</sites>
</system.applicationHost>
<system.webServer><security><authentication><anonymousAuthentication enabled="true" /><windowsAuthentication enabled="false" /></authentication></security></system.webServer>
{after}</configuration>"#
        )
    }

    const POOLS: &str = r#"<add name="TMS" /><add name="TMSAgent" startMode="AlwaysRunning" />"#;
    const SETUP: &str = r#"<location path="Default Web Site/TMS/Setup"><system.webServer><security><authentication><windowsAuthentication enabled="true" /></authentication></security></system.webServer></location>"#;

    fn check_folder(text: &str, folder: &str) -> Vec<Outcome> {
        let xml = XmlFile {
            file: file(HOST, text.len() as u64),
            parsed: crate::xml::parse(text.as_bytes()),
        };
        let env = Env::new('C', &Default::default());
        let physical = |raw: &str| ServerPath::parse(raw, &env).ok();
        let root = &xml.parsed.as_ref().unwrap().root;
        judge(
            &params(),
            &xml,
            root,
            &ServerPath::parse(folder, &env).unwrap(),
            &physical,
        )
    }

    fn check(text: &str) -> Vec<Outcome> {
        check_folder(text, r"C:\inetpub\wwwroot\TMS")
    }

    fn statuses(o: &[Outcome]) -> Vec<(&str, Status)> {
        o.iter().map(|o| (o.subject.as_str(), o.status)).collect()
    }

    #[test]
    fn setup_with_windows_auth_and_started_pools_passes_naming_each() {
        let o = check(&host("Deny", POOLS, SETUP));
        assert_eq!(
            statuses(&o),
            [
                ("Default Web Site/TMS/Setup", Status::Pass),
                ("application pool TMS", Status::Pass),
                ("application pool TMSAgent", Status::Pass),
            ]
        );
        assert_eq!(
            o[0].message,
            format!(
                "Windows authentication is enabled for Default Web Site/TMS/Setup (<windowsAuthentication enabled=\"true\"> at {HOST}:14), so the page can ask for a Local Administrator's Windows account"
            )
        );
        assert_eq!(
            o[1].message,
            "application pool \"TMS\" (line 4) is defined and starts with IIS (autoStart \"true\", IIS's default; startMode \"OnDemand\", IIS's default); site \"Default Web Site\" application /TMS (line 8) runs in it"
        );
        assert_eq!(
            o[2].observed.as_deref(),
            Some("autoStart=\"true\" (IIS's default), startMode=\"AlwaysRunning\" (line 4)")
        );
    }

    #[test]
    fn setup_without_windows_auth_fails_whether_unset_or_switched_off() {
        let o = check(&host("Deny", POOLS, ""));
        assert_eq!(o[0].status, Status::Fail);
        assert!(o[0].message.starts_with(&format!(
            "Windows authentication is not enabled for Default Web Site/TMS/Setup: <windowsAuthentication enabled=\"false\"> at {HOST}:13 decides; anonymous authentication is enabled there (at {HOST}:13)"
        )), "{}", o[0].message);
        assert_eq!(o[0].location.as_ref().and_then(|l| l.line), Some(13));
        // Enabled for the application but switched off for Setup: the deeper location wins.
        let off = r#"<location path="Default Web Site/TMS"><system.webServer><security><authentication><windowsAuthentication enabled="true" /></authentication></security></system.webServer></location>
<location path="Default Web Site/TMS/Setup"><system.webServer><security><authentication><windowsAuthentication enabled="false" /></authentication></security></system.webServer></location>"#;
        let o = check(&host("Deny", POOLS, off));
        assert_eq!(o[0].status, Status::Fail);
        assert!(
            o[0].message.contains(&format!("at {HOST}:15 decides")),
            "{}",
            o[0].message
        );
        // Nothing sets it at all: IIS's default.
        let bare =
            host("Deny", POOLS, "").replace(r#"<windowsAuthentication enabled="false" />"#, "");
        let o = check(&bare);
        assert!(o[0].message.contains(
            "no level sets windowsAuthentication, and IIS's default is enabled=\"false\""
        ));
    }

    #[test]
    fn a_section_delegated_to_web_config_is_not_judged_from_application_host_alone() {
        let o = check(&host("Allow", POOLS, ""));
        assert_eq!(o[0].status, Status::NotEvaluated);
        assert!(
            o[0].message
                .contains("lets web.config files set that section there")
        );
        let unlock = r#"<location path="Default Web Site/TMS" overrideMode="Allow"><system.webServer><security><authentication><windowsAuthentication /></authentication></security></system.webServer></location>"#;
        assert_eq!(
            check(&host("Deny", POOLS, unlock))[0].status,
            Status::NotEvaluated
        );
    }

    #[test]
    fn a_missing_pool_fails_and_a_stopped_one_is_a_warning() {
        let o = check(&host(
            "Deny",
            r#"<add name="TMS" autoStart="false" />"#,
            SETUP,
        ));
        assert_eq!(
            statuses(&o)[1..],
            [
                ("application pool TMS", Status::Fail),
                ("application pool TMSAgent", Status::Fail),
            ]
        );
        assert_eq!(o[1].severity, Some(Severity::Warning));
        assert!(o[1].message.starts_with("application pool \"TMS\" (line 4), which site \"Default Web Site\" application /TMS (line 8) runs in, has autoStart=\"false\" (line 4): IIS does not start it"), "{}", o[1].message);
        assert_eq!(o[2].severity, None);
        assert!(o[2].message.starts_with("application pool \"TMSAgent\" is not defined in system.applicationHost/applicationPools, yet site \"Default Web Site\" application /TMS/Agent (line 9) runs in it: IIS answers 503"), "{}", o[2].message);
        assert_eq!(o[2].location.as_ref().and_then(|l| l.line), Some(9));
        // Stopped for every pool by the defaults.
        let o = check(&host(
            "Deny",
            &format!(r#"{POOLS}<applicationPoolDefaults autoStart="False" />"#),
            SETUP,
        ));
        assert_eq!(o[1].status, Status::Fail);
        assert!(
            o[1].message
                .contains("autoStart=\"False\" (applicationPoolDefaults, line 4)")
        );
    }

    #[test]
    fn a_folder_no_site_serves_is_not_evaluated_and_a_plain_folder_uses_the_root_pool() {
        let o = check_folder(&host("Deny", POOLS, SETUP), r"D:\Elsewhere\TMS");
        assert_eq!(statuses(&o), [(HOST, Status::NotEvaluated)]);
        assert!(o[0].message.ends_with("set privilege_manager.web_dir to the folder IIS serves as that application (IIS Manager: the application's physical path)"));
        // A folder of the root application: its pool is the root's, IIS's default DefaultAppPool.
        let o = check_folder(&host("Deny", POOLS, ""), r"C:\inetpub\wwwroot\Other");
        assert_eq!(o[1].subject, "application pool DefaultAppPool");
        assert!(
            o[1].message.contains(
                "application / (line 7, IIS's default: the application names no pool) runs in it"
            ),
            "{}",
            o[1].message
        );
    }
}

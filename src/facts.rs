//! `facts.json`: what the rules need that is not on disk (versions from About
//! pages, backup times, services). The schema is strict: an unknown key is an
//! input error naming the likely intended key, because a misspelt fact would
//! otherwise be silently ignored and its rule would not see it.
//!
//! Versions and times are parsed here, once; rules get typed values.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use jiff::Timestamp;
use serde::{Deserialize, Deserializer};

use crate::error::{InputError, did_you_mean};
use crate::nuget::NuGetVersion;

/// A version as the vendor's About page shows it (`11.0.1040`, `10.9.000033`,
/// `9.2.1.32530`): dotted numbers, compared part by part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version(pub NuGetVersion);

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        raw.parse::<NuGetVersion>()
            .map(Version)
            .map_err(|e| serde::de::Error::custom(format!("invalid version: {e}")))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.original())
    }
}

/// A point in time: RFC 3339, or a date (taken as 00:00 UTC that day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Moment(pub Timestamp);

impl Moment {
    pub fn parse(raw: &str) -> Result<Moment, String> {
        if let Ok(ts) = raw.parse::<Timestamp>() {
            return Ok(Moment(ts));
        }
        raw.parse::<jiff::civil::Date>()
            .ok()
            .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
            .map(|z| Moment(z.timestamp()))
            .ok_or_else(|| {
                format!("invalid time '{raw}': expected RFC 3339 (2026-11-21T22:00:00Z) or a date (2026-06-30)")
            })
    }
}

impl<'de> Deserialize<'de> for Moment {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Moment::parse(&raw).map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for Moment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facts {
    pub host: Option<String>,
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    pub backups: Option<Backups>,
    pub secret_server: Option<SecretServer>,
    pub privilege_manager: Option<PrivilegeManager>,
    pub password_secure: Option<PasswordSecure>,
    pub captures: Option<Captures>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Backups {
    #[serde(default)]
    pub search_dirs: Vec<String>,
    pub max_age_hours: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretServer {
    pub installed_version: Option<Version>,
    pub target_version: Option<Version>,
    /// The web application's folder, over IIS's and the vendor's default.
    pub web_dir: Option<String>,
    pub backup_dir: Option<String>,
    pub database_backup_dir: Option<String>,
    pub database_backup_at: Option<Moment>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrivilegeManager {
    pub installed_version: Option<Version>,
    pub target_version: Option<Version>,
    /// The TMS web application's folder, over IIS's and the vendor's defaults.
    pub web_dir: Option<String>,
    /// Package id → version, as TMS's About/Setup page lists them.
    pub installed_packages: Option<BTreeMap<String, Version>>,
    pub upgraded_at: Option<Moment>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordSecure {
    pub server_version: Option<Version>,
    pub target_version: Option<Version>,
    pub target_release_date: Option<Moment>,
    pub client_versions: Option<Vec<Version>>,
    pub maintenance_until: Option<Moment>,
    pub backup_dir: Option<String>,
    pub backup_at: Option<Moment>,
    pub web_server: Option<WebServer>,
    pub web_app_dir: Option<String>,
    pub apache_config: Option<String>,
    pub apache_version: Option<Version>,
    pub databases: Option<Vec<Database>>,
    pub services: Option<Vec<Service>>,
    pub client_update_check_for_users: Option<bool>,
    pub server_manager_password_noted: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WebServer {
    Iis,
    Apache,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Database {
    pub name: String,
    pub active: bool,
    pub patch_level: Option<Version>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub name: String,
    pub state: ServiceState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ServiceState {
    Running,
    Stopped,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Captures {
    /// `icacls C:\ProgramData\NugetCache /T` output, relative to the facts file.
    pub nugetcache_icacls: Option<String>,
}

/// Version facts a rule may name, with where an administrator reads them.
pub const VERSION_FACTS: &[(&str, &str)] = &[
    (
        "secret_server.installed_version",
        "the version on Secret Server's About page, or GET /api/v1/version",
    ),
    (
        "privilege_manager.installed_version",
        "the version on the TMS About page",
    ),
    (
        "password_secure.server_version",
        "the version Server Manager shows",
    ),
];

/// Installed-package facts (package id → version) a rule may name.
pub const PACKAGE_FACTS: &[(&str, &str)] = &[(
    "privilege_manager.installed_packages",
    "package id → version as the TMS About/Setup page lists them",
)];

/// Server-path facts a rule may name.
pub const PATH_FACTS: &[(&str, &str)] = &[
    (
        "secret_server.web_dir",
        "the Secret Server web application's folder (IIS Manager: the SecretServer application's physical path)",
    ),
    (
        "privilege_manager.web_dir",
        "the TMS web application's folder (IIS Manager: the TMS application's physical path)",
    ),
    (
        "secret_server.backup_dir",
        "Secret Server's Admin > Backup \"Backup File Path\"",
    ),
    (
        "secret_server.database_backup_dir",
        "Secret Server's Admin > Backup \"Backup Database File Path\"",
    ),
    (
        "password_secure.backup_dir",
        "the folder Server Manager writes its backups to",
    ),
    (
        "password_secure.web_app_dir",
        "the Web Application's document directory on the web server",
    ),
    (
        "password_secure.apache_config",
        "the main Apache configuration file (httpd -V shows SERVER_CONFIG_FILE)",
    ),
];

/// Time facts a rule may name.
pub const TIME_FACTS: &[(&str, &str)] = &[
    (
        "secret_server.database_backup_at",
        "the time of the last database backup (Secret Server: Admin > Backup)",
    ),
    (
        "privilege_manager.upgraded_at",
        "the time the last TMS install/upgrade finished",
    ),
    (
        "password_secure.backup_at",
        "the time of the last Server Manager backup",
    ),
    (
        "password_secure.maintenance_until",
        "the end of the software maintenance package (Server Manager > License settings)",
    ),
    (
        "password_secure.target_release_date",
        "the target version's release date, from the vendor's version history",
    ),
];

/// Yes/no facts a rule may name.
pub const FLAG_FACTS: &[(&str, &str)] = &[
    (
        "password_secure.server_manager_password_noted",
        "true once the Server Manager's database password is noted down outside Password Secure",
    ),
    (
        "password_secure.client_update_check_for_users",
        "whether the client's update check is on for normal users (client settings)",
    ),
];

/// Where an administrator reads a fact, from whichever table names it.
pub fn fact_help(key: &str) -> &'static str {
    [
        VERSION_FACTS,
        PACKAGE_FACTS,
        PATH_FACTS,
        TIME_FACTS,
        FLAG_FACTS,
    ]
    .iter()
    .flat_map(|t| t.iter())
    .find(|(k, _)| *k == key)
    .map_or("", |(_, how)| *how)
}

impl Facts {
    /// An installed-package fact by its dotted key (one of [`PACKAGE_FACTS`]).
    pub fn packages(&self, key: &str) -> Option<&BTreeMap<String, Version>> {
        match key {
            "privilege_manager.installed_packages" => {
                self.privilege_manager.as_ref()?.installed_packages.as_ref()
            }
            _ => None,
        }
    }

    /// A server-path fact by its dotted key (one of [`PATH_FACTS`]).
    pub fn path(&self, key: &str) -> Option<&str> {
        match key {
            "secret_server.web_dir" => self.secret_server.as_ref()?.web_dir.as_deref(),
            "privilege_manager.web_dir" => self.privilege_manager.as_ref()?.web_dir.as_deref(),
            "secret_server.backup_dir" => self.secret_server.as_ref()?.backup_dir.as_deref(),
            "secret_server.database_backup_dir" => {
                self.secret_server.as_ref()?.database_backup_dir.as_deref()
            }
            "password_secure.backup_dir" => self.password_secure.as_ref()?.backup_dir.as_deref(),
            "password_secure.web_app_dir" => self.password_secure.as_ref()?.web_app_dir.as_deref(),
            "password_secure.apache_config" => {
                self.password_secure.as_ref()?.apache_config.as_deref()
            }
            _ => None,
        }
    }

    /// A time fact by its dotted key (one of [`TIME_FACTS`]).
    pub fn moment(&self, key: &str) -> Option<Moment> {
        match key {
            "secret_server.database_backup_at" => self.secret_server.as_ref()?.database_backup_at,
            "privilege_manager.upgraded_at" => self.privilege_manager.as_ref()?.upgraded_at,
            "password_secure.backup_at" => self.password_secure.as_ref()?.backup_at,
            "password_secure.maintenance_until" => self.password_secure.as_ref()?.maintenance_until,
            "password_secure.target_release_date" => {
                self.password_secure.as_ref()?.target_release_date
            }
            _ => None,
        }
    }

    /// A yes/no fact by its dotted key (one of [`FLAG_FACTS`]).
    pub fn flag(&self, key: &str) -> Option<bool> {
        let nps = self.password_secure.as_ref()?;
        match key {
            "password_secure.server_manager_password_noted" => nps.server_manager_password_noted,
            "password_secure.client_update_check_for_users" => nps.client_update_check_for_users,
            _ => None,
        }
    }

    /// `backups.search_dirs`, or the default `C:\Backups`.
    pub fn backup_search_dirs(&self) -> Vec<String> {
        match &self.backups {
            Some(b) if !b.search_dirs.is_empty() => b.search_dirs.clone(),
            _ => vec![r"C:\Backups".to_string()],
        }
    }

    /// A version fact by its dotted key (one of [`VERSION_FACTS`]).
    pub fn version(&self, key: &str) -> Option<&Version> {
        match key {
            "secret_server.installed_version" => {
                self.secret_server.as_ref()?.installed_version.as_ref()
            }
            "privilege_manager.installed_version" => {
                self.privilege_manager.as_ref()?.installed_version.as_ref()
            }
            "password_secure.server_version" => {
                self.password_secure.as_ref()?.server_version.as_ref()
            }
            _ => None,
        }
    }

    /// Parses facts.json text; `file` is only used in error messages.
    pub fn parse(text: &str, file: &Path) -> Result<Facts, InputError> {
        serde_json::from_str(text).map_err(|e| {
            let mut err = InputError::new(clean_message(&e.to_string()))
                .in_file(file)
                .at(
                    u32::try_from(e.line()).unwrap_or(u32::MAX),
                    u32::try_from(e.column()).unwrap_or(u32::MAX),
                );
            if let Some((unknown, expected)) = unknown_field(&e.to_string()) {
                err.message = format!("unknown key `{unknown}`");
                err.help = Some(
                    match did_you_mean(&unknown, expected.iter().map(String::as_str)) {
                        Some(near) => format!("did you mean `{near}`?"),
                        None => format!("valid keys here: {}", expected.join(", ")),
                    },
                );
            }
            err
        })
    }
}

/// serde's "unknown field `x`, expected one of `a`, `b`" → ("x", ["a", "b"]).
fn unknown_field(message: &str) -> Option<(String, Vec<String>)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (unknown, rest) = rest.split_once('`')?;
    let expected = rest
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    Some((unknown.to_string(), expected))
}

/// serde_json appends " at line L column C"; we report the position ourselves.
fn clean_message(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Facts, InputError> {
        Facts::parse(text, Path::new("facts.json"))
    }

    #[test]
    fn the_spec_example_parses() {
        let text = r#"{
          "host": "pam-web-01",
          "env": { "ProgramData": "C:\\ProgramData" },
          "backups": { "search_dirs": ["C:\\Backups", "D:\\Backups"], "max_age_hours": 24 },
          "secret_server": { "installed_version": "10.9.000033", "target_version": "11.1.000006",
            "web_dir": "C:\\inetpub\\wwwroot\\SecretServer",
            "backup_dir": "C:\\SecretServerBackups", "database_backup_dir": "D:\\SQLBackups",
            "database_backup_at": "2026-11-21T21:30:00Z" },
          "privilege_manager": { "installed_version": "11.0.1040", "target_version": "11.1.1156",
            "web_dir": "C:\\inetpub\\wwwroot\\SecretServer\\TMS",
            "installed_packages": { "ThycoticTms": "11.0.1040", "ThycoticTmsCoreProduct": "11.0.1040" },
            "upgraded_at": "2026-11-21T23:10:00Z" },
          "password_secure": { "server_version": "9.2.1.32530", "target_version": "9.3.1.33994",
            "target_release_date": "2025-11-04", "client_versions": ["9.2.1.32530", "9.3.1.33994"],
            "maintenance_until": "2026-06-30", "backup_dir": "D:\\NPSBackups",
            "backup_at": "2026-11-21T21:00:00Z", "web_server": "iis",
            "web_app_dir": "C:\\inetpub\\wwwroot\\Web Application",
            "apache_config": "/etc/apache2/apache2.conf", "apache_version": "2.4.62",
            "databases": [ { "name": "npwsConfigDb_PAM01", "active": true, "patch_level": "9.3.1.33994" } ],
            "services": [ { "name": "Netwrix Password Secure Service", "state": "stopped" } ],
            "client_update_check_for_users": false, "server_manager_password_noted": true },
          "captures": { "nugetcache_icacls": "captures/nugetcache.icacls.txt" }
        }"#;
        let f = parse(text).unwrap();
        let pm = f.privilege_manager.unwrap();
        assert_eq!(pm.installed_version.unwrap().to_string(), "11.0.1040");
        assert_eq!(
            pm.web_dir.as_deref(),
            Some(r"C:\inetpub\wwwroot\SecretServer\TMS")
        );
        assert_eq!(
            pm.upgraded_at.unwrap().0,
            "2026-11-21T23:10:00Z".parse::<Timestamp>().unwrap()
        );
        let nps = f.password_secure.unwrap();
        assert_eq!(
            nps.maintenance_until.unwrap().0,
            "2026-06-30T00:00:00Z".parse::<Timestamp>().unwrap()
        );
        assert_eq!(nps.web_server, Some(WebServer::Iis));
    }

    #[test]
    fn unknown_keys_are_refused_with_the_nearest_valid_key() {
        let e =
            parse("{\n  \"privilege_manager\": { \"instaled_version\": \"11.0\" }\n}").unwrap_err();
        assert_eq!(e.message, "unknown key `instaled_version`");
        assert_eq!(e.help.as_deref(), Some("did you mean `installed_version`?"));
        assert_eq!(e.line, Some(2));
        let e = parse(r#"{"colour": 1}"#).unwrap_err();
        assert!(e.help.unwrap().starts_with("valid keys here: host, env"));
    }

    #[test]
    fn bad_versions_and_times_are_input_errors_with_a_position() {
        let e = parse(r#"{"privilege_manager": {"installed_version": "eleven"}}"#).unwrap_err();
        assert!(e.message.contains("invalid version"), "{}", e.message);
        let e =
            parse("{\n\"secret_server\": {\"database_backup_at\": \"yesterday\"}}").unwrap_err();
        assert!(
            e.message.contains("invalid time 'yesterday'"),
            "{}",
            e.message
        );
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn not_json_is_an_error_not_empty_facts() {
        assert!(parse("").is_err());
        assert!(parse("[]").is_err());
        assert!(parse("{\"host\": \"a\"").is_err());
    }
}

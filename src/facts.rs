//! `facts.json`: what the rules need that is not on disk (versions from About
//! pages, backup times, services). The schema is strict: an unknown key is an
//! input error naming the likely intended key, because a misspelt fact would
//! otherwise be silently ignored and its rule would not see it.
//!
//! Versions and times are parsed here, once; rules get typed values. Times carry
//! their offset and dates are dates ([`time`]); the file may be written as
//! PowerShell writes it, and errors name the key path and point at the value
//! ([`json`]).

mod json;
mod time;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Deserializer};

use crate::error::InputError;
use crate::model::Product;
use crate::nuget::NuGetVersion;

pub use time::{Day, Moment, TimeError};

/// A version as the vendor's About page shows it (`11.0.1040`, `10.9.000033`,
/// `9.2.1.32530`): dotted numbers, compared part by part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version(pub NuGetVersion);

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        raw.parse::<NuGetVersion>().map(Version).map_err(|e| {
            // NuGet's message repeats the value: "'x' is not a valid NuGet version: why".
            let e = e.to_string();
            let why = e.split_once(": ").map_or(e.as_str(), |(_, why)| why);
            json::invalid(
                format!("{raw:?} is not a version: {why}"),
                "write it as the product shows it, dotted numbers such as \"11.0.1040\" or \"9.3.1.33994\"",
            )
        })
    }
}

impl<'de> Deserialize<'de> for Moment {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Moment::parse(&raw).map_err(|e| json::invalid(e.message, e.help))
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Day::parse(&raw).map_err(|e| json::invalid(e.message, e.help))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.original())
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
    /// When the snapshot was collected (`upgate collect` writes it): how `upgate fleet`
    /// tells that its nodes were scanned together.
    pub collected_at: Option<Moment>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Backups {
    #[serde(default, deserialize_with = "json::one_or_many_or_empty")]
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
    /// Where SQL Server writes the Privilege Manager database's `*.bak`.
    pub database_backup_dir: Option<String>,
    pub database_backup_at: Option<Moment>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordSecure {
    pub server_version: Option<Version>,
    pub target_version: Option<Version>,
    pub target_release_date: Option<Day>,
    #[serde(default, deserialize_with = "json::one_or_many")]
    pub client_versions: Option<Vec<Version>>,
    pub maintenance_until: Option<Day>,
    pub backup_dir: Option<String>,
    pub backup_at: Option<Moment>,
    pub web_server: Option<WebServer>,
    pub web_app_dir: Option<String>,
    pub web_app_package: Option<String>,
    pub apache_config: Option<String>,
    pub apache_version: Option<Version>,
    #[serde(default, deserialize_with = "json::one_or_many")]
    pub databases: Option<Vec<Database>>,
    #[serde(default, deserialize_with = "json::one_or_many")]
    pub services: Option<Vec<Service>>,
    pub client_update_check_for_users: Option<bool>,
    pub server_manager_password_noted: Option<bool>,
}

/// `iis` or `apache`, in any case (`"IIS"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebServer {
    Iis,
    Apache,
}

impl<'de> Deserialize<'de> for WebServer {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        json::enum_value(
            d,
            "a web server",
            &[("iis", WebServer::Iis), ("apache", WebServer::Apache)],
        )
    }
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

/// `running` or `stopped`, in any case (`"Running"`, as Get-Service shows it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceState {
    Running,
    Stopped,
}

impl<'de> Deserialize<'de> for ServiceState {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        json::enum_value(
            d,
            "a service state",
            &[
                ("running", ServiceState::Running),
                ("stopped", ServiceState::Stopped),
            ],
        )
    }
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
        "privilege_manager.database_backup_dir",
        "the folder SQL Server wrote the Privilege Manager database backup (*.bak) to (SSMS: Back Up Database > Destination)",
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
        "password_secure.web_app_package",
        "the zip of the new Web Application that Server Manager created for the update (Web Application > Destination)",
    ),
    (
        "password_secure.apache_config",
        "the main Apache configuration file (httpd -V shows SERVER_CONFIG_FILE)",
    ),
];

/// Time facts a rule may name: RFC 3339 with an offset ([`Moment`]).
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
        "privilege_manager.database_backup_at",
        "the time of the last Privilege Manager database backup in SQL Server",
    ),
    (
        "password_secure.backup_at",
        "the time of the last Server Manager backup",
    ),
];

/// Date facts a rule may name: `YYYY-MM-DD` ([`Day`]).
pub const DATE_FACTS: &[(&str, &str)] = &[
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

/// Every key facts.json accepts, dotted (`password_secure.services`; a field of a list's
/// items as `password_secure.services[].state`), with an example value of its shape as
/// JSON text and what to put there. One list for the reference (docs/facts.md documents
/// exactly these with their examples, a test says so), `upgate facts --template` (whose
/// placeholders are built from the last two, [`placeholder`]) and the links in
/// `not_evaluated` messages; a unit test holds it against serde's own fields, so a new
/// field cannot be left out.
pub const KEYS: &[(&str, &str, &str)] = &[
    ("host", r#""pam-web-01""#, "this server's name"),
    (
        "collected_at",
        r#""2026-11-22T07:55:00Z""#,
        "Get-Date -Format o of when the snapshot was collected",
    ),
    (
        "env",
        r#"{ "ProgramData": "C:\\ProgramData" }"#,
        "this server's value of the variable (echo %ProgramData%), or delete it",
    ),
    (
        "backups.search_dirs",
        r#"["C:\\Backups", "D:\\Backups"]"#,
        "a folder the backups are written to (one string per folder)",
    ),
    (
        "backups.max_age_hours",
        "24",
        "a whole number: how many hours old the newest backup may be",
    ),
    (
        "secret_server.installed_version",
        r#""10.9.000033""#,
        "version from Secret Server's About page",
    ),
    (
        "secret_server.target_version",
        r#""11.1.000006""#,
        "the Secret Server version being upgraded to",
    ),
    (
        "secret_server.web_dir",
        r#""C:\\inetpub\\wwwroot\\SecretServer""#,
        "the SecretServer application's physical path in IIS Manager",
    ),
    (
        "secret_server.backup_dir",
        r#""C:\\SecretServerBackups""#,
        "Admin > Backup \"Backup File Path\"",
    ),
    (
        "secret_server.database_backup_dir",
        r#""D:\\SQLBackups""#,
        "Admin > Backup \"Backup Database File Path\"",
    ),
    (
        "secret_server.database_backup_at",
        r#""2026-11-21T21:30:00Z""#,
        "Get-Date -Format o of the last database backup (Admin > Backup)",
    ),
    (
        "privilege_manager.installed_version",
        r#""11.0.1040""#,
        "version from the TMS About page",
    ),
    (
        "privilege_manager.target_version",
        r#""11.1.1156""#,
        "the Privilege Manager version being upgraded to",
    ),
    (
        "privilege_manager.web_dir",
        r#""C:\\inetpub\\wwwroot\\TMS""#,
        "the TMS application's physical path in IIS Manager",
    ),
    (
        "privilege_manager.installed_packages",
        r#"{ "ThycoticTms": "11.0.1040", "ThycoticTmsCoreProduct": "11.0.1040" }"#,
        "its version on the TMS About/Setup page (one key per package)",
    ),
    (
        "privilege_manager.upgraded_at",
        r#""2026-11-21T23:10:00Z""#,
        "Get-Date -Format o of when the last TMS install/upgrade finished",
    ),
    (
        "privilege_manager.database_backup_dir",
        r#""D:\\SQLBackups""#,
        "the folder SQL Server wrote the Privilege Manager database backup to",
    ),
    (
        "privilege_manager.database_backup_at",
        r#""2026-11-21T21:30:00Z""#,
        "Get-Date -Format o of the last Privilege Manager database backup",
    ),
    (
        "password_secure.server_version",
        r#""9.2.1.32530""#,
        "version Server Manager shows",
    ),
    (
        "password_secure.target_version",
        r#""9.3.1.33994""#,
        "the Password Secure version being updated to",
    ),
    (
        "password_secure.target_release_date",
        r#""2025-11-04""#,
        "YYYY-MM-DD release date of the target version (vendor's version history)",
    ),
    (
        "password_secure.client_versions",
        r#"["9.2.1.32530", "9.3.1.33994"]"#,
        "a client version in use (one string per version)",
    ),
    (
        "password_secure.maintenance_until",
        r#""2026-06-30""#,
        "YYYY-MM-DD end of the maintenance package (Server Manager > License settings)",
    ),
    (
        "password_secure.backup_dir",
        r#""D:\\NPSBackups""#,
        "the folder Server Manager writes its backups to",
    ),
    (
        "password_secure.backup_at",
        r#""2026-11-21T21:00:00Z""#,
        "Get-Date -Format o of the last Server Manager backup",
    ),
    (
        "password_secure.web_server",
        r#""iis""#,
        "iis or apache: the web server serving the Web Application",
    ),
    (
        "password_secure.web_app_dir",
        r#""C:\\inetpub\\wwwroot\\Web Application""#,
        "the Web Application's document directory",
    ),
    (
        "password_secure.web_app_package",
        r#""C:\\Backups\\WebApplication_9.3.1.33994.zip""#,
        "the Web Application zip Server Manager created for the update",
    ),
    (
        "password_secure.apache_config",
        r#""/etc/apache2/apache2.conf""#,
        "the main Apache configuration file (httpd -V: SERVER_CONFIG_FILE)",
    ),
    (
        "password_secure.apache_version",
        r#""2.4.62""#,
        "Apache's version (httpd -v)",
    ),
    (
        "password_secure.databases",
        r#"[{ "name": "npwsConfigDb_PAM01", "active": true, "patch_level": "9.3.1.33994" }]"#,
        "a database Server Manager lists (one object per database)",
    ),
    (
        "password_secure.databases[].name",
        r#""npwsConfigDb_PAM01""#,
        "the database's name in Server Manager",
    ),
    (
        "password_secure.databases[].active",
        "true",
        "true or false: whether Server Manager shows the database as active",
    ),
    (
        "password_secure.databases[].patch_level",
        r#""9.3.1.33994""#,
        "the database's patch level in Server Manager",
    ),
    (
        "password_secure.services",
        r#"[{ "name": "Netwrix Password Secure Service", "state": "stopped" }]"#,
        "a Password Secure service (one object per service)",
    ),
    (
        "password_secure.services[].name",
        r#""Netwrix Password Secure Service""#,
        "the service's name as Get-Service shows it",
    ),
    (
        "password_secure.services[].state",
        r#""stopped""#,
        "running or stopped, as Get-Service shows it",
    ),
    (
        "password_secure.client_update_check_for_users",
        "false",
        "true or false: whether the client's update check is on for normal users",
    ),
    (
        "password_secure.server_manager_password_noted",
        "true",
        "true or false: true once the Server Manager's database password is noted down outside Password Secure",
    ),
    (
        "captures.nugetcache_icacls",
        r#""captures/nugetcache.icacls.txt""#,
        "the file holding icacls C:\\ProgramData\\NugetCache /T output, relative to facts.json",
    ),
];

/// Where docs/facts.md documents `key`: its heading's anchor as GitHub makes it
/// (lower case, punctuation other than `-` and `_` dropped).
pub fn doc_link(key: &str) -> String {
    let anchor: String = key
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_'))
        .flat_map(char::to_lowercase)
        .collect();
    format!("docs/facts.md#{anchor}")
}

/// The products a key's section belongs to; `None` for keys of every product
/// (`host`, `env`, `backups`). The NugetCache capture is Privilege Manager's (PM007).
fn key_product(key: &str) -> Option<Product> {
    match key.split('.').next() {
        Some("secret_server") => Some(Product::Ss),
        Some("privilege_manager" | "captures") => Some(Product::Pm),
        Some("password_secure") => Some(Product::Nps),
        _ => None,
    }
}

/// `upgate facts --template`: a facts.json holding every key of `products` (all when
/// empty) with its [`placeholder`], in [`KEYS`]' order. JSON has no comments (and unknown
/// keys are refused), so the values themselves say what to put there; and as an example
/// left in would be scanned as the truth, they are placeholders that [`Facts::parse`]
/// refuses until each is replaced or its key deleted.
pub fn template(products: &[Product]) -> String {
    // `collected_at` is collect's to write, not the administrator's.
    let wanted = |key: &str| {
        !key.contains("[]")
            && key != "collected_at"
            && key_product(key).is_none_or(|p| products.is_empty() || products.contains(&p))
    };
    // (section, [(field, value)]), a top-level key being a section without fields.
    let mut sections: Vec<(&str, Vec<(&str, String)>)> = Vec::new();
    for (key, _, _) in KEYS.iter().filter(|(k, _, _)| wanted(k)) {
        let (section, field) = key.split_once('.').unwrap_or((key, ""));
        let value = render(&placeholder(key));
        match sections.last_mut() {
            Some((s, fields)) if *s == section && !field.is_empty() => {
                fields.push((field, value));
            }
            _ => sections.push((section, vec![(field, value)])),
        }
    }
    let members: Vec<String> = sections
        .iter()
        .map(|(section, fields)| match fields.as_slice() {
            [("", value)] => format!("  \"{section}\": {value}"),
            _ => {
                let inner: Vec<String> = fields
                    .iter()
                    .map(|(field, value)| format!("    \"{field}\": {value}"))
                    .collect();
                format!("  \"{section}\": {{\n{}\n  }}", inner.join(",\n"))
            }
        })
        .collect();
    format!("{{\n{}\n}}\n", members.join(",\n"))
}

/// A key's value in the template: its example with every scalar replaced by
/// `"<what, e.g. example>"` (a string even for numbers and flags, so that it is refused
/// wherever it is left), a list cut to one item, a list's object built from its `[]`
/// keys; a free map (`env`) keeps the example's names.
pub fn placeholder(key: &str) -> serde_json::Value {
    use serde_json::Value;
    let (_, example, what) = KEYS
        .iter()
        .find(|(k, _, _)| *k == key)
        .unwrap_or_else(|| panic!("{key} is not in KEYS"));
    let fill = |value: &Value| {
        let shown = match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        Value::String(format!("<{what}, e.g. {shown}>"))
    };
    let example: Value = serde_json::from_str(example).expect("KEYS' examples are JSON");
    match example {
        Value::Array(items) => {
            let item = format!("{key}[]");
            let fields: serde_json::Map<String, Value> = KEYS
                .iter()
                .filter_map(|(k, _, _)| {
                    let field = k.strip_prefix(&item)?.strip_prefix('.')?;
                    Some((field.to_string(), placeholder(k)))
                })
                .collect();
            match items.first() {
                Some(Value::Object(_)) => Value::Array(vec![Value::Object(fields)]),
                first => Value::Array(first.map(fill).into_iter().collect()),
            }
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(name, value)| (name.clone(), fill(value)))
                .collect(),
        ),
        scalar => fill(&scalar),
    }
}

/// JSON on one line, as the examples are written: `[{ "name": "…", "state": "…" }]`.
fn render(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(render).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(map) => {
            let members: Vec<String> = map
                .iter()
                .map(|(name, value)| format!("{}: {}", Value::from(name.as_str()), render(value)))
                .collect();
            format!("{{ {} }}", members.join(", "))
        }
        scalar => scalar.to_string(),
    }
}

/// Where an administrator reads a fact, from whichever table names it.
pub fn fact_help(key: &str) -> &'static str {
    [
        VERSION_FACTS,
        PACKAGE_FACTS,
        PATH_FACTS,
        TIME_FACTS,
        DATE_FACTS,
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
            "privilege_manager.database_backup_dir" => self
                .privilege_manager
                .as_ref()?
                .database_backup_dir
                .as_deref(),
            "password_secure.backup_dir" => self.password_secure.as_ref()?.backup_dir.as_deref(),
            "password_secure.web_app_dir" => self.password_secure.as_ref()?.web_app_dir.as_deref(),
            "password_secure.web_app_package" => {
                self.password_secure.as_ref()?.web_app_package.as_deref()
            }
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
            "privilege_manager.database_backup_at" => {
                self.privilege_manager.as_ref()?.database_backup_at
            }
            "password_secure.backup_at" => self.password_secure.as_ref()?.backup_at,
            _ => None,
        }
    }

    /// A date fact by its dotted key (one of [`DATE_FACTS`]).
    pub fn date(&self, key: &str) -> Option<Day> {
        match key {
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
        json::parse(text, file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;
    use std::collections::BTreeSet;

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
        assert_eq!(nps.maintenance_until.unwrap().to_string(), "2026-06-30");
        assert_eq!(nps.web_server, Some(WebServer::Iis));
    }

    #[test]
    fn unknown_keys_are_refused_with_the_nearest_valid_key() {
        let e =
            parse("{\n  \"privilege_manager\": { \"instaled_version\": \"11.0\" }\n}").unwrap_err();
        assert_eq!(
            e.message,
            "unknown key `privilege_manager.instaled_version`"
        );
        assert_eq!(e.help.as_deref(), Some("did you mean `installed_version`?"));
        assert_eq!((e.line, e.column), (Some(2), Some(26)));
        // The last key of an object: still its own line.
        let e = parse("{\n  \"host\": \"a\",\n  \"hots\": \"b\"\n}").unwrap_err();
        assert_eq!((e.line, e.column), (Some(3), Some(3)));
        assert_eq!(e.help.as_deref(), Some("did you mean `host`?"));
        let e = parse(r#"{"colour": 1}"#).unwrap_err();
        assert!(e.help.unwrap().starts_with("valid keys here: host, env"));
    }

    /// The error's `line:column: message` and its help.
    fn refused(text: &str) -> (String, String) {
        let e = parse(text).unwrap_err();
        (
            format!(
                "{}:{}: {}",
                e.line.unwrap_or(0),
                e.column.unwrap_or(0),
                e.message
            ),
            e.help.unwrap_or_default(),
        )
    }

    #[test]
    fn bad_versions_and_times_are_input_errors_at_the_value() {
        let (e, help) = refused(r#"{"privilege_manager": {"installed_version": "eleven"}}"#);
        assert!(
            e.starts_with("1:45: privilege_manager.installed_version: \"eleven\" is not a version"),
            "{e}"
        );
        assert!(help.contains("\"11.0.1040\""), "{help}");
        let (e, _) = refused("{\n\"secret_server\": {\"database_backup_at\": \"yesterday\"}}");
        assert_eq!(
            e,
            "2:41: secret_server.database_backup_at: \"yesterday\" is not an RFC 3339 time"
        );
    }

    #[test]
    fn a_time_without_an_offset_is_refused_at_the_value_with_the_fix() {
        // The last key of its object: the position is the value's, not the next line's.
        let text =
            "{\n  \"privilege_manager\": {\n    \"upgraded_at\": \"2026-12-01T21:55:00\"\n  }\n}\n";
        let (e, help) = refused(text);
        assert_eq!(
            e,
            "3:20: privilege_manager.upgraded_at: \"2026-12-01T21:55:00\" has no UTC offset, so which moment it means depends on a time zone upgate cannot know"
        );
        assert!(
            help.starts_with(
                "add Z or the server's offset, e.g. 2026-12-01T21:55:00Z or 2026-12-01T21:55:00+01:00"
            ),
            "{help}"
        );
        let (e, _) = refused(r#"{"secret_server": {"database_backup_at": "2026-12-01 20:00"}}"#);
        assert!(e.contains("has no UTC offset"), "{e}");
        let (e, help) = refused(r#"{"password_secure": {"backup_at": "2026-12-01"}}"#);
        assert_eq!(
            e,
            "1:35: password_secure.backup_at: \"2026-12-01\" is a date, but a time is needed here"
        );
        assert!(help.contains("2026-12-01T22:00:00Z"), "{help}");
    }

    #[test]
    fn dates_are_dates_alone() {
        let f = parse(r#"{"password_secure": {"maintenance_until": "2026-06-30", "target_release_date": "2025-11-04"}}"#)
            .unwrap();
        assert_eq!(
            f.date("password_secure.maintenance_until")
                .map(|d| d.to_string()),
            Some("2026-06-30".into())
        );
        assert_eq!(
            f.date("password_secure.target_release_date")
                .map(|d| d.to_string()),
            Some("2025-11-04".into())
        );
        assert_eq!(f.moment("password_secure.maintenance_until"), None);
        let (e, help) =
            refused(r#"{"password_secure": {"maintenance_until": "2026-06-30T00:00:00"}}"#);
        assert_eq!(
            e,
            "1:43: password_secure.maintenance_until: \"2026-06-30T00:00:00\" is a time, but a date is needed here"
        );
        assert_eq!(help, "write the date alone: 2026-06-30");
    }

    #[test]
    fn enum_values_are_read_in_any_case() {
        let f = parse(
            r#"{"password_secure": {"web_server": "IIS", "services": [
                {"name": "a", "state": "Running"}, {"name": "b", "state": "STOPPED"}]}}"#,
        )
        .unwrap();
        let nps = f.password_secure.unwrap();
        assert_eq!(nps.web_server, Some(WebServer::Iis));
        let states: Vec<_> = nps.services.unwrap().iter().map(|s| s.state).collect();
        assert_eq!(states, [ServiceState::Running, ServiceState::Stopped]);
        let f = parse(r#"{"password_secure": {"web_server": "Apache"}}"#).unwrap();
        assert_eq!(
            f.password_secure.unwrap().web_server,
            Some(WebServer::Apache)
        );
    }

    #[test]
    fn a_bad_enum_value_names_the_values() {
        let text = "{\"password_secure\": {\"services\": [\n  {\"name\": \"a\", \"state\": \"Runing\"}\n]}}";
        let (e, help) = refused(text);
        assert_eq!(
            e,
            "2:26: password_secure.services[0].state: \"Runing\" is not a service state"
        );
        assert_eq!(
            help,
            "did you mean \"running\"? (write \"running\" or \"stopped\" (any case))"
        );
        // ConvertTo-Json's number for ServiceControllerStatus.Running
        let (e, help) = refused(r#"{"password_secure": {"services": {"name": "a", "state": 4}}}"#);
        assert_eq!(
            e,
            "1:57: password_secure.services.state: the number 4 is not a service state"
        );
        assert!(help.contains("-EnumsAsStrings"), "{help}");
        let (e, _) = refused(r#"{"password_secure": {"web_server": "nginx"}}"#);
        assert_eq!(
            e,
            "1:36: password_secure.web_server: \"nginx\" is not a web server"
        );
    }

    #[test]
    fn a_single_item_stands_for_a_list_of_one() {
        // What ConvertTo-Json writes for one-element arrays.
        let f = parse(
            r#"{"backups": {"search_dirs": "D:\\Backups"},
                "password_secure": {
                  "services": {"name": "Netwrix Password Secure Service", "state": "Stopped"},
                  "databases": {"name": "db", "active": true, "patch_level": "9.3.1.33994"},
                  "client_versions": "9.3.1.33994"}}"#,
        )
        .unwrap();
        assert_eq!(f.backup_search_dirs(), [r"D:\Backups"]);
        let nps = f.password_secure.unwrap();
        assert_eq!(nps.services.unwrap().len(), 1);
        assert_eq!(nps.databases.unwrap()[0].name, "db");
        assert_eq!(nps.client_versions.unwrap()[0].to_string(), "9.3.1.33994");
        // null is no list, as when the key is left out
        let f = parse(r#"{"password_secure": {"services": null, "client_versions": []}}"#).unwrap();
        let nps = f.password_secure.unwrap();
        assert_eq!(nps.services, None);
        assert_eq!(nps.client_versions, Some(vec![]));
        // a bad version alone is still located
        let (e, _) = refused(r#"{"password_secure": {"client_versions": "nine"}}"#);
        assert!(
            e.starts_with("1:41: password_secure.client_versions: \"nine\" is not a version"),
            "{e}"
        );
    }

    #[test]
    fn type_errors_name_the_key_the_shape_and_an_example() {
        let (e, help) = refused(r#"{"password_secure": {"services": ["a"]}}"#);
        assert_eq!(
            e,
            "1:35: password_secure.services[0]: expected a service, found the string \"a\""
        );
        assert_eq!(
            help,
            r#"for example {"name": "Netwrix Password Secure Service", "state": "stopped"}"#
        );
        let (e, help) = refused("{\"backups\": {\n  \"max_age_hours\": \"24\"\n}}");
        assert_eq!(
            e,
            "2:20: backups.max_age_hours: expected a whole number of hours, found the string \"24\""
        );
        assert_eq!(help, "for example 24");
        let (e, _) = refused(r#"{"backups": {"max_age_hours": -1}}"#);
        assert_eq!(
            e,
            "1:31: backups.max_age_hours: expected a whole number of hours, found the number -1"
        );
        let (e, _) =
            refused(r#"{"password_secure": {"databases": [{"name": "db", "active": "yes"}]}}"#);
        assert_eq!(
            e,
            "1:61: password_secure.databases[0].active: expected true or false, found the string \"yes\""
        );
        let (e, _) = refused(r#"{"privilege_manager": []}"#);
        assert_eq!(
            e,
            "1:23: privilege_manager: expected an object, found a list"
        );
        let (e, help) =
            refused(r#"{"privilege_manager": {"installed_packages": {"ThycoticTms": 11}}}"#);
        assert_eq!(
            e,
            "1:62: privilege_manager.installed_packages.ThycoticTms: expected a version string, found the number 11"
        );
        assert_eq!(help, r#"for example "11.0.1040""#);
        let (e, _) = refused(r#"{"host": ["a"]}"#);
        assert_eq!(
            e,
            "1:10: host: expected the server's name (a string), found a list"
        );
        let (e, _) = refused("[]");
        assert_eq!(e, "1:1: expected an object of facts, found a list");
    }

    #[test]
    fn a_missing_key_points_at_its_object() {
        let text = "{\"password_secure\": {\"services\": [\n  {\"state\": \"running\"}\n]}}";
        let (e, help) = refused(text);
        assert_eq!(e, "2:3: password_secure.services[0]: `name` is missing");
        assert!(help.starts_with("a service, e.g. {"), "{help}");
        let (e, _) = refused(r#"{"password_secure": {"services": {"name": "a"}}}"#);
        assert_eq!(e, "1:34: password_secure.services: `state` is missing");
    }

    #[test]
    fn a_duplicate_key_points_at_the_second() {
        let (e, _) = refused("{\"host\": \"a\",\n \"host\": \"b\"}");
        assert_eq!(e, "2:2: `host` is given twice");
    }

    /// Whatever the text, an error (or facts), never a panic: every cut of a facts file
    /// and every character replaced by one that breaks it differently.
    #[test]
    fn damaged_facts_never_panic() {
        let text = "{\"host\": \"h\", \"env\": {\"A\": \"é\"},\n \"password_secure\": {\"services\": [{\"name\": \"a\", \"state\": \"Running\"}, {\"name\": \"b\", \"state\": 4}],\n \"client_versions\": \"9.3\", \"backup_at\": \"2026-12-01T20:00:00Z\"},\n \"privilege_manager\": {\"installed_packages\": {\"A.B\": \"1.0\"}, \"upgraded_at\": \"2026-12-01t20:00:00+01:00\"}}";
        for cut in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            let _ = parse(&text[..cut]);
        }
        for (i, _) in text.char_indices() {
            for with in ["\"", "{", "]", "\\", "1", "é", " "] {
                let mut damaged = text.to_string();
                let end = i + text[i..].chars().next().map_or(0, char::len_utf8);
                damaged.replace_range(i..end, with);
                if let Err(e) = parse(&damaged) {
                    assert!(e.line.is_some(), "{damaged}: {e}");
                }
            }
        }
    }

    /// Serde's own list of the fields of the object at `path` (`password_secure`,
    /// `password_secure.databases[]`, or "" for the top level): the help of the error
    /// for a key nothing is near.
    fn serde_fields(path: &str) -> BTreeSet<String> {
        let mut json = r#"{"zzzzzzzzzzzzzzzz": 0}"#.to_string();
        for part in path.split('.').filter(|p| !p.is_empty()).rev() {
            json = match part.strip_suffix("[]") {
                Some(list) => format!(r#"{{"{list}": [{json}]}}"#),
                None => format!(r#"{{"{part}": {json}}}"#),
            };
        }
        let help = parse(&json).unwrap_err().help.unwrap_or_default();
        let fields = help
            .strip_prefix("valid keys here: ")
            .unwrap_or_else(|| panic!("{path}: {help}"));
        fields.split(", ").map(str::to_string).collect()
    }

    #[test]
    fn keys_are_exactly_the_fields_serde_accepts() {
        // Every object the keys reach (the top level, sections, list items) holds
        // exactly the fields serde knows: a struct field missing from KEYS fails here.
        let mut objects: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
        for (key, _, _) in KEYS {
            let parts: Vec<&str> = key.split('.').collect();
            for (i, field) in parts.iter().enumerate() {
                let object = &key[..parts[..i].iter().map(|p| p.len() + 1).sum::<usize>()];
                objects
                    .entry(object.trim_end_matches('.'))
                    .or_default()
                    .insert(field.trim_end_matches("[]").to_string());
            }
        }
        for (object, fields) in &objects {
            assert_eq!(&serde_fields(object), fields, "fields of `{object}`");
        }
        // No struct beyond the ones KEYS reaches, and no key twice.
        assert_eq!(
            objects.keys().copied().collect::<Vec<_>>(),
            [
                "",
                "backups",
                "captures",
                "password_secure",
                "password_secure.databases[]",
                "password_secure.services[]",
                "privilege_manager",
                "secret_server"
            ]
        );
        let unique: BTreeSet<_> = KEYS.iter().map(|(k, _, _)| k).collect();
        assert_eq!(unique.len(), KEYS.len());
    }

    /// `text` with the value of every [`KEYS`] key it holds set to the key's example.
    fn filled(text: &str) -> String {
        let mut json: serde_json::Value = serde_json::from_str(text).unwrap();
        for (key, example, _) in KEYS.iter().filter(|(k, _, _)| !k.contains("[]")) {
            let pointer = format!("/{}", key.replace('.', "/"));
            if let Some(value) = json.pointer_mut(&pointer) {
                *value = serde_json::from_str(example).unwrap();
            }
        }
        json.to_string()
    }

    #[test]
    fn the_template_is_refused_until_filled_and_parses_once_filled() {
        let text = template(&[]);
        let (e, help) = refused(&text);
        assert_eq!(
            e,
            "2:11: host: still the template's placeholder \"<this server's name, e.g. pam-web-01>\": replace it with the server's name (a string) or delete the key"
        );
        assert_eq!(
            help,
            "for example \"pam-web-01\"; docs/facts.md#host says where to read it"
        );
        // Every key with its example: each placeholder stands where a value of its shape goes.
        let f = parse(&filled(&text)).unwrap();
        assert!(f.secret_server.is_some() && f.password_secure.is_some());
        // One product's template: its section and the shared keys only.
        let pm_only = parse(&filled(&template(&[Product::Pm]))).unwrap();
        assert!(pm_only.secret_server.is_none() && pm_only.password_secure.is_none());
        assert!(pm_only.privilege_manager.is_some() && pm_only.captures.is_some());
        let nps_only = parse(&filled(&template(&[Product::Nps]))).unwrap();
        assert!(nps_only.captures.is_none() && nps_only.backups.is_some());
    }

    #[test]
    fn a_placeholder_is_refused_whatever_the_key_s_type() {
        // A flag, a number, a list's item and a free map's value: the placeholder, not the type.
        for (key, text, at) in [
            (
                "password_secure.server_manager_password_noted",
                r#"{"password_secure": {"server_manager_password_noted": "<true or false: …>"}}"#,
                "1:55",
            ),
            (
                "backups.max_age_hours",
                "{\"backups\": {\n  \"max_age_hours\": \"<hours>\"}}",
                "2:20",
            ),
            (
                "password_secure.services[0].state",
                r#"{"password_secure": {"services": [{"name": "a", "state": "<running or stopped>"}]}}"#,
                "1:58",
            ),
            (
                "env.ProgramData",
                r#"{"env": {"ProgramData": "<its value>"}}"#,
                "1:25",
            ),
        ] {
            let (e, help) = refused(text);
            assert!(
                e.starts_with(&format!(
                    "{at}: {key}: still the template's placeholder \"<"
                )),
                "{e}"
            );
            assert!(e.ends_with(" or delete the key"), "{e}");
            assert!(help.ends_with("says where to read it"), "{key}: {help}");
        }
        // Under a misspelt key: still the placeholder first, without a link to no entry.
        let e = parse(r#"{"hots": "<this server's name>"}"#).unwrap_err();
        assert_eq!(e.help, None);
        let (e, _) = refused(r#"{"hots": "<this server's name>"}"#);
        assert!(
            e.starts_with("1:10: hots: still the template's placeholder"),
            "{e}"
        );
        assert!(e.contains("replace it with the value it describes"), "{e}");
        // The first in the text, whatever the order of keys in an object.
        let (e, _) = refused(r#"{"secret_server": {"web_dir": "<b>", "backup_dir": "<a>"}}"#);
        assert!(e.starts_with("1:31: secret_server.web_dir: "), "{e}");
        // `<` alone, or angle brackets inside a value, are values.
        let f = parse(r#"{"host": "<", "env": {"A": "a <b>", "B": "<c> d"}}"#).unwrap();
        assert_eq!(f.host.as_deref(), Some("<"));
    }

    #[test]
    fn doc_links_are_github_heading_anchors() {
        assert_eq!(
            doc_link("password_secure.services[].state"),
            "docs/facts.md#password_secureservicesstate"
        );
        assert_eq!(doc_link("host"), "docs/facts.md#host");
    }

    #[test]
    fn not_json_is_an_error_not_empty_facts() {
        assert!(parse("").is_err());
        assert!(parse("[]").is_err());
        assert!(parse("{\"host\": \"a\"").is_err());
    }
}

//! What the fleet rules compare of one node ([`NodeState`]), taken from its
//! scan's report, its facts and, through [`Server`], the files the scan's
//! readers find: the NugetCache (read as PM003/PM005 read it) and Secret
//! Server's encryption.config (hashed, never kept). Anything that could not
//! be read is [`Known::Unknown`] with why: the checks never count it as equal.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::Serialize;

use crate::facts::Facts;
use crate::inputs::{Inputs, Loaded, PackageState};
use crate::model::{Product, Status};
use crate::report::Report;
use crate::server::{FsError, Server};

/// The NugetCache folder, as the Privilege Manager rules name it (PM003-PM006;
/// a unit test keeps the two the same).
pub const NUGETCACHE: &str = r"%ProgramData%\NugetCache\";

/// The TMS web.config key PM004 reads.
pub const SOLUTION_CENTRE: &str = "nuget:source:SolutionCentre";

/// Secret Server's master key file, in its web folder.
pub const ENCRYPTION_CONFIG: &str = "encryption.config";

/// A value, or why it is not known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Known<T> {
    Known(T),
    Unknown(String),
}

impl<T> Known<T> {
    pub fn known(&self) -> Option<&T> {
        match self {
            Known::Known(v) => Some(v),
            Known::Unknown(_) => None,
        }
    }
}

/// What the fleet rules compare of one node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NodeState {
    /// The products in scope of its scan.
    pub products: Vec<Product>,
    /// facts.json `collected_at`.
    #[serde(serialize_with = "as_text")]
    pub collected_at: Option<Timestamp>,
    /// The installed version of each product in scope, from facts.json.
    pub versions: BTreeMap<Product, Known<String>>,
    /// Each product's target version (facts.json or `--target`), as its scan used it.
    pub targets: BTreeMap<Product, String>,
    /// Privilege Manager's side, when it is in scope.
    pub tms: Option<TmsState>,
    /// The SHA-256 of Secret Server's encryption.config, when Secret Server is in scope.
    pub encryption_config: Option<Known<FileDigest>>,
}

/// A file's identity: its SHA-256 in hex, or that it is not there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileDigest {
    /// Compared whole; written out (JSON) as its first 12 hex digits only, as
    /// the messages show it: a report never carries encryption.config's digest.
    Sha256(#[serde(serialize_with = "prefix")] String),
    Missing,
}

fn prefix<S: serde::Serializer>(hex: &str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format!("{}…", &hex[..hex.len().min(12)]))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TmsState {
    /// Package id → installed version (facts.json `privilege_manager.installed_packages`).
    pub installed_packages: Known<BTreeMap<String, String>>,
    /// The SolutionCentre value PM004 read (`None`: the key is not set, or PM004 did not read it).
    pub solution_centre: Option<String>,
    /// PM004's status on this node and its message (`None`: it reported nothing).
    pub pm004: Option<(Status, String)>,
    /// What the NugetCache holds.
    pub cache: Known<Cache>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cache {
    /// The folder as the server names it.
    pub folder: String,
    /// The folder does not exist (no packages).
    pub missing: bool,
    pub packages: Vec<CachedPackage>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CachedPackage {
    /// The server path of the `.nupkg`.
    pub file: String,
    /// Id and version: the nuspec's, else the file name's; `None` when neither says.
    pub id: Option<String>,
    pub version: Option<String>,
    pub sha256: Known<String>,
}

impl CachedPackage {
    /// What makes two nodes' packages the same package: id (case-insensitive) and
    /// normalized version, else the file name.
    pub fn key(&self) -> String {
        match (&self.id, &self.version) {
            (Some(id), Some(v)) => format!("{} {v}", id.to_lowercase()),
            _ => self
                .file
                .rsplit(['\\', '/'])
                .next()
                .unwrap_or(&self.file)
                .to_lowercase(),
        }
    }

    /// "ThycoticTms 11.0.1040", for messages.
    pub fn label(&self) -> String {
        match (&self.id, &self.version) {
            (Some(id), Some(v)) => format!("{id} {v}"),
            _ => self
                .file
                .rsplit(['\\', '/'])
                .next()
                .unwrap_or(&self.file)
                .to_string(),
        }
    }
}

fn as_text<S: serde::Serializer>(t: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_some(&t.to_string()),
        None => s.serialize_none(),
    }
}

/// A node's [`NodeState`]: `report` is its scan's, `facts` and `server` what it scanned.
pub fn observe(server: &Server, facts: &Facts, report: &Report) -> NodeState {
    let products = report.scan.products.clone();
    let mut versions = BTreeMap::new();
    for product in &products {
        let key = version_fact(*product);
        versions.insert(
            *product,
            match facts.version(key) {
                Some(v) => Known::Known(v.to_string()),
                None => Known::Unknown(format!("facts.json has no {key}")),
            },
        );
    }
    let mut inputs = Inputs::new(server);
    let tms = products
        .contains(&Product::Pm)
        .then(|| tms_state(&mut inputs, server, facts, report));
    let encryption_config = products
        .contains(&Product::Ss)
        .then(|| encryption_config(&mut inputs, server, facts));
    NodeState {
        products,
        collected_at: facts.collected_at.map(|m| m.0),
        versions,
        targets: report.scan.targets.clone(),
        tms,
        encryption_config,
    }
}

/// The facts.json key of a product's installed version.
pub fn version_fact(product: Product) -> &'static str {
    match product {
        Product::Ss => "secret_server.installed_version",
        Product::Pm => "privilege_manager.installed_version",
        Product::Nps => "password_secure.server_version",
    }
}

fn tms_state(inputs: &mut Inputs<'_>, server: &Server, facts: &Facts, report: &Report) -> TmsState {
    let installed_packages = match facts.packages("privilege_manager.installed_packages") {
        Some(p) => Known::Known(
            p.iter()
                .map(|(id, v)| (id.clone(), v.0.to_normalized_string()))
                .collect(),
        ),
        None => Known::Unknown("facts.json has no privilege_manager.installed_packages".into()),
    };
    let pm004 = report
        .results
        .iter()
        .find(|r| r.rule_id == "PM004")
        .map(|r| (r.status, r.message.clone()));
    let solution_centre = report
        .observed_state
        .settings
        .iter()
        .find(|s| s.key.eq_ignore_ascii_case(SOLUTION_CENTRE))
        .and_then(|s| s.value.clone());
    TmsState {
        installed_packages,
        solution_centre,
        pm004,
        cache: cache(inputs, server),
    }
}

fn cache(inputs: &mut Inputs<'_>, server: &Server) -> Known<Cache> {
    let loaded = inputs.feed(NUGETCACHE);
    match &*loaded {
        Loaded::Found(feed) => {
            let packages = feed
                .packages
                .iter()
                .map(|p| {
                    let identity = p.identity();
                    let sha256 = match (&p.file, &p.content) {
                        (Err(e), _) | (_, PackageState::Unreadable(e)) => {
                            Known::Unknown(e.to_string())
                        }
                        (Ok(file), _) => digest(server, file),
                    };
                    CachedPackage {
                        file: p.server_path.to_string(),
                        id: identity.as_ref().map(|(id, _)| id.clone()),
                        version: identity.map(|(_, v)| v.to_normalized_string()),
                        sha256,
                    }
                })
                .collect();
            Known::Known(Cache {
                folder: feed.folder.server.to_string(),
                missing: false,
                packages,
            })
        }
        Loaded::Missing { path, .. } => Known::Known(Cache {
            folder: path.to_string(),
            missing: true,
            packages: Vec::new(),
        }),
        Loaded::Failed { location, error } => {
            Known::Unknown(format!("{}: {error}", location.server_path))
        }
    }
}

fn digest(server: &Server, file: &crate::server::Resolved) -> Known<String> {
    match server.sha256(file) {
        Ok(bytes) => Known::Known(bytes.iter().map(|b| format!("{b:02x}")).collect()),
        Err(e) => Known::Unknown(e.to_string()),
    }
}

fn encryption_config(inputs: &mut Inputs<'_>, server: &Server, facts: &Facts) -> Known<FileDigest> {
    let dirs = inputs.web_dirs(facts);
    let Some(dir) = dirs.of(Product::Ss) else {
        return Known::Unknown("no Secret Server web folder".into());
    };
    let folder = match dir.value() {
        Ok(f) => f,
        Err(why) => return Known::Unknown(why),
    };
    let path = format!("{}\\{ENCRYPTION_CONFIG}", folder.trim_end_matches('\\'));
    match server.resolve_str(&path) {
        Ok(file) => match digest(server, &file) {
            Known::Known(hex) => Known::Known(FileDigest::Sha256(hex)),
            Known::Unknown(why) => Known::Unknown(why),
        },
        Err(FsError::NotFound { .. }) => Known::Known(FileDigest::Missing),
        Err(e) => Known::Unknown(format!("{path}: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_folder_is_the_privilege_manager_rules_own() {
        let rules = crate::rules::RuleSet::builtin().unwrap();
        for id in ["PM003", "PM005", "PM006"] {
            let check = format!("{:?}", rules.find(id).unwrap().check);
            assert!(check.contains(&format!("{NUGETCACHE:?}")), "{id}: {check}");
        }
        let pm004 = format!("{:?}", rules.find("PM004").unwrap().check);
        assert!(pm004.contains(&format!("{SOLUTION_CENTRE:?}")), "{pm004}");
    }

    #[test]
    fn packages_are_the_same_by_id_in_any_case_and_version() {
        let p = |id: &str, v: &str| CachedPackage {
            file: format!(r"C:\ProgramData\NugetCache\{id}.{v}.nupkg"),
            id: Some(id.into()),
            version: Some(v.into()),
            sha256: Known::Unknown("x".into()),
        };
        assert_eq!(
            p("ThycoticTms", "11.0.1040").key(),
            p("thycotictms", "11.0.1040").key()
        );
        assert_ne!(
            p("ThycoticTms", "11.0.1040").key(),
            p("ThycoticTms", "11.1.1156").key()
        );
        let odd = CachedPackage {
            id: None,
            version: None,
            ..p("Broken", "1")
        };
        assert_eq!(odd.key(), "broken.1.nupkg");
        assert_eq!(odd.label(), "Broken.1.nupkg");
    }
}

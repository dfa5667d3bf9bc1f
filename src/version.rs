//! `upgate --version` and `upgate version`: the build (version, commit, date,
//! from build.rs) and what it judges with (the built-in rule packs, each
//! identified by its SHA-256 since packs carry no version, and the Password
//! Secure release catalog).

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::model::Product;
use crate::rules::RuleSet;

/// The git commit upgate was built from (`a43baee`, `a43baee-dirty`, or `unknown`).
pub const COMMIT: &str = env!("UPGATE_GIT_COMMIT");
/// The build date, `YYYY-MM-DD` (SOURCE_DATE_EPOCH, else the commit's date), or `unknown`.
pub const BUILD_DATE: &str = env!("UPGATE_BUILD_DATE");

#[derive(Debug, Serialize)]
pub struct Info {
    pub version: &'static str,
    pub commit: &'static str,
    pub build_date: &'static str,
    pub rule_packs: Vec<Pack>,
    pub release_catalog: CatalogInfo,
}

#[derive(Debug, Serialize)]
pub struct Pack {
    /// As rule origins name it: `rules/privilege-manager.toml`.
    pub file: String,
    /// The product code (`pm`).
    pub product: String,
    pub rules: usize,
    /// The first 12 hex digits of the pack's SHA-256: its version identity.
    pub sha256: String,
}

#[derive(Debug, Serialize)]
pub struct CatalogInfo {
    pub product: &'static str,
    pub releases: usize,
    pub newest_version: Option<String>,
    /// The latest date any release in the catalog has (not every one has a date).
    pub newest_date: Option<String>,
}

pub fn info() -> Info {
    let rule_packs = crate::rules::builtin_sources()
        .iter()
        .map(|source| {
            let table: toml::Table = source.text.parse().unwrap_or_default();
            let digest = Sha256::digest(source.text.as_bytes());
            let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            Pack {
                file: source.name.clone(),
                product: table
                    .get("product")
                    .and_then(|p| p.as_str())
                    .unwrap_or("unknown")
                    .to_string(),
                rules: table
                    .get("rule")
                    .and_then(|r| r.as_array())
                    .map_or(0, Vec::len),
                sha256: hex[..12].to_string(),
            }
        })
        .collect();
    let set = RuleSet::builtin().ok();
    let releases = set
        .as_ref()
        .map_or(&[][..], |s| s.catalog(Product::Nps).releases());
    let release_catalog = CatalogInfo {
        product: Product::Nps.code(),
        releases: releases.len(),
        // The catalog is in release order.
        newest_version: releases.last().map(|r| r.version.to_string()),
        newest_date: releases
            .iter()
            .filter_map(|r| r.date)
            .max()
            .map(|d| d.to_string()),
    };
    Info {
        version: env!("CARGO_PKG_VERSION"),
        commit: COMMIT,
        build_date: BUILD_DATE,
        rule_packs,
        release_catalog,
    }
}

/// What `--version` prints after `upgate `.
pub fn long_text() -> String {
    let i = info();
    let mut s = format!(
        "{}\ncommit:     {}\nbuild date: {}\nrule packs:\n",
        i.version, i.commit, i.build_date
    );
    for p in &i.rule_packs {
        s.push_str(&format!(
            "  {:<30} {:<4} {:>3} rules  sha256 {}\n",
            p.file, p.product, p.rules, p.sha256
        ));
    }
    let c = &i.release_catalog;
    s.push_str(&format!(
        "release catalog: {} ({}), {} releases, newest {}",
        Product::Nps.name(),
        c.product,
        c.releases,
        c.newest_version.as_deref().unwrap_or("none"),
    ));
    if let Some(date) = &c.newest_date {
        s.push_str(&format!(", newest known release date {date}"));
    }
    s.push('\n');
    s
}

/// `upgate version --format json`.
pub fn json() -> String {
    let mut s = serde_json::to_string_pretty(&info()).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_parses_and_names_every_pack_and_the_catalog() {
        let v: serde_json::Value = serde_json::from_str(&json()).unwrap();
        assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
        let packs = v["rule_packs"].as_array().unwrap();
        assert_eq!(packs.len(), crate::rules::builtin_sources().len());
        for p in packs {
            assert_eq!(p["sha256"].as_str().unwrap().len(), 12);
            assert!(p["rules"].as_u64().unwrap() > 0, "{p}");
        }
        assert!(v["release_catalog"]["releases"].as_u64().unwrap() > 0);
        assert!(v["release_catalog"]["newest_version"].is_string());
    }
}

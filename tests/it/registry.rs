//! The rule registry: every catalog id exists with its documentation, every
//! rule file is built in, and every rule has passing and failing fixtures.

use std::collections::BTreeMap;

use crate::common::repo;
use upgate::rules::{BUILTIN, RuleSet};

/// Catalog ids (rules.md) implemented so far. Ids are a contract.
const CATALOG: &[(&str, &str)] = &[
    ("SS001", "ss-offline-upgrade-supported"),
    ("SS002", "ss-upgrade-path"),
    ("SS003", "ss-web-folder-backup"),
    ("SS004", "ss-database-backup"),
    ("SS005", "ss-nugetcache-cleared"),
    ("PM001", "pm-offline-upgrade-supported"),
    ("PM002", "pm-tms-web-folder-backup"),
    ("PM003", "pm-nugetcache-populated"),
    ("PM004", "pm-solution-centre-offline-source"),
    ("PM005", "pm-package-integrity"),
    ("PM006", "pm-installed-matches-highest"),
    ("PM007", "pm-nugetcache-acl-inherited"),
    ("PM008", "pm-web-folder-backup-after-upgrade"),
    ("PM012", "pm-database-backup"),
    ("PM013", "pm-tms-iis-setup"),
    ("PM014", "pm-offline-package-in-cache"),
    ("NPS001", "nps-maintenance-covers-target"),
    ("NPS002", "nps-backup-before-update"),
    ("NPS003", "nps-client-server-compatibility"),
    ("NPS004", "nps-server-manager-password-noted"),
    ("NPS005", "nps-services-stopped"),
    ("NPS006", "nps-databases-patch-level"),
    ("NPS007", "nps-config-bat-removed"),
    ("NPS008", "nps-iis-websocket"),
    ("NPS009", "nps-apache-proxy-wstunnel"),
    ("NPS010", "nps-client-update-check-restricted"),
    ("NPS011", "nps-changelog-reviewed"),
    ("NPS014", "nps-iis-prerequisites"),
    ("NPS015", "nps-apache-prerequisites"),
];

const SEEDS: &[&str] = &[
    "000_59f0d1a061667c3b.txt",
    "001_2a69dabc91e2de3f.txt",
    "002_caa01faaed2dcb1a.txt",
];

#[test]
fn every_catalog_rule_exists_with_its_slug_and_documentation() {
    let rules = RuleSet::builtin().unwrap();
    for (id, slug) in CATALOG {
        let r = rules
            .find(id)
            .unwrap_or_else(|| panic!("{id} is not defined"));
        assert_eq!(r.slug, *slug, "{id}");
        assert!(r.summary.len() > 80, "{id}: summary too thin");
        assert!(r.remediation.len() > 60, "{id}: remediation too thin");
        assert!(!r.inputs.is_empty(), "{id}: names no inputs");
        assert!(
            SEEDS.iter().any(|s| r.source.contains(s)) || r.source.contains("domain.md"),
            "{id}: source cites neither a seed nor domain.md: {}",
            r.source
        );
    }
}

#[test]
fn every_rule_file_is_built_in() {
    let mut on_disk: Vec<String> = std::fs::read_dir(repo().join("rules"))
        .unwrap()
        .map(|e| format!("rules/{}", e.unwrap().file_name().to_string_lossy()))
        .filter(|n| n.ends_with(".toml"))
        .collect();
    on_disk.sort();
    let mut built: Vec<String> = BUILTIN.iter().map(|(n, _)| n.to_string()).collect();
    // The fleet rules are the fleet module's own pack (`upgate::fleet::rules`).
    built.push(upgate::fleet::rules::BUILTIN.0.to_string());
    built.sort();
    assert_eq!(on_disk, built);
}

/// Each rule needs a fixture where it passes and one where it fails (or errors);
/// a rule that is always a checklist item, one for each of its severities.
#[test]
fn every_rule_has_passing_and_failing_fixtures() {
    let mut seen: BTreeMap<String, (bool, bool)> = BTreeMap::new();
    let mut manual: BTreeMap<String, std::collections::BTreeSet<String>> = BTreeMap::new();
    for entry in std::fs::read_dir(repo().join("fixtures")).unwrap() {
        let expect = entry.unwrap().path().join("expect.toml");
        let Ok(text) = std::fs::read_to_string(&expect) else {
            continue;
        };
        let value: toml::Table = toml::from_str(&text).unwrap();
        for (rule, statuses) in value["results"].as_table().unwrap() {
            for s in statuses.as_array().unwrap() {
                let s = s.as_str().unwrap();
                if s.starts_with("manual@") {
                    manual
                        .entry(rule.clone())
                        .or_default()
                        .insert(s.to_string());
                }
                let e = seen.entry(rule.clone()).or_default();
                e.0 |= s == "pass";
                // `fail@warning`: a failure at the result's own severity.
                e.1 |= s == "fail" || s.starts_with("fail@") || s == "error";
            }
        }
    }
    let rules = RuleSet::builtin().unwrap();
    for rule in rules.iter() {
        if rule.check.kind() == "changelog_review" {
            // Always a checklist item: its two modes are the plain and the warning one.
            let modes = manual.get(&rule.id).cloned().unwrap_or_default();
            for mode in ["manual@note", "manual@warning"] {
                assert!(modes.contains(mode), "{}: no fixture with {mode}", rule.id);
            }
            continue;
        }
        let (pass, fail) = seen.get(&rule.id).copied().unwrap_or_default();
        assert!(pass, "{}: no fixture where it passes", rule.id);
        assert!(fail, "{}: no fixture where it fails", rule.id);
    }
}

/// SS008 judges the upgrade zip by SS002's stepping table, repeated in its own
/// parameters: the two must not drift apart.
#[test]
fn ss008_steps_as_ss002_does() {
    use upgate::rules::Check;
    let rules = RuleSet::builtin().unwrap();
    let check = |id: &str| &rules.find(id).unwrap().check;
    let (Check::UpgradePath(path), Check::UpgradePackage(package)) =
        (check("SS002"), check("SS008"))
    else {
        panic!("SS002 is upgrade_path and SS008 upgrade_package");
    };
    assert_eq!(package.path.stepping(), path.stepping());
    assert_eq!(package.path.installed, path.installed);
    assert_eq!(package.path.product, path.product);
}

//! `--format sarif` on every fixture (the shared scans of common::fixture_scans):
//! valid against the OASIS SARIF 2.1.0 schema (`tests/data/`), within GitHub code
//! scanning's ingestion rules, and snapshotted for a few fixtures (review
//! snapshot changes like code).

use std::collections::BTreeSet;

use crate::common::{self, Format, fixture_scan, fixture_scans};
use serde_json::Value;

/// Every fixture's SARIF, by fixture name, as written (paths not redacted:
/// the file:// URIs are validated as they are), from the shared scans.
fn sarif_of_every_fixture() -> Vec<(&'static str, Value)> {
    fixture_scans()
        .iter()
        .map(|scan| {
            assert_eq!(
                scan.code, scan.expect.exit,
                "{}: {}",
                scan.name, scan.stderr
            );
            (scan.name.as_str(), scan.parsed(Format::Sarif))
        })
        .collect()
}

/// The OASIS schema (draft-04), with its formats (uri, uri-reference,
/// date-time) asserted too.
pub(crate) struct Schema {
    schemas: boon::Schemas,
    index: boon::SchemaIndex,
}

impl Schema {
    pub(crate) fn load() -> Schema {
        let schema: Value =
            serde_json::from_str(include_str!("../data/sarif-schema-2.1.0.json")).unwrap();
        let mut compiler = boon::Compiler::new();
        compiler.enable_format_assertions();
        compiler
            .add_resource("file:///sarif-schema-2.1.0.json", schema)
            .unwrap();
        let mut schemas = boon::Schemas::new();
        let index = compiler
            .compile("file:///sarif-schema-2.1.0.json", &mut schemas)
            .unwrap();
        Schema { schemas, index }
    }

    /// Every violation, with where it is; `Ok` when the document is valid.
    pub(crate) fn check(&self, doc: &Value) -> Result<(), String> {
        self.schemas
            .validate(doc, self.index)
            .map_err(|e| format!("{e:#}"))
    }
}

#[test]
fn every_fixture_is_valid_against_the_sarif_schema() {
    let schema = Schema::load();
    let mut failures = Vec::new();
    for (name, sarif) in sarif_of_every_fixture() {
        if let Err(e) = schema.check(&sarif) {
            failures.push(format!("{name}: {e}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The validator is not vacuous: it refuses a broken document.
#[test]
fn the_schema_validator_refuses_broken_sarif() {
    let schema = Schema::load();
    let (_, sarif) = sarif_of_every_fixture()
        .into_iter()
        .find(|(_, s)| s["runs"][0]["results"][0].is_object())
        .unwrap();
    assert_eq!(schema.check(&sarif), Ok(()));
    let broken = |path: &[&str], value: &str| {
        let mut copy = sarif.clone();
        let mut at = &mut copy;
        for key in path {
            at = match key.parse::<usize>() {
                Ok(i) => &mut at[i],
                Err(_) => &mut at[*key],
            };
        }
        *at = value.into();
        schema.check(&copy).is_ok()
    };
    let base = ["runs", "0", "originalUriBaseIds", "SERVERROOT", "uri"];
    assert!(broken(&base, "file:///ok/"));
    assert!(!broken(&base, "file:///a b/"), "a space in a base uri");
    let rule_level = [
        "runs",
        "0",
        "tool",
        "driver",
        "rules",
        "0",
        "defaultConfiguration",
        "level",
    ];
    assert!(!broken(&rule_level, "fatal"), "an unknown level");
    assert!(!broken(&["version"], "2.0.0"), "another SARIF version");
    let result_uri = [
        "runs",
        "0",
        "results",
        "0",
        "locations",
        "0",
        "physicalLocation",
        "artifactLocation",
        "uri",
    ];
    assert!(broken(&result_uri, "Web%20Application/x"));
    assert!(
        !broken(&result_uri, "Web Application/x"),
        "a space in a uri"
    );
}

/// The rules GitHub code scanning applies when it ingests a SARIF file
/// (one location per result, tag and description limits, fingerprints).
#[test]
fn every_fixture_meets_github_ingestion_rules() {
    let mut results_seen = 0;
    for (name, sarif) in sarif_of_every_fixture() {
        let runs = sarif["runs"].as_array().unwrap();
        assert_eq!(runs.len(), 1, "{name}: one run");
        let run = &runs[0];
        let bases = run["originalUriBaseIds"].as_object().unwrap();
        for (id, base) in bases {
            let uri = base["uri"].as_str().unwrap();
            assert!(
                uri.starts_with("file:///") && uri.ends_with('/'),
                "{name}: base {id} = {uri}"
            );
        }
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(ids, sorted, "{name}: rules in id order, once each");
        for rule in rules {
            let id = rule["id"].as_str().unwrap();
            let tags = rule["properties"]["tags"].as_array().unwrap();
            assert!(!tags.is_empty() && tags.len() <= 20, "{name}: {id} tags");
            for key in ["shortDescription", "fullDescription"] {
                let text = rule[key]["text"].as_str().unwrap();
                assert!(
                    !text.is_empty() && text.chars().count() <= 1024,
                    "{name}: {id} {key}"
                );
            }
            for key in ["text", "markdown"] {
                assert!(rule["help"][key].is_string(), "{name}: {id} help.{key}");
            }
        }
        let results = run["results"]
            .as_array()
            .unwrap_or_else(|| panic!("{name}: `results` missing"));
        for r in results {
            results_seen += 1;
            let id = r["ruleId"].as_str().unwrap();
            let index = usize::try_from(r["ruleIndex"].as_u64().unwrap()).unwrap();
            assert_eq!(ids.get(index), Some(&id), "{name}: ruleIndex of {id}");
            assert!(
                r["partialFingerprints"]["upgate/v1"].is_string(),
                "{name}: {id} fingerprint"
            );
            assert!(
                matches!(r["level"].as_str(), Some("error" | "warning" | "note")),
                "{name}: {id} level"
            );
            let locations = r["locations"].as_array().unwrap();
            assert_eq!(locations.len(), 1, "{name}: {id} has one location");
            let artifact = &locations[0]["physicalLocation"]["artifactLocation"];
            let uri = artifact["uri"].as_str().unwrap();
            assert!(
                !uri.is_empty() && !uri.contains(' ') && !uri.contains('\\'),
                "{name}: {id} uri {uri:?}"
            );
            let base = artifact["uriBaseId"].as_str().unwrap();
            assert!(bases.contains_key(base), "{name}: {id} base {base}");
        }
    }
    assert!(results_seen > 0, "no fixture produced a SARIF result");
}

/// Exactly the `fail` and `error` findings of the JSON report become results
/// (no fixture has a waiver yet), with the same fingerprints.
#[test]
fn results_are_the_failing_findings() {
    for scan in fixture_scans() {
        let name = &scan.name;
        let json = scan.parsed(Format::Json);
        let sarif = scan.parsed(Format::Sarif);
        let failing: Vec<(String, String)> = json["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| matches!(r["status"].as_str(), Some("fail" | "error" | "waived")))
            .map(|r| {
                let level = if r["status"] == "error" {
                    "error"
                } else {
                    r["severity"].as_str().unwrap()
                };
                (
                    r["fingerprint"].as_str().unwrap().to_string(),
                    level.to_string(),
                )
            })
            .collect();
        let results: Vec<(String, String)> = sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["partialFingerprints"]["upgate/v1"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                    r["level"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(results, failing, "{name}");
        let rules: BTreeSet<&str> = json["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["rule_id"].as_str().unwrap())
            .collect();
        let described: BTreeSet<&str> = sarif["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        assert_eq!(described, rules, "{name}: every rule with a result");
    }
}

/// The Password Secure folder is "Web Application": its space is encoded.
#[test]
fn spaces_in_paths_are_percent_encoded() {
    let sarif = fixture_scan("nps-post-site-websocket-off").parsed(Format::Sarif);
    let uris: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(
        uris.iter().any(|u| u.contains("Web%20Application")),
        "{uris:?}"
    );
}

#[test]
fn sarif_output_snapshots() {
    let _snapshots = common::snapshots("sarif").bind_to_scope();
    let chosen = [
        "combined-pre-incomplete-backups",
        "nps-apache-upstream-http-only",
        "nps-post-site-websocket-off",
        "pm-post-reverted-to-online",
    ];
    for name in chosen {
        let sarif = fixture_scan(name).redacted(Format::Sarif);
        // The root's file:// URI is redacted with the rest of the staged path.
        assert!(
            sarif.contains(&format!("\"file://[REPO]/fixtures/{name}/root/\"")),
            "{name}: root URI not redacted:\n{sarif}"
        );
        insta::assert_snapshot!(name, sarif);
    }
}

/// `--report sarif=FILE` writes what `--format sarif` prints.
#[test]
fn report_file_matches_standard_output() {
    let name = "pm-post-reverted-to-online";
    let expect = &fixture_scan(name).expect;
    let (_tmp, staged) = common::stage_fixture(name, &expect.mtimes);
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("upgate.sarif");
    let report = format!("sarif={}", file.display());
    let run = common::scan(
        &staged,
        &expect.phase,
        &["--format", "sarif", "--report", &report],
    );
    assert_eq!(run.code, expect.exit, "{}", run.stderr);
    let written = std::fs::read_to_string(&file).unwrap();
    assert_eq!(written, run.stdout);
    assert!(written.ends_with("}\n"));
}

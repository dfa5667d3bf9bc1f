//! Every fixture under `fixtures/` is scanned as its `expect.toml` says, with
//! `--select` of the rules it lists (common::fixture_scans); the statuses and
//! exit status must match, and the text and JSON outputs are snapshotted
//! (review snapshot changes like code).

use std::collections::BTreeMap;

use crate::common::{self, Format, fixture_scans, repo};

/// Every fixture folder has a README and an expect.toml.
#[test]
fn every_fixture_is_documented() {
    for entry in std::fs::read_dir(repo().join("fixtures")).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() && path.join("root").is_dir() {
            assert!(
                path.join("README.md").is_file(),
                "{} has no README.md",
                path.display()
            );
            assert!(
                path.join("expect.toml").is_file(),
                "{} has no expect.toml",
                path.display()
            );
        }
    }
}

#[test]
fn fixtures_produce_the_expected_results() {
    let mut failures = Vec::new();
    for scan in fixture_scans() {
        let (name, expect) = (&scan.name, &scan.expect);
        assert_eq!(
            expect.now,
            common::NOW,
            "{name}: tests scan with common::NOW"
        );
        if scan.code != expect.exit {
            failures.push(format!(
                "{name}: exit {} (expected {})\n{}",
                scan.code, expect.exit, scan.stderr
            ));
            continue;
        }
        let json = scan.parsed(Format::Json);
        let mut got: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for r in json["results"].as_array().unwrap() {
            let mut status = r["status"].as_str().unwrap().to_string();
            let severity = r["severity"].as_str().unwrap();
            if (status == "fail" && severity != "error") || status == "manual" {
                status = format!("{status}@{severity}");
            }
            got.entry(r["rule_id"].as_str().unwrap().to_string())
                .or_default()
                .push(status);
        }
        if got != expect.results {
            failures.push(format!(
                "{name}:\n  expected {:?}\n  got      {:?}",
                expect.results, got
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn text_output_snapshots() {
    let _snapshots = common::snapshots("fixtures").bind_to_scope();
    for scan in fixture_scans() {
        insta::assert_snapshot!(format!("text-{}", scan.name), scan.redacted(Format::Text));
    }
}

#[test]
fn json_output_snapshots() {
    let _snapshots = common::snapshots("fixtures").bind_to_scope();
    for scan in fixture_scans() {
        insta::assert_snapshot!(format!("json-{}", scan.name), scan.redacted(Format::Json));
    }
}

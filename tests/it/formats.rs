//! The JUnit, Markdown and GitHub outputs on several fixtures (snapshots,
//! reviewed like code), JUnit's well-formedness on every fixture, and
//! `--report` writing several formats from one scan.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::{self, NOW, checked, redact_staged, run, stage_fixture, upgate};
use serde::Deserialize;

#[derive(Deserialize)]
struct Expect {
    phase: String,
    #[serde(default)]
    mtimes: BTreeMap<String, String>,
    #[serde(default)]
    args: Vec<String>,
}

fn expect(name: &str) -> Expect {
    let text = std::fs::read_to_string(common::fixture(name).join("expect.toml")).unwrap();
    toml::from_str(&text).unwrap()
}

/// Scans a staged fixture with the working directory at the staging folder
/// (as a CI job's workspace), output paths redacted.
fn scan_staged(name: &str, extra: &[&str]) -> common::Run {
    let e = expect(name);
    let (tmp, staged) = stage_fixture(name, &e.mtimes);
    let mut r = checked(run(upgate()
        .current_dir(tmp.path())
        .arg("scan")
        .arg(&staged)
        .args(["--phase", &e.phase, "--now", NOW])
        .args(&e.args)
        .args(extra)));
    r.stdout = redact_staged(&r.stdout, &staged, name);
    r
}

const SNAPSHOTTED: &[&str] = &[
    "combined-pre-incomplete-backups",
    "pm-post-reverted-to-online",
    "nps-pre-blocked",
    "nps-post-site-websocket-off",
];

#[test]
fn markdown_snapshots() {
    let _snapshots = common::snapshots("formats").bind_to_scope();
    for name in SNAPSHOTTED {
        let r = scan_staged(name, &["--format", "markdown"]);
        insta::assert_snapshot!(format!("markdown-{name}"), r.stdout);
    }
}

#[test]
fn junit_snapshots() {
    let _snapshots = common::snapshots("formats").bind_to_scope();
    for name in SNAPSHOTTED {
        let r = scan_staged(name, &["--format", "junit"]);
        insta::assert_snapshot!(format!("junit-{name}"), r.stdout);
    }
}

#[test]
fn github_snapshots() {
    let _snapshots = common::snapshots("formats").bind_to_scope();
    for name in SNAPSHOTTED {
        let r = scan_staged(name, &["--format", "github"]);
        insta::assert_snapshot!(format!("github-{name}"), r.stdout);
    }
}

fn fixture_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(common::repo().join("fixtures"))
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            p.join("expect.toml")
                .is_file()
                .then(|| p.file_name().unwrap().to_string_lossy().into_owned())
        })
        .collect();
    names.sort();
    names
}

/// Every fixture's JUnit parses (with upgate's own strict XML parser) and its
/// counts agree with the JSON report: one testcase per result of a product in
/// scope, a failure per fail/error, a skip per n/a, not evaluated, waived and manual.
#[test]
fn junit_is_well_formed_and_counts_every_result() {
    for name in fixture_names() {
        let junit = scan_staged(&name, &["--format", "junit"]);
        let json = scan_staged(&name, &["--format", "json"]).json();
        let doc = upgate::xml::parse(junit.stdout.as_bytes())
            .unwrap_or_else(|e| panic!("{name}: {e}\n{}", junit.stdout));
        let products: Vec<&str> = json["scan"]["products"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect();
        let results: Vec<&serde_json::Value> = json["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| products.contains(&r["product"].as_str().unwrap()))
            .collect();
        let count = |statuses: &[&str]| {
            results
                .iter()
                .filter(|r| statuses.contains(&r["status"].as_str().unwrap()))
                .count()
                .to_string()
        };
        let attr = |k: &str| doc.root.attr(k).unwrap().value.clone();
        assert_eq!(attr("tests"), results.len().to_string(), "{name}");
        assert_eq!(attr("failures"), count(&["fail", "error"]), "{name}");
        assert_eq!(
            attr("skipped"),
            count(&["not_applicable", "not_evaluated", "waived", "manual"]),
            "{name}"
        );
        let cases: usize = doc
            .root
            .children_named("testsuite")
            .map(|s| s.children_named("testcase").count())
            .sum();
        assert_eq!(cases, results.len(), "{name}");
    }
}

#[test]
fn one_scan_writes_several_formats() {
    let e = expect("nps-pre-blocked");
    let (tmp, staged) = stage_fixture("nps-pre-blocked", &e.mtimes);
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let file = |f: &str| out.join(f).display().to_string();
    let r = checked(run(upgate()
        .arg("scan")
        .arg(&staged)
        .args([
            "--phase", "pre", "--now", NOW, "--format", "text", "--color", "never",
        ])
        .args(["--report", &format!("json={}", file("r.json"))])
        .args(["--report", &format!("junit={}", file("r.xml"))])
        .args(["--report", &format!("markdown={}", file("r.md"))])));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.contains("NOT READY"));
    let same = |format: &str, f: &str| {
        let direct = checked(run(upgate()
            .arg("scan")
            .arg(&staged)
            .args(["--phase", "pre", "--now", NOW, "--format", format])));
        assert_eq!(
            std::fs::read_to_string(out.join(f)).unwrap(),
            direct.stdout,
            "{format}"
        );
    };
    same("json", "r.json");
    same("junit", "r.xml");
    same("markdown", "r.md");
    assert!(Path::new(&file("r.md")).is_file());
}

#[test]
fn an_unknown_report_format_names_the_known_ones() {
    let r = run(upgate()
        .arg("scan")
        .arg(common::fixture("pm-offline-ready"))
        .args(["--phase", "pre", "--report", "yaml=out.yaml"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("use text, json, sarif, junit, markdown or github"),
        "{}",
        r.stderr
    );
}

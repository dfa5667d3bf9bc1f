//! The JUnit, Markdown and GitHub outputs on several fixtures (snapshots of
//! common::fixture_scans, reviewed like code), JUnit's well-formedness on every
//! fixture, and `--report` writing several formats from one scan.

use std::path::Path;

use crate::common::{
    self, Format, NOW, checked, fixture_scan, fixture_scans, run, stage_fixture, upgate,
};

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
        insta::assert_snapshot!(
            format!("markdown-{name}"),
            fixture_scan(name).redacted(Format::Markdown)
        );
    }
}

#[test]
fn junit_snapshots() {
    let _snapshots = common::snapshots("formats").bind_to_scope();
    for name in SNAPSHOTTED {
        insta::assert_snapshot!(
            format!("junit-{name}"),
            fixture_scan(name).redacted(Format::Junit)
        );
    }
}

#[test]
fn github_snapshots() {
    let _snapshots = common::snapshots("formats").bind_to_scope();
    for name in SNAPSHOTTED {
        insta::assert_snapshot!(
            format!("github-{name}"),
            fixture_scan(name).redacted(Format::Github)
        );
    }
}

/// Every fixture's JUnit parses (with upgate's own strict XML parser) and its
/// counts agree with the JSON report: one testcase per result of a product in
/// scope, a failure per fail/error, a skip per n/a, not evaluated, waived and manual.
#[test]
fn junit_is_well_formed_and_counts_every_result() {
    for scan in fixture_scans() {
        let (name, junit) = (&scan.name, scan.raw(Format::Junit));
        let json = scan.parsed(Format::Json);
        let doc =
            upgate::xml::parse(junit.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}\n{junit}"));
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
        // A check that could not run at or above the gate (error, by default)
        // fails it, so JUnit counts it as a failure too.
        let blocking = results
            .iter()
            .filter(|r| r["status"] == "not_evaluated" && r["severity"] == "error")
            .count();
        let number = |s: String| s.parse::<usize>().unwrap();
        assert_eq!(
            number(attr("failures")),
            number(count(&["fail", "error"])) + blocking,
            "{name}"
        );
        assert_eq!(
            number(attr("skipped")),
            number(count(&[
                "not_applicable",
                "not_evaluated",
                "waived",
                "manual"
            ])) - blocking,
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
    let e = &fixture_scan("nps-pre-blocked").expect;
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

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

/// Whether a JSON report's result fails its gate (`Gate::trips`): an
/// `error` always; a `fail`, or a `not_evaluated` unless `--allow-unevaluated`,
/// at or above `fail_on`. Waived results have status `waived` and never do.
fn trips(gate: &serde_json::Value, r: &serde_json::Value) -> bool {
    let rank = |s: &str| ["note", "warning", "error"].iter().position(|x| *x == s);
    let above = gate["fail_on"]
        .as_str()
        .is_some_and(|min| rank(r["severity"].as_str().unwrap()) >= rank(min));
    match r["status"].as_str().unwrap() {
        "error" => true,
        "fail" => above,
        "not_evaluated" => above && gate["strict"] == true,
        _ => false,
    }
}

/// A testcase's outcome element, or "pass".
fn outcome(case: &upgate::xml::Element) -> &'static str {
    ["failure", "error", "skipped"]
        .into_iter()
        .find(|k| case.child(k).is_some())
        .unwrap_or("pass")
}

/// Every fixture's JUnit parses (with upgate's own strict XML parser), has one
/// testcase per result of a product in scope, counts what it writes (in each
/// suite and in total), and judges as the gate does: `failures + errors` is
/// the number of results that fail the gate, `errors` the `error` results.
#[test]
fn junit_is_well_formed_and_agrees_with_the_gate() {
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
        let number = |e: &upgate::xml::Element, k: &str| -> usize {
            e.attr(k).unwrap().value.parse().unwrap()
        };
        let mut written = std::collections::BTreeMap::<&str, usize>::new();
        for suite in doc.root.children_named("testsuite") {
            let mut here = std::collections::BTreeMap::<&str, usize>::new();
            for case in suite.children_named("testcase") {
                *here.entry(outcome(case)).or_default() += 1;
                *written.entry(outcome(case)).or_default() += 1;
            }
            let n = |k: &str| here.get(k).copied().unwrap_or(0);
            assert_eq!(
                number(suite, "tests"),
                here.values().sum::<usize>(),
                "{name}"
            );
            for (attr, element) in [
                ("failures", "failure"),
                ("errors", "error"),
                ("skipped", "skipped"),
            ] {
                assert_eq!(number(suite, attr), n(element), "{name}: {attr}");
            }
        }
        let n = |k: &str| written.get(k).copied().unwrap_or(0);
        let root = &doc.root;
        assert_eq!(number(root, "tests"), results.len(), "{name}");
        assert_eq!(
            number(root, "tests"),
            written.values().sum::<usize>(),
            "{name}"
        );
        assert_eq!(number(root, "failures"), n("failure"), "{name}");
        assert_eq!(number(root, "errors"), n("error"), "{name}");
        assert_eq!(number(root, "skipped"), n("skipped"), "{name}");
        let gate = &json["gate"];
        let tripping = results.iter().filter(|r| trips(gate, r)).count();
        assert_eq!(
            number(root, "failures") + number(root, "errors"),
            tripping,
            "{name}"
        );
        let errors = results.iter().filter(|r| r["status"] == "error").count();
        assert_eq!(number(root, "errors"), errors, "{name}");
        assert_eq!(gate["failed"] == true, tripping > 0, "{name}");
        assert_eq!(scan.code == 0, tripping == 0, "{name}: exit {}", scan.code);
    }
}

/// A note that fails below `--fail-on error` is a skip in JUnit, not a
/// failure; at `--fail-on note` it is one.
#[test]
fn junit_a_note_below_the_gate_is_not_a_failure() {
    let defective = common::fixture("pm-defective-packages");
    let only_note = [
        "--set-severity",
        "PM005=note",
        "--select",
        "PM005",
        "--format",
        "junit",
    ];
    let run = |fail_on: &str| {
        let r = common::scan(
            &defective,
            "pre",
            &[&only_note[..], &["--fail-on", fail_on]].concat(),
        );
        let doc = upgate::xml::parse(r.stdout.as_bytes()).unwrap();
        let attr = |k: &str| doc.root.attr(k).unwrap().value.clone();
        (r.code, attr("failures"), attr("errors"), r.stdout)
    };
    let (code, failures, errors, out) = run("error");
    assert_eq!(
        (code, failures.as_str(), errors.as_str()),
        (0, "0", "0"),
        "{out}"
    );
    assert!(
        out.contains("<skipped message=\"fail note, below --fail-on error: "),
        "{out}"
    );
    let (code, failures, _, out) = run("note");
    assert_eq!(code, 1);
    assert_ne!(failures, "0", "{out}");
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
            .contains("use text, concise, json, sarif, junit, markdown or github"),
        "{}",
        r.stderr
    );
}

/// Every GitHub `file=` annotation, on every fixture, names a file of the
/// fixture (never a folder, which GitHub cannot show an annotation on).
#[test]
fn github_annotations_name_files_only() {
    let fixtures = common::fixture("x").parent().unwrap().to_path_buf();
    let mut seen = 0;
    for scan in fixture_scans() {
        for line in scan.raw(Format::Github).lines() {
            let Some(file) = line
                .split_once(' ')
                .and_then(|(_, rest)| rest.split_once("::"))
                .and_then(|(props, _)| props.split(',').find_map(|p| p.strip_prefix("file=")))
            else {
                continue;
            };
            let file = file
                .replace("%2C", ",")
                .replace("%3A", ":")
                .replace("%25", "%");
            assert!(fixtures.join(&file).is_file(), "{}: {line}", scan.name);
            seen += 1;
        }
    }
    assert!(seen > 0, "no file= annotation to check");
}

/// Every JUnit `file=` attribute, on every fixture, names a file under the
/// scanned root (never a folder), by the same test as GitHub's `file=`.
#[test]
fn junit_file_attributes_name_files_only() {
    let fixtures = common::fixture("x").parent().unwrap().to_path_buf();
    let mut seen = 0;
    for scan in fixture_scans() {
        // The staged copy is gone: the same root in the fixture itself
        // (the fixture, or its root/ for a snapshot).
        let staged_root = scan.parsed(Format::Json)["scan"]["root"]
            .as_str()
            .unwrap()
            .to_string();
        let inside: std::path::PathBuf = std::path::Path::new(&staged_root)
            .components()
            .skip_while(|c| c.as_os_str() != scan.name.as_str())
            .skip(1)
            .collect();
        let root = fixtures.join(&scan.name).join(inside);
        for attr in scan.raw(Format::Junit).split(" file=\"").skip(1) {
            let file = attr.split('"').next().unwrap();
            let file = file
                .replace("&quot;", "\"")
                .replace("&apos;", "'")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&");
            assert!(root.join(&file).is_file(), "{}: file=\"{file}\"", scan.name);
            seen += 1;
        }
    }
    assert!(seen > 0, "no JUnit file= to check");
}

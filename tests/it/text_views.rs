//! The text views for people: the full view (grouped per rule, sorted,
//! wrapped to COLUMNS with hanging indents), `--format concise`,
//! `--statistics` and `-q`. Snapshots at 80 and 120 columns (review them like
//! code), and the layout's promises checked on every fixture.

use std::collections::BTreeSet;

use crate::common::{self, Format, NOW, copy_fixture, fixture_scans, run, upgate};

/// The widest lead before a result's place: two spaces, "NOT CHECKED", two
/// spaces, "warning", two spaces.
const WIDEST_LEAD: usize = 2 + 11 + 2 + 7 + 2;

const SNAPSHOTTED: &[(&str, &str)] = &[
    // The README's first example: one rule with five results, checks that
    // could not run, a failure below the gate.
    ("pm-defective-packages", "pre"),
    ("combined-pre-incomplete-backups", "pre"),
];

fn text(name: &str, phase: &str, columns: usize, args: &[&str]) -> common::Run {
    let dir = copy_fixture(name);
    let r = run(upgate()
        .env("COLUMNS", columns.to_string())
        .arg("scan")
        .arg(dir.path())
        .args(["--phase", phase, "--now", NOW, "--color", "never"])
        .args(args));
    assert!(matches!(r.code, 0 | 1), "{name}: {}", r.stderr);
    r
}

#[test]
fn snapshots_at_80_and_120_columns() {
    let _snapshots = common::snapshots("text_views").bind_to_scope();
    for (name, phase) in SNAPSHOTTED {
        for columns in [80, 120] {
            insta::assert_snapshot!(
                format!("full-{columns}-{name}"),
                text(name, phase, columns, &[]).stdout
            );
        }
        insta::assert_snapshot!(
            format!("concise-{name}"),
            text(name, phase, 80, &["--format", "concise"]).stdout
        );
        insta::assert_snapshot!(
            format!("statistics-{name}"),
            text(name, phase, 80, &["--statistics"]).stdout
        );
    }
}

/// A line longer than COLUMNS holds a word that could not fit after the
/// widest lead (a path, a digest, a URL): words are never broken, and
/// nothing else overflows.
#[test]
fn the_full_view_fits_80_columns_but_for_long_words_on_every_fixture() {
    let mut over = Vec::new();
    for scan in fixture_scans() {
        for line in scan.raw(Format::Text).lines() {
            let longest = line.split(' ').map(|w| w.chars().count()).max();
            if line.chars().count() > 80 && longest.is_some_and(|n| n <= 80 - WIDEST_LEAD) {
                over.push(format!("{}: {line}", scan.name));
            }
        }
    }
    assert!(over.is_empty(), "{}", over.join("\n"));
}

#[test]
fn the_full_view_wraps_to_columns_and_keeps_every_word() {
    let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let narrow = text("pm-defective-packages", "pre", 80, &[]).stdout;
    let wide = text("pm-defective-packages", "pre", 200, &[]).stdout;
    assert!(narrow.lines().count() > wide.lines().count());
    assert!(wide.lines().any(|l| l.chars().count() > 120), "{wide}");
    assert_eq!(words(&narrow), words(&wide), "wrapping only moves words");
}

/// The fix and source once per rule; within a rule results sorted by severity
/// (errors, then warnings, then notes), then by where; rules by their most
/// severe result.
#[test]
fn the_full_view_groups_results_per_rule_by_severity() {
    let out = text("pm-defective-packages", "pre", 120, &[]).stdout;
    assert_eq!(out.matches("\nPM005  ").count(), 1, "{out}");
    assert_eq!(out.matches("\n  fix:    ").count(), 5, "{out}");
    let severities = |group: &str| -> Vec<usize> {
        group
            .lines()
            .filter_map(|l| {
                let l = l.strip_prefix("  ")?;
                let status = ["FAIL", "ERROR", "NOT CHECKED"]
                    .into_iter()
                    .find(|s| l.starts_with(s))?;
                let word = l[status.len()..].split_whitespace().next()?;
                ["error", "warning", "note"].iter().position(|x| *x == word)
            })
            .collect()
    };
    let groups: Vec<Vec<usize>> = out
        .split("\n\n")
        .map(severities)
        .filter(|g| !g.is_empty())
        .collect();
    assert_eq!(groups.iter().map(Vec::len).sum::<usize>(), 9, "{out}");
    assert_eq!(groups[0].len(), 5, "PM005 first, its five results together");
    assert!(groups.iter().all(|g| g.is_sorted()), "{groups:?}");
    assert!(groups.windows(2).all(|w| w[0][0] <= w[1][0]), "{groups:?}");
    assert!(out.contains("NOT CHECKED  error    privilege_manager.database_backup_at"));
    assert!(!out.contains("SKIP"), "not_evaluated is NOT CHECKED");
    // The counts are of the products in scope: Privilege Manager's 21 rules.
    assert!(
        out.contains("21 results for Privilege Manager: 8 pass, 6 fail (2 below the gate), 4 not applicable, 3 not checked"),
        "{out}"
    );
}

/// One line per result that fails or could not be checked, and the summary.
#[test]
fn concise_is_one_line_per_problem_on_every_fixture() {
    for scan in fixture_scans() {
        let json = scan.parsed(Format::Json);
        let problems: Vec<&str> = json["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| {
                matches!(
                    r["status"].as_str(),
                    Some("fail" | "error" | "not_evaluated")
                )
            })
            .map(|r| r["rule_id"].as_str().unwrap())
            .collect();
        let dir = common::stage_fixture(&scan.name, &scan.expect.mtimes);
        let r = run(upgate()
            .arg("scan")
            .arg(&dir.1)
            .args(["--phase", &scan.expect.phase, "--now", NOW])
            .args(&scan.expect.args)
            .args(["--select", &scan.expect.select(), "--format", "concise"]));
        assert_eq!(r.code, scan.code, "{}: {}", scan.name, r.stderr);
        let lines: Vec<&str> = r.stdout.lines().collect();
        let (last, body) = lines.split_last().unwrap();
        assert!(last.contains(" results"), "{}: {last}", scan.name);
        let body: Vec<&&str> = body.iter().filter(|l| !l.is_empty()).collect();
        assert_eq!(body.len(), problems.len(), "{}:\n{}", scan.name, r.stdout);
        for id in problems.iter().collect::<BTreeSet<_>>() {
            assert!(
                body.iter().any(|l| l.contains(&format!(": {id} ["))),
                "{}: {id} missing:\n{}",
                scan.name,
                r.stdout
            );
        }
    }
}

#[test]
fn concise_lines_say_where_rule_severity_and_what() {
    let out = text("pm-defective-packages", "pre", 80, &["--format", "concise"]).stdout;
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        r"C:\ProgramData\NugetCache\ThycoticTmsAgent.11.1.1156.nupkg: PM005 [error] the file is empty (0 bytes); TMS rejects zero-byte packages"
    );
    assert!(out.contains(r"C:\inetpub\wwwroot\TMS: PM002 [warning, below --fail-on] no copy"));
    assert!(out.contains("privilege_manager.database_backup_at: PM012 [error] NOT CHECKED: "));
}

#[test]
fn statistics_count_per_rule_and_status() {
    let out = text("pm-defective-packages", "pre", 80, &["--statistics"]).stdout;
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "5  PM005  FAIL         Every NugetCache package is intact"
    );
    assert!(
        out.contains("1  PM012  NOT CHECKED  A fresh Privilege Manager database backup exists")
    );
    assert!(
        !out.contains("PASS"),
        "the default --show counts problems only"
    );
    let all = text(
        "pm-defective-packages",
        "pre",
        80,
        &["--statistics", "--show", "all"],
    )
    .stdout;
    assert!(all.contains("2  PM005  PASS "), "{all}");
    assert!(
        !all.contains("SS001"),
        "products out of scope are left out: {all}"
    );
    let json = run(upgate()
        .arg("scan")
        .arg(common::fixture("pm-defective-packages"))
        .args(["--phase", "pre", "--statistics", "--format", "json"]));
    assert_eq!(json.code, 2);
    assert!(
        json.stderr.contains("--statistics is a text view"),
        "{}",
        json.stderr
    );
}

#[test]
fn quiet_prints_one_line_and_no_blank_line() {
    for format in ["text", "concise"] {
        let out = text(
            "pm-defective-packages",
            "pre",
            80,
            &["-q", "--format", format],
        )
        .stdout;
        assert_eq!(out.lines().count(), 1, "{format}: {out:?}");
        assert!(
            out.starts_with("21 results for Privilege Manager: "),
            "{out:?}"
        );
    }
}

//! `--waivers`: matching waivers turn failing results into `waived`, expired
//! and unused ones are reported, malformed files are refused (exit 2) with
//! the file and line.

use std::fs;
use std::path::Path;

use crate::common::{self, NOW, checked, fixture, run, upgate};

/// pm-post-reverted-to-online (post): PM004 fails (online feed), PM008 fails
/// as a warning (no copy after the upgrade). Scanned with `--select` of its
/// expect.toml's rules.
const TARGET: &str = "pm-post-reverted-to-online";

fn scan_with(waivers: &str) -> (common::Run, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("waivers.toml");
    fs::write(&file, waivers).unwrap();
    let r = run(upgate()
        .arg("scan")
        .arg(fixture(TARGET))
        .args(["--phase", "post", "--now", NOW, "--format", "json"])
        .arg("--waivers")
        .arg(&file)
        .args(common::select_of(TARGET)));
    (r, dir)
}

fn waiver(rule: &str, extra: &str, expires: &str) -> String {
    format!(
        "[[waiver]]\nrule = \"{rule}\"\n{extra}reason = \"accepted in CHG-1234\"\nowner = \"infra-team\"\nexpires = {expires}\n\n"
    )
}

#[test]
fn a_matching_waiver_waives_the_result_and_the_gate_follows() {
    let (r, _d) = scan_with(&waiver(
        "pm-solution-centre-offline-source",
        "",
        "2026-12-31",
    ));
    let r = checked(r);
    assert_eq!(r.code, 0, "PM004 was the only result failing the gate");
    let pm004 = r.only("PM004");
    assert_eq!(pm004["status"], "waived");
    assert_eq!(pm004["waiver"]["rule"], "PM004");
    assert_eq!(pm004["waiver"]["reason"], "accepted in CHG-1234");
    assert_eq!(pm004["waiver"]["owner"], "infra-team");
    assert_eq!(pm004["waiver"]["expires"], "2026-12-31");
    assert!(
        pm004["waiver"]["origin"]
            .as_str()
            .unwrap()
            .ends_with("waivers.toml:1")
    );
    let json = r.json();
    assert_eq!(json["summary"]["waived"], 1);
    assert_eq!(json["waivers"][0]["state"], "applied");
    assert_eq!(json["waivers"][0]["matched"][0], pm004["fingerprint"]);
    // The waiver's last day still counts.
    let (r, _d) = scan_with(&waiver("PM004", "", "2026-11-22"));
    assert_eq!(checked(r).only("PM004")["status"], "waived");
}

#[test]
fn subject_globs_and_hosts_narrow_a_waiver() {
    let cases = [
        ("subject = 'C:\\inetpub\\wwwroot\\*'\n", "waived"),
        ("subject = 'c:\\INETPUB\\wwwroot\\tms'\n", "waived"),
        ("subject = 'C:\\Backups\\*'\n", "fail"),
        ("host = \"PAM-WEB-01\"\n", "waived"),
        ("host = \"pam-web-02\"\n", "fail"),
    ];
    for (extra, status) in cases {
        let (r, _d) = scan_with(&waiver("PM008", extra, "2026-12-31"));
        assert_eq!(checked(r).only("PM008")["status"], status, "{extra}");
    }
}

#[test]
fn expired_and_unused_waivers_are_reported_and_waive_nothing() {
    let text = format!(
        "{}{}",
        waiver("PM004", "", "2026-11-21"),
        waiver("PM003", "", "2027-01-31")
    );
    let (r, _d) = scan_with(&text);
    let r = checked(r);
    assert_eq!(r.code, 1);
    assert_eq!(r.only("PM004")["status"], "fail");
    let json = r.json();
    assert_eq!(json["waivers"][0]["state"], "expired");
    assert_eq!(json["waivers"][0]["matched"].as_array().unwrap().len(), 1);
    assert_eq!(json["waivers"][1]["state"], "unused");
    // The text output says so.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("w.toml");
    fs::write(&file, &text).unwrap();
    let t = run(upgate()
        .env("COLUMNS", "1000")
        .arg("scan")
        .arg(fixture(TARGET))
        .args(["--phase", "post", "--now", NOW, "--color", "never"])
        .arg("--waivers")
        .arg(&file)
        .args(common::select_of(TARGET)));
    assert!(t.stdout.contains("expired "), "{}", t.stdout);
    assert!(
        t.stdout
            .contains("PM004 (infra-team) expired on 2026-11-21; it no longer applies")
    );
    assert!(
        t.stdout
            .contains("PM003 (infra-team) matched no failing result")
    );
}

/// With `--select`, a waiver of a rule that did not run is set aside: neither
/// an error nor reported as unused.
#[test]
fn a_waiver_of_an_unselected_rule_is_set_aside() {
    let (r, _d) = scan_with(&waiver("SS004", "", "2027-01-31"));
    let r = checked(r);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.json()["waivers"], serde_json::json!([]));
}

fn refused(text: &str, message: &str, line: u32) {
    let (r, dir) = scan_with(text);
    assert_eq!(r.code, 2, "{text}\n{}", r.stdout);
    assert!(
        r.stderr.contains(message),
        "{message:?} not in {}",
        r.stderr
    );
    let at = format!("{}:{line}", dir.path().join("waivers.toml").display());
    assert!(r.stderr.contains(&at), "{at} not in {}", r.stderr);
}

#[test]
fn malformed_waivers_are_refused_with_file_and_line() {
    refused(
        "[[waiver]]\nrule = \"PM004\"\nowner = \"x\"\nexpires = 2026-12-31\n",
        "waiver for PM004 has no `reason`",
        1,
    );
    refused(
        "\n[[waiver]]\nrule = \"PM004\"\nreason = \"r\"\nowner = \"  \"\nexpires = 2026-12-31\n",
        "`owner` is empty",
        5,
    );
    refused(
        "[[waiver]]\nrule = \"PM004\"\nreason = \"r\"\nowner = \"o\"\n",
        "has no `expires`",
        1,
    );
    refused(
        "[[waiver]]\nrule = \"PM004\"\nreason = \"r\"\nowner = \"o\"\nexpires = 2026-12-31T10:00:00Z\n",
        "`expires` must be a date",
        5,
    );
    refused(
        "[[waiver]]\nrule = \"PM004\"\nreason = \"r\"\nowner = \"o\"\nexpires = \"soon\"\n",
        "waiver for PM004: `expires` must be a TOML date, not the string \"soon\"",
        5,
    );
    refused(
        "[[waiver]]\nrule = \"PM004\"\nreason = \"r\"\nowner = \"o\"\nexpires = \"2026-12-31\"\n",
        "help: write it without quotes: expires = 2026-12-31",
        5,
    );
    refused(
        "[[waiver]]\nrule = \"PM004\"\nreason = \"r\"\nowner = \"o\"\nexpires = 2026-12-31T10:00:00\n",
        "write the date alone, expires = 2026-12-31",
        5,
    );
    refused(
        "[[waiver]]\nrule = \"PM04\"\nreason = \"r\"\nowner = \"o\"\nexpires = 2026-12-31\n",
        "unknown rule `PM04`",
        2,
    );
    refused(
        "[[waiver]]\nrule = \"PM004\"\nreason = \"r\"\nowner = \"o\"\nexpires = 2026-12-31\nexpiry = 1\n",
        "unknown field `expiry`",
        6,
    );
}

#[test]
fn an_unreadable_waivers_file_is_an_input_error() {
    let r = run(upgate()
        .arg("scan")
        .arg(fixture(TARGET))
        .args(["--phase", "post", "--waivers"])
        .arg(Path::new("/nonexistent/waivers.toml")));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("cannot read the waivers"), "{}", r.stderr);
}

#[test]
fn every_output_keeps_the_waived_result() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("w.toml");
    fs::write(&file, waiver("PM004", "", "2026-12-31")).unwrap();
    for (format, needle) in [
        ("junit", "<skipped message=\"waived: "),
        ("markdown", "💤 waived"),
    ] {
        let r = run(upgate()
            .arg("scan")
            .arg(fixture(TARGET))
            .args([
                "--phase", "post", "--now", NOW, "--show", "all", "--format", format,
            ])
            .arg("--waivers")
            .arg(&file));
        assert!(r.stdout.contains(needle), "{format}: {}", r.stdout);
    }
}

/// The waivers in force have their own section in the default text and
/// Markdown views, with rule, subject, reason, owner and expiry; Markdown
/// gives its time to the second even when `--now` has nanoseconds.
#[test]
fn text_and_markdown_list_the_waivers_in_force() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("w.toml");
    fs::write(&file, waiver("PM004", "", "2026-12-31")).unwrap();
    let now = NOW.replace('Z', ".123456789Z");
    for (format, heading, line) in [
        (
            "text",
            "\nWaived\n",
            "  PM004 every result: accepted in CHG-1234 (infra-team, until 2026-12-31; ",
        ),
        (
            "markdown",
            "### Waived\n",
            "| **PM004** | every result | accepted in CHG-1234 | infra-team | 2026-12-31 |",
        ),
    ] {
        let r = run(upgate()
            .env("COLUMNS", "1000")
            .arg("scan")
            .arg(fixture(TARGET))
            .args(["--phase", "post", "--now", &now, "--format", format])
            .arg("--waivers")
            .arg(&file));
        assert!(
            r.stdout.contains(heading) && r.stdout.contains(line),
            "{format}: {}",
            r.stdout
        );
        assert!(!r.stdout.contains(".123456789"), "{format}: {}", r.stdout);
    }
}

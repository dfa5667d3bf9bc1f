//! `--baseline REPORT.json`: results marked new / unchanged / updated against
//! an earlier report of the same host, absent ones listed, bad baselines refused.

use std::fs;

use crate::common::{self, NOW, checked, fixture, run, upgate, write_json_report};

fn scan_against(name: &str, phase: &str, baseline: &std::path::Path, format: &str) -> common::Run {
    run(upgate()
        .arg("scan")
        .arg(fixture(name))
        .args([
            "--phase", phase, "--now", NOW, "--format", format, "--color", "never",
        ])
        .arg("--baseline")
        .arg(baseline)
        .args(common::select_of(name)))
}

#[test]
fn the_same_scan_again_is_unchanged_throughout() {
    let dir = tempfile::tempdir().unwrap();
    let before = write_json_report("pm-post-reverted-to-online", "post", dir.path());
    let r = checked(scan_against(
        "pm-post-reverted-to-online",
        "post",
        &before,
        "json",
    ));
    let json = r.json();
    for res in json["results"].as_array().unwrap() {
        assert_eq!(res["baseline"]["state"], "unchanged", "{res}");
        assert_eq!(res["baseline"]["previous_status"], res["status"]);
    }
    assert_eq!(json["baseline"]["absent"].as_array().unwrap().len(), 0);
}

#[test]
fn the_audit_against_the_pre_flight_shows_what_the_upgrade_changed() {
    // Both fixtures are host pam-web-01: the pre-flight passed PM004; the
    // upgrade put the online feed back, and no copy was made afterwards.
    let dir = tempfile::tempdir().unwrap();
    let before = write_json_report("pm-offline-ready", "pre", dir.path());
    let r = checked(scan_against(
        "pm-post-reverted-to-online",
        "post",
        &before,
        "json",
    ));
    let pm004 = r.only("PM004");
    assert_eq!(pm004["baseline"]["state"], "updated");
    assert_eq!(pm004["baseline"]["previous_status"], "pass");
    let pm008 = r.only("PM008");
    assert_eq!(pm008["baseline"]["state"], "new");
    assert_eq!(
        pm008["baseline"]["previous_status"],
        serde_json::Value::Null
    );
    let json = r.json();
    let absent: Vec<&str> = json["baseline"]["absent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["rule_id"].as_str().unwrap())
        .collect();
    assert!(absent.contains(&"PM001"), "{absent:?}");
    let text = scan_against("pm-post-reverted-to-online", "post", &before, "text");
    assert!(
        text.stdout
            .contains(r"updated: PM004 C:\inetpub\wwwroot\TMS\web.config (fail, was pass)"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout
            .contains(r"new: PM008 C:\inetpub\wwwroot\TMS (fail)")
    );
}

#[test]
fn a_baseline_of_another_host_or_not_a_report_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let other = write_json_report("nps-post-ready", "post", dir.path());
    let r = scan_against("pm-post-reverted-to-online", "post", &other, "json");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("a report of host `psr-web-01`, and this scan is of `pam-web-01`"),
        "{}",
        r.stderr
    );
    let junk = dir.path().join("junk.json");
    fs::write(&junk, "{\"results\": 3}").unwrap();
    let r = scan_against("pm-post-reverted-to-online", "post", &junk, "json");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("not an upgate JSON report"),
        "{}",
        r.stderr
    );
    let before = write_json_report("pm-offline-ready", "pre", dir.path());
    let text = fs::read_to_string(&before)
        .unwrap()
        .replace("\"schema_version\": 1", "\"schema_version\": 2");
    fs::write(&before, text).unwrap();
    let r = scan_against("pm-post-reverted-to-online", "post", &before, "json");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("schema_version 2"), "{}", r.stderr);
}

#[test]
fn sarif_carries_the_baseline_state_and_waiver_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let before = write_json_report("pm-offline-ready", "pre", dir.path());
    let waivers = dir.path().join("w.toml");
    fs::write(
        &waivers,
        "[[waiver]]\nrule = \"PM008\"\nreason = \"image backup\"\nowner = \"infra\"\nexpires = 2026-12-31\n",
    )
    .unwrap();
    let r = run(upgate()
        .arg("scan")
        .arg(fixture("pm-post-reverted-to-online"))
        .args(["--phase", "post", "--now", NOW, "--format", "sarif"])
        .arg("--baseline")
        .arg(&before)
        .arg("--waivers")
        .arg(&waivers));
    let sarif: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let by_rule = |id: &str| results.iter().find(|x| x["ruleId"] == id).unwrap();
    assert_eq!(by_rule("PM004")["baselineState"], "updated");
    assert_eq!(by_rule("PM008")["baselineState"], "new");
    let justification = by_rule("PM008")["suppressions"][0]["justification"]
        .as_str()
        .unwrap();
    assert!(
        justification.starts_with("image backup (infra, until 2026-12-31;"),
        "{justification}"
    );
}

#[test]
fn rules_left_out_by_select_are_not_absent() {
    // The baseline holds every rule's results; this scan runs PM004 only.
    let dir = tempfile::tempdir().unwrap();
    let name = "pm-post-reverted-to-online";
    let full = checked(run(upgate()
        .arg("scan")
        .arg(fixture(name))
        .args(["--phase", "post", "--now", NOW, "--format", "json"])));
    let before = dir.path().join("full.json");
    fs::write(&before, full.stdout).unwrap();
    let r = checked(run(upgate()
        .arg("scan")
        .arg(fixture(name))
        .args(["--phase", "post", "--now", NOW, "--format", "json"])
        .args(["--select", "PM004", "--baseline"])
        .arg(&before)));
    let json = r.json();
    assert_eq!(json["baseline"]["absent"], serde_json::json!([]), "{json}");
    let results = json["results"].as_array().unwrap();
    assert!(results.iter().all(|r| r["rule_id"] == "PM004"));
    assert_eq!(results[0]["baseline"]["state"], "unchanged");
}

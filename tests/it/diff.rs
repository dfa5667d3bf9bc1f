//! `upgate diff BEFORE.json AFTER.json`: settings, versions and results that
//! changed between two scans of one server.

use std::fs;
use std::path::Path;

use crate::common::{self, NOW, checked, run, upgate, write_json_report};

fn diff(before: &Path, after: &Path) -> common::Run {
    run(upgate().arg("diff").arg(before).arg(after))
}

#[test]
fn the_upgrade_reverting_solution_centre_shows_as_a_changed_setting_and_new_failures() {
    let dir = tempfile::tempdir().unwrap();
    let pre = write_json_report("pm-offline-ready", "pre", dir.path());
    let post = write_json_report("pm-post-reverted-to-online", "post", dir.path());
    let r = diff(&pre, &post);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.contains(r"C:\inetpub\wwwroot\TMS\web.config nuget:source:SolutionCentre: C:\ProgramData\NugetCache\ → http://tmsnuget.thycotic.com/nuget/"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("package thycotictms: 11.1.1156 → 11.0.1040, 11.1.1156")
    );
    assert!(
        r.stdout.contains("0 fixed, 2 new, 0 still failing"),
        "{}",
        r.stdout
    );
    // The other way round is refused: an audit cannot come before its pre-flight.
    let r = diff(&post, &pre);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("the first report is an audit (post")
            && r.stderr.contains("pass the earlier report first"),
        "{}",
        r.stderr
    );
    // A report against itself: nothing changed, everything failing is still failing.
    let r = diff(&post, &post);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.contains("0 fixed, 0 new, 2 still failing"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("Settings changed"));
}

#[test]
fn reports_of_two_hosts_or_not_reports_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let a = write_json_report("pm-offline-ready", "pre", dir.path());
    let b = write_json_report("nps-post-ready", "post", dir.path());
    let r = diff(&a, &b);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("two hosts, `pam-web-01` and `psr-web-01`"),
        "{}",
        r.stderr
    );
    let junk = dir.path().join("junk.json");
    fs::write(&junk, "[]").unwrap();
    let r = diff(&a, &junk);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("not an upgate JSON report"),
        "{}",
        r.stderr
    );
    let r = diff(&a, &dir.path().join("missing.json"));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("cannot read the report"), "{}", r.stderr);
}

#[test]
fn a_module_disabled_between_two_scans_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let before = write_json_report("nps-apache-debian-ready", "post", dir.path());
    let copy = common::copy_fixture("nps-apache-debian-ready");
    fs::remove_file(
        copy.path()
            .join("root/etc/apache2/mods-enabled/proxy_wstunnel.load"),
    )
    .unwrap();
    let r = checked(run(upgate()
        .arg("scan")
        .arg(copy.path())
        .args(["--phase", "post", "--now", NOW, "--format", "json"])
        .args(common::select_of("nps-apache-debian-ready"))));
    let after = dir.path().join("after.json");
    // facts.json names the host, so both reports are of psr-web-deb.
    let json = r.stdout;
    fs::write(&after, json).unwrap();
    let r = diff(&before, &after);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("apache proxy_wstunnel_module: removed (was in /etc/apache2/mods-enabled/proxy_wstunnel.load)"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("New failures\n  NPS009"), "{}", r.stdout);
}

/// A JSON report of `name` written as if the scan were of `host` (fixtures
/// of one installation's phases come from different snapshots).
fn report_as(name: &str, phase: &str, host: &str, dir: &Path) -> std::path::PathBuf {
    let file = write_json_report(name, phase, dir);
    let mut json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&file).unwrap()).unwrap();
    json["scan"]["host"] = host.into();
    fs::write(&file, json.to_string()).unwrap();
    file
}

#[test]
fn pre_only_failures_are_not_checked_after_the_upgrade_not_fixed() {
    // The pre-flight lacked web-folder backups (SS003, PM002 fail); those rules
    // do not apply in the audit, and the combined pre-flight never read the NugetCache.
    let dir = tempfile::tempdir().unwrap();
    let pre = report_as("combined-pre-no-backups", "pre", "pam-app-06", dir.path());
    let post = write_json_report("combined-post-ready", "post", dir.path());
    let r = diff(&pre, &post);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("Not checked in the post scan\n  "),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("SS003 "), "{}", r.stdout);
    assert!(!r.stdout.contains("Fixed\n"), "{}", r.stdout);
    assert!(
        r.stdout.contains("0 fixed, 0 new, 0 still failing, "),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("packages: not compared (the pre report lists none"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("(new)"), "{}", r.stdout);
    // --baseline says the same.
    let r = checked(run(upgate()
        .arg("scan")
        .arg(common::fixture("combined-post-ready"))
        .args(["--phase", "post", "--now", NOW, "--baseline"])
        .arg(&pre)
        .args(common::select_of("combined-post-ready"))));
    assert!(
        r.stdout.contains("not checked in the post scan: SS003"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("absent: SS003"), "{}", r.stdout);
}

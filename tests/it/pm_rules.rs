//! Failure modes of PM003 and PM006 that the fixtures do not cover on their own.

use std::fs;

use crate::common::{copy_fixture, scan};

fn set_facts(dir: &std::path::Path, facts: &str) {
    fs::write(dir.join("facts.json"), facts).unwrap();
}

#[test]
fn pm003_an_empty_nugetcache_fails() {
    let dir = copy_fixture("pm-offline-ready");
    let cache = dir.path().join("root/ProgramData/NugetCache");
    fs::remove_dir_all(&cache).unwrap();
    fs::create_dir(&cache).unwrap();
    fs::write(cache.join("desktop.ini"), "[.ShellClassInfo]\r\n").unwrap();
    let run = scan(dir.path(), "pre", &["--format", "json"]);
    let r = &run.results_of("PM003")[0];
    assert_eq!(r["status"], "fail");
    assert!(
        r["message"].as_str().unwrap().contains("holds no .nupkg"),
        "{r}"
    );
    assert_eq!(run.results_of("PM005")[0]["status"], "not_evaluated");
    assert_eq!(run.code, 1);
}

#[test]
fn pm006_installed_higher_than_the_cache_is_a_warning() {
    let dir = copy_fixture("pm-post-ready");
    set_facts(
        dir.path(),
        r#"{"privilege_manager": {"installed_packages": {"ThycoticTms": "11.2.0", "ThycoticTmsCoreProduct": "11.1.1156"}}}"#,
    );
    let run = scan(dir.path(), "post", &["--format", "json"]);
    let r = &run.results_of("PM006")[0];
    assert_eq!(
        (r["status"].as_str(), r["severity"].as_str()),
        (Some("fail"), Some("warning"))
    );
    assert_eq!(r["subject"], "ThycoticTms");
    assert!(
        r["message"]
            .as_str()
            .unwrap()
            .contains("higher than every cached version (highest 11.1.1156)")
    );
    assert!(
        r["message"]
            .as_str()
            .unwrap()
            .contains("cannot serve a repair")
    );
    let only = ["--select", "PM006"];
    assert_eq!(
        scan(dir.path(), "post", &only).code,
        0,
        "a warning does not fail the default gate"
    );
    assert_eq!(
        scan(
            dir.path(),
            "post",
            &[&only[..], &["--fail-on", "warning"]].concat()
        )
        .code,
        1
    );
}

#[test]
fn pm006_ids_compare_case_insensitively_and_versions_by_nuget_order() {
    let dir = copy_fixture("pm-post-ready");
    // 11.1.1156.0 is 11.1.1156 in NuGet order; the id's case differs from the nuspec's.
    set_facts(
        dir.path(),
        r#"{"privilege_manager": {"installed_packages": {"thycotictms": "11.1.1156.0"}}}"#,
    );
    let run = scan(dir.path(), "post", &["--format", "json"]);
    assert_eq!(run.results_of("PM006")[0]["status"], "pass");
}

#[test]
fn pm006_without_the_fact_is_not_evaluated_and_lists_the_highest_versions() {
    let dir = copy_fixture("pm-post-ready");
    set_facts(
        dir.path(),
        r#"{"privilege_manager": {"installed_version": "11.1.1156"}}"#,
    );
    let run = scan(dir.path(), "post", &["--format", "json"]);
    let r = &run.results_of("PM006")[0];
    assert_eq!(r["status"], "not_evaluated");
    let message = r["message"].as_str().unwrap();
    assert!(
        message.contains("facts.json has no privilege_manager.installed_packages"),
        "{message}"
    );
    assert!(
        message.contains(
            "highest in the NugetCache: ThycoticTms 11.1.1156, ThycoticTmsCoreProduct 11.1.1156"
        ),
        "{message}"
    );
    let only = ["--select", "PM006"];
    assert_eq!(
        scan(dir.path(), "post", &only).code,
        1,
        "the gate fails closed"
    );
    assert_eq!(
        scan(
            dir.path(),
            "post",
            &[&only[..], &["--allow-unevaluated"]].concat()
        )
        .code,
        0
    );
}

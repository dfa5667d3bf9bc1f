//! `upgate collect`: a scan of the snapshot it writes gives what a scan of
//! the server gives (results, statuses, evidence, exit status), in both
//! phases, for every fixture and real-world snapshot and for generated
//! backup-heavy trees; with `--hash`, `--verify-content` too.

use std::path::Path;

use crate::common::{self, checked, fixtures, run, stage_fixture, upgate};

/// A scan's JSON with the two folders' own paths made alike.
fn scanned(target: &Path, phase: &str, extra: &[&str], own: &Path) -> (i32, serde_json::Value) {
    let r = checked(run(upgate()
        .arg("scan")
        .arg(target)
        .args(["--phase", phase, "--now", common::NOW, "--format", "json"])
        .args(extra)));
    let own = std::fs::canonicalize(own).unwrap().display().to_string();
    let text = r.stdout.replace(&own, "[TARGET]");
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "{}: not JSON ({e}): {}\n{}",
            target.display(),
            r.stdout,
            r.stderr
        )
    });
    // Where the facts came from is the one thing that differs by design.
    json["scan"]["facts_file"] = serde_json::Value::Null;
    json["scan"]["root"] = serde_json::Value::Null;
    (r.code, json)
}

fn collect(from: &Path, out: &Path, extra: &[&str]) {
    let r = checked(run(upgate()
        .arg("collect")
        .arg(from)
        .arg("--out")
        .arg(out)
        .args(extra)));
    assert_eq!(
        r.code,
        0,
        "collect {}: {}\n{}",
        from.display(),
        r.stdout,
        r.stderr
    );
}

/// Compares the scans of `live` (a snapshot folder) and of its collected copy.
fn compare(name: &str, live: &Path, snap: &Path, runs: &[(&str, &[&str])]) -> Vec<String> {
    let mut out = Vec::new();
    for (phase, extra) in runs {
        let a = scanned(live, phase, extra, live);
        let b = scanned(snap, phase, extra, snap);
        if a != b {
            out.push(format!(
                "{name} --phase {phase} {}: the collected snapshot scans differently\nlive: {}\nsnapshot: {}",
                extra.join(" "),
                a.0,
                difference(&a.1, &b.1)
            ));
        }
    }
    out
}

/// The first results that differ, for the message.
fn difference(a: &serde_json::Value, b: &serde_json::Value) -> String {
    let (ra, rb) = (a["results"].as_array(), b["results"].as_array());
    if let (Some(ra), Some(rb)) = (ra, rb) {
        for (x, y) in ra.iter().zip(rb) {
            if x != y {
                return format!("{x:#}\n--- became ---\n{y:#}");
            }
        }
    }
    format!("{a:#}\n--- became ---\n{b:#}")
}

const PLAIN: &[&str] = &[];
const VERIFY: &[&str] = &["--verify-content"];

#[test]
fn every_fixture_scans_the_same_once_collected() {
    let failures: Vec<String> = std::thread::scope(|s| {
        let workers: Vec<_> = fixtures()
            .into_iter()
            .map(|(name, expect)| {
                s.spawn(move || {
                    let (tmp, staged) = stage_fixture(&name, &expect.mtimes);
                    let snap = tmp.path().join("collected").join(&name);
                    collect(&staged, &snap, &["--hash"]);
                    compare(
                        &name,
                        &staged,
                        &snap,
                        &[("pre", PLAIN), ("post", PLAIN), (&expect.phase, VERIFY)],
                    )
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

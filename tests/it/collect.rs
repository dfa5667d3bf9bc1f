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
                let fields: Vec<String> = x
                    .as_object()
                    .into_iter()
                    .flatten()
                    .filter(|(k, v)| y.get(k.as_str()) != Some(v))
                    .map(|(k, v)| format!("{k}: {v}\n--- became ---\n{k}: {}", y[k.as_str()]))
                    .collect();
                return format!("{} {}:\n{}", x["rule_id"], x["subject"], fields.join("\n"));
            }
        }
    }
    format!("{a:#}\n--- became ---\n{b:#}")
}

/// A report's one result of `rule`.
fn result_of<'a>(report: &'a serde_json::Value, rule: &str) -> &'a serde_json::Value {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule_id"] == rule)
        .unwrap_or_else(|| panic!("no {rule} result"))
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

#[test]
fn every_real_world_snapshot_scans_the_same_once_collected() {
    let dir = common::repo().join("tests/data/real-world/snapshots");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| dir.join(n).join("root").is_dir())
        .collect();
    names.sort();
    assert!(
        names.len() >= 40,
        "real-world snapshots missing: {}",
        names.len()
    );
    let tmp = tempfile::tempdir().unwrap();
    let failures: Vec<String> = std::thread::scope(|s| {
        let workers: Vec<_> = names
            .iter()
            .map(|name| {
                let (live, snap) = (dir.join(name), tmp.path().join(name));
                s.spawn(move || {
                    collect(&live, &snap, &[]);
                    compare(name, &live, &snap, &[("pre", PLAIN), ("post", PLAIN)])
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

/// Deterministic bytes that neither compress nor repeat.
fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// combined-pre with a Secret Server web folder of `files` more files (16 to
/// 128 KiB, in nested folders), copied into its dated backup folder, and a
/// newer zip backup that lacks one of them: the zip is read (central
/// directory only), found incomplete, and the folder copy then counts.
fn backup_heavy(files: usize) -> (tempfile::TempDir, std::path::PathBuf) {
    let (tmp, staged) = stage_fixture("combined-pre", &Default::default());
    let live = staged.join("root/inetpub/wwwroot/SecretServer");
    let copy = staged.join("root/Backups/2026-11-21/SecretServer");
    let mut added = Vec::new();
    for i in 0..files {
        let rel = format!("bin/m{}/p{}/f{i}.dll", i % 7, i % 13);
        let bytes = noise(i as u64, 16 * 1024 + (i * 7919) % (112 * 1024));
        for dir in [&live, &copy] {
            let path = dir.join(&rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &bytes).unwrap();
        }
        added.push((rel, bytes));
    }
    let t = filetime::FileTime::from_unix_time(
        common::NOW.parse::<jiff::Timestamp>().unwrap().as_second() - 12 * 3600,
        0,
    );
    for dir in [&live, &copy] {
        for entry in walk(dir) {
            common::set_mtime(&entry, t);
        }
    }
    let zip_path = staged.join("root/Backups/SecretServer-newer.zip");
    let mut w = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (rel, bytes) in added.iter().skip(1) {
        w.start_file(format!("SecretServer/{rel}"), opts).unwrap();
        std::io::Write::write_all(&mut w, bytes).unwrap();
    }
    w.finish().unwrap();
    let newer = filetime::FileTime::from_unix_time(t.unix_seconds() + 6 * 3600, 0);
    common::set_mtime(&zip_path, newer);
    (tmp, staged)
}

/// Every file and folder below `dir`, deepest first (folders after their entries).
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        }
        out.push(p);
    }
    out
}

fn bytes_under(dir: &Path) -> u64 {
    walk(dir)
        .iter()
        .filter(|p| p.is_file())
        .map(|p| p.metadata().unwrap().len())
        .sum()
}

#[test]
fn a_backup_heavy_tree_scans_the_same_once_collected_and_the_snapshot_is_small() {
    let (tmp, staged) = backup_heavy(400);
    let plain = tmp.path().join("plain/combined-pre");
    let hashed = tmp.path().join("hashed/combined-pre");
    collect(&staged, &plain, &[]);
    collect(&staged, &hashed, &["--hash"]);
    // Other products in scope, so other procedures and rules: still the same answers.
    let runs: &[(&str, &[&str])] = &[
        ("pre", PLAIN),
        ("post", PLAIN),
        ("pre", VERIFY),
        ("pre", &["--product", "ss"]),
        ("post", &["--product", "pm"]),
        ("pre", &["--product", "nps"]),
    ];
    let mut failures = compare("backup-heavy", &staged, &hashed, runs);
    failures.extend(compare(
        "backup-heavy (no hash)",
        &staged,
        &plain,
        &runs[..2],
    ));
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    let (_, live) = scanned(&staged, "pre", PLAIN, &staged);
    let ss003 = result_of(&live, "SS003");
    assert_eq!(ss003["status"], "pass", "{ss003:#}");
    // The zip was read, and only its central directory kept.
    let manifest = std::fs::read_to_string(plain.join("manifest.tsv")).unwrap();
    let zip_line = manifest
        .lines()
        .find(|l| l.contains("SecretServer-newer.zip"))
        .unwrap();
    assert!(zip_line.contains("\tranges="), "{zip_line}");
    let tree = bytes_under(&staged.join("root"));
    let kept = bytes_under(&plain);
    assert!(
        kept * 100 < tree,
        "the snapshot is {kept} bytes, {:.2}% of the tree's {tree}",
        kept as f64 * 100.0 / tree as f64
    );
}

#[test]
fn verifying_content_without_hashes_is_not_evaluated_never_a_pass() {
    let (tmp, staged) = backup_heavy(20);
    let plain = tmp.path().join("plain/combined-pre");
    collect(&staged, &plain, &[]);
    let (code, json) = scanned(&plain, "pre", VERIFY, &plain);
    let ss003 = result_of(&json, "SS003");
    assert_eq!(ss003["status"], "not_evaluated", "{ss003:#}");
    assert!(
        ss003["message"]
            .as_str()
            .unwrap()
            .contains("upgate collect --hash"),
        "{ss003:#}"
    );
    assert_eq!(code, 1, "an unevaluated check fails the gate");
}

#[cfg(unix)]
#[test]
fn a_link_planted_in_a_collected_snapshot_does_not_lead_out_of_it() {
    let (tmp, staged) = stage_fixture("pm-offline-ready", &Default::default());
    let snap = tmp.path().join("collected/pm-offline-ready");
    collect(&staged, &snap, &[]);
    let config = snap.join("root/inetpub/wwwroot/TMS/web.config");
    let outside = tmp.path().join("outside.config");
    std::fs::copy(&config, &outside).unwrap();
    std::fs::remove_file(&config).unwrap();
    std::os::unix::fs::symlink(&outside, &config).unwrap();
    let (code, json) = scanned(&snap, "pre", &["--select", "PM004"], &snap);
    let pm004 = &json["results"][0];
    assert_eq!(pm004["status"], "error", "{pm004:#}");
    assert!(
        pm004["message"].as_str().unwrap().contains("symbolic link"),
        "{pm004:#}"
    );
    assert_eq!(code, 1);
}

/// Links in and out of the root, a loop, a FIFO, case twins and names with
/// control characters, `%` and bytes that are not UTF-8, in the web folders
/// and their copies: the snapshot gives the same answers, errors included.
#[cfg(unix)]
#[test]
fn a_hostile_tree_scans_the_same_once_collected() {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::symlink;
    let (tmp, staged) = backup_heavy(30);
    let root = staged.join("root");
    let live = root.join("inetpub/wwwroot/SecretServer");
    let copy = root.join("Backups/2026-11-21/SecretServer");
    symlink("bin/m0/p0/f0.dll", live.join("linked.dll")).unwrap();
    symlink(
        "/Windows/System32/inetsrv/config/applicationHost.config",
        live.join("abs.config"),
    )
    .unwrap();
    symlink("loop-b", live.join("loop-a")).unwrap();
    symlink("loop-a", live.join("loop-b")).unwrap();
    symlink("../../../../../../etc", copy.join("escape")).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(live.join("pipe"))
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::write(copy.join("Web.CONFIG"), "twin").unwrap();
    for name in [&b"tab\there"[..], b"new\nline", b"per%cent", b"latin1-\xe9"] {
        let name = std::ffi::OsStr::from_bytes(name);
        std::fs::write(live.join(name), "odd").unwrap();
        std::fs::write(copy.join(name), "odd").unwrap();
    }
    let snap = tmp.path().join("collected/combined-pre");
    collect(&staged, &snap, &["--hash"]);
    let runs: &[(&str, &[&str])] = &[("pre", PLAIN), ("post", PLAIN), ("pre", VERIFY)];
    let failures = compare("hostile", &staged, &snap, runs);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

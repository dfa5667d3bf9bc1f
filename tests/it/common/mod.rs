//! Helpers shared by the integration tests: run the built binary on a fixture
//! or on a temporary copy of one.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub const NOW: &str = "2026-11-22T08:00:00Z";

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    repo().join("fixtures").join(name)
}

pub fn upgate() -> Command {
    let mut cmd = Command::cargo_bin("upgate").unwrap();
    cmd.env_remove("NO_COLOR");
    cmd
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", self.stdout))
    }

    /// (rule id, status) of every result, in report order.
    pub fn statuses(&self) -> Vec<(String, String)> {
        self.json()["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["rule_id"].as_str().unwrap().to_string(),
                    r["status"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }

    /// The one result of `rule`; fails the test if there are none or several.
    pub fn only(&self, rule: &str) -> serde_json::Value {
        let results = self.results_of(rule);
        assert_eq!(
            results.len(),
            1,
            "expected one {rule} result:\n{}",
            self.stdout
        );
        results.into_iter().next().unwrap()
    }

    /// The results of one rule.
    pub fn results_of(&self, rule: &str) -> Vec<serde_json::Value> {
        self.json()["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["rule_id"] == rule)
            .cloned()
            .collect()
    }
}

/// Runs a prepared command to completion.
pub fn run(cmd: &mut Command) -> Run {
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn scan(target: &Path, phase: &str, extra: &[&str]) -> Run {
    run(upgate()
        .arg("scan")
        .arg(target)
        .args(["--phase", phase, "--now", NOW, "--color", "never"])
        .args(extra))
}

/// Whatever the input: no panic, and an exit status upgate defines.
pub fn checked(run: Run) -> Run {
    assert!(
        !run.stderr.contains("panicked"),
        "upgate panicked:\n{}",
        run.stderr
    );
    assert!(
        matches!(run.code, 0..=2),
        "exit status {} is not 0, 1 or 2\nstderr:\n{}",
        run.code,
        run.stderr
    );
    run
}

/// A JSON scan, checked for panics.
pub fn json_scan(target: &Path, phase: &str) -> Run {
    checked(scan(target, phase, &["--format", "json"]))
}

/// A JSON scan and its one result of `rule`.
pub fn scan_only(target: &Path, phase: &str, rule: &str) -> (Run, serde_json::Value) {
    let run = json_scan(target, phase);
    let r = run.only(rule);
    (run, r)
}

pub fn message(result: &serde_json::Value) -> &str {
    result["message"].as_str().unwrap()
}

pub fn assert_message_has(result: &serde_json::Value, part: &str) {
    assert!(
        message(result).contains(part),
        "{part:?} not in message {:?}",
        message(result)
    );
}

/// Scans a fixture as it is and writes its JSON report into `dir` (for
/// `--baseline` and `diff`).
pub fn write_json_report(name: &str, phase: &str, dir: &Path) -> PathBuf {
    let r = checked(run(upgate()
        .arg("scan")
        .arg(fixture(name))
        .args(["--phase", phase, "--now", NOW, "--format", "json"])));
    let file = dir.join(format!("{name}-{phase}.json"));
    std::fs::write(&file, r.stdout).unwrap();
    file
}

/// Replaces a snapshot's facts.json with one holding only `password_secure` = `nps` (JSON).
pub fn set_nps_facts(dir: &Path, nps: &str) {
    std::fs::write(
        dir.join("facts.json"),
        format!(r#"{{"password_secure": {nps}}}"#),
    )
    .unwrap();
}

/// Copies a fixture into a temporary folder (to alter it, or set times).
pub fn copy_fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture(name), dir.path());
    dir
}

/// Copies a tree; symbolic links stay links (Debian's mods-enabled is made of them).
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        let kind = entry.file_type().unwrap();
        if kind.is_symlink() {
            let link = std::fs::read_link(entry.path()).unwrap();
            #[cfg(unix)]
            std::os::unix::fs::symlink(&link, &target).unwrap();
            #[cfg(not(unix))]
            panic!("fixture link {} needs a Unix host", link.display());
        } else if kind.is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The modification time every staged fixture entry gets unless its
/// expect.toml says otherwise: 12 hours before [`NOW`], so copies are fresh.
pub const FIXTURE_MTIME: &str = "2026-11-21T20:00:00Z";

/// A fixture copied to `<tmp>/<name>` (so the default host name is the
/// fixture's) with every entry's modification time set: [`FIXTURE_MTIME`],
/// then `mtimes` (path relative to the fixture → RFC 3339 time). Git keeps
/// no times, so age-dependent results need this.
pub fn stage_fixture(
    name: &str,
    mtimes: &std::collections::BTreeMap<String, String>,
) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let staged = dir.path().join(name);
    copy_dir(&fixture(name), &staged);
    set_all_mtimes(&staged, time(FIXTURE_MTIME));
    for (rel, when) in mtimes {
        let path = staged.join(rel);
        assert!(
            path.exists(),
            "{name}: mtimes names {rel}, which is not in the fixture"
        );
        set_mtime(&path, time(when));
    }
    (dir, staged)
}

fn time(rfc3339: &str) -> filetime::FileTime {
    let ts: jiff::Timestamp = rfc3339.parse().unwrap();
    filetime::FileTime::from_unix_time(ts.as_second(), 0)
}

pub fn set_mtime(path: &Path, t: filetime::FileTime) {
    filetime::set_file_times(path, t, t).unwrap();
}

fn set_all_mtimes(dir: &Path, t: filetime::FileTime) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        let kind = entry.file_type().unwrap();
        if kind.is_symlink() {
            // The link's own time; its target is dated where it lies.
            filetime::set_symlink_file_times(&path, t, t).unwrap();
            continue;
        }
        if kind.is_dir() {
            set_all_mtimes(&path, t);
        }
        set_mtime(&path, t);
    }
    set_mtime(dir, t);
}

/// Replaces a staged copy's temporary path with the fixture's own.
pub fn redact_staged(text: &str, staged: &Path, name: &str) -> String {
    let tmp = std::fs::canonicalize(staged).unwrap();
    let escaped = tmp.display().to_string().replace('\\', "\\\\");
    redact(&text.replace(&escaped, &format!("[REPO]/fixtures/{name}")))
}

/// Replaces machine-specific paths so snapshots are stable.
pub fn redact(text: &str) -> String {
    let repo = std::fs::canonicalize(repo()).unwrap();
    let escaped = repo.display().to_string().replace('\\', "\\\\");
    text.replace(&escaped, "[REPO]")
}

/// insta's settings for one module's snapshots: `tests/it/snapshots/<module>/<name>.snap`
/// (bind them for the test: `let _s = snapshots("fixtures").bind_to_scope();`).
pub fn snapshots(module: &str) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(format!("snapshots/{module}"));
    settings.set_prepend_module_to_snapshot(false);
    settings
}

/// A fixture's `expect.toml`: how to scan it and what it must report.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    pub phase: String,
    pub now: String,
    pub exit: i32,
    /// Modification times to set on the staged copy (path relative to the
    /// fixture → RFC 3339); everything else gets [`FIXTURE_MTIME`].
    #[serde(default)]
    pub mtimes: std::collections::BTreeMap<String, String>,
    /// Extra command-line arguments (`--verify-content`).
    #[serde(default)]
    pub args: Vec<String>,
    pub results: std::collections::BTreeMap<String, Vec<String>>,
}

/// Every fixture with an `expect.toml`, by name.
pub fn fixtures() -> Vec<(String, Expect)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(repo().join("fixtures")).unwrap() {
        let path = entry.unwrap().path();
        let expect = path.join("expect.toml");
        if expect.is_file() {
            let text = std::fs::read_to_string(&expect).unwrap();
            let parsed: Expect =
                toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", expect.display()));
            out.push((
                path.file_name().unwrap().to_string_lossy().into_owned(),
                parsed,
            ));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(out.len() >= 10, "fixtures missing: found {}", out.len());
    out
}

/// Scans a staged copy of the fixture as its `expect.toml` says, plus `extra`
/// arguments; output paths are redacted back to the fixture's.
pub fn scan_fixture(name: &str, expect: &Expect, extra: &[&str]) -> Run {
    let (_tmp, staged) = stage_fixture(name, &expect.mtimes);
    let args: Vec<&str> = expect
        .args
        .iter()
        .map(String::as_str)
        .chain(extra.iter().copied())
        .collect();
    let mut run = scan(&staged, &expect.phase, &args);
    run.stdout = redact_staged(&run.stdout, &staged, name);
    run.stderr = redact_staged(&run.stderr, &staged, name);
    run
}

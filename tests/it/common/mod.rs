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
    // Text wraps to COLUMNS when stdout is not a terminal: the same in every run.
    cmd.env("COLUMNS", "80");
    // The colour switches of `--color auto`, whatever the test runner's environment.
    for var in [
        "NO_COLOR",
        "FORCE_COLOR",
        "CLICOLOR_FORCE",
        "CLICOLOR",
        "TERM",
    ] {
        cmd.env_remove(var);
    }
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

/// Scans a fixture as it is, with [`select_of`] its rules, and writes its JSON
/// report into `dir` (for `--baseline` and `diff`).
pub fn write_json_report(name: &str, phase: &str, dir: &Path) -> PathBuf {
    // Dated as the fixture tests date it: a checkout's times are the clock's.
    let (_tmp, staged) = stage_fixture(name, &expect(name).mtimes);
    let r = checked(run(upgate()
        .arg("scan")
        .arg(&staged)
        .args(["--phase", phase, "--now", NOW, "--format", "json"])
        .args(select_of(name))));
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

/// Copies a fixture into a temporary folder (to alter it, or set times),
/// every entry dated as [`stage_fixture`] dates it: a checkout's times are
/// the clock's, which may lie after the tests' `--now`.
pub fn copy_fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture(name), dir.path());
    set_all_mtimes(dir.path(), time(FIXTURE_MTIME));
    if fixture(name).join("expect.toml").is_file() {
        for (rel, when) in &expect(name).mtimes {
            set_mtime(&dir.path().join(rel), time(when));
        }
    }
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

/// Replaces the temporary path of a staged copy (canonicalized: it may be gone
/// by now) with the fixture's own, then [`redact`]s.
fn redact_staged(text: &str, canonical: &Path, name: &str) -> String {
    let escaped = canonical.display().to_string().replace('\\', "\\\\");
    redact(&text.replace(&escaped, &format!("[REPO]/fixtures/{name}")))
}

/// Replaces machine-specific paths and upgate's version so snapshots are stable.
pub fn redact(text: &str) -> String {
    let repo = std::fs::canonicalize(repo()).unwrap();
    let escaped = repo.display().to_string().replace('\\', "\\\\");
    let version = env!("CARGO_PKG_VERSION");
    text.replace(&escaped, "[REPO]")
        // JSON's tool.version, SARIF's tool.driver.version.
        .replace(
            &format!("\"version\": \"{version}\""),
            "\"version\": \"[VERSION]\"",
        )
        .replace(&format!("upgate {version}"), "upgate [VERSION]")
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

impl Expect {
    /// The `--select` value naming exactly the rules of `[results]`.
    pub fn select(&self) -> String {
        self.results.keys().cloned().collect::<Vec<_>>().join(",")
    }
}

/// A fixture's `expect.toml`.
pub fn expect(name: &str) -> Expect {
    let file = fixture(name).join("expect.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

/// `--select` of the rules a fixture is about (its `expect.toml`'s): for a
/// test that judges a whole report (the exit status, counts, every result), so
/// that a new rule does not change it.
pub fn select_of(name: &str) -> [String; 2] {
    ["--select".to_string(), expect(name).select()]
}

/// Every fixture with an `expect.toml`, by name.
pub fn fixtures() -> Vec<(String, Expect)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(repo().join("fixtures")).unwrap() {
        let path = entry.unwrap().path();
        if path.join("expect.toml").is_file() {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            out.push((name.clone(), expect(&name)));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(out.len() >= 10, "fixtures missing: found {}", out.len());
    out
}

/// The output formats a [`FixtureScan`] holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Junit,
    Markdown,
    Github,
}

impl Format {
    fn code(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Markdown => "markdown",
            Format::Github => "github",
        }
    }
}

/// One fixture, scanned once per test run: a staged copy (see [`stage_fixture`])
/// scanned as its `expect.toml` says, with `--select` of exactly the rules it
/// lists, and the working directory at the staging folder (as a CI job's
/// workspace, for `github`'s relative paths). Text is `--show all`; Markdown
/// the default view. Every format comes from one scan (`--report`) but
/// Markdown's, which is a second one.
pub struct FixtureScan {
    pub name: String,
    pub expect: Expect,
    /// The exit status (of both scans).
    pub code: i32,
    pub stderr: String,
    outputs: std::collections::BTreeMap<Format, String>,
    /// The staged copy's canonical path, for redaction.
    staged: PathBuf,
}

impl FixtureScan {
    /// The output as upgate wrote it, machine paths and all.
    pub fn raw(&self, format: Format) -> &str {
        &self.outputs[&format]
    }

    /// The output with paths and version redacted, for snapshots.
    pub fn redacted(&self, format: Format) -> String {
        redact_staged(self.raw(format), &self.staged, &self.name)
    }

    /// A JSON output (`json` or `sarif`), parsed.
    pub fn parsed(&self, format: Format) -> serde_json::Value {
        let text = self.raw(format);
        serde_json::from_str(text)
            .unwrap_or_else(|e| panic!("{}: {format:?} is not JSON ({e}):\n{text}", self.name))
    }

    fn run(name: String, expect: Expect) -> FixtureScan {
        let (tmp, staged) = stage_fixture(&name, &expect.mtimes);
        let out = tmp.path().join("out");
        std::fs::create_dir(&out).unwrap();
        let select = expect.select();
        let scan = |args: &[String]| {
            checked(run(upgate()
                .current_dir(tmp.path())
                .arg("scan")
                .arg(&staged)
                .args(["--phase", &expect.phase, "--now", NOW, "--color", "never"])
                .args(&expect.args)
                .args(["--select", &select])
                .args(args)))
        };
        let reported = [Format::Json, Format::Sarif, Format::Junit, Format::Github];
        let mut args: Vec<String> = ["--format", "text", "--show", "all"]
            .map(String::from)
            .into();
        for format in reported {
            args.push("--report".into());
            args.push(format!(
                "{}={}",
                format.code(),
                out.join(format.code()).display()
            ));
        }
        let main = scan(&args);
        let markdown = scan(&["--format".into(), "markdown".into()]);
        assert_eq!(
            main.code, markdown.code,
            "{name}: the two scans disagree\n{}",
            main.stderr
        );
        let mut outputs = std::collections::BTreeMap::new();
        for format in reported {
            let file = out.join(format.code());
            let text = std::fs::read_to_string(&file)
                .unwrap_or_else(|e| panic!("{name}: {}: {e}\n{}", file.display(), main.stderr));
            outputs.insert(format, text);
        }
        outputs.insert(Format::Text, main.stdout);
        outputs.insert(Format::Markdown, markdown.stdout);
        FixtureScan {
            code: main.code,
            stderr: main.stderr,
            outputs,
            staged: std::fs::canonicalize(&staged).unwrap(),
            name,
            expect,
        }
    }
}

/// Every fixture's [`FixtureScan`], by name; scanned on first use (in
/// parallel), then shared by every test of the run.
pub fn fixture_scans() -> &'static [FixtureScan] {
    static SCANS: std::sync::LazyLock<Vec<FixtureScan>> = std::sync::LazyLock::new(|| {
        std::thread::scope(|s| {
            let workers: Vec<_> = fixtures()
                .into_iter()
                .map(|(name, expect)| s.spawn(move || FixtureScan::run(name, expect)))
                .collect();
            workers.into_iter().map(|w| w.join().unwrap()).collect()
        })
    });
    &SCANS
}

/// One fixture's [`FixtureScan`].
pub fn fixture_scan(name: &str) -> &'static FixtureScan {
    fixture_scans()
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no fixture {name}"))
}

//! Helpers shared by the integration tests: run the built binary on a fixture
//! or on a temporary copy of one.

#![allow(dead_code)] // each test binary uses its own subset

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

pub fn scan(target: &Path, phase: &str, extra: &[&str]) -> Run {
    let out = upgate()
        .arg("scan")
        .arg(target)
        .args(["--phase", phase, "--now", NOW, "--color", "never"])
        .args(extra)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Copies a fixture into a temporary folder (to alter it, or set times).
pub fn copy_fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture(name), dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Replaces machine-specific paths so snapshots are stable.
pub fn redact(text: &str) -> String {
    let repo = std::fs::canonicalize(repo()).unwrap();
    let escaped = repo.display().to_string().replace('\\', "\\\\");
    text.replace(&escaped, "[REPO]")
}

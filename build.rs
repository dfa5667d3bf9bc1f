//! Records the git commit and build date for `upgate --version`
//! (UPGATE_GIT_COMMIT, UPGATE_BUILD_DATE). Never fails: without git, or
//! outside a checkout, both are `unknown`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    Some(String::from_utf8(out.stdout).ok()?.trim().to_string())
}

/// `YYYY-MM-DD` of a Unix time (UTC), for SOURCE_DATE_EPOCH.
fn date_of_epoch(secs: i64) -> String {
    // Howard Hinnant's civil_from_days.
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    // Only this crate's own checkout: not a repository it happens to be copied into.
    let top = git(&["rev-parse", "--show-toplevel"]).map(PathBuf::from);
    let ours =
        top.is_some_and(|t| std::fs::canonicalize(t).ok() == std::fs::canonicalize(&manifest).ok());
    let commit = ours
        .then(|| git(&["rev-parse", "--short", "HEAD"]))
        .flatten()
        .map(|c| {
            let dirty = git(&["status", "--porcelain"]).is_some_and(|s| !s.is_empty());
            if dirty { format!("{c}-dirty") } else { c }
        });
    if ours {
        // HEAD, and the branch it points at: a new commit or checkout rebuilds.
        let mut watch = vec!["HEAD".to_string()];
        if let Some(r) = git(&["symbolic-ref", "-q", "HEAD"]) {
            watch.push(r);
        }
        watch.push("packed-refs".to_string());
        for w in watch {
            if let Some(p) = git(&["rev-parse", "--git-path", &w]) {
                let p = Path::new(&p);
                let p = if p.is_absolute() {
                    p.to_path_buf()
                } else {
                    manifest.join(p)
                };
                if p.exists() {
                    println!("cargo:rerun-if-changed={}", p.display());
                }
            }
        }
    }
    let date = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .map(date_of_epoch)
        .or_else(|| {
            ours.then(|| git(&["log", "-1", "--format=%cI"]))
                .flatten()
                .and_then(|d| d.get(..10).map(str::to_string))
        });
    println!(
        "cargo:rustc-env=UPGATE_GIT_COMMIT={}",
        commit.as_deref().unwrap_or("unknown")
    );
    println!(
        "cargo:rustc-env=UPGATE_BUILD_DATE={}",
        date.as_deref().unwrap_or("unknown")
    );
}

//! Every fuzz target over its seed corpus, as a plain test on stable: the
//! committed seeds under `fuzz/seeds/<target>/` (reproducers of past findings
//! among them) and the repository files its `seed_dirs` name. A panic fails
//! the test with the target and the seed's path. `UPGATE_FUZZ_CORPUS=DIR`
//! instead copies each target's seeds into `DIR/<target>/`, for fuzz/run.sh.

use std::fs;
use std::panic;
use std::path::{Path, PathBuf};

use upgate_fuzz::{TARGETS, Target};

/// Seeds bigger than this are left to the tests that own them (libFuzzer would
/// truncate them anyway).
const MAX_SEED: u64 = 1 << 20;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("fuzz/ is inside the repository")
        .to_path_buf()
}

fn walk(dir: &Path, keep: &dyn Fn(&str) -> bool, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let Ok(meta) = fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            walk(&path, keep, out);
        } else if meta.is_file()
            && meta.len() <= MAX_SEED
            && keep(&entry.file_name().to_string_lossy())
        {
            out.push(path);
        }
    }
}

fn seeds(target: &Target) -> Vec<PathBuf> {
    let mut out = Vec::new();
    walk(
        &repo().join("fuzz/seeds").join(target.name),
        &|_| true,
        &mut out,
    );
    for dir in target.seed_dirs {
        walk(&repo().join(dir), &target.seed_file, &mut out);
    }
    out
}

#[test]
fn every_target_runs_its_seeds_without_a_panic() {
    let write_to = std::env::var_os("UPGATE_FUZZ_CORPUS").map(PathBuf::from);
    let mut failures = Vec::new();
    for target in TARGETS {
        let seeds = seeds(target);
        assert!(!seeds.is_empty(), "{} has no seeds", target.name);
        if let Some(dir) = &write_to {
            let dir = dir.join(target.name);
            fs::create_dir_all(&dir).unwrap();
            for (i, seed) in seeds.iter().enumerate() {
                let name = seed.file_name().unwrap().to_string_lossy();
                fs::copy(seed, dir.join(format!("{i:05}-{name}"))).unwrap();
            }
        }
        for seed in &seeds {
            let data = fs::read(seed).unwrap();
            if panic::catch_unwind(|| (target.run)(&data)).is_err() {
                failures.push(format!("{}: {}", target.name, seed.display()));
            }
        }
        eprintln!("{}: {} seeds", target.name, seeds.len());
    }
    assert!(failures.is_empty(), "panicked on:\n{}", failures.join("\n"));
}

#[test]
fn every_target_has_a_libfuzzer_entry_point() {
    for target in TARGETS {
        let path = repo()
            .join("fuzz/fuzz_targets")
            .join(format!("{}.rs", target.name));
        let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            text.contains(&format!("upgate_fuzz::{}::run(data)", target.name)),
            "{} does not run its target",
            path.display()
        );
    }
}

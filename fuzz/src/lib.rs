//! The fuzz targets' bodies, one module per parser or judge, so that libFuzzer
//! (`fuzz_targets/`, nightly) and the seed-corpus tests (`tests/seeds.rs`,
//! stable) run the same code. Each body feeds arbitrary bytes to upgate's own
//! entry points and asserts what must hold for any input: no panic, and for
//! the orders, that they are total. See README.md.

pub mod apache;
pub mod earlier_report;
pub mod facts;
pub mod glob;
pub mod icacls;
pub mod iis;
pub mod manifest;
pub mod nuget_version;
pub mod nupkg;
pub mod release_order;
pub mod rule_pack;
pub mod server_path;
pub mod text;
pub mod waivers;
pub mod xml;

mod support;

/// A target: its name (as under `fuzz_targets/`), its body, and what seeds it
/// from the repository besides `fuzz/seeds/<name>/`.
pub struct Target {
    pub name: &'static str,
    pub run: fn(&[u8]),
    /// Folders under the repository root searched (recursively) for seed files.
    pub seed_dirs: &'static [&'static str],
    /// Which files in them are seeds, by file name.
    pub seed_file: fn(&str) -> bool,
}

fn ext(name: &str, exts: &[&str]) -> bool {
    let lower = name.to_ascii_lowercase();
    exts.iter().any(|e| lower.ends_with(e))
}

/// Every target, in the order fuzz/run.sh runs them.
pub const TARGETS: &[Target] = &[
    Target {
        name: "xml",
        run: xml::run,
        seed_dirs: &["fixtures", "tests/data/real-world"],
        seed_file: |n| ext(n, &[".config", ".xml", ".nuspec"]),
    },
    Target {
        name: "text",
        run: text::run,
        seed_dirs: &["fixtures", "tests/data/real-world"],
        seed_file: |n| ext(n, &[".config", ".conf", ".txt", ".json"]),
    },
    Target {
        name: "server_path",
        run: server_path::run,
        seed_dirs: &[],
        seed_file: |_| false,
    },
    Target {
        name: "glob",
        run: glob::run,
        seed_dirs: &[],
        seed_file: |_| false,
    },
    Target {
        name: "icacls",
        run: icacls::run,
        seed_dirs: &["fixtures", "tests/data/real-world"],
        seed_file: |n| n.to_ascii_lowercase().contains("icacls"),
    },
    Target {
        name: "nuget_version",
        run: nuget_version::run,
        seed_dirs: &[],
        seed_file: |_| false,
    },
    Target {
        name: "release_order",
        run: release_order::run,
        seed_dirs: &[],
        seed_file: |_| false,
    },
    Target {
        name: "nupkg",
        run: nupkg::run,
        seed_dirs: &["fixtures", "tests/data/real-world"],
        seed_file: |n| ext(n, &[".nupkg", ".nuspec", ".hash.json"]),
    },
    Target {
        name: "facts",
        run: facts::run,
        seed_dirs: &["fixtures", "tests/data/real-world"],
        seed_file: |n| n.eq_ignore_ascii_case("facts.json"),
    },
    Target {
        name: "rule_pack",
        run: rule_pack::run,
        seed_dirs: &["rules"],
        seed_file: |n| ext(n, &[".toml"]),
    },
    Target {
        name: "waivers",
        run: waivers::run,
        seed_dirs: &["fixtures", "tests"],
        seed_file: |n| n.to_ascii_lowercase().contains("waiver"),
    },
    Target {
        name: "earlier_report",
        run: earlier_report::run,
        seed_dirs: &[],
        seed_file: |_| false,
    },
    Target {
        name: "apache",
        run: apache::run,
        seed_dirs: &["fixtures", "tests/data/real-world"],
        seed_file: |n| ext(n, &[".conf"]),
    },
    Target {
        name: "iis",
        run: iis::run,
        seed_dirs: &["fixtures", "tests/data/real-world"],
        seed_file: |n| n.eq_ignore_ascii_case("applicationHost.config"),
    },
    Target {
        name: "manifest",
        run: manifest::run,
        seed_dirs: &[],
        seed_file: |_| false,
    },
];

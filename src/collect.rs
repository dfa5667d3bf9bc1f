//! `upgate collect`: a snapshot of a server that scans as the server does.
//!
//! It runs the scans a later `upgate scan` runs (both phases; the products
//! found, all of them, and each alone, since the procedure and so the rules
//! depend on which are in scope) against a server that notes every answer
//! ([`Server::recording`]), then writes what they saw: the files the rules
//! read under `root/`, every other entry as a line of `manifest.tsv` with its
//! size and time (and, with `--hash`, its SHA-256 and CRC-32), `facts.json`
//! and `captures/`. The scans judge backups with no age limit, so every copy a
//! later scan could count is walked (walks stop at the first complete copy,
//! newest first, whatever the limit).
//!
//! What a scan of the snapshot asks and the collecting scans did not (other
//! facts, `--offline-package`) is answered "not collected": an error, never
//! a guess, so it cannot pass.

use std::fmt::Write as _;
use std::io;
use std::path::Path;

use jiff::{SignedDuration, Timestamp};

use crate::error::InputError;
use crate::facts::Facts;
use crate::model::{Phase, Product};
use crate::rules::RuleSet;
use crate::rules::checks::BackupOptions;
use crate::scan::{ScanInput, scan};
use crate::server::{Server, Written};
use crate::target::{CAPTURE_FILES, Captures};

/// Programs collect runs on the server itself (`icacls.exe`, `sc.exe`), behind
/// a trait so tests stand in for them.
pub trait Commands {
    /// The program's standard output; `None` when this machine has no such program.
    fn run(&self, program: &str, args: &[&str]) -> Option<io::Result<Vec<u8>>>;
}

/// The system's own programs, from the Windows system directory (never
/// from the scanned tree or `PATH`); none elsewhere.
pub struct SystemCommands;

impl Commands for SystemCommands {
    fn run(&self, program: &str, args: &[&str]) -> Option<io::Result<Vec<u8>>> {
        if !cfg!(windows) {
            return None;
        }
        let system = std::env::var_os("SystemRoot")?;
        let exe = Path::new(&system)
            .join("System32")
            .join(format!("{program}.exe"));
        if !exe.is_file() {
            return None;
        }
        Some(
            std::process::Command::new(exe)
                .args(args)
                .output()
                .and_then(|o| {
                    if o.status.success() {
                        Ok(o.stdout)
                    } else {
                        Err(io::Error::other(format!(
                            "{program} exited with {}: {}",
                            o.status,
                            String::from_utf8_lossy(&o.stderr).trim()
                        )))
                    }
                }),
        )
    }
}

pub struct Request<'a> {
    pub server: Server,
    pub rules: &'a RuleSet,
    pub facts: &'a Facts,
    /// The facts file's text, copied into the snapshot (with `host` added).
    pub facts_text: Option<&'a str>,
    pub captures: &'a Captures,
    pub host: String,
    pub now: Timestamp,
    pub hash: bool,
    /// Whether the root is this machine's own, so its programs describe it.
    pub live: bool,
    pub commands: &'a dyn Commands,
}

/// What collect did, for its summary.
#[derive(Debug)]
pub struct Collected {
    pub written: Written,
    /// facts.json keys collect filled, and from where.
    pub filled: Vec<(String, String)>,
    /// Captures written (facts key, what it came from) and those left out (why).
    pub captures: Vec<(String, String)>,
    pub left_out: Vec<String>,
}

/// Every product scope a later scan may run with: detection (`[]`), all, each alone.
const SCOPES: &[&[Product]] = &[
    &[],
    &[Product::Ss, Product::Pm, Product::Nps],
    &[Product::Ss, Product::Pm],
    &[Product::Ss],
    &[Product::Pm],
    &[Product::Nps],
];

/// Collects `req.server` into `out` (created; must not exist or be empty).
pub fn collect(req: &Request<'_>, out: &Path) -> Result<Collected, InputError> {
    prepare(out)?;
    let live_root = req.server.root().to_path_buf();
    let (server, record) = req.server.clone().recording();
    for phase in [Phase::Pre, Phase::Post] {
        for scope in SCOPES {
            let input = ScanInput {
                server: &server,
                rules: req.rules,
                facts: req.facts,
                facts_file: None,
                host: req.host.clone(),
                phase,
                products: scope.to_vec(),
                targets: Default::default(),
                now: req.now,
                backups: BackupOptions {
                    // No limit: every copy a later scan could count gets walked.
                    max_age: SignedDuration::from_hours(24 * 365 * 100),
                    verify_content: false,
                },
                captures: req.captures,
                offline_package: None,
            };
            scan(&input);
        }
    }
    drop(server);
    let mut record = record
        .lock()
        .map_err(|_| InputError::new("collect failed: a scan thread panicked"))?;
    let written = record
        .write_snapshot(&live_root, out, req.hash)
        .map_err(|e| InputError::new(format!("cannot write the snapshot: {e}")).in_file(out))?;
    let mut done = Collected {
        written,
        filled: Vec::new(),
        captures: Vec::new(),
        left_out: Vec::new(),
    };
    let mut facts = match req.facts_text {
        Some(text) => serde_json::from_str::<serde_json::Value>(text).map_err(|e| {
            InputError::new(format!(
                "collect rewrites facts.json as plain JSON and cannot read this one: {e}"
            ))
        })?,
        None => serde_json::json!({}),
    };
    if facts.get("host").is_none() {
        facts["host"] = serde_json::Value::String(req.host.clone());
        done.filled
            .push(("host".into(), "the root's name (or this machine's)".into()));
    }
    write_captures(req, out, &mut facts, &mut done)?;
    let text = serde_json::to_string_pretty(&facts).unwrap_or_default() + "\n";
    write(out, "facts.json", text.as_bytes())?;
    write(out, "COLLECTED.md", summary(req, &done).as_bytes())?;
    Ok(done)
}

fn prepare(out: &Path) -> Result<(), InputError> {
    let fail = |e: io::Error| {
        InputError::new(format!("cannot create the snapshot folder: {e}")).in_file(out)
    };
    match std::fs::read_dir(out) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(InputError::new("the snapshot folder is not empty")
                    .in_file(out)
                    .help("name a new folder with --out; collect never overwrites"));
            }
            Ok(())
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => std::fs::create_dir_all(out).map_err(fail),
        Err(e) => Err(fail(e)),
    }
}

fn write(out: &Path, name: &str, bytes: &[u8]) -> Result<(), InputError> {
    let file = out.join(name);
    std::fs::write(&file, bytes)
        .map_err(|e| InputError::new(format!("cannot write {name}: {e}")).in_file(&file))
}

/// Copies the captures the facts named, or takes them on the server itself.
fn write_captures(
    req: &Request<'_>,
    out: &Path,
    facts: &mut serde_json::Value,
    done: &mut Collected,
) -> Result<(), InputError> {
    for (key, default) in CAPTURE_FILES {
        let bytes = if let Some(c) = req.captures.get(*key) {
            done.captures
                .push((key.to_string(), c.file.display().to_string()));
            c.bytes.clone()
        } else if !req.live {
            done.left_out.push(format!(
                "captures.{key}: the root is not this machine's, so its programs cannot describe it"
            ));
            continue;
        } else {
            let cache = req.server.root().join("ProgramData").join("NugetCache");
            let path = cache.display().to_string();
            match req.commands.run("icacls", &[&path, "/T"]) {
                Some(Ok(b)) => {
                    done.captures
                        .push((key.to_string(), format!("icacls {path} /T")));
                    b
                }
                Some(Err(e)) => {
                    done.left_out
                        .push(format!("captures.{key}: icacls failed: {e}"));
                    continue;
                }
                None => {
                    done.left_out
                        .push(format!("captures.{key}: this machine has no icacls.exe"));
                    continue;
                }
            }
        };
        let file = out.join(default);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                InputError::new(format!("cannot write the capture: {e}")).in_file(parent)
            })?;
        }
        std::fs::write(&file, bytes).map_err(|e| {
            InputError::new(format!("cannot write the capture: {e}")).in_file(&file)
        })?;
        if let Some(captures) = facts.get_mut("captures").and_then(|c| c.as_object_mut()) {
            captures.insert(
                key.to_string(),
                serde_json::Value::String(default.to_string()),
            );
        }
    }
    Ok(())
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// The snapshot's COLLECTED.md, also what collect prints.
pub fn summary(req: &Request<'_>, done: &Collected) -> String {
    let w = &done.written;
    let mut s = String::new();
    let _ = writeln!(s, "# Snapshot of {}\n", req.host);
    let _ = writeln!(
        s,
        "Collected by upgate {} at {} from {}{}.\n",
        env!("CARGO_PKG_VERSION"),
        req.now,
        req.server.root().display(),
        if req.hash {
            ", with content hashes"
        } else {
            ""
        }
    );
    let _ = writeln!(
        s,
        "- {} files copied whole ({}), {} kept in part ({}: the ranges of zips the rules read)",
        w.copied,
        mib(w.copied_bytes),
        w.ranged,
        mib(w.ranged_bytes)
    );
    let _ = writeln!(
        s,
        "- {} files recorded by size and time{} in manifest.tsv ({} lines, {}), standing for {}",
        w.listed_files,
        if req.hash { " and hash" } else { "" },
        w.entries,
        mib(w.manifest_bytes),
        mib(w.listed_bytes)
    );
    for c in &w.changed {
        let _ = writeln!(s, "- changed while collected, recorded as unreadable: {c}");
    }
    let _ = writeln!(s, "\nfacts.json:");
    for (key, from) in &done.filled {
        let _ = writeln!(s, "- `{key}`: from {from}");
    }
    if req.facts_text.is_some() {
        let _ = writeln!(s, "- everything else: from the facts file given to collect");
    }
    let _ = writeln!(
        s,
        "- the rest is the administrator's to fill: `upgate facts --template` prints every key, docs/facts.md says where to read each"
    );
    for (key, from) in &done.captures {
        let _ = writeln!(s, "- captures.{key}: from {from}");
    }
    for why in &done.left_out {
        let _ = writeln!(s, "- left out: {why}");
    }
    s
}

//! `upgate collect`: a snapshot of a server that scans as the server does.
//!
//! It runs a scan of each phase with every rule, whatever the products and
//! procedure (what a rule reads does not depend on them, so this reads all
//! that any later scan of the phase reads), against a server that notes every answer
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
    /// Whether the snapshot holds a template of the facts left to fill.
    pub template: bool,
    /// What the detecting scan found: products and procedure.
    pub products: Vec<Product>,
    pub procedure: String,
}

/// Collects `req.server` into `out` (created; must not exist or be empty).
pub fn collect(req: &Request<'_>, out: &Path) -> Result<Collected, InputError> {
    // Checked now, created after the scans: a folder made under the root
    // before them would be part of what they see.
    check_out(out)?;
    let live_root = req.server.root().to_path_buf();
    let (server, record) = req.server.clone().recording();
    let mut found = None;
    for phase in [Phase::Pre, Phase::Post] {
        let input = ScanInput {
            server: &server,
            rules: req.rules,
            facts: req.facts,
            facts_file: None,
            host: req.host.clone(),
            phase,
            products: Vec::new(),
            targets: Default::default(),
            now: req.now,
            backups: BackupOptions {
                // No limit: every copy a later scan could count gets walked.
                max_age: SignedDuration::from_hours(24 * 365 * 100),
                verify_content: false,
            },
            captures: req.captures,
            offline_package: None,
            every_rule: true,
        };
        let scanned = scan(&input);
        if found.is_none() {
            found = Some((scanned.info.products, scanned.info.procedure));
        }
    }
    drop(server);
    std::fs::create_dir_all(out).map_err(|e| {
        InputError::new(format!("cannot create the snapshot folder: {e}")).in_file(out)
    })?;
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
        products: Vec::new(),
        procedure: String::new(),
        template: false,
    };
    if let Some((products, procedure)) = found {
        done.products = products;
        done.procedure = procedure;
    }
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
    // Always the time of this collection: a facts file given to collect may be an older
    // snapshot's.
    facts["collected_at"] = serde_json::Value::String(req.now.to_string());
    done.filled
        .push(("collected_at".into(), "the time of this collection".into()));
    write_captures(req, out, &mut facts, &mut done)?;
    fill_services(req, &mut facts, &mut done);
    let text = serde_json::to_string_pretty(&facts).unwrap_or_default() + "\n";
    write(out, "facts.json", text.as_bytes())?;
    if let Some(rest) = left_to_fill(&done.products, &facts) {
        write(out, TEMPLATE, rest.as_bytes())?;
        done.template = true;
    }
    write(out, "COLLECTED.md", summary(req, &done).as_bytes())?;
    Ok(done)
}

/// The facts the administrator has left to supply, as a template beside facts.json.
const TEMPLATE: &str = "facts.template.json";

/// `upgate facts --template` for the products found (all, if none), less the
/// keys facts.json already has; `None` when nothing is left.
fn left_to_fill(products: &[Product], facts: &serde_json::Value) -> Option<String> {
    let mut template: serde_json::Value =
        serde_json::from_str(&crate::facts::template(products)).ok()?;
    let object = template.as_object_mut()?;
    object.retain(|key, value| match (facts.get(key), value.as_object_mut()) {
        (None, _) => true,
        (Some(given), Some(fields)) => {
            fields.retain(|field, _| given.get(field).is_none());
            !fields.is_empty()
        }
        (Some(_), None) => false,
    });
    (!object.is_empty()).then(|| serde_json::to_string_pretty(&template).unwrap_or_default() + "\n")
}

fn check_out(out: &Path) -> Result<(), InputError> {
    match std::fs::read_dir(out) {
        Ok(mut entries) => match entries.next() {
            None => Ok(()),
            Some(_) => Err(InputError::new("the snapshot folder is not empty")
                .in_file(out)
                .help("name a new folder with --out; collect never overwrites")),
        },
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(InputError::new(format!("cannot use the snapshot folder: {e}")).in_file(out)),
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

/// A service as `sc.exe query` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScService {
    pub service_name: String,
    pub display_name: String,
    /// The state's number (1 stopped, 4 running; the labels are localized).
    pub state: u32,
    pub label: String,
}

/// Reads `sc.exe query type= service state= all`: blocks of `KEY: value`
/// lines, each starting at `SERVICE_NAME`.
pub fn parse_sc(text: &str) -> Vec<ScService> {
    let mut out: Vec<ScService> = Vec::new();
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match key.trim() {
            "SERVICE_NAME" => out.push(ScService {
                service_name: value.to_string(),
                display_name: String::new(),
                state: 0,
                label: String::new(),
            }),
            "DISPLAY_NAME" => {
                if let Some(s) = out.last_mut() {
                    s.display_name = value.to_string();
                }
            }
            "STATE" => {
                if let Some(s) = out.last_mut() {
                    let mut words = value.split_whitespace();
                    s.state = words.next().and_then(|n| n.parse().ok()).unwrap_or(0);
                    s.label = words.next().unwrap_or_default().to_string();
                }
            }
            _ => {}
        }
    }
    out
}

/// `password_secure.services` from `sc.exe`, on the machine itself, when the
/// facts do not give it: the services the rules ask about (their `name_contains`).
fn fill_services(req: &Request<'_>, facts: &mut serde_json::Value, done: &mut Collected) {
    let wanted: Vec<String> = req
        .rules
        .iter()
        .filter_map(|r| match &r.check {
            crate::rules::checks::Check::ServicesStopped(p) => Some(p.name_contains.to_lowercase()),
            _ => None,
        })
        .collect();
    let given = facts
        .get("password_secure")
        .and_then(|p| p.get("services"))
        .is_some();
    if wanted.is_empty() || given {
        return;
    }
    if !req.live {
        done.left_out.push(
            "password_secure.services: the root is not this machine's, so its services cannot be read"
                .into(),
        );
        return;
    }
    let listed = match req
        .commands
        .run("sc", &["query", "type=", "service", "state=", "all"])
    {
        Some(Ok(bytes)) => parse_sc(&String::from_utf8_lossy(&bytes)),
        Some(Err(e)) => {
            done.left_out
                .push(format!("password_secure.services: sc.exe failed: {e}"));
            return;
        }
        None => {
            done.left_out
                .push("password_secure.services: this machine has no sc.exe".into());
            return;
        }
    };
    let ours: Vec<&ScService> = listed
        .iter()
        .filter(|s| {
            let names = format!("{} {}", s.service_name, s.display_name).to_lowercase();
            wanted.iter().any(|w| names.contains(w))
        })
        .collect();
    if ours.is_empty() {
        done.left_out.push(format!(
            "password_secure.services: sc.exe lists no service whose name holds {}",
            wanted.join(" or ")
        ));
        return;
    }
    let services: Vec<serde_json::Value> = ours
        .iter()
        .map(|s| {
            // Only STOPPED (1) is stopped: a pending or paused service still runs.
            let state = if s.state == 1 { "stopped" } else { "running" };
            let name = if s.display_name.is_empty() {
                &s.service_name
            } else {
                &s.display_name
            };
            serde_json::json!({ "name": name, "state": state })
        })
        .collect();
    if !facts.get("password_secure").is_some_and(|p| p.is_object()) {
        facts["password_secure"] = serde_json::json!({});
    }
    facts["password_secure"]["services"] = serde_json::Value::Array(services);
    let states: Vec<String> = ours
        .iter()
        .map(|s| format!("{} {} {}", s.service_name, s.state, s.label))
        .collect();
    done.filled.push((
        "password_secure.services".into(),
        format!("sc.exe query ({})", states.join("; ")),
    ));
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
    if done.products.is_empty() {
        let _ = writeln!(
            s,
            "No product found on this root: the snapshot holds what the rules looked for, and a scan of it needs --product and facts.\n"
        );
    } else {
        let names: Vec<&str> = done.products.iter().map(|p| p.name()).collect();
        let _ = writeln!(
            s,
            "Found: {} (procedure {}).\n",
            names.join(", "),
            done.procedure
        );
    }
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
        "- the rest is the administrator's to fill: {}docs/facts.md says where to read each",
        if done.template {
            format!(
                "{TEMPLATE} holds the keys facts.json lacks, each value a placeholder to replace (scan refuses a placeholder) before it is moved into facts.json; "
            )
        } else {
            String::new()
        }
    );
    for (key, from) in &done.captures {
        let _ = writeln!(s, "- captures.{key}: from {from}");
    }
    for why in &done.left_out {
        let _ = writeln!(s, "- left out: {why}");
    }
    s
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::server::Env;

    /// Stands in for the system's programs.
    struct Fake(BTreeMap<&'static str, &'static str>);

    impl Commands for Fake {
        fn run(&self, program: &str, _args: &[&str]) -> Option<io::Result<Vec<u8>>> {
            self.0.get(program).map(|out| Ok(out.as_bytes().to_vec()))
        }
    }

    const SC: &str = "\
SERVICE_NAME: PSRServer
DISPLAY_NAME: Netwrix Password Secure Service
        TYPE               : 10  WIN32_OWN_PROCESS
        STATE              : 3  STOP_PENDING
                                (NOT_STOPPABLE, NOT_PAUSABLE, IGNORES_SHUTDOWN)
        WIN32_EXIT_CODE    : 0  (0x0)

SERVICE_NAME: wuauserv
DISPLAY_NAME: Windows Update
        TYPE               : 20  WIN32_SHARE_PROCESS
        STATE              : 1  STOPPED
";

    fn collect_with(commands: &dyn Commands, live: bool) -> (tempfile::TempDir, Collected) {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("root");
        std::fs::create_dir_all(root.join("ProgramData/NugetCache")).unwrap();
        let server = Server::new(
            &root,
            'C',
            &BTreeMap::new(),
            Env::new('C', &BTreeMap::new()),
        )
        .unwrap();
        let rules = RuleSet::builtin().unwrap();
        let req = Request {
            server,
            rules: &rules,
            facts: &Facts::default(),
            facts_text: None,
            captures: &Captures::new(),
            host: "pam-web-01".into(),
            now: "2026-11-22T08:00:00Z".parse().unwrap(),
            hash: false,
            live,
            commands,
        };
        let done = collect(&req, &tmp.path().join("snap")).unwrap();
        (tmp, done)
    }

    #[test]
    fn sc_output_is_read_by_state_number() {
        let services = parse_sc(SC);
        assert_eq!(services.len(), 2);
        assert_eq!(services[0].display_name, "Netwrix Password Secure Service");
        assert_eq!(
            (services[0].state, services[0].label.as_str()),
            (3, "STOP_PENDING")
        );
        assert_eq!(services[1].state, 1);
    }

    #[test]
    fn on_its_own_root_collect_runs_icacls_and_sc() {
        let icacls = "C:\\ProgramData\\NugetCache NT AUTHORITY\\SYSTEM:(OI)(CI)(F)\n";
        let fake = Fake(BTreeMap::from([("icacls", icacls), ("sc", SC)]));
        let (tmp, done) = collect_with(&fake, true);
        let snap = tmp.path().join("snap");
        let capture = std::fs::read_to_string(snap.join("captures/nugetcache.icacls.txt")).unwrap();
        assert_eq!(capture, icacls);
        let facts: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(snap.join("facts.json")).unwrap())
                .unwrap();
        // STOP_PENDING is not stopped yet; Windows Update is no Password Secure service.
        assert_eq!(
            facts["password_secure"]["services"],
            serde_json::json!([{ "name": "Netwrix Password Secure Service", "state": "running" }])
        );
        assert!(
            done.filled
                .iter()
                .any(|(k, from)| k == "password_secure.services" && from.contains("STOP_PENDING"))
        );
        // Dated with the collection's time, which a scan of the snapshot reads back.
        assert_eq!(facts["collected_at"], "2026-11-22T08:00:00Z");
        assert!(done.filled.iter().any(|(k, _)| k == "collected_at"));
        let parsed = Facts::parse(
            &std::fs::read_to_string(snap.join("facts.json")).unwrap(),
            &snap,
        )
        .unwrap();
        assert_eq!(
            parsed.collected_at.map(|m| m.0.to_string()).as_deref(),
            Some("2026-11-22T08:00:00Z")
        );
    }

    #[test]
    fn without_the_programs_or_on_another_root_collect_says_what_it_left_out() {
        let (_tmp, done) = collect_with(&Fake(BTreeMap::new()), true);
        assert!(
            done.left_out.iter().any(|w| w.contains("no icacls.exe")),
            "{:?}",
            done.left_out
        );
        assert!(
            done.left_out.iter().any(|w| w.contains("no sc.exe")),
            "{:?}",
            done.left_out
        );
        let everything = Fake(BTreeMap::from([("icacls", "x"), ("sc", SC)]));
        let (tmp, done) = collect_with(&everything, false);
        assert!(!tmp.path().join("snap/captures").exists());
        assert!(
            done.left_out
                .iter()
                .all(|w| w.contains("not this machine's")),
            "{:?}",
            done.left_out
        );
    }

    #[test]
    fn the_template_left_holds_only_the_keys_facts_json_lacks() {
        let facts = serde_json::json!({
            "host": "pam-web-01",
            "privilege_manager": { "installed_version": "11.0.1040" }
        });
        let rest: serde_json::Value =
            serde_json::from_str(&left_to_fill(&[Product::Pm], &facts).unwrap()).unwrap();
        assert!(rest.get("host").is_none());
        assert!(
            rest.get("secret_server").is_none(),
            "only the products found"
        );
        let pm = rest["privilege_manager"].as_object().unwrap();
        assert!(!pm.contains_key("installed_version"));
        assert!(pm.contains_key("target_version"));
    }

    #[test]
    fn a_folder_that_is_not_empty_is_never_written_to() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("keep"), "mine").unwrap();
        let e = check_out(tmp.path()).unwrap_err();
        assert!(e.message.contains("not empty"), "{e}");
    }
}

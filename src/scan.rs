//! One scan, in the order data flows: decide which products and procedures
//! are in scope, run every rule that applies (the rest are `not_applicable`
//! with the reason), and collect the results with what the scan observed.
//! Waivers, baselines and the report are the layers above.

use std::collections::BTreeMap;

use jiff::Timestamp;
use sha2::{Digest, Sha256};

use crate::facts::{Facts, Version};
use crate::inputs::web_dir::WebDirs;
use crate::inputs::{Inputs, Loaded};
use crate::inputs::{Integrity, ObservedSetting};
use crate::model::{Finding, Outcome, Phase, Procedure, Product, Status};
use crate::rules::checks::{BackupOptions, Context};
use crate::rules::{Rule, RuleSet};
use crate::server::Server;
use crate::target::Captures;

/// Where Password Secure's presence shows on disk (Secret Server's and
/// Privilege Manager's: their web folders, [`WebDirs`]).
const NPS_MARKER: &str = r"C:\inetpub\wwwroot\Web Application";

/// Why Secret Server alone gets its own procedure (detection and `not_applicable` say it).
const STANDALONE: &str = "Secret Server alone follows no seed procedure (seed 000 upgrades it together with Privilege Manager, and its 10.2 floor and NugetCache steps belong to that procedure)";

/// Everything a scan needs, already read and validated.
pub struct ScanInput<'a> {
    pub server: &'a Server,
    pub rules: &'a RuleSet,
    pub facts: &'a Facts,
    /// The facts file as the user named it, for the report.
    pub facts_file: Option<String>,
    pub host: String,
    pub phase: Phase,
    /// `--product`: when non-empty, replaces detection.
    pub products: Vec<Product>,
    /// `--target` overrides of the facts' target versions.
    pub targets: BTreeMap<Product, Version>,
    pub now: Timestamp,
    pub backups: BackupOptions,
    pub captures: &'a Captures,
    /// `--offline-package`: a host path outside the snapshot.
    pub offline_package: Option<&'a std::path::Path>,
    /// Run every rule, whatever the phase, products and procedure say
    /// (`upgate collect`, which wants what they read, not their verdicts).
    pub every_rule: bool,
}

/// What a scan found: its results, sorted by rule id then subject, and what it saw.
#[derive(Debug, Clone)]
pub struct Scan {
    pub info: ScanInfo,
    pub results: Vec<Finding>,
    pub observed_state: ObservedState,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ScanInfo {
    pub host: String,
    pub phase: Phase,
    /// `combined`, `offline`, `update`, or several joined by `+`; empty when no product is in scope.
    pub procedure: String,
    pub products: Vec<Product>,
    /// Why each product and procedure was chosen.
    pub detection: Vec<String>,
    pub root: String,
    pub facts: Option<String>,
    pub now: String,
    pub targets: BTreeMap<Product, String>,
}

/// What the scan saw that a later comparison needs.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ObservedState {
    pub settings: Vec<ObservedSetting>,
    pub packages: Vec<ObservedPackage>,
    /// Web server modules seen: IIS's globalModules, Apache's loaded modules.
    pub modules: Vec<crate::inputs::ObservedModule>,
    /// Copies of web folders found, with their times and whether they were complete.
    pub backups: Vec<crate::inputs::backup::ObservedBackup>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ObservedPackage {
    pub path: String,
    pub id: Option<String>,
    pub version: Option<String>,
    pub integrity: Integrity,
}

/// Products in scope, the procedure each follows, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub procedures: BTreeMap<Product, Procedure>,
    pub reasons: Vec<String>,
}

/// Which products are in scope and why: `--product` when given, else what
/// shows on disk (`on_disk`: product → "C:\…\TMS exists") and in the facts.
/// Then each web folder in scope, and where it was found.
pub fn detect(
    on_disk: &BTreeMap<Product, String>,
    dirs: &WebDirs,
    facts: &Facts,
    requested: &[Product],
) -> Scope {
    let mut reasons = Vec::new();
    let mut found: Vec<Product> = Vec::new();
    if requested.is_empty() {
        for product in Product::ALL {
            let in_facts = match product {
                Product::Ss => facts.secret_server.is_some(),
                Product::Pm => facts.privilege_manager.is_some(),
                Product::Nps => facts.password_secure.is_some(),
            };
            let why = match (on_disk.get(&product), in_facts) {
                (Some(marker), true) => {
                    format!("{marker} and facts.json has {}", product.facts_section())
                }
                (Some(marker), false) => marker.clone(),
                (None, true) => format!("facts.json has {}", product.facts_section()),
                (None, false) => continue,
            };
            reasons.push(format!("{} ({product}): {why}", product.name()));
            found.push(product);
        }
    } else {
        for product in requested {
            reasons.push(format!(
                "{} ({product}): --product {product}",
                product.name()
            ));
            found.push(*product);
        }
    }
    let mut procedures = BTreeMap::new();
    let (ss, pm) = (found.contains(&Product::Ss), found.contains(&Product::Pm));
    let thycotic = match (ss, pm) {
        (true, true) => {
            reasons.push(
                "procedure combined: Secret Server and Privilege Manager are both in scope (seed 000)"
                    .to_string(),
            );
            Some(Procedure::Combined)
        }
        (false, true) => {
            reasons.push(
                "procedure offline: Privilege Manager without Secret Server (seed 001)".to_string(),
            );
            Some(Procedure::Offline)
        }
        (true, false) => {
            reasons.push(format!(
                "procedure standalone: Secret Server without Privilege Manager; {STANDALONE}, so only the rules sound for any Secret Server upgrade run"
            ));
            Some(Procedure::Standalone)
        }
        (false, false) => None,
    };
    for product in found {
        let procedure = match product {
            Product::Ss | Product::Pm => thycotic.unwrap_or(Procedure::Offline),
            Product::Nps => {
                reasons.push("procedure update: Netwrix Password Secure (seed 002)".to_string());
                Procedure::Update
            }
        };
        procedures.insert(product, procedure);
    }
    for dir in &dirs.0 {
        if procedures.contains_key(&dir.app.product) {
            reasons.push(dir.describe());
        }
    }
    Scope {
        procedures,
        reasons,
    }
}

pub fn scan(input: &ScanInput<'_>) -> Scan {
    let mut inputs = Inputs::new(input.server);
    let dirs = inputs.web_dirs(input.facts);
    let scope = detect(
        &on_disk(&inputs, &dirs),
        &dirs,
        input.facts,
        &input.products,
    );
    let targets = effective_targets(input);
    let mut results: Vec<Finding> = Vec::new();
    for rule in input.rules.iter() {
        let procedure = scope.procedures.get(&rule.product).copied();
        let skip = if input.every_rule {
            None
        } else {
            not_applicable(rule, input.phase, procedure)
        };
        let outcomes = match skip {
            Some(reason) => vec![Outcome::new(
                Status::NotApplicable,
                rule.product.name(),
                reason,
            )],
            None => match rule.resolved_check(&dirs) {
                Err((fact, why)) => vec![Outcome::new(Status::NotEvaluated, fact, why)],
                Ok(check) => {
                    let ctx = Context {
                        rule: &rule.id,
                        product: rule.product,
                        phase: input.phase,
                        facts: input.facts,
                        now: input.now,
                        targets: &targets,
                        backups: input.backups,
                        captures: input.captures,
                        catalog: input.rules.catalog(rule.product),
                        offline_package: input.offline_package,
                    };
                    check.run(&ctx, &mut inputs)
                }
            },
        };
        for outcome in outcomes {
            results.push(finding(rule, procedure, &input.host, outcome));
        }
    }
    results.sort_by(|a, b| (&a.rule_id, &a.subject).cmp(&(&b.rule_id, &b.subject)));

    let procedure_names: Vec<&str> = {
        let mut p: Vec<Procedure> = scope.procedures.values().copied().collect();
        p.sort();
        p.dedup();
        p.into_iter().map(Procedure::code).collect()
    };
    Scan {
        info: ScanInfo {
            host: input.host.clone(),
            phase: input.phase,
            procedure: procedure_names.join("+"),
            products: scope.procedures.keys().copied().collect(),
            detection: scope.reasons,
            root: input.server.root().display().to_string(),
            facts: input.facts_file.clone(),
            now: input.now.to_string(),
            targets: targets.iter().map(|(p, v)| (*p, v.to_string())).collect(),
        },
        observed_state: observed_state(&inputs),
        results,
    }
}

/// What shows each product on disk: its web folder (or IIS serving it), and
/// Password Secure's Web Application folder.
fn on_disk(inputs: &Inputs<'_>, dirs: &WebDirs) -> BTreeMap<Product, String> {
    let mut out = BTreeMap::new();
    for dir in &dirs.0 {
        let Ok(path) = &dir.path else { continue };
        if dir.exists {
            out.insert(dir.app.product, format!("{path} exists"));
        } else if dir.present() {
            out.insert(dir.app.product, format!("IIS serves it from {path}"));
        }
    }
    if matches!(inputs.folder(NPS_MARKER), Loaded::Found(_)) {
        out.insert(Product::Nps, format!("{NPS_MARKER} exists"));
    }
    out
}

/// Each product's target version: `--target` over the facts' `target_version`.
fn effective_targets(input: &ScanInput<'_>) -> BTreeMap<Product, Version> {
    let facts = input.facts;
    let from_facts = [
        (
            Product::Ss,
            facts
                .secret_server
                .as_ref()
                .and_then(|f| f.target_version.as_ref()),
        ),
        (
            Product::Pm,
            facts
                .privilege_manager
                .as_ref()
                .and_then(|f| f.target_version.as_ref()),
        ),
        (
            Product::Nps,
            facts
                .password_secure
                .as_ref()
                .and_then(|f| f.target_version.as_ref()),
        ),
    ];
    from_facts
        .into_iter()
        .filter_map(|(product, version)| {
            let v = input.targets.get(&product).or(version)?;
            Some((product, v.clone()))
        })
        .collect()
}

/// Why a rule does not apply to this scan, or `None` when it does.
fn not_applicable(rule: &Rule, phase: Phase, procedure: Option<Procedure>) -> Option<String> {
    let Some(procedure) = procedure else {
        return Some(format!("{} is not in scope", rule.product.name()));
    };
    if rule.applies_to(phase, procedure) {
        return None;
    }
    Some(if rule.applies.contains_key(&phase) {
        let only = format!(
            "applies in the {phase} phase only to the {} procedure(s)",
            rule.applies[&phase]
                .iter()
                .map(|p| p.code())
                .collect::<Vec<_>>()
                .join("/")
        );
        if procedure == Procedure::Standalone {
            return Some(format!("{STANDALONE}; this rule {only}"));
        }
        format!("{only}, and this is the {procedure} procedure")
    } else {
        format!(
            "applies only {} ({})",
            phase_words(rule),
            rule.applies_text()
        )
    })
}

fn phase_words(rule: &Rule) -> &'static str {
    match rule.phases().as_slice() {
        [Phase::Pre] => "before the upgrade",
        [Phase::Post] => "after the upgrade",
        _ => "in other phases",
    }
}

fn finding(rule: &Rule, procedure: Option<Procedure>, host: &str, o: Outcome) -> Finding {
    Finding {
        fingerprint: fingerprint(&rule.id, host, &o.subject),
        rule_id: rule.id.clone(),
        slug: rule.slug.clone(),
        product: rule.product,
        status: o.status,
        severity: o.severity.unwrap_or_else(|| rule.severity_for(procedure)),
        title: rule.title.clone(),
        message: match o.status {
            Status::NotEvaluated => with_fact_link(o.message),
            _ => o.message,
        },
        subject: o.subject,
        location: o.location,
        observed: o.observed,
        expected: o.expected,
        remediation: rule.remediation.clone(),
        source: rule.source.clone(),
        waiver: None,
        baseline: None,
    }
}

/// A message that asks for a fact points at the fact's entry in docs/facts.md: here, once
/// for every check kind, the first key of facts.json the message names (a dotted key is
/// always one; `host` or `env` only in a message about facts.json).
fn with_fact_link(message: String) -> String {
    let about_facts = message.contains("facts.json");
    // Whole keys only: `host` is not in `localhost`, nor `password_secure.backup_dir` in
    // `password_secure.backup_dirs`; a full stop may end the sentence.
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let named = crate::facts::KEYS
        .iter()
        .filter(|(key, _, _)| about_facts || key.contains('.'))
        .filter_map(|(key, _, _)| {
            message.match_indices(key).find_map(|(at, _)| {
                let before = message[..at].chars().next_back();
                let mut after = message[at + key.len()..].chars();
                let joined = match after.next() {
                    Some('.') => after.next().is_some_and(word),
                    Some(c) => word(c) || c == '[',
                    None => false,
                };
                let inside = before.is_some_and(|c| word(c) || c == '.');
                (!inside && !joined).then_some((at, *key))
            })
        })
        .min();
    match named {
        Some((_, key)) => format!("{message} (see {})", crate::facts::doc_link(key)),
        None => message,
    }
}

/// Stable across runs and unrelated edits: rule id, host and subject only
/// (never line numbers or message text). Windows subjects are case-folded so
/// a path spelt differently is still the same finding.
pub fn fingerprint(rule_id: &str, host: &str, subject: &str) -> String {
    let mut h = Sha256::new();
    for part in [rule_id, &host.to_lowercase(), &subject.to_lowercase()] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    h.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn observed_state(inputs: &Inputs<'_>) -> ObservedState {
    let mut state = ObservedState {
        settings: inputs.settings().to_vec(),
        modules: inputs.modules().to_vec(),
        backups: inputs.observed_backups().to_vec(),
        ..Default::default()
    };
    for feed in inputs.feeds() {
        let Loaded::Found(feed) = feed else { continue };
        for p in &feed.packages {
            let identity = p.identity();
            state.packages.push(ObservedPackage {
                path: p.server_path.to_string(),
                id: identity.as_ref().map(|(id, _)| id.clone()),
                version: identity.map(|(_, v)| v.to_string()),
                integrity: p.integrity.clone(),
            });
        }
    }
    state
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::inputs::web_dir::{SECRET_SERVER, Source, TMS, WebDir};

    fn dir(app: &'static crate::inputs::web_dir::WebApp, raw: &str) -> WebDir {
        WebDir {
            app,
            path: Ok(crate::path::ServerPath::parse(
                raw,
                &crate::path::Env::new('C', &Default::default()),
            )
            .unwrap()),
            source: Source::Default,
            exists: true,
            notes: Vec::new(),
        }
    }

    fn scope(on_disk: &[Product], facts: &str) -> Scope {
        let dirs = WebDirs(vec![
            dir(&SECRET_SERVER, r"C:\inetpub\wwwroot\SecretServer"),
            dir(&TMS, r"C:\inetpub\wwwroot\SecretServer\TMS"),
        ]);
        let marks = on_disk
            .iter()
            .map(|p| (*p, format!("{p} exists")))
            .collect();
        let facts = Facts::parse(facts, std::path::Path::new("facts.json")).unwrap();
        detect(&marks, &dirs, &facts, &[])
    }

    #[test]
    fn the_procedure_follows_the_thycotic_products_in_scope() {
        let both = scope(&[Product::Ss, Product::Pm], "{}");
        assert_eq!(both.procedures[&Product::Ss], Procedure::Combined);
        assert_eq!(both.procedures[&Product::Pm], Procedure::Combined);
        assert_eq!(
            both.reasons,
            [
                "Secret Server (ss): ss exists",
                "Privilege Manager (pm): pm exists",
                "procedure combined: Secret Server and Privilege Manager are both in scope (seed 000)",
                r"the Secret Server web folder is C:\inetpub\wwwroot\SecretServer, from the vendor's default location",
                r"the TMS web folder is C:\inetpub\wwwroot\SecretServer\TMS, from the vendor's default location",
            ]
        );
        let pm = scope(&[], r#"{"privilege_manager": {}}"#);
        assert_eq!(
            pm.procedures.into_iter().collect::<Vec<_>>(),
            [(Product::Pm, Procedure::Offline)]
        );
        // Secret Server alone: no seed procedure, and only its own folder is described.
        let ss = scope(&[Product::Ss], r#"{"password_secure": {}}"#);
        assert_eq!(
            ss.procedures.into_iter().collect::<Vec<_>>(),
            [
                (Product::Ss, Procedure::Standalone),
                (Product::Nps, Procedure::Update)
            ]
        );
        assert!(ss.reasons.iter().any(|r| r.starts_with(
            "procedure standalone: Secret Server without Privilege Manager; Secret Server alone follows no seed procedure"
        )));
        assert!(!ss.reasons.iter().any(|r| r.contains("TMS")));
    }

    #[test]
    fn a_combined_only_rule_says_why_it_does_not_apply_to_secret_server_alone() {
        let rules = RuleSet::builtin().unwrap();
        let ss001 = rules.find("SS001").unwrap();
        let why = not_applicable(ss001, Phase::Pre, Some(Procedure::Standalone)).unwrap();
        assert_eq!(
            why,
            format!(
                "{STANDALONE}; this rule applies in the pre phase only to the combined procedure(s)"
            )
        );
        assert!(why.starts_with("Secret Server alone follows no seed procedure"));
        for id in ["SS002", "SS003", "SS004"] {
            let rule = rules.find(id).unwrap();
            assert_eq!(
                not_applicable(rule, Phase::Pre, Some(Procedure::Standalone)),
                None,
                "{id}"
            );
        }
        // After the upgrade the phase decides, as for every procedure.
        assert!(
            not_applicable(ss001, Phase::Post, Some(Procedure::Standalone))
                .unwrap()
                .starts_with("applies only before the upgrade")
        );
    }

    #[test]
    fn fingerprints_ignore_case_but_not_identity() {
        let a = fingerprint("PM004", "pam-web-01", r"C:\inetpub\wwwroot\TMS\web.config");
        assert_eq!(
            a,
            fingerprint("PM004", "PAM-WEB-01", r"c:\INETPUB\wwwroot\TMS\web.config")
        );
        assert_ne!(
            a,
            fingerprint("PM005", "pam-web-01", r"C:\inetpub\wwwroot\TMS\web.config")
        );
        assert_ne!(
            a,
            fingerprint("PM004", "pam-web-02", r"C:\inetpub\wwwroot\TMS\web.config")
        );
        assert_eq!(a.len(), 32);
    }

    #[test]
    fn messages_asking_for_a_fact_link_to_its_entry() {
        let link = |m: &str| with_fact_link(m.to_string());
        assert_eq!(
            link("facts.json has no password_secure.backup_dir nor password_secure.backup_at"),
            "facts.json has no password_secure.backup_dir nor password_secure.backup_at (see docs/facts.md#password_securebackup_dir)"
        );
        // A sentence's full stop ends the key; a longer name is another key.
        assert!(
            link("set password_secure.apache_version.")
                .ends_with("#password_secureapache_version)")
        );
        assert_eq!(
            link("password_secure.backup_dirs is no key"),
            "password_secure.backup_dirs is no key"
        );
        // Plain words are keys only where the message is about facts.json.
        assert!(
            link("unknown environment variable %X% (set it under \"env\" in facts.json)")
                .ends_with("(see docs/facts.md#env)")
        );
        assert_eq!(link("the host is down"), "the host is down");
    }
}

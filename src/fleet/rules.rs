//! `rules/fleet.toml`: the fleet rules' metadata (id, slug, title, summary,
//! remediation, source, severity, phases) and which check kind each runs. A
//! small loader of its own: the product packs' loader wants one product per
//! pack and procedures per phase, which fleet rules have not; the validation
//! follows it (ids, slugs, no empty text, errors with file and line).

use std::collections::BTreeSet;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::error::InputError;
use crate::model::{Phase, Product, Severity};

/// The fleet pack built into the binary.
pub const BUILTIN: (&str, &str) = ("rules/fleet.toml", include_str!("../../rules/fleet.toml"));

/// The check kinds fleet rules run ([`super::checks`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Kind {
    /// Every inventory node scanned, in the fleet's phase, within the window.
    NodesScannedTogether,
    /// Per product, every node's installed version equal (post: and the target).
    InstalledVersionsEqual,
    /// Every TMS node's installed package versions equal.
    PackageVersionsEqual,
    /// Every TMS node's SolutionCentre local, and their NugetCaches identical.
    NugetcacheConsistent,
    /// Every Secret Server node's encryption.config identical.
    EncryptionConfigIdentical,
}

impl Kind {
    /// The kind as rules/fleet.toml names it (`nodes_scanned_together`).
    pub fn code(self) -> &'static str {
        match self {
            Kind::NodesScannedTogether => "nodes_scanned_together",
            Kind::InstalledVersionsEqual => "installed_versions_equal",
            Kind::PackageVersionsEqual => "package_versions_equal",
            Kind::NugetcacheConsistent => "nugetcache_consistent",
            Kind::EncryptionConfigIdentical => "encryption_config_identical",
        }
    }
}

impl FleetRule {
    /// Where it applies, as `upgate rules` shows it: `pre, post (fleet)`.
    pub fn applies_text(&self) -> String {
        let phases: Vec<&str> = self.phases.iter().map(|p| p.code()).collect();
        format!("{} (fleet)", phases.join(", "))
    }

    /// The product it is about, for people: `fleet` for the whole fleet.
    pub fn product_name(&self) -> &'static str {
        self.product.map_or("fleet (every product)", |p| p.name())
    }
}

/// A validated fleet rule.
#[derive(Debug, Clone)]
pub struct FleetRule {
    pub id: String,
    pub slug: String,
    /// The product it is about; `None` for the whole fleet.
    pub product: Option<Product>,
    pub title: String,
    pub summary: String,
    pub remediation: String,
    pub source: String,
    pub severity: Severity,
    pub phases: Vec<Phase>,
    pub check: Kind,
    /// `rules/fleet.toml:12`.
    pub origin: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PackFile {
    #[serde(default)]
    rule: Vec<Spanned<RuleFile>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    id: Spanned<String>,
    slug: Spanned<String>,
    product: Option<Product>,
    title: String,
    summary: String,
    remediation: String,
    source: String,
    severity: Severity,
    phases: Vec<Phase>,
    check: Kind,
}

/// The built-in fleet rules, sorted by id.
pub fn builtin() -> Result<Vec<FleetRule>, InputError> {
    load(BUILTIN.0, BUILTIN.1)
}

/// Parses a fleet pack; `name` names it in errors.
pub fn load(name: &str, text: &str) -> Result<Vec<FleetRule>, InputError> {
    let file = Path::new(name);
    let at = |span: Option<std::ops::Range<usize>>, message: String| {
        let e = InputError::new(message).in_file(file);
        match span {
            Some(span) => {
                let crate::text::Pos { line, column } = crate::text::pos(text, span.start);
                e.at(line, column)
            }
            None => e,
        }
    };
    let pack: PackFile =
        toml::from_str(text).map_err(|e| at(e.span(), e.message().trim().to_string()))?;
    let mut rules: Vec<FleetRule> = Vec::new();
    let mut kinds = BTreeSet::new();
    for spanned in pack.rule {
        let span = spanned.span();
        let origin = format!("{name}:{}", crate::text::pos(text, span.start).line);
        let r = spanned.into_inner();
        let id = r.id.get_ref().clone();
        let digits = id.strip_prefix("FLEET").unwrap_or_default();
        if digits.len() != 3 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(at(
                Some(r.id.span()),
                format!("fleet rule id `{id}` must be FLEET then three digits (FLEET001)"),
            ));
        }
        let slug = r.slug.get_ref().clone();
        if !(slug.starts_with("fleet-") && crate::rules::valid_slug(&slug)) {
            return Err(at(
                Some(r.slug.span()),
                format!(
                    "slug `{slug}` must be lower-case words joined by '-', starting with fleet-"
                ),
            ));
        }
        if let Some(field) =
            crate::rules::empty_text(&r.title, &r.summary, &r.remediation, &r.source)
        {
            return Err(at(
                Some(span.clone()),
                format!("rule {id} has an empty {field}"),
            ));
        }
        if r.phases.is_empty() {
            return Err(at(
                Some(span.clone()),
                format!("rule {id}: `phases` must name pre, post or both"),
            ));
        }
        if let Some(first) = rules.iter().find(|o| o.id == id || o.slug == slug) {
            return Err(at(
                Some(r.id.span()),
                format!("rule {id} repeats the id or slug of {}", first.id),
            )
            .help(format!("{} is defined at {}", first.id, first.origin)));
        }
        if !kinds.insert(format!("{:?}", r.check)) {
            return Err(at(
                Some(span.clone()),
                format!("rule {id}: another rule already runs this check kind"),
            ));
        }
        let mut phases = r.phases;
        phases.sort();
        phases.dedup();
        rules.push(FleetRule {
            id,
            slug,
            product: r.product,
            title: reflow(&r.title),
            summary: reflow(&r.summary),
            remediation: reflow(&r.remediation),
            source: r.source.trim().to_string(),
            severity: r.severity,
            phases,
            check: r.check,
            origin,
        });
    }
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(rules)
}

/// Joins the lines TOML files wrap for readability; blank lines stay paragraph breaks.
fn reflow(text: &str) -> String {
    text.split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_fleet_rules_load_with_their_sources() {
        let rules = builtin().unwrap();
        let ids: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(
            ids,
            ["FLEET001", "FLEET002", "FLEET003", "FLEET004", "FLEET005"]
        );
        for r in &rules {
            assert!(r.summary.len() > 80, "{}: summary too thin", r.id);
            assert!(r.remediation.len() > 60, "{}: remediation too thin", r.id);
            assert!(
                r.source.contains("000_59f0d1a061667c3b.txt")
                    || r.source.contains("001_2a69dabc91e2de3f.txt")
                    || r.source.contains("domain.md"),
                "{}: {}",
                r.id,
                r.source
            );
            assert_eq!(r.phases, [Phase::Pre, Phase::Post], "{}", r.id);
        }
        assert_eq!(rules[4].product, Some(Product::Ss));
        assert_eq!(rules[0].product, None);
        assert!(rules[3].remediation.contains(r"C:\ProgramData\NugetCache\"));
    }

    const ONE: &str = r#"
[[rule]]
id = "FLEET009"
slug = "fleet-x"
title = "t"
summary = "s"
remediation = "r"
source = "domain.md"
severity = "error"
phases = ["post"]
check = { kind = "nodes_scanned_together" }
"#;

    #[test]
    fn malformed_fleet_rules_are_refused_with_their_line() {
        assert_eq!(load("f.toml", ONE).unwrap()[0].phases, [Phase::Post]);
        let cases = [
            (
                ONE.replace("FLEET009", "PM009"),
                "must be FLEET then three digits",
                3,
            ),
            (ONE.replace("fleet-x", "x"), "starting with fleet-", 4),
            (
                ONE.replace("\"t\"", "\" \""),
                "rule FLEET009 has an empty title",
                2,
            ),
            (ONE.replace("[\"post\"]", "[]"), "`phases` must name", 2),
            (
                ONE.replace("nodes_scanned_together", "nodes_scaned_together"),
                "unknown variant `nodes_scaned_together`",
                11,
            ),
            (ONE.replace("severity", "sev"), "unknown field `sev`", 9),
            (
                format!("{ONE}{}", ONE.replace("FLEET009", "FLEET010")),
                "rule FLEET010 repeats the id or slug of FLEET009",
                14,
            ),
        ];
        for (text, message, line) in cases {
            let e = load("f.toml", &text).unwrap_err();
            assert!(
                e.message.contains(message),
                "{message:?} not in {:?}",
                e.message
            );
            assert_eq!(e.line, Some(line), "{message}");
        }
    }
}

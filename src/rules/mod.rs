//! Rules are data: `rules/*.toml` declare each rule's id, slug, title, phases
//! and procedures, severity, check kind with parameters, remediation and seed
//! source. This module loads and validates them (no I/O: callers hand it the
//! text) and is the one source for `upgate rules`, `upgate explain` and every
//! emitter's rule metadata.
//!
//! The check kinds are the Rust vocabulary in [`checks`].

pub mod catalog;
pub mod checks;

use std::collections::BTreeMap;
use std::ops::Range;

use std::borrow::Cow;

use serde::Deserialize;
use toml::Spanned;

use crate::error::{InputError, did_you_mean};
use crate::inputs::web_dir::{WEB_APPS, WebDirs};
use crate::model::{Phase, Procedure, Product, Severity};
pub use catalog::{Catalog, Release};
pub use checks::Check;

/// The packs built into the binary. `tests/it/registry.rs` checks that every file
/// in `rules/` is listed here.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "rules/secret-server.toml",
        include_str!("../../rules/secret-server.toml"),
    ),
    (
        "rules/privilege-manager.toml",
        include_str!("../../rules/privilege-manager.toml"),
    ),
    (
        "rules/password-secure.toml",
        include_str!("../../rules/password-secure.toml"),
    ),
];

/// A validated rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub slug: String,
    pub product: Product,
    pub title: String,
    /// What the rule checks and why, in a paragraph or two (for `explain`, SARIF help).
    pub summary: String,
    pub remediation: String,
    /// Seed file and step, or the domain fact, the rule comes from.
    pub source: String,
    /// The inputs it reads, as an administrator would name them.
    pub inputs: Vec<String>,
    pub severity: Severity,
    /// Per-procedure severity where the catalog gives one (PM002).
    pub severity_by_procedure: BTreeMap<Procedure, Severity>,
    /// Phase → the procedures it applies to in that phase.
    pub applies: BTreeMap<Phase, Vec<Procedure>>,
    /// The check as the rule file writes it (placeholders unresolved).
    pub check: Check,
    /// The check's table as written, kept when its parameters name a web
    /// folder by placeholder (`{tms}\web.config`): each scan resolves them.
    raw_check: Option<toml::Value>,
    /// Where the rule was defined: `rules/privilege-manager.toml:12`.
    pub origin: String,
}

impl Rule {
    /// The check with every placeholder replaced by the scan's web folder, or
    /// the fact to correct and why, when a folder it names has no usable path.
    pub fn resolved_check(&self, dirs: &WebDirs) -> Result<Cow<'_, Check>, (&'static str, String)> {
        let Some(raw) = &self.raw_check else {
            return Ok(Cow::Borrowed(&self.check));
        };
        let mut values = Vec::new();
        for dir in &dirs.0 {
            if !uses(raw, dir.app.placeholder) {
                continue;
            }
            values.push((
                dir.app.placeholder,
                dir.value().map_err(|e| (dir.app.fact, e))?,
            ));
        }
        let resolved = substitute(raw.clone(), &values);
        resolved
            .try_into()
            .map(Cow::Owned)
            .map_err(|e: toml::de::Error| {
                (
                    "rule",
                    format!(
                        "rule {}: its check does not load once its placeholders are resolved: {}",
                        self.id,
                        e.message()
                    ),
                )
            })
    }

    pub fn phases(&self) -> Vec<Phase> {
        self.applies.keys().copied().collect()
    }

    pub fn applies_to(&self, phase: Phase, procedure: Procedure) -> bool {
        self.applies
            .get(&phase)
            .is_some_and(|procs| procs.contains(&procedure))
    }

    pub fn severity_for(&self, procedure: Option<Procedure>) -> Severity {
        procedure
            .and_then(|p| self.severity_by_procedure.get(&p).copied())
            .unwrap_or(self.severity)
    }

    /// Whether a `--select` selector names this rule: its id or slug, or a
    /// prefix of its id (`PM`, `NPS00`), in any case.
    pub fn selected_by(&self, selector: &str) -> bool {
        self.slug.eq_ignore_ascii_case(selector)
            || self
                .id
                .get(..selector.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(selector))
    }

    /// "pre: offline; post: combined, offline"
    pub fn applies_text(&self) -> String {
        self.applies
            .iter()
            .map(|(phase, procs)| {
                let procs: Vec<&str> = procs.iter().map(|p| p.code()).collect();
                format!("{phase}: {}", procs.join(", "))
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// One rule file's text and the name to show in errors.
pub struct Source<'a> {
    pub name: String,
    pub text: &'a str,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PackFile {
    product: Product,
    #[serde(default)]
    rule: Vec<Spanned<RuleFile>>,
    /// The product's release catalog ([`catalog`]).
    #[serde(default)]
    release: Vec<Spanned<catalog::ReleaseFile>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    id: Spanned<String>,
    slug: Spanned<String>,
    title: String,
    summary: String,
    remediation: String,
    source: String,
    #[serde(default)]
    inputs: Vec<String>,
    severity: Severity,
    #[serde(default)]
    severity_by_procedure: BTreeMap<Procedure, Severity>,
    applies: BTreeMap<Phase, Vec<Procedure>>,
    check: Spanned<Check>,
}

/// All rules of a scan, sorted by id, and each product's release catalog.
#[derive(Debug, Clone)]
pub struct RuleSet {
    rules: Vec<Rule>,
    catalogs: BTreeMap<Product, Catalog>,
}

/// One pack file, validated.
struct Pack {
    product: Product,
    rules: Vec<Rule>,
    releases: Vec<Release>,
}

impl RuleSet {
    /// The built-in packs.
    pub fn builtin() -> Result<RuleSet, InputError> {
        RuleSet::load(&builtin_sources(), &[])
    }

    /// Built-in packs plus `extra` ones (from `--rules DIR`), which may add rules
    /// or replace a built-in rule by id. Two definitions of one id within the same
    /// group are an error, as is a slug used by two ids.
    pub fn load(builtin: &[Source<'_>], extra: &[Source<'_>]) -> Result<RuleSet, InputError> {
        let mut by_id: BTreeMap<String, Rule> = BTreeMap::new();
        let mut catalogs: BTreeMap<Product, Catalog> = BTreeMap::new();
        for group in [builtin, extra] {
            let mut seen_in_group: BTreeMap<String, String> = BTreeMap::new();
            for source in group {
                let pack = parse_pack(source)?;
                catalogs
                    .entry(pack.product)
                    .or_default()
                    .extend(pack.releases);
                for rule in pack.rules {
                    if let Some(first) = seen_in_group.insert(rule.id.clone(), rule.origin.clone())
                    {
                        return Err(at_origin(
                            &rule.origin,
                            format!("duplicate rule id {}", rule.id),
                        )
                        .help(format!("{} is already defined at {first}", rule.id)));
                    }
                    by_id.insert(rule.id.clone(), rule);
                }
            }
        }
        for rule in by_id.values() {
            if let Some(other) = rule.check.referenced_rule()
                && !by_id.contains_key(other)
            {
                return Err(at_origin(
                    &rule.origin,
                    format!("rule {}: its check names an unknown rule {other}", rule.id),
                ));
            }
        }
        let mut slugs: BTreeMap<&str, &Rule> = BTreeMap::new();
        for rule in by_id.values() {
            if let Some(other) = slugs.insert(&rule.slug, rule) {
                return Err(at_origin(
                    &rule.origin,
                    format!(
                        "slug `{}` is used by both {} and {}",
                        rule.slug, other.id, rule.id
                    ),
                ));
            }
        }
        Ok(RuleSet {
            rules: by_id.into_values().collect(),
            catalogs,
        })
    }

    /// A product's release catalog (empty when no pack lists releases).
    pub fn catalog(&self, product: Product) -> &Catalog {
        static EMPTY: Catalog = Catalog::EMPTY;
        self.catalogs.get(&product).unwrap_or(&EMPTY)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter()
    }

    /// By id or slug, case-insensitively.
    pub fn find(&self, key: &str) -> Option<&Rule> {
        self.rules
            .iter()
            .find(|r| r.id.eq_ignore_ascii_case(key) || r.slug.eq_ignore_ascii_case(key))
    }

    /// The nearest id or slug to a key that matched none, for "did you mean".
    pub fn suggest(&self, key: &str) -> Option<&str> {
        did_you_mean(
            key,
            self.rules
                .iter()
                .flat_map(|r| [r.id.as_str(), r.slug.as_str()]),
        )
    }

    /// `--select`: keeps only the rules some selector names ([`Rule::selected_by`]).
    /// A selector that names no rule is an error, with the nearest id or slug.
    pub fn select(&mut self, selectors: &[String]) -> Result<(), InputError> {
        self.select_ignore(selectors, &[])
    }

    /// `--select` then `--ignore` (as Ruff does): runs the rules some selector
    /// names (all when there is none) and no ignore names. A selector or ignore
    /// that matches no rule of the whole set is an error, and so is leaving none.
    pub fn select_ignore(
        &mut self,
        selectors: &[String],
        ignores: &[String],
    ) -> Result<(), InputError> {
        let keep = if selectors.is_empty() {
            vec![true; self.rules.len()]
        } else {
            self.matching("--select", selectors)?
        };
        let drop = if ignores.is_empty() {
            vec![false; self.rules.len()]
        } else {
            self.matching("--ignore", ignores)?
        };
        let left: Vec<bool> = keep.iter().zip(&drop).map(|(k, d)| *k && !*d).collect();
        if !left.contains(&true) {
            return Err(InputError::new("--select/--ignore leave no rule")
                .help("`upgate rules` lists them; ignore fewer"));
        }
        let mut left = left.into_iter();
        self.rules.retain(|_| left.next().unwrap_or(false));
        Ok(())
    }

    /// Which rules any of `selectors` names (`flag` is `--select` or `--ignore`).
    fn matching(&self, flag: &str, selectors: &[String]) -> Result<Vec<bool>, InputError> {
        let mut hit = vec![false; self.rules.len()];
        for selector in selectors {
            let key = selector.trim();
            if key.is_empty() {
                return Err(InputError::new(format!("{flag}: an empty selector")).help(
                    "name rules by id (PM004), slug or id prefix (PM), separated by commas",
                ));
            }
            let mut any = false;
            for (k, rule) in hit.iter_mut().zip(&self.rules) {
                if rule.selected_by(key) {
                    *k = true;
                    any = true;
                }
            }
            if !any {
                let e = InputError::new(format!(
                    "{flag} `{key}` matches no rule (not an id, a slug or the start of an id)"
                ));
                return Err(match self.suggest(key) {
                    Some(near) => e.help(format!("did you mean `{near}`?")),
                    None => e.help(
                        "`upgate rules` lists them; name rules by id (PM004), slug or id prefix (PM)",
                    ),
                });
            }
        }
        Ok(hit)
    }

    /// Applies `--set-severity ID=LEVEL` overrides.
    pub fn set_severity(&mut self, key: &str, severity: Severity) -> Result<(), InputError> {
        let known = self.find(key).map(|r| r.id.clone());
        match known {
            Some(id) => {
                for rule in self.rules.iter_mut().filter(|r| r.id == id) {
                    rule.severity = severity;
                    rule.severity_by_procedure.clear();
                }
                Ok(())
            }
            None => {
                let mut e =
                    InputError::new(format!("--set-severity names an unknown rule `{key}`"));
                if let Some(near) = self.suggest(key) {
                    e = e.help(format!("did you mean `{near}`?"));
                }
                Err(e)
            }
        }
    }
}

pub fn builtin_sources() -> Vec<Source<'static>> {
    BUILTIN
        .iter()
        .map(|(name, text)| Source {
            name: (*name).to_string(),
            text,
        })
        .collect()
}

fn parse_pack(source: &Source<'_>) -> Result<Pack, InputError> {
    let err_at = |span: Option<Range<usize>>, message: String| {
        let e = InputError::new(message).in_file(std::path::Path::new(&source.name));
        match span {
            Some(span) => {
                let crate::text::Pos { line, column: col } =
                    crate::text::pos(source.text, span.start);
                e.at(line, col)
            }
            None => e,
        }
    };
    let pack: PackFile =
        toml::from_str(source.text).map_err(|e| err_at(e.span(), e.message().to_string()))?;
    // The check tables as written, for placeholders: the typed parse above has checked their shape.
    let raw_checks: Vec<Option<toml::Value>> = toml::from_str::<toml::Table>(source.text)
        .ok()
        .and_then(|mut t| t.remove("rule"))
        .and_then(|r| match r {
            toml::Value::Array(rules) => Some(rules),
            _ => None,
        })
        .unwrap_or_default()
        .into_iter()
        .map(|r| match r {
            toml::Value::Table(mut t) => t.remove("check"),
            _ => None,
        })
        .collect();
    let mut rules = Vec::new();
    for (index, spanned) in pack.rule.into_iter().enumerate() {
        let span = spanned.span();
        let line = crate::text::pos(source.text, span.start).line;
        let origin = format!("{}:{line}", source.name);
        let r = spanned.into_inner();
        let id = r.id.get_ref().clone();
        if !valid_id(&id) {
            return Err(err_at(
                Some(r.id.span()),
                format!("rule id `{id}` must be capital letters then three digits (PM004)"),
            ));
        }
        let slug = r.slug.get_ref().clone();
        if !valid_slug(&slug) {
            return Err(err_at(
                Some(r.slug.span()),
                format!("slug `{slug}` must be lower-case words joined by '-'"),
            ));
        }
        if let Some(field) = empty_text(&r.title, &r.summary, &r.remediation, &r.source) {
            return Err(err_at(
                Some(span.clone()),
                format!("rule {id} has an empty {field}"),
            ));
        }
        if r.applies.is_empty() || r.applies.values().any(Vec::is_empty) {
            return Err(err_at(
                Some(span.clone()),
                format!("rule {id}: `applies` must name at least one phase with its procedures"),
            ));
        }
        let allowed = procedures_of(pack.product);
        let used = r
            .applies
            .values()
            .flatten()
            .chain(r.severity_by_procedure.keys());
        if let Some(bad) = used.into_iter().find(|p| !allowed.contains(p)) {
            return Err(err_at(
                Some(span.clone()),
                format!(
                    "rule {id}: procedure `{bad}` does not apply to {} (allowed: {})",
                    pack.product.name(),
                    allowed
                        .iter()
                        .map(|p| p.code())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        let check_span = r.check.span();
        let check = r.check.into_inner();
        let raw_check = raw_checks.get(index).cloned().flatten();
        let named = raw_check
            .as_ref()
            .map(placeholders_in)
            .transpose()
            .map_err(|m| err_at(Some(check_span.clone()), format!("rule {id}: {m}")))?
            .unwrap_or_default();
        // With placeholders, the check is validated as it runs where every
        // folder is at its first default location.
        let raw_check = raw_check.filter(|_| !named.is_empty());
        let validated = match &raw_check {
            Some(raw) => {
                let defaults: Vec<(&str, String)> = WEB_APPS
                    .iter()
                    .map(|a| (a.placeholder, a.defaults[0].to_string()))
                    .collect();
                substitute(raw.clone(), &defaults)
                    .try_into::<Check>()
                    .map_err(|e| {
                        err_at(
                            Some(check_span.clone()),
                            format!("rule {id}: {}", e.message()),
                        )
                    })?
            }
            None => check.clone(),
        };
        validated
            .validate()
            .map_err(|m| err_at(Some(check_span), format!("rule {id}: {m}")))?;
        rules.push(Rule {
            id,
            slug,
            product: pack.product,
            title: reflow(&r.title),
            summary: reflow(&r.summary),
            remediation: reflow(&r.remediation),
            source: reflow(&r.source),
            inputs: r.inputs,
            severity: r.severity,
            severity_by_procedure: r.severity_by_procedure,
            applies: r.applies,
            check,
            raw_check,
            origin,
        });
    }
    let mut releases: Vec<Release> = Vec::new();
    for spanned in pack.release {
        let span = spanned.span();
        let release = Release::from_file(spanned.into_inner())
            .map_err(|e| err_at(Some(e.span.unwrap_or_else(|| span.clone())), e.message))?;
        if let Some(twin) = releases
            .iter()
            .find(|r| catalog::parts(&r.version) == catalog::parts(&release.version))
        {
            return Err(err_at(
                Some(span),
                format!(
                    "release {} is listed twice (also as {})",
                    release.version, twin.version
                ),
            ));
        }
        releases.push(release);
    }
    Ok(Pack {
        product: pack.product,
        rules,
        releases,
    })
}

/// The placeholders (`{tms}`) a check's strings name; one no web folder
/// answers to is an error.
fn placeholders_in(check: &toml::Value) -> Result<Vec<&'static str>, String> {
    let mut found: Vec<&'static str> = Vec::new();
    let mut strings = Vec::new();
    collect_strings(check, &mut strings);
    for s in strings {
        let mut rest = s;
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else { break };
            let token = &rest[open..open + close + 2];
            let name = &after[..close];
            rest = &after[close + 1..];
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                continue;
            }
            match WEB_APPS.iter().find(|a| a.placeholder == token) {
                Some(app) if !found.contains(&app.placeholder) => found.push(app.placeholder),
                Some(_) => {}
                None => {
                    let known: Vec<&str> = WEB_APPS.iter().map(|a| a.placeholder).collect();
                    return Err(match did_you_mean(token, known.iter().copied()) {
                        Some(near) => {
                            format!("unknown placeholder `{token}` (did you mean `{near}`?)")
                        }
                        None => format!(
                            "unknown placeholder `{token}` (known: {})",
                            known.join(", ")
                        ),
                    });
                }
            }
        }
    }
    Ok(found)
}

fn collect_strings<'a>(value: &'a toml::Value, out: &mut Vec<&'a str>) {
    match value {
        toml::Value::String(s) => out.push(s),
        toml::Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        toml::Value::Table(t) => t.values().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}

fn uses(value: &toml::Value, placeholder: &str) -> bool {
    let mut strings = Vec::new();
    collect_strings(value, &mut strings);
    strings.iter().any(|s| s.contains(placeholder))
}

/// `value` with each placeholder replaced in every string.
fn substitute(value: toml::Value, values: &[(&str, String)]) -> toml::Value {
    match value {
        toml::Value::String(mut s) => {
            for (placeholder, v) in values {
                s = s.replace(placeholder, v);
            }
            toml::Value::String(s)
        }
        toml::Value::Array(items) => {
            toml::Value::Array(items.into_iter().map(|v| substitute(v, values)).collect())
        }
        toml::Value::Table(t) => toml::Value::Table(
            t.into_iter()
                .map(|(k, v)| (k, substitute(v, values)))
                .collect(),
        ),
        other => other,
    }
}

/// The procedures a product can be upgraded by.
pub fn procedures_of(product: Product) -> &'static [Procedure] {
    match product {
        Product::Ss => &[Procedure::Combined, Procedure::Standalone],
        Product::Pm => &[Procedure::Combined, Procedure::Offline],
        Product::Nps => &[Procedure::Update],
    }
}

/// Joins the lines TOML files wrap for readability; blank lines stay paragraph breaks.
fn reflow(text: &str) -> String {
    text.split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn valid_id(id: &str) -> bool {
    let letters = id.chars().take_while(char::is_ascii_uppercase).count();
    let digits = &id[letters..];
    letters >= 2 && digits.len() == 3 && digits.chars().all(|c| c.is_ascii_digit())
}

/// The first of a rule's texts that is blank, by its field name: every rule
/// (product or fleet) must say what, why, how to fix and where it comes from.
pub(crate) fn empty_text(
    title: &str,
    summary: &str,
    remediation: &str,
    source: &str,
) -> Option<&'static str> {
    [
        ("title", title),
        ("summary", summary),
        ("remediation", remediation),
        ("source", source),
    ]
    .into_iter()
    .find_map(|(field, value)| value.trim().is_empty().then_some(field))
}

/// Lower-case words (letters, digits) joined by `-`.
pub(crate) fn valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.split('-').all(|w| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

fn at_origin(origin: &str, message: String) -> InputError {
    let (file, line) = origin.rsplit_once(':').unwrap_or((origin, ""));
    let e = InputError::new(message).in_file(std::path::Path::new(file));
    match line.parse() {
        Ok(line) => InputError {
            line: Some(line),
            ..e
        },
        Err(_) => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
product = "pm"

[[rule]]
id = "PM001"
slug = "pm-offline-upgrade-supported"
title = "t"
summary = "s"
remediation = "r"
source = "001 intro"
severity = "error"
applies = { pre = ["combined", "offline"] }
check = { kind = "minimum_version", fact = "privilege_manager.installed_version", minimum = "10.2" }
"#;

    fn load(extra: &str) -> Result<RuleSet, InputError> {
        RuleSet::load(
            &[Source {
                name: "builtin.toml".into(),
                text: GOOD,
            }],
            &[Source {
                name: "extra.toml".into(),
                text: extra,
            }],
        )
    }

    #[test]
    fn builtin_packs_load() {
        let set = RuleSet::builtin().unwrap();
        assert!(set.find("PM004").is_some());
        assert!(set.find("pm-solution-centre-offline-source").is_some());
        assert_eq!(set.suggest("PM0004"), Some("PM004"));
    }

    #[test]
    fn an_extra_pack_overrides_by_id() {
        let set = load(&GOOD.replace("title = \"t\"", "title = \"mine\"")).unwrap();
        assert_eq!(set.find("PM001").unwrap().title, "mine");
        assert_eq!(set.find("PM001").unwrap().origin, "extra.toml:4");
    }

    #[test]
    fn duplicate_ids_in_one_group_are_refused_with_both_places() {
        let twice = format!("{GOOD}{}", GOOD.replace("product = \"pm\"", ""));
        let e = load(&twice).unwrap_err();
        assert_eq!(e.message, "duplicate rule id PM001");
        assert_eq!(e.line, Some(17));
        assert_eq!(
            e.help.as_deref(),
            Some("PM001 is already defined at extra.toml:4")
        );
    }

    #[test]
    fn malformed_rules_are_refused_with_file_and_line() {
        let cases = [
            (
                GOOD.replace("minimum_version", "maximum_version"),
                "unknown variant `maximum_version`",
                13,
            ),
            (
                GOOD.replace("title = \"t\"\n", ""),
                "missing field `title`",
                4,
            ),
            (
                GOOD.replace("remediation = \"r\"", "remediation = \"  \""),
                "rule PM001 has an empty remediation",
                4,
            ),
            (
                GOOD.replace("id = \"PM001\"", "id = \"pm1\""),
                "rule id `pm1` must be",
                5,
            ),
            (
                GOOD.replace("\"offline\"]", "\"update\"]"),
                "procedure `update` does not apply",
                4,
            ),
            (
                GOOD.replace("\"10.2\"", "\"ten\""),
                "rule PM001: invalid minimum",
                13,
            ),
            (
                GOOD.replace("installed_version\"", "installed_versio\""),
                "unknown fact",
                13,
            ),
        ];
        for (text, message, line) in cases {
            let e = load(&text).unwrap_err();
            assert!(
                e.message.contains(message),
                "{message:?} not in {:?}",
                e.message
            );
            assert_eq!(e.line, Some(line), "{message}");
            assert_eq!(e.file.as_deref(), Some(std::path::Path::new("extra.toml")));
        }
    }

    fn with_check(check: &str) -> String {
        GOOD.replace(
            r#"check = { kind = "minimum_version", fact = "privilege_manager.installed_version", minimum = "10.2" }"#,
            check,
        )
    }

    #[test]
    fn placeholders_are_resolved_per_scan_and_unknown_ones_refused() {
        use crate::inputs::web_dir::{Source, TMS, WebDir};
        let set = load(&with_check(
            r#"check = { kind = "app_setting_folder", file = '{tms}\web.config', key = "k", folder = '%ProgramData%\NugetCache\' }"#,
        ))
        .unwrap();
        let rule = set.find("PM001").unwrap();
        let dir = |path: Result<&str, &str>| {
            WebDirs(vec![WebDir {
                app: &TMS,
                path: path
                    .map(|p| {
                        crate::path::ServerPath::parse(
                            p,
                            &crate::path::Env::new('C', &Default::default()),
                        )
                        .unwrap()
                    })
                    .map_err(str::to_string),
                source: Source::Fact,
                exists: true,
                notes: Vec::new(),
            }])
        };
        let resolved = rule
            .resolved_check(&dir(Ok(r"C:\inetpub\wwwroot\SecretServer\TMS\")))
            .unwrap();
        let Check::AppSettingFolder(p) = &*resolved else {
            panic!("{resolved:?}")
        };
        assert_eq!(p.file, r"C:\inetpub\wwwroot\SecretServer\TMS\web.config");
        assert_eq!(p.folder, r"%ProgramData%\NugetCache\");
        // A folder with no usable path: the fact to correct and why.
        let (fact, why) = rule.resolved_check(&dir(Err("bad fact"))).unwrap_err();
        assert_eq!(
            (fact, why.as_str()),
            ("privilege_manager.web_dir", "bad fact")
        );
        // A check without placeholders is the rule's own.
        let plain = RuleSet::builtin().unwrap();
        let pm001 = plain.find("PM001").unwrap();
        assert!(matches!(
            pm001.resolved_check(&dir(Err("unused"))).unwrap(),
            std::borrow::Cow::Borrowed(_)
        ));

        let e = load(&with_check(
            r#"check = { kind = "web_folder_backup", folder = '{tsm}' }"#,
        ))
        .unwrap_err();
        assert_eq!(
            e.message,
            "rule PM001: unknown placeholder `{tsm}` (did you mean `{tms}`?)"
        );
        assert_eq!(e.line, Some(13));
        // Validated where the folder is at its default: a bad relative path is still refused.
        let e = load(&with_check(
            r#"check = { kind = "web_folder_backup", folder = '{tms}', identical = ['..\x'] }"#,
        ))
        .unwrap_err();
        assert!(
            e.message.contains("must be a path relative"),
            "{}",
            e.message
        );
    }

    #[test]
    fn a_check_may_only_name_a_rule_that_exists() {
        let integrity = |see: &str| {
            GOOD.replace(
                r#"check = { kind = "minimum_version", fact = "privilege_manager.installed_version", minimum = "10.2" }"#,
                &format!(
                    r#"check = {{ kind = "package_integrity", folder = 'C:\NugetCache', presence_rule = "{see}" }}"#
                ),
            )
        };
        assert!(load(&integrity("PM001")).is_ok());
        let e = load(&integrity("PM003")).unwrap_err();
        assert_eq!(
            e.message,
            "rule PM001: its check names an unknown rule PM003"
        );
        assert_eq!(e.line, Some(4));
    }

    #[test]
    fn releases_form_a_catalog_and_bad_entries_are_refused_with_their_line() {
        let set = RuleSet::builtin().unwrap();
        let nps = set.catalog(Product::Nps);
        assert_eq!(nps.releases().len(), 24);
        let breaking: Vec<String> = nps
            .releases()
            .iter()
            .filter(|r| r.breaking.is_some())
            .map(|r| r.version.to_string())
            .collect();
        assert_eq!(breaking, ["26.3.100.34058", "26.6.100.34161"]);
        use catalog::Breaks;
        let breaks: Vec<&[Breaks]> = nps
            .releases()
            .iter()
            .filter(|r| !r.breaks.is_empty())
            .map(|r| r.breaks.as_slice())
            .collect();
        assert_eq!(
            breaks,
            [
                &[Breaks::Clients][..],
                &[Breaks::Pkcs11, Breaks::UserRights][..]
            ]
        );
        // The changelog's words.
        assert!(
            nps.releases()
                .iter()
                .any(|r| r.breaking.as_deref().is_some_and(|b| b
                    .contains("all clients need to be upgraded as soon as the server is upgraded to the newest version. Older clients aren't able to connect.")))
        );
        // No release date is invented.
        assert!(nps.releases().iter().all(|r| r.date.is_none()));
        assert!(set.catalog(Product::Ss).releases().is_empty());

        let pack = |releases: &str| format!("{GOOD}\n{releases}");
        let cases = [
            (
                "[[release]]\nversion = \"9.3.1.33994\"\n[[release]]\nversion = \"9.3.1.33994\"\n",
                "release 9.3.1.33994 is listed twice",
                17,
            ),
            (
                "[[release]]\nversion = \"9.3.1.33994\"\ndate = \"2025-13-01\"\n",
                "invalid date '2025-13-01'",
                15,
            ),
            (
                "[[release]]\nversion = \"9.3.1.33994\"\nbreaking = \" \"\n",
                "`breaking` is empty",
                15,
            ),
            (
                "[[release]]\nversion = \"9.3.1.33994\"\nbreaking = \"x\"\nbreaks = [\n  \"clients\",\n  \"client\",\n]\n",
                "release 9.3.1.33994: unknown `breaks` value 'client' (known: clients, pkcs11, user-rights)",
                20,
            ),
            (
                "[[release]]\nversion = \"9.3.1.33994\"\nbreaking = \"older clients cannot connect\"\n",
                "`breaking` needs `breaks`",
                15,
            ),
            (
                "[[release]]\nversion = \"9.3.1.33994\"\nbreaks = [\"clients\"]\n",
                "`breaks` needs `breaking`",
                17,
            ),
        ];
        for (text, message, line) in cases {
            let e = load(&pack(text)).unwrap_err();
            assert!(
                e.message.contains(message),
                "{message:?} not in {:?}",
                e.message
            );
            assert_eq!(e.line, Some(line), "{message}");
        }
        // An extra pack's entry replaces the built-in one of the same version.
        let set = load(&pack(
            "[[release]]\nversion = \"11.0.1040\"\ndate = \"2025-01-15\"\n",
        ))
        .unwrap();
        assert_eq!(
            set.catalog(Product::Pm).releases()[0]
                .date
                .unwrap()
                .to_string(),
            "2025-01-15"
        );
    }

    #[test]
    fn wrapped_text_is_reflowed_into_paragraphs() {
        assert_eq!(reflow("  one\ntwo  three\n\nnext\n"), "one two three\nnext");
    }

    #[test]
    fn severity_overrides_need_a_known_rule() {
        let mut set = RuleSet::builtin().unwrap();
        set.set_severity("pm-offline-upgrade-supported", Severity::Warning)
            .unwrap();
        assert_eq!(set.find("PM001").unwrap().severity, Severity::Warning);
        // A typo of a slug: its nearest neighbour stays the same when rules are added.
        let e = set
            .set_severity("pm-offline-upgrade-suported", Severity::Note)
            .unwrap_err();
        assert_eq!(
            e.help.as_deref(),
            Some("did you mean `pm-offline-upgrade-supported`?")
        );
    }

    #[test]
    fn select_keeps_ids_slugs_and_id_prefixes() {
        let ids = |selectors: &[&str]| {
            let mut set = RuleSet::builtin().unwrap();
            let selectors: Vec<String> = selectors.iter().map(|s| s.to_string()).collect();
            set.select(&selectors)
                .map(|()| set.iter().map(|r| r.id.clone()).collect::<Vec<_>>())
        };
        // Every built-in id that passes `keep`, in order.
        let builtin = |keep: &dyn Fn(&str) -> bool| {
            let set = RuleSet::builtin().unwrap();
            set.iter()
                .map(|r| r.id.clone())
                .filter(|id| keep(id))
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&["pm004"]).unwrap(), ["PM004"]);
        assert_eq!(
            ids(&["SS-Upgrade-Path", "PM00"]).unwrap(),
            builtin(&|id| id.starts_with("PM00") || id == "SS002")
        );
        let nps00 = ids(&["NPS00"]).unwrap();
        assert!(nps00.contains(&"NPS009".to_string()) && !nps00.contains(&"NPS010".to_string()));
        assert_eq!(nps00, builtin(&|id| id.starts_with("NPS00")));
        let e = ids(&["PM0004"]).unwrap_err();
        assert!(e.message.contains("`PM0004` matches no rule"), "{e}");
        assert!(ids(&[""]).is_err());
        // A slug selects only as a whole; an id prefix is not a slug prefix.
        assert!(ids(&["pm-solution"]).is_err());
    }
}

//! `upgate diff BEFORE.json AFTER.json`: what changed on one server between
//! two scans, typically the pre-flight and the audit: settings read (the
//! SolutionCentre source an upgrade reverted), package versions, target
//! versions, web-folder backups, and results fixed, new or still failing
//! (matched by fingerprint).
//!
//! Reading is [`crate::baseline::EarlierReport`]'s; comparing and rendering are pure.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::baseline::{EarlierReport, EarlierResult, EarlierSetting};
use crate::error::InputError;
use crate::model::Status;

/// The reports must come in the order they were made: a pre-flight after an
/// audit, or a later scan first, would turn every comparison around.
pub fn check_order(before: &EarlierReport, after: &EarlierReport) -> Result<(), InputError> {
    let swap = "pass the earlier report first: upgate diff BEFORE.json AFTER.json";
    if before.scan.phase == "post" && after.scan.phase == "pre" {
        return Err(InputError::new(format!(
            "the first report is an audit (post, {}) and the second a pre-flight (pre, {})",
            before.scan.now, after.scan.now
        ))
        .help(swap));
    }
    let when = |r: &EarlierReport| r.scan.now.parse::<jiff::Timestamp>().ok();
    if let (Some(b), Some(a)) = (when(before), when(after)) {
        if b > a {
            return Err(InputError::new(format!(
                "the first report was judged at {}, after the second ({})",
                before.scan.now, after.scan.now
            ))
            .help(swap));
        }
    }
    Ok(())
}

fn failing(s: Status) -> bool {
    matches!(s, Status::Fail | Status::Error)
}

fn shown(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("(not set)")
}

/// The comparison as text, and whether any failure is new.
pub fn render(before: &EarlierReport, after: &EarlierReport) -> (String, bool) {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "upgate diff {}: {} at {} → {} at {}",
        crate::report::text::escape(&after.scan.host),
        before.scan.phase,
        before.scan.now,
        after.scan.phase,
        after.scan.now
    );
    let mut section = |title: &str, lines: Vec<String>| {
        if !lines.is_empty() {
            let _ = writeln!(s, "\n{title}");
            for l in lines {
                let _ = writeln!(s, "  {}", crate::report::text::escape(&l));
            }
        }
    };

    let key = |x: &EarlierSetting| (crate::path::fold(&x.file), x.key.clone());
    let old: BTreeMap<_, &EarlierSetting> = before
        .observed_state
        .settings
        .iter()
        .map(|x| (key(x), x))
        .collect();
    let mut settings = Vec::new();
    for x in &after.observed_state.settings {
        match old.get(&key(x)) {
            Some(o) if o.value != x.value => settings.push(format!(
                "{} {}: {} → {}",
                x.file,
                x.key,
                shown(&o.value),
                shown(&x.value)
            )),
            _ => {}
        }
    }
    section("Settings changed", settings);

    let mut versions = Vec::new();
    for (product, v) in &after.scan.targets {
        match before.scan.targets.get(product) {
            Some(o) if o != v => versions.push(format!("{product} target: {o} → {v}")),
            None => versions.push(format!("{product} target: {v} (new)")),
            _ => {}
        }
    }
    let ids = |snap: &EarlierReport| {
        let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for p in &snap.observed_state.packages {
            let id =
                p.id.clone()
                    .unwrap_or_else(|| p.path.clone())
                    .to_lowercase();
            m.entry(id)
                .or_default()
                .push(p.version.clone().unwrap_or_else(|| "?".into()));
        }
        m
    };
    let (old_pkgs, new_pkgs) = (ids(before), ids(after));
    // An earlier scan that read no NugetCache (the combined pre-flight does not)
    // says nothing about its packages: they are not new, just not compared.
    if old_pkgs.is_empty() && !new_pkgs.is_empty() {
        versions.push(format!(
            "packages: not compared (the {} report lists none: its scan did not read the NugetCache, or the cache was empty); {} now",
            before.scan.phase,
            new_pkgs
                .iter()
                .map(|(id, vs)| format!("{id} {}", vs.join(", ")))
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    for (id, vs) in new_pkgs.iter().filter(|_| !old_pkgs.is_empty()) {
        match old_pkgs.get(id) {
            Some(o) if o != vs => versions.push(format!(
                "package {id}: {} → {}",
                o.join(", "),
                vs.join(", ")
            )),
            None => versions.push(format!("package {id}: {} (new)", vs.join(", "))),
            _ => {}
        }
    }
    for (id, vs) in &old_pkgs {
        if !new_pkgs.contains_key(id) {
            versions.push(format!("package {id}: {} (gone)", vs.join(", ")));
        }
    }
    section("Versions", versions);

    // Only web servers both scans looked at: a module is gone, not unexamined.
    let looked = |snap: &EarlierReport| -> std::collections::BTreeSet<String> {
        snap.observed_state
            .modules
            .iter()
            .map(|m| m.server.clone())
            .collect()
    };
    let both: Vec<String> = looked(before)
        .intersection(&looked(after))
        .cloned()
        .collect();
    let names = |snap: &EarlierReport| -> BTreeMap<(String, String), String> {
        snap.observed_state
            .modules
            .iter()
            .filter(|m| both.contains(&m.server))
            .map(|m| ((m.server.clone(), m.name.to_lowercase()), m.file.clone()))
            .collect()
    };
    let (old_mods, new_mods) = (names(before), names(after));
    let mut modules = Vec::new();
    for ((server, name), file) in &new_mods {
        if !old_mods.contains_key(&(server.clone(), name.clone())) {
            modules.push(format!("{server} {name}: added ({file})"));
        }
    }
    for ((server, name), file) in &old_mods {
        if !new_mods.contains_key(&(server.clone(), name.clone())) {
            modules.push(format!("{server} {name}: removed (was in {file})"));
        }
    }
    section("Modules", modules);

    let seen: std::collections::BTreeSet<(String, String)> = before
        .observed_state
        .backups
        .iter()
        .map(|b| {
            (
                b.path.to_lowercase(),
                b.modified.clone().unwrap_or_default(),
            )
        })
        .collect();
    let backups = after
        .observed_state
        .backups
        .iter()
        .filter(|b| {
            !seen.contains(&(
                b.path.to_lowercase(),
                b.modified.clone().unwrap_or_default(),
            ))
        })
        .map(|b| {
            format!(
                "{} (copy of {}, modified {})",
                b.path,
                b.live,
                b.modified.as_deref().unwrap_or("at an unknown time")
            )
        })
        .collect();
    section("Backups new or changed", backups);

    let earlier: BTreeMap<&str, &EarlierResult> = before
        .results
        .iter()
        .map(|r| (r.fingerprint.as_str(), r))
        .collect();
    let later: BTreeMap<&str, &EarlierResult> = after
        .results
        .iter()
        .map(|r| (r.fingerprint.as_str(), r))
        .collect();
    let line =
        |r: &EarlierResult| format!("{} {} ({}): {}", r.rule_id, r.subject, r.status, r.message);
    // A rule the later scan ran only as not_applicable (or not at all) was not
    // checked then: its earlier failure is not fixed, just no longer judged.
    let judged: std::collections::BTreeSet<&str> = after
        .results
        .iter()
        .filter(|r| r.status != Status::NotApplicable)
        .map(|r| r.rule_id.as_str())
        .collect();
    let (fixed, not_checked): (Vec<&EarlierResult>, Vec<&EarlierResult>) = before
        .results
        .iter()
        .filter(|r| failing(r.status))
        .filter(|r| {
            later
                .get(r.fingerprint.as_str())
                .is_none_or(|n| !failing(n.status))
        })
        .partition(|r| judged.contains(r.rule_id.as_str()));
    let fixed: Vec<String> = fixed
        .into_iter()
        .map(|r| {
            let now = later
                .get(r.fingerprint.as_str())
                .map_or("gone".to_string(), |n| n.status.to_string());
            format!("{} {} (was {}, now {now})", r.rule_id, r.subject, r.status)
        })
        .collect();
    let not_checked: Vec<String> = not_checked
        .into_iter()
        .map(|r| format!("{} {} (was {})", r.rule_id, r.subject, r.status))
        .collect();
    let (still, new): (Vec<&EarlierResult>, Vec<&EarlierResult>) = after
        .results
        .iter()
        .filter(|r| failing(r.status))
        .partition(|r| {
            earlier
                .get(r.fingerprint.as_str())
                .is_some_and(|o| failing(o.status))
        });
    let (new, still): (Vec<String>, Vec<String>) = (
        new.into_iter().map(line).collect(),
        still.into_iter().map(line).collect(),
    );
    let any_new = !new.is_empty();
    let mut counts = format!(
        "\n{} fixed, {} new, {} still failing",
        fixed.len(),
        new.len(),
        still.len()
    );
    let not_checked_title = format!("Not checked in the {} scan", after.scan.phase);
    if !not_checked.is_empty() {
        let _ = write!(
            counts,
            ", {} not checked in the {} scan",
            not_checked.len(),
            after.scan.phase
        );
    }
    section("Fixed", fixed);
    section(&not_checked_title, not_checked);
    section("New failures", new);
    section("Still failing", still);
    let _ = writeln!(s, "{counts}");
    (s, any_new)
}

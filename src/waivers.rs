//! Waivers (`--waivers FILE`): accepted exceptions, reviewed like code. Each
//! names a rule (id or slug), optionally a host and a subject (exact or a
//! `*`/`?` glob, case-insensitive), and must say why, who owns it and when it
//! expires. A matching, unexpired waiver turns a failing result into `waived`;
//! an expired one no longer applies and is reported, as is one that matched
//! nothing. A malformed file is an input error naming the file and line.
//!
//! Parsing takes text (the caller reads the file); applying is pure.

use std::path::Path;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::error::InputError;
use crate::glob;
use crate::model::{Finding, Status, Waiver};
use crate::rules::RuleSet;

/// A waiver as written in the file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WaiverFile {
    rule: Spanned<String>,
    host: Option<String>,
    subject: Option<String>,
    reason: Option<Spanned<String>>,
    owner: Option<Spanned<String>>,
    /// A TOML date; any other value is refused with the fix (see [`parse`]).
    expires: Option<Spanned<toml::Value>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    waiver: Vec<Spanned<WaiverFile>>,
}

/// What became of a waiver in this scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// It waived these results (by fingerprint).
    Applied,
    /// Past its expiry date: it waived nothing; these results matched it.
    Expired,
    /// It matched no failing result.
    Unused,
}

/// A waiver and its fate, for the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Use {
    #[serde(flatten)]
    pub waiver: Waiver,
    pub state: State,
    /// Fingerprints of the failing results it matched.
    pub matched: Vec<String>,
}

/// Parses a waivers file; every waiver must name a known rule and give a
/// reason, an owner and an expiry date.
pub fn parse(text: &str, file: &Path, rules: &RuleSet) -> Result<Vec<Waiver>, InputError> {
    let name = file.display().to_string();
    let at = |span: std::ops::Range<usize>, message: String| {
        let crate::text::Pos { line, column: col } = crate::text::pos(text, span.start);
        InputError::new(message).in_file(file).at(line, col)
    };
    let parsed: File = toml::from_str(text).map_err(|e| {
        let err = InputError::new(e.message().to_string()).in_file(file);
        match e.span() {
            Some(span) => {
                let crate::text::Pos { line, column: col } = crate::text::pos(text, span.start);
                err.at(line, col)
            }
            None => err,
        }
    })?;
    let mut out = Vec::new();
    for spanned in parsed.waiver {
        let span = spanned.span();
        let line = crate::text::pos(text, span.start).line;
        let w = spanned.into_inner();
        let rule = match rules.find(w.rule.get_ref()) {
            Some(r) => r.id.clone(),
            None => {
                let mut e = at(
                    w.rule.span(),
                    format!("waiver names an unknown rule `{}`", w.rule.get_ref()),
                );
                if let Some(near) = rules.suggest(w.rule.get_ref()) {
                    e = e.help(format!("did you mean `{near}`?"));
                }
                return Err(e);
            }
        };
        let required = |field: &str, value: Option<Spanned<String>>| match value {
            Some(v) if !v.get_ref().trim().is_empty() => Ok(v.into_inner()),
            Some(v) => Err(at(
                v.span(),
                format!("waiver for {rule}: `{field}` is empty"),
            )),
            None => Err(
                at(span.clone(), format!("waiver for {rule} has no `{field}`"))
                    .help("every waiver needs reason, owner and expires (a date, e.g. 2026-12-31)"),
            ),
        };
        let reason = required("reason", w.reason)?;
        let owner = required("owner", w.owner)?;
        let Some(expires) = w.expires else {
            return Err(
                at(span.clone(), format!("waiver for {rule} has no `expires`"))
                    .help("every waiver needs reason, owner and expires (a date, e.g. 2026-12-31)"),
            );
        };
        let expires_on = expiry(expires.get_ref()).map_err(|(message, help)| {
            at(
                expires.span(),
                format!("waiver for {rule}: `expires` {message}"),
            )
            .help(help)
        })?;
        out.push(Waiver {
            rule,
            host: w.host,
            subject: w.subject,
            reason,
            owner,
            expires: expires_on.to_string(),
            origin: format!("{name}:{line}"),
            expires_on,
        });
    }
    Ok(out)
}

/// A waiver's expiry: a TOML date (a day, not a moment: the waiver holds through it).
/// Otherwise what is wrong and the fix.
fn expiry(value: &toml::Value) -> Result<Date, (String, String)> {
    let date_of = |d: toml::value::Date| Date::new(d.year as i16, d.month as i8, d.day as i8);
    match value {
        toml::Value::Datetime(dt) => match (dt.date, dt.time) {
            (Some(d), None) => {
                date_of(d).map_err(|e| (format!("is not a date: {e}"), EXPIRES.into()))
            }
            (Some(d), Some(_)) => Err((
                format!("must be a date such as 2026-12-31, not {dt}"),
                format!(
                    "a waiver holds through its last day (compared with the day of --now in UTC): write the date alone, expires = {d}"
                ),
            )),
            (None, _) => Err((
                format!("must be a date such as 2026-12-31, not {dt}"),
                EXPIRES.into(),
            )),
        },
        toml::Value::String(s) => Err((
            format!("must be a TOML date, not the string {s:?}"),
            match s.parse::<Date>() {
                Ok(d) if s.len() == 10 => format!("write it without quotes: expires = {d}"),
                _ => EXPIRES.into(),
            },
        )),
        other => Err((
            format!("must be a date such as 2026-12-31, not {other}"),
            EXPIRES.into(),
        )),
    }
}

const EXPIRES: &str =
    "write the last day the waiver holds as a TOML date, e.g. expires = 2026-12-31";

impl Waiver {
    fn matches(&self, host: &str, r: &Finding) -> bool {
        r.rule_id == self.rule
            && self
                .host
                .as_ref()
                .is_none_or(|h| h.eq_ignore_ascii_case(host))
            && self
                .subject
                .as_ref()
                .is_none_or(|pattern| glob::matches(pattern, &r.subject, glob::Syntax::Plain, true))
    }
}

/// Applies waivers to a scan's results: a failing result matched by an
/// unexpired waiver becomes `waived` (the first such waiver is recorded on
/// it). Returns each waiver's fate.
pub fn apply(waivers: &[Waiver], host: &str, today: Date, results: &mut [Finding]) -> Vec<Use> {
    let mut uses: Vec<Use> = waivers
        .iter()
        .map(|w| Use {
            waiver: w.clone(),
            state: if w.expires_on < today {
                State::Expired
            } else {
                State::Unused
            },
            matched: Vec::new(),
        })
        .collect();
    for r in results.iter_mut().filter(|r| r.is_failing()) {
        let mut waived_by = None;
        for u in uses.iter_mut().filter(|u| u.waiver.matches(host, r)) {
            u.matched.push(r.fingerprint.clone());
            if u.state != State::Expired {
                u.state = State::Applied;
                waived_by.get_or_insert_with(|| u.waiver.clone());
            }
        }
        if let Some(w) = waived_by {
            r.status = Status::Waived;
            r.waiver = Some(w);
        }
    }
    uses
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expiry_of(toml_value: &str) -> Result<Date, (String, String)> {
        let v: toml::Table = toml::from_str(&format!("expires = {toml_value}")).unwrap();
        expiry(&v["expires"])
    }

    #[test]
    fn an_expiry_is_a_date_alone() {
        assert_eq!(expiry_of("2026-12-31"), Ok("2026-12-31".parse().unwrap()));
        let (message, help) = expiry_of("2026-12-31T10:00:00Z").unwrap_err();
        assert_eq!(
            message,
            "must be a date such as 2026-12-31, not 2026-12-31T10:00:00Z"
        );
        assert!(
            help.ends_with("write the date alone, expires = 2026-12-31"),
            "{help}"
        );
        assert!(expiry_of("2026-12-31T10:00:00").is_err());
        assert!(expiry_of("10:00:00").is_err());
        let (message, help) = expiry_of("\"2026-12-31\"").unwrap_err();
        assert_eq!(
            message,
            "must be a TOML date, not the string \"2026-12-31\""
        );
        assert_eq!(help, "write it without quotes: expires = 2026-12-31");
        let (_, help) = expiry_of("\"soon\"").unwrap_err();
        assert_eq!(help, EXPIRES);
        let (message, _) = expiry_of("20261231").unwrap_err();
        assert_eq!(message, "must be a date such as 2026-12-31, not 20261231");
    }

    fn glob(pattern: &str, subject: &str) -> bool {
        glob::matches(pattern, subject, glob::Syntax::Plain, true)
    }

    #[test]
    fn globs_match_whole_subjects() {
        assert!(glob(r"C:\inetpub\wwwroot\*", r"c:\inetpub\wwwroot\TMS"));
        assert!(glob(r"c:\inetpub\wwwroot\*", r"c:\inetpub\wwwroot\tms"));
        assert!(glob("client 9.?.*", "client 9.3.1.33994"));
        assert!(!glob("client 9.?", "client 9.3.1"));
        assert!(glob("*", ""));
        assert!(glob("a*b*c", "aXbYbZc"));
        assert!(!glob("a*b*c", "aXbYbZ"));
    }
}

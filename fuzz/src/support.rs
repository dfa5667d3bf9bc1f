//! What several targets share: splitting one input into parts, and the
//! built-in rule set, loaded once per process.

use std::sync::OnceLock;
use upgate::rules::RuleSet;

/// The input as text; invalid UTF-8 is replaced, as the targets that need text
/// only care that any bytes reach the parser.
pub fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// At most `max` lines of the input, so that the all-triples checks stay cheap.
pub fn lines(text: &str, max: usize) -> Vec<&str> {
    text.lines().take(max).collect()
}

/// The built-in rules and release catalogs.
pub fn builtin() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::builtin().expect("the built-in rules load"))
}

/// A multi-file input: records that start with a line `=== <path>`, each
/// holding the bytes up to the next such line. Bytes before the first header
/// (all of them, for a plain file as seed) belong to `default`.
pub fn records<'a>(data: &'a [u8], default: &str) -> Vec<(String, &'a [u8])> {
    let mut out = Vec::new();
    let mut name = default.to_string();
    let mut start = 0;
    let mut line = 0;
    while line < data.len() {
        let end = data[line..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(data.len(), |p| line + p);
        if let Some(header) = data[line..end].strip_prefix(b"=== ") {
            if line > start || name != default {
                // The newline before the header ends the header, not the body.
                out.push((name, &data[start..line.saturating_sub(1).max(start)]));
            }
            name = String::from_utf8_lossy(header)
                .trim_end_matches('\r')
                .to_string();
            start = (end + 1).min(data.len());
        }
        line = end + 1;
    }
    out.push((name, &data[start.min(data.len())..]));
    out
}

/// A server file or folder as the scan would have found it, for judges fed
/// without a server tree.
pub fn resolved(raw: &str, kind: upgate::server::Kind, len: u64) -> upgate::server::Resolved {
    let env = upgate::path::Env::new('C', &Default::default());
    upgate::server::Resolved {
        server: upgate::path::ServerPath::parse(raw, &env).expect("a valid server path"),
        host: std::path::PathBuf::from("/nonexistent"),
        root_relative: None,
        kind,
        len,
        modified: None,
    }
}

/// A failing result of every built-in rule, each about one of a few subjects,
/// for waivers and baselines to match against.
pub fn findings() -> Vec<upgate::model::Finding> {
    use upgate::model::{Finding, Severity, Status};
    const SUBJECTS: [&str; 3] = [
        r"C:\inetpub\wwwroot\TMS\web.config",
        r"C:\ProgramData\Arellia\NugetCache",
        "password_secure.server_version",
    ];
    builtin()
        .iter()
        .zip(SUBJECTS.iter().cycle())
        .map(|(rule, subject)| Finding {
            rule_id: rule.id.clone(),
            slug: rule.slug.clone(),
            product: rule.product,
            status: Status::Fail,
            severity: Severity::Error,
            title: rule.title.clone(),
            message: String::new(),
            subject: subject.to_string(),
            location: None,
            observed: None,
            expected: None,
            remediation: String::new(),
            source: String::new(),
            fingerprint: format!("{}:{subject}", rule.id),
            waiver: None,
            baseline: None,
        })
        .collect()
}

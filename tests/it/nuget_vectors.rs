//! Replays the NuGet.Versioning conformance vectors (extracted from
//! NuGet.Client's unit tests, see `tests/data/README.md`) against
//! `upgate::nuget::NuGetVersion`. Every group collects all failing vector ids
//! so that one run shows the whole damage, and refuses to pass when empty.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

use serde_json::{Value, json};
use upgate::nuget::{NuGetVersion, VersionError};

type Parser = fn(&str) -> Result<NuGetVersion, VersionError>;

const LENIENT: Parser = NuGetVersion::parse;
const STRICT: Parser = NuGetVersion::parse_strict;

fn document() -> &'static Value {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/nuget-versioning-vectors.json"
        );
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
    })
}

/// The vectors of one group; a missing or empty group would make its test vacuous.
fn group(name: &str) -> &'static [Value] {
    let vectors = document()["vectors"][name]
        .as_array()
        .unwrap_or_else(|| panic!("vector group {name} is missing"));
    assert!(!vectors.is_empty(), "vector group {name} is empty");
    vectors
}

fn text<'a>(vector: &'a Value, key: &str) -> &'a str {
    vector[key]
        .as_str()
        .unwrap_or_else(|| panic!("{}: field {key} is not a string", vector["id"]))
}

fn id(vector: &Value) -> &str {
    text(vector, "id")
}

fn hash_of(version: &NuGetVersion) -> u64 {
    let mut hasher = DefaultHasher::new();
    version.hash(&mut hasher);
    hasher.finish()
}

fn report(group: &str, failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} {group} vector(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Which parser builds `a` and which builds `b`, per the vector's `parse` note;
/// `None` for a note this harness does not know (reported as a failure).
fn parser_pairs(note: &str) -> Option<Vec<(Parser, Parser)>> {
    match note {
        "NuGetVersion.Parse" => Some(vec![(LENIENT, LENIENT)]),
        "SemanticVersion.TryParse" => Some(vec![(STRICT, STRICT)]),
        "NuGetVersion.Parse and SemanticVersion.Parse (strict)"
        | "NuGetVersion.Parse and SemanticVersion (strict)" => {
            Some(vec![(LENIENT, LENIENT), (STRICT, STRICT)])
        }
        "NuGetVersion.Parse(a) vs SemanticVersion.Parse(b)" => Some(vec![(LENIENT, STRICT)]),
        _ => None,
    }
}

/// All comparers named by the vectors mean `VersionComparer.Default`, which is
/// what `NuGetVersion`'s `Eq`/`Ord` implement.
fn known_comparer(vector: &Value) -> bool {
    matches!(
        vector.get("comparer").and_then(Value::as_str),
        None | Some(
            "VersionComparer.Default" | "VersionComparer.Default.Equals" | "SemanticVersion.Equals"
        )
    )
}

/// Parses both sides of a comparison vector with every parser pair it names.
fn parsed_pairs(
    vector: &Value,
    a_key: &str,
    b_key: &str,
) -> Result<Vec<(NuGetVersion, NuGetVersion)>, String> {
    let note = text(vector, "parse");
    let pairs = parser_pairs(note).ok_or_else(|| format!("unknown parse note {note:?}"))?;
    if !known_comparer(vector) {
        return Err(format!("unknown comparer {}", vector["comparer"]));
    }
    pairs
        .into_iter()
        .map(|(parse_a, parse_b)| {
            let a = parse_a(text(vector, a_key)).map_err(|e| e.to_string())?;
            let b = parse_b(text(vector, b_key)).map_err(|e| e.to_string())?;
            Ok((a, b))
        })
        .collect()
}

/// The relations a vector claims, by name; an error lists every one that does not hold.
fn check_relations(
    a: &NuGetVersion,
    b: &NuGetVersion,
    claims: &[(&str, bool)],
) -> Result<(), String> {
    let broken: Vec<&str> = claims
        .iter()
        .filter(|(_, holds)| !holds)
        .map(|(name, _)| *name)
        .collect();
    if broken.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "a = {a:?}, b = {b:?}: {} do not hold",
            broken.join(", ")
        ))
    }
}

fn check_equal(a: &NuGetVersion, b: &NuGetVersion) -> Result<(), String> {
    check_relations(
        a,
        b,
        &[
            ("a == b", a == b),
            ("b == a", b == a),
            ("cmp(a, b) == Equal", a.cmp(b).is_eq()),
            ("cmp(b, a) == Equal", b.cmp(a).is_eq()),
            ("a <= b", a <= b),
            ("b >= a", b >= a),
            ("hash(a) == hash(b)", hash_of(a) == hash_of(b)),
        ],
    )
}

fn check_parses(name: &str, parse: Parser) {
    let mut failures = Vec::new();
    for vector in group(name) {
        let input = text(vector, "input");
        match parse(input) {
            // The canonical spellings must describe the same version again.
            Ok(version) => match parse(&version.to_full_string()) {
                Ok(again)
                    if again == version && again.to_full_string() == version.to_full_string() => {}
                other => failures.push(format!(
                    "{}: {input:?} does not round-trip through {:?}: {other:?}",
                    id(vector),
                    version.to_full_string()
                )),
            },
            Err(error) => failures.push(format!("{}: {error}", id(vector))),
        }
    }
    report(name, &failures);
}

fn check_rejects(name: &str, parse: Parser) {
    let mut failures = Vec::new();
    for vector in group(name) {
        let input = text(vector, "input");
        match parse(input) {
            Ok(version) => {
                failures.push(format!("{}: {input:?} accepted as {version:?}", id(vector)))
            }
            Err(error) => {
                let prefix = format!("'{input}' is not a valid NuGet version: ");
                if !error.to_string().starts_with(&prefix) {
                    failures.push(format!("{}: unexpected error text {error}", id(vector)));
                }
            }
        }
    }
    report(name, &failures);
}

#[test]
fn parse_valid() {
    check_parses("parse_valid", LENIENT);
}

#[test]
fn parse_invalid() {
    check_rejects("parse_invalid", LENIENT);
}

#[test]
fn parse_strict_valid() {
    check_parses("parse_strict_valid", STRICT);
}

#[test]
fn parse_strict_invalid() {
    check_rejects("parse_strict_invalid", STRICT);
}

#[test]
fn semver_strict_valid() {
    check_parses("semver_strict_valid", STRICT);
}

#[test]
fn semver_strict_invalid() {
    check_rejects("semver_strict_invalid", STRICT);
}

/// The value of a NuGet property (named as in C#) on a parsed version.
fn property(version: &NuGetVersion, name: &str) -> Option<Value> {
    let release = || version.release_labels().collect::<Vec<_>>();
    Some(match name {
        "Major" => json!(version.major()),
        "Minor" => json!(version.minor()),
        "Patch" => json!(version.patch()),
        "Revision" => json!(version.revision()),
        "Version" => json!(format!(
            "{}.{}.{}.{}",
            version.major(),
            version.minor(),
            version.patch(),
            version.revision()
        )),
        "Release" => json!(release().join(".")),
        "ReleaseLabels" => json!(release()),
        "IsPrerelease" => json!(version.is_prerelease()),
        "Metadata" => json!(version.metadata().unwrap_or_default()),
        "HasMetadata" => json!(version.metadata().is_some()),
        "OriginalVersion" => json!(version.original()),
        "ToString" => json!(version.to_string()),
        "ToNormalizedString" => json!(version.to_normalized_string()),
        "ToFullString" => json!(version.to_full_string()),
        "ToString==ToNormalizedString" => {
            json!(version.to_string() == version.to_normalized_string())
        }
        _ => return None,
    })
}

#[test]
fn properties() {
    let mut failures = Vec::new();
    for vector in group("properties") {
        let (input, api, name) = (
            text(vector, "input"),
            text(vector, "api"),
            text(vector, "property"),
        );
        let parsers: &[Parser] = match api {
            "NuGetVersion.Parse" | "NuGetVersion.TryParse" | "new NuGetVersion(string)" => {
                &[LENIENT]
            }
            "NuGetVersion.TryParseStrict" | "SemanticVersion.TryParse" => &[STRICT],
            "Parse, TryParse and TryParseStrict" => &[LENIENT, STRICT],
            _ => {
                failures.push(format!("{}: unknown api {api:?}", id(vector)));
                continue;
            }
        };
        for parse in parsers {
            let version = match parse(input) {
                Ok(version) => version,
                Err(error) => {
                    failures.push(format!("{}: {error}", id(vector)));
                    continue;
                }
            };
            match property(&version, name) {
                Some(actual) if actual == vector["expected"] => {}
                Some(actual) => failures.push(format!(
                    "{}: {name} of {input:?} is {actual}, expected {}",
                    id(vector),
                    vector["expected"]
                )),
                None => failures.push(format!("{}: unknown property {name:?}", id(vector))),
            }
        }
    }
    report("properties", &failures);
}

#[test]
fn compare_less() {
    let mut failures = Vec::new();
    for vector in group("compare_less") {
        let outcome = parsed_pairs(vector, "lower", "higher").and_then(|pairs| {
            pairs.iter().try_for_each(|(a, b)| {
                check_relations(
                    a,
                    b,
                    &[
                        ("a < b", a < b),
                        ("a <= b", a <= b),
                        ("b > a", b > a),
                        ("b >= a", b >= a),
                        ("a != b", a != b),
                        ("cmp(a, b) == Less", a.cmp(b).is_lt()),
                        ("cmp(b, a) == Greater", b.cmp(a).is_gt()),
                    ],
                )
            })
        });
        if let Err(error) = outcome {
            failures.push(format!("{}: {error}", id(vector)));
        }
    }
    report("compare_less", &failures);
}

#[test]
fn compare_equal() {
    let mut failures = Vec::new();
    for vector in group("compare_equal") {
        let outcome = parsed_pairs(vector, "a", "b")
            .and_then(|pairs| pairs.iter().try_for_each(|(a, b)| check_equal(a, b)));
        if let Err(error) = outcome {
            failures.push(format!("{}: {error}", id(vector)));
        }
    }
    report("compare_equal", &failures);
}

#[test]
fn compare_not_equal() {
    let mut failures = Vec::new();
    for vector in group("compare_not_equal") {
        let outcome = parsed_pairs(vector, "a", "b").and_then(|pairs| {
            pairs.iter().try_for_each(|(a, b)| {
                check_relations(
                    a,
                    b,
                    &[
                        ("a != b", a != b),
                        ("b != a", b != a),
                        ("cmp(a, b) != Equal", a.cmp(b).is_ne()),
                        ("cmp(b, a) != Equal", b.cmp(a).is_ne()),
                    ],
                )
            })
        });
        if let Err(error) = outcome {
            failures.push(format!("{}: {error}", id(vector)));
        }
    }
    report("compare_not_equal", &failures);
}

#[test]
fn format() {
    let mut failures = Vec::new();
    for vector in group("format") {
        let (input, code, expected) = (
            text(vector, "input"),
            text(vector, "format"),
            text(vector, "expected"),
        );
        match NuGetVersion::parse(input) {
            Ok(version) if version.format(code) == expected => {}
            Ok(version) => failures.push(format!(
                "{}: {input:?} formatted with {code:?} is {:?}, expected {expected:?}",
                id(vector),
                version.format(code)
            )),
            Err(error) => failures.push(format!("{}: {error}", id(vector))),
        }
    }
    report("format", &failures);
}

/// `new NuGetVersion(System.Version, releaseLabel)` keeps, as its original
/// string, `System.Version.ToString()` (the 2 to 4 numbers as given) plus
/// `-label` when the label is non-empty (NuGet's `GetLegacyString`). Parsing
/// that same string is the Rust equivalent.
#[test]
fn construct_from_system_version() {
    let mut failures = Vec::new();
    for vector in group("construct_from_system_version") {
        let mut legacy = text(vector, "system_version").to_owned();
        match &vector["release_label"] {
            Value::Null => {}
            Value::String(label) if label.is_empty() => {}
            Value::String(label) => {
                legacy.push('-');
                legacy.push_str(label);
            }
            other => {
                failures.push(format!("{}: unexpected release_label {other}", id(vector)));
                continue;
            }
        }
        let expected = text(vector, "expected_ToString");
        match NuGetVersion::parse(&legacy) {
            Ok(version) if version.to_string() == expected => {}
            Ok(version) => failures.push(format!(
                "{}: {legacy:?} displays as {version}, expected {expected:?}",
                id(vector)
            )),
            Err(error) => failures.push(format!("{}: {error}", id(vector))),
        }
    }
    report("construct_from_system_version", &failures);
}

/// Upstream claims these pairs differ, but its test compared the raw strings;
/// NuGet.Versioning itself behaves as `actual` says, and so must we.
#[test]
fn upstream_mislabelled() {
    let mut failures = Vec::new();
    for vector in group("upstream_mislabelled") {
        let actual = text(vector, "actual");
        let outcome = if actual == "equal under VersionComparer.Default" {
            LENIENT(text(vector, "a"))
                .and_then(|a| Ok((a, LENIENT(text(vector, "b"))?)))
                .map_err(|e| e.to_string())
                .and_then(|(a, b)| check_equal(&a, &b))
        } else {
            Err(format!("no check for actual behaviour {actual:?}"))
        };
        if let Err(error) = outcome {
            failures.push(format!("{}: {error}", id(vector)));
        }
    }
    report("upstream_mislabelled", &failures);
}

//! NuGet package versions with the parsing, ordering and formatting rules of
//! `NuGet.Versioning`, so that versions read from package file names, `.nuspec`
//! files and feeds compare exactly the way NuGet itself compares them.
//!
//! Conformance is pinned by `tests/it/nuget_vectors.rs`, which replays vectors
//! extracted from NuGet.Client's own unit tests.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

/// A NuGet version: `Major.Minor.Patch[.Revision][-prerelease][+metadata]`.
///
/// Equality, ordering and hashing follow `VersionComparer.Default`: missing
/// numbers are 0, release labels compare case-insensitively and metadata is
/// ignored, so `1.0`, `1.0.0.0` and `1.0.0+build` are all equal.
#[derive(Debug, Clone)]
pub struct NuGetVersion {
    /// Major, Minor, Patch, Revision; each fits in an `Int32` as in NuGet.
    numbers: [u32; 4],
    /// Prerelease identifiers; empty for a release.
    labels: Vec<String>,
    metadata: Option<String>,
    original: String,
}

/// Why a string is not a NuGet version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionError {
    input: String,
    reason: String,
}

impl fmt::Display for VersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "'{}' is not a valid NuGet version: {}",
            self.input, self.reason
        )
    }
}

impl std::error::Error for VersionError {}

/// NuGet stores version numbers in .NET `Int32`s, so larger values are invalid.
const MAX_NUMBER: u32 = i32::MAX as u32;

impl NuGetVersion {
    /// Parses like `NuGetVersion.Parse`: trimmed, 1 to 4 numbers, leading zeros allowed.
    pub fn parse(s: &str) -> Result<Self, VersionError> {
        let trimmed = s.trim();
        Self::build(trimmed, true).map_err(|reason| VersionError {
            input: s.to_owned(),
            reason,
        })
    }

    /// Parses like `NuGetVersion.TryParseStrict` (= `SemanticVersion.TryParse`): SemVer 2.0.0 only.
    pub fn parse_strict(s: &str) -> Result<Self, VersionError> {
        Self::build(s, false).map_err(|reason| VersionError {
            input: s.to_owned(),
            reason,
        })
    }

    fn build(text: &str, lenient: bool) -> Result<Self, String> {
        if text.is_empty() {
            return Err("the version is empty".to_owned());
        }
        // As in NuGet's ParseSections, the first '-' or '+' ends the numbers, so
        // a '-' after a '+' belongs to the metadata.
        let end = text.find(['-', '+']).unwrap_or(text.len());
        let (number_text, tail) = text.split_at(end);
        let (release, metadata) = match tail.strip_prefix('-') {
            Some(rest) => match rest.split_once('+') {
                Some((release, metadata)) => (Some(release), Some(metadata)),
                None => (Some(rest), None),
            },
            None => (None, tail.strip_prefix('+')),
        };

        let parts: Vec<&str> = number_text.split('.').collect();
        // System.Version takes 2 to 4 numbers and NuGet pads a lone one with ".0".
        let count_ok = if lenient {
            (1..=4).contains(&parts.len())
        } else {
            parts.len() == 3
        };
        if !count_ok {
            let expected = if lenient { "1 to 4" } else { "exactly 3" };
            return Err(format!(
                "expected {expected} dot-separated numbers before any '-' or '+', found {}",
                parts.len()
            ));
        }
        let mut numbers = [0; 4];
        for (slot, part) in numbers.iter_mut().zip(&parts) {
            let number = if lenient {
                parse_lenient_number(part)
            } else {
                parse_strict_number(part)
            };
            *slot = number.ok_or_else(|| {
                let rule = if lenient {
                    "a number from 0 to 2147483647"
                } else {
                    "a number from 0 to 2147483647 without leading zeros"
                };
                format!("'{part}' is not {rule}")
            })?;
        }

        let labels = match release {
            Some(release) => {
                check_identifiers(release, false)
                    .map_err(|problem| format!("release label '{release}' {problem}"))?;
                release.split('.').map(str::to_owned).collect()
            }
            None => Vec::new(),
        };
        if let Some(metadata) = metadata {
            check_identifiers(metadata, true)
                .map_err(|problem| format!("metadata '{metadata}' {problem}"))?;
        }

        Ok(Self {
            numbers,
            labels,
            metadata: metadata.map(str::to_owned),
            original: text.to_owned(),
        })
    }

    /// The first number.
    pub fn major(&self) -> u32 {
        self.numbers[0]
    }

    /// The second number (0 when absent).
    pub fn minor(&self) -> u32 {
        self.numbers[1]
    }

    /// The third number (0 when absent).
    pub fn patch(&self) -> u32 {
        self.numbers[2]
    }

    /// The fourth, legacy number (0 when absent).
    pub fn revision(&self) -> u32 {
        self.numbers[3]
    }

    /// True when the version has a release label such as `-beta.1`.
    pub fn is_prerelease(&self) -> bool {
        !self.labels.is_empty()
    }

    /// The dot-separated prerelease identifiers as written; none for a release.
    pub fn release_labels(&self) -> impl Iterator<Item = &str> {
        self.labels.iter().map(String::as_str)
    }

    /// The build metadata after `+`, if any.
    pub fn metadata(&self) -> Option<&str> {
        self.metadata.as_deref()
    }

    /// NuGet's normalized form (`ToNormalizedString`): no leading zeros, revision only when non-zero, no metadata.
    pub fn to_normalized_string(&self) -> String {
        let mut text = self.numbers_string();
        if self.is_prerelease() {
            text.push('-');
            text.push_str(&self.labels.join("."));
        }
        text
    }

    /// The normalized form plus `+metadata` (`ToFullString`).
    pub fn to_full_string(&self) -> String {
        let mut text = self.to_normalized_string();
        if let Some(metadata) = &self.metadata {
            text.push('+');
            text.push_str(metadata);
        }
        text
    }

    /// The input as written, without surrounding whitespace.
    pub fn original(&self) -> &str {
        &self.original
    }

    /// Formats like NuGet's `VersionFormatter`: N normalized, F full, V numbers, R release,
    /// M metadata, x/y/z/r single numbers; other characters are copied; empty means N.
    pub fn format(&self, format: &str) -> String {
        let format = if format.is_empty() { "N" } else { format };
        let mut text = String::new();
        for code in format.chars() {
            match code {
                'N' => text.push_str(&self.to_normalized_string()),
                'F' => text.push_str(&self.to_full_string()),
                'V' => text.push_str(&self.numbers_string()),
                'R' => text.push_str(&self.labels.join(".")),
                'M' => text.push_str(self.metadata().unwrap_or_default()),
                'x' => text.push_str(&self.major().to_string()),
                'y' => text.push_str(&self.minor().to_string()),
                'z' => text.push_str(&self.patch().to_string()),
                'r' => text.push_str(&self.revision().to_string()),
                other => text.push(other),
            }
        }
        text
    }

    /// `x.y.z`, plus `.r` only when the revision is non-zero (NuGet's "legacy version").
    fn numbers_string(&self) -> String {
        let [major, minor, patch, revision] = self.numbers;
        if revision > 0 {
            format!("{major}.{minor}.{patch}.{revision}")
        } else {
            format!("{major}.{minor}.{patch}")
        }
    }
}

/// One number of a lenient version. NuGet hands these to `System.Version`,
/// whose `Int32` parsing allows .NET white space around the digits.
fn parse_lenient_number(part: &str) -> Option<u32> {
    let digits = part.trim_matches(|c| c == ' ' || ('\t'..='\r').contains(&c));
    parse_digits(digits)
}

/// One number of a SemVer 2.0.0 version: `0` or digits without a leading zero.
fn parse_strict_number(part: &str) -> Option<u32> {
    if part.len() > 1 && part.starts_with('0') {
        return None;
    }
    parse_digits(part)
}

/// ASCII digits only (Rust's integer parsing would also take a sign), up to `Int32::MaxValue`.
fn parse_digits(digits: &str) -> Option<u32> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<u32>().ok().filter(|&n| n <= MAX_NUMBER)
}

/// Checks dot-separated SemVer identifiers: non-empty, `[0-9A-Za-z-]`, and
/// (for release labels) no leading zero on a purely numeric identifier.
fn check_identifiers(section: &str, allow_leading_zeros: bool) -> Result<(), &'static str> {
    for identifier in section.split('.') {
        if identifier.is_empty() {
            return Err("has an empty identifier");
        }
        if !identifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err("may only contain ASCII letters, digits, '-' and '.'");
        }
        if !allow_leading_zeros
            && identifier.len() > 1
            && identifier.starts_with('0')
            && identifier.bytes().all(|b| b.is_ascii_digit())
        {
            return Err("has a numeric identifier with a leading zero");
        }
    }
    Ok(())
}

/// NuGet treats a label as numeric exactly when .NET's `int.TryParse` accepts
/// it. Labels contain no '+' or white space, so Rust's `i32` parsing agrees:
/// `-1` counts as numeric and a label beyond `Int32` compares as text.
fn numeric_label(label: &str) -> Option<i32> {
    label.parse().ok()
}

/// Letters compare like .NET `OrdinalIgnoreCase`; labels are ASCII-only.
fn folded(label: &str) -> impl Iterator<Item = u8> {
    label.bytes().map(|b| b.to_ascii_uppercase())
}

fn compare_label(a: &str, b: &str) -> Ordering {
    match (numeric_label(a), numeric_label(b)) {
        (Some(a), Some(b)) => a.cmp(&b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => folded(a).cmp(folded(b)),
    }
}

impl Ord for NuGetVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.numbers.cmp(&other.numbers).then_with(|| {
            match (self.is_prerelease(), other.is_prerelease()) {
                (false, false) => Ordering::Equal,
                // A release sorts after every prerelease of the same numbers.
                (false, true) => Ordering::Greater,
                (true, false) => Ordering::Less,
                // Identifier by identifier; when one list is a prefix of the
                // other, the longer list is greater.
                (true, true) => self
                    .labels
                    .iter()
                    .zip(&other.labels)
                    .map(|(mine, theirs)| compare_label(mine, theirs))
                    .find(|order| order.is_ne())
                    .unwrap_or_else(|| self.labels.len().cmp(&other.labels.len())),
            }
        })
    }
}

impl PartialOrd for NuGetVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for NuGetVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for NuGetVersion {}

impl Hash for NuGetVersion {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Hash exactly what `cmp` looks at, so that equal versions hash alike:
        // numeric labels by value ("-0" == "0"), others case-folded.
        self.numbers.hash(state);
        state.write_usize(self.labels.len());
        for label in &self.labels {
            match numeric_label(label) {
                Some(number) => {
                    state.write_u8(0);
                    number.hash(state);
                }
                None => {
                    state.write_u8(1);
                    state.write_usize(label.len());
                    folded(label).for_each(|b| state.write_u8(b));
                }
            }
        }
    }
}

impl fmt::Display for NuGetVersion {
    /// Like NuGet's `ToString`: the original spelling (minus inner white space)
    /// for legacy-compatible versions, the normalized form for SemVer 2.0.0 ones,
    /// because older NuGet clients never saw SemVer 2.0.0 strings verbatim.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text: Cow<'_, str> = if self.labels.len() > 1 || self.metadata.is_some() {
            Cow::Owned(self.to_normalized_string())
        } else if self.original.contains(char::is_whitespace) {
            Cow::Owned(self.original.split_whitespace().collect())
        } else {
            Cow::Borrowed(&self.original)
        };
        f.pad(&text)
    }
}

impl FromStr for NuGetVersion {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::hash_map::DefaultHasher;

    fn v(s: &str) -> NuGetVersion {
        NuGetVersion::parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    fn hash_of(version: &NuGetVersion) -> u64 {
        let mut hasher = DefaultHasher::new();
        version.hash(&mut hasher);
        hasher.finish()
    }

    #[test]
    fn privilege_manager_versions_sort_numerically() {
        let mut versions = [
            "11.1.1156",
            "10.9.33",
            "11.0.1040",
            "11.1.1156-rc1",
            "11.0.999",
        ]
        .map(v)
        .to_vec();
        versions.sort();
        let sorted: Vec<String> = versions.iter().map(ToString::to_string).collect();
        assert_eq!(
            sorted,
            [
                "10.9.33",
                "11.0.999",
                "11.0.1040",
                "11.1.1156-rc1",
                "11.1.1156"
            ]
        );
        assert!(v("11.0.1040") < v("11.1.1156"));
    }

    #[test]
    fn leading_zeros_are_ignored_but_kept_in_original() {
        let padded = v("10.9.000033");
        assert_eq!(padded, v("10.9.33"));
        assert_eq!(padded.patch(), 33);
        assert_eq!(padded.to_normalized_string(), "10.9.33");
        assert_eq!(padded.original(), "10.9.000033");
        assert_eq!(padded.to_string(), "10.9.000033");
    }

    #[test]
    fn hash_agrees_with_eq_across_case_and_metadata() {
        let upper = v("1.0.0-BETA");
        let lower = v("1.0.0-beta+x");
        assert_eq!(upper, lower);
        assert_eq!(hash_of(&upper), hash_of(&lower));
        let set: std::collections::HashSet<_> = [upper, lower].into_iter().collect();
        assert_eq!(set.len(), 1);
    }

    #[test]
    fn labels_that_int_try_parse_rejects_compare_as_text() {
        // 2147483648 does not fit an Int32, so NuGet orders it after any number.
        assert!(v("1.0.0-2147483648") > v("1.0.0-2147483647"));
        assert!(v("1.0.0-10000000000") < v("1.0.0-9999999999"));
        assert_eq!(v("1.0.0--0"), v("1.0.0-0"));
        assert_eq!(hash_of(&v("1.0.0--0")), hash_of(&v("1.0.0-0")));
    }

    #[test]
    fn hostile_input_is_rejected_without_panicking() {
        let long_number = "9".repeat(10_000);
        for input in [
            long_number.as_str(),
            "1.0.0-\u{0661}",
            "\u{0661}.0",
            "1.0.\u{a0}0",
            "1.0.0+é",
            "+",
            "-",
            "1.0.0-+",
            "\u{feff}1.0",
        ] {
            assert!(NuGetVersion::parse(input).is_err(), "{input:?}");
            assert!(NuGetVersion::parse_strict(input).is_err(), "{input:?}");
        }
    }

    #[test]
    fn error_names_the_input_and_the_reason() {
        let error = NuGetVersion::parse("1.2.3.4.5").unwrap_err();
        assert_eq!(
            error.to_string(),
            "'1.2.3.4.5' is not a valid NuGet version: expected 1 to 4 dot-separated numbers before any '-' or '+', found 5"
        );
    }

    #[test]
    fn display_honours_width() {
        assert_eq!(format!("[{:<7}]", v("1.0")), "[1.0    ]");
    }
}

//! The release catalog: every version of a product upgate knows, with its
//! release date (where known) and the breaking changes the vendor's version
//! history names. It is rule data (`[[release]]` in a pack file), so a new
//! release is an edit to `rules/`, not a new build.
//!
//! Password Secure numbers its releases `MAJOR.MINOR.PATCH.BUILD` up to 9.3 and
//! `YY.M.VVV.BUILD` from 2026; the build rises across the change, so versions
//! order by build when both have one ([`order`]).

use std::cmp::Ordering;

use jiff::civil::Date;
use serde::Deserialize;

use crate::facts::Version;

/// One release as a pack file writes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReleaseFile {
    pub version: Version,
    /// `YYYY-MM-DD`; left out where the vendor's date is not known (never guessed).
    #[serde(default)]
    pub date: Option<String>,
    /// What breaks, in the vendor's words; only for breaking releases.
    #[serde(default)]
    pub breaking: Option<String>,
}

/// A validated release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    pub version: Version,
    pub date: Option<Date>,
    pub breaking: Option<String>,
}

impl Release {
    pub fn from_file(r: ReleaseFile) -> Result<Release, String> {
        if r.breaking.as_deref().is_some_and(|b| b.trim().is_empty()) {
            return Err(format!(
                "release {}: `breaking` is empty (leave it out for a release that breaks nothing)",
                r.version
            ));
        }
        let date = match &r.date {
            Some(raw) => Some(raw.parse::<Date>().map_err(|_| {
                format!(
                    "release {}: invalid date '{raw}' (expected YYYY-MM-DD)",
                    r.version
                )
            })?),
            None => None,
        };
        Ok(Release {
            version: r.version,
            date,
            breaking: r
                .breaking
                .map(|b| b.split_whitespace().collect::<Vec<_>>().join(" ")),
        })
    }
}

/// The build number: the fourth part, when the version has four.
pub fn build(v: &Version) -> Option<u32> {
    let numeric = v.0.original().split(['-', '+']).next().unwrap_or_default();
    (numeric.split('.').count() == 4).then(|| v.0.revision())
}

/// Version order: by build when both sides have one, else part by part.
pub fn order(a: &Version, b: &Version) -> Ordering {
    match (build(a), build(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        _ => a.0.cmp(&b.0),
    }
}

/// A product's releases, ordered by [`order`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalog {
    releases: Vec<Release>,
}

impl Catalog {
    pub const EMPTY: Catalog = Catalog {
        releases: Vec::new(),
    };

    /// Adds releases; one already listed (same version) is replaced, so an
    /// extra pack can correct a built-in entry.
    pub fn extend(&mut self, releases: Vec<Release>) {
        for r in releases {
            self.releases
                .retain(|old| order(&old.version, &r.version) != Ordering::Equal);
            self.releases.push(r);
        }
        self.releases.sort_by(|a, b| order(&a.version, &b.version));
    }

    pub fn releases(&self) -> &[Release] {
        &self.releases
    }

    /// The release a version names (by build where it has one).
    pub fn find(&self, v: &Version) -> Option<&Release> {
        self.releases
            .iter()
            .find(|r| order(&r.version, v) == Ordering::Equal)
    }

    /// How two versions of this product compare as releases, the order every
    /// rule judging versions uses; with a note for the message where the
    /// comparison had to assume something.
    pub fn compare(&self, a: &Version, b: &Version) -> (Ordering, Option<String>) {
        (order(a, b), None)
    }

    /// Breaking releases above `low` and at or below `high`.
    pub fn breaking_between(&self, low: &Version, high: &Version) -> Vec<&Release> {
        self.releases
            .iter()
            .filter(|r| r.breaking.is_some())
            .filter(|r| order(&r.version, low).is_gt() && order(&r.version, high).is_le())
            .collect()
    }
}

/// Versions and catalogs for the unit tests of the kinds that read the catalog.
#[cfg(test)]
pub mod test_data {
    use super::*;

    pub fn v(s: &str) -> Version {
        Version(s.parse().unwrap())
    }

    pub fn release(s: &str, breaking: Option<&str>) -> Release {
        Release {
            version: v(s),
            date: None,
            breaking: breaking.map(str::to_string),
        }
    }

    /// 9.3.1.33994, and 26.3.100.34058 marked breaking.
    pub fn catalog() -> Catalog {
        let mut c = Catalog::default();
        c.extend(vec![
            release("26.3.100.34058", Some("older clients cannot connect")),
            release("9.3.1.33994", None),
        ]);
        c
    }
}

#[cfg(test)]
mod tests {
    use super::test_data::{release, v};
    use super::*;

    #[test]
    fn builds_order_across_the_2026_scheme_change() {
        assert!(order(&v("9.3.1.33994"), &v("26.3.100.34058")).is_lt());
        // By build, not by parts: 26.3.101 is newer than 26.3.100 and older than 26.4.10.
        assert!(order(&v("26.3.101.34065"), &v("26.4.10.34111")).is_lt());
        assert!(order(&v("8.5.0.14896"), &v("9.0.0.30423")).is_lt());
        // A version without a build compares part by part.
        assert!(order(&v("9.3.1"), &v("26.3.100.34058")).is_lt());
        assert!(order(&v("9.2.1.32530"), &v("9.2.1")).is_gt());
        assert_eq!(build(&v("26.3.100.34058")), Some(34058));
        assert_eq!(build(&v("9.3.1")), None);
    }

    #[test]
    fn breaking_releases_between_two_versions() {
        let mut c = Catalog::default();
        c.extend(vec![
            release("26.6.100.34161", Some("PKCS#11")),
            release("9.3.1.33994", None),
            release("26.3.100.34058", Some("clients")),
        ]);
        assert_eq!(c.releases()[0].version.to_string(), "9.3.1.33994");
        let names =
            |rs: Vec<&Release>| rs.iter().map(|r| r.version.to_string()).collect::<Vec<_>>();
        assert_eq!(
            names(c.breaking_between(&v("9.3.1.33994"), &v("26.9.100.34193"))),
            ["26.3.100.34058", "26.6.100.34161"]
        );
        // Exclusive below, inclusive above.
        assert_eq!(
            names(c.breaking_between(&v("26.3.100.34058"), &v("26.6.100.34161"))),
            ["26.6.100.34161"]
        );
        assert!(c.find(&v("9.3.1.33994")).is_some());
        assert!(c.find(&v("9.3.2.33995")).is_none());
    }

    #[test]
    fn a_later_entry_replaces_one_of_the_same_version() {
        let mut c = Catalog::default();
        c.extend(vec![release("26.3.100.34058", None)]);
        c.extend(vec![release("26.3.100.34058", Some("clients"))]);
        assert_eq!(c.releases().len(), 1);
        assert_eq!(c.releases()[0].breaking.as_deref(), Some("clients"));
    }
}

//! The release catalog: every version of a product upgate knows, with its
//! release date (where known), and for a breaking release what it breaks and
//! the vendor's words for it. It is rule data (`[[release]]` in a pack file),
//! so a new release is an edit to `rules/`, not a new build.
//!
//! Password Secure numbered its releases `MAJOR.MINOR.PATCH` up to 9.3.1 and
//! `YY.M.VVV` from 26.3.100 (the vendor's "Versioning scheme" page); the
//! product itself shows a build number appended (`26.3.100.34058`), while the
//! release notes and announcements use only the short form. So a release is
//! its first three parts, and `26.3.100` and `26.3.100.34058` name the same
//! one. [`Catalog::compare`] is the order rules judge versions by:
//!
//! - a version the catalog knows (same three parts, and the same build where it
//!   has one) stands for its release, build included;
//! - then versions compare part by part, and by build only when both sides
//!   have one: a version the catalog does not know, written without a build,
//!   equals every build of the same three parts, and the note says so.
//!
//! That order is not total (`26.10.1` equals `26.10.1.1` and `26.10.1.2`,
//! which differ), so sorting uses [`Catalog::total_order`], which refines it.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use jiff::civil::Date;
use serde::Deserialize;
use toml::Spanned;

use crate::facts::Version;

/// What a breaking release breaks (`breaks` in a pack file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Breaks {
    /// Older clients cannot connect to the server (NPS003 reads these).
    Clients,
    /// The PKCS#11 (HSM) integration.
    Pkcs11,
    /// User rights and what they allow.
    UserRights,
}

impl Breaks {
    pub const ALL: [Breaks; 3] = [Breaks::Clients, Breaks::Pkcs11, Breaks::UserRights];

    pub fn name(self) -> &'static str {
        match self {
            Breaks::Clients => "clients",
            Breaks::Pkcs11 => "pkcs11",
            Breaks::UserRights => "user-rights",
        }
    }

    pub fn parse(raw: &str) -> Option<Breaks> {
        Breaks::ALL.into_iter().find(|b| b.name() == raw)
    }
}

impl fmt::Display for Breaks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

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
    /// What the release breaks ([`Breaks`]); required with `breaking`.
    #[serde(default)]
    pub breaks: Option<Spanned<Vec<Spanned<String>>>>,
}

/// A validated release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    pub version: Version,
    pub date: Option<Date>,
    pub breaking: Option<String>,
    /// Empty for a release that breaks nothing.
    pub breaks: Vec<Breaks>,
}

/// Why a `[[release]]` entry is refused, and where (a byte range of the pack
/// file; none for the entry as a whole).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseError {
    pub span: Option<Range<usize>>,
    pub message: String,
}

impl Release {
    pub fn from_file(r: ReleaseFile) -> Result<Release, ReleaseError> {
        let whole = |message: String| ReleaseError {
            span: None,
            message,
        };
        if r.breaking.as_deref().is_some_and(|b| b.trim().is_empty()) {
            return Err(whole(format!(
                "release {}: `breaking` is empty (leave it out for a release that breaks nothing)",
                r.version
            )));
        }
        let date = match &r.date {
            Some(raw) => Some(raw.parse::<Date>().map_err(|_| {
                whole(format!(
                    "release {}: invalid date '{raw}' (expected YYYY-MM-DD)",
                    r.version
                ))
            })?),
            None => None,
        };
        let known = Breaks::ALL.map(Breaks::name).join(", ");
        let mut breaks = Vec::new();
        let breaks_span = r.breaks.as_ref().map(Spanned::span);
        for value in r.breaks.map(Spanned::into_inner).unwrap_or_default() {
            let span = value.span();
            let raw = value.into_inner();
            let Some(b) = Breaks::parse(&raw) else {
                return Err(ReleaseError {
                    span: Some(span),
                    message: format!(
                        "release {}: unknown `breaks` value '{raw}' (known: {known})",
                        r.version
                    ),
                });
            };
            if !breaks.contains(&b) {
                breaks.push(b);
            }
        }
        match (&r.breaking, breaks.is_empty()) {
            (Some(_), true) => {
                return Err(ReleaseError {
                    span: breaks_span,
                    message: format!(
                        "release {}: `breaking` needs `breaks`, the list of what the release breaks (known: {known})",
                        r.version
                    ),
                });
            }
            (None, false) => {
                return Err(ReleaseError {
                    span: breaks_span,
                    message: format!(
                        "release {}: `breaks` needs `breaking`, the vendor's words for what breaks",
                        r.version
                    ),
                });
            }
            _ => {}
        }
        Ok(Release {
            version: r.version,
            date,
            breaking: r
                .breaking
                .map(|b| b.split_whitespace().collect::<Vec<_>>().join(" ")),
            breaks,
        })
    }

    /// Whether older clients cannot connect to a server at or above this release.
    pub fn breaks_clients(&self) -> bool {
        self.breaks.contains(&Breaks::Clients)
    }

    /// `26.3.100.34058 (breaks clients: "…")`, for messages.
    pub fn describe(&self) -> String {
        let breaks: Vec<&str> = self.breaks.iter().map(|b| b.name()).collect();
        format!(
            "{} (breaks {}: \"{}\")",
            self.version,
            breaks.join(", "),
            self.breaking.as_deref().unwrap_or_default()
        )
    }
}

/// The build number: the fourth part, when the version has four.
pub fn build(v: &Version) -> Option<u32> {
    let numeric = v.0.original().split(['-', '+']).next().unwrap_or_default();
    (numeric.split('.').count() == 4).then(|| v.0.revision())
}

/// The release a version names: its first three parts (`YY.M.VVV`, or
/// `MAJOR.MINOR.PATCH` before 2026).
pub fn parts(v: &Version) -> [u32; 3] {
    [v.0.major(), v.0.minor(), v.0.patch()]
}

/// Whether two versions are the same release: the same three parts, and the
/// same build where both have one.
pub fn same_release(a: &Version, b: &Version) -> bool {
    parts(a) == parts(b)
        && match (build(a), build(b)) {
            (Some(x), Some(y)) => x == y,
            _ => true,
        }
}

/// Part by part, then by build only when both have one. Not total: see the
/// module documentation.
fn by_parts(a: &Version, b: &Version) -> Ordering {
    parts(a)
        .cmp(&parts(b))
        .then_with(|| match (build(a), build(b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => Ordering::Equal,
        })
}

/// A total order refining [`by_parts`]: parts, then build, no build first.
fn total(a: &Version, b: &Version) -> Ordering {
    parts(a)
        .cmp(&parts(b))
        .then_with(|| build(a).cmp(&build(b)))
}

/// A product's releases, ordered by [`total`] (part by part, then build).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalog {
    releases: Vec<Release>,
}

impl Catalog {
    pub const EMPTY: Catalog = Catalog {
        releases: Vec::new(),
    };

    /// Adds releases; one already listed (the same release: same three parts)
    /// is replaced, so an extra pack can correct a built-in entry.
    pub fn extend(&mut self, releases: Vec<Release>) {
        let by_parts: BTreeMap<[u32; 3], Release> = std::mem::take(&mut self.releases)
            .into_iter()
            .chain(releases)
            .map(|r| (parts(&r.version), r))
            .collect();
        // One release per three parts, so parts order is [`total`] order.
        self.releases = by_parts.into_values().collect();
    }

    pub fn releases(&self) -> &[Release] {
        &self.releases
    }

    /// The release a version names: `26.3.100` and `26.3.100.34058` both name
    /// 26.3.100.34058; `26.3.100.4821` names none (the catalog's build differs).
    pub fn find(&self, v: &Version) -> Option<&Release> {
        self.releases.iter().find(|r| same_release(&r.version, v))
    }

    /// The version standing for `v`: its release's (with the build) where the
    /// catalog knows it, else `v` itself.
    fn canonical<'a>(&'a self, v: &'a Version) -> &'a Version {
        self.find(v).map_or(v, |r| &r.version)
    }

    /// How two versions of this product compare as releases, the order every
    /// rule judging versions uses (see the module documentation); with a note
    /// for the message where the comparison had to assume something: a
    /// version the catalog does not know. A product without a catalog (Secret
    /// Server, Privilege Manager) compares in NuGet order, with nothing to note.
    pub fn compare(&self, a: &Version, b: &Version) -> (Ordering, Option<String>) {
        if self.releases.is_empty() {
            return (a.0.cmp(&b.0), None);
        }
        let (ca, cb) = (self.canonical(a), self.canonical(b));
        let order = by_parts(ca, cb);
        let unknown: Vec<&Version> = [a, b]
            .into_iter()
            .filter(|v| self.find(v).is_none())
            .collect();
        if unknown.is_empty() {
            return (order, None);
        }
        let names: Vec<String> = unknown.iter().map(|v| v.to_string()).collect();
        let mut note = format!(
            "{} {} not in upgate's release catalog, so {a} and {b} were compared part by part",
            names.join(" and "),
            if names.len() == 1 { "is" } else { "are" }
        );
        match (build(ca), build(cb)) {
            (Some(_), Some(_)) | (None, None) => {}
            (Some(_), None) => {
                note.push_str(&format!(", the build of {ca} ignored because {b} has none"))
            }
            (None, Some(_)) => {
                note.push_str(&format!(", the build of {cb} ignored because {a} has none"))
            }
        }
        (order, Some(note))
    }

    /// A total order for sorting and grouping versions, consistent with
    /// [`Catalog::compare`] (where that says less or greater, so does this);
    /// versions naming the same catalog release are equal.
    pub fn total_order(&self, a: &Version, b: &Version) -> Ordering {
        total(self.canonical(a), self.canonical(b))
    }

    /// Breaking releases above `low` and at or below `high`, as
    /// [`Catalog::compare`] orders them.
    pub fn breaking_between(&self, low: &Version, high: &Version) -> Vec<&Release> {
        self.releases
            .iter()
            .filter(|r| !r.breaks.is_empty())
            .filter(|r| {
                self.compare(&r.version, low).0.is_gt() && self.compare(&r.version, high).0.is_le()
            })
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

    /// A release breaking `breaks`, in `words`.
    pub fn breaking(s: &str, breaks: &[Breaks], words: &str) -> Release {
        Release {
            version: v(s),
            date: None,
            breaking: Some(words.to_string()),
            breaks: breaks.to_vec(),
        }
    }

    /// A release that breaks nothing.
    pub fn plain(s: &str) -> Release {
        Release {
            version: v(s),
            date: None,
            breaking: None,
            breaks: Vec::new(),
        }
    }

    /// 9.3.1.33994, 26.3.100.34058 (breaks clients), 26.4.10.34111,
    /// 26.5.1.34120, 26.6.100.34161 (breaks pkcs11 and user-rights).
    pub fn catalog() -> Catalog {
        let mut c = Catalog::default();
        c.extend(vec![
            breaking(
                "26.3.100.34058",
                &[Breaks::Clients],
                "Older clients aren't able to connect.",
            ),
            plain("9.3.1.33994"),
            plain("26.4.10.34111"),
            plain("26.5.1.34120"),
            breaking(
                "26.6.100.34161",
                &[Breaks::Pkcs11, Breaks::UserRights],
                "breaking changes related both to the PKCS#11 integration and the handling of user rights and logbook entries",
            ),
        ]);
        c
    }
}

#[cfg(test)]
mod tests {
    use super::test_data::{breaking, catalog, plain, v};
    use super::*;

    fn cmp(c: &Catalog, a: &str, b: &str) -> (Ordering, Option<String>) {
        c.compare(&v(a), &v(b))
    }

    #[test]
    fn the_short_form_names_the_same_release_as_the_long_one() {
        let c = catalog();
        assert_eq!(
            cmp(&c, "26.3.100", "26.3.100.34058"),
            (Ordering::Equal, None)
        );
        assert_eq!(
            cmp(&c, "26.6.100.34161", "26.6.100"),
            (Ordering::Equal, None)
        );
        assert_eq!(cmp(&c, "9.3.1", "9.3.1.33994"), (Ordering::Equal, None));
        // Across the 2026 scheme change, and by release within it.
        assert_eq!(cmp(&c, "9.3.1.33994", "26.3.100"), (Ordering::Less, None));
        assert_eq!(cmp(&c, "26.5.1.34120", "26.6.100"), (Ordering::Less, None));
        assert_eq!(
            cmp(&c, "26.4.10", "26.3.100.34058"),
            (Ordering::Greater, None)
        );
        assert_eq!(
            c.find(&v("26.3.100")).map(|r| r.version.to_string()),
            Some("26.3.100.34058".into())
        );
        assert!(c.find(&v("26.3.100.4821")).is_none());
    }

    #[test]
    fn an_unknown_version_compares_by_parts_and_the_note_says_so() {
        let c = catalog();
        // No build on one side: the build is ignored, and the note says so.
        let (o, note) = cmp(&c, "26.10.1", "26.10.1.34250");
        assert_eq!(o, Ordering::Equal);
        assert_eq!(
            note.as_deref(),
            Some(
                "26.10.1 and 26.10.1.34250 are not in upgate's release catalog, so 26.10.1 and 26.10.1.34250 were compared part by part, the build of 26.10.1.34250 ignored because 26.10.1 has none"
            )
        );
        // A known version stands for its release, build included.
        let (o, note) = cmp(&c, "26.3.100", "26.3.100.4821");
        assert_eq!(o, Ordering::Greater);
        assert!(
            note.unwrap()
                .starts_with("26.3.100.4821 is not in upgate's release catalog")
        );
        let (o, note) = cmp(&c, "26.10.1", "26.6.100.34161");
        assert_eq!(o, Ordering::Greater);
        assert!(
            note.unwrap()
                .contains("the build of 26.6.100.34161 ignored because 26.10.1 has none")
        );
        // Both with builds: by parts, then build, no build ignored.
        let (o, note) = cmp(&c, "26.10.1.34250", "26.10.1.34251");
        assert_eq!(o, Ordering::Less);
        assert!(!note.unwrap().contains("ignored"));
        let (o, _) = cmp(&c, "8.5.0.14896", "9.3.1.33994");
        assert_eq!(o, Ordering::Less);
        assert_eq!(build(&v("26.3.100.34058")), Some(34058));
        assert_eq!(build(&v("9.3.1")), None);
    }

    /// Versions of every kind the order must handle: known with and without a
    /// build, unknown with and without one, a known release's parts with
    /// another build, both schemes, a two-part version.
    const SAMPLE: &[&str] = &[
        "8.5.0.14896",
        "9.3",
        "9.3.0.33526",
        "9.3.1",
        "9.3.1.33994",
        "9.3.1.33995",
        "9.3.2",
        "26.3.100",
        "26.3.100.34058",
        "26.3.100.4821",
        "26.3.100.99999",
        "26.4.10",
        "26.4.10.34111",
        "26.5.1.34120",
        "26.6.100",
        "26.6.100.34161",
        "26.10.1",
        "26.10.1.34250",
        "26.10.1.34251",
        "27.1.1.1",
    ];

    /// A small deterministic generator (xorshift), so the property tests need
    /// no dependency and fail the same way every run.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn pick(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[test]
    fn the_sorting_order_is_total_and_consistent_with_compare() {
        let c = catalog();
        let vs: Vec<Version> = SAMPLE.iter().map(|s| v(s)).collect();
        for a in &vs {
            assert_eq!(c.total_order(a, a), Ordering::Equal, "{a}");
            assert_eq!(c.compare(a, a).0, Ordering::Equal, "{a}");
            for b in &vs {
                let t = c.total_order(a, b);
                // Antisymmetric, for both orders.
                assert_eq!(t, c.total_order(b, a).reverse(), "{a} {b}");
                let (o, _) = c.compare(a, b);
                assert_eq!(o, c.compare(b, a).0.reverse(), "{a} {b}");
                // Consistent: where compare decides, the total order agrees.
                if o.is_ne() {
                    assert_eq!(t, o, "{a} {b}");
                }
                for x in &vs {
                    // Transitive (equality included).
                    let u = c.total_order(b, x);
                    if t.is_le() && u.is_le() {
                        assert!(c.total_order(a, x).is_le(), "{a} <= {b} <= {x}");
                    }
                    if t.is_eq() && u.is_eq() {
                        assert!(c.total_order(a, x).is_eq(), "{a} = {b} = {x}");
                    }
                    // compare's strict order is transitive too.
                    if o.is_lt() && c.compare(b, x).0.is_lt() {
                        assert!(c.compare(a, x).0.is_lt(), "{a} < {b} < {x}");
                    }
                }
            }
        }
    }

    #[test]
    fn sorting_random_lists_gives_one_order_that_compare_accepts() {
        let c = catalog();
        let mut rng = Rng(0x5eed_f48d_51b1);
        let mut reference: Option<Vec<String>> = None;
        for _ in 0..200 {
            let len = 1 + rng.pick(3 * SAMPLE.len());
            let mut list: Vec<Version> = (0..len)
                .map(|_| v(SAMPLE[rng.pick(SAMPLE.len())]))
                .collect();
            list.sort_by(|a, b| c.total_order(a, b));
            for (i, a) in list.iter().enumerate() {
                for b in &list[i + 1..] {
                    assert_ne!(c.compare(a, b).0, Ordering::Greater, "{a} before {b}");
                }
            }
            // Every permutation of the whole sample sorts into the same groups.
            let mut all: Vec<Version> = SAMPLE.iter().map(|s| v(s)).collect();
            for i in (1..all.len()).rev() {
                all.swap(i, rng.pick(i + 1));
            }
            all.sort_by(|a, b| c.total_order(a, b));
            let keys: Vec<String> = all
                .iter()
                .map(|x| c.find(x).map_or(x, |r| &r.version).to_string())
                .collect();
            match &reference {
                Some(r) => assert_eq!(r, &keys),
                None => reference = Some(keys),
            }
        }
    }

    /// A version of one to four parts drawn from few values, so that random
    /// triples often share parts, builds and releases.
    fn random_version(rng: &mut Rng) -> Version {
        const PARTS: [u32; 6] = [0, 1, 3, 9, 26, 100];
        const BUILDS: [u32; 4] = [0, 4821, 34058, 309920];
        let n = 1 + rng.pick(4);
        let mut text: Vec<String> = (0..n.min(3))
            .map(|_| PARTS[rng.pick(PARTS.len())].to_string())
            .collect();
        if n == 4 {
            text.push(BUILDS[rng.pick(BUILDS.len())].to_string());
        }
        v(&text.join("."))
    }

    #[test]
    fn the_order_is_total_over_random_triples_and_random_catalogs() {
        let mut rng = Rng(0x0dd_ba11_cafe);
        for _ in 0..200 {
            // The built-in sample catalog, plus releases a --rules pack might add.
            let mut c = catalog();
            c.extend(
                (0..rng.pick(6))
                    .map(|_| Release {
                        version: random_version(&mut rng),
                        date: None,
                        breaking: None,
                        breaks: Vec::new(),
                    })
                    .collect(),
            );
            for pair in c.releases().windows(2) {
                assert!(c.total_order(&pair[0].version, &pair[1].version).is_lt());
            }
            for _ in 0..100 {
                let [a, b, x] = [(); 3].map(|_| random_version(&mut rng));
                let (ab, bx, ax) = (
                    c.total_order(&a, &b),
                    c.total_order(&b, &x),
                    c.total_order(&a, &x),
                );
                assert_eq!(ab, c.total_order(&b, &a).reverse(), "{a} {b}");
                if ab.is_le() && bx.is_le() {
                    assert!(ax.is_le(), "{a} <= {b} <= {x} but {a} > {x}");
                }
                if ab.is_eq() {
                    assert_eq!(ax, bx, "{a} = {b}, yet they differ against {x}");
                }
                // Equal exactly when both stand for the same release and build.
                let key = |y: &Version| {
                    let y = c.find(y).map_or(y, |r| &r.version);
                    (parts(y), build(y))
                };
                assert_eq!(ab.is_eq(), key(&a) == key(&b), "{a} {b}");
                let (o, _) = c.compare(&a, &b);
                if o.is_ne() {
                    assert_eq!(ab, o, "{a} {b}: compare and the total order disagree");
                }
            }
        }
    }

    #[test]
    fn breaking_releases_between_two_versions() {
        let c = catalog();
        assert_eq!(c.releases()[0].version.to_string(), "9.3.1.33994");
        let names =
            |rs: Vec<&Release>| rs.iter().map(|r| r.version.to_string()).collect::<Vec<_>>();
        assert_eq!(
            names(c.breaking_between(&v("9.3.1.33994"), &v("26.9.100.34193"))),
            ["26.3.100.34058", "26.6.100.34161"]
        );
        // Exclusive below, inclusive above, in either form.
        assert_eq!(
            names(c.breaking_between(&v("26.3.100.34058"), &v("26.6.100.34161"))),
            ["26.6.100.34161"]
        );
        assert_eq!(
            names(c.breaking_between(&v("9.3.1.33994"), &v("26.3.100"))),
            ["26.3.100.34058"]
        );
        assert!(c.breaking_between(&v("26.3.100"), &v("26.5.1")).is_empty());
        assert!(c.find(&v("9.3.1.33994")).is_some());
        assert!(c.find(&v("9.3.2.33995")).is_none());
        assert!(c.releases()[1].breaks_clients());
        assert!(!c.releases()[4].breaks_clients());
    }

    #[test]
    fn a_later_entry_replaces_one_of_the_same_release() {
        let mut c = Catalog::default();
        c.extend(vec![plain("26.3.100.34058")]);
        c.extend(vec![breaking("26.3.100", &[Breaks::Clients], "clients")]);
        assert_eq!(c.releases().len(), 1);
        assert_eq!(c.releases()[0].breaking.as_deref(), Some("clients"));
    }
}

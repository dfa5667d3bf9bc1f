//! NuGet versions, one per line: parsing never panics, the normalized form
//! parses back to an equal version, and `Ord` is a total order consistent with
//! `==` (checked on every pair and triple, then by sorting).

use std::cmp::Ordering;
use upgate::nuget::NuGetVersion;

pub fn run(data: &[u8]) {
    let text = crate::support::text(data);
    let mut versions = Vec::new();
    for line in crate::support::lines(&text, 12) {
        let _ = NuGetVersion::parse_strict(line);
        let Ok(v) = NuGetVersion::parse(line) else {
            continue;
        };
        let normalized = v.to_normalized_string();
        let again = NuGetVersion::parse(&normalized)
            .unwrap_or_else(|e| panic!("{normalized:?} (from {line:?}) does not parse: {e}"));
        assert_eq!(again.cmp(&v), Ordering::Equal, "{line:?} vs {normalized:?}");
        let _ = (v.to_full_string(), v.format("N F V R M x.y.z.r"));
        versions.push(v);
    }
    total_order(&versions, |a, b| a.cmp(b), |a, b| a == b);
    versions.sort();
}

/// Antisymmetry, transitivity and agreement with equality over all triples.
pub fn total_order<T: std::fmt::Debug>(
    items: &[T],
    cmp: impl Fn(&T, &T) -> Ordering,
    eq: impl Fn(&T, &T) -> bool,
) {
    for a in items {
        assert_eq!(cmp(a, a), Ordering::Equal, "{a:?} is not equal to itself");
        for b in items {
            let ab = cmp(a, b);
            assert_eq!(ab, cmp(b, a).reverse(), "{a:?} / {b:?} not antisymmetric");
            assert_eq!(
                eq(a, b),
                ab == Ordering::Equal,
                "{a:?} / {b:?}: == disagrees"
            );
            for c in items {
                let bc = cmp(b, c);
                if ab == bc && ab != Ordering::Equal {
                    assert_eq!(cmp(a, c), ab, "{a:?} {b:?} {c:?} not transitive");
                }
                if ab == Ordering::Equal {
                    assert_eq!(cmp(a, c), bc, "{a:?} = {b:?} but they differ against {c:?}");
                }
            }
        }
    }
}

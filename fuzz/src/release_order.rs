//! Password Secure's release order (`Catalog::total_order`, `compare`) and the
//! judges that sort and compare versions (NPS003, NPS010). One version per
//! line; a line `release <version> [clients|pkcs11|user-rights]` adds a
//! release to the built-in catalog, as a `--rules` pack would.

use std::cmp::Ordering;
use upgate::facts::Version;
use upgate::model::{Phase, Product};
use upgate::rules::catalog::{Breaks, Release};
use upgate::rules::checks::{changelog_review, client_compatibility};

pub fn run(data: &[u8]) {
    let text = crate::support::text(data);
    let mut catalog = crate::support::builtin().catalog(Product::Nps).clone();
    let mut added = Vec::new();
    let mut versions = Vec::new();
    for line in crate::support::lines(&text, 12) {
        let (raw, release) = match line.strip_prefix("release ") {
            Some(rest) => (rest.split(' ').next().unwrap_or(""), Some(rest)),
            None => (line, None),
        };
        let Ok(v) = raw.parse() else { continue };
        let v = Version(v);
        if let Some(rest) = release {
            let breaks: Vec<Breaks> = rest.split(' ').skip(1).filter_map(Breaks::parse).collect();
            added.push(Release {
                version: v.clone(),
                date: None,
                breaking: (!breaks.is_empty()).then(|| "fuzzed".to_string()),
                breaks,
            });
        }
        versions.push(v);
    }
    catalog.extend(added);
    let releases = catalog.releases();
    for pair in releases.windows(2) {
        assert_ne!(
            catalog.total_order(&pair[0].version, &pair[1].version),
            Ordering::Greater,
            "the catalog is out of order: {} before {}",
            pair[0].version,
            pair[1].version
        );
    }
    crate::nuget_version::total_order(
        &versions,
        |a, b| catalog.total_order(a, b),
        |a, b| catalog.total_order(a, b) == Ordering::Equal,
    );
    for a in &versions {
        for b in &versions {
            let (order, _) = catalog.compare(a, b);
            if order != Ordering::Equal {
                assert_eq!(
                    catalog.total_order(a, b),
                    order,
                    "{a} / {b}: orders disagree"
                );
            }
            let _ = catalog.breaking_between(a, b);
        }
    }
    let mut sorted = versions.clone();
    sorted.sort_by(|a, b| catalog.total_order(a, b));
    let Some((server, clients)) = versions.split_first() else {
        return;
    };
    for phase in [Phase::Pre, Phase::Post] {
        let _ = client_compatibility::judge(
            phase,
            Ok((server, "password_secure.server_version")),
            clients.first(),
            Some(clients),
            &catalog,
        );
    }
    let _ = changelog_review::judge(Some(server), clients.first(), &catalog);
}

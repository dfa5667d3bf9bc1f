//! Server paths (`ServerPath::parse`, `%VAR%` expansion): line 1 and 2 are
//! paths, the other lines `NAME=value` overrides of the environment. The
//! relations must be what their names say: `same_as` is symmetric and
//! reflexive, a path starts with itself and with its parent.

use std::collections::BTreeMap;
use upgate::path::{Env, ServerPath, fold};

pub fn run(data: &[u8]) {
    let text = crate::support::text(data);
    let mut lines = text.lines();
    let (a, b) = (lines.next().unwrap_or(""), lines.next().unwrap_or(""));
    let overrides: BTreeMap<String, String> = lines
        .take(16)
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let drive = overrides
        .get("drive")
        .and_then(|d| d.chars().next())
        .filter(char::is_ascii_alphabetic)
        .unwrap_or('C');
    let env = Env::new(drive, &overrides);
    let _ = env.expand(a);
    let _ = fold(a);
    let (Ok(pa), pb) = (ServerPath::parse(a, &env), ServerPath::parse(b, &env)) else {
        return;
    };
    assert!(pa.same_as(&pa), "{pa:?} is not the same as itself");
    assert!(pa.starts_with(&pa), "{pa:?} does not start with itself");
    let parent = pa.parent();
    assert!(
        pa.starts_with(&parent),
        "{pa:?} does not start with {parent:?}"
    );
    let _ = (
        pa.file_name(),
        pa.is_windows(),
        pa.segments(),
        pa.to_string(),
    );
    if let Some(name) = pa.file_name() {
        assert!(
            parent.join(name).same_as(&pa),
            "{pa:?} is not its parent joined with {name:?}"
        );
    }
    if let Ok(pb) = pb {
        assert_eq!(pa.same_as(&pb), pb.same_as(&pa), "{pa:?} / {pb:?}");
        if pa.same_as(&pb) {
            assert!(
                pa.starts_with(&pb) && pb.starts_with(&pa),
                "{pa:?} / {pb:?}"
            );
        }
    }
}

//! `glob::matches`: line 1 is the pattern, the rest the text. A pattern
//! matches itself when it has no special characters, and `*` matches anything.

use upgate::glob::{Syntax, matches};

pub fn run(data: &[u8]) {
    let text = crate::support::text(data);
    let (pattern, subject) = text.split_once('\n').unwrap_or((&text, ""));
    for syntax in [Syntax::Plain, Syntax::Fnmatch] {
        for fold in [false, true] {
            let _ = matches(pattern, subject, syntax, fold);
            assert!(matches("*", subject, syntax, fold));
        }
    }
    if !pattern.contains(['*', '?', '[', '\\']) {
        assert!(
            matches(pattern, pattern, Syntax::Fnmatch, false),
            "{pattern:?}"
        );
        assert!(
            matches(pattern, pattern, Syntax::Plain, true),
            "{pattern:?}"
        );
    }
}

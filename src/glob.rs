//! The one wildcard matcher: `*` any run of characters, `?` one character,
//! and, in the fnmatch syntax Apache's includes use, `[...]` classes and `\`
//! escapes. Waiver subjects use the plain syntax, so a Windows path's `\`
//! stays a literal backslash there. Pure; matching backtracks only to the
//! last `*`, so it is linear in practice and never recurses.

/// Which characters are special besides `*` and `?`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// `*` and `?` only; everything else is literal.
    Plain,
    /// fnmatch: also `[...]` (`!` or `^` negates, `a-z` ranges) and `\` escapes.
    Fnmatch,
}

/// Whether `text` matches `pattern` as a whole; `fold` ignores case.
pub fn matches(pattern: &str, text: &str, syntax: Syntax, fold: bool) -> bool {
    let chars = |s: &str| -> Vec<char> {
        if fold {
            s.to_lowercase().chars().collect()
        } else {
            s.chars().collect()
        }
    };
    glob(&chars(pattern), &chars(text), syntax == Syntax::Fnmatch)
}

fn glob(p: &[char], n: &[char], fnmatch: bool) -> bool {
    let (mut pi, mut ni) = (0, 0);
    let mut star = None;
    while let Some(&c) = n.get(ni) {
        let step = match p.get(pi) {
            Some('*') => {
                star = Some((pi + 1, ni));
                pi += 1;
                continue;
            }
            Some('?') => Some(1),
            Some('[') if fnmatch => match class(p.get(pi + 1..).unwrap_or_default(), c) {
                Some((hit, len)) => hit.then_some(len + 1),
                None => (c == '[').then_some(1),
            },
            Some('\\') if fnmatch && pi + 1 < p.len() => (p.get(pi + 1) == Some(&c)).then_some(2),
            Some(&l) => (l == c).then_some(1),
            None => None,
        };
        match (step, star) {
            (Some(len), _) => {
                pi += len;
                ni += 1;
            }
            (None, Some((sp, sn))) => {
                pi = sp;
                ni = sn + 1;
                star = Some((sp, sn + 1));
            }
            (None, None) => return false,
        }
    }
    p.get(pi..).unwrap_or_default().iter().all(|&c| c == '*')
}

/// Matches `c` against a bracket class whose text (after `[`) starts `p`: whether it
/// matched and how many chars the class took, or None when `]` is missing.
fn class(p: &[char], c: char) -> Option<(bool, usize)> {
    let negated = matches!(p.first(), Some('!' | '^'));
    let mut i = usize::from(negated);
    let mut hit = false;
    loop {
        let &lo = p.get(i)?;
        // A `]` right after `[` or `[!` is a literal member.
        if lo == ']' && i > usize::from(negated) {
            return Some((hit != negated, i + 1));
        }
        match (p.get(i + 1), p.get(i + 2)) {
            (Some('-'), Some(&hi)) if hi != ']' => {
                hit |= (lo..=hi).contains(&c);
                i += 3;
            }
            _ => {
                hit |= lo == c;
                i += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_keeps_backslashes_and_brackets_literal() {
        let plain = |p, t| matches(p, t, Syntax::Plain, true);
        assert!(plain(r"C:\NugetCache\*", r"c:\nugetcache\a.nupkg"));
        assert!(plain("a?c", "abc") && !plain("a?c", "ac"));
        assert!(plain("[x]", "[X]") && !plain("[x]", "x"));
        assert!(plain("*", "") && plain("**a", "a") && !plain("", "a"));
    }

    #[test]
    fn fnmatch_classes_escapes_and_case() {
        let fnm = |p, t| matches(p, t, Syntax::Fnmatch, false);
        assert!(fnm("0?-*.c[a-o]nf", "00-proxy.conf"));
        assert!(fnm("[!a]*", "b") && !fnm("[!a]*", "a"));
        assert!(fnm("[]x]", "]") && fnm("a[b", "a[b"));
        assert!(fnm("\\*", "*") && !fnm("\\*", "a"));
        assert!(!fnm("*.CONF", "a.conf") && matches("*.CONF", "a.conf", Syntax::Fnmatch, true));
        assert!(fnm("*a*b*c", "xxaxxbxxbc") && !fnm("*a*b", "ab_"));
    }
}

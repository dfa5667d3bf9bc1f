//! Parsing of `icacls <folder> /T` output: the access control entries of a folder and of
//! everything under it, as captured on the server (`icacls C:\ProgramData\NugetCache /T >
//! acl.txt`), into typed entries with their line numbers.
//!
//! The output looks like this (the ACEs of an entry are aligned under its first ACE):
//!
//! ```text
//! C:\ProgramData\NugetCache NT AUTHORITY\SYSTEM:(I)(OI)(CI)(F)
//!                           BUILTIN\Users:(I)(OI)(CI)(RX)
//! C:\ProgramData\NugetCache\ThycoticTms.11.0.1040.nupkg NT AUTHORITY\SYSTEM:(I)(F)
//!
//! Successfully processed 2 files; Failed processing 0 files
//! ```
//!
//! Principal names and status lines are localized (`NT-AUTORITÄT\SYSTEM`, `AUTORITE
//! NT\Système`, `Es wurden 2 Dateien erfolgreich verarbeitet; …`) while the flags in
//! parentheses are not, so the parser goes by layout and flags and never by names or
//! messages: an entry is a line starting with a path (`X:\` or `\\`), an ACE is
//! `PRINCIPAL:` followed by one or more `(…)` groups, other lines at column 0 (status lines
//! in any language) are skipped, and indented lines that are not ACEs are reported as
//! [`Problem`]s. A line naming a path followed by `:` but no flags is an entry icacls
//! could not read (`C:\…\x.nupkg: Access is denied.`), kept with its message.
//!
//! Which space separates the path from the principal on an entry's first line is not
//! always certain, since both may contain spaces: the indentation of the ACE lines below
//! settles it when there are any, and a heuristic otherwise. A wrong guess changes only
//! the path (and principal) shown, never an ACE's flags.
//!
//! Captures come from servers we do not control: nothing here does I/O or panics, and the
//! work is linear in the size of the input, however long its lines.

use std::collections::HashSet;

use crate::text;

/// A parsed capture: its entries in file order, and the lines that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capture {
    /// What the capture was decoded from (`Cp850` for cmd's `>`, `Utf16Le` for
    /// PowerShell's).
    pub encoding: text::Encoding,
    pub entries: Vec<Entry>,
    pub problems: Vec<Problem>,
}

/// One file or folder and its ACEs, in icacls' order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub path: String,
    /// 1-based line of the path in the decoded text.
    pub line: u32,
    /// Empty when icacls listed the path alone (an empty DACL) or could not read it.
    pub aces: Vec<Ace>,
    /// icacls' message (localized) when it could not read the entry.
    pub error: Option<String>,
}

/// One access control entry: `PRINCIPAL:(FLAG)(FLAG)…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ace {
    /// As icacls printed it: a localized account name or a SID.
    pub principal: String,
    /// The text inside each parenthesised group, in order: `"I"`, `"OI"`, `"F"`,
    /// `"WD,AD,WEA,WA"`.
    pub flags: Vec<String>,
    /// 1-based line of the ACE in the decoded text.
    pub line: u32,
}

/// Groups that say how an ACE applies rather than what it grants.
const NOT_RIGHTS: [&str; 6] = ["I", "OI", "CI", "IO", "NP", "DENY"];

impl Ace {
    /// Whether the ACE was inherited from a parent folder (`(I)`).
    pub fn inherited(&self) -> bool {
        self.has_flag("I")
    }

    /// Whether the ACE denies rather than allows (`(DENY)`).
    pub fn deny(&self) -> bool {
        self.has_flag("DENY")
    }

    /// The rights granted or denied, one abbreviation each: `["F"]`, `["RX"]`,
    /// `["WD", "AD", "WEA", "WA"]`.
    pub fn rights(&self) -> Vec<&str> {
        self.flags
            .iter()
            .filter(|flag| !NOT_RIGHTS.contains(&flag.as_str()))
            .flat_map(|flag| flag.split(','))
            .collect()
    }

    fn has_flag(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f == flag)
    }
}

/// A line that could not be read, with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line in the decoded text.
    pub line: u32,
    pub message: String,
}

/// Parses a capture of `icacls <folder> /T`, decoded with [`text::decode_capture`].
///
/// Only undecodable bytes are an error; anything else that decodes gives a capture,
/// with whatever could not be read in its problems.
pub fn parse(bytes: &[u8]) -> Result<Capture, text::DecodeError> {
    let decoded = text::decode_capture(bytes)?;
    let mut reader = Reader::default();
    for (index, line) in lines(&decoded.text).enumerate() {
        let number = u32::try_from(index.saturating_add(1)).unwrap_or(u32::MAX);
        reader.line(number, line);
    }
    let mut problems = reader.problems;
    let entries = Resolver::resolve(reader.entries, reader.known, &mut problems);
    // The second pass reports first lines after the first pass reported the rest.
    problems.sort_by_key(|p| p.line);
    Ok(Capture {
        encoding: decoded.encoding,
        entries,
        problems,
    })
}

/// The lines of `text`, split where [`text::LineIndex`] splits them (LF, CRLF, lone CR)
/// so line numbers agree with the rest of the project, without their line breaks.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let s = rest?;
        match s.find(['\r', '\n']) {
            Some(end) => {
                let after = s.get(end..).unwrap_or_default();
                let break_len = if after.starts_with("\r\n") { 2 } else { 1 };
                rest = s.get(end + break_len..);
                s.get(..end)
            }
            None => {
                rest = None;
                Some(s)
            }
        }
    })
}

/// Spaces and tabs; not other Unicode spaces, which a file name may hold (the no-break
/// space is even a byte of code page 850).
fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// Characters no Windows path or account name contains: a line whose would-be path holds
/// one is something else, such as a console prompt (`C:\Users\admin>icacls …`) pasted
/// along with the output. `?` is missing on purpose: it stands for every character the
/// console code page lacks.
const NOT_IN_PATHS: [char; 5] = ['<', '>', '|', '"', '*'];

/// Length of the `X:\` or `\\` a path line starts with, if it does.
fn path_prefix_len(line: &str) -> Option<usize> {
    match line.as_bytes() {
        [drive, b':', b'\\', ..] if drive.is_ascii_alphabetic() => Some(3),
        [b'\\', b'\\', ..] => Some(2),
        _ => None,
    }
}

/// Byte offset of the first `:` after a drive's that does not open the flags of an ACE:
/// the colon of `C:\…\x.nupkg: Access is denied.` (and of `C:\x : Accès refusé.`).
fn error_colon(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    // Bytes 0 and 1 are `X:` or `\\`; `:` is ASCII, so its offset is a char boundary.
    (2..bytes.len()).find(|&i| bytes.get(i) == Some(&b':') && bytes.get(i + 1) != Some(&b'('))
}

/// Whether a line at column 0 starts an entry.
fn is_path_line(line: &str) -> bool {
    path_prefix_len(line).is_some() && {
        // Up to the first colon past the drive's is the path (and principal, which
        // cannot hold these characters either).
        let end = line
            .bytes()
            .enumerate()
            .skip(2)
            .find(|&(_, b)| b == b':')
            .map_or(line.len(), |(i, _)| i);
        !line.get(..end).unwrap_or_default().contains(NOT_IN_PATHS)
    }
}

/// The flags at the end of an ACE line: where the `:` before them is, and their texts.
struct Tail {
    colon: usize,
    flags: Vec<String>,
}

/// Finds `:(…)(…)…` at the end of `line` (blanks trimmed by the caller).
///
/// Scanning from the right finds the flags without trying every split of the line, and
/// looks at each character once. A group holds letters, digits and commas, which is all
/// icacls prints (`F`, `OI`, `DENY`, `WD,AD,WEA,WA`); that keeps a localized message
/// ending in a parenthesis from passing for flags.
fn ace_tail(line: &str) -> Option<Tail> {
    let mut end = line.len();
    let mut flags = Vec::new();
    // `(`, `)` and `:` are ASCII, so every offset used here is a char boundary.
    while end > 0 && line.as_bytes().get(end - 1) == Some(&b')') {
        let close = end - 1;
        let open = line.get(..close)?.rfind(['(', ')'])?;
        let inner = line.get(open + 1..close)?;
        if line.as_bytes().get(open) != Some(&b'(')
            || inner.is_empty()
            || !inner.chars().all(|c| c.is_ascii_alphanumeric() || c == ',')
        {
            return None;
        }
        flags.push(inner.to_owned());
        end = open;
    }
    let colon = end.checked_sub(1)?;
    if flags.is_empty() || line.as_bytes().get(colon) != Some(&b':') {
        return None;
    }
    flags.reverse();
    Some(Tail { colon, flags })
}

/// An indented line as an ACE: its principal and flags, if it is one.
fn parse_ace(content: &str) -> Option<(&str, Vec<String>)> {
    let tail = ace_tail(content)?;
    let principal = content.get(..tail.colon)?.trim_matches(is_blank);
    // Account names cannot hold a colon; one here means the line is something else.
    if principal.is_empty() || principal.contains(':') {
        return None;
    }
    Some((principal, tail.flags))
}

/// The flags on an entry's first line (`first`, starting with a path), if it has any.
fn first_line_tail(first: &str) -> Option<Tail> {
    let tail = ace_tail(first)?;
    // Neither a path (past its drive) nor an account name holds a colon, so one before
    // the flags means this is no ACE but, say, a message ending in parentheses.
    if first.get(2..tail.colon)?.contains(':') {
        return None;
    }
    Some(tail)
}

/// Up to 60 characters of a line, for a problem's message.
fn excerpt(line: &str) -> String {
    let mut chars = line.chars();
    let head: String = chars.by_ref().take(60).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

/// An entry as read: its first line, and the ACE lines below it.
struct RawEntry<'a> {
    line: u32,
    /// The first line, blanks trimmed at the end.
    text: &'a str,
    /// Indentation, in characters, of its first ACE line.
    indent: Option<usize>,
    aces: Vec<Ace>,
}

/// First pass: sorts lines into entries, ACE lines (which are unambiguous) and
/// problems. Entries' first lines are read in the second pass ([`Resolver`]), which
/// needs the indentation of the ACE lines below them and the principals of all of them.
#[derive(Default)]
struct Reader<'a> {
    entries: Vec<RawEntry<'a>>,
    /// Whether ACE lines belong to the last entry: not after a status line.
    open: bool,
    problems: Vec<Problem>,
    /// The principals of ACE lines.
    known: HashSet<&'a str>,
}

impl<'a> Reader<'a> {
    fn line(&mut self, number: u32, line: &'a str) {
        let content = line.trim_matches(is_blank);
        if content.is_empty() {
            return;
        }
        if !line.starts_with(is_blank) {
            // A new entry, or a status line (in whatever language) that ends the last.
            self.open = is_path_line(line);
            if self.open {
                self.entries.push(RawEntry {
                    line: number,
                    text: line.trim_end_matches(is_blank),
                    indent: None,
                    aces: Vec::new(),
                });
            }
            return;
        }
        let open = self.open;
        let message = match (parse_ace(content), self.entries.last_mut().filter(|_| open)) {
            (Some((principal, flags)), Some(entry)) => {
                entry
                    .indent
                    .get_or_insert_with(|| line.chars().take_while(|&c| is_blank(c)).count());
                entry.aces.push(Ace {
                    principal: principal.to_owned(),
                    flags,
                    line: number,
                });
                self.known.insert(principal);
                return;
            }
            (Some(_), None) => format!("ACE without a path line before it: {}", excerpt(content)),
            (None, _) => format!(
                "indented line is not an ACE (PRINCIPAL:(FLAGS)): {}",
                excerpt(content)
            ),
        };
        self.problems.push(Problem {
            line: number,
            message,
        });
    }
}

/// Principals longer than this are not looked up among the known ones, which bounds the
/// work per line; real ones (`DOMAIN\name`) are far shorter.
const MAX_KNOWN_PRINCIPAL_LEN: usize = 512;

/// Second pass: reads the first line of each entry, in order.
///
/// That line is `PATH PRINCIPAL:(FLAGS)…`. The flags are found from the right
/// ([`ace_tail`]), so they are certain; but both the path and the principal may contain
/// spaces (`C:\My Files\a b.txt NT AUTHORITY\Authenticated Users`), so which space
/// separates them is decided:
///
/// 1. By the ACE lines below, when there are any: icacls indents them to start under
///    the first ACE, so their indentation is the path's width plus one
///    ([`split_by_width`]). This is exact.
/// 2. Otherwise by a heuristic ([`Resolver::guess_split`]) that can pick a wrong space in
///    rare cases. It decides only which text is shown as the path and which as the
///    principal; the flags, which are what findings rest on, are the same either way.
struct Resolver<'a> {
    /// Paths of the entries so far: icacls /T lists a folder before what is in it.
    listed: HashSet<&'a str>,
    /// Principals known to be whole: from ACE lines, and from first lines split by rule 1.
    known: HashSet<&'a str>,
    /// Length of the longest known principal, up to [`MAX_KNOWN_PRINCIPAL_LEN`].
    longest_known: usize,
}

impl<'a> Resolver<'a> {
    fn resolve(
        raw: Vec<RawEntry<'a>>,
        known: HashSet<&'a str>,
        problems: &mut Vec<Problem>,
    ) -> Vec<Entry> {
        let mut resolver = Resolver {
            listed: HashSet::new(),
            known,
            longest_known: 0,
        };
        // Rule 1 needs nothing but the entry itself, and the principals it splits off are
        // certain, so it runs first for all entries and they join the known principals.
        let mut firsts = Vec::with_capacity(raw.len());
        for entry in &raw {
            let first = first_line_tail(entry.text).map(|tail| {
                let blank = split_by_width(entry.text, tail.colon, entry.indent);
                if let Some(principal) = blank.and_then(|b| entry.text.get(b..tail.colon)) {
                    resolver.known.insert(principal.trim_matches(is_blank));
                }
                (tail, blank)
            });
            firsts.push(first);
        }
        resolver.longest_known = resolver
            .known
            .iter()
            .map(|p| p.len())
            .max()
            .unwrap_or(0)
            .min(MAX_KNOWN_PRINCIPAL_LEN);
        raw.into_iter()
            .zip(firsts)
            .map(|(entry, first)| resolver.entry(entry, first, problems))
            .collect()
    }

    /// The entry `raw` is, given the flags on its first line and where rule 1 splits it.
    fn entry(
        &mut self,
        raw: RawEntry<'a>,
        first: Option<(Tail, Option<usize>)>,
        problems: &mut Vec<Problem>,
    ) -> Entry {
        let text = raw.text;
        let first_ace = first.and_then(|(tail, blank)| {
            let blank = blank.or_else(|| self.guess_split(text, tail.colon))?;
            let path = text.get(..blank)?.trim_end_matches(is_blank);
            let principal = text.get(blank..tail.colon)?.trim_matches(is_blank);
            let ace = Ace {
                principal: principal.to_owned(),
                flags: tail.flags,
                line: raw.line,
            };
            Some((path, ace))
        });
        let mut aces = Vec::with_capacity(raw.aces.len() + 1);
        let (path, error) = if let Some((path, ace)) = first_ace {
            aces.push(ace);
            (path, None)
        } else if let Some(colon) = error_colon(text) {
            let path = text.get(..colon).unwrap_or(text).trim_end_matches(is_blank);
            let message = text.get(colon + 1..).unwrap_or_default();
            (path, Some(message.trim_matches(is_blank).to_owned()))
        } else {
            if text.contains(":(") {
                problems.push(Problem {
                    line: raw.line,
                    message: format!(
                        "no PRINCIPAL:(FLAGS) could be read after the path; \
                         the whole line is taken as the path: {}",
                        excerpt(text)
                    ),
                });
            }
            (text, None)
        };
        aces.extend(raw.aces);
        self.listed.insert(path);
        Entry {
            path: path.to_owned(),
            line: raw.line,
            aces,
            error,
        }
    }

    /// Rule 2: the offset of the blank that most likely ends the path in `first`, whose
    /// flags start at `colon`.
    ///
    /// Each run of blanks before the last word is a candidate. A candidate is plausible
    /// unless the principal it leaves
    /// - holds more than one backslash (an account is `NAME` or `DOMAIN\NAME`, so the
    ///   others belong to the path: `C:\Program Files\App BUILTIN\Users`), or
    /// - has more than one word and a dot in the first (`Package.nupkg NT AUTHORITY\…` is
    ///   the end of a file name, `My Package.nupkg`, followed by the principal).
    ///
    /// Among plausible candidates the best leaves a principal seen elsewhere in the
    /// capture as a whole (`NT AUTHORITY\SYSTEM` on an ACE line); then the one whose
    /// path's parent folder was listed earlier, the deepest such parent first (icacls /T
    /// lists a folder before what is in it, and the parent of a wrongly cut, shorter path
    /// is often listed too); then the leftmost, since principals are more often several
    /// words than file names are. Without a plausible candidate, the leftmost.
    ///
    /// This stays linear in the line's length: a plausible principal holds at most the
    /// last backslash, so at most two parents are looked up, and principals are looked
    /// up only if no longer than the longest known one.
    fn guess_split(&self, first: &str, colon: usize) -> Option<usize> {
        let words = words(first.get(..colon)?);
        let (path_start, rest) = words.split_first()?;
        let principal_end = rest.last()?.end;
        let total_backslashes: usize = words.iter().map(|w| w.backslashes).sum();
        let mut path_backslashes = path_start.backslashes;
        let mut last_path_backslash = path_start.last_backslash;
        let mut parent_cache: Option<(usize, bool)> = None;
        // ((known principal, listed parent's backslash), word index) of the best so far.
        let mut best: Option<((bool, Option<usize>), usize)> = None;
        for (k, word) in words.iter().enumerate().skip(1) {
            let principal_backslashes = total_backslashes - path_backslashes;
            let several_words = k + 1 < words.len();
            if principal_backslashes <= 1 && !(several_words && word.has_dot) {
                let principal = first.get(word.start..principal_end).unwrap_or_default();
                let known = principal.len() <= self.longest_known && self.known.contains(principal);
                let listed_parent = last_path_backslash.filter(|&b| match parent_cache {
                    Some((cached, listed)) if cached == b => listed,
                    _ => {
                        let listed = first
                            .get(..b)
                            .is_some_and(|parent| self.listed.contains(parent));
                        parent_cache = Some((b, listed));
                        listed
                    }
                });
                let score = (known, listed_parent);
                if best.is_none_or(|(best_score, _)| score > best_score) {
                    best = Some((score, k));
                }
            }
            path_backslashes += word.backslashes;
            last_path_backslash = word.last_backslash.or(last_path_backslash);
        }
        let k = best.map_or(1, |(_, k)| k);
        // The path ends with the word before the principal's first.
        words.get(k - 1).map(|w| w.end)
    }
}

/// A run of non-blank characters before the flags on an entry's first line: the path
/// and the principal are made of these.
struct Word {
    start: usize,
    end: usize,
    has_dot: bool,
    backslashes: usize,
    last_backslash: Option<usize>,
}

/// The words of `region`, with what [`Resolver::guess_split`] needs of each.
fn words(region: &str) -> Vec<Word> {
    let mut words: Vec<Word> = Vec::new();
    let mut in_word = false;
    for (i, c) in region.char_indices() {
        if is_blank(c) {
            in_word = false;
            continue;
        }
        if !in_word {
            words.push(Word {
                start: i,
                end: i,
                has_dot: false,
                backslashes: 0,
                last_backslash: None,
            });
            in_word = true;
        }
        if let Some(word) = words.last_mut() {
            word.end = i + c.len_utf8();
            word.has_dot |= c == '.';
            if c == '\\' {
                word.backslashes += 1;
                word.last_backslash = Some(i);
            }
        }
    }
    words
}

/// Rule 1 of [`Resolver`]: the offset of the blank that ends the path in `first` if the
/// indentation of the entry's ACE lines (`indent`, in characters) puts one there and
/// leaves a principal before the flags at `colon`.
///
/// The indentation is tried as a count of characters and, failing that, of UTF-16 code
/// units, which is what a wide-character program like icacls may count when a path holds
/// a character outside the Basic Multilingual Plane.
fn split_by_width(first: &str, colon: usize, indent: Option<usize>) -> Option<usize> {
    let path_width = indent?.checked_sub(1)?;
    let prefix_len = path_prefix_len(first)?;
    let measures: [fn(char) -> usize; 2] = [|_| 1, char::len_utf16];
    measures.into_iter().find_map(|measure| {
        let blank = offset_at(first, path_width, measure)?;
        let principal = first.get(blank..colon)?;
        let consistent = blank >= prefix_len
            && principal.starts_with(is_blank)
            && !principal.trim_matches(is_blank).is_empty();
        consistent.then_some(blank)
    })
}

/// Byte offset in `line` where the measures of the characters before it add up to `n`,
/// if they do exactly.
fn offset_at(line: &str, n: usize, measure: fn(char) -> usize) -> Option<usize> {
    let mut total = 0;
    for (i, c) in line.char_indices() {
        if total >= n {
            return (total == n).then_some(i);
        }
        total += measure(c);
    }
    (total == n).then_some(line.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENGLISH: &str = "\
C:\\ProgramData\\NugetCache NT AUTHORITY\\SYSTEM:(I)(OI)(CI)(F)
                          BUILTIN\\Administrators:(I)(OI)(CI)(F)
                          BUILTIN\\Users:(I)(OI)(CI)(RX)
C:\\ProgramData\\NugetCache\\ThycoticTms.11.0.1040.nupkg NT AUTHORITY\\SYSTEM:(I)(F)
                                                      BUILTIN\\Users:(I)(RX)

Successfully processed 2 files; Failed processing 0 files
";

    const GERMAN: &str = "\
C:\\ProgramData\\NugetCache NT-AUTORITÄT\\SYSTEM:(I)(OI)(CI)(F)
                          VORDEFINIERT\\Administratoren:(I)(OI)(CI)(F)
                          VORDEFINIERT\\Benutzer:(I)(OI)(CI)(RX)
C:\\ProgramData\\NugetCache\\ThycoticTms.11.0.1040.nupkg NT-AUTORITÄT\\SYSTEM:(I)(F)
                                                      VORDEFINIERT\\Benutzer:(I)(RX)

Es wurden 2 Dateien erfolgreich verarbeitet; bei 0 Dateien ist ein Fehler aufgetreten.
";

    /// icacls' layout: each entry's ACEs after its path, aligned under the first.
    fn layout(entries: &[(&str, &[&str])]) -> String {
        let mut text = String::new();
        for (path, aces) in entries {
            text.push_str(path);
            for (i, ace) in aces.iter().enumerate() {
                if i > 0 {
                    text.push('\n');
                    text.extend(std::iter::repeat_n(' ', path.chars().count()));
                }
                text.push(' ');
                text.push_str(ace);
            }
            text.push('\n');
        }
        text
    }

    fn parse_str(text: &str) -> Capture {
        parse(text.as_bytes()).unwrap()
    }

    /// (path, [(principal, flags)]) of every entry, for compact comparisons.
    fn summary(capture: &Capture) -> Vec<(&str, Vec<(&str, String)>)> {
        capture
            .entries
            .iter()
            .map(|e| {
                let aces = e
                    .aces
                    .iter()
                    .map(|a| (a.principal.as_str(), a.flags.join(" ")))
                    .collect();
                (e.path.as_str(), aces)
            })
            .collect()
    }

    fn cp850(text: &str) -> Vec<u8> {
        text.chars()
            .map(|c| match c {
                'Ä' => 0x8E,
                'ä' => 0x84,
                'è' => 0x8A,
                c => u8::try_from(c).unwrap(),
            })
            .collect()
    }

    fn utf16le_bom(text: &str) -> Vec<u8> {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in text.encode_utf16() {
            bytes.extend(unit.to_le_bytes());
        }
        bytes
    }

    #[test]
    fn english_sample() {
        let capture = parse_str(ENGLISH);
        assert_eq!(capture.encoding, text::Encoding::Utf8);
        assert_eq!(capture.problems, []);
        assert_eq!(
            summary(&capture),
            [
                (
                    "C:\\ProgramData\\NugetCache",
                    vec![
                        ("NT AUTHORITY\\SYSTEM", "I OI CI F".to_owned()),
                        ("BUILTIN\\Administrators", "I OI CI F".to_owned()),
                        ("BUILTIN\\Users", "I OI CI RX".to_owned()),
                    ]
                ),
                (
                    "C:\\ProgramData\\NugetCache\\ThycoticTms.11.0.1040.nupkg",
                    vec![
                        ("NT AUTHORITY\\SYSTEM", "I F".to_owned()),
                        ("BUILTIN\\Users", "I RX".to_owned()),
                    ]
                ),
            ]
        );
        let file = &capture.entries[1];
        assert_eq!(file.line, 4);
        assert_eq!(file.error, None);
        assert_eq!(file.aces[0].line, 4);
        assert_eq!(file.aces[1].line, 5);
        assert!(file.aces.iter().all(|a| a.inherited() && !a.deny()));
        assert_eq!(file.aces[1].rights(), ["RX"]);

        // Both first lines are split by the indentation of the ACE lines (rule 1).
        let lines: Vec<&str> = ENGLISH.lines().collect();
        for (first, indent, path_len) in [(lines[0], 26, 25), (lines[3], 54, 53)] {
            let tail = first_line_tail(first).unwrap();
            assert_eq!(
                split_by_width(first, tail.colon, Some(indent)),
                Some(path_len)
            );
        }
    }

    #[test]
    fn german_capture_in_the_console_code_page() {
        let capture = parse(&cp850(GERMAN)).unwrap();
        assert_eq!(capture.encoding, text::Encoding::Cp850);
        assert_eq!(capture.problems, []);
        assert_eq!(capture.entries.len(), 2);
        let folder = &capture.entries[0];
        assert_eq!(folder.path, "C:\\ProgramData\\NugetCache");
        assert_eq!(folder.aces[0].principal, "NT-AUTORITÄT\\SYSTEM");
        assert_eq!(folder.aces[1].principal, "VORDEFINIERT\\Administratoren");
        assert_eq!(folder.aces[2].rights(), ["RX"]);
        let file = &capture.entries[1];
        assert_eq!(
            file.path,
            "C:\\ProgramData\\NugetCache\\ThycoticTms.11.0.1040.nupkg"
        );
        assert_eq!(file.aces[1].principal, "VORDEFINIERT\\Benutzer");
    }

    #[test]
    fn powershell_capture_in_utf16le_with_crlf() {
        let crlf = ENGLISH.replace('\n', "\r\n");
        let capture = parse(&utf16le_bom(&crlf)).unwrap();
        assert_eq!(capture.encoding, text::Encoding::Utf16Le);
        let english = parse_str(ENGLISH);
        assert_eq!(capture.entries, english.entries);
        assert_eq!(capture.problems, []);

        // German too, and without a final line break.
        let german = GERMAN.replace('\n', "\r\n");
        let capture = parse(&utf16le_bom(german.trim_end())).unwrap();
        assert_eq!(capture.entries, parse(&cp850(GERMAN)).unwrap().entries);
    }

    #[test]
    fn french_principals_and_a_missing_final_line_break() {
        let text = layout(&[(
            "C:\\Données",
            &[
                "NT AUTHORITY\\SYSTEM:(OI)(CI)(F)",
                "AUTORITE NT\\Système:(OI)(CI)(F)",
                "BUILTIN\\Utilisateurs:(OI)(CI)(RX)",
            ],
        )]);
        let capture = parse_str(text.trim_end());
        assert_eq!(capture.problems, []);
        let aces = &capture.entries[0].aces;
        assert_eq!(capture.entries[0].path, "C:\\Données");
        assert_eq!(aces[1].principal, "AUTORITE NT\\Système");
        assert_eq!(aces[2].principal, "BUILTIN\\Utilisateurs");
        assert!(aces.iter().all(|a| !a.inherited()));
    }

    #[test]
    fn indentation_separates_a_path_with_spaces_from_a_principal_with_spaces() {
        let text = layout(&[
            (
                "C:\\Program Files\\My App",
                &[
                    "NT AUTHORITY\\SYSTEM:(OI)(CI)(F)",
                    "CREATOR OWNER:(OI)(CI)(IO)(F)",
                    "APPLICATION PACKAGE AUTHORITY\\ALL APPLICATION PACKAGES:(OI)(CI)(RX)",
                ],
            ),
            (
                "C:\\Program Files\\My App\\Read Me.txt First",
                &[
                    "Window Manager\\DWM-1:(I)(F)",
                    "NT AUTHORITY\\Authenticated Users:(I)(M)",
                ],
            ),
        ]);
        assert!(
            text.contains("\n                        CREATOR OWNER:"),
            "{text}"
        );
        let capture = parse_str(&text);
        assert_eq!(capture.problems, []);
        assert_eq!(capture.entries[0].path, "C:\\Program Files\\My App");
        assert_eq!(
            capture.entries[0].aces[2].principal,
            "APPLICATION PACKAGE AUTHORITY\\ALL APPLICATION PACKAGES"
        );
        assert_eq!(capture.entries[0].aces[1].flags, ["OI", "CI", "IO", "F"]);
        // Rule 2 alone would cut after "Me.txt"; the indentation says otherwise.
        assert_eq!(
            capture.entries[1].path,
            "C:\\Program Files\\My App\\Read Me.txt First"
        );
        assert_eq!(
            capture.entries[1].aces[0].principal,
            "Window Manager\\DWM-1"
        );
        assert_eq!(capture.entries[1].aces[1].rights(), ["M"]);
    }

    #[test]
    fn indentation_counted_in_utf16_units_for_characters_beyond_the_bmp() {
        // "😀" is two UTF-16 code units: the ACE lines are indented one further.
        let text = "C:\\x\\😀 dir BUILTIN\\Users:(OI)(CI)(RX)\n            Jeder:(OI)(CI)(R)\n";
        let capture = parse_str(text);
        assert_eq!(capture.problems, []);
        assert_eq!(capture.entries[0].path, "C:\\x\\😀 dir");
        assert_eq!(capture.entries[0].aces[0].principal, "BUILTIN\\Users");
    }

    #[test]
    fn inconsistent_indentation_falls_back_to_the_heuristic() {
        // Indented too little for its position on the first line to be a blank; rule 2
        // finds the principal of the ACE line on the first line, too.
        let text = "C:\\x\\My Folder BUILTIN\\Users:(OI)(CI)(RX)\n    BUILTIN\\Users:(CI)(AD)\n";
        let capture = parse_str(text);
        assert_eq!(capture.entries[0].path, "C:\\x\\My Folder");
        assert_eq!(capture.entries[0].aces[0].principal, "BUILTIN\\Users");
        assert_eq!(capture.entries[0].aces[1].rights(), ["AD"]);
    }

    #[test]
    fn single_ace_entries_whose_paths_have_spaces() {
        let text = "\
C:\\Data NT AUTHORITY\\SYSTEM:(OI)(CI)(F)
        BUILTIN\\Users:(OI)(CI)(RX)
C:\\Data\\My Package.nupkg NT AUTHORITY\\SYSTEM:(I)(F)
C:\\Data\\Program Files\\App\\x.dll BUILTIN\\Users:(I)(RX)
C:\\Data\\My Folder NT AUTHORITY\\SYSTEM:(I)(OI)(CI)(F)
C:\\Data\\My Folder\\sub Everyone:(I)(OI)(CI)(R)
C:\\Data\\a b.txt Jeder:(I)(R)
C:\\Data\\My Folder\\release notes.txt Tout le monde:(I)(R)
C:\\Data\\New Folder CREATOR OWNER:(I)(OI)(CI)(IO)(F)
";
        let capture = parse_str(text);
        assert_eq!(capture.problems, []);
        let split: Vec<_> = capture
            .entries
            .iter()
            .map(|e| (e.path.as_str(), e.aces[0].principal.as_str()))
            .collect();
        assert_eq!(
            split,
            [
                ("C:\\Data", "NT AUTHORITY\\SYSTEM"),
                // A dotted first word of a longer principal ends a file name.
                ("C:\\Data\\My Package.nupkg", "NT AUTHORITY\\SYSTEM"),
                // A principal holds at most one backslash.
                ("C:\\Data\\Program Files\\App\\x.dll", "BUILTIN\\Users"),
                // "NT AUTHORITY\SYSTEM" is known whole from the first entry.
                ("C:\\Data\\My Folder", "NT AUTHORITY\\SYSTEM"),
                // Both "C:\Data\My" and "C:\Data\My Folder\sub" have a listed parent;
                // the deeper one wins.
                ("C:\\Data\\My Folder\\sub", "Everyone"),
                ("C:\\Data\\a b.txt", "Jeder"),
                ("C:\\Data\\My Folder\\release notes.txt", "Tout le monde"),
                // Truly ambiguous, and cut at the leftmost space; the flags are right.
                ("C:\\Data\\New", "Folder CREATOR OWNER"),
            ]
        );
        assert_eq!(
            capture.entries[7].aces[0].flags,
            ["I", "OI", "CI", "IO", "F"]
        );
    }

    #[test]
    fn sids_rights_lists_deny_and_explicit_aces() {
        let text = "\
\\\\fileserver\\share\\cache S-1-5-21-3623811015-3361044348-30300820-1013:(OI)(CI)(WD,AD,WEA,WA)
                          Everyone:(DENY)(OI)(CI)(D,DC)
                          NT AUTHORITY\\SYSTEM:(I)(OI)(CI)(F)
                          S-1-15-3-1024-1065365936:(OI)(CI)(IO)(GR,GE)
";
        let capture = parse_str(text);
        assert_eq!(capture.problems, []);
        let entry = &capture.entries[0];
        assert_eq!(entry.path, "\\\\fileserver\\share\\cache");
        let [sid, deny, inherited, capability] = &entry.aces[..] else {
            panic!("{entry:?}");
        };
        assert_eq!(
            sid.principal,
            "S-1-5-21-3623811015-3361044348-30300820-1013"
        );
        assert_eq!(sid.flags, ["OI", "CI", "WD,AD,WEA,WA"]);
        assert_eq!(sid.rights(), ["WD", "AD", "WEA", "WA"]);
        assert!(!sid.inherited() && !sid.deny());
        assert!(deny.deny() && !deny.inherited());
        assert_eq!(deny.rights(), ["D", "DC"]);
        assert!(inherited.inherited());
        assert_eq!(capability.rights(), ["GR", "GE"]);
    }

    #[test]
    fn entries_icacls_could_not_read_keep_the_message() {
        let text = "\
C:\\ProgramData\\NugetCache NT AUTHORITY\\SYSTEM:(OI)(CI)(F)
C:\\ProgramData\\NugetCache\\x.nupkg: Access is denied.
C:\\ProgramData\\NugetCache\\y.nupkg: Zugriff verweigert (5):(x)
C:\\ProgramData\\NugetCache\\z y.nupkg : Accès refusé.
C:\\ProgramData\\NugetCache\\w.nupkg NT AUTHORITY\\SYSTEM:(I)(F)
Successfully processed 2 files; Failed processing 2 files
";
        let capture = parse_str(text);
        assert_eq!(capture.problems, []);
        let errors: Vec<_> = capture
            .entries
            .iter()
            .map(|e| (e.path.as_str(), e.error.as_deref(), e.aces.len()))
            .collect();
        assert_eq!(
            errors,
            [
                ("C:\\ProgramData\\NugetCache", None, 1),
                (
                    "C:\\ProgramData\\NugetCache\\x.nupkg",
                    Some("Access is denied."),
                    0
                ),
                (
                    "C:\\ProgramData\\NugetCache\\y.nupkg",
                    Some("Zugriff verweigert (5):(x)"),
                    0
                ),
                (
                    "C:\\ProgramData\\NugetCache\\z y.nupkg",
                    Some("Accès refusé."),
                    0
                ),
                ("C:\\ProgramData\\NugetCache\\w.nupkg", None, 1),
            ]
        );
    }

    #[test]
    fn a_path_without_aces() {
        let text = "C:\\x BUILTIN\\Users:(F)\nC:\\x\\empty dacl\nC:\\x\\y BUILTIN\\Users:(I)(F)\n";
        let capture = parse_str(text);
        assert_eq!(capture.problems, []);
        assert_eq!(capture.entries[1].path, "C:\\x\\empty dacl");
        assert_eq!(capture.entries[1].aces, []);
        assert_eq!(capture.entries[1].error, None);
        assert_eq!(capture.entries[2].line, 3);
    }

    #[test]
    fn tabs_trailing_blanks_and_line_breaks() {
        let text = "C:\\x\tBUILTIN\\Users:(F)  \r\n\t  Jeder:(R)\t\r\n\r\nC:\\y Jeder:(R)\rC:\\z Jeder:(R)";
        let capture = parse_str(text);
        assert_eq!(capture.problems, []);
        assert_eq!(capture.entries.len(), 3);
        assert_eq!(capture.entries[0].path, "C:\\x");
        assert_eq!(capture.entries[0].aces[1].principal, "Jeder");
        assert_eq!(capture.entries[0].aces[1].line, 2);
        // A lone CR ends a line, as for text::LineIndex.
        assert_eq!(capture.entries[2].line, 5);
    }

    #[test]
    fn unreadable_lines_become_problems_and_status_lines_are_skipped() {
        let text = "   BUILTIN\\Users:(F)
Verarbeitete Datei: C:\\x
C:\\x Jeder:(F)
   this is not an ACE
   Jeder:(F) trailing
   Jeder:(f g)
C:\\Users\\admin>icacls C:\\x /T
   Jeder:(R)
C:\\y:(F)
";
        let capture = parse_str(text);
        let problems: Vec<_> = capture.problems.iter().map(|p| p.line).collect();
        assert_eq!(problems, [1, 4, 5, 6, 8, 9]);
        assert!(
            capture.problems[0]
                .message
                .starts_with("ACE without a path line")
        );
        assert!(capture.problems[1].message.contains("not an ACE"));
        assert!(capture.problems[5].message.contains("no PRINCIPAL:(FLAGS)"));
        // The pasted prompt is not an entry; the ACE after it belongs to none.
        let paths: Vec<_> = capture.entries.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["C:\\x", "C:\\y:(F)"]);
        assert_eq!(capture.entries[0].aces.len(), 1);
    }

    #[test]
    fn long_problem_lines_are_shortened() {
        let text = format!("  {}", "x".repeat(1000));
        let capture = parse_str(&text);
        assert_eq!(capture.problems.len(), 1);
        assert!(capture.problems[0].message.chars().count() < 120);
        assert!(capture.problems[0].message.ends_with('…'));
    }

    #[test]
    fn empty_and_undecodable_inputs() {
        for bytes in [
            &b""[..],
            b"\r\n\r\n",
            b"\xEF\xBB\xBF",
            b"\xFF\xFE",
            b"   \t",
        ] {
            let capture = parse(bytes).unwrap();
            assert_eq!(capture.entries, []);
            assert_eq!(capture.problems, []);
        }
        // UTF-16 without a byte order mark cannot be read at all.
        let mut bomless = utf16le_bom(ENGLISH);
        bomless.drain(..2);
        assert!(parse(&bomless).is_err());
    }

    #[test]
    fn long_lines_are_read_whole() {
        // Each took minutes when every split was checked against every listed path;
        // bench/hostile.sh and the icacls fuzz target watch the cost, not this test.
        let words = "ab\\c ".repeat(200_000);
        let spaces = " ".repeat(400_000);
        let parens = "(".repeat(400_000);
        let listed: String = (0..2000).map(|i| format!("C:\\d{i} X:(F)\n")).collect();
        let text = format!(
            "C:\\root X:(F)\n{listed}C:\\{words}X:(F)\nC:\\{spaces}x{spaces}Y:(F)\n\
             C:\\x {parens}:(F){}\n{spaces}{words}X:(F)\n",
            "(F)".repeat(100_000)
        );
        let capture = parse_str(&text);
        assert_eq!(capture.entries.len(), 2004);
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let alphabet = b" \t\r\n():\\,.IFOCDENYRXC:\\\\S-1A\x8E\xFF\xFE\x00\xC3";
        let samples = [
            ENGLISH.as_bytes().to_vec(),
            cp850(GERMAN),
            utf16le_bom(ENGLISH),
        ];
        let mut parsed = 0;
        for round in 0..6000 {
            let bytes: Vec<u8> = if round % 2 == 0 {
                let len = (next() % 80) as usize;
                (0..len)
                    .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                    .collect()
            } else {
                let mut bytes = samples[round % samples.len()].clone();
                for _ in 0..1 + next() % 6 {
                    let at = (next() % (bytes.len() as u64 + 1)) as usize;
                    let byte = alphabet[(next() % alphabet.len() as u64) as usize];
                    match next() % 4 {
                        0 if at < bytes.len() => bytes[at] = byte,
                        1 if at < bytes.len() => {
                            bytes.remove(at);
                        }
                        2 => bytes.truncate(at),
                        _ => bytes.insert(at, byte),
                    }
                }
                bytes
            };
            let Ok(capture) = parse(&bytes) else {
                continue;
            };
            parsed += 1;
            let lines = u32::try_from(bytes.len() + 1).unwrap();
            for entry in &capture.entries {
                assert!(!entry.path.is_empty(), "{bytes:02X?}");
                assert!(entry.line >= 1 && entry.line <= lines);
                for ace in &entry.aces {
                    assert!(!ace.principal.is_empty() && !ace.flags.is_empty());
                    assert!(ace.line >= entry.line);
                }
            }
            for problem in &capture.problems {
                assert!(problem.line >= 1 && problem.line <= lines);
            }
        }
        assert!(parsed > 3000, "{parsed}");
    }
}

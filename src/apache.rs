//! Apache httpd 2.4's effective configuration, as far as module loading goes.
//!
//! Starting from the main config file, this follows what httpd itself does while
//! reading its configuration — `Include`/`IncludeOptional` (wildcards, folders),
//! `ServerRoot`, `Define`/`UnDefine`/`${VAR}` and `<IfDefine>` — and collects every
//! `LoadModule`, so a rule can tell whether e.g. `proxy_wstunnel_module` is loaded.
//! It does no I/O: every file is reached through the caller's [`ConfigFiles`].
//!
//! What cannot be known from files alone, and how it is treated:
//! - `-D NAME` command-line parameters and the process environment (Debian's
//!   `envvars`) are unknown: they count as undefined.
//! - Statically compiled modules are unknown, so `<IfModule>` (either polarity) and
//!   the other read-time conditionals (`<IfVersion>`, `<IfFile>`, ...) count as
//!   true; only `<IfDefine>` is evaluated.

use std::borrow::Cow;
use std::collections::BTreeMap;

/// What is at a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Dir,
}

/// The caller's file access. Paths are absolute as Apache would write them, with `/`
/// separators: "/etc/apache2/ports.conf", or on Windows "C:/Apache24/conf/httpd.conf"
/// (drive letter kept as written, so Windows lookups should ignore case).
pub trait ConfigFiles {
    /// Ok(None) when nothing is there.
    fn kind(&self, path: &str) -> Result<Option<EntryKind>, String>;
    fn read(&self, path: &str) -> Result<Vec<u8>, String>;
    /// Entry names of a folder (any order; we sort).
    fn list(&self, dir: &str) -> Result<Vec<String>, String>;
}

/// A `LoadModule` line, active or commented out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Module {
    /// Module name, e.g. `proxy_module`.
    pub name: String,
    /// Shared object path as written; `${VAR}`s expanded for active lines only.
    pub path: String,
    /// Config file holding the line.
    pub file: String,
    /// 1-based line (the first line of a continued directive).
    pub line: usize,
}

/// Why a [`Problem`] was reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// The main config file does not exist.
    MainMissing,
    /// A plain `Include` names a missing path or a wildcard matching nothing:
    /// httpd refuses to start.
    IncludeMatchedNothing,
    /// A path exists but reading or listing it failed (the caller's message).
    Unreadable,
    /// An undefined `${VAR}` in an `Include`, `IncludeOptional` or `ServerRoot`
    /// path; the directive is ignored.
    UndefinedVariable,
    /// An include cycle, includes nested deeper than [`MAX_DEPTH`], or more than
    /// [`MAX_OPS`] file operations (e.g. a folder symlinked into itself).
    Recursion,
    /// Unbalanced sections, a continuation at end of file, wrong argument counts.
    Syntax,
    /// The file is not valid UTF-8; it was decoded lossily.
    NotUtf8,
}

/// Something that would stop httpd, or that makes our view uncertain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub kind: ProblemKind,
    /// File holding the directive at fault (the main file for [`ProblemKind::MainMissing`]).
    pub file: String,
    /// 1-based line of that directive, when one is at fault.
    pub line: Option<usize>,
    pub message: String,
}

/// The configuration as httpd would read it, as far as module loading goes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Effective {
    /// Every config file read, in the order read (a file included twice is listed twice).
    pub files: Vec<String>,
    /// Every active `LoadModule`, in order; later duplicates are kept (httpd uses the first).
    pub modules: Vec<Module>,
    /// `#LoadModule name path` comment lines in read sections, for "commented out" hints.
    pub commented_modules: Vec<Module>,
    /// The last `ServerRoot` read, expanded and normalized.
    pub server_root: Option<String>,
    /// Final `Define`s: name to value, `None` for a bare `Define NAME` parameter.
    pub defines: BTreeMap<String, Option<String>>,
    pub problems: Vec<Problem>,
}

impl Effective {
    /// The `LoadModule` that loads `module` (httpd skips later duplicates).
    pub fn loaded(&self, module: &str) -> Option<&Module> {
        self.modules.iter().find(|m| m.name == module)
    }
}

/// Include nesting cap; folder levels count too. httpd allows 128 of each, but no
/// real config comes near 64 and this halves our worst-case stack use.
pub const MAX_DEPTH: usize = 64;
/// Cap on calls into [`ConfigFiles`], so folder loops cannot run forever.
pub const MAX_OPS: usize = 100_000;

/// Reads `main` and everything it includes. A missing or unreadable main file is
/// reported as a problem ([`ProblemKind::MainMissing`] / [`ProblemKind::Unreadable`])
/// with nothing else read.
pub fn effective(main: &str, files: &dyn ConfigFiles) -> Effective {
    let main = join("", main);
    let mut ev = Eval {
        fs: files,
        out: Effective::default(),
        main_dir: join(&main, ".."),
        reading: Vec::new(),
        ops: 0,
        gave_up: false,
        too_deep: false,
    };
    let at = At(&main, None);
    ev.include_target(&main, Some(ProblemKind::MainMissing), 0, &at);
    ev.out
}

/// One logical line of a config file.
#[derive(Debug, PartialEq)]
enum Item {
    Directive {
        line: usize,
        name: String,
        args: Vec<String>,
    },
    Open {
        line: usize,
        name: String,
        args: Vec<String>,
    },
    Close {
        line: usize,
        name: String,
    },
    /// `#LoadModule name path`.
    Commented {
        line: usize,
        name: String,
        path: String,
    },
    Syntax {
        line: usize,
        message: String,
    },
}

/// Splits config text into directives the way httpd's `ap_cfg_getline` does:
/// continuations are joined before comments are recognised, so a comment ending
/// in `\` swallows the next line, as in httpd.
fn parse(text: &str) -> Vec<Item> {
    let mut items = Vec::new();
    let mut lines = text.lines().zip(1..);
    while let Some((first, line)) = lines.next() {
        let mut logical = String::from(first);
        while logical.ends_with('\\') {
            logical.pop();
            match lines.next() {
                Some((next, _)) => logical.push_str(next),
                None => {
                    let message = "line continuation at end of file".to_owned();
                    items.push(Item::Syntax { line, message });
                    break;
                }
            }
        }
        let t = logical.trim_matches(|c: char| c.is_ascii_whitespace());
        if t.is_empty() {
            continue;
        }
        if let Some(comment) = t.strip_prefix('#') {
            let body = comment.trim_start_matches(|c: char| c == '#' || c.is_ascii_whitespace());
            let words = words(body);
            // Exactly two arguments, so prose like "# LoadModule lines go here" is not taken.
            if let [d, name, path] = words.as_slice()
                && d.eq_ignore_ascii_case("LoadModule")
            {
                let (name, path) = (name.clone(), path.clone());
                items.push(Item::Commented { line, name, path });
            }
            continue;
        }
        let item = if let Some(rest) = t.strip_prefix("</") {
            let name = rest
                .split(|c: char| c == '>' || c.is_ascii_whitespace())
                .next();
            let name = name.unwrap_or_default().to_owned();
            Item::Close { line, name }
        } else if let Some(rest) = t.strip_prefix('<') {
            let end = rest.find(|c: char| c == '>' || c.is_ascii_whitespace());
            let (name, after) = rest
                .split_at_checked(end.unwrap_or(rest.len()))
                .unwrap_or((rest, ""));
            if name.is_empty() {
                let message = "section with no name".to_owned();
                items.push(Item::Syntax { line, message });
                continue;
            }
            let args = match after.rfind('>') {
                Some(p) => after.get(..p).unwrap_or_default(),
                None => {
                    let message = format!("<{name} is missing its closing '>'");
                    items.push(Item::Syntax { line, message });
                    after
                }
            };
            let (name, args) = (name.to_owned(), words(args));
            Item::Open { line, name, args }
        } else {
            let mut words = words(t).into_iter();
            let name = words.next().unwrap_or_default();
            let args = words.collect();
            Item::Directive { line, name, args }
        };
        items.push(item);
    }
    items
}

/// Splits arguments like httpd's `ap_getword_conf`: whitespace-separated, `"` or `'`
/// quoting, and `\` escaping a backslash or the enclosing quote.
fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    loop {
        while chars.next_if(char::is_ascii_whitespace).is_some() {}
        let Some(&first) = chars.peek() else {
            return out;
        };
        let quote = matches!(first, '"' | '\'').then_some(first);
        if quote.is_some() {
            chars.next();
        }
        let mut word = String::new();
        while let Some(c) = chars.next() {
            if quote == Some(c) || (quote.is_none() && c.is_ascii_whitespace()) {
                break;
            }
            if c == '\\'
                && let Some(next) = chars.next_if(|&n| n == '\\' || Some(n) == quote)
            {
                word.push(next);
            } else {
                word.push(c);
            }
        }
        out.push(word);
    }
}

/// Where a problem is blamed: file and line of the directive at fault.
#[derive(Clone, Copy)]
struct At<'a>(&'a str, Option<usize>);

/// Why a [`ConfigFiles`] call gave nothing.
enum Fail {
    Io(String),
    Budget,
}

struct Eval<'a> {
    fs: &'a dyn ConfigFiles,
    out: Effective,
    /// Base for relative paths until a `ServerRoot` is read (Debian sets none and
    /// compiles in /etc/apache2, the main file's folder).
    main_dir: String,
    /// Case-folded paths of the files being read, outermost first, to catch cycles.
    reading: Vec<String>,
    ops: usize,
    gave_up: bool,
    too_deep: bool,
}

impl Eval<'_> {
    fn problem(&mut self, kind: ProblemKind, at: &At, message: String) {
        let (file, line) = (at.0.to_owned(), at.1);
        self.out.problems.push(Problem {
            kind,
            file,
            line,
            message,
        });
    }

    fn io<T>(&mut self, op: impl FnOnce(&dyn ConfigFiles) -> Result<T, String>) -> Result<T, Fail> {
        if self.ops >= MAX_OPS {
            return Err(Fail::Budget);
        }
        self.ops += 1;
        op(self.fs).map_err(Fail::Io)
    }

    fn fail(&mut self, fail: Fail, at: &At, path: &str) {
        match fail {
            Fail::Io(msg) => self.problem(
                ProblemKind::Unreadable,
                at,
                format!("cannot read {path}: {msg}"),
            ),
            Fail::Budget if !self.gave_up => {
                self.gave_up = true;
                let msg = format!("gave up after {MAX_OPS} file operations (a folder loop?)");
                self.problem(ProblemKind::Recursion, at, msg);
            }
            Fail::Budget => {}
        }
    }

    /// Expands `${NAME}` from `Define`d values; undefined ones stay literal, as in
    /// httpd, and are returned. Expansion is per argument, not per line.
    fn expand(&self, s: &str) -> (String, Vec<String>) {
        let (mut out, mut undefined, mut rest) = (String::new(), Vec::new(), s);
        while let Some((before, after)) = rest.split_once("${") {
            out.push_str(before);
            let Some((name, tail)) = after.split_once('}') else {
                out.push_str("${");
                rest = after;
                break;
            };
            match self.out.defines.get(name) {
                Some(Some(value)) => out.push_str(value),
                _ => {
                    out.push_str(&format!("${{{name}}}"));
                    undefined.push(name.to_owned());
                }
            }
            rest = tail;
        }
        out.push_str(rest);
        (out, undefined)
    }

    /// Includes a path without wildcards: a file, or a folder's whole tree in sorted order.
    fn include_target(
        &mut self,
        path: &str,
        on_missing: Option<ProblemKind>,
        depth: usize,
        at: &At,
    ) {
        if depth > MAX_DEPTH {
            // Once: a folder loop would otherwise report every path at the cap.
            if !self.too_deep {
                self.too_deep = true;
                let msg = format!("includes nested deeper than {MAX_DEPTH} levels at {path}");
                self.problem(ProblemKind::Recursion, at, msg);
            }
            return;
        }
        match self.io(|fs| fs.kind(path)) {
            Ok(Some(EntryKind::File)) => self.read_file(path, depth, at),
            Ok(Some(EntryKind::Dir)) => match self.io(|fs| fs.list(path)) {
                Ok(mut names) => {
                    names.sort();
                    for name in names.iter().filter(|n| plain_name(n)) {
                        self.include_target(&child(path, name), on_missing, depth + 1, at);
                    }
                }
                Err(e) => self.fail(e, at, path),
            },
            Ok(None) => {
                if let Some(kind) = on_missing {
                    self.problem(kind, at, format!("{path} does not exist"));
                }
            }
            Err(e) => self.fail(e, at, path),
        }
    }

    /// Includes a path that may have wildcards in any component, like httpd's
    /// `process_resource_config_fnmatch`; matches are taken in sorted order.
    fn include(&mut self, path: &str, on_missing: Option<ProblemKind>, depth: usize, at: &At) {
        let (root, rest) = split_root(path);
        let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
        if !segments.iter().any(|s| has_wildcard(s)) {
            return self.include_target(path, on_missing, depth, at);
        }
        let fold = is_windows(path);
        let mut found = vec![root];
        for (i, segment) in segments.iter().enumerate() {
            let last = i + 1 == segments.len();
            let mut next = Vec::new();
            for dir in &found {
                if has_wildcard(segment) {
                    next.extend(self.matches(dir, segment, last, fold, on_missing, at));
                } else {
                    next.push(child(dir, segment));
                }
            }
            found = next;
        }
        for path in found {
            self.include_target(&path, on_missing, depth, at);
        }
    }

    /// Entries of `dir` matching `pattern`, sorted; only folders unless `last`.
    fn matches(
        &mut self,
        dir: &str,
        pattern: &str,
        last: bool,
        fold: bool,
        on_missing: Option<ProblemKind>,
        at: &At,
    ) -> Vec<String> {
        let mut names = match self.io(|fs| fs.kind(dir)) {
            Ok(Some(EntryKind::Dir)) => match self.io(|fs| fs.list(dir)) {
                Ok(names) => names,
                Err(e) => {
                    self.fail(e, at, dir);
                    return Vec::new();
                }
            },
            Ok(_) => Vec::new(),
            Err(e) => {
                self.fail(e, at, dir);
                return Vec::new();
            }
        };
        names.sort();
        let mut out = Vec::new();
        for name in names
            .iter()
            .filter(|n| plain_name(n) && fnmatch(pattern, n, fold))
        {
            let path = child(dir, name);
            if !last {
                match self.io(|fs| fs.kind(&path)) {
                    Ok(Some(EntryKind::Dir)) => {}
                    Ok(_) => continue,
                    Err(e) => {
                        self.fail(e, at, &path);
                        continue;
                    }
                }
            }
            out.push(path);
        }
        if out.is_empty()
            && let Some(kind) = on_missing
        {
            self.problem(
                kind,
                at,
                format!("no match for wildcard '{pattern}' in {dir}"),
            );
        }
        out
    }

    fn read_file(&mut self, path: &str, depth: usize, at: &At) {
        let key = fold_key(path);
        if self.reading.contains(&key) {
            let msg = format!("include cycle: {path} is already being read");
            return self.problem(ProblemKind::Recursion, at, msg);
        }
        let bytes = match self.io(|fs| fs.read(path)) {
            Ok(bytes) => bytes,
            Err(e) => return self.fail(e, at, path),
        };
        self.out.files.push(path.to_owned());
        let text = String::from_utf8_lossy(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes));
        if let Cow::Owned(_) = text {
            let here = At(path, None);
            self.problem(
                ProblemKind::NotUtf8,
                &here,
                "not valid UTF-8; decoded lossily".into(),
            );
        }
        self.reading.push(key);
        self.run(path, parse(&text), depth);
        self.reading.pop();
    }

    /// Applies one file's items in order, tracking its sections (httpd requires
    /// each section to close in the file that opened it).
    fn run(&mut self, file: &str, items: Vec<Item>, depth: usize) {
        // Open sections: name, line, and whether their content is read.
        let mut open: Vec<(String, usize, bool)> = Vec::new();
        for item in items {
            let active = open.last().is_none_or(|s| s.2);
            match item {
                Item::Syntax { line, message } => {
                    let at = At(file, Some(line));
                    self.problem(ProblemKind::Syntax, &at, message);
                }
                Item::Open { line, name, args } => {
                    let on =
                        active && (!name.eq_ignore_ascii_case("IfDefine") || self.if_define(&args));
                    open.push((name, line, on));
                }
                Item::Close { line, name } => {
                    let at = At(file, Some(line));
                    let message = match open.iter().rposition(|s| s.0.eq_ignore_ascii_case(&name)) {
                        Some(i) => {
                            let unclosed = open.get(i + 1..).unwrap_or_default().last();
                            let msg = unclosed.map(|(n, l, _)| {
                                format!("</{name}> while <{n}> of line {l} is open")
                            });
                            open.truncate(i);
                            msg
                        }
                        None => Some(format!("</{name}> without matching <{name}>")),
                    };
                    if let Some(message) = message {
                        self.problem(ProblemKind::Syntax, &at, message);
                    }
                }
                Item::Directive { line, name, args } if active => {
                    self.directive(file, line, &name, &args, depth)
                }
                Item::Commented { line, name, path } if active => {
                    let file = file.to_owned();
                    self.out.commented_modules.push(Module {
                        name,
                        path,
                        file,
                        line,
                    });
                }
                Item::Directive { .. } | Item::Commented { .. } => {}
            }
        }
        for (name, line, _) in open {
            let at = At(file, Some(line));
            self.problem(
                ProblemKind::Syntax,
                &at,
                format!("<{name}> is not closed at end of file"),
            );
        }
    }

    /// `<IfDefine [!]NAME>` against `Define`s read so far (`-D` parameters unknown).
    fn if_define(&self, args: &[String]) -> bool {
        // A missing name is an httpd error; reading on errs towards "loaded".
        let Some(arg) = args.first() else {
            return true;
        };
        let (arg, _) = self.expand(arg);
        match arg.strip_prefix('!') {
            Some(name) => !self.out.defines.contains_key(name),
            None => self.out.defines.contains_key(&arg),
        }
    }

    fn base(&self) -> &str {
        self.out.server_root.as_deref().unwrap_or(&self.main_dir)
    }

    fn directive(&mut self, file: &str, line: usize, name: &str, args: &[String], depth: usize) {
        let lower = name.to_ascii_lowercase();
        let lower = lower.as_str();
        if !matches!(
            lower,
            "loadmodule" | "define" | "undefine" | "serverroot" | "include" | "includeoptional"
        ) {
            return;
        }
        let at = At(file, Some(line));
        let mut undefined = Vec::new();
        let args: Vec<String> = args
            .iter()
            .map(|a| {
                let (value, names) = self.expand(a);
                undefined.extend(names);
                value
            })
            .collect();
        match (lower, args.as_slice()) {
            ("loadmodule", [module, path]) => {
                let (name, path, file) = (module.clone(), path.clone(), file.to_owned());
                self.out.modules.push(Module {
                    name,
                    path,
                    file,
                    line,
                });
            }
            ("define", [var]) => {
                self.out.defines.entry(var.clone()).or_insert(None);
            }
            ("define", [var, value]) => {
                self.out.defines.insert(var.clone(), Some(value.clone()));
            }
            ("undefine", [var]) => {
                self.out.defines.remove(var);
            }
            // Only paths are checked: elsewhere an undefined variable is harmless.
            ("serverroot" | "include" | "includeoptional", [_]) if !undefined.is_empty() => {
                let vars: Vec<String> = undefined.iter().map(|v| format!("${{{v}}}")).collect();
                let msg = format!(
                    "undefined {} in {name} path; directive ignored",
                    vars.join(", ")
                );
                self.problem(ProblemKind::UndefinedVariable, &at, msg);
            }
            // httpd takes a relative ServerRoot from its working directory, unknown
            // here; the current base is the best guess.
            ("serverroot", [path]) => self.out.server_root = Some(join(self.base(), path)),
            ("include", [path]) => {
                let path = join(self.base(), path);
                self.include(
                    &path,
                    Some(ProblemKind::IncludeMatchedNothing),
                    depth + 1,
                    &at,
                );
            }
            ("includeoptional", [path]) => {
                self.include(&join(self.base(), path), None, depth + 1, &at)
            }
            _ => {
                let msg = format!("{name} has a wrong number of arguments ({})", args.len());
                self.problem(ProblemKind::Syntax, &at, msg);
            }
        }
    }
}

/// Joins `path` onto folder `base` lexically: `\` becomes `/` in Windows paths, `.`
/// is dropped, `..` resolved (never above the root), and no `//` is produced.
fn join(base: &str, path: &str) -> String {
    let windows = is_windows(path) || (!is_absolute(path) && is_windows(base));
    let path = if windows {
        path.replace('\\', "/")
    } else {
        path.to_owned()
    };
    let full = if is_absolute(&path) || base.is_empty() {
        path
    } else {
        format!("{base}/{path}")
    };
    let (root, rest) = split_root(&full);
    let mut segments: Vec<&str> = Vec::new();
    for segment in rest.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    root + &segments.join("/")
}

/// A Windows path starts with a drive letter, e.g. `C:`.
fn is_windows(path: &str) -> bool {
    matches!(path.as_bytes(), [d, b':', ..] if d.is_ascii_alphabetic())
}

fn is_absolute(path: &str) -> bool {
    path.starts_with('/') || is_windows(path)
}

/// Splits off the root: `/`, `C:/` (for `C:` too), or nothing for a relative path.
fn split_root(path: &str) -> (String, &str) {
    match (is_windows(path), path.get(..2), path.get(2..)) {
        (true, Some(drive), Some(rest)) => (format!("{drive}/"), rest),
        _ if path.starts_with('/') => ("/".to_owned(), path),
        _ => (String::new(), path),
    }
}

fn child(dir: &str, name: &str) -> String {
    if dir.is_empty() || dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

/// Skips `.`, `..` and names a misbehaving caller might return with separators.
fn plain_name(name: &str) -> bool {
    !(name.is_empty() || name == "." || name == ".." || name.contains('/'))
}

/// Windows paths are case-insensitive, so cycles are detected on folded paths there.
fn fold_key(path: &str) -> String {
    if is_windows(path) {
        path.to_lowercase()
    } else {
        path.to_owned()
    }
}

/// Whether a path component is a pattern, like `apr_fnmatch_test`: `*`, `?`, or
/// `[` with a later `]`; `\` escapes.
fn has_wildcard(segment: &str) -> bool {
    let (mut bracket, mut escaped) = (false, false);
    for c in segment.chars() {
        match c {
            _ if escaped => escaped = false,
            '*' | '?' => return true,
            '\\' => escaped = true,
            '[' => bracket = true,
            ']' if bracket => return true,
            _ => {}
        }
    }
    false
}

/// Matches one path component like `apr_fnmatch(.., APR_FNM_PERIOD)`: a leading `.`
/// must be matched literally; `fold` ignores case (Windows).
fn fnmatch(pattern: &str, name: &str, fold: bool) -> bool {
    if name.starts_with('.') && !(pattern.starts_with('.') || pattern.starts_with("\\.")) {
        return false;
    }
    crate::glob::matches(pattern, name, crate::glob::Syntax::Fnmatch, fold)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(line: usize, name: &str, args: &[&str]) -> Item {
        let args = args.iter().map(|a| a.to_string()).collect();
        Item::Directive {
            line,
            name: name.into(),
            args,
        }
    }

    #[test]
    fn parse_joins_continuations_and_keeps_first_line_number() {
        let items = parse("A one \\\n  two\\\nthree\nB x\n");
        // Lines are glued as they are, like httpd: no space is added.
        assert_eq!(
            items,
            [dir(1, "A", &["one", "twothree"]), dir(4, "B", &["x"])]
        );
        // Only a backslash as the very last character continues.
        assert_eq!(
            parse("A x\\ \nB\n"),
            [dir(1, "A", &["x\\"]), dir(2, "B", &[])]
        );
        // httpd joins before looking for comments: the comment swallows the next line.
        assert_eq!(parse("# note \\\nLoadModule a b\nC\n"), [dir(3, "C", &[])]);
    }

    #[test]
    fn parse_comments_quotes_and_crlf() {
        let text = "  # comment\r\n\r\nLogFormat \"%h %l\" 'a b' x#y # z\r\nQ \"say \\\"hi\\\"\" c:\\\\dir \\n\r\n";
        assert_eq!(
            parse(text),
            [
                dir(3, "LogFormat", &["%h %l", "a b", "x#y", "#", "z"]),
                dir(4, "Q", &["say \"hi\"", "c:\\dir", "\\n"]),
            ]
        );
    }

    #[test]
    fn parse_sections_and_commented_modules() {
        let text = "<IfModule !proxy_module>\n</ifmodule>\n<FilesMatch \"^\\.ht\">\n<IfDefine>\n\
                    #LoadModule proxy_wstunnel_module modules/mod_proxy_wstunnel.so\n\
                    ## LoadModule a_module \"x y.so\"\n# LoadModule lines go here\n<Broken x\n";
        let open = |line, name: &str, args: &[&str]| Item::Open {
            line,
            name: name.into(),
            args: args.iter().map(|a| a.to_string()).collect(),
        };
        let commented = |line, name: &str, path: &str| Item::Commented {
            line,
            name: name.into(),
            path: path.into(),
        };
        assert_eq!(
            parse(text),
            [
                open(1, "IfModule", &["!proxy_module"]),
                Item::Close {
                    line: 2,
                    name: "ifmodule".into()
                },
                open(3, "FilesMatch", &["^\\.ht"]),
                open(4, "IfDefine", &[]),
                commented(5, "proxy_wstunnel_module", "modules/mod_proxy_wstunnel.so"),
                commented(6, "a_module", "x y.so"),
                Item::Syntax {
                    line: 8,
                    message: "<Broken is missing its closing '>'".into()
                },
                open(8, "Broken", &["x"]),
            ]
        );
    }

    #[test]
    fn parse_continuation_at_end_of_file() {
        let message = "line continuation at end of file".to_owned();
        assert_eq!(
            parse("A b \\\n"),
            [Item::Syntax { line: 1, message }, dir(1, "A", &["b"])]
        );
    }

    #[test]
    fn fnmatch_like_apr() {
        assert!(fnmatch("*.conf", "a.conf", false));
        assert!(!fnmatch("*.conf", "a.conf.bak", false));
        assert!(!fnmatch("*.conf", ".hidden.conf", false));
        assert!(fnmatch(".*", ".hidden", false));
        assert!(fnmatch("0?-*.c[a-o]nf", "00-proxy.conf", false));
        assert!(fnmatch("[!a]*", "b", false) && !fnmatch("[!a]*", "a", false));
        assert!(fnmatch("[]x]", "]", false) && fnmatch("a[b", "a[b", false));
        assert!(fnmatch("\\*", "*", false) && !fnmatch("\\*", "a", false));
        assert!(!fnmatch("*.CONF", "a.conf", false) && fnmatch("*.CONF", "a.conf", true));
        assert!(fnmatch("*a*b*c", "xxaxxbxxbc", false) && !fnmatch("*a*b", "ab_", false));
        assert!(
            has_wildcard("*.conf")
                && has_wildcard("[ab]")
                && !has_wildcard("a[b")
                && !has_wildcard("\\*")
        );
    }

    #[test]
    fn join_normalizes_lexically() {
        assert_eq!(
            join("/etc/apache2", "ports.conf"),
            "/etc/apache2/ports.conf"
        );
        assert_eq!(
            join("/etc/apache2", "./a//b/../c.conf"),
            "/etc/apache2/a/c.conf"
        );
        assert_eq!(join("/etc", "../../../x"), "/x");
        assert_eq!(join("/etc/httpd", "/abs//p/"), "/abs/p");
        assert_eq!(join("/etc/httpd/conf/httpd.conf", ".."), "/etc/httpd/conf");
        assert_eq!(join("/", ".."), "/");
        assert_eq!(
            join("c:/Apache24", "conf\\extra\\x.conf"),
            "c:/Apache24/conf/extra/x.conf"
        );
        assert_eq!(join("/etc", "D:\\Apache\\..\\conf"), "D:/conf");
        assert_eq!(
            join("C:/Apache24/conf/httpd.conf", ".."),
            "C:/Apache24/conf"
        );
        assert_eq!(join("C:", "..\\.."), "C:/");
        // On POSIX a backslash is an ordinary character.
        assert_eq!(join("/etc", "a\\b"), "/etc/a\\b");
    }
}

//! Reading facts.json as administrators write it, and saying exactly where and how it is
//! wrong when it is.
//!
//! - **Where**: serde_json's own position is kept for syntax errors (it is where the
//!   text stops being JSON). For everything else serde_json reports where it *noticed*
//!   the problem, which is after the value, or at the `}` of the object (the next line
//!   for a last key). So the key path of the failing value is tracked
//!   (`serde_path_to_error`) and looked up in the text ([`locate`]): an error points at
//!   the value itself, an unknown key at the key.
//! - **What**: the message names the key path (`password_secure.services[0].state`),
//!   what was found, and the shape wanted with an example ([`shape`]), instead of
//!   serde's words ("invalid type: sequence, expected a map").
//! - **As Windows writes it**: PowerShell's `ConvertTo-Json` unwraps a one-element array
//!   into the element itself, so where a list is wanted a single item is accepted
//!   ([`one_or_many`]); enum values are read in any case (`"Running"` from Get-Service,
//!   `"IIS"`), see [`enum_value`].
//! - **Not the template's**: a `"<…>"` placeholder of `upgate facts --template` left in is
//!   refused as such, whatever the key's type ([`placeholder_left`]).

use std::fmt;
use std::marker::PhantomData;
use std::path::Path;

use serde::de::{self, DeserializeOwned, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_path_to_error::Segment;

use crate::error::{InputError, did_you_mean};

/// Separates the message from the help in errors our own `Deserialize` impls raise
/// (serde carries one string; [`parse`] splits it again).
const HELP: char = '\u{1f}';

/// An error from a `Deserialize` impl of facts, with the fix.
pub(super) fn invalid<E: de::Error>(message: impl fmt::Display, help: impl fmt::Display) -> E {
    E::custom(format!("{message}{HELP}{help}"))
}

/// Parses `text` as `T`, mapping every error onto a position in `text` and a message
/// that names the key path; `file` is only used in messages.
pub(super) fn parse<T: DeserializeOwned>(text: &str, file: &Path) -> Result<T, InputError> {
    if let Some(err) = placeholder_left(text, file) {
        return Err(err);
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize::<_, T>(&mut de).map_err(|e| {
        let path: Vec<Segment> = e.path().iter().cloned().collect();
        explain(text, file, &path, e.into_inner())
    })?;
    de.end().map_err(|e| explain(text, file, &[], e))?;
    Ok(value)
}

/// The first value (in the text's order) still holding a placeholder of `upgate facts
/// --template` (`"<…>"`), as an error. Checked before the types, in one place for every
/// key: a placeholder left in a string-typed key (`host`) would otherwise be taken as the
/// value, and one in a version or a flag would read as a confusing type error.
fn placeholder_left(text: &str, file: &Path) -> Option<InputError> {
    fn walk(value: &serde_json::Value, keys: &mut Vec<Key>, out: &mut Vec<(Vec<Key>, String)>) {
        match value {
            serde_json::Value::String(s)
                if s.len() > 1 && s.starts_with('<') && s.ends_with('>') =>
            {
                out.push((keys.clone(), s.clone()));
            }
            serde_json::Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    keys.push(Key::Index(i));
                    walk(item, keys, out);
                    keys.pop();
                }
            }
            serde_json::Value::Object(map) => {
                for (name, item) in map {
                    keys.push(Key::Name(name.clone()));
                    walk(item, keys, out);
                    keys.pop();
                }
            }
            _ => {}
        }
    }
    // Text that is not JSON is left to the typed parse, which says where it breaks.
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let mut found = Vec::new();
    walk(&value, &mut Vec::new(), &mut found);
    let (offset, keys, raw) = found
        .into_iter()
        .filter_map(|(keys, raw)| Some((locate(text, &keys)?, keys, raw)))
        .min_by_key(|(offset, _, _)| *offset)?;
    let pattern = pattern(&keys);
    let (what, example) = shape(&pattern).unwrap_or(("the value it describes", ""));
    let mut help = Vec::new();
    if !example.is_empty() {
        help.push(format!("for example {example}"));
    }
    // The key's entry (a free map's entry for its names) says where to read the value; a
    // key facts.json does not have (misspelt) has none.
    let key = pattern.trim_end_matches(".*");
    if super::KEYS.iter().any(|(k, _, _)| *k == key) {
        help.push(format!("{} says where to read it", super::doc_link(key)));
    }
    let p = crate::text::pos(text, offset);
    let mut err = InputError::new(prefixed(
        &display(&keys),
        &format!(
            "still the template's placeholder {raw:?}: replace it with {what} or delete the key"
        ),
    ))
    .in_file(file)
    .at(p.line, p.column);
    if !help.is_empty() {
        err = err.help(help.join("; "));
    }
    Some(err)
}

fn explain(text: &str, file: &Path, path: &[Segment], e: serde_json::Error) -> InputError {
    let raw = e.to_string();
    let raw = match raw.rfind(" at line ") {
        Some(i) => &raw[..i],
        None => &raw[..],
    };
    let serde_position = |err: InputError| {
        err.at(
            u32::try_from(e.line()).unwrap_or(u32::MAX),
            u32::try_from(e.column()).unwrap_or(u32::MAX),
        )
    };
    let at = |err: InputError, offset: usize| {
        let p = crate::text::pos(text, offset);
        err.at(p.line, p.column)
    };
    let base = InputError::new(raw).in_file(file);
    if !e.is_data() {
        // Not JSON (or cut short): serde_json's position is where it stopped being JSON.
        return serde_position(base);
    }
    let Some(keys) = keys(path) else {
        return serde_position(base);
    };
    let shown = display(&keys);
    if let Some((unknown, expected)) = unknown_field(raw) {
        let parent = &keys[..keys.len().saturating_sub(1)];
        let mut err = InputError::new(format!("unknown key `{}`", display_key(&keys, &unknown)))
            .in_file(file)
            .help(
                match did_you_mean(&unknown, expected.iter().map(String::as_str)) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!("valid keys here: {}", expected.join(", ")),
                },
            );
        if let Some(found) = locate(text, parent).and_then(|v| member(text, v, &unknown, false)) {
            err = at(err, found);
        } else {
            err = serde_position(err);
        }
        return err;
    }
    let place = |err: InputError| match locate(text, &keys) {
        Some(v) => at(err, v),
        None => serde_position(err),
    };
    if let Some((message, help)) = raw.split_once(HELP) {
        let err = InputError::new(prefixed(&shown, message))
            .in_file(file)
            .help(help);
        return place(err);
    }
    if let Some(field) = backticked(raw, "missing field `") {
        let item = pattern(&keys);
        let help = shape(&format!("{item}[]"))
            .or_else(|| shape(&item))
            .map(|(what, example)| format!("{what}, e.g. {example}"))
            .unwrap_or_else(|| format!("add `{field}`"));
        let err = InputError::new(prefixed(&shown, &format!("`{field}` is missing")))
            .in_file(file)
            .help(help);
        return place(err);
    }
    if let Some(field) = backticked(raw, "duplicate field `") {
        let parent = &keys[..keys.len().saturating_sub(1)];
        let err = InputError::new(format!("`{}` is given twice", display_key(&keys, &field)))
            .in_file(file)
            .help("keep one of them");
        return match locate(text, parent).and_then(|v| member(text, v, &field, true)) {
            Some(offset) => at(err, offset),
            None => serde_position(err),
        };
    }
    // invalid type / invalid value / invalid length: say what was found and what is wanted.
    let offset = locate(text, &keys);
    let found = offset.map(|o| found(text, o));
    let (what, example) = shape(&pattern(&keys)).unwrap_or(("something else", ""));
    let message = match &found {
        Some(found) => format!("expected {what}, found {found}"),
        None => raw.to_string(),
    };
    let mut err = InputError::new(prefixed(&shown, &message)).in_file(file);
    if !example.is_empty() {
        err = err.help(format!("for example {example}"));
    }
    match offset {
        Some(o) => at(err, o),
        None => serde_position(err),
    }
}

fn prefixed(path: &str, message: &str) -> String {
    if path.is_empty() {
        message.to_string()
    } else {
        format!("{path}: {message}")
    }
}

/// "unknown field `x`, expected one of `a`, `b`" → ("x", ["a", "b"]).
fn unknown_field(message: &str) -> Option<(String, Vec<String>)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (unknown, rest) = rest.split_once('`')?;
    let expected = rest
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    Some((unknown.to_string(), expected))
}

fn backticked(message: &str, prefix: &str) -> Option<String> {
    let rest = message.strip_prefix(prefix)?;
    Some(rest.split_once('`')?.0.to_string())
}

/// One step of a key path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Key {
    Name(String),
    Index(usize),
}

fn keys(path: &[Segment]) -> Option<Vec<Key>> {
    path.iter()
        .map(|s| match s {
            Segment::Map { key } => Some(Key::Name(key.clone())),
            Segment::Seq { index } => Some(Key::Index(*index)),
            _ => None,
        })
        .collect()
}

fn plain(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// `password_secure.services[0].state`; a key that is not a plain word is quoted
/// (`installed_packages["Thycotic.Tms"]`).
fn display(keys: &[Key]) -> String {
    let mut out = String::new();
    for k in keys {
        match k {
            Key::Name(n) if plain(n) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(n);
            }
            Key::Name(n) => out.push_str(&format!("[{n:?}]")),
            Key::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// The path of `key` in the object at `keys[..len-1]`.
fn display_key(keys: &[Key], key: &str) -> String {
    let mut parent = keys[..keys.len().saturating_sub(1)].to_vec();
    parent.push(Key::Name(key.to_string()));
    display(&parent)
}

/// Objects whose keys are the administrator's (variable names, package ids), not ours.
const FREE_MAPS: &[&str] = &["env", "privilege_manager.installed_packages"];

/// The path with indices as `[]` and free keys as `*`: what [`shape`] is keyed by.
fn pattern(keys: &[Key]) -> String {
    let mut out = String::new();
    for k in keys {
        if FREE_MAPS.contains(&out.as_str()) {
            out.push_str(".*");
            continue;
        }
        match k {
            Key::Name(n) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(n);
            }
            Key::Index(_) => out.push_str("[]"),
        }
    }
    out
}

const TIME: (&str, &str) = (
    "an RFC 3339 time with its offset",
    r#""2026-11-21T23:10:00+01:00""#,
);
const DATE: (&str, &str) = ("a date (YYYY-MM-DD)", r#""2026-06-30""#);
const FLAG: (&str, &str) = ("true or false", "true");

/// What the value at a key pattern must be, and an example of it.
fn shape(pattern: &str) -> Option<(&'static str, &'static str)> {
    let version = |example| Some(("a version string", example));
    let folder = |example| Some(("a server path (a string)", example));
    Some(match pattern {
        "" => (
            "an object of facts",
            r#"{"host": "pam-web-01", "privilege_manager": {"installed_version": "11.0.1040"}}"#,
        ),
        "host" => ("the server's name (a string)", r#""pam-web-01""#),
        "env" => (
            "an object of variable names and values",
            r#"{"ProgramData": "D:\\ProgramData"}"#,
        ),
        "env.*" => ("the variable's value (a string)", r#""D:\\ProgramData""#),
        "backups" => (
            "an object",
            r#"{"search_dirs": ["C:\\Backups"], "max_age_hours": 24}"#,
        ),
        "backups.search_dirs" => (
            "a list of server folders (one alone is accepted too)",
            r#"["C:\\Backups", "D:\\Backups"]"#,
        ),
        "backups.search_dirs[]" => return folder(r#""C:\\Backups""#),
        "backups.max_age_hours" => ("a whole number of hours", "24"),
        "secret_server" => (
            "an object",
            r#"{"installed_version": "10.9.000033", "target_version": "11.1.000006"}"#,
        ),
        "privilege_manager" => (
            "an object",
            r#"{"installed_version": "11.0.1040", "target_version": "11.1.1156"}"#,
        ),
        "password_secure" => (
            "an object",
            r#"{"server_version": "9.2.1.32530", "target_version": "9.3.1.33994"}"#,
        ),
        "captures" => (
            "an object",
            r#"{"nugetcache_icacls": "captures/nugetcache.icacls.txt"}"#,
        ),
        "secret_server.installed_version" => return version(r#""10.9.000033""#),
        "secret_server.target_version" => return version(r#""11.1.000006""#),
        "privilege_manager.installed_version" | "privilege_manager.target_version" => {
            return version(r#""11.1.1156""#);
        }
        "privilege_manager.installed_packages" => (
            "an object of package ids and versions",
            r#"{"ThycoticTms": "11.0.1040", "ThycoticTmsCoreProduct": "11.0.1040"}"#,
        ),
        "privilege_manager.installed_packages.*" => return version(r#""11.0.1040""#),
        "password_secure.server_version"
        | "password_secure.target_version"
        | "password_secure.client_versions[]"
        | "password_secure.databases[].patch_level" => return version(r#""9.3.1.33994""#),
        "password_secure.apache_version" => return version(r#""2.4.62""#),
        "secret_server.web_dir" => return folder(r#""C:\\inetpub\\wwwroot\\SecretServer""#),
        "secret_server.backup_dir" => return folder(r#""C:\\SecretServerBackups""#),
        "secret_server.database_backup_dir" => return folder(r#""D:\\SQLBackups""#),
        "privilege_manager.web_dir" => return folder(r#""C:\\inetpub\\wwwroot\\TMS""#),
        "privilege_manager.database_backup_dir" => return folder(r#""D:\\SQLBackups""#),
        "password_secure.backup_dir" => return folder(r#""D:\\NPSBackups""#),
        "password_secure.web_app_dir" => {
            return folder(r#""C:\\inetpub\\wwwroot\\Web Application""#);
        }
        "password_secure.web_app_package" => {
            return folder(r#""C:\\Install\\WebApplication.zip""#);
        }
        "password_secure.apache_config" => return folder(r#""/etc/apache2/apache2.conf""#),
        "secret_server.database_backup_at"
        | "privilege_manager.upgraded_at"
        | "privilege_manager.database_backup_at"
        | "password_secure.backup_at" => TIME,
        "password_secure.maintenance_until" | "password_secure.target_release_date" => DATE,
        "password_secure.client_versions" => (
            "a list of versions (one alone is accepted too)",
            r#"["9.2.1.32530", "9.3.1.33994"]"#,
        ),
        "password_secure.databases" => (
            "a list of databases (one alone is accepted too)",
            r#"[{"name": "npwsConfigDb_PAM01", "active": true, "patch_level": "9.3.1.33994"}]"#,
        ),
        "password_secure.databases[]" => (
            "a database",
            r#"{"name": "npwsConfigDb_PAM01", "active": true, "patch_level": "9.3.1.33994"}"#,
        ),
        "password_secure.databases[].name" => {
            ("the database's name (a string)", r#""npwsConfigDb_PAM01""#)
        }
        "password_secure.databases[].active" => FLAG,
        "password_secure.services" => (
            "a list of services (one alone is accepted too)",
            r#"[{"name": "Netwrix Password Secure Service", "state": "stopped"}]"#,
        ),
        "password_secure.services[]" => (
            "a service",
            r#"{"name": "Netwrix Password Secure Service", "state": "stopped"}"#,
        ),
        "password_secure.services[].name" => (
            "the service's name (a string)",
            r#""Netwrix Password Secure Service""#,
        ),
        "password_secure.services[].state" => (r#""running" or "stopped""#, r#""stopped""#),
        "password_secure.web_server" => (r#""iis" or "apache""#, r#""iis""#),
        "password_secure.client_update_check_for_users"
        | "password_secure.server_manager_password_noted" => FLAG,
        "captures.nugetcache_icacls" => (
            "a file path relative to facts.json (a string)",
            r#""captures/nugetcache.icacls.txt""#,
        ),
        _ => {
            // A single item where a list is wanted: `services.state` is `services[].state`.
            let (list, rest) = ["password_secure.services", "password_secure.databases"]
                .iter()
                .find_map(|l| pattern.strip_prefix(l).map(|r| (*l, r)))?;
            if rest.starts_with('.') {
                return shape(&format!("{list}[]{rest}"));
            }
            return None;
        }
    })
}

/// What the value at `offset` is, in the words of the messages: `a list`, `an object`,
/// `the string "24"`, `the number 24`, `true`, `null`.
fn found(text: &str, offset: usize) -> String {
    let rest = &text[offset..];
    let end = Scanner::new(text, offset)
        .skip_value()
        .unwrap_or(text.len());
    let token = &text[offset..end];
    let short = |s: &str| {
        if s.chars().count() > 40 {
            format!("{}…", s.chars().take(40).collect::<String>())
        } else {
            s.to_string()
        }
    };
    match rest.as_bytes().first() {
        Some(b'[') => "a list".into(),
        Some(b'{') => "an object".into(),
        Some(b'"') => format!("the string {}", short(token)),
        Some(b't' | b'f') => token.to_string(),
        Some(b'n') => "null".into(),
        Some(_) => format!("the number {}", short(token)),
        None => "the end of the file".into(),
    }
}

/// Byte offset of the value at `keys` in `text` (JSON), or `None` when the text does not
/// hold it (it is not valid JSON up to there).
pub(super) fn locate(text: &str, keys: &[Key]) -> Option<usize> {
    let mut s = Scanner::new(text, 0);
    s.ws();
    for key in keys {
        match key {
            Key::Name(name) => {
                let v = s.i;
                s.i = member_value(text, v, name)?;
            }
            Key::Index(n) => {
                s.expect(b'[')?;
                for _ in 0..*n {
                    s.ws();
                    s.i = s.skip_value()?;
                    s.ws();
                    s.expect(b',')?;
                }
                s.ws();
                if s.peek() == Some(b']') {
                    return None;
                }
            }
        }
    }
    Some(s.i)
}

/// In the object starting at `object`, the offset of member `name`'s value.
fn member_value(text: &str, object: usize, name: &str) -> Option<usize> {
    let key = member(text, object, name, false)?;
    let mut s = Scanner::new(text, key);
    s.i = s.skip_value()?;
    s.ws();
    s.expect(b':')?;
    s.ws();
    Some(s.i)
}

/// In the object starting at `object`, the offset of the key `name` (its first
/// occurrence, or its last with `last`).
fn member(text: &str, object: usize, name: &str, last: bool) -> Option<usize> {
    let mut s = Scanner::new(text, object);
    s.expect(b'{')?;
    let mut hit = None;
    loop {
        s.ws();
        if s.peek() != Some(b'"') {
            return hit;
        }
        let start = s.i;
        s.i = s.skip_value()?;
        let key: String = serde_json::from_str(&text[start..s.i]).ok()?;
        if key == name {
            if !last {
                return Some(start);
            }
            hit = Some(start);
        }
        s.ws();
        s.expect(b':')?;
        s.ws();
        s.i = s.skip_value()?;
        s.ws();
        if s.expect(b',').is_none() {
            return hit;
        }
    }
}

/// A cursor over JSON text that can skip values; it never panics, whatever the text.
struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str, i: usize) -> Self {
        Scanner {
            b: text.as_bytes(),
            i,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn expect(&mut self, c: u8) -> Option<()> {
        (self.peek() == Some(c)).then(|| self.i += 1)
    }

    /// The offset just past the value at the cursor (the cursor does not move).
    fn skip_value(&self) -> Option<usize> {
        let mut i = self.i;
        match *self.b.get(i)? {
            b'"' => self.string_end(i),
            b'{' | b'[' => {
                let mut depth = 0usize;
                loop {
                    match *self.b.get(i)? {
                        b'"' => {
                            i = self.string_end(i)?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth = depth.checked_sub(1)?;
                            if depth == 0 {
                                return Some(i + 1);
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
            }
            _ => {
                while self.b.get(i).is_some_and(|b| {
                    !matches!(b, b',' | b':' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                }) {
                    i += 1;
                }
                (i > self.i).then_some(i)
            }
        }
    }

    /// The offset just past the string whose opening quote is at `i`.
    fn string_end(&self, mut i: usize) -> Option<usize> {
        i += 1;
        loop {
            match *self.b.get(i)? {
                b'\\' => i += 2,
                b'"' => return Some(i + 1),
                _ => i += 1,
            }
        }
    }
}

/// A list, or (as PowerShell's `ConvertTo-Json` writes a one-element array) its single
/// item alone; `null` is no list.
pub(super) fn one_or_many<'de, D, T>(d: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct OneOrMany<T>(PhantomData<T>);

    impl<'de, T: Deserialize<'de>> Visitor<'de> for OneOrMany<T> {
        type Value = Option<Vec<T>>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list or a single item")
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(item) = seq.next_element()? {
                out.push(item);
            }
            Ok(Some(out))
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            T::deserialize(de::value::MapAccessDeserializer::new(map)).map(|t| Some(vec![t]))
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            T::deserialize(v.into_deserializer()).map(|t| Some(vec![t]))
        }

        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            T::deserialize(v.into_deserializer()).map(|t| Some(vec![t]))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            T::deserialize(v.into_deserializer()).map(|t| Some(vec![t]))
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            T::deserialize(v.into_deserializer()).map(|t| Some(vec![t]))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            T::deserialize(v.into_deserializer()).map(|t| Some(vec![t]))
        }
    }

    d.deserialize_any(OneOrMany(PhantomData))
}

/// [`one_or_many`] for a list that defaults to empty.
pub(super) fn one_or_many_or_empty<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    one_or_many(d).map(Option::unwrap_or_default)
}

/// An enum value written in any case: `what` names the kind ("a service state") and
/// `values` are the spellings of [`shape`]'s messages, each with its value.
pub(super) fn enum_value<'de, D, T: Copy>(
    d: D,
    what: &'static str,
    values: &'static [(&'static str, T)],
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    struct Named<T: 'static> {
        what: &'static str,
        values: &'static [(&'static str, T)],
    }

    impl<T: 'static> Named<T> {
        fn valid(&self) -> String {
            let names: Vec<String> = self.values.iter().map(|(n, _)| format!("{n:?}")).collect();
            format!("write {} (any case)", names.join(" or "))
        }
    }

    impl<'de, T: Copy + 'static> Visitor<'de> for Named<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "{}", self.what)
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            if let Some((_, value)) = self
                .values
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(v.trim()))
            {
                return Ok(*value);
            }
            let help = match did_you_mean(v, self.values.iter().map(|(n, _)| *n)) {
                Some(near) => format!("did you mean {near:?}? ({})", self.valid()),
                None => self.valid(),
            };
            Err(invalid(format!("{v:?} is not {}", self.what), help))
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
            Err(invalid(
                format!("the number {v} is not {}", self.what),
                format!(
                    "{} as a string; PowerShell's ConvertTo-Json writes an enum such as a service's Status as a number unless given -EnumsAsStrings (PowerShell 7) or the value as a string (\"$($_.Status)\")",
                    self.valid()
                ),
            ))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
            Err(invalid(
                format!("the number {v} is not {}", self.what),
                self.valid(),
            ))
        }
    }

    d.deserialize_any(Named { what, values })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> Key {
        Key::Name(s.into())
    }

    #[test]
    fn locate_finds_values_and_keys() {
        let text = "{\n  \"a\": {\"b\": [1, {\"c\": \"x\"}],\n  \"d\": true},\n  \"e\": null\n}";
        let at = |keys: &[Key]| locate(text, keys).map(|o| &text[o..o + 1]);
        assert_eq!(at(&[]), Some("{"));
        assert_eq!(at(&[name("a")]), Some("{"));
        assert_eq!(at(&[name("a"), name("b"), Key::Index(0)]), Some("1"));
        assert_eq!(
            at(&[name("a"), name("b"), Key::Index(1), name("c")]),
            Some("\"")
        );
        assert_eq!(at(&[name("a"), name("d")]), Some("t"));
        assert_eq!(at(&[name("e")]), Some("n"));
        assert_eq!(at(&[name("zz")]), None);
        assert_eq!(at(&[name("a"), name("b"), Key::Index(2)]), None);
        let o = locate(text, &[name("a")]).unwrap();
        assert_eq!(
            member(text, o, "d", false).map(|k| &text[k..k + 3]),
            Some("\"d\"")
        );
    }

    #[test]
    fn locate_survives_broken_text() {
        for text in [
            "",
            "{",
            "{\"a\"",
            "{\"a\": [1,",
            "{\"a\": \"\\",
            "[}",
            "{\"a\":]",
        ] {
            let _ = locate(text, &[name("a"), Key::Index(3), name("b")]);
            let _ = found(text, 0);
        }
    }

    #[test]
    fn paths_display_as_written_in_javascript() {
        let keys = [
            name("password_secure"),
            name("services"),
            Key::Index(0),
            name("state"),
        ];
        assert_eq!(display(&keys), "password_secure.services[0].state");
        assert_eq!(pattern(&keys), "password_secure.services[].state");
        let keys = [
            name("privilege_manager"),
            name("installed_packages"),
            name("Thycotic.Tms"),
        ];
        assert_eq!(
            display(&keys),
            "privilege_manager.installed_packages[\"Thycotic.Tms\"]"
        );
        assert_eq!(pattern(&keys), "privilege_manager.installed_packages.*");
    }

    #[test]
    fn a_single_item_has_the_shape_of_a_list_item() {
        assert_eq!(
            shape("password_secure.services.state"),
            shape("password_secure.services[].state")
        );
        assert!(shape("password_secure.services.nonsense").is_none());
    }
}

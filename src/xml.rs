//! A small, strict XML element tree with source positions, for web.config,
//! applicationHost.config and .nuspec files.
//!
//! Rules need "the `<add>` element under `appSettings`, and its line", not a full XML
//! toolkit, so the tree keeps only elements, their attributes, their text and where each
//! starts. The files come from copies of servers we do not control, so parsing is strict:
//! anything that is not well-formed XML is an error with a line and column, never a
//! partial tree that could make a rule pass on half a file. Document type declarations
//! are refused outright (these files never have one, and refusing them rules out entity
//! expansion attacks), nesting is capped, and the tree is built without recursion.
//!
//! Events come from quick-xml, which checks tag syntax and end-tag names; what it leaves
//! to its callers (unclosed elements at the end, root element count, stray text,
//! characters, names, entities) is checked here.

use std::fmt;

use quick_xml::XmlVersion;
use quick_xml::errors::{Error as QxError, IllFormedError};
use quick_xml::escape::{EscapeError, resolve_xml_entity};
use quick_xml::events::attributes::AttrError;
use quick_xml::events::{BytesDecl, BytesRef, BytesStart, BytesText, Event};
use quick_xml::reader::Reader;

use crate::text::{self, Encoding, LineIndex, Pos, floor_char_boundary};

/// Deepest element nesting accepted. Real configuration files stay below 20 levels; the
/// cap bounds the work and memory a crafted file can demand.
pub const MAX_DEPTH: usize = 256;

/// An attribute; `value` has its references resolved and its whitespace normalized as
/// XML requires (a tab or line break inside a value reads as a space).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    pub name: String,
    pub value: String,
    /// Position of the attribute's name.
    pub pos: Pos,
}

/// An element with its attributes, child elements and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// The name as written, prefix included (`asm:assemblyBinding`).
    pub name: String,
    pub attributes: Vec<Attribute>,
    pub children: Vec<Element>,
    /// The element's own text and CDATA content (not its children's), concatenated,
    /// references resolved, leading and trailing whitespace removed.
    pub text: String,
    /// Position of the `<` that starts the element.
    pub pos: Pos,
}

impl Element {
    /// The name without its namespace prefix.
    pub fn local_name(&self) -> &str {
        self.name
            .split_once(':')
            .map_or(self.name.as_str(), |(_, local)| local)
    }

    /// The attribute with exactly this name (case-sensitive, prefix included).
    pub fn attr(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// The child elements with this local name, in document order. The elements borrow
    /// from `self` only, so they outlive a temporary `local`.
    pub fn children_named<'a, 'n>(
        &'a self,
        local: &'n str,
    ) -> impl Iterator<Item = &'a Element> + use<'a, 'n> {
        self.children
            .iter()
            .filter(move |c| c.local_name() == local)
    }

    /// The first child element with this local name.
    pub fn child(&self, local: &str) -> Option<&Element> {
        self.children_named(local).next()
    }
}

/// A parsed file: its root element and the encoding it was decoded from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub root: Element,
    pub encoding: Encoding,
}

/// Why a file is not acceptable XML, and where (when a place can be named).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError {
    pub pos: Option<Pos>,
    pub message: String,
}

impl fmt::Display for XmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.pos {
            Some(pos) => write!(f, "{pos}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for XmlError {}

/// Decodes a file (see [`text::decode`]) and parses it.
pub fn parse(bytes: &[u8]) -> Result<Document, XmlError> {
    let decoded = text::decode(bytes).map_err(|e| XmlError {
        pos: Some(e.pos(bytes)),
        message: format!("{} (byte offset {})", e.message, e.offset),
    })?;
    let text = decoded
        .text
        .strip_prefix('\u{FEFF}')
        .unwrap_or(&decoded.text);
    let root = Builder::new(text, Some(decoded.encoding)).run()?;
    Ok(Document {
        root,
        encoding: decoded.encoding,
    })
}

/// Parses XML text into its root element. Positions are relative to `text`, except that
/// a leading byte order mark character is skipped and not counted.
pub fn parse_str(text: &str) -> Result<Element, XmlError> {
    // A byte order mark can survive into text (a doubled mark, or text read without
    // decoding); it is not content, and editors do not show it as a column.
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    Builder::new(text, None).run()
}

/// Builds the tree from quick-xml's events with an explicit stack of open elements.
struct Builder<'t> {
    text: &'t str,
    locator: Locator,
    /// Open elements, outermost first; the last one receives children and text.
    open: Vec<Element>,
    root: Option<Element>,
    /// What the bytes were decoded from, when parsing a file (not text).
    bytes: Option<Encoding>,
}

impl<'t> Builder<'t> {
    fn new(text: &'t str, bytes: Option<Encoding>) -> Self {
        Self {
            text,
            locator: Locator::new(text),
            open: Vec::new(),
            root: None,
            bytes,
        }
    }

    fn run(mut self) -> Result<Element, XmlError> {
        if let Some((offset, c)) = self.text.char_indices().find(|&(_, c)| !is_xml_char(c)) {
            return Err(self.error(
                offset,
                format!("character U+{:04X} is not allowed in XML", u32::from(c)),
            ));
        }
        let mut reader = Reader::from_str(self.text);
        // Comments with `--` and mismatched end tags are errors too. The defaults already
        // refuse a bare `&` and unmatched end tags, and trim nothing, which keeps text
        // exact and event offsets pointing at the `<` of each tag.
        reader.config_mut().enable_all_checks(true);
        loop {
            // With nothing trimmed, an event starts where the previous one ended.
            let at = to_usize(reader.buffer_position());
            let event = match reader.read_event() {
                Ok(event) => event,
                Err(e) => return Err(self.reader_error(e, to_usize(reader.error_position()))),
            };
            match event {
                Event::Start(start) => {
                    let element = self.element(&start, at)?;
                    self.open.push(element);
                }
                Event::Empty(start) => {
                    let element = self.element(&start, at)?;
                    self.close(element);
                }
                Event::End(_) => match self.open.pop() {
                    Some(element) => self.close(element),
                    // quick-xml refuses unmatched end tags itself; kept as an error
                    // rather than trusted, since the input is hostile.
                    None => return Err(self.error(at, "end tag without a start tag")),
                },
                Event::Text(content) => self.text(&content, at)?,
                Event::CData(content) => {
                    let own = self.own_text(at, "CDATA section")?;
                    own.push_str(&content.xml10_content());
                }
                Event::GeneralRef(reference) => self.reference(&reference, at)?,
                Event::Decl(decl) => self.declaration(&decl, at)?,
                Event::DocType(_) => {
                    return Err(self.error(
                        at,
                        "document type declarations (<!DOCTYPE …>) are not supported",
                    ));
                }
                Event::Comment(_) | Event::PI(_) => {}
                Event::Eof => return self.finish(),
            }
        }
    }

    /// The end of input: exactly one root element, and everything closed.
    fn finish(self) -> Result<Element, XmlError> {
        if let Some(unclosed) = self.open.last() {
            return Err(XmlError {
                pos: Some(unclosed.pos),
                message: format!(
                    "element <{0}> is not closed: the file ends before </{0}>",
                    unclosed.name
                ),
            });
        }
        match self.root {
            Some(root) => Ok(root),
            None => Err(self.error(self.text.len(), "no root element")),
        }
    }

    /// A new element from its start tag at `at`, attributes checked and resolved.
    fn element(&mut self, start: &BytesStart<'_>, at: usize) -> Result<Element, XmlError> {
        let name = start.name().as_ref().to_owned();
        if !is_name(&name) {
            return Err(self.error(at, format!("invalid element name `{name}`")));
        }
        if self.open.is_empty() {
            if let Some(root) = &self.root {
                return Err(self.error(
                    at,
                    format!(
                        "second root element <{name}>: the document already ended with <{}> \
                         at {}",
                        root.name, root.pos
                    ),
                ));
            }
        } else if self.open.len() >= MAX_DEPTH {
            return Err(self.error(
                at,
                format!("elements are nested more than {MAX_DEPTH} levels deep"),
            ));
        }
        let pos = self.locator.pos(self.text, at);

        // The tag's content (between `<` and `>`) starts right after the `<`; attribute
        // names are slices of it, which is how their offsets are found.
        let content: &str = start;
        let body = at.saturating_add(1);
        let mut attributes: Vec<Attribute> = Vec::new();
        for attr in start.attributes() {
            let attr = attr.map_err(|e| self.attribute_syntax_error(&e, content, body))?;
            let key = attr.key.as_ref();
            let rel = offset_within(content, key).unwrap_or(0);
            let key_at = body.saturating_add(rel);
            let preceding = rel
                .checked_sub(1)
                .and_then(|i| content.as_bytes().get(i).copied());
            if preceding.is_some_and(|b| !is_xml_space(char::from(b))) {
                return Err(self.error(key_at, "attributes must be separated by whitespace"));
            }
            if !is_name(key) {
                return Err(self.error(key_at, format!("invalid attribute name `{key}`")));
            }
            if attr.value.contains('<') {
                return Err(self.error(
                    key_at,
                    format!("attribute `{key}` contains `<`, which must be written `&lt;`"),
                ));
            }
            let value = attr
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|e| self.error(key_at, attribute_value_message(key, &e)))?;
            // The raw text was checked for bad characters already; a bad one here came
            // from a character reference.
            if value.chars().any(|c| !is_xml_char(c)) {
                return Err(self.error(
                    key_at,
                    format!("attribute `{key}` refers to a character not allowed in XML"),
                ));
            }
            attributes.push(Attribute {
                name: key.to_owned(),
                value: value.into_owned(),
                pos: self.locator.pos(self.text, key_at),
            });
        }
        Ok(Element {
            name,
            attributes,
            children: Vec::new(),
            text: String::new(),
            pos,
        })
    }

    /// Attaches a complete element to its parent, or makes it the root.
    fn close(&mut self, mut element: Element) {
        let trimmed = element.text.trim_matches(is_xml_space);
        if trimmed.len() != element.text.len() {
            element.text = trimmed.to_owned();
        }
        match self.open.last_mut() {
            Some(parent) => parent.children.push(element),
            None => self.root = Some(element),
        }
    }

    /// The text buffer of the innermost open element, or an error for `what` appearing
    /// outside the root element.
    fn own_text(&mut self, at: usize, what: &str) -> Result<&mut String, XmlError> {
        let where_ = if self.root.is_some() {
            "after"
        } else {
            "before"
        };
        match self.open.last_mut() {
            Some(element) => Ok(&mut element.text),
            None => Err(error_at(
                &self.locator.index,
                self.text,
                at,
                format!("{what} {where_} the root element"),
            )),
        }
    }

    fn text(&mut self, content: &BytesText<'_>, at: usize) -> Result<(), XmlError> {
        let raw: &str = content;
        if self.open.is_empty() {
            // Only whitespace may surround the root element.
            return match raw.find(|c| !is_xml_space(c)) {
                Some(rel) => self.own_text(at.saturating_add(rel), "text").map(|_| ()),
                None => Ok(()),
            };
        }
        if let Some(rel) = raw.find("]]>") {
            return Err(self.error(at.saturating_add(rel), "`]]>` is not allowed in text"));
        }
        let own = self.own_text(at, "text")?;
        // Leading whitespace is trimmed at the end anyway; skipping it here keeps the
        // indentation between children of large elements out of memory.
        if !(own.is_empty() && raw.chars().all(is_xml_space)) {
            own.push_str(&content.xml10_content());
        }
        Ok(())
    }

    /// `&name;` or `&#…;` in text. Without a DTD only the five predefined entities exist.
    fn reference(&mut self, reference: &BytesRef<'_>, at: usize) -> Result<(), XmlError> {
        let name: &str = reference;
        let resolved = if reference.is_char_ref() {
            match reference.resolve_char_ref() {
                Ok(Some(c)) if is_xml_char(c) => c.to_string(),
                _ => {
                    return Err(self.error(
                        at,
                        format!("`&{name};` is not a reference to a character allowed in XML"),
                    ));
                }
            }
        } else {
            match resolve_xml_entity(name) {
                Some(value) => value.to_owned(),
                None => return Err(self.error(at, format!("unknown entity `&{name};`"))),
            }
        };
        self.own_text(at, "entity reference")?.push_str(&resolved);
        Ok(())
    }

    /// `<?xml …?>`: checked for form, and its encoding against the bytes as .NET does.
    ///
    /// The byte order mark (or its absence, meaning UTF-8) decides the decoding; the
    /// declaration comes second. A declaration of `utf-16` (or `ucs-2`,
    /// `iso-10646-ucs-2`) on bytes that are not UTF-16 is a fatal error: XML 1.0 §4.3.3
    /// makes an entity presented in another encoding than it declares an error, and
    /// System.Xml's `XmlTextReaderImpl.CheckEncoding` (Reference Source, e.g.
    /// mono/mono `mcs/class/referencesource/System.Xml/System/Xml/Core/XmlTextReaderImpl.cs`)
    /// throws `Xml_MissingByteOrderMark`, "There is no Unicode byte order mark. Cannot
    /// switch to Unicode.", so TMS cannot read such a web.config at all. (String-built XML
    /// from .NET declares utf-16 and is often saved as UTF-8.) Other declared names are
    /// left to the byte order mark, which .NET also trusts first.
    fn declaration(&self, decl: &BytesDecl<'_>, at: usize) -> Result<(), XmlError> {
        if at != 0 {
            return Err(self.error(
                at,
                "the XML declaration must be at the very start of the file",
            ));
        }
        match decl.xml_version() {
            Ok(XmlVersion::Explicit1_0) => {}
            Ok(_) => {
                return Err(self.error(at, "unsupported XML version (only 1.0 is accepted)"));
            }
            Err(e) => return Err(self.error(at, format!("bad XML declaration: {e}"))),
        }
        match decl.encoding() {
            Some(Err(e)) => Err(self.error(at, format!("bad XML declaration: {e}"))),
            Some(Ok(name)) => {
                let name = name.to_ascii_lowercase();
                let unicode = matches!(name.as_str(), "utf-16" | "ucs-2" | "iso-10646-ucs-2");
                match self.bytes {
                    Some(bytes @ (Encoding::Utf8 | Encoding::Utf8Bom)) if unicode => Err(self
                        .error(
                            at,
                            format!(
                                "the declaration says encoding=\"{name}\" but the file is {bytes} \
                                 (no UTF-16 byte order mark); .NET refuses it (\"There is no \
                                 Unicode byte order mark. Cannot switch to Unicode.\"): save it \
                                 as UTF-16 or declare encoding=\"utf-8\""
                            ),
                        )),
                    _ => Ok(()),
                }
            }
            None => Ok(()),
        }
    }

    fn reader_error(&self, error: QxError, at: usize) -> XmlError {
        let message = match &error {
            QxError::IllFormed(IllFormedError::MismatchedEndTag { expected, found }) => {
                match self.open.last() {
                    Some(open) => format!(
                        "end tag </{found}> does not match start tag <{expected}> at {}",
                        open.pos
                    ),
                    None => format!("end tag </{found}> does not match start tag <{expected}>"),
                }
            }
            QxError::IllFormed(IllFormedError::UnmatchedEndTag(name)) => {
                format!("end tag </{name}> has no start tag")
            }
            QxError::IllFormed(IllFormedError::DoubleHyphenInComment) => {
                "`--` is not allowed inside a comment".to_owned()
            }
            QxError::IllFormed(IllFormedError::UnclosedReference) => {
                "`&` must start a reference ending in `;` (write `&amp;` for a literal `&`)"
                    .to_owned()
            }
            // Without quick-xml's "syntax error:" prefix; the message says what is wrong.
            QxError::Syntax(e) => e.to_string(),
            other => other.to_string(),
        };
        self.error(at, message)
    }

    fn attribute_syntax_error(&self, error: &AttrError, content: &str, body: usize) -> XmlError {
        let (rel, message) = match *error {
            AttrError::ExpectedEq(rel) => {
                (rel, "attribute name must be followed by `=`".to_owned())
            }
            AttrError::ExpectedValue(rel) => {
                (rel, "`=` must be followed by a quoted value".to_owned())
            }
            AttrError::UnquotedValue(rel) => (rel, "attribute value must be in quotes".to_owned()),
            AttrError::ExpectedQuote(rel, quote) => (
                rel,
                format!(
                    "attribute value is missing its closing {}",
                    char::from(quote)
                ),
            ),
            AttrError::Duplicated(rel, first) => {
                let name = content
                    .get(rel..)
                    .unwrap_or_default()
                    .split(|c: char| c == '=' || is_xml_space(c))
                    .next()
                    .unwrap_or_default();
                let first = self
                    .locator
                    .index
                    .pos(self.text, body.saturating_add(first));
                (
                    rel,
                    format!("duplicate attribute `{name}` (first at {first})"),
                )
            }
        };
        self.error(body.saturating_add(rel), message)
    }

    fn error(&self, offset: usize, message: impl Into<String>) -> XmlError {
        error_at(&self.locator.index, self.text, offset, message)
    }
}

fn error_at(index: &LineIndex, text: &str, offset: usize, message: impl Into<String>) -> XmlError {
    XmlError {
        pos: Some(index.pos(text, offset)),
        message: message.into(),
    }
}

/// Byte offset → position for offsets that mostly arrive in document order.
///
/// The column is counted on from the previous position when it is on the same line, so
/// a huge single-line file costs one pass rather than one pass per element.
struct Locator {
    index: LineIndex,
    last_offset: usize,
    last: Pos,
}

impl Locator {
    fn new(text: &str) -> Self {
        Self {
            index: LineIndex::new(text),
            last_offset: 0,
            last: Pos { line: 1, column: 1 },
        }
    }

    fn pos(&mut self, text: &str, offset: usize) -> Pos {
        let offset = floor_char_boundary(text, offset);
        let (line, line_start) = self.index.line_start(offset);
        let (from, column) = if line == self.last.line && offset >= self.last_offset {
            (self.last_offset, self.last.column)
        } else {
            (line_start, 1)
        };
        let Some(between) = text.get(from..offset) else {
            return self.index.pos(text, offset);
        };
        let counted = u32::try_from(between.chars().count()).unwrap_or(u32::MAX);
        let pos = Pos {
            line,
            column: column.saturating_add(counted),
        };
        self.last_offset = offset;
        self.last = pos;
        pos
    }
}

fn attribute_value_message(key: &str, error: &QxError) -> String {
    match error {
        QxError::Escape(EscapeError::UnrecognizedEntity(_, name)) => {
            format!("attribute `{key}` uses unknown entity `&{name};`")
        }
        QxError::Escape(EscapeError::UnterminatedEntity(_)) => format!(
            "attribute `{key}` has an `&` without a closing `;` (write `&amp;` for a literal `&`)"
        ),
        QxError::Escape(EscapeError::InvalidCharRef(e)) => {
            format!("attribute `{key}` has an invalid character reference: {e}")
        }
        other => format!("attribute `{key}`: {other}"),
    }
}

/// Where `inner`, a slice of `outer`, starts within it.
fn offset_within(outer: &str, inner: &str) -> Option<usize> {
    let start = inner.as_ptr().addr().checked_sub(outer.as_ptr().addr())?;
    (start.checked_add(inner.len())? <= outer.len()).then_some(start)
}

fn to_usize(offset: u64) -> usize {
    usize::try_from(offset).unwrap_or(usize::MAX)
}

fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// XML 1.0 `Char`: what may appear in a document at all.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// XML 1.0 (fifth edition) `Name`.
fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(is_name_start_char) && chars.all(is_name_char)
}

fn is_name_start_char(c: char) -> bool {
    matches!(c,
        ':' | 'A'..='Z' | '_' | 'a'..='z'
        | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}'
        | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}'
        | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}'
        | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}' | '\u{10000}'..='\u{EFFFF}')
}

fn is_name_char(c: char) -> bool {
    is_name_start_char(c)
        || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A web.config shaped like the ones the rules read; `<add` on line 4 starts at
    /// column 5 (four spaces of indentation).
    const WEB_CONFIG: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>
<configuration>
  <appSettings>
    <add key=\"nuget:source:SolutionCentre\" value=\"C:\\ProgramData\\NugetCache\\\" />
    <add key=\"a&amp;b\" value=\"x &lt; y &#x41;&#66;\" />
  </appSettings>
  <!-- <add key=\"commented-out\" /> -->
  <runtime>
    <asm:assemblyBinding xmlns:asm=\"urn:schemas-microsoft-com:asm.v1\">
      <asm:dependentAssembly />
    </asm:assemblyBinding>
  </runtime>
  <?some-pi data?>
  <note>
    <![CDATA[a<b]]> &amp; c
  </note>
</configuration>
";

    fn utf16(text: &str, little_endian: bool) -> Vec<u8> {
        let mut bytes = if little_endian {
            vec![0xFF, 0xFE]
        } else {
            vec![0xFE, 0xFF]
        };
        for unit in text.encode_utf16() {
            bytes.extend(if little_endian {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            });
        }
        bytes
    }

    fn pos(line: u32, column: u32) -> Pos {
        Pos { line, column }
    }

    /// The position of a parse error, asserting that it is one.
    fn error_pos(text: &str) -> (Pos, String) {
        match parse_str(text) {
            Ok(root) => panic!("parsed {text:?} into {root:?}"),
            Err(XmlError {
                pos: Some(pos),
                message,
            }) => (pos, message),
            Err(e) => panic!("no position in {e:?}"),
        }
    }

    fn assert_error(text: &str, expected: Pos, needle: &str) {
        let (pos, message) = error_pos(text);
        assert_eq!(pos, expected, "{message} for {text:?}");
        assert!(
            message.contains(needle),
            "{message:?} lacks {needle:?} for {text:?}"
        );
    }

    #[test]
    fn web_config_tree() {
        let root = parse_str(WEB_CONFIG).unwrap();
        assert_eq!(root.name, "configuration");
        assert_eq!(root.pos, pos(2, 1));
        let names: Vec<&str> = root.children.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["appSettings", "runtime", "note"]);

        let settings = root.child("appSettings").unwrap();
        let adds: Vec<&Element> = settings.children_named("add").collect();
        assert_eq!(adds.len(), 2);
        assert_eq!(adds[0].pos, pos(4, 5));
        let key = adds[0].attr("key").unwrap();
        assert_eq!(key.value, "nuget:source:SolutionCentre");
        assert_eq!(key.pos, pos(4, 10));
        assert_eq!(
            adds[0].attr("value").unwrap().value,
            "C:\\ProgramData\\NugetCache\\"
        );
        assert_eq!(adds[0].attr("value").unwrap().pos, pos(4, 44));
        assert_eq!(adds[1].attr("key").unwrap().value, "a&b");
        assert_eq!(adds[1].attr("value").unwrap().value, "x < y AB");
        assert!(
            adds[0].attr("Key").is_none(),
            "attribute names are case-sensitive"
        );

        let binding = root
            .child("runtime")
            .unwrap()
            .child("assemblyBinding")
            .unwrap();
        assert_eq!(binding.name, "asm:assemblyBinding");
        assert_eq!(binding.local_name(), "assemblyBinding");
        assert_eq!(binding.children[0].local_name(), "dependentAssembly");
        assert_eq!(
            binding.attr("xmlns:asm").unwrap().value,
            "urn:schemas-microsoft-com:asm.v1"
        );

        let note = root.child("note").unwrap();
        assert_eq!(note.text, "a<b & c");
        assert_eq!(note.pos, pos(14, 3));
        assert_eq!(settings.text, "", "indentation is not text");
        assert!(root.child("missing").is_none());
    }

    #[test]
    fn same_tree_in_every_encoding_and_line_ending() {
        let crlf = WEB_CONFIG.replace('\n', "\r\n");
        let mut utf8_bom = b"\xEF\xBB\xBF".to_vec();
        utf8_bom.extend_from_slice(WEB_CONFIG.as_bytes());
        let inputs = [
            (WEB_CONFIG.as_bytes().to_vec(), Encoding::Utf8),
            (utf8_bom, Encoding::Utf8Bom),
            (utf16(WEB_CONFIG, true), Encoding::Utf16Le),
            (utf16(WEB_CONFIG, false), Encoding::Utf16Be),
            (crlf.as_bytes().to_vec(), Encoding::Utf8),
            (utf16(&crlf, true), Encoding::Utf16Le),
        ];
        let expected = parse_str(WEB_CONFIG).unwrap();
        for (bytes, encoding) in inputs {
            let doc = parse(&bytes).unwrap();
            assert_eq!(doc.encoding, encoding);
            assert_eq!(doc.root, expected, "{encoding}");
            let add = doc.root.child("appSettings").unwrap().child("add").unwrap();
            assert_eq!(
                add.attr("key").unwrap().value,
                "nuget:source:SolutionCentre"
            );
            assert_eq!(add.pos, pos(4, 5), "{encoding}");
        }
    }

    #[test]
    fn a_utf16_declaration_on_utf8_bytes_is_refused_as_dotnet_does() {
        // Saved as UTF-8 without a BOM by a tool that wrote encoding="utf-16" anyway.
        let text = "<?xml version=\"1.0\" encoding=\"utf-16\"?>\n<a x=\"é\"/>";
        let e = parse(text.as_bytes()).unwrap_err();
        assert_eq!(e.pos, Some(pos(1, 1)));
        assert!(e.message.contains("encoding=\"utf-16\""), "{e}");
        assert!(
            e.message.contains("There is no Unicode byte order mark"),
            "{e}"
        );
        // With a UTF-8 BOM too, and for the other names .NET treats as UTF-16.
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.replace("utf-16", "UCS-2").as_bytes());
        let e = parse(&bom).unwrap_err();
        assert!(e.message.contains("UTF-8 with BOM"), "{e}");
        // Bytes that are UTF-16 (BOM first) agree with the declaration.
        let doc = parse(&utf16(text, true)).unwrap();
        assert_eq!(doc.encoding, Encoding::Utf16Le);
        assert_eq!(doc.root.attr("x").unwrap().pos, pos(2, 4));
        // The byte order mark decides over other declared names.
        let doc = parse(&utf16(&text.replace("utf-16", "utf-8"), true)).unwrap();
        assert_eq!(doc.encoding, Encoding::Utf16Le);
        // Text already decoded has no bytes to disagree with.
        assert!(parse_str(text).is_ok());
    }

    #[test]
    fn columns_count_characters() {
        let root = parse_str("<a>\n  <b>日本語</b><c é=\"ü\" d=\"1\"/>\n</a>").unwrap();
        let c = root.child("c").unwrap();
        assert_eq!(c.pos, pos(2, 13));
        assert_eq!(c.attr("é").unwrap().pos, pos(2, 16));
        assert_eq!(c.attr("d").unwrap().pos, pos(2, 22));
        assert_eq!(root.child("b").unwrap().text, "日本語");
    }

    #[test]
    fn a_leading_bom_character_is_not_a_column() {
        let root = parse_str("\u{FEFF}<a>\n <b/></a>").unwrap();
        assert_eq!(root.pos, pos(1, 1));
        assert_eq!(root.children[0].pos, pos(2, 2));
    }

    #[test]
    fn attribute_values_are_normalized_as_xml_requires() {
        let root = parse_str("<a v=\"one\r\n\ttwo&#10;three\" w='&quot;&apos;&gt;'/>").unwrap();
        assert_eq!(root.attr("v").unwrap().value, "one  two\nthree");
        assert_eq!(root.attr("w").unwrap().value, "\"'>");
    }

    #[test]
    fn text_is_concatenated_and_trimmed() {
        let root =
            parse_str("<a>\r\n  one &lt;<!-- c --> two\r\n  three <b/> four  \n</a>").unwrap();
        assert_eq!(root.text, "one < two\n  three  four");
    }

    #[test]
    fn mismatched_end_tag() {
        assert_error(
            "<a>\n  <b>\n  </c>\n</a>",
            pos(3, 3),
            "end tag </c> does not match start tag <b> at line 2, column 3",
        );
    }

    #[test]
    fn unclosed_elements_at_end_of_file() {
        assert_error(
            "<configuration>\n  <appSettings>\n    <add key=\"x\" />\n",
            pos(2, 3),
            "element <appSettings> is not closed: the file ends before </appSettings>",
        );
        assert_error("<a>", pos(1, 1), "<a> is not closed");
    }

    #[test]
    fn truncated_inside_markup() {
        assert_error(
            "<a>\n  <add key=\"x",
            pos(2, 3),
            "attribute value not closed",
        );
        assert_error("<a>\n  <add key", pos(2, 3), "tag not closed");
        assert_error("<a>\n <!-- x", pos(2, 2), "comment not closed");
        assert_error("<a>\n <![CDATA[x", pos(2, 2), "CDATA not closed");
    }

    #[test]
    fn every_truncation_of_a_valid_file_is_an_error() {
        let complete = WEB_CONFIG.trim_end();
        for end in 0..complete.len() {
            let prefix = &complete[..end];
            let error = parse_str(prefix).expect_err(prefix);
            let pos = error.pos.expect("truncation errors have a position");
            assert!((1..=17).contains(&pos.line), "{error} for {prefix:?}");
        }
    }

    #[test]
    fn no_root_element() {
        assert_error("", pos(1, 1), "no root element");
        assert_error(
            "<?xml version=\"1.0\"?>\r\n<!-- nothing -->\r\n",
            pos(3, 1),
            "no root element",
        );
    }

    #[test]
    fn two_root_elements() {
        assert_error(
            "<a/>\n<b/>",
            pos(2, 1),
            "second root element <b>: the document already ended with <a> at line 1, column 1",
        );
    }

    #[test]
    fn text_outside_the_root_element() {
        assert_error("<a/>\n  junk", pos(2, 3), "text after the root element");
        assert_error("junk<a/>", pos(1, 1), "text before the root element");
        assert_error(
            "<a/>&amp;",
            pos(1, 5),
            "entity reference after the root element",
        );
        assert_error(
            "<![CDATA[x]]><a/>",
            pos(1, 1),
            "CDATA section before the root element",
        );
        // Whitespace, comments and processing instructions are fine there.
        let root = parse_str("\r\n<!-- c -->\n<?pi?>\n<a/>\n<!-- c -->\n\t ").unwrap();
        assert_eq!(root.pos, pos(4, 1));
    }

    #[test]
    fn unmatched_end_tag() {
        assert_error("<a/>\n</a>", pos(2, 1), "end tag </a> has no start tag");
    }

    #[test]
    fn duplicate_attributes() {
        assert_error(
            "<a>\n<add\n  key=\"1\"\n  key=\"2\"/></a>",
            pos(4, 3),
            "duplicate attribute `key` (first at line 3, column 3)",
        );
    }

    #[test]
    fn malformed_attributes() {
        assert_error("<a\n b=c/>", pos(2, 4), "must be in quotes");
        assert_error("<a b/>", pos(1, 5), "must be followed by `=`");
        assert_error(
            "<a\n b= />",
            pos(2, 5),
            "must be followed by a quoted value",
        );
        assert_error(
            "<a\n b=\"1\"c=\"2\"/>",
            pos(2, 7),
            "separated by whitespace",
        );
        assert_error("<a\n b=\"x<y\"/>", pos(2, 2), "contains `<`");
        assert_error("<a 1b=\"x\"/>", pos(1, 4), "invalid attribute name `1b`");
    }

    #[test]
    fn unknown_and_malformed_references() {
        assert_error("<a>\n&nbsp;</a>", pos(2, 1), "unknown entity `&nbsp;`");
        assert_error(
            "<a\n b=\"&nbsp;\"/>",
            pos(2, 2),
            "attribute `b` uses unknown entity `&nbsp;`",
        );
        assert_error("<a>\nx & y</a>", pos(2, 3), "`&` must start a reference");
        assert_error("<a b=\"x & y\"/>", pos(1, 4), "`&` without a closing `;`");
        assert_error("<a>&#xZZ;</a>", pos(1, 4), "`&#xZZ;` is not a reference");
        assert_error("<a b=\"&#0;\"/>", pos(1, 4), "invalid character reference");
    }

    #[test]
    fn invalid_characters() {
        assert_error(
            "<a>\n  \u{1}</a>",
            pos(2, 3),
            "character U+0001 is not allowed",
        );
        assert_error("<a b=\"\u{FFFF}\"/>", pos(1, 7), "U+FFFF");
        assert_error("<a>\0</a>", pos(1, 4), "U+0000");
        // Also when written as character references.
        assert_error("<a>\n&#1;</a>", pos(2, 1), "`&#1;` is not a reference");
        assert_error("<a\n b=\"&#x1;\"/>", pos(2, 2), "character not allowed");
    }

    #[test]
    fn invalid_names() {
        assert_error("<a>\n<1a/></a>", pos(2, 1), "invalid element name `1a`");
        assert_error("<>", pos(1, 1), "invalid element name ``");
        assert_error("< a/>", pos(1, 1), "invalid element name ``");
    }

    #[test]
    fn doctype_is_refused() {
        assert_error(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY x \"y\">]>\n<a>&x;</a>",
            pos(2, 1),
            "document type declarations",
        );
    }

    #[test]
    fn declaration_rules() {
        assert_error(
            " <?xml version=\"1.0\"?><a/>",
            pos(1, 2),
            "very start of the file",
        );
        assert_error(
            "<a/>\n<?xml version=\"1.0\"?>",
            pos(2, 1),
            "very start of the file",
        );
        assert_error("<?xml version=\"1.1\"?><a/>", pos(1, 1), "only 1.0");
        assert_error(
            "<?xml encoding=\"utf-8\"?><a/>",
            pos(1, 1),
            "bad XML declaration",
        );
        assert_error(
            "<?xml version=\"1.0\" encoding=utf-8?><a/>",
            pos(1, 1),
            "bad XML declaration",
        );
    }

    #[test]
    fn comment_and_cdata_rules() {
        assert_error("<a>\n<!-- a -- b --></a>", pos(2, 8), "`--` is not allowed");
        assert_error("<a>\n ]]></a>", pos(2, 2), "`]]>` is not allowed in text");
    }

    #[test]
    fn nesting_depth_is_limited() {
        let nested = |depth: usize| "<e>".repeat(depth) + &"</e>".repeat(depth);
        let mut element = &parse_str(&nested(MAX_DEPTH)).unwrap();
        let mut depth = 1;
        while let Some(child) = element.children.first() {
            element = child;
            depth += 1;
        }
        assert_eq!(depth, MAX_DEPTH);
        let column = u32::try_from(MAX_DEPTH * 3 + 1).unwrap();
        assert_error(
            &nested(MAX_DEPTH + 1),
            pos(1, column),
            "nested more than 256 levels",
        );
        // An empty element counts as a level too.
        let text = "<e>".repeat(MAX_DEPTH) + "<e/>" + &"</e>".repeat(MAX_DEPTH);
        assert_error(&text, pos(1, column), "nested more than");
        // A pathological depth is an error, not a stack overflow.
        assert_error(&nested(1_000_000), pos(1, column), "nested more than");
    }

    #[test]
    fn decode_errors_carry_their_position() {
        let e = parse(b"<a>\r\n <b>\xFF</b></a>").unwrap_err();
        assert_eq!(e.pos, Some(pos(2, 5)));
        assert_eq!(e.message, "invalid UTF-8 (bytes FF) (byte offset 9)");
        assert_eq!(
            e.to_string(),
            "line 2, column 5: invalid UTF-8 (bytes FF) (byte offset 9)"
        );
        let mut bytes = utf16("<a/>", true);
        bytes.drain(..2);
        let e = parse(&bytes).unwrap_err();
        assert_eq!(e.pos, Some(pos(1, 1)));
        assert!(
            e.message
                .contains("looks like UTF-16 without a byte order mark"),
            "{e}"
        );
    }

    #[test]
    fn error_display_without_position() {
        let e = XmlError {
            pos: None,
            message: "broken".to_owned(),
        };
        assert_eq!(e.to_string(), "broken");
    }

    #[test]
    fn locator_agrees_with_line_index() {
        let text = "ab\r\nçd😀e\rf\n\ng<h";
        let index = LineIndex::new(text);
        let mut in_order = Locator::new(text);
        for offset in 0..=text.len() + 1 {
            assert_eq!(
                in_order.pos(text, offset),
                index.pos(text, offset),
                "{offset}"
            );
        }
        // Out of order (as after an earlier line) it starts over from the line start.
        let mut backwards = Locator::new(text);
        for offset in (0..=text.len()).rev() {
            assert_eq!(
                backwards.pos(text, offset),
                index.pos(text, offset),
                "{offset}"
            );
        }
    }

    #[test]
    fn random_markup_never_panics() {
        let pieces = [
            "<a>",
            "</a>",
            "<b x='1'>",
            "</b>",
            "<c/>",
            "text",
            " ",
            "\r\n",
            "&amp;",
            "&",
            "<",
            ">",
            "\"",
            "=",
            "<!--",
            "-->",
            "<![CDATA[",
            "]]>",
            "<?xml version='1.0'?>",
            "é",
            "&#x41;",
            "<!DOCTYPE",
            "<?p?>",
            "\u{1}",
        ];
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let (mut ok, mut failed) = (0, 0);
        for _ in 0..4000 {
            let mut text = String::new();
            for _ in 0..(state % 12) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push_str(pieces[(state % pieces.len() as u64) as usize]);
            }
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            match parse_str(&text) {
                Ok(root) => {
                    ok += 1;
                    assert!(["a", "b", "c"].contains(&root.name.as_str()), "{text:?}");
                }
                Err(e) => {
                    failed += 1;
                    assert!(
                        e.pos.is_some_and(|p| p.line >= 1 && p.column >= 1),
                        "{text:?}"
                    );
                }
            }
        }
        assert!(ok > 0 && failed > 0, "{ok} parsed, {failed} refused");
    }
}

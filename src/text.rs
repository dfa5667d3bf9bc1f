//! Decoding of configuration and capture files as Windows servers write them, and
//! byte offset → line/column translation for reporting.
//!
//! Real files are UTF-8 with or without a byte order mark, or UTF-16 with one (what
//! Notepad calls "Unicode" and what PowerShell's `>` writes). For configuration files
//! ([`decode`]) the byte order mark is the only thing trusted to pick an encoding: without
//! one the bytes must be valid UTF-8, and anything else is refused with the byte offset of
//! the problem rather than guessed at, so a finding never rests on mis-decoded text.
//!
//! Captures of command output ([`decode_capture`]) are different: cmd's `>` writes them in
//! the console (OEM) code page, not UTF-8, so a capture without a byte order mark that is
//! not valid UTF-8 is read as code page 850, the console code page of Western European
//! Windows. That decoding cannot fail; a capture in another single-byte console code page
//! (437, 852, 866, …) gets wrong accented letters but the right ASCII, which is what the
//! parsers rely on.
//!
//! Files come from copies of servers we do not control, so nothing here may panic,
//! whatever the bytes or offsets.

use std::fmt;

/// The encoding a file was decoded from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    /// IBM code page 850, what cmd's `>` writes on Western European Windows; only
    /// [`decode_capture`] produces it.
    Cp850,
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 with BOM",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
            Encoding::Cp850 => "console code page 850",
        })
    }
}

/// A decoded file: its text without the byte order mark, and what it was decoded from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub encoding: Encoding,
}

/// Why bytes could not be decoded; `offset` is the byte offset in the input (byte order
/// mark included) where the problem starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "byte {}: {}", self.offset, self.message)
    }
}

impl std::error::Error for DecodeError {}

impl DecodeError {
    /// Line and column of the error in `bytes`, the input that [`decode`] or
    /// [`decode_capture`] refused.
    ///
    /// The text before the error decoded fine (that is why the error is where it is), so
    /// it is decoded again, replacing anything odd, and the position of its end is the
    /// position of the error.
    pub fn pos(&self, bytes: &[u8]) -> Pos {
        let end = self.offset.min(bytes.len());
        let (bom, bom_len) = sniff_bom(bytes);
        let body = bytes.get(bom_len..end).unwrap_or_default();
        // Both decoders refuse only with a byte order mark or as UTF-8 (never as code page
        // 850, which cannot fail), so the mark tells how the text before the error reads.
        let before = match bom {
            None | Some(Bom::Utf8) => String::from_utf8_lossy(body).into_owned(),
            Some(bom @ (Bom::Utf16Le | Bom::Utf16Be)) => {
                char::decode_utf16(utf16_units(body, bom == Bom::Utf16Le))
                    .map(|unit| unit.unwrap_or(char::REPLACEMENT_CHARACTER))
                    .collect()
            }
        };
        LineIndex::new(&before).pos(&before, before.len())
    }
}

/// Decodes a text file: by its byte order mark if it has one, as UTF-8 otherwise.
///
/// UTF-16 without a byte order mark is refused rather than guessed: Windows tools always
/// write the mark, so a file without one was most likely damaged or re-encoded on the way.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    match sniff_bom(bytes) {
        (Some(bom), bom_len) => decode_with_bom(bytes, bom, bom_len),
        (None, _) => {
            refuse_bomless_utf16(bytes)?;
            let text = decode_utf8(bytes, 0)?;
            Ok(Decoded {
                text,
                encoding: Encoding::Utf8,
            })
        }
    }
}

/// Decodes captured command output: like [`decode`], except that bytes without a byte
/// order mark that are not valid UTF-8 are read as code page 850 instead of refused.
///
/// cmd's `>` writes what a console program prints in the console code page, so a capture
/// with accented principal names (`NT-AUTORITÄT\SYSTEM`) is not UTF-8. Code page 850 is
/// the console code page of Western European Windows; a capture in another single-byte
/// console code page decodes with wrong accented letters but the right ASCII, which is
/// what the parsers rely on. UTF-16 without a byte order mark is still refused, as by
/// [`decode`]: read byte by byte it would have a NUL between all characters.
pub fn decode_capture(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if let (Some(bom), bom_len) = sniff_bom(bytes) {
        return decode_with_bom(bytes, bom, bom_len);
    }
    refuse_bomless_utf16(bytes)?;
    Ok(match std::str::from_utf8(bytes) {
        Ok(text) => Decoded {
            text: text.to_owned(),
            encoding: Encoding::Utf8,
        },
        Err(_) => Decoded {
            text: decode_cp850(bytes),
            encoding: Encoding::Cp850,
        },
    })
}

/// A byte order mark, the only thing trusted to name an encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bom {
    Utf8,
    Utf16Le,
    Utf16Be,
}

/// The byte order mark `bytes` start with, if any, and its length in bytes.
fn sniff_bom(bytes: &[u8]) -> (Option<Bom>, usize) {
    match bytes {
        [0xEF, 0xBB, 0xBF, ..] => (Some(Bom::Utf8), 3),
        [0xFF, 0xFE, ..] => (Some(Bom::Utf16Le), 2),
        [0xFE, 0xFF, ..] => (Some(Bom::Utf16Be), 2),
        _ => (None, 0),
    }
}

/// Decodes `bytes`, which start with the `bom_len` bytes of the mark `bom`.
fn decode_with_bom(bytes: &[u8], bom: Bom, bom_len: usize) -> Result<Decoded, DecodeError> {
    let body = bytes.get(bom_len..).unwrap_or_default();
    let (text, encoding) = match bom {
        Bom::Utf8 => (decode_utf8(body, bom_len)?, Encoding::Utf8Bom),
        Bom::Utf16Le => (decode_utf16(body, bom_len, true)?, Encoding::Utf16Le),
        Bom::Utf16Be => (decode_utf16(body, bom_len, false)?, Encoding::Utf16Be),
    };
    Ok(Decoded { text, encoding })
}

/// Refuses BOM-less bytes that look like UTF-16, naming the likely byte order.
fn refuse_bomless_utf16(bytes: &[u8]) -> Result<(), DecodeError> {
    match looks_like_utf16(bytes) {
        Some(endianness) => Err(DecodeError {
            offset: 0,
            message: format!(
                "looks like UTF-16 without a byte order mark (probably {endianness}); \
                 save the file as UTF-8 or as UTF-16 with a byte order mark"
            ),
        }),
        None => Ok(()),
    }
}

/// Whether BOM-less bytes look like UTF-16, and which byte order if so.
///
/// Configuration files are mostly ASCII, which in UTF-16 puts a NUL in every other byte.
/// NUL is valid UTF-8, so without this check such a file would "decode" into text with a
/// NUL between all characters and fail later with a baffling message.
fn looks_like_utf16(bytes: &[u8]) -> Option<&'static str> {
    // The first 32 code units are plenty: the file starts with markup or whitespace.
    let sample = bytes.get(..bytes.len().min(64)).unwrap_or_default();
    let pairs = sample.len() / 2;
    if pairs == 0 {
        return None;
    }
    let nul_at = |parity: usize| {
        sample
            .iter()
            .skip(parity)
            .step_by(2)
            .take(pairs)
            .filter(|&&b| b == 0)
            .count()
    };
    let (even, odd) = (nul_at(0), nul_at(1));
    // At least half the pairs have a NUL on one side, and clearly fewer on the other.
    let lopsided = |many: usize, few: usize| many * 2 >= pairs && few * 4 < many;
    if lopsided(odd, even) {
        Some("little-endian")
    } else if lopsided(even, odd) {
        Some("big-endian")
    } else {
        None
    }
}

/// Code page 850 bytes 0x80..=0xFF, as in Unicode's mapping file
/// (`VENDORS/MICSFT/PC/CP850.TXT`); bytes below 0x80 are ASCII.
const CP850_HIGH: [char; 128] = [
    // 0x80
    'Ç', 'ü', 'é', 'â', 'ä', 'à', 'å', 'ç', 'ê', 'ë', 'è', 'ï', 'î', 'ì', 'Ä', 'Å',
    // 0x90
    'É', 'æ', 'Æ', 'ô', 'ö', 'ò', 'û', 'ù', 'ÿ', 'Ö', 'Ü', 'ø', '£', 'Ø', '×', 'ƒ',
    // 0xA0
    'á', 'í', 'ó', 'ú', 'ñ', 'Ñ', 'ª', 'º', '¿', '®', '¬', '½', '¼', '¡', '«', '»',
    // 0xB0
    '░', '▒', '▓', '│', '┤', 'Á', 'Â', 'À', '©', '╣', '║', '╗', '╝', '¢', '¥', '┐',
    // 0xC0
    '└', '┴', '┬', '├', '─', '┼', 'ã', 'Ã', '╚', '╔', '╩', '╦', '╠', '═', '╬', '¤',
    // 0xD0
    'ð', 'Ð', 'Ê', 'Ë', 'È', 'ı', 'Í', 'Î', 'Ï', '┘', '┌', '█', '▄', '¦', 'Ì', '▀',
    // 0xE0
    'Ó', 'ß', 'Ô', 'Ò', 'õ', 'Õ', 'µ', 'þ', 'Þ', 'Ú', 'Û', 'Ù', 'ý', 'Ý', '¯', '´',
    // 0xF0: soft hyphen first, no-break space last.
    '\u{AD}', '±', '‗', '¾', '¶', '§', '÷', '¸', '°', '¨', '·', '¹', '³', '²', '■', '\u{A0}',
];

/// Every byte read as code page 850; cannot fail.
fn decode_cp850(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b.checked_sub(0x80) {
            // Below 128, the table's length.
            Some(high) => CP850_HIGH[usize::from(high)],
            None => char::from(b),
        })
        .collect()
}

fn decode_utf8(body: &[u8], bom_len: usize) -> Result<String, DecodeError> {
    match std::str::from_utf8(body) {
        Ok(text) => Ok(text.to_owned()),
        Err(e) => {
            let at = e.valid_up_to();
            let found = body
                .get(at..)
                .unwrap_or_default()
                .iter()
                .take(e.error_len().unwrap_or(4))
                .map(|b| format!("{b:02X}"))
                .collect::<Vec<_>>()
                .join(" ");
            let message = match e.error_len() {
                Some(_) => format!("invalid UTF-8 (bytes {found})"),
                None => format!("truncated UTF-8 sequence at the end of the file (bytes {found})"),
            };
            Err(DecodeError {
                offset: bom_len + at,
                message,
            })
        }
    }
}

/// The 16-bit code units of `body`; an odd trailing byte is left out (the caller checks).
fn utf16_units(body: &[u8], little_endian: bool) -> impl Iterator<Item = u16> + '_ {
    body.chunks_exact(2).filter_map(move |pair| match *pair {
        [a, b] if little_endian => Some(u16::from_le_bytes([a, b])),
        [a, b] => Some(u16::from_be_bytes([a, b])),
        _ => None,
    })
}

fn decode_utf16(body: &[u8], bom_len: usize, little_endian: bool) -> Result<String, DecodeError> {
    if body.len() % 2 != 0 {
        return Err(DecodeError {
            offset: bom_len + body.len() - 1,
            message: "UTF-16 data has an odd number of bytes (the file is truncated)".to_owned(),
        });
    }
    let mut text = String::with_capacity(body.len() / 2);
    // Offset of the current code unit, counted so an unpaired surrogate can be located.
    let mut offset = bom_len;
    for unit in char::decode_utf16(utf16_units(body, little_endian)) {
        match unit {
            Ok(c) => {
                text.push(c);
                offset += 2 * c.len_utf16();
            }
            Err(e) => {
                return Err(DecodeError {
                    offset,
                    message: format!(
                        "invalid UTF-16: unpaired surrogate 0x{:04X}",
                        e.unpaired_surrogate()
                    ),
                });
            }
        }
    }
    Ok(text)
}

/// A 1-based line and column; the column counts characters, not bytes, as editors do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// Start offsets of the lines of a text, to turn byte offsets into [`Pos`]itions.
///
/// LF, CRLF (counted once) and a lone CR all end a line, as Windows editors show them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offset of the first character of each line; the first is always 0.
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (i, &b) in bytes.iter().enumerate() {
            let ends_line = match b {
                b'\n' => true,
                // A CR followed by LF is one break, ended by the LF.
                b'\r' => bytes.get(i + 1) != Some(&b'\n'),
                _ => false,
            };
            if ends_line {
                starts.push(i + 1);
            }
        }
        Self { starts }
    }

    /// Line and column of `byte_offset` in `text` (the text this index was built from).
    ///
    /// An offset past the end means the end; one inside a multi-byte character means
    /// that character.
    pub fn pos(&self, text: &str, byte_offset: usize) -> Pos {
        let offset = floor_char_boundary(text, byte_offset);
        let (line, start) = self.line_start(offset);
        let column = text.get(start..offset).map_or(0, |s| s.chars().count());
        Pos {
            line,
            column: to_u32(column.saturating_add(1)),
        }
    }

    /// The 1-based line holding `offset`, and the byte offset where that line starts.
    pub(crate) fn line_start(&self, offset: usize) -> (u32, usize) {
        // The first start is 0, so at least one start is <= offset.
        let index = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts.get(index).copied().unwrap_or(0);
        (to_u32(index.saturating_add(1)), start)
    }
}

/// Line and column of `byte_offset` in `text`, for a single look-up (an error's
/// position); build a [`LineIndex`] for many.
pub fn pos(text: &str, byte_offset: usize) -> Pos {
    LineIndex::new(text).pos(text, byte_offset)
}

/// `offset` clamped to the text and moved back to the start of the character it is in.
pub(crate) fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        // Offset 0 is always a boundary, so this stops.
        offset -= 1;
    }
    offset
}

/// Line and column numbers beyond u32 only occur in files of gigabytes; saturate.
fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn utf8_without_bom() {
        let d = decode("<a>é</a>".as_bytes()).unwrap();
        assert_eq!(d.text, "<a>é</a>");
        assert_eq!(d.encoding, Encoding::Utf8);
    }

    #[test]
    fn utf8_bom_is_stripped() {
        let d = decode(b"\xEF\xBB\xBF<a/>").unwrap();
        assert_eq!(d.text, "<a/>");
        assert_eq!(d.encoding, Encoding::Utf8Bom);
    }

    #[test]
    fn utf16_both_byte_orders_with_a_surrogate_pair() {
        let text = "<a>€ 😀\r\n</a>";
        let le = decode(&utf16(text, true)).unwrap();
        assert_eq!(le.text, text);
        assert_eq!(le.encoding, Encoding::Utf16Le);
        let be = decode(&utf16(text, false)).unwrap();
        assert_eq!(be.text, text);
        assert_eq!(be.encoding, Encoding::Utf16Be);
    }

    #[test]
    fn empty_and_bom_only_inputs_decode_to_empty_text() {
        assert_eq!(decode(b"").unwrap().text, "");
        assert_eq!(decode(b"\xEF\xBB\xBF").unwrap().encoding, Encoding::Utf8Bom);
        assert_eq!(decode(b"\xFF\xFE").unwrap().text, "");
        assert_eq!(decode(b"\xFE\xFF").unwrap().encoding, Encoding::Utf16Be);
    }

    #[test]
    fn encoding_display_names() {
        assert_eq!(Encoding::Utf8.to_string(), "UTF-8");
        assert_eq!(Encoding::Utf8Bom.to_string(), "UTF-8 with BOM");
        assert_eq!(Encoding::Utf16Le.to_string(), "UTF-16LE");
        assert_eq!(Encoding::Utf16Be.to_string(), "UTF-16BE");
        assert_eq!(Encoding::Cp850.to_string(), "console code page 850");
    }

    #[test]
    fn invalid_utf8_names_the_offset_counting_the_bom() {
        let e = decode(b"<a>\xFFx</a>").unwrap_err();
        assert_eq!(e.offset, 3);
        assert!(e.message.contains("invalid UTF-8 (bytes FF)"), "{e}");
        let e = decode(b"\xEF\xBB\xBF<a>\xC3(</a>").unwrap_err();
        assert_eq!(e.offset, 6);
        assert_eq!(e.to_string(), "byte 6: invalid UTF-8 (bytes C3)");
    }

    #[test]
    fn truncated_utf8_at_the_end() {
        let e = decode(b"ab\xE2\x82").unwrap_err();
        assert_eq!(e.offset, 2);
        assert!(e.message.starts_with("truncated UTF-8"), "{e}");
    }

    #[test]
    fn utf16_without_bom_is_refused_with_a_clear_message() {
        let mut le = utf16("<?xml version=\"1.0\"?><a/>", true);
        le.drain(..2);
        let e = decode(&le).unwrap_err();
        assert_eq!(e.offset, 0);
        assert!(
            e.message
                .contains("looks like UTF-16 without a byte order mark (probably little-endian)"),
            "{e}"
        );
        let mut be = utf16("<a/>", false);
        be.drain(..2);
        let e = decode(&be).unwrap_err();
        assert!(e.message.contains("(probably big-endian)"), "{e}");
    }

    #[test]
    fn a_stray_nul_in_utf8_is_not_taken_for_utf16() {
        let d = decode(b"<configuration>\0</configuration>").unwrap();
        assert_eq!(d.text, "<configuration>\0</configuration>");
    }

    #[test]
    fn odd_utf16_length_is_an_error_at_the_last_byte() {
        let mut bytes = utf16("<a/>", true);
        bytes.push(b'x');
        let e = decode(&bytes).unwrap_err();
        assert_eq!(e.offset, 10);
        assert!(e.message.contains("odd number of bytes"), "{e}");
    }

    #[test]
    fn unpaired_surrogates_are_located() {
        // "ab", a lone high surrogate, then "c": the surrogate is at byte 2 + 2 * 2.
        let bytes = [0xFF, 0xFE, b'a', 0, b'b', 0, 0x3D, 0xD8, b'c', 0];
        let e = decode(&bytes).unwrap_err();
        assert_eq!(e.offset, 6);
        assert!(e.message.contains("unpaired surrogate 0xD83D"), "{e}");
        // A lone low surrogate after a surrogate pair, big-endian.
        let bytes = [0xFE, 0xFF, 0xD8, 0x3D, 0xDE, 0x00, 0xDE, 0x00];
        let e = decode(&bytes).unwrap_err();
        assert_eq!(e.offset, 6);
        assert!(e.message.contains("0xDE00"), "{e}");
    }

    #[test]
    fn decode_error_positions() {
        let bytes = b"\xEF\xBB\xBF<a>\r\n  <\xC3\xA9b>\r\n  \xFF</a>";
        let e = decode(bytes).unwrap_err();
        assert_eq!(e.pos(bytes), Pos { line: 3, column: 3 });

        let mut bytes = utf16("<a>\r\n\té", true);
        bytes.extend([0x00, 0xDC]);
        let e = decode(&bytes).unwrap_err();
        assert_eq!(e.pos(&bytes), Pos { line: 2, column: 3 });

        let e = DecodeError {
            offset: 999,
            message: String::new(),
        };
        assert_eq!(e.pos(b"a\nb"), Pos { line: 2, column: 2 });
    }

    #[test]
    fn pos_counts_characters_and_clamps() {
        let at = |text, offset| {
            let p = pos(text, offset);
            (p.line, p.column)
        };
        assert_eq!(at("ab\ncdé f", 8), (2, 5));
        assert_eq!(at("abc", 99), (1, 4));
        assert_eq!(at("é", 1), (1, 1));
    }

    #[test]
    fn line_breaks_lf_crlf_and_lone_cr() {
        let text = "a\nbc\r\nd\re\r\n\nf";
        let index = LineIndex::new(text);
        let at = |offset| index.pos(text, offset);
        assert_eq!(at(0), Pos { line: 1, column: 1 });
        assert_eq!(at(1), Pos { line: 1, column: 2 }); // the LF ends line 1
        assert_eq!(at(2), Pos { line: 2, column: 1 });
        assert_eq!(at(5), Pos { line: 2, column: 4 }); // the LF of the CRLF
        assert_eq!(at(6), Pos { line: 3, column: 1 });
        assert_eq!(at(8), Pos { line: 4, column: 1 });
        assert_eq!(at(11), Pos { line: 5, column: 1 });
        assert_eq!(at(12), Pos { line: 6, column: 1 });
    }

    #[test]
    fn columns_count_characters_and_offsets_are_clamped() {
        let text = "x\nДа 😀<a";
        let index = LineIndex::new(text);
        let lt = text.find('<').unwrap();
        assert_eq!(index.pos(text, lt), Pos { line: 2, column: 5 });
        // Inside the emoji (4 bytes) → the emoji itself, column 4.
        let emoji = text.find('😀').unwrap();
        for inside in emoji..emoji + 4 {
            assert_eq!(index.pos(text, inside), Pos { line: 2, column: 4 });
        }
        assert_eq!(index.pos(text, text.len()), Pos { line: 2, column: 7 });
        assert_eq!(index.pos(text, usize::MAX), Pos { line: 2, column: 7 });
        let empty = LineIndex::new("");
        assert_eq!(empty.pos("", 5), Pos { line: 1, column: 1 });
    }

    #[test]
    fn pos_display() {
        assert_eq!(Pos { line: 4, column: 6 }.to_string(), "line 4, column 6");
    }

    /// `text` in code page 850; every character must be in the code page.
    fn cp850(text: &str) -> Vec<u8> {
        text.chars()
            .map(|c| match u8::try_from(c) {
                Ok(b) if b < 0x80 => b,
                _ => {
                    let i = CP850_HIGH.iter().position(|&h| h == c).unwrap();
                    0x80 + u8::try_from(i).unwrap()
                }
            })
            .collect()
    }

    #[test]
    fn cp850_table_spot_checks() {
        let at = |b: u8| decode_cp850(&[b]).chars().next().unwrap();
        for (b, c) in [
            (0x80, 'Ç'),
            (0x81, 'ü'),
            (0x82, 'é'),
            (0x8A, 'è'),
            (0x8E, 'Ä'),
            (0x99, 'Ö'),
            (0x9A, 'Ü'),
            (0x9E, '×'),
            (0xA4, 'ñ'),
            (0xB5, 'Á'),
            (0xC4, '─'),
            (0xD0, 'ð'),
            (0xD5, 'ı'),
            (0xE1, 'ß'),
            (0xEE, '¯'),
            (0xF0, '\u{AD}'),
            (0xF2, '‗'),
            (0xFF, '\u{A0}'),
            (0x41, 'A'),
            (0x00, '\0'),
            (0x7F, '\u{7F}'),
        ] {
            assert_eq!(at(b), c, "byte {b:02X}");
        }
        // A one-to-one table: every character appears once and none is ASCII.
        let mut sorted = CP850_HIGH.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 128);
        assert!(sorted.iter().all(|c| !c.is_ascii()));
    }

    #[test]
    fn captures_in_the_console_code_page() {
        let bytes = cp850("NT-AUTORITÄT\\SYSTEM:(I)(F)\r\nVORDEFINIERT\\Benutzer:(RX) Größe");
        assert_eq!(bytes[10], 0x8E);
        assert!(decode(&bytes).is_err());
        let d = decode_capture(&bytes).unwrap();
        assert_eq!(
            d.text,
            "NT-AUTORITÄT\\SYSTEM:(I)(F)\r\nVORDEFINIERT\\Benutzer:(RX) Größe"
        );
        assert_eq!(d.encoding, Encoding::Cp850);
        // All 256 byte values at once, one character each.
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(decode_capture(&all).unwrap().text.chars().count(), 256);
    }

    #[test]
    fn captures_in_utf8_or_with_a_bom_decode_as_decode_does() {
        let d = decode_capture("AUTORITE NT\\Système:(F)".as_bytes()).unwrap();
        assert_eq!(d.text, "AUTORITE NT\\Système:(F)");
        assert_eq!(d.encoding, Encoding::Utf8);
        assert_eq!(decode_capture(b"").unwrap().encoding, Encoding::Utf8);

        let text = "C:\\x NT-AUTORITÄT\\SYSTEM:(I)(F)\r\n";
        let d = decode_capture(&utf16(text, true)).unwrap();
        assert_eq!(d.text, text);
        assert_eq!(d.encoding, Encoding::Utf16Le);
        assert_eq!(
            decode_capture(b"\xEF\xBB\xBFa").unwrap().encoding,
            Encoding::Utf8Bom
        );

        // With a byte order mark, broken bytes are still an error, not code page 850.
        let e = decode_capture(b"\xEF\xBB\xBF<a>\xFF").unwrap_err();
        assert_eq!(e, decode(b"\xEF\xBB\xBF<a>\xFF").unwrap_err());
        assert_eq!(e.pos(b"\xEF\xBB\xBF<a>\xFF"), Pos { line: 1, column: 4 });
        let mut odd = utf16("ab", true);
        odd.push(0);
        assert_eq!(decode_capture(&odd).unwrap_err(), decode(&odd).unwrap_err());
    }

    #[test]
    fn captures_in_utf16_without_bom_are_refused_as_by_decode() {
        let mut le = utf16("C:\\x BUILTIN\\Users:(I)(RX)", true);
        le.drain(..2);
        let e = decode_capture(&le).unwrap_err();
        assert_eq!(e, decode(&le).unwrap_err());
        assert!(e.message.contains("probably little-endian"), "{e}");
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        // A fixed xorshift stream: reproducible, and biased towards the bytes that matter.
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let alphabet = [
            0x00, 0x0A, 0x0D, 0x3C, 0xD8, 0xDC, 0xEF, 0xBB, 0xBF, 0xFF, 0xFE, 0x80, 0xC3, 0x41,
        ];
        let mut decoded_ok = 0;
        for _ in 0..5000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 24) as usize;
            let bytes: Vec<u8> = (0..len)
                .map(|i| alphabet[((state >> (i % 60)) as usize + i) % alphabet.len()])
                .collect();
            if let Ok(d) = decode_capture(&bytes) {
                assert!(d.text.chars().count() <= bytes.len());
            }
            match decode(&bytes) {
                Ok(d) => {
                    decoded_ok += 1;
                    let index = LineIndex::new(&d.text);
                    for offset in 0..=d.text.len() + 2 {
                        let pos = index.pos(&d.text, offset);
                        assert!(pos.line >= 1 && pos.column >= 1);
                    }
                }
                Err(e) => {
                    assert!(e.offset <= bytes.len(), "{e} for {bytes:02X?}");
                    assert!(e.pos(&bytes).line >= 1);
                }
            }
        }
        // Both outcomes were exercised.
        assert!(decoded_ok > 0 && decoded_ok < 5000, "{decoded_ok}");
    }
}

//! Decoding of configuration and capture files as Windows servers write them, and
//! byte offset → line/column translation for reporting.
//!
//! Real files are UTF-8 with or without a byte order mark, or UTF-16 with one (what
//! Notepad calls "Unicode" and what PowerShell's `>` writes). The byte order mark is the
//! only thing trusted to pick an encoding: without one the bytes must be valid UTF-8, and
//! anything else is refused with the byte offset of the problem rather than guessed at,
//! so a finding never rests on mis-decoded text.
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
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 with BOM",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
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
    /// Line and column of the error in `bytes`, the input that [`decode`] refused.
    ///
    /// The text before the error decoded fine (that is why the error is where it is), so
    /// it is decoded again, replacing anything odd, and the position of its end is the
    /// position of the error.
    pub fn pos(&self, bytes: &[u8]) -> Pos {
        let end = self.offset.min(bytes.len());
        let (encoding, bom_len) = sniff_bom(bytes);
        let body = bytes.get(bom_len..end).unwrap_or_default();
        let before = match encoding {
            Encoding::Utf8 | Encoding::Utf8Bom => String::from_utf8_lossy(body).into_owned(),
            Encoding::Utf16Le | Encoding::Utf16Be => {
                char::decode_utf16(utf16_units(body, encoding == Encoding::Utf16Le))
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
    let (encoding, bom_len) = sniff_bom(bytes);
    let body = bytes.get(bom_len..).unwrap_or_default();
    let text = match encoding {
        Encoding::Utf8 => {
            if let Some(endianness) = looks_like_utf16(body) {
                return Err(DecodeError {
                    offset: 0,
                    message: format!(
                        "looks like UTF-16 without a byte order mark (probably {endianness}); \
                         save the file as UTF-8 or as UTF-16 with a byte order mark"
                    ),
                });
            }
            decode_utf8(body, bom_len)?
        }
        Encoding::Utf8Bom => decode_utf8(body, bom_len)?,
        Encoding::Utf16Le | Encoding::Utf16Be => {
            decode_utf16(body, bom_len, encoding == Encoding::Utf16Le)?
        }
    };
    Ok(Decoded { text, encoding })
}

/// The encoding named by a leading byte order mark, and the mark's length in bytes.
fn sniff_bom(bytes: &[u8]) -> (Encoding, usize) {
    match bytes {
        [0xEF, 0xBB, 0xBF, ..] => (Encoding::Utf8Bom, 3),
        [0xFF, 0xFE, ..] => (Encoding::Utf16Le, 2),
        [0xFE, 0xFF, ..] => (Encoding::Utf16Be, 2),
        _ => (Encoding::Utf8, 0),
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

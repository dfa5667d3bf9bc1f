//! Reading one `.nupkg`: the `.nuspec` inside the zip, whether the file name
//! agrees with it, and the `<file>.nupkg.hash.json` sidecar TMS validates.
//! Works on readers and bytes; finding the files is the caller's job.

use std::fmt;
use std::io::{Read, Seek};

use base64::Engine;
use serde::Deserialize;
use sha2::{Digest, Sha512};

use super::NuGetVersion;
use crate::xml;

/// A `.nuspec` is a few KiB; anything this large is not one (or is a zip bomb).
const NUSPEC_LIMIT: u64 = 1024 * 1024;

/// The most entries a package's zip may list: the zip reader holds its whole
/// central directory in memory, so a million-entry file is refused before it is
/// read (NuGet packages hold hundreds to a few thousand).
pub const MAX_ENTRIES: u64 = 100_000;

/// What the package's own `.nuspec` says it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nuspec {
    /// The entry name inside the zip.
    pub entry: String,
    pub id: String,
    pub version: NuGetVersion,
}

/// Why a package file is not a usable package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Defect {
    Empty,
    NotAZip(String),
    NoNuspec,
    SeveralNuspecs(Vec<String>),
    BadNuspec {
        entry: String,
        reason: String,
    },
    /// A Git LFS pointer file (`version https://git-lfs.github.com/spec/v1`, `oid`, `size`)
    /// committed or copied in place of the package.
    LfsPointer,
    /// The zip's end record lists more than [`MAX_ENTRIES`] entries.
    TooManyEntries(u64),
}

impl fmt::Display for Defect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Defect::Empty => {
                f.write_str("the file is empty (0 bytes); TMS rejects zero-byte packages")
            }
            Defect::NotAZip(e) => write!(f, "not a readable zip archive: {e}"),
            Defect::NoNuspec => f.write_str("the zip has no .nuspec at its top level"),
            Defect::SeveralNuspecs(names) => {
                write!(
                    f,
                    "the zip has several .nuspec files at its top level: {}",
                    names.join(", ")
                )
            }
            Defect::BadNuspec { entry, reason } => write!(f, "{entry}: {reason}"),
            Defect::TooManyEntries(n) => write!(
                f,
                "the zip lists {n} entries, more than the {MAX_ENTRIES} upgate reads (a NuGet package holds far fewer)"
            ),
            Defect::LfsPointer => f.write_str(
                "a Git LFS pointer, not the package: the file was copied from a repository without `git lfs pull`, so NuGet cannot open it",
            ),
        }
    }
}

/// Reads the `.nuspec` of a package of `len` bytes.
pub fn read_nuspec<R: Read + Seek>(reader: R, len: u64) -> Result<Nuspec, Defect> {
    let mut zip = open_zip(reader, len)?;
    // A name that is not valid text cannot be the nuspec; skip it rather than fail.
    let names: Vec<String> = zip
        .file_names()
        .filter_map(Result::ok)
        .filter(|n| !n.contains('/') && n.to_ascii_lowercase().ends_with(".nuspec"))
        .map(|n| n.into_owned())
        .collect();
    let entry = match names.as_slice() {
        [] => return Err(Defect::NoNuspec),
        [one] => one.clone(),
        _ => {
            let mut names = names;
            names.sort();
            return Err(Defect::SeveralNuspecs(names));
        }
    };
    let bad = |reason: String| Defect::BadNuspec {
        entry: entry.clone(),
        reason,
    };
    let file = zip.by_name(&entry).map_err(|e| bad(e.to_string()))?;
    let mut bytes = Vec::new();
    file.take(NUSPEC_LIMIT + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| bad(format!("cannot be extracted: {e}")))?;
    if bytes.len() as u64 > NUSPEC_LIMIT {
        return Err(bad(format!("larger than {NUSPEC_LIMIT} bytes")));
    }
    let doc = xml::parse(&bytes).map_err(|e| bad(e.to_string()))?;
    let metadata = doc
        .root
        .child("metadata")
        .filter(|_| doc.root.local_name() == "package")
        .ok_or_else(|| bad("no <package><metadata> element".to_string()))?;
    let field = |name: &str| {
        metadata
            .child(name)
            .map(|e| e.text.trim().to_string())
            .filter(|t| !t.is_empty())
            .ok_or_else(|| bad(format!("no <{name}> in <metadata>")))
    };
    let id = field("id")?;
    let raw_version = field("version")?;
    let version = raw_version
        .parse::<NuGetVersion>()
        .map_err(|e| bad(e.to_string()))?;
    Ok(Nuspec { entry, id, version })
}

/// Opens a zip of `len` bytes for its central directory only (entry names,
/// sizes; no entry is extracted), refusing an empty file, a Git LFS pointer
/// and an end record listing more than [`MAX_ENTRIES`] entries before the
/// directory is read.
pub fn open_zip<R: Read + Seek>(mut reader: R, len: u64) -> Result<zip::ZipArchive<R>, Defect> {
    if len == 0 {
        return Err(Defect::Empty);
    }
    let io = |e: std::io::Error| Defect::NotAZip(e.to_string());
    let mut head = Vec::new();
    (&mut reader).take(64).read_to_end(&mut head).map_err(io)?;
    if head.starts_with(b"version https://git-lfs.github.com/spec/") {
        return Err(Defect::LfsPointer);
    }
    if let Some(n) = listed_entries(&mut reader, len).map_err(io)? {
        if n > MAX_ENTRIES {
            return Err(Defect::TooManyEntries(n));
        }
    }
    reader.seek(std::io::SeekFrom::Start(0)).map_err(io)?;
    zip::ZipArchive::new(reader).map_err(|e| Defect::NotAZip(e.to_string()))
}

/// How many entries the zip's end of central directory record lists (the
/// zip64 record's count where the classic one says 0xFFFF), reading only the
/// file's last 64 KiB and, for zip64, two small records. `None` when there is
/// no end record: the zip reader then says what is wrong.
fn listed_entries<R: Read + Seek>(reader: &mut R, len: u64) -> std::io::Result<Option<u64>> {
    use std::io::SeekFrom;
    // The end record is 22 bytes plus a comment of at most 65,535.
    let tail_len = len.min(22 + 65_535);
    reader.seek(SeekFrom::Start(len - tail_len))?;
    let mut tail = Vec::new();
    reader.take(tail_len).read_to_end(&mut tail)?;
    let Some(at) = (0..tail.len().saturating_sub(21))
        .rev()
        .find(|&i| tail[i..i + 4] == [0x50, 0x4b, 0x05, 0x06])
    else {
        return Ok(None);
    };
    let u16_at = |i: usize| u16::from_le_bytes([tail[i], tail[i + 1]]);
    let total = u16_at(at + 10);
    if total != 0xFFFF {
        return Ok(Some(u64::from(total)));
    }
    // zip64: the locator (20 bytes) just before the end record names the zip64 record.
    let locator_at = (len - tail_len + at as u64).checked_sub(20);
    let Some(locator_at) = locator_at else {
        return Ok(Some(u64::from(total)));
    };
    let mut locator = [0u8; 20];
    reader.seek(SeekFrom::Start(locator_at))?;
    reader.read_exact(&mut locator)?;
    if locator[..4] != [0x50, 0x4b, 0x06, 0x07] {
        return Ok(Some(u64::from(total)));
    }
    let record_at = u64::from_le_bytes(locator[8..16].try_into().unwrap_or_default());
    let mut record = [0u8; 40];
    if record_at.checked_add(40).is_none_or(|end| end > len) {
        return Ok(None);
    }
    reader.seek(SeekFrom::Start(record_at))?;
    reader.read_exact(&mut record)?;
    if record[..4] != [0x50, 0x4b, 0x06, 0x06] {
        return Ok(None);
    }
    Ok(Some(u64::from_le_bytes(
        record[32..40].try_into().unwrap_or_default(),
    )))
}

/// Whether `file_name` is `<id>.<version>.nupkg` for this nuspec: the id
/// case-insensitively, the version by NuGet equality (so `1.0.0` names `1.0`).
pub fn name_agrees(file_name: &str, nuspec: &Nuspec) -> bool {
    let Some(stem) = strip_suffix_ignore_case(file_name, ".nupkg") else {
        return false;
    };
    let id_len = nuspec.id.len();
    stem.len() > id_len + 1
        && stem.is_char_boundary(id_len)
        && stem[..id_len].eq_ignore_ascii_case(&nuspec.id)
        && stem.as_bytes()[id_len] == b'.'
        && stem[id_len + 1..]
            .parse::<NuGetVersion>()
            .is_ok_and(|v| v == nuspec.version)
}

/// Reads id and version from a file name alone, for packages whose `.nuspec`
/// cannot be read. Ids may contain dots, so the version starts at the first
/// dot-separated part from which the rest parses as a version.
pub fn identity_from_name(file_name: &str) -> Option<(String, NuGetVersion)> {
    let stem = strip_suffix_ignore_case(file_name, ".nupkg")?;
    stem.match_indices('.').find_map(|(i, _)| {
        let (id, rest) = (&stem[..i], &stem[i + 1..]);
        let starts_with_digit = rest.chars().next().is_some_and(|c| c.is_ascii_digit());
        if id.is_empty() || !starts_with_digit {
            return None;
        }
        rest.parse::<NuGetVersion>()
            .ok()
            .map(|v| (id.to_string(), v))
    })
}

pub fn strip_suffix_ignore_case<'a>(name: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = name.len().checked_sub(suffix.len())?;
    (name.is_char_boundary(cut) && name[cut..].eq_ignore_ascii_case(suffix)).then(|| &name[..cut])
}

#[derive(Debug, Deserialize)]
struct SidecarFile {
    #[serde(rename = "HashBase64")]
    hash_base64: String,
    #[serde(rename = "HashAlgorithm")]
    hash_algorithm: String,
}

/// A parsed `.nupkg.hash.json`: the expected SHA-512.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sidecar {
    pub expected: Vec<u8>,
}

pub fn parse_sidecar(bytes: &[u8]) -> Result<Sidecar, String> {
    let text = crate::text::decode(bytes).map_err(|e| e.to_string())?.text;
    let file: SidecarFile =
        serde_json::from_str(&text).map_err(|e| format!("not valid JSON: {e}"))?;
    if !file.hash_algorithm.eq_ignore_ascii_case("SHA512") {
        return Err(format!(
            "HashAlgorithm is {:?}; TMS validates SHA512 only",
            file.hash_algorithm
        ));
    }
    let expected = base64::engine::general_purpose::STANDARD
        .decode(file.hash_base64.trim())
        .map_err(|e| format!("HashBase64 is not base64: {e}"))?;
    if expected.len() != 64 {
        return Err(format!(
            "HashBase64 decodes to {} bytes; a SHA-512 has 64",
            expected.len()
        ));
    }
    Ok(Sidecar { expected })
}

/// SHA-512 of a stream, base64-encoded as the sidecar writes it.
pub fn sha512_base64<R: Read>(mut reader: R) -> std::io::Result<String> {
    let mut hasher = Sha512::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(base64::engine::general_purpose::STANDARD.encode(hasher.finalize()))
}

pub fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use std::io::{Cursor, Write};

    #[test]
    fn a_git_lfs_pointer_is_named_as_such() {
        let pointer = b"version https://git-lfs.github.com/spec/v1\noid sha256:47c8a0d90b24b4e226aeb55c9e412e4485bf20fb8ebb2ec9bf9f6b6bbd0043fd\nsize 230886\n";
        let e = read_nuspec(Cursor::new(&pointer[..]), pointer.len() as u64).unwrap_err();
        assert_eq!(e, Defect::LfsPointer);
        assert!(
            e.to_string()
                .starts_with("a Git LFS pointer, not the package")
        );
        // Other text is still simply not a zip.
        let e = read_nuspec(Cursor::new(&b"hello"[..]), 5).unwrap_err();
        assert!(matches!(e, Defect::NotAZip(_)), "{e}");
    }

    #[test]
    fn a_zip_listing_more_entries_than_the_bound_is_refused_before_it_is_read() {
        // Issue 15: a million entries were all held in memory. More than 65,535
        // entries need the zip64 end record, which is read too.
        let mut out = Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        zip.start_file("a.nuspec", options).unwrap();
        zip.write_all(nuspec("A", "1.0.0").as_bytes()).unwrap();
        for i in 0..MAX_ENTRIES {
            zip.start_file(format!("{i:x}"), options).unwrap();
        }
        zip.finish().unwrap();
        let bytes = out.into_inner();
        let e = read_nuspec(Cursor::new(&bytes), bytes.len() as u64).unwrap_err();
        assert_eq!(e, Defect::TooManyEntries(MAX_ENTRIES + 1));
        assert!(e.to_string().contains("more than the 100000 upgate reads"));
        // Under the bound (a few entries, and 70,000 through zip64), it is read.
        let small = package(&[("a.nuspec", &nuspec("A", "1.0.0")), ("lib/x.dll", "x")]);
        assert_eq!(
            listed_entries(&mut Cursor::new(&small), small.len() as u64).unwrap(),
            Some(2)
        );
        let mut out = Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        zip.start_file("a.nuspec", options).unwrap();
        zip.write_all(nuspec("A", "1.0.0").as_bytes()).unwrap();
        for i in 0..70_000 {
            zip.start_file(format!("{i:x}"), options).unwrap();
        }
        zip.finish().unwrap();
        let bytes = out.into_inner();
        let n = read_nuspec(Cursor::new(&bytes), bytes.len() as u64).unwrap();
        assert_eq!(n.id, "A");
    }

    /// A package as `nuget pack` would write it, with the given nuspec body.
    pub fn package(entries: &[(&str, &str)]) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        for (name, body) in entries {
            zip.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(body.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
        out.into_inner()
    }

    pub fn nuspec(id: &str, version: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata><id>{id}</id><version>{version}</version><authors>Thycotic</authors></metadata>
</package>"#
        )
    }

    fn read(bytes: &[u8]) -> Result<Nuspec, Defect> {
        read_nuspec(Cursor::new(bytes), bytes.len() as u64)
    }

    #[test]
    fn reads_id_and_version_from_the_nuspec() {
        let p = package(&[
            ("ThycoticTms.nuspec", &nuspec("ThycoticTms", "11.0.1040")),
            ("lib/x.dll", ""),
        ]);
        let n = read(&p).unwrap();
        assert_eq!(n.id, "ThycoticTms");
        assert_eq!(n.version.to_string(), "11.0.1040");
        assert!(name_agrees("ThycoticTms.11.0.1040.nupkg", &n));
        assert!(name_agrees("thycotictms.11.0.1040.0.NUPKG", &n));
        assert!(!name_agrees("ThycoticTms.11.0.1041.nupkg", &n));
        assert!(!name_agrees("ThycoticTmsCore.11.0.1040.nupkg", &n));
        assert!(!name_agrees("ThycoticTms.nupkg", &n));
    }

    #[test]
    fn defects_are_named() {
        assert_eq!(read(&[]), Err(Defect::Empty));
        assert!(matches!(read(b"not a zip at all"), Err(Defect::NotAZip(_))));
        assert_eq!(read(&package(&[("lib/a.dll", "")])), Err(Defect::NoNuspec));
        assert_eq!(
            read(&package(&[("sub/a.nuspec", "")])),
            Err(Defect::NoNuspec)
        );
        assert!(matches!(
            read(&package(&[("a.nuspec", "<package/>"), ("b.nuspec", "<package/>")])),
            Err(Defect::SeveralNuspecs(n)) if n == ["a.nuspec", "b.nuspec"]
        ));
        let broken = read(&package(&[("a.nuspec", "<package><metadata><id>x</id>")])).unwrap_err();
        assert!(matches!(broken, Defect::BadNuspec { .. }), "{broken:?}");
        let no_version = read(&package(&[(
            "a.nuspec",
            "<package><metadata><id>x</id></metadata></package>",
        )]));
        assert_eq!(
            no_version.unwrap_err().to_string(),
            "a.nuspec: no <version> in <metadata>"
        );
    }

    #[test]
    fn identity_from_name_allows_dots_in_ids() {
        let (id, v) = identity_from_name("Thycotic.Tms.Core.11.0.1040.nupkg").unwrap();
        assert_eq!(
            (id.as_str(), v.to_string().as_str()),
            ("Thycotic.Tms.Core", "11.0.1040")
        );
        assert!(identity_from_name("nodigits.nupkg").is_none());
        assert!(identity_from_name("x.1.0.zip").is_none());
    }

    #[test]
    fn sidecars_parse_and_check_the_algorithm() {
        let hash = sha512_base64(&b"abc"[..]).unwrap();
        let json = format!(r#"{{"HashBase64":"{hash}","HashAlgorithm":"SHA512"}}"#);
        assert_eq!(
            base64(&parse_sidecar(json.as_bytes()).unwrap().expected),
            hash
        );
        assert!(
            parse_sidecar(br#"{"HashBase64":"AAAA","HashAlgorithm":"SHA512"}"#)
                .unwrap_err()
                .contains("64")
        );
        assert!(
            parse_sidecar(br#"{"HashBase64":"x","HashAlgorithm":"MD5"}"#)
                .unwrap_err()
                .contains("MD5")
        );
        assert!(
            parse_sidecar(b"{")
                .unwrap_err()
                .starts_with("not valid JSON")
        );
    }
}

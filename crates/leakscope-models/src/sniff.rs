//! Content-based format detection: magic bytes and structure, never file names.

use crate::input::{Mem, RandomAccess};
use crate::pickle::{scan_stream, Limits};
use crate::verdict::Format;
use crate::{compress, onnx, zip};

/// The first pickle `torch.save` writes in the legacy format is this magic number as a
/// LONG1: `0x1950a86a20f9469cfc6c`, little-endian.
pub const LEGACY_MAGIC: &[u8] = &[
    0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19,
];

pub const HDF5_MAGIC: &[u8] = b"\x89HDF\r\n\x1a\n";

/// What the first bytes say, for [`crate::sniff`].
pub fn sniff_head(head: &[u8]) -> Option<Format> {
    let head = &head[..head.len().min(4096)];
    if head.starts_with(b"PK\x03\x04") {
        return zip_head_format(head);
    }
    if head.starts_with(b"\x93NUMPY") {
        return Some(Format::Numpy);
    }
    if head.starts_with(HDF5_MAGIC) {
        return Some(Format::H5);
    }
    if head.starts_with(b"GGUF") {
        return Some(Format::Gguf);
    }
    if is_legacy_torch(head) || is_legacy_tar(head) {
        return Some(Format::PytorchLegacy);
    }
    if looks_like_safetensors(head) {
        return Some(Format::Safetensors);
    }
    if let Some(kind) = compress::kind(head) {
        // joblib's compressed dumps and *.pkl.gz: decompress the start (bz2 needs a
        // whole block, so it is only recognised by full detection).
        let (inner, _) = compress::decompress(&Mem(head), kind, 4096);
        return sniff_pickle(&inner);
    }
    if let Some(f) = sniff_pickle(head) {
        return Some(f);
    }
    if onnx::looks_like_onnx(head) {
        return Some(Format::Onnx);
    }
    None
}

/// Full detection with access to the whole input (a zip may have a prefix, so its
/// directory is looked for at the end).
pub fn detect(src: &dyn RandomAccess) -> Format {
    let head = src.read_vec(0, 4096).unwrap_or_default();
    if let Some(f) = sniff_head(&head) {
        return f;
    }
    if let Some(kind) = compress::kind(&head) {
        let (inner, _) = compress::decompress(src, kind, 64 << 10);
        return sniff_pickle(&inner).unwrap_or(Format::Unknown);
    }
    if head.starts_with(b"PK") || zip::has_eocd(src) {
        if let Ok(a) = zip::open(src) {
            if let Some(f) = zip_names_format(a.entries.iter().map(|e| e.name.as_str())) {
                return f;
            }
        }
    }
    // HDF5 allows a user block of 512·2ⁿ bytes before the superblock.
    let mut off = 512u64;
    while off < src.len().min(1 << 20) {
        if src.read_vec(off, 8).is_ok_and(|m| m == HDF5_MAGIC) {
            return Format::H5;
        }
        off *= 2;
    }
    Format::Unknown
}

pub fn is_legacy_torch(head: &[u8]) -> bool {
    head.len() >= 2
        && head[0] == 0x80
        && head
            .get(2..2 + LEGACY_MAGIC.len())
            .is_some_and(|m| m == LEGACY_MAGIC)
}

const LEGACY_TAR_NAMES: &[&str] = &["sys_info", "pickle", "storages", "tensors"];

pub fn is_legacy_tar(head: &[u8]) -> bool {
    head.len() >= 512
        && &head[257..262] == b"ustar"
        && LEGACY_TAR_NAMES.contains(&tar_name(&head[..100]).as_str())
}

pub fn tar_name(field: &[u8]) -> String {
    let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    String::from_utf8_lossy(&field[..end]).into_owned()
}

/// safetensors: u64 header length, then a JSON object.
pub fn looks_like_safetensors(head: &[u8]) -> bool {
    if head.len() < 10 {
        return false;
    }
    let mut n = [0u8; 8];
    n.copy_from_slice(&head[..8]);
    let n = u64::from_le_bytes(n);
    // A length beyond the file (or absurdly large) still means "safetensors, malformed"
    // as long as a JSON object visibly starts at byte 8; validation reports the rest.
    let json_start = matches!(head[9], b'"' | b'}' | b' ' | b'\n');
    (2..(1 << 48)).contains(&n) && head[8] == b'{' && json_start
}

/// A pickle: protocol 2+ header, or a protocol 0/1 opcode stream that parses.
pub fn sniff_pickle(head: &[u8]) -> Option<Format> {
    if head.len() < 2 {
        return None;
    }
    let joblib = contains(head, b"joblib.numpy_pickle");
    if head[0] == 0x80 && head[1] <= 5 {
        return Some(if joblib {
            Format::Joblib
        } else {
            Format::Pickle
        });
    }
    // Protocol 0/1 has no header: accept only if the bytes run as pickle opcodes
    // and import something or reach STOP (plain text fails within a few bytes).
    let limits = Limits {
        max_nesting: 0,
        ..Limits::default()
    };
    let s = scan_stream(&Mem(head), 0, &limits, 0, 1);
    let run = s.runs.first()?;
    let clean_end = match &run.error {
        None => true,
        Some(crate::error::PickleError::Truncated(_)) => head.len() >= 4096,
        Some(_) => false,
    };
    // Text that happens to start with `c` reads as GLOBAL: real imports name Python
    // identifiers, text lines do not.
    let plausible_imports = run
        .imports
        .iter()
        .all(|i| is_dotted_identifier(&i.module) && is_dotted_identifier(&i.name));
    if clean_end
        && plausible_imports
        && run.ops >= 3
        && (!run.imports.is_empty() || (run.stopped && run.ops >= 4) || run.ops >= 32)
    {
        return Some(if joblib {
            Format::Joblib
        } else {
            Format::Pickle
        });
    }
    None
}

fn is_dotted_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.split('.').all(|seg| {
            let mut c = seg.chars();
            c.next().is_some_and(|f| f == '_' || f.is_alphabetic())
                && c.all(|x| x == '_' || x.is_alphanumeric())
        })
}

fn contains(h: &[u8], needle: &[u8]) -> bool {
    h.windows(needle.len()).any(|w| w == needle)
}

/// Names of the local headers visible in the first bytes of a zip.
fn zip_head_format(head: &[u8]) -> Option<Format> {
    let mut names = Vec::new();
    let mut p = 0usize;
    while p + 30 <= head.len() && head[p..].starts_with(b"PK\x03\x04") {
        let nlen = usize::from(u16::from_le_bytes([head[p + 26], head[p + 27]]));
        let xlen = usize::from(u16::from_le_bytes([head[p + 28], head[p + 29]]));
        let csize = u32::from_le_bytes([head[p + 18], head[p + 19], head[p + 20], head[p + 21]]);
        let Some(name) = head.get(p + 30..p + 30 + nlen) else {
            break;
        };
        names.push(String::from_utf8_lossy(name).into_owned());
        p = p + 30 + nlen + xlen + csize as usize;
    }
    zip_names_format(names.iter().map(String::as_str))
}

/// Classify a zip by its member names.
pub fn zip_names_format<'a>(names: impl Iterator<Item = &'a str>) -> Option<Format> {
    let (mut pkl, mut npy, mut config, mut keras_extra) = (false, false, false, false);
    for n in names {
        let base = n.rsplit('/').next().unwrap_or(n);
        if n.ends_with(".pkl") || base == "data.pkl" {
            pkl = true;
        } else if n.ends_with(".npy") {
            npy = true;
        } else if n == "config.json" {
            config = true;
        } else if n == "metadata.json" || n == "model.weights.h5" || n == "model.weights.npz" {
            keras_extra = true;
        }
    }
    if pkl {
        Some(Format::PytorchZip)
    } else if config && keras_extra {
        Some(Format::Keras)
    } else if npy {
        Some(Format::Npz)
    } else if config {
        Some(Format::Keras)
    } else {
        None
    }
}

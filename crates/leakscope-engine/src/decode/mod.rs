//! Decoders that reveal secrets hidden behind an encoding. Each returns the decoded bytes
//! and, for every decoded byte, the offset in the input where it came from (plus one final
//! entry for the end), so positions can point into the original text.

mod html;
mod json;
mod percent;
pub(crate) mod runs;

/// A decoding the engine can apply to a region of a blob.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decoder {
    Percent,
    JsonEscape,
    HtmlEntity,
    /// Runs of base64 (standard or URL-safe alphabet), found by a byte scan, not triggers.
    Base64,
    /// Runs of hex digits, found like base64.
    Hex,
}

impl Decoder {
    /// The decoders triggered by literals in the prefilter.
    pub const ALL: [Decoder; 3] = [Decoder::Percent, Decoder::JsonEscape, Decoder::HtmlEntity];

    /// The name recorded in a finding's `decoders`.
    pub fn name(self) -> &'static str {
        match self {
            Decoder::Percent => "percent",
            Decoder::JsonEscape => "json_escape",
            Decoder::HtmlEntity => "html_entity",
            Decoder::Base64 => "base64",
            Decoder::Hex => "hex",
        }
    }

    /// Literals whose presence makes this decoder worth running on the surrounding region.
    pub fn triggers(self) -> &'static [&'static str] {
        match self {
            Decoder::Percent => &["%3d", "%26", "%2f", "%3a", "%2b", "%3f", "%40"],
            Decoder::JsonEscape => &["\\u00", "\\/"],
            Decoder::HtmlEntity => &["&amp;", "&#", "&quot;", "&lt;", "&gt;", "&apos;"],
            Decoder::Base64 | Decoder::Hex => &[],
        }
    }

    /// Decodes `input`; `None` when nothing would change (for base64 and hex: when
    /// `input` is not one run that decodes to text).
    pub fn decode(self, input: &[u8]) -> Option<Decoded> {
        let mut budget = runs::MAX_DECODED_PER_LAYER;
        match self {
            Decoder::Percent => percent::decode(input),
            Decoder::JsonEscape => json::decode(input),
            Decoder::HtmlEntity => html::decode(input),
            Decoder::Base64 => runs::base64(input, &mut budget),
            Decoder::Hex => runs::hex(input, &mut budget),
        }
    }
}

/// Decoded bytes with a map back to input offsets (`map.len() == bytes.len() + 1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub bytes: Vec<u8>,
    pub map: Vec<u32>,
}

/// Builds a [`Decoded`] by copying through unchanged bytes and pushing replacements.
pub(crate) struct Builder {
    out: Decoded,
    changed: bool,
}

impl Builder {
    pub fn with_capacity(n: usize) -> Self {
        Builder {
            out: Decoded {
                bytes: Vec::with_capacity(n),
                map: Vec::with_capacity(n + 1),
            },
            changed: false,
        }
    }

    pub fn keep(&mut self, b: u8, at: usize) {
        self.out.bytes.push(b);
        self.out.map.push(at as u32);
    }

    pub fn replace(&mut self, bytes: &[u8], at: usize) {
        for &b in bytes {
            self.out.bytes.push(b);
            self.out.map.push(at as u32);
        }
        self.changed = true;
    }

    pub fn finish(mut self, input_len: usize) -> Option<Decoded> {
        if !self.changed {
            return None;
        }
        self.out.map.push(input_len as u32);
        Some(self.out)
    }
}

pub(crate) fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Encodes a Unicode scalar as UTF-8 (invalid scalars become U+FFFD).
pub(crate) fn utf8(cp: u32) -> Vec<u8> {
    let c = char::from_u32(cp).unwrap_or('\u{FFFD}');
    let mut buf = [0u8; 4];
    c.encode_utf8(&mut buf).as_bytes().to_vec()
}

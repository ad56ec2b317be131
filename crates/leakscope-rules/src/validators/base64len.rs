use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::{alphabet, Engine};

const CONFIG: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, CONFIG);
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, CONFIG);

/// Decodes standard or URL-safe base64 with or without padding.
pub fn decode_any(s: &[u8]) -> Option<Vec<u8>> {
    STANDARD.decode(s).or_else(|_| URL_SAFE.decode(s)).ok()
}

/// Length of the decoded bytes, if `s` is base64 at all.
pub fn decoded_len(s: &[u8]) -> Option<usize> {
    decode_any(s).map(|v| v.len())
}

#[cfg(test)]
mod tests {
    #[test]
    fn decodes_both_alphabets() {
        assert_eq!(super::decoded_len(b"AAAA"), Some(3));
        assert_eq!(super::decoded_len(b"-_-_"), Some(3));
        assert_eq!(super::decoded_len(b"+/+/"), Some(3));
        assert_eq!(super::decoded_len(b"!!"), None);
    }
}

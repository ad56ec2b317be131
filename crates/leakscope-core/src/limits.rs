/// Resource bounds applied to everything we read. Everything scanned is hostile.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Files larger than this are skipped with a reason.
    pub max_file_size: u64,
    /// How far the engine looks around a keyword hit for a match, in bytes.
    pub max_window: usize,
    /// How deep decoders may nest (percent inside JSON escapes inside …).
    pub max_decode_depth: usize,
    /// Most findings kept per blob; the rest are counted as dropped.
    pub max_findings_per_blob: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_size: 256 * 1024 * 1024,
            max_window: 4096,
            max_decode_depth: 3,
            max_findings_per_blob: 1000,
        }
    }
}

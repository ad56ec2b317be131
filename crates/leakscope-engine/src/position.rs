/// Maps byte offsets to 1-based line and column (columns count Unicode scalar values; for
/// invalid UTF-8 every non-continuation byte counts as one).
///
/// Offsets must be queried in non-decreasing order; the index walks forward once.
pub struct LineIndex<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: u64,
    line_start: usize,
}

impl<'a> LineIndex<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        LineIndex {
            bytes,
            pos: 0,
            line: 1,
            line_start: 0,
        }
    }

    /// Line and column of `offset`. Falls back to a fresh walk if asked to go backwards.
    pub fn locate(&mut self, offset: usize) -> (u64, u64) {
        let offset = offset.min(self.bytes.len());
        if offset < self.pos {
            *self = LineIndex::new(self.bytes);
        }
        for nl in memchr::memchr_iter(b'\n', &self.bytes[self.pos..offset]) {
            self.line += 1;
            self.line_start = self.pos + nl + 1;
        }
        self.pos = offset;
        let col = self.bytes[self.line_start..offset]
            .iter()
            .filter(|&&b| (b & 0xC0) != 0x80)
            .count() as u64
            + 1;
        (self.line, col)
    }
}

#[cfg(test)]
mod tests {
    use super::LineIndex;

    #[test]
    fn lines_and_columns_are_one_based_and_count_characters() {
        let text = "ab\ncé_X\n\nZ".as_bytes();
        let mut idx = LineIndex::new(text);
        assert_eq!(idx.locate(0), (1, 1));
        assert_eq!(idx.locate(1), (1, 2));
        let x = text.iter().position(|&b| b == b'X').unwrap();
        assert_eq!(idx.locate(x), (2, 4));
        let z = text.len() - 1;
        assert_eq!(idx.locate(z), (4, 1));
        assert_eq!(idx.locate(1), (1, 2));
    }
}

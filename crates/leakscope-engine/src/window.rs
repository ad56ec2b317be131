/// A byte range of a blob in which one rule's regex must run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Window {
    pub rule: u32,
    pub start: usize,
    pub end: usize,
}

/// The hit's line, capped to `cap` bytes either side of the hit; `forward` extends the end
/// for rules whose secret spans lines.
pub fn around(
    bytes: &[u8],
    hit_start: usize,
    hit_end: usize,
    cap: usize,
    forward: Option<usize>,
) -> (usize, usize) {
    let lo = hit_start.saturating_sub(cap);
    let start = match memchr::memrchr(b'\n', &bytes[lo..hit_start]) {
        Some(i) => lo + i + 1,
        None => lo,
    };
    let end = match forward {
        Some(span) => (hit_end + span).min(bytes.len()),
        None => {
            let hi = (hit_end + cap).min(bytes.len());
            match memchr::memchr(b'\n', &bytes[hit_end..hi]) {
                Some(i) => hit_end + i,
                None => hi,
            }
        }
    };
    (start, end)
}

/// Sorts windows by rule then start and merges overlapping or touching ones in place.
pub fn merge(windows: &mut Vec<Window>) {
    windows.sort_unstable();
    let mut out = 0;
    for i in 0..windows.len() {
        let w = windows[i];
        if out > 0 {
            let last = &mut windows[out - 1];
            if last.rule == w.rule && w.start <= last.end {
                last.end = last.end.max(w.end);
                continue;
            }
        }
        windows[out] = w;
        out += 1;
    }
    windows.truncate(out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_is_the_hits_line() {
        let b = b"first\nsecond KEY here\nthird";
        let s = 13;
        assert_eq!(around(b, s, s + 3, 100, None), (6, 21));
        assert_eq!(around(b, s, s + 3, 2, None), (11, 18));
    }

    #[test]
    fn merges_overlapping_windows_per_rule() {
        let mut w = vec![
            Window {
                rule: 1,
                start: 5,
                end: 10,
            },
            Window {
                rule: 0,
                start: 0,
                end: 4,
            },
            Window {
                rule: 1,
                start: 8,
                end: 20,
            },
            Window {
                rule: 0,
                start: 30,
                end: 40,
            },
        ];
        merge(&mut w);
        assert_eq!(
            w,
            vec![
                Window {
                    rule: 0,
                    start: 0,
                    end: 4
                },
                Window {
                    rule: 0,
                    start: 30,
                    end: 40
                },
                Window {
                    rule: 1,
                    start: 5,
                    end: 20
                },
            ]
        );
    }
}

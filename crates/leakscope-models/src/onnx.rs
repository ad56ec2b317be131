//! ONNX (protobuf): walk the model graph for tensors whose data lives in external
//! files, and flag locations that escape the model's directory (arbitrary file read on
//! load). Raw tensor bytes are skipped, never read.

use crate::input::{Cursor, Mem, RandomAccess};
use crate::verdict::{Builder, VerdictKind};

const MAX_FIELDS: u64 = 50_000_000;
const MAX_DEPTH: u8 = 24;

#[derive(Clone, Copy, PartialEq)]
enum Msg {
    Model,
    Graph,
    Node,
    Attribute,
    Tensor,
    SparseTensor,
    Function,
    StringEntry,
}

/// Which fields of which messages hold sub-messages we need to enter.
fn child(m: Msg, field: u64) -> Option<Msg> {
    use Msg::*;
    match (m, field) {
        (Model, 7) => Some(Graph),
        (Model, 25) => Some(Function),
        (Graph, 1) | (Function, 7) => Some(Node),
        (Graph, 5) => Some(Tensor),
        (Graph, 15) => Some(SparseTensor),
        (Node, 5) => Some(Attribute),
        (Attribute, 5) | (Attribute, 10) => Some(Tensor),
        (Attribute, 6) | (Attribute, 11) => Some(Graph),
        (Attribute, 22) | (Attribute, 23) => Some(SparseTensor),
        (SparseTensor, 1) | (SparseTensor, 2) => Some(Tensor),
        (Tensor, 13) => Some(StringEntry),
        _ => None,
    }
}

struct Walker<'a> {
    c: Cursor<'a>,
    fields: u64,
    locations: Vec<String>,
}

impl Walker<'_> {
    fn varint(&mut self) -> Result<u64, String> {
        let mut v = 0u64;
        for i in 0..10 {
            let b = self.c.byte().map_err(|_| "truncated varint".to_string())?;
            v |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("varint too long".into())
    }

    fn message(&mut self, m: Msg, end: u64, depth: u8) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err("messages nested too deeply".into());
        }
        let mut key = None;
        let mut value = None;
        while self.c.pos() < end {
            self.fields += 1;
            if self.fields > MAX_FIELDS {
                return Err("too many fields".into());
            }
            let tag = self.varint()?;
            let (field, wire) = (tag >> 3, tag & 7);
            if field == 0 {
                return Err("field number 0".into());
            }
            match wire {
                0 => {
                    self.varint()?;
                }
                1 => self.c.skip(8).map_err(|_| "truncated")?,
                5 => self.c.skip(4).map_err(|_| "truncated")?,
                2 => {
                    let len = self.varint()?;
                    let start = self.c.pos();
                    let stop = start
                        .checked_add(len)
                        .filter(|&s| s <= end)
                        .ok_or("length past end")?;
                    if m == Msg::StringEntry && (field == 1 || field == 2) && len < 65536 {
                        let s = self.c.take(len as usize).map_err(|_| "truncated")?;
                        let s = String::from_utf8_lossy(&s).into_owned();
                        if field == 1 {
                            key = Some(s)
                        } else {
                            value = Some(s)
                        }
                    } else if let Some(sub) = child(m, field) {
                        self.message(sub, stop, depth + 1)?;
                    }
                    self.c.set_pos(stop);
                }
                _ => return Err(format!("bad wire type {wire}")),
            }
        }
        if m == Msg::StringEntry && key.as_deref() == Some("location") {
            if let Some(v) = value {
                self.locations.push(v);
            }
        }
        Ok(())
    }
}

/// Whether a relative location stays inside the model directory.
pub fn escapes(loc: &str) -> bool {
    let l = loc.replace('\\', "/");
    if l.starts_with('/') || l.contains('\0') || l.as_bytes().get(1) == Some(&b':') {
        return true;
    }
    let mut depth = 0i64;
    for part in l.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                depth -= 1;
                if depth < 0 {
                    return true;
                }
            }
            _ => depth += 1,
        }
    }
    false
}

pub fn analyze(b: &mut Builder, src: &dyn RandomAccess) {
    let mut w = Walker {
        c: Cursor::new(src, 0),
        fields: 0,
        locations: Vec::new(),
    };
    if let Err(e) = w.message(Msg::Model, src.len(), 0) {
        b.flag(VerdictKind::Malformed, format!("ONNX protobuf: {e}"));
    }
    for loc in &w.locations {
        if escapes(loc) {
            b.flag(
                VerdictKind::Malicious,
                format!("ONNX external data location {loc:?} escapes the model directory (reads an arbitrary file on load)"),
            );
        } else {
            b.note(format!("ONNX external data file {loc:?}"));
        }
    }
}

/// ModelProto starts with `ir_version` (field 1, varint) followed by known fields.
pub fn looks_like_onnx(head: &[u8]) -> bool {
    if head.len() < 4 || head[0] != 0x08 || head[1] == 0 || head[1] > 32 {
        return false;
    }
    let mem = Mem(head);
    let mut w = Walker {
        c: Cursor::new(&mem, 0),
        fields: 0,
        locations: Vec::new(),
    };
    let mut seen = 0;
    while w.c.pos() < head.len() as u64 {
        let Ok(tag) = w.varint() else { break };
        let (field, wire) = (tag >> 3, tag & 7);
        let ok = matches!(
            (field, wire),
            (1 | 5, 0) | (2 | 3 | 4 | 6 | 7 | 8 | 14 | 20 | 25, 2)
        );
        if !ok {
            return false;
        }
        seen += 1;
        if wire == 0 {
            if w.varint().is_err() {
                break;
            }
        } else {
            let Ok(len) = w.varint() else { break };
            if w.c.skip(len).is_err() {
                break;
            }
        }
    }
    seen >= 2
}

//! The symbolic pickle virtual machine: every opcode of protocols 0–5, never executing.
//!
//! It mirrors CPython's unpickler closely enough that every `find_class` the real
//! loader would perform is seen (`GLOBAL`, `STACK_GLOBAL`, `INST`) and every call it
//! would make is rebuilt as a [`Value::Call`] with symbolic arguments. Opcodes run in
//! stream order and the real loader has already executed everything before an error,
//! so whatever was seen before a truncation or a bad opcode is still reported.

use std::collections::HashMap;
use std::rc::Rc;

use crate::error::PickleError;
use crate::input::Cursor;
use crate::pickle::joblib;
use crate::pickle::text;
use crate::pickle::value::{CallKind, Value, V};

/// Resource bounds for one pickle (a hostile stream must not exhaust the machine).
#[derive(Debug, Clone)]
pub struct Limits {
    pub max_ops: u64,
    pub max_stack: usize,
    pub max_memo: usize,
    /// Symbolic values allocated; past it new values become `Unknown` (imports are
    /// still recorded because their names are inline in the opcode stream).
    pub max_values: usize,
    /// Bytes of string/bytes payload kept in memory across the whole pickle.
    pub max_kept_bytes: usize,
    /// Largest single string/bytes kept whole (bigger ones are skipped, a prefix kept).
    pub max_blob: usize,
    /// Nested pickles (inside byte strings, joblib object arrays) analysed this deep.
    pub max_nesting: u8,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_ops: 20_000_000,
            max_stack: 1_000_000,
            max_memo: 2_000_000,
            max_values: 1_000_000,
            max_kept_bytes: 32 << 20,
            max_blob: 8 << 20,
            max_nesting: 3,
        }
    }
}

/// An import the loader would perform.
#[derive(Debug, Clone)]
pub struct Import {
    pub module: String,
    pub name: String,
    pub offset: u64,
    pub opcode: &'static str,
}

/// A call the loader would make.
#[derive(Debug, Clone)]
pub struct CallSite {
    pub call: V,
    pub offset: u64,
}

/// Everything learnt from one pickle (one `load()`), possibly cut short by `error`.
#[derive(Debug, Default)]
pub struct Run {
    pub start: u64,
    pub end: u64,
    pub protocol: Option<u8>,
    pub stopped: bool,
    pub error: Option<PickleError>,
    pub ops: u64,
    pub imports: Vec<Import>,
    pub calls: Vec<CallSite>,
    /// `STACK_GLOBAL` whose module/name were not literal strings.
    pub dynamic_imports: Vec<String>,
    /// `STACK_GLOBAL` we could not resolve because an analysis budget ran out.
    pub unresolved_imports: Vec<String>,
    /// Whether the memo budget ran out (later memo reads are unknown).
    pub memo_overflow: bool,
    pub ext_codes: Vec<u32>,
    pub persistent_ids: u64,
    /// Byte strings that look like whole pickles: (offset, bytes).
    pub nested: Vec<(u64, V)>,
    /// Nested runs found inline (joblib object arrays).
    pub inline_runs: Vec<Run>,
    pub notes: Vec<String>,
    /// The value `load()` returns.
    pub result: Option<V>,
    /// Whether the value budget ran out (analysis of arguments is partial).
    pub values_exhausted: bool,
    /// Every mutable container created, emptied on drop so that reference cycles a
    /// hostile pickle builds through the memo (a list containing itself) are freed.
    containers: CycleGuard,
}

#[derive(Debug, Default)]
struct CycleGuard(Vec<V>);

impl Drop for CycleGuard {
    fn drop(&mut self) {
        for c in &self.0 {
            c.break_cycles();
        }
    }
}

impl Run {
    /// Whether this run did something a loader would act on (for trailing data).
    pub fn is_substantial(&self) -> bool {
        self.stopped || !self.calls.is_empty() || self.protocol.is_some()
    }
}

pub struct Interp<'c, 'a> {
    cur: &'c mut Cursor<'a>,
    limits: &'c Limits,
    depth: u8,
    stack: Vec<V>,
    metastack: Vec<Vec<V>>,
    memo: Memo,
    values: usize,
    kept: usize,
    /// BUILD state applied to an object, keyed by the object's address (the object
    /// stays the same value on the stack, as in Python).
    built: HashMap<usize, (V, V)>,
    /// Every mutable container created (handed to the [`Run`], which frees cycles).
    containers: Vec<V>,
    /// Attributes set on globals through `BUILD` (`module.name.attr` → value): a later
    /// `GLOBAL module name.attr` reads them back, as the real loader would.
    patched: HashMap<String, V>,
    unknown: V,
    run: Run,
}

type R<T> = Result<T, PickleError>;

impl<'c, 'a> Interp<'c, 'a> {
    pub fn new(cur: &'c mut Cursor<'a>, limits: &'c Limits, depth: u8) -> Self {
        let start = cur.pos();
        Interp {
            cur,
            limits,
            depth,
            stack: Vec::new(),
            metastack: Vec::new(),
            memo: Memo::default(),
            values: 0,
            kept: 0,
            built: HashMap::new(),
            containers: Vec::new(),
            patched: HashMap::new(),
            unknown: Rc::new(Value::Unknown),
            run: Run {
                start,
                ..Run::default()
            },
        }
    }

    /// Run one pickle from the cursor's position to `STOP` (or the first error).
    pub fn run(mut self) -> Run {
        let outcome = self.exec();
        if let Err(e) = outcome {
            self.run.error = Some(e);
        }
        self.run.end = self.cur.pos();
        self.run.containers = CycleGuard(std::mem::take(&mut self.containers));
        self.run
    }

    fn exec(&mut self) -> R<()> {
        loop {
            if self.run.ops >= self.limits.max_ops {
                return Err(PickleError::Limit("opcode count"));
            }
            let pos = self.cur.pos();
            let op = self.byte()?;
            self.run.ops += 1;
            if self.op(op, pos)? {
                return Ok(());
            }
            if self.stack.len() > self.limits.max_stack
                || self.metastack.len() > self.limits.max_stack
            {
                return Err(PickleError::Limit("stack size"));
            }
        }
    }

    // ----- reading helpers -------------------------------------------------------

    fn io(&self, e: std::io::Error) -> PickleError {
        if e.kind() == std::io::ErrorKind::UnexpectedEof {
            PickleError::Truncated(self.cur.pos())
        } else {
            PickleError::Io(e.to_string())
        }
    }

    fn byte(&mut self) -> R<u8> {
        self.cur.byte().map_err(|e| self.io(e))
    }

    fn bytes(&mut self, n: usize) -> R<Vec<u8>> {
        self.cur.take(n).map_err(|e| self.io(e))
    }

    fn u16(&mut self) -> R<u16> {
        let b = self.bytes(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32(&mut self) -> R<u32> {
        let b = self.bytes(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn i32(&mut self) -> R<i32> {
        Ok(self.u32()? as i32)
    }

    fn u64(&mut self) -> R<u64> {
        let b = self.bytes(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(&b);
        Ok(u64::from_le_bytes(a))
    }

    fn line(&mut self) -> R<Vec<u8>> {
        let pos = self.cur.pos();
        match self.cur.line(64 * 1024).map_err(|e| self.io(e))? {
            Some(l) => Ok(l),
            None => Err(PickleError::Invalid {
                what: "line argument too long",
                pos,
            }),
        }
    }

    fn invalid(&self, what: &'static str) -> PickleError {
        PickleError::Invalid {
            what,
            pos: self.cur.pos(),
        }
    }

    /// Read a length-prefixed payload, keeping it whole only within the budgets.
    fn blob(&mut self, n: u64) -> R<(Vec<u8>, u64)> {
        if n > self.cur.remaining() {
            // The real loader fails here too; do not allocate for a lying length.
            self.cur.set_pos(self.cur.len());
            return Err(PickleError::Truncated(self.cur.pos()));
        }
        let keep_whole = n <= self.limits.max_blob as u64
            && self.kept + n as usize <= self.limits.max_kept_bytes;
        if keep_whole {
            self.kept += n as usize;
            Ok((self.bytes(n as usize)?, n))
        } else {
            let prefix = self.bytes(256.min(n as usize))?;
            self.cur
                .skip(n - prefix.len() as u64)
                .map_err(|e| self.io(e))?;
            self.run.notes.push(format!(
                "{n}-byte payload at byte {} skipped (not kept in memory)",
                self.cur.pos() - n
            ));
            Ok((prefix, n))
        }
    }

    // ----- value helpers ---------------------------------------------------------

    fn alloc(&mut self, v: Value) -> V {
        if self.values >= self.limits.max_values {
            if !self.run.values_exhausted {
                self.run.values_exhausted = true;
                self.run
                    .notes
                    .push("value budget exhausted: later arguments are not modelled".into());
            }
            return self.unknown.clone();
        }
        self.values += 1;
        let is_container = matches!(v, Value::List(_) | Value::Dict(_) | Value::Set(_));
        let rc = Rc::new(v);
        if is_container {
            self.containers.push(rc.clone());
        }
        rc
    }

    fn push(&mut self, v: Value) {
        let v = self.alloc(v);
        self.stack.push(v);
    }

    fn pop(&mut self) -> R<V> {
        self.stack
            .pop()
            .ok_or_else(|| self.invalid("stack underflow"))
    }

    fn top(&self) -> R<V> {
        self.stack
            .last()
            .cloned()
            .ok_or_else(|| self.invalid("stack underflow"))
    }

    fn pop_mark(&mut self) -> R<Vec<V>> {
        let below = self
            .metastack
            .pop()
            .ok_or_else(|| self.invalid("mark not found"))?;
        Ok(std::mem::replace(&mut self.stack, below))
    }

    fn str_value(&mut self, bytes: Vec<u8>, full_len: u64, utf8: bool) -> Value {
        let text = if utf8 {
            String::from_utf8_lossy(&bytes).into_owned()
        } else {
            // Python 2 str payloads: latin-1 keeps every byte.
            bytes.iter().map(|&b| b as char).collect()
        };
        let full_len = if full_len as usize == bytes.len() {
            text.len()
        } else {
            full_len as usize
        };
        Value::Str { text, full_len }
    }

    fn bytes_value(&mut self, data: Vec<u8>, full_len: u64, pos: u64) {
        let looks_like_pickle = data.len() as u64 == full_len
            && data.len() > 2
            && data[0] == 0x80
            && data[1] <= 5
            && data.last() == Some(&b'.');
        let v = self.alloc(Value::Bytes { data, full_len });
        if looks_like_pickle {
            self.run.nested.push((pos, v.clone()));
        }
        self.stack.push(v);
    }

    fn memo_put(&mut self, key: u64) -> R<()> {
        let v = self.top()?;
        if self.memo.len() >= self.limits.max_memo && self.memo.get(key).is_none() {
            // Past the budget, keep going without remembering: imports are still seen,
            // and a later GET of a forgotten key yields an unknown value.
            if !self.run.memo_overflow {
                self.run.memo_overflow = true;
                self.run
                    .notes
                    .push("memo budget exhausted: later memoised values are not modelled".into());
            }
            return Ok(());
        }
        self.memo.insert(key, v);
        Ok(())
    }

    fn memo_get(&mut self, key: u64) -> R<()> {
        match self.memo.get(key) {
            Some(v) => {
                self.stack.push(v);
                Ok(())
            }
            None if self.run.memo_overflow => {
                self.stack.push(self.unknown.clone());
                Ok(())
            }
            None => Err(self.invalid("memo key not found")),
        }
    }

    fn import(&mut self, module: String, name: String, pos: u64, opcode: &'static str) {
        self.run.imports.push(Import {
            module: module.clone(),
            name: name.clone(),
            offset: pos,
            opcode,
        });
        if let Some(v) = self.patched.get(&format!("{module}.{name}")) {
            let v = v.clone();
            self.stack.push(v);
            return;
        }
        self.push(Value::Global { module, name });
    }

    fn call(&mut self, func: V, args: V, kwargs: Option<V>, kind: CallKind, pos: u64) {
        self.latin1_bytes(&func, &args, pos);
        let call = self.alloc(Value::Call {
            func,
            args,
            kwargs,
            kind,
        });
        // Record even when the node could not be allocated: the call still happens.
        self.run.calls.push(CallSite {
            call: call.clone(),
            offset: pos,
        });
        self.stack.push(call);
    }

    /// Protocols < 3 write bytes as `_codecs.encode('<latin-1 text>', 'latin1')`: a
    /// pickle hidden in such bytes (e.g. for `pickle.loads`) is a nested pickle too.
    fn latin1_bytes(&mut self, func: &V, args: &V, pos: u64) {
        if func.global_path().as_deref() != Some("_codecs.encode") {
            return;
        }
        let Some(first) = args.items().and_then(|a| a.first().cloned()) else {
            return;
        };
        let Some(text) = first.as_str() else { return };
        if !text.starts_with('\u{80}') || text.chars().any(|c| u32::from(c) > 0xff) {
            return;
        }
        let data: Vec<u8> = text.chars().map(|c| u32::from(c) as u8).collect();
        if data.len() > 2 && data[1] <= 5 && data.last() == Some(&b'.') {
            let n = data.len() as u64;
            let v = self.alloc(Value::Bytes { data, full_len: n });
            self.run.nested.push((pos, v));
        }
    }

    fn decode_name(&self, raw: Vec<u8>) -> R<String> {
        String::from_utf8(raw).map_err(|_| self.invalid("module/name is not UTF-8"))
    }

    // ----- the opcodes -------------------------------------------------------------

    /// Execute one opcode; `Ok(true)` at `STOP`.
    fn op(&mut self, op: u8, pos: u64) -> R<bool> {
        match op {
            // MARK
            b'(' => {
                let cur = std::mem::take(&mut self.stack);
                self.metastack.push(cur);
            }
            // STOP
            b'.' => {
                let v = self.pop()?;
                self.run.result = Some(v);
                self.run.stopped = true;
                return Ok(true);
            }
            // POP: like CPython, an empty stack pops the mark instead
            b'0' => {
                if self.stack.pop().is_none() {
                    self.pop_mark()?;
                }
            }
            // POP_MARK
            b'1' => {
                self.pop_mark()?;
            }
            // DUP
            b'2' => {
                let v = self.top()?;
                self.stack.push(v);
            }
            // FLOAT (text)
            b'F' => {
                let l = self.line()?;
                let f = text::parse_float(&l).ok_or_else(|| self.invalid("bad FLOAT"))?;
                self.push(Value::Float(f));
            }
            // INT (text); "00"/"01" are protocol-0 booleans
            b'I' => {
                let l = self.line()?;
                let v = match l.as_slice() {
                    b"00" => Value::Bool(false),
                    b"01" => Value::Bool(true),
                    _ => text::parse_int(&l).ok_or_else(|| self.invalid("bad INT"))?,
                };
                self.push(v);
            }
            // LONG (text, trailing L)
            b'L' => {
                let l = self.line()?;
                let body = l.strip_suffix(b"L").unwrap_or(&l);
                let v = text::parse_int(body).ok_or_else(|| self.invalid("bad LONG"))?;
                self.push(v);
            }
            b'J' => {
                let v = self.i32()?;
                self.push(Value::Int(i64::from(v)));
            }
            b'K' => {
                let v = self.byte()?;
                self.push(Value::Int(i64::from(v)));
            }
            b'M' => {
                let v = self.u16()?;
                self.push(Value::Int(i64::from(v)));
            }
            // LONG1 / LONG4: little-endian two's complement of any width
            0x8a | 0x8b => {
                let n = if op == 0x8a {
                    u64::from(self.byte()?)
                } else {
                    let n = self.i32()?;
                    u64::try_from(n).map_err(|_| self.invalid("negative LONG4 length"))?
                };
                let (data, full) = self.blob(n)?;
                self.push(text::long_from_le(&data, full));
            }
            b'G' => {
                let b = self.bytes(8)?;
                let mut a = [0u8; 8];
                a.copy_from_slice(&b);
                self.push(Value::Float(f64::from_be_bytes(a)));
            }
            b'N' => self.push(Value::None),
            0x88 => self.push(Value::Bool(true)),
            0x89 => self.push(Value::Bool(false)),
            // PERSID (text) / BINPERSID
            b'P' => {
                let l = self.line()?;
                let s = self.alloc(self.str_value_owned(l));
                self.run.persistent_ids += 1;
                self.push(Value::PersistentId(s));
            }
            b'Q' => {
                let pid = self.pop()?;
                self.run.persistent_ids += 1;
                self.push(Value::PersistentId(pid));
            }
            // STRING (quoted text, Python escapes)
            b'S' => {
                let l = self.line()?;
                let s = text::unquote_string(&l).ok_or_else(|| self.invalid("bad STRING"))?;
                let n = s.len() as u64;
                let v = self.str_value(s, n, false);
                self.push(v);
            }
            // UNICODE (raw-unicode-escape text)
            b'V' => {
                let l = self.line()?;
                let s = text::raw_unicode_escape(&l);
                let n = s.len();
                self.push(Value::Str {
                    text: s,
                    full_len: n,
                });
            }
            // BINSTRING / SHORT_BINSTRING (Python 2 str)
            b'T' | b'U' => {
                let n = if op == b'T' {
                    let n = self.i32()?;
                    u64::try_from(n).map_err(|_| self.invalid("negative BINSTRING length"))?
                } else {
                    u64::from(self.byte()?)
                };
                let (d, full) = self.blob(n)?;
                let v = self.str_value(d, full, false);
                self.push(v);
            }
            // BINUNICODE / SHORT_BINUNICODE / BINUNICODE8
            b'X' | 0x8c | 0x8d => {
                let n = match op {
                    b'X' => u64::from(self.u32()?),
                    0x8c => u64::from(self.byte()?),
                    _ => self.u64()?,
                };
                let (d, full) = self.blob(n)?;
                let v = self.str_value(d, full, true);
                self.push(v);
            }
            // BINBYTES / SHORT_BINBYTES / BINBYTES8 / BYTEARRAY8
            b'B' | b'C' | 0x8e | 0x96 => {
                let n = match op {
                    b'B' => u64::from(self.u32()?),
                    b'C' => u64::from(self.byte()?),
                    _ => self.u64()?,
                };
                let at = self.cur.pos();
                let (d, full) = self.blob(n)?;
                self.bytes_value(d, full, at);
            }
            // NEXT_BUFFER / READONLY_BUFFER (protocol 5 out-of-band data)
            0x97 => {
                self.run
                    .notes
                    .push("out-of-band buffer referenced (loader must pass buffers=)".into());
                self.push(Value::Buffer);
            }
            0x98 => {
                self.top()?;
            }
            b')' => self.push(Value::Tuple(Vec::new())),
            b't' => {
                let items = self.pop_mark()?;
                self.push(Value::Tuple(items));
            }
            0x85..=0x87 => {
                let n = usize::from(op - 0x84);
                if self.stack.len() < n {
                    return Err(self.invalid("stack underflow"));
                }
                let items = self.stack.split_off(self.stack.len() - n);
                self.push(Value::Tuple(items));
            }
            b']' => self.push(Value::List(Default::default())),
            b'l' => {
                let items = self.pop_mark()?;
                self.push(Value::List(items.into()));
            }
            b'}' => self.push(Value::Dict(Default::default())),
            b'd' => {
                let items = self.pop_mark()?;
                let pairs = pairs(items).ok_or_else(|| self.invalid("odd DICT items"))?;
                self.push(Value::Dict(pairs.into()));
            }
            0x8f => self.push(Value::Set(Default::default())),
            0x91 => {
                let items = self.pop_mark()?;
                self.push(Value::FrozenSet(items));
            }
            // APPEND / APPENDS
            b'a' => {
                let v = self.pop()?;
                let target = self.top()?;
                self.extend_target(&target, vec![v]);
            }
            b'e' => {
                let items = self.pop_mark()?;
                let target = self.top()?;
                self.extend_target(&target, items);
            }
            // ADDITEMS
            0x90 => {
                let items = self.pop_mark()?;
                let target = self.top()?;
                self.extend_target(&target, items);
            }
            // SETITEM / SETITEMS
            b's' => {
                let v = self.pop()?;
                let k = self.pop()?;
                let target = self.top()?;
                self.set_items(&target, vec![(k, v)]);
            }
            b'u' => {
                let items = self.pop_mark()?;
                let p = pairs(items).ok_or_else(|| self.invalid("odd SETITEMS items"))?;
                let target = self.top()?;
                self.set_items(&target, p);
            }
            // GET / BINGET / LONG_BINGET
            b'g' => {
                let l = self.line()?;
                let k = text::parse_u64(&l).ok_or_else(|| self.invalid("bad GET"))?;
                self.memo_get(k)?;
            }
            b'h' => {
                let k = u64::from(self.byte()?);
                self.memo_get(k)?;
            }
            b'j' => {
                let k = u64::from(self.u32()?);
                self.memo_get(k)?;
            }
            // PUT / BINPUT / LONG_BINPUT / MEMOIZE
            b'p' => {
                let l = self.line()?;
                let k = text::parse_u64(&l).ok_or_else(|| self.invalid("bad PUT"))?;
                self.memo_put(k)?;
            }
            b'q' => {
                let k = u64::from(self.byte()?);
                self.memo_put(k)?;
            }
            b'r' => {
                let k = u64::from(self.u32()?);
                self.memo_put(k)?;
            }
            0x94 => {
                // CPython keys MEMOIZE by the memo's current size (PUTs included):
                // exactly what the memo-confusion evasion relies on.
                let k = self.memo.len() as u64;
                self.memo_put(k)?;
            }
            // GLOBAL
            b'c' => {
                let m = self.line()?;
                let n = self.line()?;
                let (m, n) = (self.decode_name(m)?, self.decode_name(n)?);
                self.import(m, n, pos, "GLOBAL");
            }
            // STACK_GLOBAL
            0x93 => {
                let name = self.pop()?;
                let module = self.pop()?;
                match (module.as_str(), name.as_str()) {
                    (Some(m), Some(n)) => {
                        let (m, n) = (m.to_string(), n.to_string());
                        self.import(m, n, pos, "STACK_GLOBAL");
                    }
                    _ => {
                        let desc = format!(
                            "{}.{}",
                            crate::pickle::value::render(&module),
                            crate::pickle::value::render(&name)
                        );
                        let ours =
                            matches!(&*module, Value::Unknown) || matches!(&*name, Value::Unknown);
                        if ours && (self.run.memo_overflow || self.run.values_exhausted) {
                            // Unknown only because our own budgets ran out.
                            self.run.unresolved_imports.push(desc);
                        } else {
                            self.run.dynamic_imports.push(desc);
                        }
                        self.stack.push(self.unknown.clone());
                    }
                }
            }
            // INST: class named inline, arguments since the mark
            b'i' => {
                let m = self.line()?;
                let n = self.line()?;
                let (m, n) = (self.decode_name(m)?, self.decode_name(n)?);
                let args = self.pop_mark()?;
                self.import(m, n, pos, "INST");
                let cls = self.pop()?;
                let args = self.alloc(Value::Tuple(args));
                self.call(cls, args, None, CallKind::Inst, pos);
            }
            // OBJ: class is the first item after the mark
            b'o' => {
                let mut items = self.pop_mark()?;
                if items.is_empty() {
                    return Err(self.invalid("OBJ without class"));
                }
                let cls = items.remove(0);
                let args = self.alloc(Value::Tuple(items));
                self.call(cls, args, None, CallKind::Inst, pos);
            }
            // NEWOBJ / NEWOBJ_EX
            0x81 => {
                let args = self.pop()?;
                let cls = self.pop()?;
                self.call(cls, args, None, CallKind::New, pos);
            }
            0x92 => {
                let kwargs = self.pop()?;
                let args = self.pop()?;
                let cls = self.pop()?;
                self.call(cls, args, Some(kwargs), CallKind::New, pos);
            }
            // REDUCE
            b'R' => {
                let args = self.pop()?;
                let func = self.pop()?;
                self.call(func, args, None, CallKind::Reduce, pos);
            }
            // BUILD
            b'b' => {
                let state = self.pop()?;
                let obj = self.top()?;
                self.build(obj, state, pos)?;
            }
            // EXT1 / EXT2 / EXT4: extension registry
            0x82..=0x84 => {
                let code = match op {
                    0x82 => u32::from(self.byte()?),
                    0x83 => u32::from(self.u16()?),
                    _ => self.u32()?,
                };
                self.run.ext_codes.push(code);
                self.push(Value::Ext(code));
            }
            // PROTO
            0x80 => {
                let p = self.byte()?;
                if p > 5 {
                    return Err(self.invalid("unsupported pickle protocol"));
                }
                self.run.protocol.get_or_insert(p);
            }
            // FRAME: framing is transparent to the opcode stream
            0x95 => {
                self.u64()?;
            }
            _ => return Err(PickleError::UnknownOpcode { op, pos }),
        }
        Ok(false)
    }

    fn str_value_owned(&self, raw: Vec<u8>) -> Value {
        let text: String = raw.iter().map(|&b| b as char).collect();
        let n = text.len();
        Value::Str { text, full_len: n }
    }

    fn extend_target(&mut self, target: &V, items: Vec<V>) {
        match &**target {
            Value::List(v) | Value::Set(v) => {
                if let Ok(mut v) = v.try_borrow_mut() {
                    v.extend(items);
                }
            }
            // Appending to any other object calls its `append`/`extend`/`add`
            // method, which only a flagged global's instance can provide.
            _ => {}
        }
    }

    fn set_items(&mut self, target: &V, items: Vec<(V, V)>) {
        if let Value::Dict(d) = &**target {
            if let Ok(mut d) = d.try_borrow_mut() {
                d.extend(items);
            }
        }
    }

    fn build(&mut self, obj: V, state: V, pos: u64) -> R<()> {
        // Setting state on a class or function (not an instance) monkey-patches it:
        // that is a call worth reporting in its own right.
        if let Value::Global { module, name } = &*obj {
            self.remember_patch(&format!("{module}.{name}"), &state);
            let node = self.alloc(Value::Built {
                obj: obj.clone(),
                state: state.clone(),
            });
            self.run.calls.push(CallSite {
                call: node,
                offset: pos,
            });
        }
        let key = Rc::as_ptr(&obj) as usize;
        if self.built.len() < self.limits.max_memo {
            self.built.insert(key, (obj.clone(), state.clone()));
        }
        if joblib::is_array_wrapper(&obj) {
            self.joblib_array(&state, pos)?;
        }
        Ok(())
    }

    /// `BUILD` with a dict (or `(dict, slotstate)`) sets attributes on the object.
    fn remember_patch(&mut self, path: &str, state: &V) {
        let mut dicts = vec![state.clone()];
        if let Value::Tuple(t) = &**state {
            dicts = t.clone();
        }
        for d in dicts {
            if let Value::Dict(items) = &*d {
                for (k, v) in items.borrow().iter() {
                    if let Some(k) = k.as_str() {
                        if self.patched.len() < self.limits.max_memo {
                            self.patched.insert(format!("{path}.{k}"), v.clone());
                        }
                    }
                }
            }
        }
    }

    /// joblib writes array data raw into the stream right after the wrapper's BUILD;
    /// skip it (or analyse the inline pickle of an object array).
    fn joblib_array(&mut self, state: &V, pos: u64) -> R<()> {
        let dtype_state = state.dict_get("dtype").and_then(|d| {
            self.built
                .get(&(Rc::as_ptr(&d) as usize))
                .map(|s| s.1.clone())
        });
        match joblib::array_layout(state, dtype_state.as_deref()) {
            Some(joblib::Layout::Object) => {
                if self.depth >= self.limits.max_nesting {
                    return Err(PickleError::Limit("nesting depth"));
                }
                let sub = Interp::new(self.cur, self.limits, self.depth + 1).run();
                let failed = !sub.stopped;
                self.run.inline_runs.push(sub);
                if failed {
                    return Err(self.invalid("bad inline object-array pickle"));
                }
            }
            Some(joblib::Layout::Raw { nbytes, aligned }) => {
                if aligned {
                    let pad = self.byte()?;
                    self.cur.skip(u64::from(pad)).map_err(|e| self.io(e))?;
                }
                self.cur.skip(nbytes).map_err(|e| self.io(e))?;
                self.run.notes.push(format!(
                    "joblib array of {nbytes} bytes at byte {pos} skipped"
                ));
            }
            None => {
                return Err(self.invalid("joblib array wrapper with an unreadable layout"));
            }
        }
        Ok(())
    }
}

/// The memo: dense keys (what picklers write) in a vector, any others in a map.
#[derive(Default)]
struct Memo {
    dense: Vec<Option<V>>,
    sparse: HashMap<u64, V>,
    count: usize,
}

const DENSE_KEYS: u64 = 1 << 24;

impl Memo {
    fn len(&self) -> usize {
        self.count
    }

    fn get(&self, key: u64) -> Option<V> {
        if key < DENSE_KEYS {
            self.dense.get(key as usize).cloned().flatten()
        } else {
            self.sparse.get(&key).cloned()
        }
    }

    fn insert(&mut self, key: u64, v: V) {
        let old = if key < DENSE_KEYS {
            let i = key as usize;
            if i >= self.dense.len() {
                self.dense.resize(i + 1, None);
            }
            self.dense[i].replace(v)
        } else {
            self.sparse.insert(key, v)
        };
        if old.is_none() {
            self.count += 1;
        }
    }
}

fn pairs(items: Vec<V>) -> Option<Vec<(V, V)>> {
    if items.len() & 1 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(items.len() / 2);
    let mut it = items.into_iter();
    while let (Some(k), Some(v)) = (it.next(), it.next()) {
        out.push((k, v));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Mem;
    use crate::pickle::value::render;

    fn run(bytes: &[u8]) -> Run {
        let mem = Mem(bytes);
        let mut cur = Cursor::new(&mem, 0);
        let limits = Limits::default();
        Interp::new(&mut cur, &limits, 0).run()
    }

    fn result(bytes: &[u8]) -> String {
        let r = run(bytes);
        assert!(r.error.is_none(), "{:?}", r.error);
        render(r.result.as_deref().expect("result"))
    }

    #[test]
    fn protocol0_text_opcodes() {
        assert_eq!(result(b"I42\n."), "42");
        assert_eq!(result(b"I01\n."), "True");
        assert_eq!(result(b"L12345678901234567890123L\n."), "<int of 12 bytes>");
        assert_eq!(result(b"F1.5\n."), "1.5");
        assert_eq!(result(b"S'a\\'b'\n."), "'a\\'b'");
        assert_eq!(result(b"Vcaf\\u00e9\n."), "'caf\u{e9}'");
        assert_eq!(result(b"(I1\nI2\nl."), "[1, 2]");
        assert_eq!(result(b"(S'k'\nI1\nd."), "{'k': 1}");
        assert_eq!(result(b"(I1\nt."), "(1,)");
        assert_eq!(result(b"I7\np3\n0g3\n."), "7");
        assert_eq!(result(b"Pkey\n."), "persistent_load('key')");
        assert_eq!(result(b"(N2t."), "(None, None)");
    }

    #[test]
    fn binary_opcodes() {
        assert_eq!(result(b"\x80\x02J\xff\xff\xff\xff."), "-1");
        assert_eq!(result(b"\x80\x02K\x07."), "7");
        assert_eq!(result(b"\x80\x02M\x00\x01."), "256");
        assert_eq!(result(b"\x80\x02\x8a\x01\xff."), "-1");
        assert_eq!(result(b"\x80\x02\x8b\x01\x00\x00\x00\x05."), "5");
        assert_eq!(result(b"\x80\x02G?\xf8\x00\x00\x00\x00\x00\x00."), "1.5");
        assert_eq!(result(b"\x80\x02\x88\x89N\x87."), "(True, False, None)");
        assert_eq!(result(b"\x80\x02T\x02\x00\x00\x00ab."), "'ab'");
        assert_eq!(result(b"\x80\x02U\x02ab."), "'ab'");
        assert_eq!(result(b"\x80\x02X\x02\x00\x00\x00ab."), "'ab'");
        assert_eq!(result(b"\x80\x03B\x01\x00\x00\x00\x00."), "b'\\x00'");
        assert_eq!(result(b"\x80\x03C\x01a."), "b'a'");
        assert_eq!(
            result(b"\x80\x04\x8c\x01a\x8d\x01\x00\x00\x00\x00\x00\x00\x00b\x86."),
            "('a', 'b')"
        );
        assert_eq!(
            result(b"\x80\x04\x8e\x01\x00\x00\x00\x00\x00\x00\x00z."),
            "b'z'"
        );
        assert_eq!(
            result(b"\x80\x05\x96\x01\x00\x00\x00\x00\x00\x00\x00z\x98."),
            "b'z'"
        );
        assert_eq!(result(b"\x80\x04\x8f(K\x01K\x02\x90."), "{1, 2}");
        assert_eq!(result(b"\x80\x04(K\x01\x91."), "frozenset({1})");
        assert_eq!(result(b"\x80\x02]q\x00(K\x01K\x02eh\x00."), "[1, 2]");
        assert_eq!(
            result(b"\x80\x02}r\x05\x00\x00\x00K\x01K\x02sj\x05\x00\x00\x00."),
            "{1: 2}"
        );
        assert_eq!(result(b"\x80\x02}(K\x01K\x02K\x03K\x04u."), "{1: 2, 3: 4}");
        assert_eq!(result(b"\x80\x02]K\x01a."), "[1]");
        assert_eq!(result(b"\x80\x02)\x85."), "((),)");
        assert_eq!(
            result(b"\x80\x04K\x01\x94K\x02\x94h\x00h\x01\x86."),
            "(1, 2)"
        );
        assert_eq!(result(b"\x80\x02(K\x01K\x021K\x03."), "3");
        assert_eq!(result(b"\x80\x02K\x01K\x020."), "1");
        assert_eq!(result(b"\x80\x02K\x01Q."), "persistent_load(1)");
        assert_eq!(result(b"\x80\x05\x97."), "<out-of-band buffer>");
        assert_eq!(
            result(b"\x80\x02\x82\x01\x83\x02\x00\x84\x03\x00\x00\x00\x87."),
            "(<extension 1>, <extension 2>, <extension 3>)"
        );
        let framed = b"\x80\x04\x95\x02\x00\x00\x00\x00\x00\x00\x00K\x01.";
        assert_eq!(result(framed), "1");
    }

    #[test]
    fn calls_and_imports() {
        let r = run(b"\x80\x02cos\nsystem\nX\x02\x00\x00\x00id\x85R.");
        assert_eq!(r.imports.len(), 1);
        assert_eq!(render(&r.calls[0].call), "os.system('id')");
        let r = run(b"(S'id'\nios\nsystem\n.");
        assert_eq!(render(&r.calls[0].call), "os.system('id')");
        let r = run(b"\x80\x02(cos\nsystem\nS'id'\no.");
        assert_eq!(render(&r.calls[0].call), "os.system('id')");
        let r = run(b"\x80\x04\x8c\x01m\x8c\x01C\x93)}\x92.");
        assert_eq!(r.imports[0].opcode, "STACK_GLOBAL");
        assert_eq!(render(&r.calls[0].call), "m.C()");
        let r = run(b"\x80\x02cm\nC\n)\x81}b.");
        assert_eq!(render(&r.calls[0].call), "m.C()");
        let r = run(b"\x80\x02cm\nf\n}b.");
        assert_eq!(render(&r.calls[0].call), "m.f.__setstate__({})");
    }

    #[test]
    fn budgets_degrade_instead_of_failing() {
        let limits = Limits {
            max_memo: 2,
            max_values: 6,
            ..Limits::default()
        };
        // 'numpy' and 'dtype' memoised first, then the memo fills; a GET of a forgotten
        // key is unknown, and an import through it is "unresolved", not "dynamic".
        let p = b"\x80\x04\x8c\x05numpy\x94\x8c\x05dtype\x94K\x01\x94h\x02h\x01\x93h\x00h\x01\x93.";
        let mem = Mem(p);
        let mut cur = Cursor::new(&mem, 0);
        let r = Interp::new(&mut cur, &limits, 0).run();
        assert!(r.error.is_none(), "{:?}", r.error);
        assert!(r.memo_overflow);
        assert_eq!(r.unresolved_imports.len(), 1);
        assert!(r.dynamic_imports.is_empty());
        assert_eq!(r.imports.len(), 1);
        assert_eq!(r.imports[0].name, "dtype");
    }

    #[test]
    fn errors_keep_what_came_before() {
        let r = run(b"\x80\x02cos\nsystem\n");
        assert!(matches!(r.error, Some(PickleError::Truncated(_))));
        assert_eq!(r.imports.len(), 1);
        let r = run(b"\x80\x02K\x01\xff");
        assert!(matches!(
            r.error,
            Some(PickleError::UnknownOpcode { op: 0xff, .. })
        ));
        let r = run(b"\x80\x02h\x09.");
        assert!(matches!(r.error, Some(PickleError::Invalid { .. })));
        let r = run(b"\x80\x06.");
        assert!(r.error.is_some());
        let r = run(b"t.");
        assert!(r.error.is_some());
    }
}

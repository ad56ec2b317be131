//! Symbolic values on the pickle stack.
//!
//! Nothing here is ever evaluated: a `REDUCE` becomes a [`Value::Call`] node that
//! records what the loader *would* call, with its (symbolic) arguments.
//! Mutable containers are shared cells because pickle mutates memoised lists and
//! dicts in place (`APPENDS` after `PUT`), exactly like Python objects.

use std::cell::RefCell;
use std::rc::Rc;

pub type V = Rc<Value>;

/// How a call node came about; rendered differently only in reasons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// `REDUCE`: `f(*args)`.
    Reduce,
    /// `NEWOBJ`/`NEWOBJ_EX`: `cls.__new__(cls, *args, **kwargs)`.
    New,
    /// `INST`/`OBJ`: `cls(*args)` (protocol 0/1 instance creation).
    Inst,
    /// `BUILD` on an object: `obj.__setstate__(state)` or `__dict__` update.
    Build,
}

#[derive(Debug)]
pub enum Value {
    None,
    Bool(bool),
    Int(i64),
    /// An integer wider than 64 bits; only its size in bytes is kept.
    BigInt(usize),
    Float(f64),
    /// Text; `full_len` > `text.len()` when it was cut to stay within the byte budget.
    Str {
        text: String,
        full_len: usize,
    },
    Bytes {
        data: Vec<u8>,
        full_len: u64,
    },
    Tuple(Vec<V>),
    List(RefCell<Vec<V>>),
    Dict(RefCell<Vec<(V, V)>>),
    Set(RefCell<Vec<V>>),
    FrozenSet(Vec<V>),
    Global {
        module: String,
        name: String,
    },
    Call {
        func: V,
        args: V,
        kwargs: Option<V>,
        kind: CallKind,
    },
    /// Result of `BUILD` (object with state applied).
    Built {
        obj: V,
        state: V,
    },
    PersistentId(V),
    /// An extension-registry code (`EXT1/2/4`): resolved at load time through
    /// `copyreg`, unknowable statically.
    Ext(u32),
    /// An out-of-band buffer (`NEXT_BUFFER`, protocol 5).
    Buffer,
    /// Anything we stopped modelling (value budget exhausted, …).
    Unknown,
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str { text, full_len } if *full_len == text.len() => Some(text),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Bool(b) => Some(i64::from(*b)),
            _ => None,
        }
    }

    /// The global a value ultimately names when called (`os.system`, or the class of
    /// an instance), if any.
    pub fn global_path(&self) -> Option<String> {
        match self {
            Value::Global { module, name } => Some(format!("{module}.{name}")),
            _ => None,
        }
    }

    /// Look up a string key in a dict value.
    pub fn dict_get(&self, key: &str) -> Option<V> {
        match self {
            Value::Dict(items) => items
                .borrow()
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v.clone()),
            _ => None,
        }
    }

    /// Elements of a tuple or list (cloned handles).
    pub fn items(&self) -> Option<Vec<V>> {
        match self {
            Value::Tuple(v) | Value::FrozenSet(v) => Some(v.clone()),
            Value::List(v) | Value::Set(v) => Some(v.borrow().clone()),
            _ => None,
        }
    }

    /// Empty mutable containers so reference cycles built by a hostile pickle
    /// (a list that contains itself through the memo) are freed.
    pub fn break_cycles(&self) {
        match self {
            Value::List(v) | Value::Set(v) => {
                if let Ok(mut v) = v.try_borrow_mut() {
                    v.clear();
                }
            }
            Value::Dict(d) => {
                if let Ok(mut d) = d.try_borrow_mut() {
                    d.clear();
                }
            }
            _ => {}
        }
    }
}

/// Python-like rendering with bounded depth and width, used for reconstructed calls.
pub fn render(v: &Value) -> String {
    let mut out = String::new();
    render_into(v, 0, &mut out);
    out
}

const MAX_DEPTH: usize = 6;
const MAX_ITEMS: usize = 8;
const MAX_TEXT: usize = 160;
const MAX_OUT: usize = 1024;

fn render_into(v: &Value, depth: usize, out: &mut String) {
    if out.len() > MAX_OUT {
        out.push('…');
        return;
    }
    if depth > MAX_DEPTH {
        out.push('…');
        return;
    }
    match v {
        Value::None => out.push_str("None"),
        Value::Bool(true) => out.push_str("True"),
        Value::Bool(false) => out.push_str("False"),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::BigInt(n) => out.push_str(&format!("<int of {n} bytes>")),
        Value::Float(f) => out.push_str(&format!("{f:?}")),
        Value::Str { text, full_len } => {
            quote_str(text, *full_len > text.len(), out);
        }
        Value::Bytes { data, full_len } => {
            out.push('b');
            quote_bytes(data, *full_len, out);
        }
        Value::Tuple(items) => {
            out.push('(');
            render_seq(items, depth, out);
            if items.len() == 1 {
                out.push(',');
            }
            out.push(')');
        }
        Value::List(items) => match items.try_borrow() {
            Ok(items) => {
                out.push('[');
                render_seq(&items, depth, out);
                out.push(']');
            }
            Err(_) => out.push_str("[…]"),
        },
        Value::Set(items) => match items.try_borrow() {
            Ok(items) => {
                out.push('{');
                render_seq(&items, depth, out);
                out.push('}');
            }
            Err(_) => out.push_str("{…}"),
        },
        Value::FrozenSet(items) => {
            out.push_str("frozenset({");
            render_seq(items, depth, out);
            out.push_str("})");
        }
        Value::Dict(items) => match items.try_borrow() {
            Ok(items) => {
                out.push('{');
                for (i, (k, v)) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    if i >= MAX_ITEMS {
                        out.push('…');
                        break;
                    }
                    render_into(k, depth + 1, out);
                    out.push_str(": ");
                    render_into(v, depth + 1, out);
                }
                out.push('}');
            }
            Err(_) => out.push_str("{…}"),
        },
        Value::Global { module, name } => {
            out.push_str(module);
            out.push('.');
            out.push_str(name);
        }
        Value::Call {
            func, args, kwargs, ..
        } => {
            render_into(func, depth + 1, out);
            out.push('(');
            match &**args {
                Value::Tuple(items) => render_seq(items, depth, out),
                other => {
                    out.push('*');
                    render_into(other, depth + 1, out);
                }
            }
            if let Some(kw) = kwargs {
                if let Value::Dict(items) = &**kw {
                    if let Ok(items) = items.try_borrow() {
                        for (k, v) in items.iter().take(MAX_ITEMS) {
                            if !out.ends_with('(') {
                                out.push_str(", ");
                            }
                            match k.as_str() {
                                Some(k) => out.push_str(k),
                                None => render_into(k, depth + 1, out),
                            }
                            out.push('=');
                            render_into(v, depth + 1, out);
                        }
                    }
                } else {
                    if !out.ends_with('(') {
                        out.push_str(", ");
                    }
                    out.push_str("**");
                    render_into(kw, depth + 1, out);
                }
            }
            out.push(')');
        }
        Value::Built { obj, state } => {
            render_into(obj, depth + 1, out);
            out.push_str(".__setstate__(");
            render_into(state, depth + 1, out);
            out.push(')');
        }
        Value::PersistentId(pid) => {
            out.push_str("persistent_load(");
            render_into(pid, depth + 1, out);
            out.push(')');
        }
        Value::Ext(code) => out.push_str(&format!("<extension {code}>")),
        Value::Buffer => out.push_str("<out-of-band buffer>"),
        Value::Unknown => out.push('?'),
    }
}

fn render_seq(items: &[V], depth: usize, out: &mut String) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        if i >= MAX_ITEMS {
            out.push('…');
            break;
        }
        render_into(item, depth + 1, out);
    }
}

const MAX_BYTES: usize = 48;

fn quote_bytes(data: &[u8], full_len: u64, out: &mut String) {
    out.push('\'');
    for &b in data.iter().take(MAX_BYTES) {
        match b {
            b'\'' => out.push_str("\\'"),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    if full_len > data.len().min(MAX_BYTES) as u64 {
        out.push('…');
    }
    out.push('\'');
}

fn quote_str(s: &str, cut: bool, out: &mut String) {
    out.push('\'');
    for (i, c) in s.chars().enumerate() {
        if i >= MAX_TEXT {
            out.push('…');
            break;
        }
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    if cut && !out.ends_with('…') {
        out.push('…');
    }
    out.push('\'');
}

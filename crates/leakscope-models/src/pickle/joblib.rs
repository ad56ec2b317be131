//! joblib's `NumpyArrayWrapper`: array bytes written raw into the pickle stream.
//!
//! joblib pickles a wrapper object, and right after the wrapper's `BUILD` its loader
//! reads the array straight from the file: an optional alignment byte plus padding,
//! then `prod(shape) * itemsize` bytes; object arrays are a complete inline pickle.
//! To keep reading opcodes we must step over exactly those bytes.

use crate::pickle::value::{Value, V};

const WRAPPERS: &[&str] = &[
    "joblib.numpy_pickle.NumpyArrayWrapper",
    "sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper",
];

/// Whether `obj` is an instance of joblib's array wrapper.
pub fn is_array_wrapper(obj: &V) -> bool {
    match &**obj {
        Value::Call { func, .. } => func
            .global_path()
            .is_some_and(|p| WRAPPERS.contains(&p.as_str())),
        _ => false,
    }
}

/// What follows the wrapper's BUILD in the stream.
#[derive(Debug, PartialEq, Eq)]
pub enum Layout {
    /// An inline pickle of an object array.
    Object,
    /// Raw element bytes, preceded by a padding-length byte when `aligned`.
    Raw { nbytes: u64, aligned: bool },
}

/// Work out the layout from the wrapper's state dict and the dtype's BUILD state.
pub fn array_layout(state: &V, dtype_state: Option<&Value>) -> Option<Layout> {
    let dtype = state.dict_get("dtype")?;
    let descr = match &*dtype {
        Value::Call { args, .. } => args.items()?.first()?.as_str()?.to_string(),
        _ => return None,
    };
    let ds = dtype_state.and_then(Value::items);
    let elsize = ds.as_ref().and_then(|s| s.get(5)).and_then(|v| v.as_int());
    let flags = ds.as_ref().and_then(|s| s.get(7)).and_then(|v| v.as_int());
    // NPY_ITEM_REFCOUNT (bit 0) marks dtypes holding Python objects.
    if descr.starts_with('O') || flags.is_some_and(|f| f & 1 != 0) {
        return Some(Layout::Object);
    }
    let itemsize = match elsize {
        Some(n) if n > 0 => u64::try_from(n).ok()?,
        _ => descr
            .trim_start_matches(|c: char| !c.is_ascii_digit())
            .parse::<u64>()
            .ok()?,
    };
    let mut count: u64 = 1;
    for d in state.dict_get("shape")?.items()? {
        count = count.checked_mul(u64::try_from(d.as_int()?).ok()?)?;
    }
    let aligned = state
        .dict_get("numpy_array_alignment_bytes")
        .is_some_and(|v| v.as_int().is_some());
    Some(Layout::Raw {
        nbytes: count.checked_mul(itemsize)?,
        aligned,
    })
}

//! Static analysis of pickle-based and other model files. Nothing is ever loaded,
//! unpickled or executed: pickles run through a symbolic interpreter that records
//! what a loader *would* import and call, and other formats are parsed only as far as
//! their headers and configs.
//!
//! Entry points: [`sniff`] (cheap, on a file's first bytes), [`analyze_path`] and
//! [`analyze_bytes`], each returning a [`Verdict`] (DESIGN §5).

mod compress;
mod error;
mod gguf;
mod h5;
mod input;
mod judge;
mod keras;
mod legacy;
mod numpy;
mod onnx;
pub mod pickle;
mod policy;
mod raw;
mod safetensors;
mod sniff;
mod verdict;
mod zip;
mod zipped;

use std::path::Path;

pub use error::{ContainerError, PickleError, PolicyError};
pub use input::{FileInput, RandomAccess};
pub use policy::{Class, Policy};
pub use verdict::{Format, Verdict, VerdictKind};

use verdict::Builder;

/// Cheap content sniff on the first bytes of a file (≤ 4 KiB): `Some(format)` if this
/// looks like a model/pickle container.
pub fn sniff(head: &[u8]) -> Option<Format> {
    sniff::sniff_head(head)
}

/// Full analysis of a file on disk. Streams: only headers, directories and pickle
/// records are read, so memory stays bounded whatever the file's size.
pub fn analyze_path(path: &Path, policy: &Policy) -> Verdict {
    let display = path.display().to_string();
    // Only regular files: opening a FIFO or device could block or never end.
    let regular = std::fs::metadata(path).map(|m| m.is_file());
    let file = match regular {
        Ok(true) => std::fs::File::open(path).and_then(FileInput::new),
        Ok(false) => Err(std::io::Error::other("not a regular file")),
        Err(e) => Err(e),
    };
    match file {
        Ok(f) => analyze_source(&display, &f, policy),
        Err(e) => {
            let mut b = Builder::new(Format::Unknown);
            b.flag(VerdictKind::Unsupported, format!("cannot read file: {e}"));
            b.finish(&display)
        }
    }
}

/// Analysis of in-memory bytes (a blob from an archive or git); `display_path` is
/// used in the report.
pub fn analyze_bytes(display_path: &str, bytes: &[u8], policy: &Policy) -> Verdict {
    analyze_source(display_path, &input::Mem(bytes), policy)
}

/// Analysis of any random-access source.
pub fn analyze_source(display_path: &str, src: &dyn RandomAccess, policy: &Policy) -> Verdict {
    let format = sniff::detect(src);
    let mut b = Builder::new(format);
    match format {
        Format::Pickle | Format::Joblib => raw::analyze(&mut b, src, policy),
        Format::PytorchZip | Format::Npz | Format::Keras => zipped::analyze(&mut b, src, policy),
        Format::PytorchLegacy => legacy::analyze(&mut b, src, policy),
        Format::Numpy => numpy::analyze(&mut b, src, policy, "array"),
        Format::H5 => h5::analyze(&mut b, src, policy),
        Format::Safetensors => safetensors::analyze(&mut b, src),
        Format::Gguf => gguf::analyze(&mut b, src),
        Format::Onnx => onnx::analyze(&mut b, src),
        Format::Unknown => b.flag(
            VerdictKind::Unsupported,
            "not a recognised model or pickle format",
        ),
    }
    b.finish(display_path)
}

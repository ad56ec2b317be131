//! A read-only Azure Storage REST client (Blob, File, Queue, Table), on top of
//! `leakscope-http`: GET and HEAD only, every request pinned to the endpoint's host.
//!
//! - [`endpoint`]: where an account's services answer, and whether that host is Azure's.
//! - [`auth`]: SAS (the token's query appended) or Shared Key (HMAC-SHA256 of the documented
//!   string-to-sign).
//! - [`StorageClient`]: list containers / blobs / shares / files / queues / tables, blob and
//!   container properties, blob content (bounded), with a per-credential request budget.

pub mod auth;
mod client;
pub mod endpoint;
mod error;
mod ops;
mod xml;

pub use auth::Auth;
pub use client::StorageClient;
pub use endpoint::{Endpoint, HostKind};
pub use error::RestError;
pub use ops::{BlobItem, ContainerItem, Page, ShareItem, TableItem};

/// The REST API version sent as `x-ms-version`: old enough for every public cloud and
/// Azurite, new enough for every listing used here.
pub const API_VERSION: &str = "2021-08-06";

/// Blob names that look like model weights or serialised objects (a hint for the access
/// map; the scan itself decides by content).
pub const MODEL_EXTENSIONS: &[&str] = &[
    "pt",
    "pth",
    "ckpt",
    "bin",
    "pkl",
    "pickle",
    "joblib",
    "h5",
    "hdf5",
    "keras",
    "safetensors",
    "onnx",
    "gguf",
    "ggml",
    "npy",
    "npz",
    "pb",
    "tflite",
    "mar",
    "mlmodel",
    "dill",
];

/// Whether a blob name ends in a model-file extension.
pub fn is_model_name(name: &str) -> bool {
    let file = name.rsplit('/').next().unwrap_or(name);
    match file.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => {
            MODEL_EXTENSIONS.iter().any(|m| m.eq_ignore_ascii_case(ext))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn model_names() {
        assert!(super::is_model_name("ckpt/resnet50.PTH"));
        assert!(super::is_model_name("a.safetensors"));
        assert!(!super::is_model_name("README.md"));
        assert!(!super::is_model_name(".pt"));
        assert!(!super::is_model_name("dir.pt/file"));
    }
}

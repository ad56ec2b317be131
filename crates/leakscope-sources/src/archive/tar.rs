//! Members of a tar archive (ustar, GNU and pax; long names are handled by the `tar`
//! crate). Image tarballs from `docker save` (legacy `<id>/layer.tar` or OCI
//! `blobs/sha256/<hex>` layers listed in `manifest.json`) show each layer by its id, so a
//! finding reads `image.tar!sha256:…!etc/app.env`.

use super::Member;
use std::collections::HashMap;
use std::io::{Cursor, Read};

/// Largest `manifest.json` read to name image layers.
const MAX_MANIFEST: u64 = 1 << 20;

/// Calls `each` for every regular file; `false` from `each` stops. A corrupt header part
/// way through ends the walk with `Err` (members before it were visited).
pub fn members(bytes: &[u8], each: &mut dyn FnMut(Member<'_>) -> bool) -> Result<(), String> {
    let layers = image_layers(bytes);
    let mut archive = ::tar::Archive::new(Cursor::new(bytes));
    let entries = archive.entries_with_seek().map_err(|e| e.to_string())?;
    walk(entries, &layers, each)
}

/// Like [`members`] over a stream that is read once (a decompressed `.tar.gz`).
pub fn members_stream(
    stream: &mut dyn Read,
    each: &mut dyn FnMut(Member<'_>) -> bool,
) -> Result<(), String> {
    let mut archive = ::tar::Archive::new(stream);
    let entries = archive.entries().map_err(|e| e.to_string())?;
    walk(entries, &HashMap::new(), each)
}

fn walk<R: Read>(
    entries: ::tar::Entries<'_, R>,
    layers: &HashMap<String, String>,
    each: &mut dyn FnMut(Member<'_>) -> bool,
) -> Result<(), String> {
    for entry in entries {
        let mut entry = entry.map_err(|e| e.to_string())?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        // Layer paths are as the manifest lists them; tools that re-pack an image may
        // have added a `./` prefix.
        let name = layers
            .get(name.strip_prefix("./").unwrap_or(&name))
            .cloned()
            .unwrap_or(name);
        let size = entry.size();
        let member = Member {
            name,
            reader: Ok(&mut entry),
            compressed: size,
        };
        if !each(member) {
            break;
        }
    }
    Ok(())
}

/// For an image tarball, each layer's path in the tar → the id to display. Empty for any
/// other tar (or a manifest we cannot read: the plain paths are still right).
fn image_layers(bytes: &[u8]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let mut archive = ::tar::Archive::new(Cursor::new(bytes));
    let Ok(entries) = archive.entries_with_seek() else {
        return out;
    };
    for entry in entries {
        let Ok(mut entry) = entry else {
            return out;
        };
        let path = entry.path_bytes();
        let path = path.strip_prefix(b"./").unwrap_or(&path);
        if path != b"manifest.json" || entry.size() > MAX_MANIFEST {
            continue;
        }
        let mut text = Vec::new();
        if (&mut entry)
            .take(MAX_MANIFEST)
            .read_to_end(&mut text)
            .is_err()
        {
            return out;
        }
        let Ok(serde_json::Value::Array(images)) = serde_json::from_slice(&text) else {
            return out;
        };
        for layer in images
            .iter()
            .filter_map(|i| i.get("Layers")?.as_array())
            .flatten()
            .filter_map(|l| l.as_str())
        {
            out.insert(layer.to_string(), layer_id(layer));
        }
        return out;
    }
    out
}

fn layer_id(path: &str) -> String {
    if let Some(hex) = path.strip_prefix("blobs/sha256/") {
        return format!("sha256:{hex}");
    }
    match path.strip_suffix("/layer.tar") {
        Some(id) if !id.is_empty() && !id.contains('/') => id.to_string(),
        _ => path.to_string(),
    }
}

//! Members of a zip archive (jar, apk, whl, nupkg, ipa, docx, xlsx … are all zip).

use super::Member;
use std::io::Cursor;

/// Calls `each` for every file member; `false` from `each` stops. `Err` when `bytes` is
/// not a readable zip at all (the caller then scans it as plain bytes).
pub fn members(bytes: &[u8], each: &mut dyn FnMut(Member<'_>) -> bool) -> Result<(), String> {
    let mut archive = ::zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    for i in 0..archive.len() {
        let name = archive
            .name_for_index(i)
            .and_then(Result::ok)
            .map_or_else(|| format!("#{i}"), |n| n.into_owned());
        let keep_going = match archive.by_index(i) {
            Ok(file) if file.is_dir() => true,
            Ok(mut file) => {
                let compressed = file.compressed_size();
                each(Member {
                    name,
                    reader: Ok(&mut file),
                    compressed,
                })
            }
            // Encrypted members, unsupported methods, bad local headers.
            Err(e) => each(Member {
                name,
                reader: Err(e.to_string()),
                compressed: 0,
            }),
        };
        if !keep_going {
            break;
        }
    }
    Ok(())
}

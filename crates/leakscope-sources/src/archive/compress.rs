//! Streaming decoders for the single-stream compressors. The caller bounds what it reads.

use super::detect::Kind;
use std::io::Read;

/// The most memory liblzma may use for one xz stream (its dictionary): the format allows
/// 1.5 GiB, which a hostile header would otherwise make us allocate.
const XZ_MEMLIMIT: u64 = 128 << 20;

/// A reader of the decompressed stream in `bytes`; `None` for archive kinds.
pub fn decoder<'a>(kind: Kind, bytes: &'a [u8]) -> Result<Box<dyn Read + 'a>, String> {
    Ok(match kind {
        // Multi-member: `cat a.gz b.gz` is a valid gzip file holding both.
        Kind::Gzip => Box::new(flate2::read::MultiGzDecoder::new(bytes)),
        Kind::Bzip2 => Box::new(bzip2::read::MultiBzDecoder::new(bytes)),
        Kind::Xz => {
            let stream =
                xz2::stream::Stream::new_stream_decoder(XZ_MEMLIMIT, xz2::stream::CONCATENATED)
                    .map_err(|e| e.to_string())?;
            Box::new(xz2::read::XzDecoder::new_stream(bytes, stream))
        }
        // ruzstd refuses windows above 128 MiB by default, which bounds its memory.
        Kind::Zstd => {
            Box::new(ruzstd::decoding::StreamingDecoder::new(bytes).map_err(|e| e.to_string())?)
        }
        Kind::Zip | Kind::Tar => return Err(format!("{} is not a compressor", kind.name())),
    })
}

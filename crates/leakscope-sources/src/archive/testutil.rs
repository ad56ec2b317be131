//! Real archives for the tests, built with the same crates' encoders.

use std::io::Write;

pub fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = ::zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = ::zip::write::SimpleFileOptions::default()
        .compression_method(::zip::CompressionMethod::Deflated);
    for (name, data) in members {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

pub fn tar_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = ::tar::Builder::new(Vec::new());
    for (name, data) in members {
        let mut h = ::tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, name, *data).unwrap();
    }
    b.into_inner().unwrap()
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

pub fn xz(data: &[u8]) -> Vec<u8> {
    let mut e = xz2::write::XzEncoder::new(Vec::new(), 6);
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

pub fn bzip2(data: &[u8]) -> Vec<u8> {
    let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

pub fn zstd(data: &[u8]) -> Vec<u8> {
    ruzstd::encoding::compress_to_vec(data, ruzstd::encoding::CompressionLevel::Fastest)
}

/// A gzip file that expands to `total` zero bytes while staying about `total / 1000`
/// bytes on disk: one sync-flushed deflate chunk of zeros, repeated. The trailer's CRC is
/// wrong, which only matters to a reader that gets that far (ours must not).
pub fn gzip_bomb(total: u64) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress};
    let chunk = 1usize << 20;
    let zeros = vec![0u8; chunk];
    let mut c = Compress::new(Compression::best(), false);
    let mut piece = |flush| {
        let mut out = Vec::with_capacity(1 << 16);
        c.compress_vec(&zeros, &mut out, flush).unwrap();
        out
    };
    let first = piece(FlushCompress::Sync);
    let steady = piece(FlushCompress::Sync);
    assert_eq!(
        steady,
        piece(FlushCompress::Sync),
        "deflate chunks must repeat"
    );
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    out.extend_from_slice(&first);
    for _ in 1..total / chunk as u64 {
        out.extend_from_slice(&steady);
    }
    // Final empty stored block, then CRC32 and ISIZE.
    out.extend_from_slice(&[0x03, 0x00]);
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(total as u32).to_le_bytes());
    out
}

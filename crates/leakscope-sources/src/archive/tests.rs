use super::testutil::*;
use super::*;

const SECRET: &[u8] = b"AWS_SECRET=leakscope-planted-value\n";

#[derive(Default)]
struct Seen {
    blobs: Vec<(String, Vec<u8>)>,
    containers: Vec<String>,
    skipped: Vec<(String, SkipReason)>,
}

fn run(bytes: &[u8], limits: &ArchiveLimits) -> (bool, Seen) {
    let mut seen = Seen::default();
    let expanded = expand("top", bytes, limits, &mut |e| match e {
        Event::Blob { path, bytes } => seen.blobs.push((path.to_string(), bytes.to_vec())),
        Event::Container { path, .. } => seen.containers.push(path.to_string()),
        Event::Skipped(s) => seen.skipped.push((s.path, s.reason)),
    });
    (expanded, seen)
}

fn blob<'a>(seen: &'a Seen, path: &str) -> &'a [u8] {
    &seen
        .blobs
        .iter()
        .find(|(p, _)| p == path)
        .unwrap_or_else(|| panic!("no blob {path} in {:?}", paths(seen)))
        .1
}

fn paths(seen: &Seen) -> Vec<&str> {
    seen.blobs.iter().map(|(p, _)| p.as_str()).collect()
}

fn limit_details(seen: &Seen) -> Vec<String> {
    seen.skipped
        .iter()
        .filter_map(|(_, r)| match r {
            SkipReason::ArchiveLimit { detail } => Some(detail.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn plain_bytes_are_not_expanded() {
    let (expanded, seen) = run(b"just text", &ArchiveLimits::default());
    assert!(!expanded);
    assert!(seen.blobs.is_empty());
}

#[test]
fn zip_tar_gz_and_nesting() {
    let l = ArchiveLimits::default();
    let z = zip_of(&[("dir/", b""), ("dir/.env", SECRET)]);
    let (expanded, seen) = run(&z, &l);
    assert!(expanded);
    assert_eq!(blob(&seen, "top!dir/.env"), SECRET);

    let tgz = gzip(&tar_of(&[("app/config.env", SECRET)]));
    let (_, seen) = run(&tgz, &l);
    assert_eq!(blob(&seen, "top!app/config.env"), SECRET);

    // A zip inside a tar.xz inside a zip.
    let inner = zip_of(&[("creds.txt", SECRET)]);
    let txz = xz(&tar_of(&[("lib/inner.zip", &inner)]));
    let outer = zip_of(&[("bundle.tar.xz", &txz)]);
    let (_, seen) = run(&outer, &l);
    assert_eq!(
        blob(&seen, "top!bundle.tar.xz!lib/inner.zip!creds.txt"),
        SECRET
    );
    assert!(seen.containers.contains(&"top!bundle.tar.xz".to_string()));
    assert!(seen.skipped.is_empty(), "{:?}", seen.skipped);
}

#[test]
fn image_tarball_layers_are_shown_by_id() {
    let layer = tar_of(&[("etc/app.env", SECRET)]);
    let hex = "a".repeat(64);
    let oci_layer = gzip(&tar_of(&[("srv/.env", SECRET)]));
    let oci_path = format!("blobs/sha256/{hex}");
    let manifest = format!(
        r#"[{{"Config":"cfg.json","RepoTags":["app:1"],"Layers":["abc123/layer.tar","{oci_path}"]}}]"#
    );
    let image = tar_of(&[
        ("abc123/layer.tar", &layer),
        (&oci_path, &oci_layer),
        ("cfg.json", b"{\"config\":{\"Env\":[]}}"),
        ("manifest.json", manifest.as_bytes()),
    ]);
    let (_, seen) = run(&image, &ArchiveLimits::default());
    assert_eq!(blob(&seen, "top!abc123!etc/app.env"), SECRET);
    assert_eq!(blob(&seen, &format!("top!sha256:{hex}!srv/.env")), SECRET);
    assert!(paths(&seen).contains(&"top!cfg.json"));
}

#[test]
fn bzip2_and_zstd_streams_are_transparent() {
    let l = ArchiveLimits::default();
    let (_, seen) = run(&bzip2(SECRET), &l);
    assert_eq!(blob(&seen, "top"), SECRET);
    let (_, seen) = run(&zstd(&tar_of(&[("a.env", SECRET)])), &l);
    assert_eq!(blob(&seen, "top!a.env"), SECRET);
}

#[test]
fn deep_nest_stops_at_the_depth_limit() {
    let mut bytes = zip_of(&[("secret.txt", SECRET)]);
    for i in 0..20 {
        bytes = zip_of(&[(&format!("level{i}.zip"), &bytes)]);
    }
    let (_, seen) = run(&bytes, &ArchiveLimits::default());
    assert!(seen.blobs.is_empty());
    let skipped = &seen.skipped;
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    // Eight levels opened; the ninth archive is reported.
    assert_eq!(skipped[0].0.matches('!').count(), 8);
    assert!(limit_details(&seen)[0].contains("--max-archive-depth"));
}

#[test]
fn gzip_bomb_is_stopped() {
    // 10 GiB of zeros, about 10 MB on disk.
    let bomb = gzip_bomb(10 << 30);
    assert!(bomb.len() < 16 << 20, "{}", bomb.len());
    let (_, seen) = run(&bomb, &ArchiveLimits::default());
    assert!(seen.blobs.is_empty());
    assert_eq!(limit_details(&seen).len(), 1);
}

#[test]
fn ratio_limit_applies_above_the_floor() {
    let l = ArchiveLimits {
        ratio_floor: 1 << 10,
        ..ArchiveLimits::default()
    };
    let (_, seen) = run(&gzip(&vec![b'a'; 4 << 20]), &l);
    assert!(
        limit_details(&seen)[0].contains("ratio"),
        "{:?}",
        seen.skipped
    );
}

#[test]
fn nested_bomb_is_stopped_by_the_total() {
    // 42.zip in miniature: 16^4 copies of 4 MiB of zeros (256 GiB) in a small file.
    let mut level = zip_of(&[("zeros.bin", &vec![0u8; 4 << 20])]);
    for _ in 0..4 {
        let names: Vec<String> = (0..16).map(|i| format!("{i}.zip")).collect();
        let members: Vec<(&str, &[u8])> = names
            .iter()
            .map(|n| (n.as_str(), level.as_slice()))
            .collect();
        level = zip_of(&members);
    }
    assert!(level.len() < 4 << 20, "{}", level.len());
    let l = ArchiveLimits {
        max_total_bytes: 32 << 20,
        ..ArchiveLimits::default()
    };
    let (_, seen) = run(&level, &l);
    assert!(seen.blobs.is_empty());
    assert!(!limit_details(&seen).is_empty());
    assert!(
        seen.skipped.len() < 200,
        "stops early: {}",
        seen.skipped.len()
    );
}

#[test]
fn member_count_limit() {
    let names: Vec<String> = (0..50).map(|i| format!("f{i}")).collect();
    let members: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), SECRET)).collect();
    let l = ArchiveLimits {
        max_entries: 10,
        ..ArchiveLimits::default()
    };
    let (_, seen) = run(&tar_of(&members), &l);
    assert_eq!(seen.blobs.len(), 10);
    assert!(limit_details(&seen)[0].contains("members"));
}

#[test]
fn compressed_tar_is_streamed_member_by_member() {
    let names: Vec<String> = (0..20).map(|i| format!("f{i}.env")).collect();
    let body = vec![b'x'; 1000];
    let members: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &body[..])).collect();
    let tgz = gzip(&tar_of(&members));
    // The tar (over 20 KB) is larger than a member may be; its members are not.
    let l = ArchiveLimits {
        max_entry_bytes: 4096,
        ..ArchiveLimits::default()
    };
    let (_, seen) = run(&tgz, &l);
    assert_eq!(seen.blobs.len(), 20, "{:?}", seen.skipped);
    assert!(seen.skipped.is_empty());
    // The stream itself is bounded by the total.
    let l = ArchiveLimits {
        max_total_bytes: 8192,
        ..ArchiveLimits::default()
    };
    let (_, seen) = run(&tgz, &l);
    assert!(seen.blobs.len() < 20);
    assert!(
        limit_details(&seen)[0].contains("--max-archive-bytes"),
        "{:?}",
        seen.skipped
    );
}

#[test]
fn member_size_limit() {
    let l = ArchiveLimits {
        max_entry_bytes: 10,
        ..ArchiveLimits::default()
    };
    let (_, seen) = run(&zip_of(&[("big", SECRET), ("ok", b"small")]), &l);
    assert_eq!(paths(&seen), ["top!ok"]);
    assert!(limit_details(&seen)[0].contains("member limit"));
}

#[test]
fn truncated_and_corrupt_inputs_are_reported_not_fatal() {
    let l = ArchiveLimits::default();
    let tgz = gzip(&tar_of(&[("a.env", SECRET), ("b.env", SECRET)]));
    let (_, seen) = run(&tgz[..tgz.len() / 2], &l);
    assert!(seen
        .skipped
        .iter()
        .any(|(_, r)| matches!(r, SkipReason::ArchiveUnreadable { .. })));
    // A zip header with no archive behind it is just bytes.
    let (expanded, _) = run(b"PK\x03\x04 not really a zip", &l);
    assert!(!expanded);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
    #[test]
    fn never_panics_on_arbitrary_bytes(
        data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..4096),
        magic in 0usize..7,
    ) {
        let prefixes: [&[u8]; 7] = [
            b"", b"PK\x03\x04", &[0x1f, 0x8b, 8], b"\xfd7zXZ\x00",
            &[0x28, 0xb5, 0x2f, 0xfd], b"BZh91AY&SY", b"ustar",
        ];
        let mut bytes = prefixes[magic].to_vec();
        bytes.extend_from_slice(&data);
        let _ = run(&bytes, &ArchiveLimits::default());
        // Corrupt a real archive too.
        let mut z = zip_of(&[("a", &data)]);
        if !z.is_empty() {
            let i = data.len() % z.len();
            z[i] ^= 0x5a;
        }
        let _ = run(&z, &ArchiveLimits::default());
    }
}

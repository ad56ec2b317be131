//! Zip-based containers: PyTorch checkpoints, `.npz` and Keras v3 `.keras`.

use crate::input::RandomAccess;
use crate::judge::judge_pickles;
use crate::policy::Policy;
use crate::verdict::{Builder, Format, VerdictKind};
use crate::zip::{self, Entry, Member};
use crate::{keras, numpy};

/// Largest member inflated for analysis (pickle records and configs are small; tensors
/// are never read).
const MAX_MEMBER: u64 = 64 << 20;

pub fn analyze(b: &mut Builder, src: &dyn RandomAccess, policy: &Policy) {
    let archive = match zip::open(src) {
        Ok(a) => a,
        Err(e) => {
            b.flag(VerdictKind::Malformed, format!("zip: {e}"));
            return;
        }
    };
    if archive.prefix > 0 {
        b.note(format!(
            "{} bytes precede the zip archive (loaders still open it)",
            archive.prefix
        ));
    }
    let names = archive.entries.iter().map(|e| e.name.as_str());
    b.format = crate::sniff::zip_names_format(names).unwrap_or(Format::Unknown);
    match b.format {
        Format::PytorchZip => torch(b, src, &archive.entries, policy),
        Format::Npz => npz(b, src, &archive.entries, policy),
        Format::Keras => keras_zip(b, src, &archive.entries, policy),
        _ => b.flag(
            VerdictKind::Unsupported,
            "zip archive without pickle records, .npy members or a Keras config",
        ),
    }
}

fn open_member<'a>(b: &mut Builder, src: &'a dyn RandomAccess, e: &Entry) -> Option<Member<'a>> {
    match zip::member(src, e, MAX_MEMBER) {
        Ok(m) => {
            if let Member::Inflated {
                truncated: true, ..
            } = m
            {
                b.flag(
                    VerdictKind::Suspicious,
                    format!(
                        "{}: larger than {MAX_MEMBER} bytes inflated; only the start was checked",
                        e.name
                    ),
                );
            }
            Some(m)
        }
        Err(crate::error::ContainerError::Unsupported(why)) => {
            // A pickle we cannot read may still be loaded by someone else.
            b.flag(VerdictKind::Suspicious, format!("cannot inspect {why}"));
            None
        }
        Err(err) => {
            b.flag(VerdictKind::Malformed, format!("{}: {err}", e.name));
            None
        }
    }
}

/// PyTorch zip: every `*.pkl` record (data.pkl, constants.pkl, extra pickles an
/// attacker added), whatever the archive's top-level folder is called.
fn torch(b: &mut Builder, src: &dyn RandomAccess, entries: &[Entry], policy: &Policy) {
    let mut records = 0;
    for e in entries.iter().filter(|e| !e.is_dir()) {
        let base = e.name.rsplit('/').next().unwrap_or(&e.name);
        let is_pkl = e.name.ends_with(".pkl") || base == "data.pkl";
        if !is_pkl && !hidden_pickle(src, e) {
            continue;
        }
        records += 1;
        if let Some(m) = open_member(b, src, e) {
            judge_pickles(b, m.source(), 0, policy, &e.name, 64);
        }
    }
    if entries
        .iter()
        .any(|e| e.name.contains("/code/") && e.name.ends_with(".py"))
    {
        b.note("TorchScript archive: contains serialized code (code/*.py) run by torch.jit.load");
    }
    b.note(format!(
        "{records} pickle record(s) read from the zip directory; tensor data not read"
    ));
}

/// A member with another name that starts like a protocol 2+ pickle. Tensor storages
/// (`<prefix>/data/<key>`) are skipped: raw floats can start with those bytes.
fn hidden_pickle(src: &dyn RandomAccess, e: &Entry) -> bool {
    let in_data_dir = e.name.split('/').rev().nth(1) == Some("data");
    if in_data_dir || e.method != 0 || e.size < 4 {
        return false;
    }
    zip::data_offset(src, e)
        .ok()
        .and_then(|o| src.read_vec(o, 2).ok())
        .is_some_and(|h| h.len() == 2 && h[0] == 0x80 && (2..=5).contains(&h[1]))
}

fn npz(b: &mut Builder, src: &dyn RandomAccess, entries: &[Entry], policy: &Policy) {
    for e in entries.iter().filter(|e| e.name.ends_with(".npy")) {
        if let Some(m) = open_member(b, src, e) {
            let s = m.source();
            if s.read_vec(0, 6).is_ok_and(|h| h == b"\x93NUMPY") {
                numpy::analyze(b, s, policy, &e.name);
            } else {
                b.note(format!(
                    "{}: not an array; np.load returns its raw bytes",
                    e.name
                ));
            }
        }
    }
}

fn keras_zip(b: &mut Builder, src: &dyn RandomAccess, entries: &[Entry], policy: &Policy) {
    let Some(cfg) = entries.iter().find(|e| e.name == "config.json") else {
        b.flag(VerdictKind::Malformed, "Keras archive without config.json");
        return;
    };
    if let Some(m) = open_member(b, src, cfg) {
        let s = m.source();
        match s.read_vec(0, MAX_MEMBER) {
            Ok(bytes) => keras::analyze_config(b, &bytes, "config.json", policy),
            Err(e) => b.flag(VerdictKind::Malformed, format!("config.json: {e}")),
        }
    }
    // Pickles smuggled into a .keras archive are loaded by nothing standard, but
    // report them: custom loaders do open them.
    for e in entries.iter().filter(|e| e.name.ends_with(".pkl")) {
        if let Some(m) = open_member(b, src, e) {
            judge_pickles(b, m.source(), 0, policy, &e.name, 64);
        }
    }
}

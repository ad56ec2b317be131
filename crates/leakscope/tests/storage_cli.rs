//! `leakscope scan` with Azure Storage as the input, against a real Azurite: a container
//! holding a planted secret and a malicious pickle (built here from raw opcodes; never
//! unpickled) is listed and read through the SAS in the URL; findings carry the blob URL
//! without the SAS; limits and exclusions skip what they should.

#[path = "../../leakscope-azure/tests/common/azurite.rs"]
mod azurite;

use assert_cmd::Command;
use azurite::{sas_query, window};
use leakscope_azure::keys::AZURITE_DEV_KEY as KEY;

const GITHUB: &str = "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";
const AWS: &str = "AKIARMRZQQTPUTZADS73";

/// Protocol-2 pickle calling `os.system('echo leakscope-test')` on load: GLOBAL, MARK,
/// STRING, TUPLE, REDUCE, STOP.
fn evil_pickle() -> Vec<u8> {
    let mut p = b"\x80\x02".to_vec();
    p.extend_from_slice(b"cos\nsystem\n(S'echo leakscope-test'\ntR.");
    p
}

fn leakscope() -> Command {
    let mut c = Command::cargo_bin("leakscope").unwrap_or_else(|e| panic!("binary: {e}"));
    for v in [
        "AZURE_STORAGE_CONNECTION_STRING",
        "AZURE_STORAGE_ACCOUNT",
        "AZURE_STORAGE_KEY",
        "AZURE_STORAGE_SAS_TOKEN",
    ] {
        c.env_remove(v);
    }
    c
}

fn jsonl(out: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(out)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

#[test]
fn scans_a_container_through_its_sas_url() {
    let Some(az) = azurite::start() else { return };
    az.container("models", None);
    az.container("other", None);
    az.blob(
        "models",
        "config/.env",
        format!("GITHUB_TOKEN={GITHUB}\nAWS_ACCESS_KEY_ID={AWS}\n").as_bytes(),
    );
    az.blob("models", "ckpt/resnet 50.pkl", &evil_pickle());
    az.blob("models", "big.txt", &vec![b'a'; 300_000]);
    az.blob(
        "models",
        "notes/readme.md",
        format!("token {GITHUB}\n").as_bytes(),
    );
    az.blob("other", "x.env", format!("K={AWS}\n").as_bytes());
    let (st, se) = window();
    let q = sas_query(
        "models",
        &[
            ("sv", "2021-08-06".into()),
            ("sr", "c".into()),
            ("sp", "rl".into()),
            ("st", st.clone()),
            ("se", se.clone()),
        ],
        KEY,
    );
    let base = az.blob_endpoint();
    let url = format!("{base}/models?{q}");
    let out = leakscope()
        .args(["scan", "--format", "jsonl", "--verbose", "--no-config"])
        .args(["--max-file-size", "100K", "--exclude", "notes/"])
        .arg(&url)
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    let findings = jsonl(&out.stdout);
    let at = |path: &str, kind: &str| {
        findings
            .iter()
            .any(|f| f["path"] == path && f["kind"].as_str().unwrap_or("") == kind)
    };
    let env = format!("{base}/models/config/.env");
    assert!(at(&env, "github_pat"), "{stdout}");
    assert!(at(&env, "aws_access_key"), "{stdout}");
    let pkl = format!("{base}/models/ckpt/resnet%2050.pkl");
    assert!(at(&pkl, "model_code_execution"), "{stdout}");
    // Excluded, and outside the container the SAS names.
    assert!(
        !stdout.contains("readme.md") && !stdout.contains("x.env"),
        "{stdout}"
    );
    // Secrets redacted, SAS nowhere.
    assert!(!stdout.contains(GITHUB), "{stdout}");
    let sig = q.rsplit("sig=").next().unwrap_or("-");
    for text in [&stdout, &stderr] {
        assert!(!text.contains(sig) && !text.contains("sig="), "{text}");
    }
    // Too large for --max-file-size: skipped with its URL and reason.
    assert!(
        stderr.contains(&format!(
            "skipped {base}/models/big.txt: file is 300000 bytes"
        )),
        "{stderr}"
    );

    // The byte budget: only what fits is read, the rest is reported.
    let out = leakscope()
        .args([
            "scan",
            "--format",
            "human",
            "--no-config",
            "--color",
            "never",
        ])
        .args(["--max-bytes", "60", "--max-file-size", "100K"])
        .arg(&url)
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(stdout.contains("over --max-bytes"), "{stdout}");

    // The whole account through a connection string: both containers.
    let out = leakscope()
        .args([
            "scan",
            "--format",
            "jsonl",
            "--no-config",
            "--max-file-size",
            "100K",
        ])
        .arg(az.connection_string(KEY))
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(stdout.contains(&format!("{base}/other/x.env")), "{stdout}");
    assert!(
        stdout.contains(&format!("{base}/models/notes/readme.md")),
        "{stdout}"
    );
    assert!(!stdout.contains(KEY), "{stdout}");

    // azure://account/container/prefix with the credentials in the environment.
    let out = leakscope()
        .env("AZURE_STORAGE_CONNECTION_STRING", az.connection_string(KEY))
        .args(["scan", "--format", "jsonl", "--no-config"])
        .arg("azure://devstoreaccount1/models/config")
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    let found = jsonl(&out.stdout);
    assert!(!found.is_empty());
    assert!(found.iter().all(|f| f["path"] == env.as_str()), "{found:?}");

    // A token signed with a rotated key: a clear error, exit 2, no secret echoed.
    let bad = sas_query(
        "models",
        &[
            ("sv", "2021-08-06".into()),
            ("sr", "c".into()),
            ("sp", "rl".into()),
            ("se", se.clone()),
        ],
        azurite::ROTATED_KEY,
    );
    let out = leakscope()
        .args(["scan", "--no-config"])
        .arg(format!("{base}/models?{bad}"))
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("HTTP 403"), "{stderr}");
    assert!(!stderr.contains("sig="), "{stderr}");
}

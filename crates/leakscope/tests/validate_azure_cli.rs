//! `scan --validate` end to end against a real Azurite: a repository file holding the
//! incident's kind of link (an account SAS URL, here to the emulator) is found, probed where
//! it points, and reported live with an exact access map; the same token signed with a
//! rotated key is rejected; `--no-access-map` stops at the status probe.

#[path = "../../leakscope-azure/tests/common/azurite.rs"]
mod azurite;

use assert_cmd::Command;
use azurite::{sas_query, window, ROTATED_KEY};
use leakscope_azure::keys::AZURITE_DEV_KEY as KEY;
use serde_json::Value;

fn leakscope() -> Command {
    let mut c = Command::cargo_bin("leakscope").unwrap_or_else(|e| panic!("binary: {e}"));
    c.env_remove("AZURE_STORAGE_CONNECTION_STRING");
    c
}

fn account_sas(key: &str, st: &str, se: &str) -> String {
    sas_query(
        "",
        &[
            ("sv", "2021-08-06".into()),
            ("ss", "b".into()),
            ("srt", "sco".into()),
            ("sp", "rwdlac".into()),
            ("st", st.into()),
            ("se", se.into()),
            ("spr", "https,http".into()),
        ],
        key,
    )
}

fn validations(out: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(out)
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|f| f["kind"] == "azure_sas")
        .collect()
}

#[test]
fn scan_validate_probes_sas_urls_where_they_point() {
    let Some(az) = azurite::start() else { return };
    az.container("models", Some("container"));
    az.container("backups", None);
    az.blob("models", "resnet.ckpt", b"0123456789");
    az.blob("models", "README.md", b"hello");
    az.blob("backups", "workstation.tar", b"abc");
    let (st, se) = window();
    let good = format!("{}/?{}", az.blob_endpoint(), account_sas(KEY, &st, &se));
    let revoked = format!(
        "{}/?{}",
        az.blob_endpoint(),
        account_sas(ROTATED_KEY, &st, &se)
    );
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    std::fs::write(
        dir.path().join("README.md"),
        format!("Download the models: {good}\n\nOld link: {revoked}\n"),
    )
    .unwrap_or_else(|e| panic!("write: {e}"));

    let out = leakscope()
        .args(["scan", "--validate", "--format", "jsonl", "--no-config"])
        .arg(dir.path())
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("validated 2 secrets: 1 live, 1 rejected"),
        "{stderr}"
    );
    let found = validations(&out.stdout);
    assert_eq!(found.len(), 2, "{found:#?}");
    let live = found
        .iter()
        .find(|f| f["validation"]["status"] == "live")
        .unwrap_or_else(|| panic!("a live SAS: {found:#?}"));
    let access = &live["validation"]["access"];
    assert_eq!(access["total_blobs"], 3, "{access:#}");
    assert_eq!(access["total_bytes"], 18);
    assert_eq!(access["complete"], true);
    let models = access["containers"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["name"] == "models"))
        .unwrap_or_else(|| panic!("models container: {access:#}"));
    assert_eq!(models["blobs"], 2);
    assert_eq!(models["model_files"], serde_json::json!(["resnet.ckpt"]));
    let rejected = found
        .iter()
        .find(|f| f["validation"]["status"] == "rejected")
        .unwrap_or_else(|| panic!("a rejected SAS: {found:#?}"));
    assert!(
        rejected["validation"]["error_code"].is_string(),
        "{rejected:#}"
    );
    let all = String::from_utf8_lossy(&out.stdout);
    for url in [&good, &revoked] {
        let sig = url.rsplit("sig=").next().unwrap_or_default();
        assert!(
            sig.len() > 20 && !all.contains(sig),
            "signatures stay redacted"
        );
    }

    // The datastore keeps the result; the report (JSON and the HTML page's data) has the map.
    let db = dir.path().join("store.db");
    let out = leakscope()
        .args([
            "scan",
            "--validate",
            "--quiet",
            "--no-config",
            "--format",
            "jsonl",
        ])
        .arg(format!("--datastore={}", db.display()))
        .arg(dir.path())
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let out = leakscope()
        .args(["report", "--format", "json", "--datastore"])
        .arg(&db)
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("\"total_blobs\": 3"), "{report}");
    let html = dir.path().join("report.html");
    leakscope()
        .args(["report", "--format", "html", "--datastore"])
        .arg(&db)
        .arg("-o")
        .arg(&html)
        .assert()
        .success();
    let page = std::fs::read_to_string(&html).unwrap_or_default();
    assert!(
        page.contains("resnet.ckpt"),
        "the access map is in the page's data"
    );

    // Human output says what the live link reaches.
    let out = leakscope()
        .args(["scan", "--validate", "--no-config", "--color", "never"])
        .arg(dir.path())
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    let human = String::from_utf8_lossy(&out.stdout);
    assert!(
        human.contains("LIVE — lists 2 containers, 3 blobs, 18 B; 1 public; 1 model file"),
        "{human}"
    );

    // Status only: one request per credential, no map.
    let out = leakscope()
        .args([
            "scan",
            "--validate",
            "--no-access-map",
            "--format",
            "jsonl",
            "--no-config",
        ])
        .arg(dir.path())
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    for f in validations(&out.stdout) {
        assert!(f["validation"].get("access").is_none(), "{f:#}");
        assert_eq!(f["validation"]["probed"].as_array().map(Vec::len), Some(1));
    }

    // Without --validate nothing is sent and no validation is reported.
    let out = leakscope()
        .args(["scan", "--format", "jsonl", "--no-config"])
        .arg(dir.path())
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    assert!(validations(&out.stdout)
        .iter()
        .all(|f| f.get("validation").is_none_or(Value::is_null)));
}

//! `leakscope explain` end to end: exit codes (0 recognised, 3 not, 2 usage), the human card
//! and the JSON analysis, pinned with insta snapshots (`explain_*`).

use assert_cmd::Command;

const NOW: &str = "2026-11-22T00:00:00Z";
/// The incident's shape: account-wide, full control, expiring in 2051.
const INCIDENT: &str = "https://acct.blob.core.windows.net/models?sv=2019-12-12&ss=bfqt&srt=sco&sp=racwdl&se=2051-10-06T07:09:59Z&spr=https,http&sig=T2b8mYHYbsXnSI4MbC9UWRGRRjyRyt5XX7SMsbD4u4k%3D";
const DEV_KEY: &str =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

fn leakscope() -> Command {
    Command::cargo_bin("leakscope").unwrap_or_else(|e| panic!("binary: {e}"))
}

fn run(args: &[&str], stdin: Option<&str>) -> (i32, String) {
    let mut cmd = leakscope();
    cmd.arg("explain").args(["--now", NOW]).args(args);
    if let Some(s) = stdin {
        cmd.write_stdin(s);
    }
    let out = cmd.output().unwrap_or_else(|e| panic!("run: {e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn json(args: &[&str]) -> serde_json::Value {
    let mut a = vec!["--format", "json"];
    a.extend_from_slice(args);
    let (code, out) = run(&a, None);
    assert_eq!(code, 0, "{out}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

#[test]
fn explain_incident_human_card() {
    let (code, out) = run(&[INCIDENT], None);
    assert_eq!(code, 0);
    assert!(out.contains("CRITICAL"));
    assert!(out.contains("account-wide: blob, file, queue and table services"));
    assert!(out.contains("can delete and overwrite data"));
    assert!(out.contains("valid for 9,084 more days"));
    assert!(out.contains("no IP restriction"));
    assert!(out.contains("allows plain HTTP"));
    assert!(out.contains("no stored access policy: only rotating the account key revokes it"));
    insta::assert_snapshot!("explain_incident_human", out);
}

#[test]
fn explain_incident_json_fields() {
    let v = json(&[INCIDENT]);
    assert_eq!(v["risk"], "critical");
    assert_eq!(v["kind"], "account");
    assert_eq!(v["account"], "acct");
    assert_eq!(
        v["services"],
        serde_json::json!(["blob", "file", "queue", "table"])
    );
    assert_eq!(
        v["resource_types"],
        serde_json::json!(["service", "container", "object"])
    );
    assert_eq!(
        v["permissions"],
        serde_json::json!(["read", "add", "create", "write", "delete", "list"])
    );
    assert_eq!(v["signature"], "unknown");
    insta::assert_json_snapshot!("explain_incident_json", v);
}

#[test]
fn explain_reads_stdin_and_dash() {
    let (code, out) = run(&[], Some(INCIDENT));
    assert_eq!(code, 0);
    assert!(out.contains("CRITICAL"));
    let (code, _) = run(&["-"], Some(&format!("{INCIDENT}\n")));
    assert_eq!(code, 0);
}

#[test]
fn explain_account_key_verifies_signature() {
    // A container SAS for the emulator account, signed with its published key.
    let good = "http://127.0.0.1:10000/devstoreaccount1/models?st=2026-11-01T08%3A30%3A00Z&se=2026-12-31T23%3A59%3A59Z&sp=rwdl&sv=2026-10-06&sr=c&sig=Wo%2BHTENN%2BjquZgLFagfTjx5uO9zGMgmWfp784UH9tSM%3D";
    let key = format!("devstoreaccount1={DEV_KEY}");
    let v = json(&["--account-key", &key, good]);
    assert_eq!(v["signature"], "valid");
    // Container-wide write and delete for 60 days: critical.
    assert_eq!(v["risk"], "critical");
    let tampered = good.replace("sp=rwdl", "sp=rwdlc");
    let v = json(&["--account-key", &key, &tampered]);
    assert_eq!(v["signature"], "invalid");
    insta::assert_json_snapshot!("explain_tampered_json", v);
}

#[test]
fn explain_keys_and_connection_strings() {
    let v = json(&[DEV_KEY]);
    assert_eq!(v["type"], "azure_account_key");
    assert_eq!(v["kind"], "development");
    assert_eq!(v["severity"], "info");
    let conn = "DefaultEndpointsProtocol=https;AccountName=stprod01;AccountKey=Rl0MR48pQ8np3bWRgj5NNdXrQ0nmSgmF/krFuA8a4Qrb7KkwvWxtHNTdVLntlpqj5d+vSmth1ArA82ejwjaFRw==;EndpointSuffix=core.windows.net";
    let v = json(&[conn]);
    assert_eq!(v["type"], "azure_connection_string");
    assert_eq!(v["severity"], "critical");
    assert!(
        !v.to_string().contains("Rl0MR48pQ8np3bWRgj5"),
        "the key is shortened in output"
    );
    let (code, out) = run(&[conn], None);
    assert_eq!(code, 0);
    insta::assert_snapshot!("explain_connection_string_human", out);
}

#[test]
fn explain_service_bus_and_presigned_urls() {
    let sb = "SharedAccessSignature sr=https%3A%2F%2Forders.servicebus.windows.net%2Fjobs&sig=7BjqyNdYseulLTwQ05rcbdmAZHLLSuBpY104PZCGpRM%3D&se=1893456000&skn=RootManageSharedAccessKey";
    let v = json(&[sb]);
    assert_eq!(v["type"], "azure_service_bus_sas");
    assert_eq!(v["risk"], "critical");
    let aws = "https://reports.s3.eu-west-1.amazonaws.com/2026/q3.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAZ7QX3EXMPLQ4DN5Q%2F20261120%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20261120T101500Z&X-Amz-Expires=604800&X-Amz-SignedHeaders=host&X-Amz-Signature=db87cee52504ca5732bad49ddb1d5b8551c011c1891996d58aacae47f66585ed";
    let (code, out) = run(&[aws], None);
    assert_eq!(code, 0);
    insta::assert_snapshot!("explain_aws_presigned_human", out);
}

#[test]
fn explain_unrecognised_exits_3_with_the_reason() {
    let (code, out) = run(
        &["https://acct.blob.core.windows.net/c?sv=2019-12-12&sp=r&sig=<signature>"],
        None,
    );
    assert_eq!(code, 3);
    assert!(out.contains("placeholder"), "{out}");
    let (code, out) = run(&["--format", "json", "hello world"], None);
    assert_eq!(code, 3);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(v["recognised"], false);
    let (code, out) = run(&["sv=2019-12-12&sr=b&sp=r&se=2030-02-30&sig=T2b8mYHYbsXnSI4MbC9UWRGRRjyRyt5XX7SMsbD4u4k%3D"], None);
    assert_eq!(code, 3);
    assert!(out.contains("`se` is not a valid date/time"), "{out}");
}

#[test]
fn explain_usage_errors_exit_2() {
    let out = leakscope()
        .args(["explain", "--now", "yesterday", INCIDENT])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(2));
    let out = leakscope()
        .args(["explain", "--account-key", "nokey", INCIDENT])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(2));
    let out = leakscope()
        .args(["explain", "--format", "yaml", INCIDENT])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(2));
}

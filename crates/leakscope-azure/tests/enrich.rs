//! `enrich_findings`: analyses attached, severities from risk, signatures verified with keys
//! found in the same scan, SAS linked to the key finding that signed it.

use leakscope_azure::keys::{AZURITE_DEV_ACCOUNT, AZURITE_DEV_KEY};
use leakscope_azure::{enrich_findings, sas, signature, EnrichContext};
use leakscope_core::{Confidence, Finding, Severity};
use std::collections::BTreeMap;

fn finding(kind: &str, secret: &str, captures: &[(&str, &str)]) -> Finding {
    Finding {
        rule_id: format!("test.{kind}"),
        rule_name: kind.into(),
        kind: kind.into(),
        severity: Severity::High,
        confidence: Confidence::High,
        path: "README.md".into(),
        line: 1,
        column: 1,
        end_line: 1,
        end_column: 2,
        offset: 0,
        secret_redacted: "…".into(),
        secret: Some(secret.into()),
        fingerprint: format!("fp-{}", secret.len()),
        decoders: vec![],
        git: None,
        analysis: None,
        validation: None,
        paired: Vec::new(),
        captures: captures
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>(),
    }
}

fn ctx() -> EnrichContext {
    EnrichContext {
        now: "2026-11-22T00:00:00Z"
            .parse()
            .unwrap_or_else(|e| panic!("{e}")),
        account_keys: vec![],
    }
}

const KEY: &str =
    "Rl0MR48pQ8np3bWRgj5NNdXrQ0nmSgmF/krFuA8a4Qrb7KkwvWxtHNTdVLntlpqj5d+vSmth1ArA82ejwjaFRw==";

/// An account SAS for `stprod01` signed with `KEY` by our own signer.
fn signed_query() -> String {
    let q = "sv=2021-08-06&ss=bfqt&srt=sco&sp=racwdl&se=2051-10-06T07%3A09%3A59Z&spr=https%2Chttp";
    let unsigned = format!("https://stprod01.blob.core.windows.net/?{q}&sig=T2b8mYHYbsXnSI4MbC9UWRGRRjyRyt5XX7SMsbD4u4k%3D");
    let t = sas::parse(&unsigned).unwrap_or_else(|e| panic!("{e}"));
    let sig = signature::expected_signature(&t, None, KEY).unwrap_or_else(|e| panic!("{e}"));
    format!(
        "{q}&sig={}",
        sig.replace('+', "%2B")
            .replace('/', "%2F")
            .replace('=', "%3D")
    )
}

#[test]
fn sas_is_rated_and_linked_to_the_connection_string_that_signed_it() {
    let conn = format!("DefaultEndpointsProtocol=https;AccountName=stprod01;AccountKey={KEY};EndpointSuffix=core.windows.net");
    let q = signed_query();
    let mut fs = vec![
        finding(
            "azure_sas",
            &q,
            &[("url", "https://stprod01.blob.core.windows.net/?")],
        ),
        finding("azure_connection_string", &conn, &[]),
        finding("github_token", "ghp_x", &[]),
    ];
    enrich_findings(&mut fs, &ctx());
    let a = fs[0]
        .analysis
        .as_ref()
        .unwrap_or_else(|| panic!("no analysis"));
    assert_eq!(a["risk"], "critical");
    assert_eq!(a["signature"], "valid");
    assert_eq!(a["account"], "stprod01");
    assert_eq!(a["signed_by_fingerprint"], fs[1].fingerprint.as_str());
    assert_eq!(fs[0].severity, Severity::Critical);
    assert_eq!(fs[1].severity, Severity::Critical);
    assert_eq!(
        fs[1].analysis.as_ref().map(|v| v["type"].clone()),
        Some("azure_connection_string".into())
    );
    assert!(fs[2].analysis.is_none(), "other kinds are left alone");
}

#[test]
fn wrong_key_gives_invalid_and_the_reason_says_so() {
    let other =
        "pvPS3/oIUjYMiA4khArd8HbHkYONqJweZVwEd+H2h5Cd8dHF6nPaDgpCdwwPUS9OQmBr/0v0PDdpZzojmd6W/w==";
    let mut fs = vec![finding(
        "azure_sas",
        &signed_query(),
        &[("url", "https://stprod01.blob.core.windows.net/?")],
    )];
    let mut c = ctx();
    c.account_keys.push(("stprod01".into(), other.into()));
    enrich_findings(&mut fs, &c);
    let a = fs[0].analysis.clone().unwrap_or_default();
    assert_eq!(a["signature"], "invalid");
    let last = a["reasons"]
        .as_array()
        .and_then(|r| r.last())
        .and_then(|r| r.as_str())
        .unwrap_or("");
    assert!(last.starts_with("signature does not match"), "{last}");
    // With the right key given on the command line instead:
    let mut fs = vec![finding(
        "azure_sas",
        &signed_query(),
        &[("url", "https://stprod01.blob.core.windows.net/?")],
    )];
    let mut c = ctx();
    c.account_keys.push(("stprod01".into(), KEY.into()));
    enrich_findings(&mut fs, &c);
    let a = fs[0].analysis.clone().unwrap_or_default();
    assert_eq!(a["signature"], "valid");
    assert_eq!(a["signed_by_account_key"], "stprod01");
}

#[test]
fn bare_key_finding_signs_sas_of_the_url_account() {
    let mut fs = vec![
        finding("azure_account_key", KEY, &[]),
        finding(
            "azure_sas",
            &signed_query(),
            &[("url", "https://stprod01.blob.core.windows.net/?")],
        ),
    ];
    enrich_findings(&mut fs, &ctx());
    assert_eq!(
        fs[1].analysis.as_ref().map(|a| a["signature"].clone()),
        Some("valid".into())
    );
    assert_eq!(
        fs[1]
            .analysis
            .as_ref()
            .map(|a| a["signed_by_fingerprint"].clone()),
        Some(fs[0].fingerprint.clone().into())
    );
}

#[test]
fn expired_is_info_dev_key_is_info_lookalike_is_not_a_credential() {
    let mut fs = vec![
        finding("azure_sas", "sv=2020-02-10&sr=c&sp=rwdl&se=2021-01-01&sig=T2b8mYHYbsXnSI4MbC9UWRGRRjyRyt5XX7SMsbD4u4k%3D", &[]),
        finding("azure_account_key", AZURITE_DEV_KEY, &[]),
        finding("azure_sas", "sv=2020-02-10&sr=c&sp=r&sig=c2hvcnQ%3D", &[]),
        finding("azure_connection_string", &format!("DefaultEndpointsProtocol=http;AccountName={AZURITE_DEV_ACCOUNT};AccountKey={AZURITE_DEV_KEY}"), &[]),
    ];
    enrich_findings(&mut fs, &ctx());
    assert_eq!(fs[0].severity, Severity::Info);
    assert_eq!(
        fs[0].analysis.as_ref().map(|a| a["risk"].clone()),
        Some("expired".into())
    );
    assert_eq!(fs[1].severity, Severity::Info);
    assert_eq!(fs[2].severity, Severity::Info);
    assert_eq!(
        fs[2].analysis.as_ref().map(|a| a["credential"].clone()),
        Some(false.into())
    );
    assert_eq!(fs[3].severity, Severity::Info);
}

#[test]
fn other_clouds_are_enriched() {
    let aws = "https://reports.s3.eu-west-1.amazonaws.com/2026/q3.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAZ7QX3EXMPLQ4DN5Q%2F20261120%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20261120T101500Z&X-Amz-Expires=604800&X-Amz-SignedHeaders=host&X-Amz-Signature=db87cee52504ca5732bad49ddb1d5b8551c011c1891996d58aacae47f66585ed";
    let sb = "SharedAccessSignature sr=https%3A%2F%2Forders.servicebus.windows.net%2Fjobs&sig=7BjqyNdYseulLTwQ05rcbdmAZHLLSuBpY104PZCGpRM%3D&se=1893456000&skn=RootManageSharedAccessKey";
    let gcs = "https://storage.googleapis.com/exports/users.csv?GoogleAccessId=svc%40proj-1.iam.gserviceaccount.com&Expires=1764547200&Signature=abc";
    let mut fs = vec![
        finding("aws_s3_presigned_url", aws, &[]),
        finding("azure_service_bus_sas", sb, &[]),
        finding("gcs_signed_url", gcs, &[]),
    ];
    enrich_findings(&mut fs, &ctx());
    let a = fs[0].analysis.clone().unwrap_or_default();
    assert_eq!(a["signer"], "AKIAZ7QX3EXMPLQ4DN5Q");
    assert_eq!(a["region"], "eu-west-1");
    assert_eq!(a["bucket"], "reports");
    assert_eq!(a["object"], "2026/q3.pdf");
    assert_eq!(a["expiry"], "2026-11-27T10:15:00Z");
    assert_eq!(
        a["risk"], "high",
        "unknown method counts as write; 7 days > 1"
    );
    let b = fs[1].analysis.clone().unwrap_or_default();
    assert_eq!(b["risk"], "critical");
    assert_eq!(b["object"], "jobs");
    let c = fs[2].analysis.clone().unwrap_or_default();
    assert_eq!(c["kind"], "gcs_signed_v2");
    assert_eq!(c["risk"], "expired");
    assert_eq!(fs[2].severity, Severity::Info);
}

#[test]
fn service_bus_sas_verified_against_documented_reference_and_linked() {
    let v: serde_json::Value = serde_json::from_str(include_str!("fixtures/servicebus_sas.json"))
        .unwrap_or_else(|e| panic!("{e}"));
    let all = v["fixtures"].as_array().cloned().unwrap_or_default();
    assert_eq!(all.len(), 3);
    for f in &all {
        let token = f["token"].as_str().unwrap_or("");
        let name = f["key_name"].as_str().unwrap_or("").to_string();
        let key = f["key"].as_str().unwrap_or("").to_string();
        let e = leakscope_azure::explain(token, ctx().now, &[(name.clone(), key)])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(e.to_json()["signature"], "valid", "{token}");
        let wrong = "pvPS3/oIUjYMiA4khArd8HbHkYONqJweZVwEd+H2h5c=".to_string();
        let e = leakscope_azure::explain(token, ctx().now, &[(name, wrong)])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(e.to_json()["signature"], "invalid", "{token}");
    }
    // In a scan: the policy key comes from a connection string finding.
    let key = all[0]["key"].as_str().unwrap_or("");
    let conn = format!("Endpoint=sb://orders-prod.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={key}");
    let mut fs = vec![
        finding(
            "azure_service_bus_sas",
            all[0]["token"].as_str().unwrap_or(""),
            &[],
        ),
        finding("azure_connection_string", &conn, &[]),
    ];
    enrich_findings(&mut fs, &ctx());
    let a = fs[0].analysis.clone().unwrap_or_default();
    assert_eq!(a["signature"], "valid");
    assert_eq!(a["signed_by_fingerprint"], fs[1].fingerprint.as_str());
}

#[test]
fn bare_sas_without_account_is_unknown_not_invalid_for_other_accounts_keys() {
    // No URL: a key of some other account failing says nothing about this token.
    let mut fs = vec![finding("azure_sas", &signed_query(), &[])];
    let mut c = ctx();
    c.account_keys.push((
        "otheracct".into(),
        "pvPS3/oIUjYMiA4khArd8HbHkYONqJweZVwEd+H2h5Cd8dHF6nPaDgpCdwwPUS9OQmBr/0v0PDdpZzojmd6W/w=="
            .into(),
    ));
    enrich_findings(&mut fs, &c);
    assert_eq!(
        fs[0].analysis.as_ref().map(|a| a["signature"].clone()),
        Some("unknown".into())
    );
    // ...but the right account's key proves it even without a URL.
    let mut fs = vec![finding("azure_sas", &signed_query(), &[])];
    let mut c = ctx();
    c.account_keys.push(("stprod01".into(), KEY.into()));
    enrich_findings(&mut fs, &c);
    assert_eq!(
        fs[0].analysis.as_ref().map(|a| a["signature"].clone()),
        Some("valid".into())
    );
}

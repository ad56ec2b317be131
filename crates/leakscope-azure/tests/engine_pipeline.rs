//! The built-in rules, the real engine and `enrich_findings` together, as the scan pipeline
//! will run them: the `url` capture reaches the analysis, keys in the same text verify SAS
//! signatures, and the incident's link in a README comes out critical.

use leakscope_azure::{enrich_findings, sas, signature, EnrichContext};
use leakscope_core::{Confidence, Finding, Limits, Severity};
use leakscope_engine::Engine;
use leakscope_rules::RuleSet;

const KEY: &str =
    "Rl0MR48pQ8np3bWRgj5NNdXrQ0nmSgmF/krFuA8a4Qrb7KkwvWxtHNTdVLntlpqj5d+vSmth1ArA82ejwjaFRw==";

fn scan(text: &str) -> Vec<Finding> {
    let rules = RuleSet::builtin().unwrap_or_else(|e| panic!("rules: {e}"));
    let engine = Engine::new(rules, Limits::default()).unwrap_or_else(|e| panic!("engine: {e}"));
    let out = engine.scan(text.as_bytes());
    out.matches
        .iter()
        .map(|m| {
            let rule = &engine.rules()[m.rule];
            let secret = String::from_utf8_lossy(&m.secret).into_owned();
            Finding {
                rule_id: rule.spec.id.clone(),
                rule_name: rule.spec.name.clone(),
                kind: rule.spec.kind.clone(),
                severity: rule.spec.severity,
                confidence: Confidence::High,
                path: "README.md".into(),
                line: m.line,
                column: m.column,
                end_line: m.end_line,
                end_column: m.end_column,
                offset: m.start as u64,
                secret_redacted: String::new(),
                fingerprint: format!("fp:{}:{}", rule.spec.id, m.start),
                secret: Some(secret),
                decoders: m.decoders.iter().map(|d| d.to_string()).collect(),
                git: None,
                analysis: None,
                validation: None,
                paired: Vec::new(),
                captures: m
                    .captures
                    .iter()
                    .map(|(k, v)| (k.clone(), String::from_utf8_lossy(v).into_owned()))
                    .collect(),
            }
        })
        .collect()
}

fn signed(url_base: &str, q: &str) -> String {
    let t = sas::parse(&format!(
        "{url_base}?{q}&sig=T2b8mYHYbsXnSI4MbC9UWRGRRjyRyt5XX7SMsbD4u4k%3D"
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    let sig = signature::expected_signature(&t, None, KEY).unwrap_or_else(|e| panic!("{e}"));
    format!(
        "{url_base}?{q}&sig={}",
        sig.replace('+', "%2B")
            .replace('/', "%2F")
            .replace('=', "%3D")
    )
}

#[test]
fn readme_with_incident_link_key_and_signed_container_sas() {
    let incident = "https://acct.blob.core.windows.net/models?sv=2019-12-12&ss=bfqt&srt=sco&sp=racwdl&se=2051-10-06T07:09:59Z&spr=https,http&sig=T2b8mYHYbsXnSI4MbC9UWRGRRjyRyt5XX7SMsbD4u4k%3D";
    let container = signed(
        "https://stprod01.blob.core.windows.net/backups",
        "sv=2021-08-06&sr=c&sp=rl&se=2026-11-22T12%3A00%3A00Z&spr=https",
    );
    let text = format!(
        "# Model zoo\n\nDownload the weights from [here]({incident}).\n\n\
         Backups: <a href=\"{}\">list</a>\n\n\
         ```\nSTORAGE=DefaultEndpointsProtocol=https;AccountName=stprod01;AccountKey={KEY};EndpointSuffix=core.windows.net\n```\n",
        container.replace('&', "&amp;")
    );
    let mut fs = scan(&text);
    let ctx = EnrichContext {
        now: "2026-11-22T00:00:00Z"
            .parse()
            .unwrap_or_else(|e| panic!("{e}")),
        account_keys: vec![],
    };
    enrich_findings(&mut fs, &ctx);
    let sas: Vec<&Finding> = fs.iter().filter(|f| f.kind == "azure_sas").collect();
    assert_eq!(
        sas.len(),
        2,
        "{:#?}",
        fs.iter()
            .map(|f| (&f.rule_id, &f.secret))
            .collect::<Vec<_>>()
    );
    let incident_f = sas
        .iter()
        .find(|f| f.line == 3)
        .unwrap_or_else(|| panic!("incident finding"));
    let a = incident_f.analysis.clone().unwrap_or_default();
    assert_eq!(incident_f.severity, Severity::Critical);
    assert_eq!(a["account"], "acct", "the url capture reached the analysis");
    assert_eq!(a["target"]["container"], "models");
    let backup = sas
        .iter()
        .find(|f| f.line == 5)
        .unwrap_or_else(|| panic!("container finding"));
    let b = backup.analysis.clone().unwrap_or_default();
    assert_eq!(b["account"], "stprod01");
    assert_eq!(b["signature"], "valid", "{b}");
    assert_eq!(
        b["risk"], "medium",
        "container-wide read for 12 hours: medium"
    );
    let conn = fs
        .iter()
        .find(|f| f.kind == "azure_connection_string")
        .unwrap_or_else(|| panic!("connection string finding"));
    assert_eq!(b["signed_by_fingerprint"], conn.fingerprint.as_str());
    assert_eq!(conn.severity, Severity::Critical);
    assert!(
        !fs.iter().any(|f| f.kind == "azure_account_key"),
        "the key inside the connection string is reported once, as the connection string"
    );
}

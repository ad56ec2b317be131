use leakscope_core::Limits;
use leakscope_engine::Engine;
use leakscope_rules::RuleSet;

fn engine() -> Engine {
    Engine::new(
        RuleSet::builtin().expect("built-in rules"),
        Limits::default(),
    )
    .expect("engine")
}

const SAS: &str = "sv=2019-12-12&ss=bfqt&srt=sco&sp=rwdlacupx&se=2051-10-06T07:09:59Z&st=2021-10-05T23:09:59Z&spr=https,http&sig=T2b8mYHYbsXnSI4MbC9UWRGRRjyRyt5XX7SMsbD4u4k%3D";

fn sas_rule(e: &Engine) -> usize {
    e.rules()
        .iter()
        .position(|r| r.spec.id == "azure.storage.sas")
        .expect("sas rule")
}

#[test]
fn every_builtin_example_is_found_by_the_engine() {
    let e = engine();
    let mut missing = Vec::new();
    for (i, rule) in e.rules().iter().enumerate() {
        for ex in &rule.spec.examples {
            let out = e.scan(ex.as_bytes());
            if !out.matches.iter().any(|m| m.rule == i) {
                missing.push(format!("{}: {ex:?}", rule.spec.id));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "engine missed examples:\n{}",
        missing.join("\n")
    );
}

#[test]
fn finds_the_incident_link_in_a_readme_with_exact_position() {
    let e = engine();
    let text = format!(
        "# Models\n\nDownload the checkpoints:\n  https://robustnessws4285631339.blob.core.windows.net/public-models/robust_imagenet?{SAS}\n"
    );
    let out = e.scan(text.as_bytes());
    let sas = sas_rule(&e);
    let m = out
        .matches
        .iter()
        .find(|m| m.rule == sas)
        .expect("SAS found");
    assert_eq!(m.secret, SAS.as_bytes());
    assert_eq!(m.line, 4);
    let col = text.lines().nth(3).unwrap().find("sv=").unwrap() as u64 + 1;
    assert_eq!(m.column, col);
    assert!(m.decoders.is_empty());
    let url = m
        .captures
        .iter()
        .find(|(n, _)| n == "url")
        .map(|(_, v)| v.clone());
    if let Some(url) = url {
        assert!(String::from_utf8_lossy(&url)
            .starts_with("https://robustnessws4285631339.blob.core.windows.net/"));
    }
}

#[test]
fn percent_encoded_sas_is_found_through_the_decoder_and_points_at_the_original() {
    let e = engine();
    let encoded: String = SAS.replace('=', "%3D").replace('&', "%26");
    let text =
        format!("next: redirect?to=https%3A%2F%2Facct.blob.core.windows.net%2Fc%3F{encoded} end\n");
    let out = e.scan(text.as_bytes());
    let sas = sas_rule(&e);
    let m = out
        .matches
        .iter()
        .find(|m| m.rule == sas)
        .expect("SAS found after decoding");
    assert_eq!(m.decoders, vec!["percent"]);
    assert_eq!(&text[m.start..m.start + 7], "sv%3D20");
    assert!(String::from_utf8_lossy(&m.secret).contains("&sig="));
    assert_eq!(m.line, 1);
}

#[test]
fn json_escaped_sas_is_reassembled_whole() {
    let e = engine();
    let escaped = SAS.replace('&', "\\u0026");
    let text = format!("{{\"url\": \"https:\\/\\/acct.blob.core.windows.net\\/c?{escaped}\"}}");
    let out = e.scan(text.as_bytes());
    let sas = sas_rule(&e);
    let found: Vec<_> = out.matches.iter().filter(|m| m.rule == sas).collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].decoders, vec!["json_escape"]);
    assert!(String::from_utf8_lossy(&found[0].secret).starts_with("sv=2019-12-12&ss=bfqt"));
}

#[test]
fn html_escaped_sas_is_found() {
    let e = engine();
    let html = SAS.replace('&', "&amp;");
    let text = format!("<a href=\"https://acct.blob.core.windows.net/c?{html}\">models</a>");
    let out = e.scan(text.as_bytes());
    assert!(out.matches.iter().any(|m| m.rule == sas_rule(&e)));
}

#[test]
fn identical_matches_in_one_blob_are_reported_once_per_position() {
    let e = engine();
    let text = format!("a={SAS}\nb={SAS}\n");
    let out = e.scan(text.as_bytes());
    let sas = sas_rule(&e);
    let lines: Vec<u64> = out
        .matches
        .iter()
        .filter(|m| m.rule == sas)
        .map(|m| m.line)
        .collect();
    assert_eq!(lines, vec![1, 2]);
}

#[test]
fn binary_blobs_are_scanned_for_specific_rules() {
    let e = engine();
    let mut blob = vec![0u8, 1, 2, 3, 0xff, 0xfe];
    blob.extend_from_slice(SAS.as_bytes());
    blob.extend_from_slice(&[0, 0, 7]);
    let out = e.scan(&blob);
    assert!(out.binary);
    assert!(out.matches.iter().any(|m| m.rule == sas_rule(&e)));
}

#[test]
fn per_blob_limit_drops_and_counts_the_rest() {
    let limits = Limits {
        max_findings_per_blob: 3,
        ..Limits::default()
    };
    let e = Engine::new(RuleSet::builtin().unwrap(), limits).unwrap();
    let text = format!("{SAS}\n").repeat(5);
    let out = e.scan(text.as_bytes());
    assert_eq!(out.matches.len(), 3);
    assert_eq!(out.dropped, 2);
}

fn rule(e: &Engine, id: &str) -> usize {
    e.rules()
        .iter()
        .position(|r| r.spec.id == id)
        .expect("rule")
}

const AKIA_LINE: &str = "aws_access_key_id = AKIARMRZQQTPUTZADS73\n";

/// The (line, column) of `text`'s byte `at`, 1-based.
fn line_col(text: &str, at: usize) -> (u64, u64) {
    let before = &text[..at];
    let line = before.matches('\n').count() as u64 + 1;
    let col = before.rsplit('\n').next().unwrap().chars().count() as u64 + 1;
    (line, col)
}

#[test]
fn base64_encoded_secret_points_at_its_group_in_the_original() {
    use base64::Engine as _;
    let e = engine();
    let enc = base64::engine::general_purpose::STANDARD.encode(AKIA_LINE);
    let text = format!("apiVersion: v1\nkind: Secret\ndata:\n  credentials: {enc}\n");
    let out = e.scan(text.as_bytes());
    let id = rule(&e, "aws.access_key_id");
    let m = out.matches.iter().find(|m| m.rule == id).expect("found");
    assert_eq!(m.secret, b"AKIARMRZQQTPUTZADS73");
    assert_eq!(m.decoders, vec!["base64"]);
    // Decoded byte 20 sits in the 4-character group starting 24 characters in.
    let run = text.find(&enc).unwrap();
    assert_eq!(m.start, run + 24);
    assert_eq!((m.line, m.column), line_col(&text, run + 24));
    assert_eq!(m.line, 4);
}

#[test]
fn url_safe_base64_and_hex_secrets_are_found() {
    use base64::Engine as _;
    let e = engine();
    let id = rule(&e, "aws.access_key_id");
    let plain = format!("??>>{AKIA_LINE}");
    let enc = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&plain);
    assert!(enc.contains(['-', '_']), "{enc}");
    let text = format!("# token\nTOKEN={enc}\n");
    let out = e.scan(text.as_bytes());
    let m = out.matches.iter().find(|m| m.rule == id).expect("url-safe");
    assert_eq!(m.decoders, vec!["base64"]);
    let run = text.find(&enc).unwrap();
    // Decoded byte 24 (after "??>>" and the key name) is group 8: character 32.
    assert_eq!((m.line, m.column), line_col(&text, run + 32));

    let hex: String = AKIA_LINE.bytes().map(|b| format!("{b:02x}")).collect();
    let text = format!("x = 1\n  blob: \"{hex}\"\n");
    let out = e.scan(text.as_bytes());
    let m = out.matches.iter().find(|m| m.rule == id).expect("hex");
    assert_eq!(m.decoders, vec!["hex"]);
    let run = text.find(&hex).unwrap();
    assert_eq!((m.line, m.column), line_col(&text, run + 40));
    assert_eq!(m.end, run + 80);
}

#[test]
fn random_base64_and_digests_are_not_decoded() {
    let e = engine();
    let text = "key: Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==\n\
                sha: 3f786850e387550fdab836ed7e6dc881de23001b3f786850e387550fdab836ed\n";
    let out = e.scan(text.as_bytes());
    assert!(out.matches.iter().all(|m| m.decoders.is_empty()));
}

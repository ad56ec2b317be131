//! The parsers face hostile input: they must return, never panic.

use proptest::prelude::*;

fn now() -> jiff::Timestamp {
    jiff::Timestamp::from_second(1_800_000_000).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

fn all(s: &str) {
    let _ = leakscope_azure::parse_sas(s);
    let _ = leakscope_azure::sas::parse_with_url(s, Some(s));
    let keys = vec![("acct".to_string(), "a2V5".to_string())];
    if let Ok(e) = leakscope_azure::explain(s, now(), &keys) {
        let _ = leakscope_azure::card::render(&e);
        let _ = e.to_json();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_strings(s in any::<String>()) {
        all(&s);
    }

    #[test]
    fn signed_urls_with_unicode_hosts(host in "\\PC{0,12}", path in "\\PC{0,12}") {
        all(&format!("https://{host}s3.amazonaws.com/{path}?X-Amz-Credential=A/2&X-Amz-Signature=x"));
        all(&format!("https://{host}storage.googleapis.com/{path}?GoogleAccessId=a&Signature=b&Expires=1"));
        all(&format!("https://{host}.blob.core.windows.net/{path}?sv=2020-02-10&sr=b&sig=T2b8mYHYbsXnSI4MbC9UWRGRRjyRyt5XX7SMsbD4u4k%3D"));
        all(&format!("SharedAccessSignature sr={host}&sig={path}&se=1&skn=k"));
    }

    #[test]
    fn sas_shaped_strings(
        parts in proptest::collection::vec(
            ("(sv|ss|srt|sp|st|se|sip|spr|sr|si|tn|spk|epk|ske|skoid|sdd|[a-z]{1,4})", "[a-zA-Z0-9%:+/=,.\\-]{0,40}"),
            0..12,
        ),
        host in "(https://[a-z]{1,8}\\.(blob|file|queue|table|dfs)\\.core\\.windows\\.net/[a-z/]{0,12}\\?|http://127\\.0\\.0\\.1:1000[0-2]/[a-z]{0,8}/?[a-z]{0,4}\\?|)",
    ) {
        let mut q: Vec<String> = parts.iter().map(|(k, v)| format!("{k}={v}")).collect();
        q.push("sig=T2b8mYHYbsXnSI4MbC9UWRGRRjyRyt5XX7SMsbD4u4k%3D".into());
        let s = format!("{host}{}", q.join("&"));
        all(&s);
        all(&format!("SharedAccessSignature {}", q.join("&")));
        all(&format!("https://b.s3.amazonaws.com/k?X-Amz-Credential=A/2&X-Amz-Signature=x&{}", q.join("&")));
        all(&format!("AccountName=a;AccountKey=b;SharedAccessSignature={}", q.join("&")));
    }
}

//! Tokens made by Microsoft's Python SDKs (tests/fixtures/gen_sas.py): parsed fields must
//! equal what the SDK was asked for, and signatures of tokens in the SDK's own version must
//! verify with the account key (and fail with another).

use leakscope_azure::{parse_sas, signature, SasKind};
use serde_json::Value;

fn fixtures() -> Vec<Value> {
    let text = include_str!("fixtures/sdk_sas.json");
    let v: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("fixture json: {e}"));
    v["fixtures"].as_array().cloned().unwrap_or_default()
}

fn s(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

fn ts(v: &Value) -> Option<jiff::Timestamp> {
    v.as_str()
        .map(|s| s.parse().unwrap_or_else(|e| panic!("{s}: {e}")))
}

#[test]
fn parsed_fields_equal_sdk_inputs() {
    let all = fixtures();
    assert!(
        all.len() >= 40,
        "expected a broad fixture set, got {}",
        all.len()
    );
    for f in &all {
        let name = f["name"].as_str().unwrap_or("?");
        let inp = &f["inputs"];
        // Both the full URL and the bare token must parse to the same facts.
        for text in [
            f["url"].as_str().unwrap_or(""),
            f["token"].as_str().unwrap_or(""),
        ] {
            let t = parse_sas(text).unwrap_or_else(|e| panic!("{name}: {e}: {text}"));
            let kind = match t.kind {
                SasKind::Account => "account",
                SasKind::Service => "service",
                SasKind::UserDelegation => "user_delegation",
            };
            assert_eq!(kind, f["kind"].as_str().unwrap_or(""), "{name} kind");
            assert_eq!(
                t.version().map(str::to_string),
                s(&inp["version"]),
                "{name} sv"
            );
            let mut perms: Vec<&str> = t.permissions.iter().map(|p| p.name()).collect();
            perms.sort_unstable();
            match inp["permissions"].as_array() {
                Some(want) => {
                    let want: Vec<&str> = want.iter().filter_map(Value::as_str).collect();
                    assert_eq!(perms, want, "{name} permissions");
                }
                None => assert!(!t.permissions_known(), "{name}: stored policy only"),
            }
            assert_eq!(t.expiry, ts(&inp["expiry"]), "{name} expiry");
            assert_eq!(t.start, ts(&inp["start"]), "{name} start");
            assert_eq!(t.get("sip").map(str::to_string), s(&inp["ip"]), "{name} ip");
            assert_eq!(
                t.get("spr").map(str::to_string),
                s(&inp["protocol"]),
                "{name} protocol"
            );
            assert_eq!(
                t.get("si").map(str::to_string),
                s(&inp["policy_id"]),
                "{name} policy"
            );
            if let Some(svcs) = inp["services"].as_array() {
                let got: Vec<&str> = t.services.iter().map(|s| s.name()).collect();
                let want: Vec<&str> = svcs.iter().filter_map(Value::as_str).collect();
                assert_eq!(got, want, "{name} services");
            }
            if let Some(rts) = inp["resource_types"].as_array() {
                let mut got: Vec<&str> = t.resource_types.iter().map(|s| s.name()).collect();
                let mut want: Vec<&str> = rts.iter().filter_map(Value::as_str).collect();
                got.sort_unstable();
                want.sort_unstable();
                assert_eq!(got, want, "{name} resource types");
            }
            if let Some(sr) = inp["signed_resource"].as_str() {
                assert_eq!(t.get("sr"), Some(sr), "{name} sr");
            }
            if f["kind"] != "account" {
                assert_eq!(
                    t.service.map(|s| s.name()),
                    f["service"].as_str(),
                    "{name} service"
                );
            }
            for k in [
                "rscc", "rscd", "rsct", "spk", "srk", "epk", "erk", "skoid", "sktid", "ske",
            ] {
                if let Some(want) = inp[k].as_str() {
                    assert_eq!(t.get(k), Some(want), "{name} {k}");
                }
            }
            if let Some(table) = inp["table"].as_str() {
                assert_eq!(
                    t.get("tn").map(str::to_ascii_lowercase).as_deref(),
                    Some(table),
                    "{name} tn"
                );
            }
        }
        // The URL adds the account and resource.
        let t =
            parse_sas(f["url"].as_str().unwrap_or("")).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(t.account(), f["account"].as_str(), "{name} account");
        if let Some(c) = inp["container"].as_str() {
            let got = t
                .url
                .as_ref()
                .and_then(|u| u.container.clone())
                .map(|c| c.to_ascii_lowercase());
            assert_eq!(got.as_deref(), Some(c), "{name} container");
        }
        if let Some(p) = inp["path"].as_str() {
            assert_eq!(
                t.url.as_ref().and_then(|u| u.path.as_deref()),
                Some(p),
                "{name} path"
            );
        }
    }
}

#[test]
fn native_version_signatures_verify_like_the_sdk() {
    let mut checked = 0;
    for f in fixtures() {
        let name = f["name"].as_str().unwrap_or("?");
        let (Some(key), true) = (
            f["account_key"].as_str(),
            f["native_version"].as_bool() == Some(true),
        ) else {
            continue;
        };
        let t =
            parse_sas(f["url"].as_str().unwrap_or("")).unwrap_or_else(|e| panic!("{name}: {e}"));
        if let Some(want) = f["string_to_sign"].as_str() {
            let got = signature::string_to_sign(&t, f["account"].as_str().unwrap_or(""));
            assert_eq!(got.as_deref(), Ok(want), "{name} string-to-sign");
        }
        assert_eq!(
            signature::verify(&t, None, key),
            Ok(true),
            "{name} must verify"
        );
        let other = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==";
        assert_eq!(
            signature::verify(&t, None, other),
            Ok(false),
            "{name} wrong key"
        );
        checked += 1;
    }
    assert!(checked >= 15, "only {checked} native fixtures verified");
}

/// Pre-2015 layouts, with the legacy `azure-storage` 0.20.3 SDK as the reference
/// (tests/fixtures/gen_legacy_sas.py).
#[test]
fn legacy_sdk_signatures_verify() {
    let v: Value = serde_json::from_str(include_str!("fixtures/legacy_sas.json"))
        .unwrap_or_else(|e| panic!("fixture json: {e}"));
    let all = v["fixtures"].as_array().cloned().unwrap_or_default();
    assert!(all.len() >= 12);
    let mut versions = std::collections::BTreeSet::new();
    for f in all {
        let name = f["name"].as_str().unwrap_or("?");
        let t =
            parse_sas(f["url"].as_str().unwrap_or("")).unwrap_or_else(|e| panic!("{name}: {e}"));
        for (k, want) in f["inputs"].as_object().cloned().unwrap_or_default() {
            assert_eq!(t.get(&k), want.as_str(), "{name} {k}");
        }
        let key = f["account_key"].as_str().unwrap_or("");
        assert_eq!(
            signature::verify(&t, None, key),
            Ok(true),
            "{name} must verify"
        );
        let other = "pvPS3/oIUjYMiA4khArd8HbHkYONqJweZVwEd+H2h5Cd8dHF6nPaDgpCdwwPUS9OQmBr/0v0PDdpZzojmd6W/w==";
        assert_eq!(
            signature::verify(&t, None, other),
            Ok(false),
            "{name} wrong key"
        );
        versions.insert(f["version"].as_str().unwrap_or("").to_string());
    }
    assert_eq!(versions.len(), 3, "{versions:?}");
}

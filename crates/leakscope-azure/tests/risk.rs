//! DESIGN.md §4's rubric, row by row, with its boundaries; reasons in the documented order.

use leakscope_azure::analysis::analyze;
use leakscope_azure::{parse_sas, Risk, SasError, SignatureStatus};

const SIG: &str = "T2b8mYHYbsXnSI4MbC9UWRGRRjyRyt5XX7SMsbD4u4k%3D";
const NOW: &str = "2026-11-22T00:00:00Z";

fn now() -> jiff::Timestamp {
    NOW.parse().unwrap_or_else(|e| panic!("{e}"))
}

fn risk(q: &str) -> Risk {
    let t = parse_sas(&format!("{q}&sig={SIG}")).unwrap_or_else(|e| panic!("{q}: {e}"));
    analyze(&t, now(), SignatureStatus::Unknown).risk
}

#[test]
fn incident_token_is_critical_with_the_documented_reasons() {
    let t = parse_sas(&format!(
        "https://acct.blob.core.windows.net/?sv=2019-12-12&ss=bfqt&srt=sco&sp=racwdl&se=2051-10-06&sig={SIG}"
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    let a = analyze(&t, now(), SignatureStatus::Unknown);
    assert_eq!(a.risk, Risk::Critical);
    assert_eq!(
        a.reasons[0],
        "account-wide: blob, file, queue and table services"
    );
    assert!(a.reasons[1].starts_with("can delete and overwrite data"));
    assert_eq!(a.reasons[2], "valid for 9,084 more days");
    assert_eq!(a.reasons[3], "allows plain HTTP");
    assert_eq!(a.reasons[4], "no IP restriction");
    assert_eq!(
        a.reasons[5],
        "no stored access policy: only rotating the account key revokes it"
    );
    assert_eq!(a.reasons.len(), 6);
    assert_eq!(a.account.as_deref(), Some("acct"));
}

#[test]
fn rubric_rows() {
    // 1 expired
    assert_eq!(
        risk("sv=2022-11-02&sr=c&sp=rwd&se=2026-11-21"),
        Risk::Expired
    );
    // 2 W, container-wide, > 30 days
    assert_eq!(
        risk("sv=2022-11-02&sr=c&sp=w&se=2027-11-21"),
        Risk::Critical
    );
    // 2 boundary: exactly 30 days is not > 30 -> row 3 (W, L > 1)
    assert_eq!(
        risk("sv=2022-11-02&sr=c&sp=w&st=2026-11-22T00:00:00Z&se=2026-12-22T00:00:00Z"),
        Risk::High
    );
    // 3 W narrow long
    assert_eq!(risk("sv=2022-11-02&sr=b&sp=rw&se=2030-01-01"), Risk::High);
    // W with L exactly 1 day: not > 1 -> falls to 7 (medium)
    assert_eq!(
        risk("sv=2022-11-02&sr=b&sp=w&st=2026-11-22T00:00:00Z&se=2026-11-23T00:00:00Z"),
        Risk::Medium
    );
    // 4 account SAS read > 30 days
    assert_eq!(
        risk("sv=2022-11-02&ss=b&srt=o&sp=rl&spr=https&se=2027-06-01"),
        Risk::High
    );
    // 5 no W, long
    assert_eq!(
        risk("sv=2022-11-02&sr=b&sp=r&spr=https&se=2026-12-15"),
        Risk::Medium
    );
    // 5 no W, short, but HTTP allowed
    assert_eq!(
        risk("sv=2022-11-02&sr=b&sp=r&se=2026-11-22T12:00:00Z"),
        Risk::Medium
    );
    // 6 no W, <= 1 day, narrow, HTTPS only
    assert_eq!(
        risk("sv=2022-11-02&sr=b&sp=r&spr=https&se=2026-11-22T12:00:00Z"),
        Risk::Low
    );
    // 7 no W, short, HTTPS only, but container-wide
    assert_eq!(
        risk("sv=2022-11-02&sr=c&sp=rl&spr=https&se=2026-11-22T12:00:00Z"),
        Risk::Medium
    );
    // stored policy without sp: unknown permissions = worst case; no se = unbounded
    assert_eq!(risk("sv=2022-11-02&sr=c&si=policy1"), Risk::Critical);
    // queue SAS is container-wide; process deletes messages
    assert_eq!(risk("sv=2022-11-02&sp=p&se=2027-06-01"), Risk::Critical);
    // table with both spk and epk is narrow
    assert_eq!(
        risk("sv=2019-02-02&tn=t&sp=r&spk=a&epk=b&spr=https&se=2026-11-22T06:00:00Z"),
        Risk::Low
    );
    assert_eq!(
        risk("sv=2019-02-02&tn=t&sp=r&spk=a&spr=https&se=2026-11-22T06:00:00Z"),
        Risk::Medium
    );
}

#[test]
fn user_delegation_expiry_is_capped_by_key_expiry() {
    let q = format!("sv=2022-11-02&sr=c&sp=rwl&se=2027-12-01&skoid=o&sktid=t&skt=2026-11-20&ske=2026-11-21&sks=b&skv=2022-11-02&sig={SIG}");
    let t = parse_sas(&q).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        analyze(&t, now(), SignatureStatus::Unknown).risk,
        Risk::Expired
    );
}

#[test]
fn not_yet_valid_tokens_are_rated_as_valid_with_a_reason() {
    let q = format!("sv=2022-11-02&sr=c&sp=rw&st=2026-12-01&se=2027-12-01&sig={SIG}");
    let t = parse_sas(&q).unwrap_or_else(|e| panic!("{e}"));
    let a = analyze(&t, now(), SignatureStatus::Invalid);
    assert_eq!(a.risk, Risk::Critical);
    assert!(a
        .reasons
        .iter()
        .any(|r| r.starts_with("not valid until 2026-12-01T00:00:00Z")));
    assert!(a
        .reasons
        .last()
        .is_some_and(|r| r.starts_with("signature does not match")));
}

#[test]
fn lookalikes_are_not_credentials() {
    assert_eq!(
        parse_sas("sv=2019-12-12&sp=r&se=2030-01-01").err(),
        Some(SasError::MissingSignature)
    );
    assert!(matches!(
        parse_sas("sv=2019-12-12&sp=r&sig=<signature>"),
        Err(SasError::PlaceholderSignature(_))
    ));
    assert!(matches!(
        parse_sas("sv=2019-12-12&sp=r&sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3D"),
        Err(SasError::PlaceholderSignature(_))
    ));
    assert!(matches!(
        parse_sas("sv=2019-12-12&sp=r&sig=c2hvcnQ%3D"),
        Err(SasError::BadSignature(_))
    ));
    assert!(matches!(
        parse_sas(&format!("sv=2019-12-12&sp=r&se=2030-02-30&sig={SIG}")),
        Err(SasError::BadDate { param: "se", .. })
    ));
    assert!(matches!(
        parse_sas(&format!(
            "sv=2019-12-12&sr=b&sp=r&st=2030-01-02&se=2030-01-01&sig={SIG}"
        )),
        Err(SasError::StartAfterExpiry { .. })
    ));
    assert!(matches!(
        parse_sas(&format!("sv=latest&sr=b&sp=r&sig={SIG}")),
        Err(SasError::BadVersion(_))
    ));
    assert!(matches!(
        parse_sas(&format!("sv=2019-12-12&sr=b&sp=rq&sig={SIG}")),
        Err(SasError::UnknownPermission { letter: 'q', .. })
    ));
}

#[test]
fn accepts_html_escaped_encoded_any_order() {
    let a = parse_sas(&format!(
        "sig={SIG}&amp;se=2030-01-01T00%3A00%3A00Z&amp;sp=rl&amp;sr=c&amp;sv=2020-02-10"
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(a.get("sp"), Some("rl"));
    assert!(a.expiry.is_some());
    let b = parse_sas(&format!(
        "?sv=2020-02-10&sr=c&sp=rl&se=2030-01-01T00:00:00Z&sig={}",
        SIG.replace("%3D", "=")
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(a.signature, b.signature);
    let c = parse_sas(&format!("https://x.blob.core.windows.net/c?sv=2020-02-10&sr=c&sp=rl&se=2030-01-01&foo=bar&sig={SIG}"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.unknown_params().len(), 1);
}

//! Parsers never panic on arbitrary input.

use leakscope_logs::{AuditOptions, Auditor};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn classic_lines_never_panic(s in "\\PC{0,300}") {
        let _ = leakscope_logs::classic::parse_line(&s);
        let _ = leakscope_logs::classic::parse_line(&format!("1.0;{s}"));
        let _ = leakscope_logs::classic::parse_line(&format!("2.0;{}", s.replace(',', ";")));
    }

    #[test]
    fn json_lines_never_panic(s in "\\PC{0,300}") {
        leakscope_logs::monitor_json::parse_line(s.as_bytes(), &mut |_| {});
        leakscope_logs::monitor_json::parse_line(format!("{{\"time\":\"{s}\",\"operationName\":\"x\",\"uri\":\"{s}\"}}").as_bytes(), &mut |_| {});
    }

    #[test]
    fn any_bytes_through_the_reader(data in proptest::collection::vec(any::<u8>(), 0..2000), prefix in 0usize..5) {
        let heads: [&[u8]; 5] = [b"", b"1.0;", b"[", b"{", b"TimeGenerated,OperationName\n"];
        let mut input = heads[prefix].to_vec();
        input.extend_from_slice(&data);
        let mut a = Auditor::new(AuditOptions::default(), None);
        let _ = leakscope_logs::read::audit_reader("p", &input[..], &mut a);
        let r = a.finish();
        prop_assert!(r.requests + r.bad_lines <= input.len() as u64 + 1);
    }
}

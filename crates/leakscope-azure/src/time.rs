//! SAS times: ISO 8601 in UTC, with or without seconds or fractions, or a bare date.

use jiff::Timestamp;

/// Parses the forms Azure accepts (`2051-10-06`, `2051-10-06T07:09Z`, `…:59Z`, `….1234567Z`).
pub fn parse_sas_time(v: &str) -> Option<Timestamp> {
    let v = v.trim();
    if v.len() > 40 {
        return None;
    }
    if let Ok(t) = v.parse::<Timestamp>() {
        return Some(t);
    }
    if v.len() == 10 {
        return format!("{v}T00:00:00Z").parse().ok();
    }
    // `hh:mmZ` without seconds.
    if let Some(body) = v.strip_suffix('Z') {
        if body.len() == 16 {
            return format!("{body}:00Z").parse().ok();
        }
    }
    None
}

/// RFC 3339 UTC with whole seconds, the report format.
pub fn rfc3339(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Days between two instants, as a fraction.
pub fn days_between(from: Timestamp, to: Timestamp) -> f64 {
    (to.as_second() - from.as_second()) as f64 / 86_400.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        for s in [
            "2051-10-06",
            "2051-10-06T07:09Z",
            "2051-10-06T07:09:59Z",
            "2051-10-06T07:09:59.1234567Z",
        ] {
            assert!(parse_sas_time(s).is_some(), "{s}");
        }
        assert!(parse_sas_time("2051-13-06").is_none());
        assert!(parse_sas_time("2051-02-30T00:00:00Z").is_none());
    }
}

//! `--format html`: the audit as one self-contained page (inline CSS, no scripts, no
//! external resources) that can be mailed or attached to an incident ticket. Every value
//! from the logs is escaped: user agents and URLs are attacker-controlled.

use std::fmt::Write as _;
use std::io::{self, Write};

use crate::report::Report;

/// How many IPs / user agents are listed per credential before "+N more".
const LIST_CAP: usize = 10;

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

fn list(items: &[String], overflow: u64) -> String {
    let mut s: Vec<String> = items.iter().take(LIST_CAP).map(|i| esc(i)).collect();
    let hidden = items.len().saturating_sub(LIST_CAP) as u64 + overflow;
    if hidden > 0 {
        s.push(format!("+{hidden} more"));
    }
    s.join("<br>")
}

const STYLE: &str = "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}\
table{border-collapse:collapse;margin:1em 0;width:100%}\
th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}\
th{background:#f3f3f3}.flag{color:#a00;font-weight:600}.used{color:#a00;font-weight:700}\
code{font-size:12px;word-break:break-all}";

impl Report {
    pub fn write_html(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut h = String::new();
        let b = &self.by_auth;
        let _ = write!(
            h,
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>leakscope log audit</title>\
             <style>{STYLE}</style></head><body><h1>Azure Storage log audit</h1>\
             <p>{} requests in {} files, {} bad lines.</p>\
             <table><tr><th>SAS</th><th>account key</th><th>OAuth</th><th>anonymous</th><th>other</th></tr>\
             <tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr></table>",
            self.requests,
            self.files.len(),
            self.bad_lines,
            b.sas,
            b.account_key,
            b.oauth,
            b.anonymous,
            b.other
        );
        if !self.leaks.is_empty() {
            h.push_str("<h2>Leaked credentials</h2><table><tr><th>where</th><th>kind</th><th>secret</th><th>used</th><th>requests</th><th>first use</th><th>last use</th><th>after leak</th></tr>");
            for l in &self.leaks {
                let used = match l.used {
                    Some(true) => "<span class=\"used\">USED</span>",
                    Some(false) => "not used",
                    None => "unknown",
                };
                let _ = write!(
                    h,
                    "<tr><td>{}:{}</td><td>{}</td><td><code>{}</code></td><td>{used}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(&l.path),
                    l.line,
                    esc(&l.kind),
                    esc(&l.secret_redacted),
                    l.requests,
                    esc(l.first_use.as_deref().unwrap_or("")),
                    esc(l.last_use.as_deref().unwrap_or("")),
                    l.requests_after_leak
                );
            }
            h.push_str("</table>");
        }
        if !self.flags.is_empty() {
            h.push_str(
                "<h2>Flags</h2><table><tr><th>flag</th><th>detail</th><th>credential</th></tr>",
            );
            for f in &self.flags {
                let _ = write!(
                    h,
                    "<tr><td class=\"flag\">{}</td><td>{}</td><td><code>{}</code></td></tr>",
                    esc(&f.reason),
                    esc(&f.detail),
                    esc(&f.id)
                );
            }
            h.push_str("</table>");
        }
        h.push_str("<h2>Credentials</h2><table><tr><th>auth</th><th>id</th><th>requests</th><th>first / last use</th><th>reads / writes / deletes / lists</th><th>bytes</th><th>errors</th><th>IPs</th><th>user agents</th><th>flags</th></tr>");
        for c in &self.credentials {
            let _ = write!(
                h,
                "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}<br>{}</td><td>{} / {} / {} / {}</td><td>{}</td><td>{} ({:.1}%)</td><td>{}</td><td>{}</td><td class=\"flag\">{}</td></tr>",
                esc(c.auth.as_str()),
                esc(&c.id),
                c.requests,
                esc(c.first_use.as_deref().unwrap_or("")),
                esc(c.last_use.as_deref().unwrap_or("")),
                c.reads,
                c.writes,
                c.deletes,
                c.lists,
                c.bytes,
                c.errors,
                c.error_rate * 100.0,
                list(&c.ips, c.ips_overflow),
                list(&c.user_agents, c.user_agents_overflow),
                esc(&c.flags.join(", "))
            );
        }
        h.push_str("</table>");
        if !self.bad_line_examples.is_empty() {
            let _ = write!(
                h,
                "<h2>Bad lines</h2><p>{} in all; the first ones:</p><table><tr><th>file</th><th>line</th><th>why</th></tr>",
                self.bad_lines
            );
            for bl in &self.bad_line_examples {
                let _ = write!(
                    h,
                    "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(&bl.file),
                    bl.line,
                    esc(&bl.reason)
                );
            }
            h.push_str("</table>");
        }
        for e in &self.errors {
            let _ = write!(h, "<p class=\"flag\">error: {}</p>", esc(e));
        }
        h.push_str("</body></html>\n");
        out.write_all(h.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_attacker_text() {
        assert_eq!(
            esc("<script>alert('x')</script>&"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;"
        );
        let items: Vec<String> = (0..12).map(|i| format!("10.0.0.{i}")).collect();
        let l = list(&items, 3);
        assert!(l.ends_with("+5 more"), "{l}");
    }
}

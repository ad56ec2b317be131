//! `docs/rules-list.md` is generated from the built-in rules and must stay current:
//! regenerate it with `UPDATE_RULES_LIST=1 cargo test -p leakscope-rules --test rules_list_doc`.

use leakscope_rules::RuleSet;
use std::fmt::Write;
use std::path::Path;

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn render(set: &RuleSet) -> String {
    let mut out = String::from(
        "# Built-in rules\n\n\
         Generated from `crates/leakscope-rules/rules/*.toml` by \
         `crates/leakscope-rules/tests/rules_list_doc.rs`; do not edit by hand. \
         The rule format is described in [rules.md](rules.md).\n\n",
    );
    let _ = writeln!(out, "{} rules.\n", set.rules.len());
    out.push_str("| id | name | kind | severity | confidence | validator | keywords |\n");
    out.push_str("|---|---|---|---|---|---|---|\n");
    for r in &set.rules {
        let s = &r.spec;
        let keywords: Vec<String> = s
            .keywords
            .iter()
            .map(|k| format!("`{}`", cell(k)))
            .collect();
        let _ = writeln!(
            out,
            "| `{}` | {} | `{}` | {} | {} | {} | {} |",
            s.id,
            cell(&s.name),
            s.kind,
            s.severity.as_str(),
            s.confidence.as_str(),
            s.validator
                .as_deref()
                .map(|v| format!("`{v}`"))
                .unwrap_or_default(),
            keywords.join(" "),
        );
    }
    out
}

#[test]
fn rules_list_doc_is_current() {
    let set = RuleSet::builtin().expect("built-in rules");
    let want = render(&set);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules-list.md");
    if std::env::var_os("UPDATE_RULES_LIST").is_some() {
        std::fs::write(&path, &want).expect("write docs/rules-list.md");
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/rules-list.md is stale: run UPDATE_RULES_LIST=1 cargo test -p leakscope-rules --test rules_list_doc"
    );
}

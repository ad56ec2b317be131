//! A Gitleaks config given with `--rules` works like in Gitleaks: custom rules (secret
//! groups, entropy, path-restricted rules, keywords derived when absent) and allowlists
//! (global paths and stopwords, per-rule regexes on the secret or the line).

use assert_cmd::Command;
use std::path::Path;

fn config() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/gitleaks-team.toml")
}

#[test]
fn gitleaks_config_reports_what_gitleaks_would() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let w = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    let token = "acme_q2x7lw9rt4kzp1vb8nc3md6hs0jf5ga2";
    w(
        "app/config.env",
        &format!("ACME={token}\nDB_PASSWORD = \"Zq8!rT2#pLm9\"\n"),
    );
    w("app/settings.py", "DB_PASSWORD = \"Zq8!rT2#pLm9xx\"\n");
    w("app/zero.env", &format!("ACME=acme_{}\n", "0".repeat(32)));
    w("vendor/lib/x.env", &format!("ACME={token}\n"));
    w(
        "docs/usage.md",
        "export ACME=acme_example0000000000000000000000001\n",
    );
    w(
        "app/session.txt",
        "s1 = CORPSESS-ABCDEFGHIJ0123456789\ns2 = CORPSESS-ZYXWVUTSRQ9876543210  # test-only\n",
    );
    let out = Command::cargo_bin("leakscope")
        .unwrap()
        .args([
            "scan",
            "--no-builtin-rules",
            "--no-models",
            "--format",
            "jsonl",
            "--show-secrets",
            "--rules",
        ])
        .arg(config())
        .arg(root)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let mut got: Vec<(String, String, String)> = String::from_utf8_lossy(&out)
        .lines()
        .map(|l| {
            let f: serde_json::Value = serde_json::from_str(l).unwrap();
            let path = f["path"].as_str().unwrap();
            let rel = Path::new(path)
                .strip_prefix(root)
                .unwrap()
                .display()
                .to_string();
            (
                f["rule_id"].as_str().unwrap().to_string(),
                rel,
                f["secret"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    got.sort();
    let want = [
        ("acme-api-token", "app/config.env", token),
        (
            "corp-session",
            "app/session.txt",
            "CORPSESS-ABCDEFGHIJ0123456789",
        ),
        ("internal-db-password", "app/config.env", "Zq8!rT2#pLm9"),
    ];
    let want: Vec<(String, String, String)> = want
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(got, want);

    // `rules check` accepts the file; the kinds are derived from the ids.
    Command::cargo_bin("leakscope")
        .unwrap()
        .args(["rules", "check"])
        .arg(config())
        .assert()
        .success()
        .stdout(predicates::str::contains("3 rules OK"));
}

#[test]
fn unsupported_gitleaks_features_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "[[rules]]\nid = 'pem-files'\npath = '''\\.pem$'''\n",
            "path-only rules",
        ),
        (
            "[[rules]]\nid = 'hex-key'\nregex = '''[a-f0-9]{40}'''\n",
            "add `keywords",
        ),
        (
            "[[rules]]\nid = 'x'\nregex = '''x(y)'''\nsecretGroup = 3\nkeywords = ['xy']\n",
            "secretGroup 3",
        ),
        (
            "[allowlist]\nregexTarget = 'path'\nregexes = ['a']\n",
            "regexTarget `path`",
        ),
    ];
    for (i, (toml, message)) in cases.iter().enumerate() {
        let f = dir.path().join(format!("c{i}.toml"));
        std::fs::write(&f, toml).unwrap();
        Command::cargo_bin("leakscope")
            .unwrap()
            .args(["scan", "--rules"])
            .arg(&f)
            .arg(dir.path())
            .assert()
            .code(2)
            .stderr(predicates::str::contains(*message));
    }
}

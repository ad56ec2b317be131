//! `leakscope scan` end to end: real files in temp dirs, the real binary.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;

const INCIDENT_SAS: &str = "sv=2020-08-04&ss=bfqt&srt=sco&sp=rwdlacupitfx&se=2051-10-06T07:09:59Z&st=2021-10-05T23:09:59Z&spr=https,http&sig=T2b8mYHYbsXnSI4MbC9UWRGRRjyRyt5XX7SMsbD4u4k%3D";

fn leakscope() -> Command {
    let mut c = Command::cargo_bin("leakscope").expect("binary");
    c.env_remove("NO_COLOR");
    c
}

fn incident_tree(root: &Path) {
    std::fs::create_dir_all(root.join("docs")).unwrap();
    std::fs::write(
        root.join("docs/README.md"),
        format!(
            "# Robust ImageNet models\n\nDownload them from\nhttps://robustnessws4285631339.blob.core.windows.net/public-models/robust_imagenet/resnet50.ckpt?{INCIDENT_SAS}\n"
        ),
    )
    .unwrap();
    std::fs::write(root.join("train.py"), "import torch\nprint('hello')\n").unwrap();
}

/// `leakscope scan --format jsonl ARGS...`: asserts the exit code, returns the findings.
fn scan_jsonl<S: AsRef<std::ffi::OsStr>>(args: &[S], code: i32) -> Vec<serde_json::Value> {
    let out = leakscope()
        .args(["scan", "--format", "jsonl"])
        .args(args)
        .assert()
        .code(code)
        .get_output()
        .stdout
        .clone();
    jsonl(&out)
}

fn jsonl(out: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

#[test]
fn finds_the_incident_sas_in_a_readme() {
    let dir = tempfile::tempdir().unwrap();
    incident_tree(dir.path());
    let out = leakscope()
        .current_dir(dir.path())
        .args([
            "scan",
            "--format",
            "jsonl",
            "--now",
            "2023-06-01T00:00:00Z",
            ".",
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let findings = jsonl(&out);
    let sas: Vec<_> = findings
        .iter()
        .filter(|f| f["kind"] == "azure_sas")
        .collect();
    assert_eq!(sas.len(), 1, "{findings:#?}");
    let f = sas[0];
    assert_eq!(f["path"], "./docs/README.md");
    assert_eq!(f["line"], 4);
    assert!(
        f.get("secret").is_none(),
        "secret must be redacted by default"
    );
    let red = f["secret_redacted"].as_str().unwrap();
    assert!(
        red.contains("sig=REDACTED") && !red.contains("T2b8mYHY"),
        "{red}"
    );
    assert_eq!(f["fingerprint"].as_str().unwrap().len(), 64);
    assert!(f["decoders"].as_array().unwrap().is_empty());
    let a = &f["analysis"];
    assert_eq!(a["kind"], "account", "{a:#}");
    assert_eq!(a["risk"], "critical", "{a:#}");
    assert_eq!(f["severity"], "critical");
    assert_eq!(a["expiry"], "2051-10-06T07:09:59Z");
    let perms: Vec<&str> = a["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str())
        .collect();
    assert!(
        perms.contains(&"write") && perms.contains(&"delete"),
        "{perms:?}"
    );
}

#[test]
fn show_secrets_prints_the_full_secret() {
    let dir = tempfile::tempdir().unwrap();
    incident_tree(dir.path());
    let out = leakscope()
        .args(["scan", "--format", "jsonl", "--show-secrets"])
        .arg(dir.path())
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let f = &jsonl(&out)[0];
    assert_eq!(f["secret"], INCIDENT_SAS);
}

#[test]
fn exit_codes_follow_fail_on_and_min_severity() {
    let dir = tempfile::tempdir().unwrap();
    incident_tree(dir.path());
    // Nothing at all: exit 0.
    let clean = tempfile::tempdir().unwrap();
    std::fs::write(clean.path().join("a.txt"), "nothing here").unwrap();
    leakscope()
        .args(["scan", "-q"])
        .arg(clean.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("No findings."));
    // A finding below --fail-on: reported, exit 0; at or above it: exit 1.
    let rules = dir.path().join("low.toml");
    std::fs::write(
        &rules,
        r#"[[rules]]
id = "t.low"
name = "Low"
kind = "t"
pattern = '(?P<secret>lowtok_[a-z0-9]{12})'
keywords = ["lowtok_"]
severity = "low"
examples = ["lowtok_a1b2c3d4e5f6"]
"#,
    )
    .unwrap();
    let target = dir.path().join("t.txt");
    std::fs::write(&target, "lowtok_a1b2c3d4e5f6\n").unwrap();
    let base = ["scan", "-q", "--no-builtin-rules", "--format", "jsonl"];
    let out = leakscope()
        .args(base)
        .args(["--fail-on", "medium", "--rules"])
        .arg(&rules)
        .arg(&target)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    assert_eq!(jsonl(&out).len(), 1);
    leakscope()
        .args(base)
        .args(["--fail-on", "low", "--rules"])
        .arg(&rules)
        .arg(&target)
        .assert()
        .code(1);
    // Below --min-severity: not reported at all.
    leakscope()
        .args(base)
        .args(["--min-severity", "medium", "--rules"])
        .arg(&rules)
        .arg(&target)
        .assert()
        .code(0)
        .stdout(predicate::str::is_empty());
    // Usage errors: exit 2.
    leakscope()
        .args(["scan", "--fail-on", "severe", "."])
        .assert()
        .code(2);
    leakscope()
        .args(["scan", "--now", "yesterday", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("RFC 3339"));
    leakscope()
        .args(["scan", "/definitely/not/here"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("does not exist"));
}

#[test]
fn garbage_never_crashes_and_skips_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // Random binary and invalid UTF-8.
    let mut junk = Vec::with_capacity(1 << 20);
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..(1 << 20) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        junk.push(x as u8);
    }
    std::fs::write(root.join("random.bin"), &junk).unwrap();
    std::fs::write(
        root.join("bad.txt"),
        b"\xff\xfe\x80 not utf-8 sig= %3D \\u00 &amp; \xc3",
    )
    .unwrap();
    // A 2 GiB sparse file, over the default size cap.
    std::fs::File::create(root.join("sparse.img"))
        .unwrap()
        .set_len(2 << 30)
        .unwrap();
    // Deep directories.
    let mut deep = root.to_path_buf();
    for i in 0..120 {
        deep.push(format!("d{i}"));
    }
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(
        deep.join("deep.env"),
        format!("SAS_URL=https://a.blob.core.windows.net/c?{INCIDENT_SAS}\n"),
    )
    .unwrap();
    // A symlink loop.
    std::os::unix::fs::symlink(root, root.join("loop")).unwrap();
    let assert = leakscope()
        .args([
            "scan",
            "--follow-symlinks",
            "--verbose",
            "--format",
            "jsonl",
        ])
        .arg(root)
        .assert()
        .code(1);
    let out = assert.get_output();
    let findings = jsonl(&out.stdout);
    assert!(findings
        .iter()
        .any(|f| f["path"].as_str().unwrap().ends_with("d119/deep.env")));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("sparse.img") && stderr.contains("over the"),
        "{stderr}"
    );
    assert!(stderr.contains("symbolic link loop"), "{stderr}");
    // Human summary groups the skips.
    leakscope()
        .args(["scan", "--follow-symlinks"])
        .arg(root)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("Skipped:").and(predicate::str::contains("too large")));
}

#[test]
fn exclude_globs_drop_paths() {
    let dir = tempfile::tempdir().unwrap();
    incident_tree(dir.path());
    leakscope()
        .args(["scan", "-q", "--exclude", "*.md"])
        .arg(dir.path())
        .assert()
        .code(0);
}

#[test]
fn sarif_output_is_well_formed() {
    let dir = tempfile::tempdir().unwrap();
    incident_tree(dir.path());
    let out = leakscope()
        .current_dir(dir.path())
        .args([
            "scan",
            "--format",
            "sarif",
            "--now",
            "2023-06-01T00:00:00Z",
            ".",
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    let r = &results[0];
    assert_eq!(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "docs/README.md"
    );
    let idx = r["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(run["tool"]["driver"]["rules"][idx]["id"], r["ruleId"]);
    assert!(!String::from_utf8_lossy(&out).contains("T2b8mYHY"));
}

#[test]
fn output_file_and_custom_rules() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("app.cfg"),
        "internal = acme_live_Q8v2LmN4pR7sT1vX3yB5dF9h\n",
    )
    .unwrap();
    let rules = dir.path().join("acme.toml");
    std::fs::write(
        &rules,
        r#"[[rules]]
id = "acme.live_key"
name = "ACME live key"
kind = "acme_key"
pattern = '''\b(?P<secret>acme_live_[A-Za-z0-9]{24})\b'''
keywords = ["acme_live_"]
severity = "critical"
description = "ACME's live API key."
examples = ["k = acme_live_Q8v2LmN4pR7sT1vX3yB5dF9h"]
negative_examples = ["k = acme_test_Q8v2LmN4pR7sT1vX3yB5dF9h"]
"#,
    )
    .unwrap();
    let report = dir.path().join("out.json");
    leakscope()
        .args([
            "scan",
            "-q",
            "--format",
            "json",
            "--no-builtin-rules",
            "--rules",
        ])
        .arg(&rules)
        .arg("-o")
        .arg(&report)
        .arg(dir.path().join("app.cfg"))
        .assert()
        .code(1);
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(v[0]["rule_id"], "acme.live_key");
    assert_eq!(v[0]["severity"], "critical");
    assert_eq!(v[0]["column"], 12);
    leakscope()
        .args(["rules", "check"])
        .arg(&rules)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("1 rules OK"));
}

#[test]
fn rules_check_reports_failing_examples_and_bad_files() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        r#"[[rules]]
id = "x.y"
name = "X"
kind = "x"
pattern = '''(?P<secret>xy_[0-9]{4})'''
keywords = ["xy_"]
severity = "low"
examples = ["xy_12"]
negative_examples = ["xy_1234"]
"#,
    )
    .unwrap();
    leakscope()
        .args(["rules", "check"])
        .arg(&bad)
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("positive example found nothing")
                .and(predicate::str::contains("negative example matched")),
        );
    let broken = dir.path().join("broken.toml");
    std::fs::write(&broken, "[[rules]]\nid = 3\n").unwrap();
    leakscope()
        .args(["rules", "check"])
        .arg(&broken)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a valid rule file"));
    leakscope()
        .args(["rules", "list"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("azure.storage.sas"));
}

fn models_fixture(rel: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../leakscope-models/tests/fixtures")
        .join(rel)
}

#[test]
fn connection_string_with_sas_is_reported_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("appsettings.json"),
        format!(
            "{{\n  \"Storage\": \"BlobEndpoint=https://contosodata7.blob.core.windows.net/;SharedAccessSignature={INCIDENT_SAS}\"\n}}\n"
        ),
    )
    .unwrap();
    let now = "--now=2023-06-01T00:00:00Z";
    let findings = scan_jsonl(&[now.as_ref(), dir.path().as_os_str()], 1);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["line"], 2);
}

#[test]
fn malicious_models_are_findings_even_above_the_size_cap() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        models_fixture("malicious/os_system_p1.pkl"),
        dir.path().join("model.ckpt"),
    )
    .unwrap();
    std::fs::copy(
        models_fixture("benign/checkpoint_dict.pt"),
        dir.path().join("weights.pt"),
    )
    .unwrap();
    let scan = |extra: &[&str]| {
        let out = leakscope()
            .args(["scan", "--format", "jsonl"])
            .args(extra)
            .arg(dir.path())
            .output()
            .unwrap();
        (out.status.code(), jsonl(&out.stdout))
    };

    let (code, findings) = scan(&[]);
    assert_eq!(code, Some(1));
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let f = &findings[0];
    assert_eq!(f["kind"], "model_code_execution");
    assert_eq!(f["rule_id"], "model.code_execution");
    assert_eq!(f["severity"], "critical");
    assert!(f["path"].as_str().unwrap().ends_with("model.ckpt"));
    assert_eq!(f["analysis"]["verdict"], "malicious");
    assert_eq!(f["analysis"]["format"], "pickle");
    let globals = f["analysis"]["globals"].to_string();
    assert!(globals.contains("system"), "{globals}");

    // Too large to scan for secrets, still analysed as a model (and reported as skipped).
    let (code, findings) = scan(&["--max-file-size", "16"]);
    assert_eq!(code, Some(1));
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["kind"], "model_code_execution");

    let (code, findings) = scan(&["--no-models"]);
    assert_eq!(code, Some(0));
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn model_policy_flag_errors_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        models_fixture("malicious/os_system_p1.pkl"),
        dir.path().join("model.pkl"),
    )
    .unwrap();
    let policy = dir.path().join("policy.toml");
    std::fs::write(&policy, "[deny]\nglobals = [\"collections.OrderedDict\"]\n").unwrap();
    leakscope()
        .args(["scan", "--policy"])
        .arg(&policy)
        .arg("--no-models")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--no-models"));
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[deny\n").unwrap();
    leakscope()
        .args(["scan", "--policy"])
        .arg(&bad)
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("model policy file"));
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    use std::io::BufRead;
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("leakscope"))
        // JSON: far more than a pipe buffer, so the writer really meets the closed pipe.
        .args(["rules", "list", "--format", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    {
        let stdout = child.stdout.take().unwrap();
        std::io::BufReader::new(stdout)
            .read_line(&mut first)
            .unwrap();
        // stdout is dropped here, like `| head -1` exiting.
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!first.trim().is_empty());
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}

/// An account SAS made by the Azure SDK (`azure-storage-blob`) with this account key; from
/// `crates/leakscope-azure/tests/fixtures/sdk_sas.json` (generator script beside it).
const SDK_KEY: &str =
    "BXJeAFokO63wJD84f9hp2NaqDEduEAsRDIN7EzK/cNnqAlkU50J3KNH8iWyqx4t8vNwpcqOuCDx0yDRuYkUxmg==";
const SDK_SAS_URL: &str = "https://leakscopefixture.blob.core.windows.net/?st=2026-11-01T08%3A30%3A00Z&se=2026-12-31T23%3A59%3A59Z&sp=rwdlacup&spr=https%2Chttp&sv=2026-10-06&ss=bfqt&srt=sco&sig=WmVjgFKtkjnmD0m26zRko4XM6snO7s8RuTJ16fuw78s%3D";

#[test]
fn sas_signature_checked_against_a_key_found_in_the_same_scan() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".env"),
        format!("STORAGE=DefaultEndpointsProtocol=https;AccountName=leakscopefixture;AccountKey={SDK_KEY};EndpointSuffix=core.windows.net\n"),
    )
    .unwrap();
    let tampered = SDK_SAS_URL.replace("sp=rwdlacup", "sp=rwdlacupx");
    std::fs::write(
        dir.path().join("notes.md"),
        format!("good: {SDK_SAS_URL}\nbad: {tampered}\n"),
    )
    .unwrap();
    let now = "--now=2026-11-30T00:00:00Z";
    let findings = scan_jsonl(&[now.as_ref(), dir.path().as_os_str()], 1);
    let key_fps: Vec<&str> = findings
        .iter()
        .filter(|f| f["kind"] != "azure_sas")
        .filter_map(|f| f["fingerprint"].as_str())
        .collect();
    let sas: Vec<_> = findings
        .iter()
        .filter(|f| f["kind"] == "azure_sas")
        .collect();
    assert_eq!(sas.len(), 2, "{findings:#?}");
    let (good, bad) = (sas[0], sas[1]);
    assert_eq!(good["line"], 1);
    assert_eq!(good["analysis"]["signature"], "valid", "{good:#}");
    let signer = good["analysis"]["signed_by_fingerprint"].as_str().unwrap();
    assert!(key_fps.contains(&signer), "{signer} not in {key_fps:?}");
    assert_eq!(bad["analysis"]["signature"], "invalid", "{bad:#}");

    // The same check with the key given on the command line instead.
    let lone = tempfile::tempdir().unwrap();
    std::fs::write(lone.path().join("notes.md"), format!("{SDK_SAS_URL}\n")).unwrap();
    let key = format!("--account-key=leakscopefixture={SDK_KEY}");
    let findings = scan_jsonl(&[now.as_ref(), key.as_ref(), lone.path().as_os_str()], 1);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["analysis"]["signature"], "valid");
    leakscope()
        .args(["scan", "--account-key", "no-equals-sign"])
        .arg(lone.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("NAME=KEY"));
}

#[test]
fn inline_allow_markers() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("settings.py"),
        "AWS_ACCESS_KEY_ID = 'AKIAQ3EGRTW5VNM2KP7Y'  # leakscope:allow (fixture)\n\
         OTHER_KEY_ID = 'AKIAZ7W2XJ4LQH3M5NUP'  # gitleaks:allow\n\
         THIRD_KEY_ID = 'AKIAR6T2YVKBN4CX7DMQ'\n",
    )
    .unwrap();
    let lines = |findings: &[serde_json::Value]| -> Vec<u64> {
        findings.iter().filter_map(|f| f["line"].as_u64()).collect()
    };
    let path = dir.path().as_os_str();
    assert_eq!(lines(&scan_jsonl(&[path], 1)), [2, 3]);
    let compat = std::ffi::OsStr::new("--compat-ignore");
    assert_eq!(lines(&scan_jsonl(&[compat, path], 1)), [3]);
}

#[test]
fn leakscope_toml_is_found_upwards_and_applied() {
    let dir = tempfile::tempdir().unwrap();
    let repo = &dir.path().join("checkout");
    let w = |rel: &str, text: &str| {
        let p = repo.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    let key = |id: &str| format!("AWS_ACCESS_KEY_ID = '{id}'\n");
    w("src/app/settings.py", &key("AKIAQ3EGRTW5VNM2KP7Y"));
    w("tests/fixtures/creds.py", &key("AKIAZ7W2XJ4LQH3M5NUP"));
    w("vendor/lib.py", &key("AKIAR6T2YVKBN4CX7DMQ"));
    w(
        "src/app/extra.txt",
        "ACME_TOKEN=acme_Q2x7Lw9rT4kZp1Vb8Nc3Md6Hs0Jf5Ga2\n",
    );
    w(
        "ci/acme.toml",
        "[[rules]]\nid = 'acme.token'\nname = 'ACME token'\nkind = 'acme_token'\n\
         pattern = '''\\b(?P<secret>acme_[A-Za-z0-9]{32})\\b'''\nkeywords = ['acme_']\n\
         severity = 'medium'\nconfidence = 'high'\n\
         examples = ['ACME_TOKEN=acme_Q2x7Lw9rT4kZp1Vb8Nc3Md6Hs0Jf5Ga2']\n\
         negative_examples = ['ACME_TOKEN=acme_short']\n",
    );
    w(
        "leakscope.toml",
        "[scan]\nexclude = ['vendor/']\nrules = ['ci/acme.toml']\nfail_on = 'critical'\n\n\
         [severity]\n'acme.token' = 'low'\n\n\
         [[allow]]\npath = 'tests/fixtures/**'\nreason = 'test fixtures'\n",
    );
    // Found from a subdirectory scan too: the config sits above the scanned path.
    let findings = scan_jsonl(&[repo.join("src").as_os_str()], 0);
    let mut got: Vec<(String, String)> = findings
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("acme.token".to_string(), "low".to_string()),
            ("aws.access_key_id".to_string(), "high".to_string())
        ]
    );
    // The whole repo: vendor/ excluded, the fixture allowed (and said so), exit 0 because
    // fail_on = critical; the command line wins over the file.
    let out = leakscope()
        .args(["scan", "--format", "jsonl"])
        .arg(repo)
        .assert()
        .code(0)
        .get_output()
        .clone();
    let mut paths: Vec<String> = jsonl(&out.stdout)
        .iter()
        .map(|f| {
            let p = f["path"].as_str().unwrap();
            p[p.find("checkout/").map_or(0, |i| i + 9)..].to_string()
        })
        .collect();
    paths.sort();
    // The rule file's own example is a finding too.
    assert_eq!(
        paths,
        ["ci/acme.toml", "src/app/extra.txt", "src/app/settings.py"]
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 finding allowed by"));
    leakscope()
        .args(["scan", "--fail-on", "high"])
        .arg(repo)
        .assert()
        .code(1);
    assert_eq!(
        scan_jsonl(&[std::ffi::OsStr::new("--no-config"), repo.as_os_str()], 1).len(),
        3
    );
    // A broken config is a usage error naming the file.
    w("leakscope.toml", "[scan]\nexclud = []\n");
    leakscope()
        .arg("scan")
        .arg(repo)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("leakscope.toml"));
}

#[test]
fn credential_pairs_are_linked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("deploy.sh"),
        "export AWS_ACCESS_KEY_ID=AKIAQ3EGRTW5VNM2KP7Y\n\
         export AWS_SECRET_ACCESS_KEY=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\n",
    )
    .unwrap();
    let findings = scan_jsonl(&[dir.path().as_os_str()], 1);
    let by_rule = |id: &str| findings.iter().find(|f| f["rule_id"] == id).unwrap();
    let (key_id, secret) = (
        by_rule("aws.access_key_id"),
        by_rule("aws.secret_access_key"),
    );
    assert_eq!(key_id["paired"][0]["rule_id"], "aws.secret_access_key");
    assert_eq!(key_id["paired"][0]["line"], 2);
    assert_eq!(key_id["paired"][0]["fingerprint"], secret["fingerprint"]);
    assert_eq!(secret["paired"][0]["rule_id"], "aws.access_key_id");
    leakscope()
        .arg("scan")
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "pairs with aws.secret_access_key on line 2",
        ));
}

#[test]
fn baseline_reports_only_new_findings() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    let secret = "uV3sB9Lq2xXkP0mRt7ZcYw5Hn1Jd8FgE4aSoQiTe";
    std::fs::write(
        repo.join("deploy.sh"),
        format!("export AWS_ACCESS_KEY_ID=AKIAQ3EGRTW5VNM2KP7Y\nexport AWS_SECRET_ACCESS_KEY={secret}\n"),
    )
    .unwrap();
    let baseline = dir.path().join("baseline.json");
    leakscope()
        .args(["baseline", "create", "-o"])
        .arg(&baseline)
        .arg(&repo)
        .assert()
        .code(0)
        .stderr(predicate::str::contains("baseline of 2 findings"));
    let text = std::fs::read_to_string(&baseline).unwrap();
    assert!(!text.contains(secret), "a baseline never holds secrets");
    let b: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(b["format"], "leakscope-baseline");
    assert_eq!(b["findings"].as_array().unwrap().len(), 2);

    // Nothing new: exit 0, no findings.
    let base = std::ffi::OsString::from(format!("--baseline={}", baseline.display()));
    assert!(scan_jsonl(&[base.as_os_str(), repo.as_os_str()], 0).is_empty());

    // A new secret (even in the same file) is reported, the known ones are not.
    std::fs::write(
        repo.join("more.env"),
        "AWS_ACCESS_KEY_ID=AKIAR6T2YVKBN4CX7DMQ\n",
    )
    .unwrap();
    let findings = scan_jsonl(&[base.as_os_str(), repo.as_os_str()], 1);
    assert!(
        findings
            .iter()
            .all(|f| f["path"].as_str().unwrap().ends_with("more.env")),
        "{findings:#?}"
    );

    // Missing -o and a foreign file are usage errors.
    leakscope()
        .args(["baseline", "create"])
        .arg(&repo)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("-o FILE"));
    leakscope()
        .arg("scan")
        .arg("--baseline")
        .arg(repo.join("deploy.sh"))
        .arg(&repo)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a leakscope baseline"));
}

#[test]
fn allow_marker_scoped_to_one_rule() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.py"),
        "KEY = 'AKIAQ3EGRTW5VNM2KP7Y'  # leakscope:allow:generic.secret\n\
         KEY2 = 'AKIAZ7W2XJ4LQH3M5NUP'  # leakscope:allow(aws.access_key_id)\n",
    )
    .unwrap();
    let findings = scan_jsonl(&[dir.path().as_os_str()], 1);
    let lines: Vec<u64> = findings.iter().filter_map(|f| f["line"].as_u64()).collect();
    assert_eq!(lines, [1]);
}

#[test]
fn datastore_keeps_one_row_per_secret_and_triage_across_scans() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::write(
        repo.join("a.env"),
        "AWS_ACCESS_KEY_ID=AKIAQ3EGRTW5VNM2KP7Y\nOTHER=AKIAQ3EGRTW5VNM2KP7Y\n",
    )
    .unwrap();
    let db = dir.path().join("store.db");
    let store = format!("--datastore={}", db.display());
    for _ in 0..2 {
        leakscope()
            .args(["scan", "--format", "jsonl", &store])
            .arg(&repo)
            .assert()
            .code(1)
            .stderr(predicate::str::contains("recorded in"));
    }
    let list = |extra: &[&str]| -> Vec<serde_json::Value> {
        let out = leakscope()
            .args(["findings", "list", "--format", "jsonl", "--datastore"])
            .arg(&db)
            .args(extra)
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone();
        jsonl(&out)
    };
    let rows = list(&[]);
    assert_eq!(
        rows.len(),
        1,
        "one secret, seen twice in the file: {rows:#?}"
    );
    let r = &rows[0];
    for k in [
        "id",
        "fingerprint",
        "kind",
        "severity",
        "status",
        "occurrences",
        "first_seen",
        "last_seen",
    ] {
        assert!(r.get(k).is_some(), "missing {k}");
    }
    assert_eq!(r["occurrences"], 2);
    assert_eq!(r["scans"], 2);
    assert_eq!(r["status"], "open");
    let id = r["id"].as_i64().unwrap().to_string();
    leakscope()
        .args([
            "findings",
            "set-status",
            &id,
            "false_positive",
            "--note",
            "docs sample",
            "--datastore",
        ])
        .arg(&db)
        .assert()
        .code(0);
    leakscope()
        .args(["scan", "-q", &store])
        .arg(&repo)
        .assert()
        .code(1);
    let r = &list(&[])[0];
    assert_eq!(r["status"], "false_positive", "status survives a rescan");
    assert_eq!(r["scans"], 3);
    let shown = leakscope()
        .args(["findings", "show", &id, "--datastore"])
        .arg(&db)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let shown: serde_json::Value = serde_json::from_slice(&shown).unwrap();
    assert_eq!(shown["occurrences"].as_array().unwrap().len(), 2);
    assert_eq!(shown["status_history"][0]["note"], "docs sample");
    let csv = leakscope()
        .args(["findings", "list", "--format", "csv", "--datastore"])
        .arg(&db)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let csv = String::from_utf8(csv).unwrap();
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().starts_with("id,fingerprint,rule_id"));
    assert!(lines.next().unwrap().contains(",false_positive,2,3,"));
    leakscope()
        .args(["findings", "set-status", &id, "gone", "--datastore"])
        .arg(&db)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown status"));
    leakscope()
        .args(["findings", "list", "--datastore"])
        .arg(dir.path().join("none.db"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no datastore"));
}

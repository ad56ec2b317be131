//! `scan --validate` end to end: the real binary against loopback providers.

use assert_cmd::Command;
use leakscope_testkit::mock::{MockServer, Reply};
use std::path::Path;

/// A classic GitHub token with a valid checksum (a rule example).
const GH: &str = "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";
const KEY_ID: &str = "AKIARMRZQQTPUTZADS73";
const SECRET: &str = "shaDS9ja8kowMHJHNibFpBbXLBWo6R3Fsn/GKX3A";

fn leakscope() -> Command {
    let mut c = Command::cargo_bin("leakscope").expect("binary");
    c.env_remove("NO_COLOR").arg("scan").arg("--no-config");
    c
}

fn github_ok() -> MockServer {
    MockServer::start(|r| {
        if r.method == "GET"
            && r.target == "/user"
            && r.header("authorization") == Some(&format!("Bearer {GH}"))
        {
            Reply::json(200, r#"{"login":"octocat","id":1,"type":"User"}"#)
                .header("X-OAuth-Scopes", "repo, gist")
        } else {
            Reply::json(401, r#"{"message":"Bad credentials"}"#)
        }
    })
}

fn plant(root: &Path, files: &[&str], text: &str) {
    for f in files {
        let p = root.join(f);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

/// Runs `scan ARGS` and returns (exit code, stdout, stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    let out = leakscope().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn jsonl(out: &str) -> Vec<serde_json::Value> {
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn a_live_github_token_is_reported_live() {
    let dir = tempfile::tempdir().unwrap();
    plant(dir.path(), &["tree/.env"], &format!("GITHUB_TOKEN={GH}\n"));
    let server = github_ok();
    let endpoint = format!("github={}", server.url());
    let tree = dir.path().join("tree");
    let (code, out, err) = run(&[
        "--validate",
        "--endpoint",
        &endpoint,
        "--format",
        "jsonl",
        tree.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{err}");
    let f = jsonl(&out);
    assert_eq!(f.len(), 1);
    let v = &f[0]["validation"];
    assert_eq!(v["status"], "live", "{v}");
    assert_eq!(v["provider"], "github");
    assert_eq!(v["identity"]["login"], "octocat");
    assert_eq!(v["scopes"], serde_json::json!(["repo", "gist"]));
    assert_eq!(
        v["probed"],
        serde_json::json!([format!("GET {}/user", server.url())])
    );
    assert!(
        f[0].get("secret").is_none(),
        "validation needs no --show-secrets"
    );
    assert!(
        err.contains("validated 1 secret: 1 live, 0 rejected, 0 unknown"),
        "{err}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn human_and_sarif_outputs_show_the_result() {
    let dir = tempfile::tempdir().unwrap();
    plant(dir.path(), &["t/.env"], &format!("GITHUB_TOKEN={GH}\n"));
    let server = github_ok();
    let endpoint = format!("github={}", server.url());
    let t = dir.path().join("t");
    let (_, out, _) = run(&[
        "--validate",
        "--endpoint",
        &endpoint,
        "--color",
        "never",
        t.to_str().unwrap(),
    ]);
    assert!(
        out.contains("LIVE (github: octocat, scopes repo, gist)"),
        "{out}"
    );
    let (_, out, _) = run(&[
        "--validate",
        "--endpoint",
        &endpoint,
        "--format",
        "sarif",
        t.to_str().unwrap(),
    ]);
    let sarif: serde_json::Value = serde_json::from_str(&out).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["properties"]["validation"]["status"], "live");
    assert!(result["message"]["text"]
        .as_str()
        .unwrap()
        .contains("LIVE (github: octocat"));
}

#[test]
fn nothing_is_sent_without_validate() {
    let dir = tempfile::tempdir().unwrap();
    plant(dir.path(), &["t/.env"], &format!("GITHUB_TOKEN={GH}\n"));
    let server = github_ok();
    let endpoint = format!("github={}", server.url());
    let t = dir.path().join("t");
    let (code, out, _) = run(&[
        "--endpoint",
        &endpoint,
        "--format",
        "jsonl",
        t.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(jsonl(&out)[0].get("validation").is_none());
    assert!(server.requests().is_empty());
}

#[test]
fn the_same_token_in_three_files_is_one_request() {
    let dir = tempfile::tempdir().unwrap();
    plant(
        dir.path(),
        &["t/a.env", "t/sub/b.yml", "t/c.txt"],
        &format!("token: {GH}\n"),
    );
    let server = github_ok();
    let endpoint = format!("github={}", server.url());
    let t = dir.path().join("t");
    let (_, out, err) = run(&[
        "--validate",
        "--endpoint",
        &endpoint,
        "--format",
        "jsonl",
        t.to_str().unwrap(),
    ]);
    let f = jsonl(&out);
    assert_eq!(f.len(), 3);
    assert!(f.iter().all(|x| x["validation"]["status"] == "live"));
    assert_eq!(server.requests().len(), 1);
    assert!(err.contains("validated 1 secret:"), "{err}");
}

#[test]
fn a_second_run_with_a_datastore_sends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    plant(dir.path(), &["t/.env"], &format!("GITHUB_TOKEN={GH}\n"));
    let server = github_ok();
    let endpoint = format!("github={}", server.url());
    let t = dir.path().join("t");
    let store = format!("--datastore={}", dir.path().join("s.db").display());
    let args = [
        "--validate",
        "--endpoint",
        &endpoint,
        &store,
        "--format",
        "jsonl",
        t.to_str().unwrap(),
    ];
    let (_, out, _) = run(&args);
    assert_eq!(jsonl(&out)[0]["validation"]["cached"], false);
    assert_eq!(server.requests().len(), 1);

    let (_, out, err) = run(&args);
    assert_eq!(server.requests().len(), 1, "answered from the datastore");
    let v = &jsonl(&out)[0]["validation"];
    assert_eq!(
        (v["status"].as_str(), v["cached"].as_bool()),
        (Some("live"), Some(true))
    );
    assert!(err.contains("(1 from the cache)"), "{err}");

    let mut fresh = args.to_vec();
    fresh.insert(0, "--validate-fresh");
    run(&fresh);
    assert_eq!(server.requests().len(), 2);
    // The stored result holds no secret.
    let db = std::fs::read(dir.path().join("s.db")).unwrap();
    assert!(!String::from_utf8_lossy(&db).contains(GH));
}

#[test]
fn an_echoed_token_appears_in_no_output_or_error() {
    let dir = tempfile::tempdir().unwrap();
    plant(dir.path(), &["t/.env"], &format!("GITHUB_TOKEN={GH}\n"));
    let echo = MockServer::start(|r| {
        let auth = r.header("authorization").unwrap_or_default().to_string();
        Reply::json(
            401,
            &format!(r#"{{"message":"{auth} is not valid ({GH})"}}"#),
        )
    });
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://127.0.0.1:{}", l.local_addr().unwrap().port())
    };
    let t = dir.path().join("t");
    for base in [echo.url(), dead] {
        let endpoint = format!("github={base}");
        for format in ["human", "json", "jsonl", "sarif"] {
            let (_, out, err) = run(&[
                "--validate",
                "--validate-timeout",
                "3",
                "--endpoint",
                &endpoint,
                "--format",
                format,
                "--color",
                "never",
                t.to_str().unwrap(),
            ]);
            assert!(!out.contains(GH), "{format} stdout: {out}");
            assert!(!err.contains(GH), "{format} stderr: {err}");
            assert!(
                out.contains("rejected") || out.contains("error"),
                "{format}: {out}"
            );
        }
    }
    assert!(!echo.requests().is_empty());
}

#[test]
fn an_unknown_provider_is_a_usage_error_listing_the_names() {
    let (code, _, err) = run(&["--validate", "--endpoint", "gihtub=http://127.0.0.1:1", "."]);
    assert_eq!(code, 2);
    assert!(
        err.contains(
            "aws, azure, github, gitlab, huggingface, npm, openai, sendgrid, slack, stripe"
        ),
        "{err}"
    );
    // `azure` is a name the Azure checks use.
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(&[
        "--validate",
        "--endpoint",
        "azure=http://127.0.0.1:10000/devstoreaccount1",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
}

/// An STS that answers only a correctly signed GetCallerIdentity for the planted pair.
fn sts() -> MockServer {
    use leakscope_validate::sigv4;
    MockServer::start(|r| {
        let ok = (|| {
            let date = r.header("x-amz-date")?;
            let url =
                leakscope_http::Url::parse(&format!("http://{}{}", r.header("host")?, r.target))
                    .ok()?;
            let expected = sigv4::sign(
                "GET",
                &url,
                &[],
                &sigv4::Credentials {
                    access_key_id: KEY_ID,
                    secret_access_key: SECRET,
                    session_token: None,
                },
                &sigv4::Scope {
                    region: "us-east-1",
                    service: "sts",
                },
                date,
            );
            (r.method == "GET"
                && r.query() == Some("Action=GetCallerIdentity&Version=2011-06-15")
                && r.header("authorization") == Some(expected.authorization.as_str()))
            .then_some(())
        })()
        .is_some();
        if ok {
            Reply::new(
                200,
                "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/ci</Arn><UserId>AIDAEXAMPLEUSERID</UserId><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>",
            )
        } else {
            Reply::new(
                403,
                "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code></Error></ErrorResponse>",
            )
        }
    })
}

#[test]
fn an_aws_key_pair_is_validated_once_even_when_the_key_id_is_filtered_out() {
    let dir = tempfile::tempdir().unwrap();
    plant(
        dir.path(),
        &["t/credentials"],
        &format!("[default]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n"),
    );
    let server = sts();
    let endpoint = format!("aws={}", server.url());
    let t = dir.path().join("t");
    let (_, out, err) = run(&[
        "--validate",
        "--endpoint",
        &endpoint,
        "--format",
        "jsonl",
        t.to_str().unwrap(),
    ]);
    let f = jsonl(&out);
    assert_eq!(f.len(), 2, "{out}");
    for x in &f {
        assert_eq!(x["validation"]["status"], "live", "{x}\n{err}");
        assert_eq!(
            x["validation"]["identity"]["arn"],
            "arn:aws:iam::123456789012:user/ci"
        );
    }
    assert_eq!(server.requests().len(), 1);

    // The key id is `high`, the secret `critical`: only the secret is reported, and its
    // pair is still found.
    let (_, out, _) = run(&[
        "--validate",
        "--endpoint",
        &endpoint,
        "--min-severity",
        "critical",
        "--format",
        "jsonl",
        t.to_str().unwrap(),
    ]);
    let f = jsonl(&out);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["kind"], "aws_secret_key");
    assert_eq!(f[0]["validation"]["status"], "live");
}

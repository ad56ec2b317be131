//! Each token provider against a loopback server implementing its documented identity call:
//! the request's method, path, query and auth header, and how each documented answer is
//! read.

mod common;

use common::{check, finding, json};
use leakscope_testkit::mock::{MockServer, Reply, Seen};

/// The one request the server saw.
fn only(server: &MockServer) -> Seen {
    let seen = server.requests();
    assert_eq!(seen.len(), 1, "{seen:?}");
    seen[0].clone()
}

const GH: &str = "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";

#[test]
fn github_user_with_scopes() {
    let server = MockServer::start(|_| {
        Reply::json(
            200,
            r#"{"login":"octocat","id":583231,"type":"User","email":"x@y"}"#,
        )
        .header("X-OAuth-Scopes", "repo, gist")
        .header(
            "GitHub-Authentication-Token-Expiration",
            "2027-01-01 00:00:00 UTC",
        )
    });
    let v = check(
        &mut [finding("github_pat", "github.pat.classic", GH)],
        &server,
    );
    let r = only(&server);
    assert_eq!(r.method, "GET");
    assert_eq!(r.target, "/user");
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {GH}").as_str())
    );
    assert_eq!(r.header("x-github-api-version"), Some("2022-11-28"));
    let j = json(&v);
    assert_eq!(j["status"], "live");
    assert_eq!(j["provider"], "github");
    assert_eq!(j["identity"]["login"], "octocat");
    assert_eq!(j["identity"]["expires_at"], "2027-01-01 00:00:00 UTC");
    assert!(j["identity"].get("email").is_none(), "only what identifies");
    assert_eq!(j["scopes"], serde_json::json!(["repo", "gist"]));
    assert_eq!(j["cached"], false);
    assert_eq!(
        j["probed"],
        serde_json::json!([format!("GET {}/user", server.url())])
    );
    assert!(j["checked_at"].as_str().unwrap().ends_with('Z'));
}

#[test]
fn github_bad_credentials_are_rejected() {
    let server = MockServer::start(|_| {
        Reply::json(
            401,
            r#"{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}"#,
        )
    });
    let j = json(&check(
        &mut [finding("github_pat", "github.pat.classic", GH)],
        &server,
    ));
    assert_eq!(j["status"], "rejected");
    assert_eq!(j["error_code"], "bad_credentials");
    assert_eq!(j["reason"], "HTTP 401: Bad credentials");
}

#[test]
fn github_installation_token_forbidden_on_user_is_live() {
    let server = MockServer::start(|_| {
        Reply::json(
            403,
            r#"{"message":"Resource not accessible by integration"}"#,
        )
    });
    let j = json(&check(
        &mut [finding("github_app_token", "github.server_to_server", GH)],
        &server,
    ));
    assert_eq!(j["status"], "live");
    assert!(j["reason"]
        .as_str()
        .unwrap()
        .contains("not accessible by integration"));
}

#[test]
fn github_rate_limit_is_unknown() {
    let server = MockServer::start(|_| {
        Reply::json(403, r#"{"message":"API rate limit exceeded"}"#)
            .header("X-RateLimit-Remaining", "0")
    });
    let j = json(&check(
        &mut [finding("github_pat", "github.pat.classic", GH)],
        &server,
    ));
    assert_eq!(j["status"], "unknown");
    assert_eq!(j["error_code"], "unexpected_status");
}

#[test]
fn github_enterprise_base_path_is_kept() {
    let server = MockServer::start(|_| Reply::json(200, r#"{"login":"ghe-user"}"#));
    let url = leakscope_http::Url::parse(&format!("{}/api/v3", server.url())).unwrap();
    let endpoints = [("github".to_string(), url)].into_iter().collect();
    let mut f = [finding("github_pat", "github.pat.classic", GH)];
    common::run_with(&mut f, &endpoints, &common::client());
    assert_eq!(only(&server).target, "/api/v3/user");
    assert_eq!(f[0].validation.as_ref().unwrap().status, "live");
}

const GL: &str = "glpat-Zk8q2LmN4pR7sT1vX3yB";

#[test]
fn gitlab_token_self() {
    let server = MockServer::start(|_| {
        Reply::json(
            200,
            r#"{"id":4,"name":"ci deploy","revoked":false,"created_at":"2024-01-01T00:00:00Z","scopes":["api","read_repository"],"user_id":3,"last_used_at":null,"active":true,"expires_at":"2027-01-01"}"#,
        )
    });
    let j = json(&check(
        &mut [finding("gitlab_pat", "gitlab.pat", GL)],
        &server,
    ));
    let r = only(&server);
    assert_eq!(
        (r.method.as_str(), r.target.as_str()),
        ("GET", "/api/v4/personal_access_tokens/self")
    );
    assert_eq!(r.header("private-token"), Some(GL));
    assert!(r.header("authorization").is_none());
    assert_eq!(j["status"], "live");
    assert_eq!(j["identity"]["token_name"], "ci deploy");
    assert_eq!(j["identity"]["user_id"], 3);
    assert_eq!(j["scopes"], serde_json::json!(["api", "read_repository"]));
}

#[test]
fn gitlab_revoked_and_invalid_tokens_are_rejected() {
    let server = MockServer::start(|_| {
        Reply::json(
            401,
            r#"{"error":"invalid_token","error_description":"Token was revoked. You have to re-authorize from the user."}"#,
        )
    });
    let j = json(&check(
        &mut [finding("gitlab_pat", "gitlab.pat", GL)],
        &server,
    ));
    assert_eq!(j["status"], "rejected");
    assert_eq!(j["error_code"], "invalid_token");

    let server = MockServer::start(|_| {
        Reply::json(
            200,
            r#"{"name":"t","revoked":true,"active":false,"scopes":[]}"#,
        )
    });
    let j = json(&check(
        &mut [finding("gitlab_pat", "gitlab.pat", GL)],
        &server,
    ));
    assert_eq!(j["status"], "rejected");
    assert_eq!(j["error_code"], "revoked");
}

const SLACK: &str = "xoxb-1234567890-1234567890123-Zk8q2LmN4pR7sT1vX3yB5dF9";

#[test]
fn slack_auth_test() {
    let server = MockServer::start(|_| {
        Reply::json(
            200,
            r#"{"ok":true,"url":"https://acme.slack.com/","team":"Acme","user":"deploybot","team_id":"T12345678","user_id":"U12345678","bot_id":"B1"}"#,
        )
        .header("x-oauth-scopes", "chat:write,channels:read")
    });
    let j = json(&check(
        &mut [finding("slack_bot_token", "slack.bot_token", SLACK)],
        &server,
    ));
    let r = only(&server);
    assert_eq!(
        (r.method.as_str(), r.target.as_str()),
        ("GET", "/api/auth.test")
    );
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {SLACK}").as_str())
    );
    assert_eq!(j["status"], "live");
    assert_eq!(j["identity"]["team"], "Acme");
    assert_eq!(j["identity"]["user"], "deploybot");
    assert_eq!(
        j["scopes"],
        serde_json::json!(["chat:write", "channels:read"])
    );
}

#[test]
fn slack_ok_false_is_read_from_the_body() {
    let server = MockServer::start(|_| Reply::json(200, r#"{"ok":false,"error":"invalid_auth"}"#));
    let j = json(&check(
        &mut [finding("slack_bot_token", "slack.bot_token", SLACK)],
        &server,
    ));
    assert_eq!(j["status"], "rejected");
    assert_eq!(j["error_code"], "invalid_auth");

    let server = MockServer::start(|_| Reply::json(200, r#"{"ok":false,"error":"ratelimited"}"#));
    let j = json(&check(
        &mut [finding("slack_bot_token", "slack.bot_token", SLACK)],
        &server,
    ));
    assert_eq!(j["status"], "unknown");
    assert_eq!(j["error_code"], "ratelimited");
}

const STRIPE: &str = "rk_live_Zk8q2LmN4pR7sT1vX3yB5dF9hJ0wQe";

#[test]
fn stripe_account() {
    let server = MockServer::start(|_| {
        Reply::json(
            200,
            r#"{"id":"acct_1Abc","object":"account","country":"DE","email":"a@b"}"#,
        )
    });
    let j = json(&check(
        &mut [finding("stripe_api_key", "stripe.restricted_key", STRIPE)],
        &server,
    ));
    let r = only(&server);
    assert_eq!(
        (r.method.as_str(), r.target.as_str()),
        ("GET", "/v1/account")
    );
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {STRIPE}").as_str())
    );
    assert_eq!(j["status"], "live");
    assert_eq!(j["identity"]["id"], "acct_1Abc");
    assert_eq!(j["identity"]["mode"], "live");
    assert!(j["identity"].get("email").is_none());
}

#[test]
fn stripe_restricted_key_without_permission_is_live_and_invalid_key_rejected() {
    let server = MockServer::start(|_| {
        Reply::json(
            403,
            r#"{"error":{"message":"The provided key 'rk_live_*****wQe' does not have the required permissions for this endpoint on account 'acct_1Abc'.","type":"invalid_request_error"}}"#,
        )
    });
    let j = json(&check(
        &mut [finding("stripe_api_key", "stripe.restricted_key", STRIPE)],
        &server,
    ));
    assert_eq!(j["status"], "live");
    assert!(j["reason"].as_str().unwrap().starts_with("restricted key"));

    let server = MockServer::start(|_| {
        Reply::json(
            401,
            r#"{"error":{"message":"Invalid API Key provided: rk_live_*****wQe","type":"invalid_request_error"}}"#,
        )
    });
    let j = json(&check(
        &mut [finding("stripe_api_key", "stripe.restricted_key", STRIPE)],
        &server,
    ));
    assert_eq!(j["status"], "rejected");
    assert_eq!(j["error_code"], "invalid_api_key");
}

const OPENAI: &str = "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";

#[test]
fn openai_models() {
    let server = MockServer::start(|_| {
        Reply::json(
            200,
            r#"{"object":"list","data":[{"id":"gpt-4o","object":"model"}]}"#,
        )
        .header("openai-organization", "acme-research")
    });
    let j = json(&check(
        &mut [finding("openai_api_key", "openai.api_key", OPENAI)],
        &server,
    ));
    let r = only(&server);
    assert_eq!(
        (r.method.as_str(), r.target.as_str()),
        ("GET", "/v1/models")
    );
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {OPENAI}").as_str())
    );
    assert_eq!(j["status"], "live");
    assert_eq!(j["identity"]["organization"], "acme-research");
}

#[test]
fn openai_invalid_key_and_admin_keys() {
    let server = MockServer::start(|_| {
        Reply::json(
            401,
            r#"{"error":{"message":"Incorrect API key provided: sk-Zk8q***yB.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#,
        )
    });
    let j = json(&check(
        &mut [finding("openai_api_key", "openai.api_key", OPENAI)],
        &server,
    ));
    assert_eq!(j["status"], "rejected");
    assert_eq!(j["error_code"], "invalid_api_key");

    let server = MockServer::start(|_| Reply::json(200, r#"{"object":"list","data":[]}"#));
    let admin = "sk-admin-Zk8q2LmN4pR7sT1vX3yB5dF9hJ0wQeZk8q2LmN4pR7";
    let j = json(&check(
        &mut [finding("openai_api_key", "openai.admin_key", admin)],
        &server,
    ));
    assert_eq!(only(&server).target, "/v1/organization/projects?limit=1");
    assert_eq!(j["identity"]["key_type"], "admin");
}

const HF: &str = "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";

#[test]
fn huggingface_whoami() {
    let server = MockServer::start(|_| {
        Reply::json(
            200,
            r#"{"type":"user","name":"julien","orgs":[{"name":"acme"}],"auth":{"type":"access_token","accessToken":{"displayName":"ci","role":"write"}}}"#,
        )
    });
    let j = json(&check(
        &mut [finding("huggingface_access_token", "huggingface.token", HF)],
        &server,
    ));
    let r = only(&server);
    assert_eq!(
        (r.method.as_str(), r.target.as_str()),
        ("GET", "/api/whoami-v2")
    );
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {HF}").as_str())
    );
    assert_eq!(j["identity"]["name"], "julien");
    assert_eq!(j["identity"]["token_role"], "write");
    assert_eq!(j["identity"]["orgs"], serde_json::json!(["acme"]));

    let server = MockServer::start(|_| {
        Reply::json(
            401,
            r#"{"error":"Invalid credentials in Authorization header"}"#,
        )
    });
    let j = json(&check(
        &mut [finding("huggingface_access_token", "huggingface.token", HF)],
        &server,
    ));
    assert_eq!(j["status"], "rejected");
    assert_eq!(j["error_code"], "invalid_credentials");
}

const SG: &str = "SG.Zk8q2LmN4pR7sT1vX3yB5d.Zk8q2LmN4pR7sT1vX3yB5dF9hJ0wQeZk8q2LmN4pR7s";

#[test]
fn sendgrid_scopes() {
    let server =
        MockServer::start(|_| Reply::json(200, r#"{"scopes":["mail.send","user.profile.read"]}"#));
    let j = json(&check(
        &mut [finding("sendgrid_api_key", "sendgrid.api_key", SG)],
        &server,
    ));
    let r = only(&server);
    assert_eq!(
        (r.method.as_str(), r.target.as_str()),
        ("GET", "/v3/scopes")
    );
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {SG}").as_str())
    );
    assert_eq!(j["status"], "live");
    assert_eq!(
        j["scopes"],
        serde_json::json!(["mail.send", "user.profile.read"])
    );

    let server = MockServer::start(|_| {
        Reply::json(
            401,
            r#"{"errors":[{"field":null,"message":"authorization required"}]}"#,
        )
    });
    let j = json(&check(
        &mut [finding("sendgrid_api_key", "sendgrid.api_key", SG)],
        &server,
    ));
    assert_eq!(j["status"], "rejected");
    assert_eq!(j["error_code"], "authorization_required");
}

const NPM: &str = "npm_Zk8q2LmN4pR7sT1vX3yB5dF9hJ0wQe123456";

#[test]
fn npm_whoami() {
    let server = MockServer::start(|_| Reply::json(200, r#"{"username":"publisher"}"#));
    let j = json(&check(
        &mut [finding("npm_access_token", "npm.access_token", NPM)],
        &server,
    ));
    let r = only(&server);
    assert_eq!((r.method.as_str(), r.target.as_str()), ("GET", "/-/whoami"));
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {NPM}").as_str())
    );
    assert_eq!(j["identity"]["username"], "publisher");

    let server = MockServer::start(|_| Reply::json(401, r#"{"error":"Unauthorized"}"#));
    let j = json(&check(
        &mut [finding("npm_access_token", "npm.access_token", NPM)],
        &server,
    ));
    assert_eq!(j["status"], "rejected");
}

#[test]
fn npm_legacy_token_is_never_sent() {
    let server = MockServer::start(|_| Reply::json(200, r#"{"username":"x"}"#));
    let legacy = "0b8f2a8e-2c5d-4d3e-9c1a-7f6e5d4c3b2a";
    let j = json(&check(
        &mut [finding("npm_access_token", "npm.legacy_auth_token", legacy)],
        &server,
    ));
    assert_eq!(j["status"], "unknown");
    assert!(server.requests().is_empty());
}

#[test]
fn azure_slot_answers_unknown_until_wired() {
    let server = MockServer::start(|_| Reply::json(200, "{}"));
    let j = json(&check(
        &mut [finding("azure_account_key", "azure.storage.account_key", "a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5")],
        &server,
    ));
    assert_eq!(j["status"], "unknown");
    assert_eq!(j["reason"], "Azure validation not wired");
    assert_eq!(j["provider"], "azure");
    assert!(server.requests().is_empty());
}

//! Runs the example binaries (built by `cargo test` along with the tests)
//! against the mock Feishu server, as a user would from the shell.

use std::process::{Command, Output};

use feishu_mock_server::{MockServer, Route};
use serde_json::Value;

/// `target/<profile>/examples/<name>`: cargo builds examples next to the
/// `deps` directory that holds this test binary.
fn example(name: &str) -> Command {
    let exe = std::env::current_exe().expect("test binary path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>/deps/<test>");
    Command::new(profile_dir.join("examples").join(name))
}

fn run(mut command: Command, server: &MockServer, secret: &str) -> Output {
    command
        .env("FEISHU_APP_ID", MockServer::APP_ID)
        .env("FEISHU_APP_SECRET", secret)
        .env("FEISHU_BASE_URL", server.base_url())
        .output()
        .expect("the example runs")
}

fn json_lines(output: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is one JSON object"))
        .collect()
}

// The example runs as a child process while this thread waits for it, so
// the mock server needs worker threads of its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_okrs_prints_every_okr_of_every_user_across_pages() {
    let server = MockServer::start().await.expect("mock server");
    server.add_okr_user("ou_a", 14);
    server.add_okr_user("ou_b", 3);
    let mut command = example("list_okrs");
    command.args(["ou_a", "ou_b"]);
    let output = run(command, &server, MockServer::APP_SECRET);
    assert!(
        output.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let okrs = json_lines(&output);
    assert_eq!(okrs.len(), 17);
    assert!(
        okrs.iter()
            .all(|okr| okr.get("id").and_then(Value::as_str).is_some())
    );
    assert_eq!(
        server.count(Route::OkrList),
        2 + 1,
        "ou_a in two pages of 10, ou_b in one"
    );
    assert_eq!(
        server.count(Route::TenantTokenInternal),
        1,
        "one token for the whole run"
    );
}

// The example runs as a child process while this thread waits for it, so
// the mock server needs worker threads of its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_reviews_prints_one_line_per_user_in_batches_of_fifty() {
    let server = MockServer::start().await.expect("mock server");
    let users: Vec<String> = (0..120).map(|i| format!("ou_{i}")).collect();
    let mut command = example("pending_reviews");
    command.arg("7235911950407352321").args(&users);
    let output = run(command, &server, MockServer::APP_SECRET);
    assert!(
        output.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines = json_lines(&output);
    assert_eq!(lines.len(), 120);
    assert_eq!(lines[0]["user_id"], "ou_0");
    assert_eq!(
        lines[0]["stage_task_info_lists"][0]["stage_task_status"],
        "need_todo"
    );
    assert_eq!(server.count(Route::StageTaskFind), 3, "50 + 50 + 20 users");
}

// The example runs as a child process while this thread waits for it, so
// the mock server needs worker threads of its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failure_prints_code_message_and_log_id_and_exits_non_zero() {
    let server = MockServer::start().await.expect("mock server");
    let mut command = example("list_okrs");
    command.arg("ou_a");
    let output = run(command, &server, "wrong-secret");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("99991543"), "stderr: {stderr}");
    assert!(stderr.contains("log id"), "stderr: {stderr}");
    assert!(
        !stderr.contains("wrong-secret"),
        "the secret must not be printed: {stderr}"
    );
    assert!(output.stdout.is_empty());

    let mut unknown_user = example("list_okrs");
    unknown_user.arg("ou_nobody");
    let output = run(unknown_user, &server, MockServer::APP_SECRET);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("1001003") && stderr.contains("User not found."),
        "stderr: {stderr}"
    );
}

/// A 1×1 PNG: what the example uploads, byte for byte.
const PIXEL_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// A file in a fresh directory under the system temp dir, removed on drop.
struct TempFile(std::path::PathBuf);

impl TempFile {
    fn new(name: &str, bytes: &[u8]) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "feishu-smoke-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("temp file");
        Self(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(dir) = self.0.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

// The example runs as a child process while this thread waits for it, so
// the mock server needs worker threads of its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_with_image_uploads_the_file_and_shows_it_in_the_new_record() {
    let server = MockServer::start().await.expect("mock server");
    let image = TempFile::new("pixel.png", PIXEL_PNG);
    let target_id = "7041430377642082323";
    let mut command = example("progress_with_image");
    command
        .args(["key_result", target_id])
        .arg(&image.0)
        .arg("Shipped the beta");
    let output = run(command, &server, MockServer::APP_SECRET);
    assert!(
        output.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );

    // The upload: the file's bytes in the `data` part, the target as text parts.
    let uploads = server.requests(Route::OkrImageUpload);
    assert_eq!(uploads.len(), 1);
    assert!(
        uploads[0]
            .header("content-type")
            .is_some_and(|value| value.starts_with("multipart/form-data; boundary=")),
        "{:?}",
        uploads[0].headers
    );
    let part = |name: &str| {
        uploads[0]
            .parts
            .iter()
            .find(|part| part.name == name)
            .unwrap_or_else(|| panic!("part `{name}` in {:?}", uploads[0].parts))
    };
    assert_eq!(part("data").file_name.as_deref(), Some("pixel.png"));
    assert_eq!(part("data").bytes.as_deref(), Some(PIXEL_PNG));
    assert_eq!(part("target_id").text.as_deref(), Some(target_id));
    assert_eq!(part("target_type").text.as_deref(), Some("3"));

    // The record: the uploaded image's token and url in a gallery after the text.
    let creates = server.requests(Route::OkrProgressCreate);
    assert_eq!(creates.len(), 1);
    assert_eq!(
        (creates[0].status, creates[0].code),
        (200, Some(0)),
        "the mock accepts only images uploaded for this target"
    );
    let body: Value = serde_json::from_slice(&creates[0].body).expect("a JSON body");
    assert_eq!(body["target_id"], target_id);
    assert_eq!(body["target_type"], 3);
    let blocks = &body["content"]["blocks"];
    assert_eq!(
        blocks[0]["paragraph"]["elements"][0]["textRun"]["text"],
        "Shipped the beta"
    );
    assert_eq!(blocks[1]["type"], "gallery");
    let shown = &blocks[1]["gallery"]["imageList"][0];
    let token = shown["fileToken"].as_str().expect("fileToken");
    assert!(token.starts_with("boxbcc_mock_"), "{token}");
    assert!(
        shown["src"]
            .as_str()
            .is_some_and(|url| url.ends_with(&format!("file_token={token}"))),
        "{shown}"
    );

    // The printed id is the record's.
    let printed = String::from_utf8_lossy(&output.stdout);
    let id = printed.trim();
    assert!(
        id.len() == 19 && id.bytes().all(|b| b.is_ascii_digit()),
        "stdout: {printed}"
    );
}

/// POSTs `body` as JSON (with `token` as bearer, if any) and returns the JSON answer.
async fn post_json(url: String, token: Option<&str>, body: &Value) -> Value {
    let mut request = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json; charset=utf-8")
        .body(body.to_string());
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let bytes = request
        .send()
        .await
        .expect("an answer")
        .bytes()
        .await
        .expect("a body");
    serde_json::from_slice(&bytes).expect("a JSON answer")
}

#[tokio::test]
async fn the_mock_refuses_a_record_showing_an_image_it_never_issued() {
    let server = MockServer::start().await.expect("mock server");
    let base = server.base_url();
    let token = post_json(
        format!("{base}/open-apis/auth/v3/tenant_access_token/internal"),
        None,
        &serde_json::json!({"app_id": MockServer::APP_ID, "app_secret": MockServer::APP_SECRET}),
    )
    .await["tenant_access_token"]
        .as_str()
        .expect("a token")
        .to_owned();
    let record = |file_token: &str| {
        serde_json::json!({
            "source_title": "t",
            "source_url": "https://example.com/",
            "target_id": "7041430377642082323",
            "target_type": 3,
            "content": {"blocks": [{"type": "gallery", "gallery": {"imageList": [{"fileToken": file_token}]}}]}
        })
    };
    let url = format!("{base}/open-apis/okr/v1/progress_records");
    let answer = post_json(url.clone(), Some(&token), &record("boxbcc_never_uploaded")).await;
    assert_eq!(answer["code"], 1001001, "{answer}");
    // The same body without the image is accepted: the token was the only fault.
    let mut plain = record("x");
    plain["content"] = serde_json::json!({"blocks": []});
    let answer = post_json(url, Some(&token), &plain).await;
    assert_eq!(answer["code"], 0, "{answer}");
}

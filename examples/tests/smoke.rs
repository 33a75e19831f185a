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

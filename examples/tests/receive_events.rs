//! Runs the receive_events example against the mock server: one event arrives over
//! the long connection, one over the webhook, and both are printed.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use feishu_mock_server::MockServer;
use serde_json::{Value, json};

fn example(name: &str) -> Command {
    let exe = std::env::current_exe().expect("test binary path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>/deps/<test>");
    Command::new(profile_dir.join("examples").join(name))
}

fn envelope(event_type: &str, event_id: &str, event: Value) -> Value {
    json!({
        "schema": "2.0",
        "header": {"event_id": event_id, "event_type": event_type, "create_time": "1608725989000",
                   "token": "verification-token-1", "app_id": MockServer::APP_ID, "tenant_key": "t1"},
        "event": event
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn receive_events_prints_events_from_both_channels() {
    let server = MockServer::start().await.expect("mock server");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let mut child = example("receive_events")
        .args(["--max-events", "2"])
        .env("FEISHU_APP_ID", MockServer::APP_ID)
        .env("FEISHU_APP_SECRET", MockServer::APP_SECRET)
        .env("FEISHU_BASE_URL", server.base_url())
        .env("FEISHU_VERIFICATION_TOKEN", "verification-token-1")
        .env("LISTEN", format!("127.0.0.1:{port}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the example starts");

    for _ in 0..500 {
        if server.ws().connections_accepted() > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.ws().push_event(&envelope(
        "performance.stage_task.open_result_v2",
        "ev_ws",
        json!({"items": [{"user_id": {"open_id": "ou_1"}, "semester_id": "s1", "activity_id": "a1", "open_time": "1704038400000"}]}),
    ));
    let body = envelope(
        "performance.review_data.changed_v2",
        "ev_http",
        json!({"items": [{"user_id": {"open_id": "ou_2"}, "semester_id": "s1",
                          "stage_changes": [{"stage_id": "st1", "stage_type": "leader_review"}]}]}),
    );
    let http = reqwest::Client::new();
    let mut status = 0;
    for _ in 0..500 {
        match http
            .post(format!("http://127.0.0.1:{port}/webhook/event"))
            .body(body.to_string())
            .send()
            .await
        {
            Ok(response) => {
                status = response.status().as_u16();
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
    assert_eq!(status, 200);

    let stdout = child.stdout.take().expect("stdout");
    let lines = tokio::task::spawn_blocking(move || {
        BufReader::new(stdout)
            .lines()
            .map(|line| serde_json::from_str::<Value>(&line.expect("line")).expect("JSON line"))
            .collect::<Vec<_>>()
    })
    .await
    .expect("reader");
    let exit = child.wait().expect("the example exits");
    assert!(exit.success());
    let mut ids: Vec<_> = lines
        .iter()
        .map(|l| l["event_id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    assert_eq!(ids, ["ev_http", "ev_ws"]);
    let http_line = lines.iter().find(|l| l["event_id"] == "ev_http").unwrap();
    assert_eq!(
        http_line["items"][0]["stages"][0]["stage_type"],
        "leader_review"
    );
    let ws_line = lines.iter().find(|l| l["event_id"] == "ev_ws").unwrap();
    assert_eq!(ws_line["items"][0]["open_id"], "ou_1");
    assert_eq!(server.ws().acks().len(), 1);
}

//! Shared helpers for the tests against `feishu-mock-server`.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::time::Duration;

use feishu_mock_server::MockServer;
use feishu_runtime::{
    Client, ClientBuilder, HttpMethod, Operation, Request, RetryPolicy, TokenType,
};
use serde::Deserialize;

/// The same endpoint declared non-idempotent, to show such calls are never retried.
pub static FIND_STAGE_TASKS_NOT_IDEMPOTENT: Operation = Operation {
    id: "performance.v1.stage_task.find_by_user_list.not_idempotent",
    method: HttpMethod::Post,
    path: "/open-apis/performance/v1/stage_tasks/find_by_user_list",
    token_types: &[TokenType::Tenant, TokenType::User],
    rate_limits: &[],
    idempotent: false,
    envelope: feishu_runtime::Envelope::Data,
};

/// An endpoint that accepts only user access tokens.
pub static USER_ONLY_OKRS: Operation = Operation {
    id: "okr.v1.user_okr.list.user_only",
    method: HttpMethod::Get,
    path: "/open-apis/okr/v1/users/:user_id/okrs",
    token_types: &[TokenType::User],
    rate_limits: &[],
    idempotent: true,
    envelope: feishu_runtime::Envelope::Data,
};

#[path = "../shared/operations.rs"]
mod operations;
// Not every test binary uses both.
#[allow(unused_imports)]
pub use operations::{FIND_STAGE_TASKS, LIST_OKRS};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct OkrPage {
    pub total: Option<u64>,
    pub okr_list: Vec<Okr>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Okr {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StageTasks {
    pub items: Vec<StageTaskItem>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StageTaskItem {
    pub user_id: String,
}

pub async fn server() -> MockServer {
    let server = MockServer::start().await.unwrap();
    server.add_okr_user("ou_1", 14);
    server.add_okr_user("ou_2", 3);
    server
}

/// A self-built app client for `server` with quick retries and no client-side limits.
pub fn builder(server: &MockServer) -> ClientBuilder<Client> {
    Client::builder()
        .base_url(server.base_url())
        .app_credentials(MockServer::APP_ID, MockServer::APP_SECRET)
        .retry_policy(fast_retries())
        .rate_limiting(false)
}

pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::new()
        .max_attempts(3)
        .initial_backoff(Duration::from_millis(20))
        .max_backoff(Duration::from_millis(100))
        .total_budget(Duration::from_secs(10))
}

pub fn list_okrs(user_id: &str, offset: i64, limit: i64) -> Request {
    let mut request = Request::new(&LIST_OKRS);
    request.path_param("user_id", user_id);
    request.query("offset", offset);
    request.query("limit", limit);
    request
}

pub fn find_stage_tasks(operation: &'static Operation, users: &[&str]) -> Request {
    let mut request = Request::new(operation);
    request
        .json_body(
            &serde_json::json!({"semester_id": "7235911950407352321", "user_id_lists": users}),
        )
        .unwrap();
    request
}

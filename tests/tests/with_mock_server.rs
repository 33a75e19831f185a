//! The generated client with managed tokens against the mock Feishu server:
//! the token flow, pagination and retries as a user gets them.

use feishu::TryStreamExt;
use feishu_mock_server::{Fault, MockServer, Route};

async fn client(server: &MockServer) -> feishu::Client {
    feishu::Client::builder()
        .base_url(server.base_url())
        .app_credentials(MockServer::APP_ID, MockServer::APP_SECRET)
        .build()
        .expect("client")
}

#[tokio::test]
async fn every_okr_of_a_user_through_one_managed_token() {
    let server = MockServer::start().await.expect("mock server");
    server.add_okr_user("ou_a", 23);
    let client = client(&server).await;
    let okrs: Vec<_> = client
        .okr()
        .v1()
        .user_okr()
        .list("ou_a", 0, 10)
        .items()
        .try_collect()
        .await
        .expect("every page");
    assert_eq!(okrs.len(), 23);
    assert_eq!(server.count(Route::OkrList), 3);
    assert_eq!(server.count(Route::TenantTokenInternal), 1);
    let authorization = server.requests(Route::OkrList)[0]
        .header("authorization")
        .map(str::to_owned)
        .unwrap_or_default();
    assert!(authorization.starts_with("Bearer t-"), "{authorization}");
}

#[tokio::test]
async fn a_transient_failure_is_retried_for_a_read_over_post() {
    let server = MockServer::start().await.expect("mock server");
    server.inject(Route::StageTaskFind, Fault::ServerError, 1);
    let client = client(&server).await;
    let data = client
        .performance()
        .v1()
        .stage_task()
        .find_by_user_list("7235911950407352321", ["ou_1"])
        .send()
        .await
        .expect("the retry succeeds");
    assert_eq!(data.items.map(|items| items.len()), Some(1));
    assert_eq!(
        server.count(Route::StageTaskFind),
        2,
        "one failure, one retry"
    );
}

//! The client this crate generated in build.rs, against feishu-mock-server:
//! managed token, offset paging, and the request the server received.

use feishu_external_test::api::{feishu, okr_names};
use feishu_mock_server::{MockServer, Route};

#[tokio::test]
async fn the_generated_client_pages_through_a_users_okrs() {
    let server = MockServer::start().await.expect("mock server");
    server.add_okr_user("ou_ext", 12);
    let client = feishu::Client::builder()
        .base_url(server.base_url())
        .app_credentials(MockServer::APP_ID, MockServer::APP_SECRET)
        .build()
        .expect("client");

    let names = okr_names(&client, "ou_ext").await.expect("every page");

    assert_eq!(names.len(), 12, "{names:?}");
    assert!(names.iter().all(|name| name.starts_with("2022 年")), "{names:?}");
    assert_eq!(server.count(Route::OkrList), 2, "10 + 2 with limit 10");
    assert_eq!(server.count(Route::TenantTokenInternal), 1);
    let first = &server.requests(Route::OkrList)[0];
    assert_eq!(first.header("authorization").map(|h| h.starts_with("Bearer t-")), Some(true));
}

#[tokio::test]
async fn a_one_page_call_decodes_the_fields_this_crate_declared() {
    let server = MockServer::start().await.expect("mock server");
    server.add_okr_user("ou_one", 3);
    let client = feishu::Client::builder()
        .base_url(server.base_url())
        .app_credentials(MockServer::APP_ID, MockServer::APP_SECRET)
        .build()
        .expect("client");

    let page = client
        .okr()
        .v1()
        .user_okr()
        .list("ou_one", 1, 5)
        .send()
        .await
        .expect("one page");

    assert_eq!(page.total, Some(3));
    let okrs = page.okr_list.unwrap_or_default();
    assert_eq!(okrs.len(), 2, "offset 1 of 3");
    assert!(okrs.iter().all(|okr| okr.id.as_deref().is_some_and(|id| !id.is_empty())));
}

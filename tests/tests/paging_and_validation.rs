//! Paginators generated from the spec's `paging` declaration, and the
//! checks of documented limits that run before anything is sent.

use feishu::performance::v1::TaskOption;
use feishu::runtime::{StreamExt, TryStreamExt};
use feishu_tests::{CaptureServer, Captured, Reply};
use serde_json::{Value, json};

fn okr_client(server: &CaptureServer) -> feishu::Client {
    feishu::Client::builder()
        .base_url(server.base_url())
        .access_token("t-paging")
        .build()
        .expect("client")
}

/// A user with `total` OKRs, served `limit` at a time from `offset`.
fn okr_pages(total: usize) -> impl Fn(&Captured) -> Reply + Send + Sync + 'static {
    move |request| {
        let offset: usize = request
            .query_value("offset")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let limit: usize = request
            .query_value("limit")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let okrs: Vec<Value> = (offset..total.min(offset + limit))
            .map(|i| json!({"id": format!("okr-{i}"), "permission": 1}))
            .collect();
        Reply::data(json!({"total": total, "okr_list": okrs}))
    }
}

#[tokio::test]
async fn offset_paging_walks_every_okr_and_stops_at_total() {
    let server = CaptureServer::scripted(okr_pages(12))
        .await
        .expect("server");
    let okrs: Vec<_> = okr_client(&server)
        .okr()
        .v1()
        .user_okr()
        .list("ou_1", 0, 5)
        .items()
        .try_collect()
        .await
        .expect("all pages");
    let ids: Vec<String> = okrs.into_iter().filter_map(|o| o.id).collect();
    assert_eq!(ids, (0..12).map(|i| format!("okr-{i}")).collect::<Vec<_>>());
    let offsets: Vec<Option<String>> = server
        .requests()
        .iter()
        .map(|r| r.query_value("offset"))
        .collect();
    assert_eq!(
        offsets,
        vec![Some("0".into()), Some("5".into()), Some("10".into())]
    );
}

/// `send()`, `pages()` and `items()` return `impl ResponseFuture<T>` and
/// `impl ResultStream<T>`: the `StreamExt`/`TryStreamExt` combinators, boxing
/// and `tokio::spawn` work on them as on the spelled-out types.
#[tokio::test]
async fn returned_futures_and_streams_take_combinators_and_spawn() {
    let server = CaptureServer::scripted(okr_pages(12))
        .await
        .expect("server");
    let client = okr_client(&server);
    let list = client.okr().v1().user_okr().list("ou_1", 0, 5);
    let sizes: Vec<usize> = list
        .clone()
        .pages()
        .map_ok(|page| page.okr_list.map_or(0, |okrs| okrs.len()))
        .try_collect()
        .await
        .expect("pages");
    assert_eq!(sizes, [5, 5, 2]);
    let first_two: Vec<_> = list.clone().items().take(2).collect().await;
    assert_eq!(first_two.len(), 2);
    let mut boxed: feishu::runtime::paginate::PageStream<_> = list.clone().items().boxed();
    assert!(boxed.try_next().await.expect("item").is_some());
    let spawned = tokio::spawn(list.clone().items().try_collect::<Vec<_>>());
    assert_eq!(spawned.await.expect("join").expect("items").len(), 12);
    let page = tokio::spawn(list.send())
        .await
        .expect("join")
        .expect("page");
    assert_eq!(page.okr_list.map(|okrs| okrs.len()), Some(5));
}

#[tokio::test]
async fn offset_paging_is_lazy_and_starts_at_the_given_offset() {
    let server = CaptureServer::scripted(okr_pages(100))
        .await
        .expect("server");
    let mut pages = okr_client(&server)
        .okr()
        .v1()
        .user_okr()
        .list("ou_1", 20, 10)
        .pages();
    assert!(
        server.requests().is_empty(),
        "nothing is fetched before the stream is polled"
    );
    let first = pages.try_next().await.expect("page").expect("a first page");
    assert_eq!(first.okr_list.map(|l| l.len()), Some(10));
    assert_eq!(server.requests().len(), 1);
    assert_eq!(
        server.requests()[0].query_value("offset").as_deref(),
        Some("20")
    );
}

#[tokio::test]
async fn offset_paging_stops_on_an_empty_page_and_passes_errors_on() {
    // The server claims 50 but has only 3: the empty page ends the stream.
    let server = CaptureServer::scripted(|request| {
        let offset = request.query_value("offset").unwrap_or_default();
        match offset.as_str() {
            "0" => Reply::data(
                json!({"total": 50, "okr_list": [{"id": "a"}, {"id": "b"}, {"id": "c"}]}),
            ),
            _ => Reply::data(json!({"total": 50, "okr_list": []})),
        }
    })
    .await
    .expect("server");
    let okrs: Vec<_> = okr_client(&server)
        .okr()
        .v1()
        .user_okr()
        .list("ou_1", 0, 3)
        .items()
        .try_collect()
        .await
        .expect("ok");
    assert_eq!(okrs.len(), 3);
    assert_eq!(server.requests().len(), 2);

    let failing =
        CaptureServer::scripted(|request| match request.query_value("offset").as_deref() {
            Some("0") => Reply::data(json!({"total": 4, "okr_list": [{"id": "a"}, {"id": "b"}]})),
            _ => Reply::json(400, r#"{"code":1001004,"msg":"OKR data not found."}"#),
        })
        .await
        .expect("server");
    let results: Vec<Result<_, _>> = futures::StreamExt::collect(
        okr_client(&failing)
            .okr()
            .v1()
            .user_okr()
            .list("ou_1", 0, 2)
            .pages(),
    )
    .await;
    assert_eq!(results.len(), 2, "one page, then the error, then the end");
    assert!(results[0].is_ok());
    assert_eq!(
        results[1].as_ref().err().and_then(|e| e.code()),
        Some(1001004)
    );
}

fn item_client(server: &CaptureServer) -> feishu_fixture_paging::Client {
    feishu_fixture_paging::Client::builder()
        .base_url(server.base_url())
        .access_token("t-paging")
        .build()
        .expect("client")
}

#[tokio::test]
async fn token_paging_follows_page_tokens_until_has_more_is_false() {
    let server = CaptureServer::scripted(|request| {
        let (items, next, more) = match request.query_value("page_token").as_deref() {
            None => (json!([{"id": "1"}, {"id": "2"}]), "p2", true),
            Some("p2") => (json!([{"id": "3"}]), "p3", true),
            _ => (json!([{"id": "4"}]), "", false),
        };
        Reply::data(json!({"items": items, "page_token": next, "has_more": more}))
    })
    .await
    .expect("server");
    let items: Vec<_> = item_client(&server)
        .paging_fixture()
        .v1()
        .item()
        .list()
        .page_size(2)
        .items()
        .try_collect()
        .await
        .expect("all pages");
    let ids: Vec<String> = items.into_iter().filter_map(|i| i.id).collect();
    assert_eq!(ids, ["1", "2", "3", "4"]);
    let tokens: Vec<Option<String>> = server
        .requests()
        .iter()
        .map(|r| r.query_value("page_token"))
        .collect();
    assert_eq!(tokens, vec![None, Some("p2".into()), Some("p3".into())]);
}

/// Whether a stream's results were: pages, then one `Error::Pagination` at the end.
fn pages_then_pagination_error<T>(results: &[Result<T, feishu::Error>], pages: usize) -> bool {
    results.len() == pages + 1
        && results[..pages].iter().all(Result::is_ok)
        && matches!(results.last(), Some(Err(feishu::Error::Pagination(_))))
}

#[tokio::test]
async fn token_paging_ends_with_an_error_on_a_repeated_or_empty_token() {
    // A server stuck handing out the same token would loop forever.
    let stuck = CaptureServer::scripted(|_| {
        Reply::data(json!({"items": [{"id": "x"}], "page_token": "same", "has_more": true}))
    })
    .await
    .expect("server");
    let results: Vec<_> = item_client(&stuck)
        .paging_fixture()
        .v1()
        .item()
        .list()
        .pages()
        .collect()
        .await;
    assert!(
        pages_then_pagination_error(&results, 2),
        "the first page, the page whose token repeats, then the error"
    );
    assert_eq!(stuck.requests().len(), 2);

    // `has_more` without a token to follow it.
    let empty = CaptureServer::scripted(|_| {
        Reply::data(json!({"items": [{"id": "x"}], "page_token": "", "has_more": true}))
    })
    .await
    .expect("server");
    let results: Vec<_> = item_client(&empty)
        .paging_fixture()
        .v1()
        .item()
        .list()
        .pages()
        .collect()
        .await;
    assert!(pages_then_pagination_error(&results, 1));
    assert_eq!(empty.requests().len(), 1);
}

#[tokio::test]
async fn token_paging_carries_the_token_in_the_body_when_the_spec_says_so() {
    let server = CaptureServer::scripted(|request| {
        let body = request.json_body();
        match body.get("cursor").and_then(Value::as_str) {
            None => Reply::data(json!({"found": [{"id": "1"}], "next_cursor": "c2", "more": true})),
            Some(_) => {
                Reply::data(json!({"found": [{"id": "2"}], "next_cursor": "", "more": false}))
            }
        }
    })
    .await
    .expect("server");
    let found: Vec<_> = item_client(&server)
        .paging_fixture()
        .v1()
        .item()
        .search("needle")
        .items()
        .try_collect()
        .await
        .expect("ok");
    assert_eq!(found.len(), 2);
    let bodies: Vec<Value> = server.requests().iter().map(Captured::json_body).collect();
    assert_eq!(
        bodies,
        vec![
            json!({"query": "needle"}),
            json!({"query": "needle", "cursor": "c2"})
        ]
    );
}

/// Each documented limit rejects a bad value with an error naming the
/// parameter, the value and the limit, and sends nothing.
#[tokio::test]
async fn documented_limits_are_checked_before_sending() {
    let server = CaptureServer::start(Reply::data(json!({})))
        .await
        .expect("server");
    let client = okr_client(&server);
    let okr = || client.okr().v1().user_okr();
    let stage = || client.performance().v1().stage_task();
    let users = |n: usize| (0..n).map(|i| format!("ou_{i}")).collect::<Vec<_>>();

    let cases: Vec<(&str, &str, feishu::Error)> = vec![
        (
            "limit",
            "11",
            okr()
                .list("ou_1", 0, 11)
                .send()
                .await
                .expect_err("limit 11"),
        ),
        (
            "offset",
            "-1",
            okr()
                .list("ou_1", -1, 5)
                .send()
                .await
                .expect_err("offset -1"),
        ),
        (
            "period_ids",
            "11",
            okr()
                .list("ou_1", 0, 5)
                .period_ids(users(11))
                .send()
                .await
                .expect_err("11 periods"),
        ),
        (
            "user_id_lists",
            "0",
            stage()
                .find_by_user_list("s", users(0))
                .send()
                .await
                .expect_err("no users"),
        ),
        (
            "user_id_lists",
            "51",
            stage()
                .find_by_user_list("s", users(51))
                .send()
                .await
                .expect_err("51 users"),
        ),
        (
            "task_option_lists",
            "4",
            stage()
                .find_by_user_list("s", users(1))
                .task_option_lists([
                    TaskOption::Todo,
                    TaskOption::Done,
                    TaskOption::Overdue,
                    TaskOption::Todo,
                ])
                .send()
                .await
                .expect_err("4 options"),
        ),
    ];
    for (parameter, value, error) in cases {
        let feishu::Error::InvalidRequest(invalid) = &error else {
            panic!("{parameter}: expected an invalid-request error, got {error:?}");
        };
        assert_eq!(invalid.parameter, parameter);
        assert!(
            invalid.value.contains(value),
            "{parameter}: value {:?}",
            invalid.value
        );
        assert!(!invalid.constraint.is_empty());
        assert!(error.to_string().contains(parameter), "{error}");
    }
    assert!(server.requests().is_empty(), "nothing was sent");

    // The edges of each range are accepted.
    okr()
        .list("ou_1", 0, 10)
        .period_ids(users(10))
        .send()
        .await
        .expect("limit 10, 10 periods");
    okr().list("ou_1", 0, 0).send().await.expect("limit 0");
    stage()
        .find_by_user_list("s", users(50))
        .send()
        .await
        .expect("50 users");
    assert_eq!(server.requests().len(), 3);
}

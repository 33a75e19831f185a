//! Lazy page and item streams in both paging styles.

mod mock;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use feishu_mock_server::{Fault, Route};
use feishu_runtime::paginate::{
    OffsetPage, PageStream, TokenPage, items, offset_pages, token_pages,
};
use feishu_runtime::{Client, Error, PaginationErrorKind, StreamExt, TryStreamExt};
use mock::{OkrPage, builder, list_okrs, server};

impl OffsetPage for OkrPage {
    fn item_count(&self) -> usize {
        self.okr_list.len()
    }
    fn total(&self) -> Option<u64> {
        self.total
    }
}

fn okr_pages(client: &Client, user: &'static str, limit: i64) -> PageStream<OkrPage> {
    let client = client.clone();
    offset_pages(0, move |offset| {
        let client = client.clone();
        async move {
            client
                .execute::<OkrPage>(list_okrs(user, offset, limit))
                .await
        }
    })
}

#[tokio::test]
async fn offset_stream_walks_every_page_and_stops_at_total() {
    let server = server().await;
    let client = builder(&server).build().unwrap();
    let pages: Vec<OkrPage> = okr_pages(&client, "ou_1", 5).try_collect().await.unwrap();
    assert_eq!(
        pages.iter().map(|p| p.okr_list.len()).collect::<Vec<_>>(),
        [5, 5, 4]
    );
    let offsets: Vec<String> = server
        .requests(Route::OkrList)
        .iter()
        .map(|r| r.query.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        offsets,
        ["offset=0&limit=5", "offset=5&limit=5", "offset=10&limit=5"]
    );

    let ids: Vec<String> = items(okr_pages(&client, "ou_1", 5), |page| page.okr_list)
        .map_ok(|okr| okr.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids.len(), 14);
    let unique: std::collections::HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), 14);
}

#[tokio::test]
async fn offset_stream_is_lazy() {
    let server = server().await;
    let client = builder(&server).build().unwrap();
    let mut pages = okr_pages(&client, "ou_1", 5);
    assert_eq!(
        server.count(Route::OkrList),
        0,
        "nothing fetched before polling"
    );
    pages.next().await.unwrap().unwrap();
    assert_eq!(server.count(Route::OkrList), 1);
}

#[tokio::test]
async fn offset_stream_stops_on_an_empty_page_without_total() {
    #[derive(Debug)]
    struct Page(usize);
    impl OffsetPage for Page {
        fn item_count(&self) -> usize {
            self.0
        }
        fn total(&self) -> Option<u64> {
            None
        }
    }
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let pages: Vec<Page> = offset_pages(0, move |offset| {
        counter.fetch_add(1, Ordering::SeqCst);
        async move { Ok(Page(if offset < 20 { 10 } else { 0 })) }
    })
    .try_collect()
    .await
    .unwrap();
    assert_eq!(pages.len(), 3);
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn errors_are_passed_on_and_end_the_stream() {
    let server = server().await;
    let client = builder(&server).build().unwrap();
    // Unknown user: the first page fails.
    let results: Vec<Result<OkrPage, Error>> = okr_pages(&client, "ou_nobody", 5).collect().await;
    assert_eq!(results.len(), 1);
    assert!(matches!(&results[0], Err(e) if e.code() == Some(1001003)));

    // A failure mid-way (a decode error is not retried) ends the item stream after the
    // items already received.
    server.clear_log();
    let stream = items(okr_pages(&client, "ou_1", 5), |page| page.okr_list);
    let mut stream = stream;
    for _ in 0..5 {
        stream.next().await.unwrap().unwrap();
    }
    server.inject(Route::OkrList, Fault::MalformedJson, 1);
    let rest: Vec<_> = stream.collect().await;
    assert_eq!(rest.len(), 1);
    assert!(matches!(rest[0], Err(Error::Decode(_))));
    assert_eq!(server.count(Route::OkrList), 2);
}

#[derive(Debug, Clone)]
struct TPage {
    items: Vec<u32>,
    has_more: Option<bool>,
    token: Option<String>,
}

impl TokenPage for TPage {
    fn item_count(&self) -> usize {
        self.items.len()
    }
    fn has_more(&self) -> Option<bool> {
        self.has_more
    }
    fn page_token(&self) -> Option<&str> {
        self.token.as_deref()
    }
}

fn page(items: &[u32], has_more: bool, token: Option<&str>) -> TPage {
    TPage {
        items: items.to_vec(),
        has_more: Some(has_more),
        token: token.map(str::to_owned),
    }
}

type AskedTokens = Arc<std::sync::Mutex<Vec<Option<String>>>>;

/// A fake server: answers each token from `script`, records the tokens asked for.
fn scripted(
    script: Vec<(Option<&'static str>, Result<TPage, ()>)>,
) -> (PageStream<TPage>, AskedTokens) {
    let asked = Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = Arc::clone(&asked);
    let stream = token_pages(None, move |token: Option<String>| {
        log.lock().unwrap().push(token.clone());
        let answer = script
            .iter()
            .find(|(t, _)| t.map(str::to_owned) == token)
            .map(|(_, answer)| answer.clone());
        async move {
            match answer {
                Some(Ok(page)) => Ok(page),
                _ => Err(Error::Config("scripted failure".into())),
            }
        }
    });
    (stream, asked)
}

#[tokio::test]
async fn token_stream_follows_tokens_until_has_more_is_false() {
    let (stream, asked) = scripted(vec![
        (None, Ok(page(&[1, 2], true, Some("p2")))),
        (Some("p2"), Ok(page(&[3], true, Some("p3")))),
        (Some("p3"), Ok(page(&[4], false, Some("p4")))),
    ]);
    let all: Vec<u32> = items(stream, |p| p.items).try_collect().await.unwrap();
    assert_eq!(all, [1, 2, 3, 4]);
    assert_eq!(
        *asked.lock().unwrap(),
        [None, Some("p2".into()), Some("p3".into())]
    );
}

fn pagination_kind(result: Option<&Result<TPage, Error>>) -> Option<PaginationErrorKind> {
    match result {
        Some(Err(Error::Pagination(error))) => Some(error.kind),
        _ => None,
    }
}

#[tokio::test]
async fn token_stream_ends_with_an_error_on_a_repeated_or_missing_token() {
    let (stream, asked) = scripted(vec![
        (None, Ok(page(&[1], true, Some("a")))),
        (Some("a"), Ok(page(&[2], true, Some("b")))),
        (Some("b"), Ok(page(&[3], true, Some("a")))),
    ]);
    let results: Vec<Result<TPage, Error>> = stream.collect().await;
    assert_eq!(results.len(), 4, "three pages, then the error");
    assert!(results[..3].iter().all(Result::is_ok));
    assert_eq!(
        pagination_kind(results.last()),
        Some(PaginationErrorKind::RepeatedPageToken)
    );
    assert_eq!(
        asked.lock().unwrap().len(),
        3,
        "the loop back to `a` is not followed"
    );

    for token in [Some(""), None] {
        let (stream, _) = scripted(vec![(None, Ok(page(&[1], true, token)))]);
        let results: Vec<Result<TPage, Error>> = stream.collect().await;
        assert_eq!(results.len(), 2, "{token:?}");
        assert_eq!(
            pagination_kind(results.last()),
            Some(PaginationErrorKind::MissingPageToken)
        );
    }
}

/// A server answering `has_more: true` with no items and a fresh token every time.
fn endless_empty_pages(first_items: Vec<u32>) -> (PageStream<TPage>, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let stream = token_pages(None, move |_token| {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        // The first page may carry items; then, two empty pages, one item, and
        // empty pages forever.
        let items = match n {
            0 => first_items.clone(),
            3 => vec![9],
            _ => Vec::new(),
        };
        async move {
            Ok(TPage {
                items,
                has_more: Some(true),
                token: Some(format!("fresh-{n}")),
            })
        }
    });
    (stream, calls)
}

#[tokio::test]
async fn token_stream_gives_up_on_endless_empty_pages_with_has_more() {
    let (stream, calls) = endless_empty_pages(vec![1]);
    let results: Vec<Result<TPage, Error>> = stream.take(100).collect().await;
    // Pages: [1], [], [], [9] (resets the count), [], [], [] -> error.
    assert_eq!(calls.load(Ordering::SeqCst), 7, "{results:?}");
    assert_eq!(results.len(), 8);
    assert_eq!(
        pagination_kind(results.last()),
        Some(PaginationErrorKind::EmptyPages)
    );
    match results.last() {
        Some(Err(error)) => assert!(error.to_string().contains("after 7 pages"), "{error}"),
        other => panic!("{other:?}"),
    }
}

#[derive(Debug)]
struct FullPage;

impl OffsetPage for FullPage {
    fn item_count(&self) -> usize {
        10
    }
    fn total(&self) -> Option<u64> {
        None
    }
}

#[tokio::test]
async fn offset_stream_ends_with_an_error_where_the_offset_cannot_advance() {
    for start in [i64::from(i32::MAX) - 15, i64::MAX - 3] {
        let offsets = Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = Arc::clone(&offsets);
        let results: Vec<Result<FullPage, Error>> = offset_pages(start, move |offset| {
            log.lock().unwrap().push(offset);
            async { Ok(FullPage) }
        })
        .take(100)
        .collect()
        .await;
        let offsets = offsets.lock().unwrap().clone();
        assert!(offsets.len() <= 2, "{start}: {offsets:?}");
        assert!(offsets.iter().all(|offset| *offset >= start), "{offsets:?}");
        match results.last() {
            Some(Err(Error::Pagination(error))) => {
                assert_eq!(error.kind, PaginationErrorKind::OffsetOverflow);
            }
            other => panic!("{start}: expected an offset error, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn token_stream_passes_an_error_on_and_ends() {
    let (stream, asked) = scripted(vec![
        (None, Ok(page(&[1], true, Some("p2")))),
        (Some("p2"), Err(())),
        (Some("p3"), Ok(page(&[3], false, None))),
    ]);
    let results: Vec<Result<TPage, Error>> = stream.collect().await;
    assert_eq!(results.len(), 2);
    assert!(results[1].is_err());
    assert_eq!(asked.lock().unwrap().len(), 2);
}

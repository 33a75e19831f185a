//! Lazy page and item streams in both paging styles.

mod mock;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use feishu_mock_server::{Fault, Route};
use feishu_runtime::paginate::{
    OffsetPage, PageStream, TokenPage, items, offset_pages, token_pages,
};
use feishu_runtime::{Client, Error, StreamExt, TryStreamExt};
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

#[tokio::test]
async fn token_stream_stops_on_a_repeated_or_empty_token() {
    let (stream, asked) = scripted(vec![
        (None, Ok(page(&[1], true, Some("a")))),
        (Some("a"), Ok(page(&[2], true, Some("b")))),
        (Some("b"), Ok(page(&[3], true, Some("a")))),
    ]);
    let pages: Vec<TPage> = stream.try_collect().await.unwrap();
    assert_eq!(pages.len(), 3, "the loop back to `a` is not followed");
    assert_eq!(asked.lock().unwrap().len(), 3);

    let (stream, _) = scripted(vec![(None, Ok(page(&[1], true, Some(""))))]);
    assert_eq!(stream.count().await, 1);
    let (stream, _) = scripted(vec![(None, Ok(page(&[1], true, None)))]);
    assert_eq!(stream.count().await, 1);
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

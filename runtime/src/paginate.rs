//! Lazy streams over paged list endpoints, in both of the platform's paging styles.

use std::collections::HashSet;
use std::future::Future;

use futures::StreamExt;
use futures::stream::{self, BoxStream};

use crate::error::Error;

/// A stream of pages or items; every `Err` is the last element.
pub type PageStream<T> = BoxStream<'static, Result<T, Error>>;

/// A page of an `offset`/`limit` list whose response states the `total`.
pub trait OffsetPage {
    /// Items on this page; the next page starts that many items further.
    fn item_count(&self) -> usize;
    /// The number of items in the whole list, when the response says.
    fn total(&self) -> Option<u64>;
}

/// A page of a `page_token`/`has_more` list.
pub trait TokenPage {
    /// Items on this page.
    fn item_count(&self) -> usize;
    /// Whether the server says more pages follow.
    fn has_more(&self) -> Option<bool>;
    /// The token that fetches the next page.
    fn page_token(&self) -> Option<&str>;
}

/// Pages of an offset-paged list, fetched one at a time as the stream is polled.
///
/// The next offset is the previous one plus the page's item count. The stream ends once
/// the offset reaches `total`, after an empty page (so a wrong `total` cannot loop
/// forever), or right after yielding an error.
pub fn offset_pages<P, F, Fut>(start_offset: i64, mut fetch: F) -> PageStream<P>
where
    P: OffsetPage + Send + 'static,
    F: FnMut(i64) -> Fut + Send + 'static,
    Fut: Future<Output = Result<P, Error>> + Send + 'static,
{
    stream::unfold(Some(start_offset), move |next| {
        let request = next.map(&mut fetch);
        async move {
            let (offset, page) = (next?, request?.await);
            let page = match page {
                Ok(page) => page,
                Err(error) => return Some((Err(error), None)),
            };
            let count = page.item_count();
            let next_offset = offset.saturating_add(i64::try_from(count).unwrap_or(i64::MAX));
            let reached_total = page
                .total()
                .is_some_and(|total| u64::try_from(next_offset).is_ok_and(|n| n >= total));
            let more = count > 0 && !reached_total;
            Some((Ok(page), more.then_some(next_offset)))
        }
    })
    .boxed()
}

/// Pages of a token-paged list, fetched one at a time as the stream is polled.
///
/// The stream ends when `has_more` is false or absent, when the next token is empty or
/// absent, when the server hands out a token it already gave (a server-side loop), or
/// right after yielding an error.
pub fn token_pages<P, F, Fut>(start_token: Option<String>, mut fetch: F) -> PageStream<P>
where
    P: TokenPage + Send + 'static,
    F: FnMut(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<P, Error>> + Send + 'static,
{
    let seen: HashSet<String> = start_token.iter().cloned().collect();
    // State: the token of the next page to fetch (`None` = the first page) and every
    // token seen so far; `None` state ends the stream.
    stream::unfold(Some((start_token, seen)), move |state| {
        let request = state.map(|(token, seen)| (fetch(token), seen));
        async move {
            let (request, mut seen) = request?;
            let page = match request.await {
                Ok(page) => page,
                Err(error) => return Some((Err(error), None)),
            };
            let next = match (page.has_more(), page.page_token()) {
                (Some(true), Some(token)) if !token.is_empty() => {
                    if seen.insert(token.to_owned()) {
                        Some((Some(token.to_owned()), seen))
                    } else {
                        tracing::warn!("page_token repeated; stopping to avoid a loop");
                        None
                    }
                }
                _ => None,
            };
            Some((Ok(page), next))
        }
    })
    .boxed()
}

/// Flattens a stream of pages into a stream of items; an error is passed on as is.
pub fn items<P, T, F>(pages: PageStream<P>, mut extract: F) -> PageStream<T>
where
    P: Send + 'static,
    T: Send + 'static,
    F: FnMut(P) -> Vec<T> + Send + 'static,
{
    pages
        .flat_map(move |page| {
            let batch: Vec<Result<T, Error>> = match page {
                Ok(page) => extract(page).into_iter().map(Ok).collect(),
                Err(error) => vec![Err(error)],
            };
            stream::iter(batch)
        })
        .boxed()
}

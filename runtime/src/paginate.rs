//! Lazy streams over paged list endpoints, in both of the platform's paging styles.
//!
//! A server that never says "done" must not make a stream run forever. Besides the
//! normal ends (the `total` reached, an empty offset page, `has_more` false), a stream
//! ends with an [`Error::Pagination`] when:
//!
//! - a page token repeats one handed out before (a loop). Tokens are remembered as
//!   64-bit hashes, the last [`SEEN_TOKENS`] of them, so memory stays bounded whatever
//!   the list's length or the tokens' size;
//! - `has_more` is true but no next token is given;
//! - [`MAX_EMPTY_PAGES`] pages in a row are empty yet say `has_more` (a few are allowed:
//!   the platform can filter a page down to nothing and still have more);
//! - the next offset does not fit the `offset` parameter, an `int32` on every Feishu
//!   endpoint ([`MAX_OFFSET`]): it could only be sent clamped, fetching the same page
//!   again and again.
//!
//! The pages before the error are delivered, and nothing more is requested.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::hash::{Hash, Hasher};

use futures::stream::{self, BoxStream};
use futures::{Stream, StreamExt};

use crate::error::{Error, PaginationError, PaginationErrorKind};

/// How many page tokens a token stream remembers to detect a loop.
pub const SEEN_TOKENS: usize = 4096;

/// Empty pages in a row with `has_more: true` after which a token stream gives up.
pub const MAX_EMPTY_PAGES: u32 = 3;

/// The largest offset an offset stream requests: `offset` is an `int32` on the wire.
pub const MAX_OFFSET: i64 = i32::MAX as i64;

/// A boxed stream of pages or items; every `Err` is the last element.
///
/// Generated code returns the streams of [`offset_stream`], [`token_stream`] and
/// [`item_stream`] instead: a `dyn Stream` is a vtable, and a vtable makes the crate that
/// creates it compile the whole send-and-decode chain of every endpoint, used or not.
/// Those streams are `Pin<Box<concrete type>>` inside (one allocation per stream, no
/// vtable), so they are `Unpin` like this one and `next().await` works on them directly.
/// Box one yourself (`StreamExt::boxed`) to store streams of different endpoints.
pub type PageStream<T> = BoxStream<'static, Result<T, Error>>;

/// A page of an `offset`/`limit` list whose response states the `total`.
pub trait OffsetPage {
    /// Items on this page; the next page starts that many items further.
    fn item_count(&self) -> usize;
    /// The number of items in the whole list, when the response says.
    fn total(&self) -> Option<u64>;
}

/// An `offset` parameter as a request builder stores it: `i32`, `i64`, or an `Option` of
/// one when the parameter is optional. Generated `pages()` start at [`OffsetParam::start`]
/// and set each next request's parameter with [`OffsetParam::at`].
///
/// ```
/// use feishu_runtime::paginate::OffsetParam;
///
/// assert_eq!(OffsetParam::start(&20_i32), 20);
/// assert_eq!(OffsetParam::start(&None::<i32>), 0);
/// let next: Option<i32> = OffsetParam::at(30);
/// assert_eq!(next, Some(30));
/// ```
pub trait OffsetParam: Sized {
    /// The offset the first request asks for; 0 when the parameter is unset.
    fn start(&self) -> i64;
    /// The parameter for a later request at `offset`. An offset stream never asks for one
    /// beyond [`MAX_OFFSET`]; were it to, an `i32` would hold `i32::MAX`.
    fn at(offset: i64) -> Self;
}

impl OffsetParam for i32 {
    #[inline]
    fn start(&self) -> i64 {
        i64::from(*self)
    }
    #[inline]
    fn at(offset: i64) -> Self {
        i32::try_from(offset).unwrap_or(i32::MAX)
    }
}

impl OffsetParam for i64 {
    #[inline]
    fn start(&self) -> i64 {
        *self
    }
    #[inline]
    fn at(offset: i64) -> Self {
        offset
    }
}

impl<T: OffsetParam> OffsetParam for Option<T> {
    #[inline]
    fn start(&self) -> i64 {
        self.as_ref().map_or(0, T::start)
    }
    #[inline]
    fn at(offset: i64) -> Self {
        Some(T::at(offset))
    }
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

/// What a stream does on its next poll.
enum Next<S> {
    /// Fetch a page.
    Fetch(S),
    /// Yield this error, then end.
    Fail(Error),
}

fn fail<S>(kind: PaginationErrorKind, pages: u64) -> Option<Next<S>> {
    Some(Next::Fail(PaginationError::new(kind, pages).into()))
}

/// Pages of an offset-paged list, fetched one at a time as the stream is polled.
///
/// The next offset is the previous one plus the page's item count. The stream ends once
/// the offset reaches `total`, after an empty page (so a wrong `total` cannot loop
/// forever), right after yielding an error, or with [`Error::Pagination`] when the next
/// offset would pass [`MAX_OFFSET`].
pub fn offset_stream<P, F, Fut>(
    start_offset: i64,
    mut fetch: F,
) -> impl Stream<Item = Result<P, Error>> + Send + Unpin + 'static
where
    P: OffsetPage + Send + 'static,
    F: FnMut(i64) -> Fut + Send + 'static,
    Fut: Future<Output = Result<P, Error>> + Send + 'static,
{
    // State: the offset to fetch and the pages received so far.
    Box::pin(stream::unfold(
        Some(Next::Fetch((start_offset, 0_u64))),
        move |next| {
            let request = match next {
                Some(Next::Fetch((offset, pages))) => Some(Ok((offset, pages, fetch(offset)))),
                Some(Next::Fail(error)) => Some(Err(error)),
                None => None,
            };
            async move {
                let (offset, pages, request) = match request? {
                    Ok(request) => request,
                    Err(error) => return Some((Err(error), None)),
                };
                let page = match request.await {
                    Ok(page) => page,
                    Err(error) => return Some((Err(error), None)),
                };
                let next = after_offset_page(offset, pages, page.item_count(), page.total());
                Some((Ok(page), next))
            }
        },
    ))
}

/// [`offset_stream`], boxed.
pub fn offset_pages<P, F, Fut>(start_offset: i64, fetch: F) -> PageStream<P>
where
    P: OffsetPage + Send + 'static,
    F: FnMut(i64) -> Fut + Send + 'static,
    Fut: Future<Output = Result<P, Error>> + Send + 'static,
{
    offset_stream(start_offset, fetch).boxed()
}

/// What comes after a page of `count` items fetched at `offset`. Not generic: one copy
/// serves every offset-paged endpoint.
#[inline(never)]
fn after_offset_page(
    offset: i64,
    pages: u64,
    count: usize,
    total: Option<u64>,
) -> Option<Next<(i64, u64)>> {
    let pages = pages.saturating_add(1);
    let next_offset = offset.saturating_add(i64::try_from(count).unwrap_or(i64::MAX));
    let reached_total =
        total.is_some_and(|total| u64::try_from(next_offset).is_ok_and(|n| n >= total));
    if count == 0 || reached_total {
        None
    } else if next_offset > MAX_OFFSET {
        fail(PaginationErrorKind::OffsetOverflow, pages)
    } else {
        Some(Next::Fetch((next_offset, pages)))
    }
}

/// Where a token stream is.
struct TokenState {
    /// The token of the next page (`None` = the first page).
    token: Option<String>,
    seen: SeenTokens,
    empty_in_a_row: u32,
    pages: u64,
}

/// Pages of a token-paged list, fetched one at a time as the stream is polled.
///
/// The stream ends when `has_more` is false or absent, or right after yielding an
/// error; it ends with [`Error::Pagination`] when the server repeats a token, says
/// `has_more` without a token, or sends [`MAX_EMPTY_PAGES`] empty pages in a row that
/// say `has_more`.
pub fn token_stream<P, F, Fut>(
    start_token: Option<String>,
    mut fetch: F,
) -> impl Stream<Item = Result<P, Error>> + Send + Unpin + 'static
where
    P: TokenPage + Send + 'static,
    F: FnMut(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<P, Error>> + Send + 'static,
{
    Box::pin(stream::unfold(
        Some(Next::Fetch(TokenState::new(start_token))),
        move |next| {
            let request = match next {
                Some(Next::Fetch(mut state)) => {
                    let request = fetch(state.token.take());
                    Some(Ok((state, request)))
                }
                Some(Next::Fail(error)) => Some(Err(error)),
                None => None,
            };
            async move {
                let (state, request) = match request? {
                    Ok(request) => request,
                    Err(error) => return Some((Err(error), None)),
                };
                let page = match request.await {
                    Ok(page) => page,
                    Err(error) => return Some((Err(error), None)),
                };
                let next = state.follow(page.has_more(), page.page_token(), page.item_count());
                Some((Ok(page), next))
            }
        },
    ))
}

/// [`token_stream`], boxed.
pub fn token_pages<P, F, Fut>(start_token: Option<String>, fetch: F) -> PageStream<P>
where
    P: TokenPage + Send + 'static,
    F: FnMut(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<P, Error>> + Send + 'static,
{
    token_stream(start_token, fetch).boxed()
}

impl TokenState {
    fn new(start_token: Option<String>) -> Self {
        let mut seen = SeenTokens::default();
        if let Some(token) = &start_token {
            seen.insert(token);
        }
        Self {
            token: start_token,
            seen,
            empty_in_a_row: 0,
            pages: 0,
        }
    }

    /// What comes after a page. Not generic: one copy serves every token-paged endpoint.
    #[inline(never)]
    fn follow(
        mut self,
        has_more: Option<bool>,
        token: Option<&str>,
        item_count: usize,
    ) -> Option<Next<TokenState>> {
        self.pages = self.pages.saturating_add(1);
        if has_more != Some(true) {
            return None;
        }
        let Some(token) = token.filter(|token| !token.is_empty()) else {
            return fail(PaginationErrorKind::MissingPageToken, self.pages);
        };
        if !self.seen.insert(token) {
            return fail(PaginationErrorKind::RepeatedPageToken, self.pages);
        }
        if item_count == 0 {
            self.empty_in_a_row += 1;
            if self.empty_in_a_row >= MAX_EMPTY_PAGES {
                return fail(PaginationErrorKind::EmptyPages, self.pages);
            }
        } else {
            self.empty_in_a_row = 0;
        }
        self.token = Some(token.to_owned());
        Some(Next::Fetch(self))
    }
}

/// The most recent [`SEEN_TOKENS`] page tokens, as hashes.
#[derive(Default)]
struct SeenTokens {
    set: HashSet<u64>,
    order: VecDeque<u64>,
}

impl SeenTokens {
    /// Remembers `token`; false if it was already remembered.
    fn insert(&mut self, token: &str) -> bool {
        let mut hasher = DefaultHasher::new();
        token.hash(&mut hasher);
        let hash = hasher.finish();
        if !self.set.insert(hash) {
            return false;
        }
        self.order.push_back(hash);
        if self.order.len() > SEEN_TOKENS
            && let Some(oldest) = self.order.pop_front()
        {
            self.set.remove(&oldest);
        }
        true
    }
}

/// Flattens a stream of pages into a stream of items; an error is passed on as is.
pub fn item_stream<S, P, T, F>(
    pages: S,
    mut extract: F,
) -> impl Stream<Item = Result<T, Error>> + Send + Unpin + 'static
where
    S: Stream<Item = Result<P, Error>> + Send + 'static,
    P: Send + 'static,
    T: Send + 'static,
    F: FnMut(P) -> Vec<T> + Send + 'static,
{
    Box::pin(pages.flat_map(move |page| {
        let batch: Vec<Result<T, Error>> = match page {
            Ok(page) => extract(page).into_iter().map(Ok).collect(),
            Err(error) => vec![Err(error)],
        };
        stream::iter(batch)
    }))
}

/// [`item_stream`] over a boxed stream, boxed.
pub fn items<P, T, F>(pages: PageStream<P>, extract: F) -> PageStream<T>
where
    P: Send + 'static,
    T: Send + 'static,
    F: FnMut(P) -> Vec<T> + Send + 'static,
{
    item_stream(pages, extract).boxed()
}

#[cfg(test)]
mod tests {
    use super::{MAX_OFFSET, OffsetParam};

    #[test]
    fn offset_params_start_at_their_value_and_take_the_next_offset() {
        assert_eq!(OffsetParam::start(&7_i32), 7);
        assert_eq!(OffsetParam::start(&-1_i64), -1);
        assert_eq!(OffsetParam::start(&Some(5_i64)), 5);
        assert_eq!(OffsetParam::start(&None::<i64>), 0);
        assert_eq!(<i32 as OffsetParam>::at(MAX_OFFSET), i32::MAX);
        assert_eq!(<i32 as OffsetParam>::at(MAX_OFFSET + 1), i32::MAX);
        assert_eq!(<i64 as OffsetParam>::at(MAX_OFFSET + 1), MAX_OFFSET + 1);
        assert_eq!(<Option<i32> as OffsetParam>::at(40), Some(40));
    }
}

//! Names for what generated endpoint methods return, so that a signature reads
//! `-> impl ResponseFuture<ListUserOkrResponse>` instead of three lines of
//! `impl Future<Output = Result<…, Error>> + Send + 'static`.
//!
//! Both are plain traits with a blanket impl: any future or stream of the right shape
//! is one (`send()` returns a [`Sending`](crate::Sending)), and a caller sees the
//! supertraits (`Future`, `Stream`, `Send`, `Unpin`, `'static`), so `.await`,
//! `tokio::spawn`, `try_next().await` and the `StreamExt`/`TryStreamExt` combinators
//! work on the returned values as on the spelled-out types.

use std::future::Future;

use futures::Stream;

use crate::error::Error;

/// A future of one decoded response: what an endpoint's `send()` returns.
///
/// `Send + 'static`, so it can be awaited, spawned or stored.
///
/// ```
/// use feishu_runtime::{Error, ResponseFuture};
///
/// fn answer() -> impl ResponseFuture<u32> {
///     async { Ok::<u32, Error>(42) }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// assert_eq!(answer().await.unwrap(), 42);
/// let spawned = tokio::spawn(answer());
/// assert_eq!(spawned.await.unwrap().unwrap(), 42);
/// # });
/// ```
pub trait ResponseFuture<T>: Future<Output = Result<T, Error>> + Send + 'static {}

impl<T, F> ResponseFuture<T> for F where F: Future<Output = Result<T, Error>> + Send + 'static {}

/// A stream of results, each `Err` the last one: what an endpoint's `pages()` and
/// `items()` return.
///
/// `Send + Unpin + 'static`, so `next().await` and `try_next().await` work on it without
/// pinning, and it can be spawned or stored.
///
/// ```
/// use feishu_runtime::{Error, ResultStream, TryStreamExt};
///
/// fn numbers() -> impl ResultStream<u32> {
///     futures::stream::iter([Ok::<u32, Error>(1), Ok(2)])
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let mut stream = numbers();
/// assert_eq!(stream.try_next().await.unwrap(), Some(1));
/// assert_eq!(numbers().try_collect::<Vec<_>>().await.unwrap(), [1, 2]);
/// # });
/// ```
pub trait ResultStream<T>: Stream<Item = Result<T, Error>> + Send + Unpin + 'static {}

impl<T, S> ResultStream<T> for S where S: Stream<Item = Result<T, Error>> + Send + Unpin + 'static {}

#[cfg(test)]
mod tests {
    use futures::{StreamExt, TryStreamExt};

    use super::{ResponseFuture, ResultStream};
    use crate::error::{Error, InvalidRequest};

    fn future(ok: bool) -> impl ResponseFuture<&'static str> {
        async move {
            if ok {
                Ok("page")
            } else {
                Err(InvalidRequest::new("x", "y", "z").into())
            }
        }
    }

    fn stream() -> impl ResultStream<u32> {
        futures::stream::iter([
            Ok(1),
            Ok(2),
            Err(Error::from(InvalidRequest::new("x", "y", "z"))),
        ])
    }

    fn assert_spawnable<T: Send + Unpin + 'static>(_: &T) {}

    /// The bounds belong to the traits, so generic code can rely on them; on an
    /// `impl Trait` value the auto traits would leak from the concrete type anyway,
    /// which would hide a trait that lost one.
    fn bounds_of_the_traits_themselves<A, B>(f: impl ResponseFuture<A>, s: impl ResultStream<B>) {
        fn send_static<T: Send + 'static>(_: &T) {}
        send_static(&f);
        assert_spawnable(&s);
    }

    #[test]
    fn the_traits_carry_send_unpin_and_static() {
        bounds_of_the_traits_themselves(future(true), stream());
    }

    #[tokio::test]
    async fn the_future_awaits_to_its_result_and_can_be_spawned() {
        assert_eq!(future(true).await.unwrap(), "page");
        assert!(future(false).await.is_err());
        let spawned = tokio::spawn(future(true)).await.unwrap();
        assert_eq!(spawned.unwrap(), "page");
    }

    #[tokio::test]
    async fn the_stream_takes_stream_and_try_stream_combinators() {
        assert_spawnable(&stream());
        let mut s = stream();
        assert_eq!(s.try_next().await.unwrap(), Some(1));
        assert_eq!(s.next().await.unwrap().unwrap(), 2);
        assert!(s.try_next().await.is_err());
        let doubled: Vec<Result<u32, Error>> = stream().map_ok(|n| n * 2).take(2).collect().await;
        assert_eq!(
            doubled.into_iter().map(Result::unwrap).collect::<Vec<_>>(),
            [2, 4]
        );
        assert!(stream().try_collect::<Vec<_>>().await.is_err());
    }
}

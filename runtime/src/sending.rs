//! [`Client::send`] and the future it returns, [`Sending`].
//!
//! Why a named future instead of an `async fn`: every generated endpoint's `send()`
//! returns `impl ResponseFuture<ItsResponse>`, and the compiler proves that bound
//! (`Send + 'static`) once per endpoint. For the state machine of an `async fn` that
//! proof walks every type held across an `.await` down the whole request path
//! (tokens, rate limits, retries, reqwest, tokio), again for each response type: about
//! 9.5 ms of type and borrow checking per endpoint, 13% of a 500-endpoint crate's CPU
//! (BENCHMARKS.md, "Third round"). [`Sending`] holds the non-generic request
//! future behind one `Box<dyn Future + Send>`, made here in the runtime (so its vtable
//! is compiled once, not in the generated crate), plus the decoding step: its
//! `Send`, `Unpin` and `'static` follow from three fields.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use serde::de::DeserializeOwned;

use crate::client::{Client, decode, request_call};
use crate::error::Error;
use crate::operation::Envelope;
use crate::request::Request;
use crate::response::Success;

/// The non-generic part of a call: everything up to a successful envelope.
type Exchange = Pin<Box<dyn Future<Output = Result<Success, Error>> + Send>>;

impl Client {
    /// Sends a request assembled by generated code: `request` is the outcome of
    /// assembling it, so a parameter refused before sending is returned as it is.
    ///
    /// Generated `send` methods are one call to this (or [`Client::send_download`]): the
    /// only code each endpoint adds is its own decode. Everything else (tokens, rate
    /// limits, retries, the envelope) is [`Client::execute`]'s non-generic core.
    ///
    /// Nothing happens until the returned future is polled.
    ///
    /// # Errors
    ///
    /// As [`Client::execute`], and `request`'s own error.
    pub fn send<T: DeserializeOwned>(self, request: Result<Request, Error>) -> Sending<T> {
        let envelope = request
            .as_ref()
            .map_or(Envelope::Data, |request| request.operation().envelope);
        Sending {
            exchange: exchange(self, request),
            envelope,
            output: PhantomData,
        }
    }
}

/// Not generic, so the boxed future and its vtable are compiled once, here.
fn exchange(client: Client, request: Result<Request, Error>) -> Exchange {
    Box::pin(async move {
        let request = request?;
        let call = request_call(&request)?;
        client.run_json(call).await
    })
}

/// The future [`Client::send`] returns: the response's `data` decoded into `T`.
///
/// `Send`, `Unpin` and `'static` (for a `'static` `T`), so it can be awaited, spawned
/// or stored; generated endpoints return it as `impl ResponseFuture<T>`.
#[must_use = "a request does nothing until it is awaited"]
pub struct Sending<T> {
    exchange: Exchange,
    envelope: Envelope,
    /// `fn() -> T`: the future produces a `T` and holds none, so `T` decides neither
    /// `Send` nor `Sync`.
    output: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> Future for Sending<T> {
    type Output = Result<T, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let envelope = self.envelope;
        self.exchange
            .as_mut()
            .poll(cx)
            .map(|outcome| decode(&outcome?, envelope))
    }
}

impl<T> fmt::Debug for Sending<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sending")
            .field("envelope", &self.envelope)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::Sending;
    use crate::client::Client;
    use crate::error::Error;
    use crate::request::Request;

    fn send_unpin_static<F: Send + Unpin + 'static>() {}

    /// What generated `send()` methods promise: spawnable and awaitable without
    /// pinning, whatever the response type (even one that is neither `Send` nor `Sync`).
    #[test]
    fn the_future_is_send_unpin_and_static_for_any_output() {
        send_unpin_static::<Sending<u32>>();
        send_unpin_static::<Sending<std::rc::Rc<u32>>>();
    }

    /// `send` returns the named future, not an `async fn`'s state machine, which would
    /// cost every generated endpoint a proof of `Send` through the whole request path.
    #[test]
    fn send_returns_the_named_future() {
        let send: fn(Client, Result<Request, Error>) -> Sending<u32> = Client::send::<u32>;
        let _ = send;
    }
}

//! `multipart/form-data` request bodies: the upload endpoints (images, files, attachments).
//!
//! A [`Form`] is a list of text parts and file parts. It is turned into reqwest's form
//! once per attempt, so a form whose files are all in memory or on disk can be sent again
//! (a retry, a 307/308 redirect, a rejected token); a [`FilePart::stream`] or
//! [`FilePart::reader`] can be read only once, and a call whose stream was handed to the
//! HTTP client is never repeated: the platform may have received half a file.
//!
//! Files on disk are opened when the request is sent and streamed in chunks, never read
//! into memory whole. Every file part is read through a counter, so a size limit (see
//! [`validate::check_file_size`](crate::validate::check_file_size)) holds even when a
//! file grows after it was checked or a stream's length was not declared.

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::stream::{BoxStream, Stream, StreamExt, TryStreamExt};
use tokio::io::AsyncRead;

use crate::error::{Error, FileError, InvalidRequest};

type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A `multipart/form-data` body, built part by part.
///
/// ```
/// use feishu_runtime::multipart::{FilePart, Form};
///
/// let form = Form::new()
///     .text("image_type", "message")
///     .file("image", FilePart::bytes(vec![0x89, b'P', b'N', b'G']).file_name("a.png"));
/// assert!(form.is_replayable());
/// ```
#[derive(Default)]
pub struct Form {
    pub(crate) parts: Vec<(&'static str, Part)>,
}

pub(crate) enum Part {
    Text(String),
    File(FilePart),
}

impl Form {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text part (scalars and enums are sent as their text).
    pub fn text(mut self, name: &'static str, value: impl fmt::Display) -> Self {
        self.parts.push((name, Part::Text(value.to_string())));
        self
    }

    /// Adds a file part.
    pub fn file(mut self, name: &'static str, part: FilePart) -> Self {
        self.parts.push((name, Part::File(part)));
        self
    }

    /// Whether the form can be sent more than once: true unless a file part is a stream.
    pub fn is_replayable(&self) -> bool {
        self.parts.iter().all(|(_, part)| match part {
            Part::Text(_) => true,
            Part::File(file) => file.is_replayable(),
        })
    }

    /// Whether a one-shot stream of this form was already handed to the HTTP client.
    pub(crate) fn is_consumed(&self) -> bool {
        self.parts.iter().any(|(_, part)| match part {
            Part::Text(_) => false,
            Part::File(file) => file.is_consumed(),
        })
    }

    /// The form as reqwest sends it; files are opened here.
    pub(crate) async fn to_reqwest(&self) -> Result<reqwest::multipart::Form, Error> {
        let mut form = reqwest::multipart::Form::new();
        for (name, part) in &self.parts {
            let part = match part {
                Part::Text(text) => reqwest::multipart::Part::text(text.clone()),
                Part::File(file) => file.to_reqwest(name).await?,
            };
            form = form.part(*name, part);
        }
        Ok(form)
    }
}

impl fmt::Debug for Form {
    // Text values may be anything the caller sends; names and file sizes suffice.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for (name, part) in &self.parts {
            match part {
                Part::Text(_) => list.entry(&format_args!("{name}: <text>")),
                Part::File(file) => list.entry(&format_args!("{name}: {file:?}")),
            };
        }
        list.finish()
    }
}

/// One file of a multipart body.
pub struct FilePart {
    source: Source,
    file_name: Option<String>,
    content_type: Option<String>,
    /// Byte limit enforced while the part is read; `u64::MAX` when none was set.
    limit: AtomicU64,
}

enum Source {
    Bytes(Bytes),
    Path(PathBuf),
    Stream {
        /// Taken by the first attempt.
        body: Mutex<Option<BoxStream<'static, Result<Bytes, BoxError>>>>,
        length: Option<u64>,
    },
}

impl FilePart {
    fn new(source: Source) -> Self {
        Self {
            source,
            file_name: None,
            content_type: None,
            limit: AtomicU64::new(u64::MAX),
        }
    }

    /// A file held in memory; replayable.
    pub fn bytes(bytes: impl Into<Bytes>) -> Self {
        Self::new(Source::Bytes(bytes.into()))
    }

    /// A file on disk, opened when the request is sent and streamed from there;
    /// replayable (each attempt opens it again). The file name defaults to the path's
    /// last component.
    pub fn path(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let file_name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned());
        let mut part = Self::new(Source::Path(path));
        part.file_name = file_name;
        part
    }

    /// A body read once, e.g. a `reqwest::Body` wrapping another download. `length`, when
    /// known, is sent as the part's size and checked against limits up front. Not
    /// replayable: a call sending it is never retried once the stream was handed over.
    pub fn stream(body: impl Into<reqwest::Body>, length: Option<u64>) -> Self {
        let body: reqwest::Body = body.into();
        let stream = http_body_util::BodyDataStream::new(body).map_err(BoxError::from);
        Self::from_stream(stream.boxed(), length)
    }

    /// Like [`FilePart::stream`], from any async reader (a socket, a pipe, a child process).
    pub fn reader(reader: impl AsyncRead + Send + 'static, length: Option<u64>) -> Self {
        let stream = tokio_util::io::ReaderStream::new(reader).map_err(BoxError::from);
        Self::from_stream(stream.boxed(), length)
    }

    fn from_stream(
        stream: BoxStream<'static, Result<Bytes, BoxError>>,
        length: Option<u64>,
    ) -> Self {
        Self::new(Source::Stream {
            body: Mutex::new(Some(stream)),
            length,
        })
    }

    /// The file name sent in the part's `Content-Disposition` (default: the path's last
    /// component, else the form field's name).
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// The part's `Content-Type` (e.g. `image/png`); checked when the request is sent.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The size in bytes when it is known without reading: the bytes' length, the file's
    /// current size on disk, or a stream's declared length.
    pub fn len_hint(&self) -> Option<u64> {
        match &self.source {
            Source::Bytes(bytes) => Some(bytes.len() as u64),
            Source::Path(path) => std::fs::metadata(path).ok().map(|meta| meta.len()),
            Source::Stream { length, .. } => *length,
        }
    }

    /// Whether the part can be sent more than once.
    pub fn is_replayable(&self) -> bool {
        !matches!(self.source, Source::Stream { .. })
    }

    fn is_consumed(&self) -> bool {
        match &self.source {
            Source::Stream { body, .. } => body
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .is_none(),
            _ => false,
        }
    }

    /// Sets the byte limit enforced while the part is read.
    pub(crate) fn limit_to(&self, max: u64) {
        self.limit.fetch_min(max, Ordering::Relaxed);
    }

    /// The part's size as `check_file_size` sees it: exact for bytes and paths.
    pub(crate) fn checked_len(&self) -> Result<Option<u64>, Error> {
        match &self.source {
            Source::Bytes(bytes) => Ok(Some(bytes.len() as u64)),
            Source::Path(path) => std::fs::metadata(path)
                .map(|meta| Some(meta.len()))
                .map_err(|error| FileError::new("read the upload file", path, error).into()),
            Source::Stream { length, .. } => Ok(*length),
        }
    }

    async fn to_reqwest(&self, name: &'static str) -> Result<reqwest::multipart::Part, Error> {
        let limit = self.limit.load(Ordering::Relaxed);
        let part = match &self.source {
            Source::Bytes(bytes) => {
                if bytes.len() as u64 > limit {
                    return Err(too_large(name, limit));
                }
                reqwest::multipart::Part::stream_with_length(bytes.clone(), bytes.len() as u64)
            }
            Source::Path(path) => {
                let file = tokio::fs::File::open(path)
                    .await
                    .map_err(|error| FileError::new("open the upload file", path, error))?;
                let length = file
                    .metadata()
                    .await
                    .map_err(|error| FileError::new("read the upload file", path, error))?
                    .len();
                if length > limit {
                    return Err(too_large(name, limit));
                }
                let stream = tokio_util::io::ReaderStream::new(file).map_err(BoxError::from);
                // Capped at the length announced in the part header as well: a file that
                // grows while it is sent must not make the body longer than declared.
                let counted = Counted::new(stream.boxed(), limit.min(length), name);
                reqwest::multipart::Part::stream_with_length(
                    reqwest::Body::wrap_stream(counted),
                    length,
                )
            }
            Source::Stream { body, length } => {
                if length.is_some_and(|length| length > limit) {
                    return Err(too_large(name, limit));
                }
                let taken = body
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .take();
                let Some(stream) = taken else {
                    return Err(InvalidRequest::new(
                        name,
                        "<stream>",
                        "is a one-shot stream that was already sent; it cannot be sent again",
                    )
                    .into());
                };
                let cap = length.map_or(limit, |length| length.min(limit));
                let body = reqwest::Body::wrap_stream(Counted::new(stream, cap, name));
                match length {
                    Some(length) => reqwest::multipart::Part::stream_with_length(body, *length),
                    None => reqwest::multipart::Part::stream(body),
                }
            }
        };
        // Always a file name: without one the part reads as a text field to a server.
        let file_name = self.file_name.clone().unwrap_or_else(|| (*name).to_owned());
        let part = part.file_name(file_name);
        match &self.content_type {
            Some(content_type) => part.mime_str(content_type).map_err(|_| {
                InvalidRequest::new(name, content_type.clone(), "must be a valid MIME type").into()
            }),
            None => Ok(part),
        }
    }
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match &self.source {
            Source::Bytes(bytes) => format!("{} bytes in memory", bytes.len()),
            Source::Path(path) => format!("file {}", path.display()),
            Source::Stream { length, .. } => match length {
                Some(length) => format!("stream of {length} bytes"),
                None => "stream of unknown length".to_owned(),
            },
        };
        f.debug_struct("FilePart")
            .field("source", &source)
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

fn too_large(name: &'static str, limit: u64) -> Error {
    InvalidRequest::new(name, "<file>", format!("must be at most {limit} bytes")).into()
}

/// A stream that fails once more than `cap` bytes went through it.
struct Counted {
    inner: BoxStream<'static, Result<Bytes, BoxError>>,
    seen: u64,
    cap: u64,
    name: &'static str,
}

impl Counted {
    fn new(
        inner: BoxStream<'static, Result<Bytes, BoxError>>,
        cap: u64,
        name: &'static str,
    ) -> Self {
        Self {
            inner,
            seen: 0,
            cap,
            name,
        }
    }
}

impl Stream for Counted {
    type Item = Result<Bytes, BoxError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match self.inner.poll_next_unpin(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                self.seen = self.seen.saturating_add(chunk.len() as u64);
                if self.seen > self.cap {
                    let message = format!(
                        "file part `{}` is longer than its limit of {} bytes",
                        self.name, self.cap
                    );
                    return Poll::Ready(Some(Err(io::Error::other(message).into())));
                }
                Poll::Ready(Some(Ok(chunk)))
            }
            other => other,
        }
    }
}

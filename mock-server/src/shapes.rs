//! The upload and download endpoints: a multipart route that parses and records the
//! parts, and file downloads generated on the fly (never held), with `Range`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Multipart};
use axum::http::request::Parts;
use futures::StreamExt;
use percent_encoding::percent_decode_str;
use serde_json::json;

use crate::reply::Reply;

/// One part of a multipart upload, as the mock parsed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadedPart {
    /// The part's form name.
    pub name: String,
    /// The `filename` of a file part.
    pub file_name: Option<String>,
    /// The part's `Content-Type`.
    pub content_type: Option<String>,
    /// Bytes in the part.
    pub size: u64,
    /// The text of a part without a file name (text parts), else `None`.
    pub text: Option<String>,
    /// The bytes of a file part of at most [`KEPT_PART_BYTES`], so a test can compare
    /// them; `None` for text parts and larger files (never held twice).
    pub bytes: Option<Vec<u8>>,
}

/// File parts up to this size keep their bytes in [`UploadedPart::bytes`].
pub const KEPT_PART_BYTES: usize = 64 << 10;

/// Parses a `multipart/form-data` body; `Err` when it is not one.
pub(crate) async fn upload_parts(
    parts: &Parts,
    body: Vec<u8>,
) -> Result<Vec<UploadedPart>, String> {
    let request = axum::http::Request::from_parts(parts.clone(), Body::from(body));
    let mut multipart = Multipart::from_request(request, &())
        .await
        .map_err(|error| error.body_text())?;
    let mut uploaded = Vec::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|error| error.body_text())?
    {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(str::to_owned);
        let data = field.bytes().await.map_err(|error| error.body_text())?;
        uploaded.push(UploadedPart {
            bytes: (file_name.is_some() && data.len() <= KEPT_PART_BYTES).then(|| data.to_vec()),
            text: file_name
                .is_none()
                .then(|| String::from_utf8_lossy(&data).into_owned()),
            name,
            file_name,
            content_type,
            size: data.len() as u64,
        });
    }
    Ok(uploaded)
}

/// The answer to an upload: the image key, or 400 when the body was not a form.
pub(crate) fn upload_reply(parsed: &Result<Vec<UploadedPart>, String>, serial: u64) -> Reply {
    match parsed {
        Ok(parts) if parts.iter().any(|part| part.file_name.is_some()) => {
            Reply::data(json!({"image_key": format!("img_v3_mock_{serial}")}))
        }
        Ok(_) => Reply::error(400, 234001, "Invalid request param: no file part."),
        Err(message) => Reply::error(400, 234001, &format!("mock: bad multipart body: {message}")),
    }
}

/// The byte at `offset` of every generated file, so a client can check what it got.
pub fn file_byte(offset: u64) -> u8 {
    (offset % 251) as u8
}

/// A generated file of `:size` bytes (`/open-apis/drive/v1/files/:size/download`).
///
/// Query options: `disposition` (the raw `Content-Disposition`, percent-decoded to
/// bytes), `cut_at` (send this many body bytes, then cut the connection),
/// `error_status` + `error_code` (answer with that JSON error envelope instead),
/// `chunk` (bytes per chunk, default 64 KiB).
pub(crate) fn download(
    path: &str,
    query: &[(String, String)],
    range: Option<&str>,
    served: Arc<AtomicU64>,
) -> Reply {
    let get = |key: &str| {
        query
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.as_str())
    };
    if let Some(status) = get("error_status").and_then(|s| s.parse::<u16>().ok()) {
        let code = get("error_code")
            .and_then(|c| c.parse::<i64>().ok())
            .unwrap_or(1_061_004);
        return Reply::error(status, code, "mock: file not found or no permission");
    }
    let size: u64 = path
        .trim_end_matches("/download")
        .rsplit('/')
        .next()
        .and_then(|segment| segment.parse().ok())
        .unwrap_or(0);
    let (status, start, end) = match range.and_then(|r| parse_range(r, size)) {
        Some((start, end)) => (206, start, end),
        None if range.is_some() && size > 0 => {
            let mut reply = Reply::error(416, 1_061_045, "mock: range not satisfiable");
            reply
                .headers
                .push(("content-range", format!("bytes */{size}")));
            return reply;
        }
        None => (200, 0, size),
    };
    let cut_at = get("cut_at").and_then(|c| c.parse::<u64>().ok());
    let chunk = get("chunk")
        .and_then(|c| c.parse::<u64>().ok())
        .unwrap_or(64 * 1024)
        .clamp(1, 1 << 20);
    let length = end - start;
    let stream = futures::stream::unfold(start, move |offset| {
        let served = Arc::clone(&served);
        async move {
            let sent = offset - start;
            if offset >= end {
                return None;
            }
            if cut_at.is_some_and(|cut| sent >= cut) {
                let error = std::io::Error::new(std::io::ErrorKind::ConnectionAborted, "mock: cut");
                return Some((Err(error), end));
            }
            let mut take = chunk.min(end - offset);
            if let Some(cut) = cut_at {
                take = take.min(cut - sent).max(1);
            }
            let bytes: Vec<u8> = (offset..offset + take).map(file_byte).collect();
            served.fetch_add(take, Ordering::Relaxed);
            // Yield between chunks, so a slow reader keeps the server from running ahead.
            tokio::task::yield_now().await;
            Some((
                Ok::<Bytes, std::io::Error>(Bytes::from(bytes)),
                offset + take,
            ))
        }
    });
    let mut reply = Reply::raw(
        status,
        "application/octet-stream",
        Body::from_stream(stream.boxed()),
    );
    reply.headers.push(("content-length", length.to_string()));
    if status == 206 {
        reply
            .headers
            .push(("content-range", format!("bytes {start}-{}/{size}", end - 1)));
    }
    match get("disposition") {
        Some(disposition) => {
            let bytes: Vec<u8> = percent_decode_str(disposition).collect();
            reply.byte_headers.push(("content-disposition", bytes));
        }
        None => reply.headers.push((
            "content-disposition",
            format!("attachment; filename=\"file-{size}.bin\""),
        )),
    }
    reply
}

/// `bytes=a-b`, `bytes=a-` or `bytes=-n` -> `[start, end)`; `None` when unusable.
fn parse_range(value: &str, size: u64) -> Option<(u64, u64)> {
    let spec = value.trim().strip_prefix("bytes=")?;
    let (first, last) = spec.split_once('-')?;
    let (start, end) = if first.is_empty() {
        let suffix: u64 = last.parse().ok()?;
        (size.saturating_sub(suffix), size)
    } else {
        let start: u64 = first.parse().ok()?;
        let end = if last.is_empty() {
            size
        } else {
            last.parse::<u64>().ok()?.saturating_add(1).min(size)
        };
        (start, end)
    };
    (start < end).then_some((start, end))
}

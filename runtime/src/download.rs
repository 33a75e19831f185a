//! Binary responses (file and image downloads), streamed and never held whole.
//!
//! A [`Download`] is handed out as soon as the response head arrived; until then a call
//! is retried like any other. Its body is then the caller's: [`Download::into_stream`]
//! yields chunks as they arrive, [`Download::save_to`] writes them to a temporary file
//! beside the target and renames it into place only when the body was complete, and
//! [`Download::append_to`] continues a partial file after a `Range` request (see
//! [`resume_range`]).
//!
//! `Content-Disposition` is parsed by hand: the crates that parse it are either
//! unmaintained or pull in a mail or web framework, and only the file name is needed.
//! The name is untrusted server text, so [`Download::file_name`] keeps only a last path
//! component, drops control characters and refuses `.`/`..`.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use bytes::Bytes;
use futures::stream::{self, Stream, StreamExt};
use percent_encoding::percent_decode;
use reqwest::header::{
    CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, HeaderMap,
};
use tokio::io::AsyncWriteExt;

use crate::error::{Error, FileError, InvalidRequest, TransportError, TransportErrorKind};
use crate::response::{self, RawResponse};
use crate::transport::ERROR_BODY_LIMIT;

/// The longest file name [`Download::file_name`] returns, in bytes (common file systems'
/// limit).
const MAX_FILE_NAME: usize = 255;

/// A binary response whose body has not been read yet.
pub struct Download {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    /// Bytes already read (to tell a JSON error from a file), sent first.
    pub(crate) prefix: Option<Bytes>,
    /// The rest of the body; `None` when `prefix` was all of it.
    pub(crate) response: Option<reqwest::Response>,
    /// The longest wait for one chunk.
    pub(crate) idle_timeout: Duration,
}

/// `Content-Range: bytes start-end/total` of a partial response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContentRange {
    /// First byte sent (0-based).
    pub start: u64,
    /// Last byte sent, inclusive.
    pub end: u64,
    /// Size of the whole file, when the server knows it.
    pub total: Option<u64>,
}

impl Download {
    /// HTTP status: 200, or 206 for a range.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The `Content-Type` the server sent.
    pub fn content_type(&self) -> Option<&str> {
        self.header(CONTENT_TYPE.as_str())
    }

    /// The `Content-Length` the server announced (the body is not trusted to match it:
    /// a shorter body fails the stream).
    pub fn content_length(&self) -> Option<u64> {
        self.header(CONTENT_LENGTH.as_str())?.trim().parse().ok()
    }

    /// Whether this is a partial response (HTTP 206) to a `Range` request.
    pub fn is_partial(&self) -> bool {
        self.status == 206
    }

    /// The parsed `Content-Range`, if the server sent a usable one.
    pub fn content_range(&self) -> Option<ContentRange> {
        parse_content_range(self.header(CONTENT_RANGE.as_str())?)
    }

    /// The file name from `Content-Disposition` (`filename*=UTF-8''...` preferred over
    /// `filename=`), reduced to a safe last path component: no `/` or `\`, no control
    /// characters, never `.` or `..`, at most 255 bytes. `None` when there is none.
    pub fn file_name(&self) -> Option<String> {
        let value = self.headers.get(CONTENT_DISPOSITION)?;
        disposition_file_name(value.as_bytes())
    }

    /// The `X-Tt-Logid` header, which support asks for.
    pub fn log_id(&self) -> Option<&str> {
        self.header("x-tt-logid")
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// The body as chunks, as they arrive. A body cut short, a chunk that takes longer
    /// than the client's timeout, or any read failure ends the stream with an error.
    pub fn into_stream(self) -> impl Stream<Item = Result<Bytes, Error>> + Send + 'static {
        let idle = self.idle_timeout;
        let prefix = stream::iter(self.prefix.filter(|bytes| !bytes.is_empty()).map(Ok));
        let rest = stream::unfold(self.response, move |response| async move {
            let mut response = response?;
            match tokio::time::timeout(idle, response.chunk()).await {
                Ok(Ok(Some(chunk))) => Some((Ok(chunk), Some(response))),
                Ok(Ok(None)) => None,
                Ok(Err(error)) => Some((Err(TransportError::new(error).into()), None)),
                Err(_) => Some((Err(idle_timeout(idle)), None)),
            }
        });
        prefix.chain(rest)
    }

    /// Writes the body to `path` and returns its length. The bytes go to a temporary
    /// file beside `path`, which is synced and renamed over `path` only once the body is
    /// complete: `path` never holds a partial file, and the temporary file is removed
    /// on any error (or if the future is dropped).
    ///
    /// # Errors
    ///
    /// [`Error::Transport`] if the body fails, [`Error::File`] if writing fails.
    pub async fn save_to(self, path: impl AsRef<Path>) -> Result<u64, Error> {
        let path = path.as_ref();
        let temp = TempFile::beside(path)?;
        let mut file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp.path)
            .await
            .map_err(|error| FileError::new("create the temporary file", &temp.path, error))?;
        let written = write_all(self.into_stream(), &mut file, &temp.path).await?;
        file.sync_all()
            .await
            .map_err(|error| FileError::new("write", &temp.path, error))?;
        drop(file);
        tokio::fs::rename(&temp.path, path)
            .await
            .map_err(|error| FileError::new("rename the download into", path, error))?;
        temp.keep();
        Ok(written)
    }

    /// Writes the body so that an interrupted download can be resumed (see
    /// [`resume_range`]): a 206 whose range starts at the file's current length is
    /// appended; a 200 starts `path` afresh when it is missing or empty, and replaces it
    /// through [`Download::save_to`] otherwise (the server ignored the range). Returns
    /// the bytes written. Bytes that arrived before a failure stay in the file, so the
    /// next resume continues after them: unlike `save_to`, `path` may hold a prefix.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] if the range does not start where the file ends (the
    /// file is left untouched), otherwise as [`Download::save_to`].
    pub async fn append_to(self, path: impl AsRef<Path>) -> Result<u64, Error> {
        let path = path.as_ref();
        let existing = existing_len(path).await?;
        if !self.is_partial() && existing > 0 {
            return self.save_to(path).await;
        }
        let start = if self.is_partial() {
            match self.content_range() {
                Some(range) => range.start,
                None => return Err(range_mismatch("a 206 without a usable Content-Range")),
            }
        } else {
            0
        };
        if start != existing {
            return Err(range_mismatch(&format!(
                "the range starts at byte {start} but the file has {existing} bytes"
            )));
        }
        let mut file = tokio::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(path)
            .await
            .map_err(|error| FileError::new("open", path, error))?;
        let written = write_all(self.into_stream(), &mut file, path).await;
        // Whatever arrived is kept (a prefix of the file), so it is synced either way.
        let synced = file
            .sync_all()
            .await
            .map_err(|error| FileError::new("write", path, error));
        let written = written?;
        synced?;
        Ok(written)
    }
}

/// A 2xx answer to a download, handed out unread unless it is JSON, which may be the
/// platform's error envelope. Only a short JSON body is inspected (an error envelope is
/// short); a longer one is a file and is streamed like any other. `timeout` bounds each
/// wait for a chunk.
pub(crate) async fn receive(
    mut streaming: reqwest::Response,
    timeout: Duration,
) -> Result<Download, Error> {
    let status = streaming.status().as_u16();
    let headers = streaming.headers().clone();
    let span = tracing::Span::current();
    span.record("http.status", status);
    let is_json = headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| {
            value
                .trim_start()
                .to_ascii_lowercase()
                .starts_with("application/json")
        });
    let mut prefix = Vec::new();
    let mut complete = false;
    if is_json {
        loop {
            match tokio::time::timeout(timeout, streaming.chunk()).await {
                Err(_) => return Err(idle_timeout(timeout)),
                Ok(Err(error)) => return Err(TransportError::new(error).into()),
                Ok(Ok(None)) => {
                    complete = true;
                    break;
                }
                Ok(Ok(Some(chunk))) => {
                    prefix.extend_from_slice(&chunk);
                    if prefix.len() > ERROR_BODY_LIMIT {
                        break;
                    }
                }
            }
        }
        if complete {
            let raw = RawResponse {
                status,
                headers: headers.clone(),
                body: prefix,
            };
            if let Some(log_id) = raw.log_id() {
                span.record("log_id", log_id);
            }
            // An envelope with code 0 is no error: then the JSON is the file.
            response::check_envelope_only(&raw)?;
            prefix = raw.body;
        }
    }
    Ok(Download {
        status,
        headers,
        prefix: Some(Bytes::from(prefix)),
        response: (!complete).then_some(streaming),
        idle_timeout: timeout,
    })
}

/// The `Range` header value to resume a download into `path`: `Some("bytes=N-")` when
/// the file exists with `N > 0` bytes, `None` when there is nothing to resume.
///
/// ```no_run
/// # async fn run(client: feishu_runtime::Client, mut request: feishu_runtime::Request) -> Result<(), feishu_runtime::Error> {
/// let path = "report.pdf";
/// if let Some(range) = feishu_runtime::download::resume_range(path).await? {
///     request.header("Range", range);
/// }
/// client.download(request).await?.append_to(path).await?;
/// # Ok(())
/// # }
/// ```
///
/// # Errors
///
/// [`Error::File`] if the file exists but cannot be inspected.
pub async fn resume_range(path: impl AsRef<Path>) -> Result<Option<String>, Error> {
    let len = existing_len(path.as_ref()).await?;
    Ok((len > 0).then(|| format!("bytes={len}-")))
}

async fn existing_len(path: &Path) -> Result<u64, Error> {
    match tokio::fs::metadata(path).await {
        Ok(meta) => Ok(meta.len()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(0),
        Err(error) => Err(FileError::new("inspect", path, error).into()),
    }
}

async fn write_all(
    body: impl Stream<Item = Result<Bytes, Error>>,
    file: &mut tokio::fs::File,
    path: &Path,
) -> Result<u64, Error> {
    let mut body = std::pin::pin!(body);
    let mut written = 0_u64;
    while let Some(chunk) = body.next().await {
        let chunk = chunk?;
        file.write_all(&chunk)
            .await
            .map_err(|error| FileError::new("write", path, error))?;
        written += chunk.len() as u64;
    }
    file.flush()
        .await
        .map_err(|error| FileError::new("write", path, error))?;
    Ok(written)
}

fn range_mismatch(message: &str) -> Error {
    InvalidRequest::new("Range", "<response>", format!("cannot resume: {message}")).into()
}

fn idle_timeout(idle: Duration) -> Error {
    TransportError::message(
        TransportErrorKind::Timeout,
        format!("no body bytes for {} s", idle.as_secs_f64()),
    )
    .into()
}

/// A temporary file removed on drop unless kept.
struct TempFile {
    path: PathBuf,
    keep: bool,
}

impl TempFile {
    fn beside(target: &Path) -> Result<Self, Error> {
        let Some(name) = target.file_name() else {
            return Err(InvalidRequest::new(
                "path",
                target.display().to_string(),
                "must name a file",
            )
            .into());
        };
        let name: String = name.to_string_lossy().chars().take(64).collect();
        let temp = format!(".{name}.{:016x}.part", fastrand::u64(..));
        Ok(Self {
            path: target.with_file_name(temp),
            keep: false,
        })
    }

    fn keep(mut self) {
        self.keep = true;
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.keep {
            // Best effort: it may not have been created.
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

impl fmt::Debug for Download {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Download")
            .field("status", &self.status)
            .field("content_type", &self.content_type())
            .field("content_length", &self.content_length())
            .finish_non_exhaustive()
    }
}

fn parse_content_range(value: &str) -> Option<ContentRange> {
    let rest = value.trim().strip_prefix("bytes ")?;
    let (range, total) = rest.split_once('/')?;
    let (start, end) = range.split_once('-')?;
    let start: u64 = start.trim().parse().ok()?;
    let end: u64 = end.trim().parse().ok()?;
    let total = match total.trim() {
        "*" => None,
        total => Some(total.parse::<u64>().ok()?),
    };
    if end < start || total.is_some_and(|total| end >= total) {
        return None;
    }
    Some(ContentRange { start, end, total })
}

/// `filename*` (RFC 5987) if usable, else `filename`, sanitised.
fn disposition_file_name(value: &[u8]) -> Option<String> {
    let params = parameters(value);
    let extended = params
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case("filename*"))
        .and_then(|(_, value)| decode_extended(value));
    let plain = || {
        params
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case("filename"))
            .map(|(_, value)| String::from_utf8_lossy(value).into_owned())
    };
    extended
        .and_then(|name| sanitize(&name))
        .or_else(|| plain().and_then(|name| sanitize(&name)))
}

/// `key=value` parameters after the disposition type; quoted values unescaped.
fn parameters(value: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut params = Vec::new();
    let mut rest = value;
    // Skip the type (`attachment`).
    match rest.iter().position(|&b| b == b';') {
        Some(at) => rest = &rest[at + 1..],
        None => return params,
    }
    while !rest.is_empty() {
        let key_end = rest
            .iter()
            .position(|&b| b == b'=' || b == b';')
            .unwrap_or(rest.len());
        let key = String::from_utf8_lossy(&rest[..key_end]).trim().to_owned();
        if rest.get(key_end) != Some(&b'=') {
            rest = rest.get(key_end + 1..).unwrap_or_default();
            continue;
        }
        rest = &rest[key_end + 1..];
        let start = rest
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(rest.len());
        rest = &rest[start..];
        let mut value = Vec::new();
        if rest.first() == Some(&b'"') {
            let mut index = 1;
            while let Some(&byte) = rest.get(index) {
                match byte {
                    b'\\' => {
                        if let Some(&next) = rest.get(index + 1) {
                            value.push(next);
                        }
                        index += 2;
                    }
                    b'"' => {
                        index += 1;
                        break;
                    }
                    other => {
                        value.push(other);
                        index += 1;
                    }
                }
            }
            rest = rest.get(index..).unwrap_or_default();
            let next = rest
                .iter()
                .position(|&b| b == b';')
                .map_or(rest.len(), |at| at + 1);
            rest = &rest[next..];
        } else {
            let end = rest.iter().position(|&b| b == b';').unwrap_or(rest.len());
            value.extend_from_slice(rest[..end].trim_ascii());
            rest = rest.get(end + 1..).unwrap_or_default();
        }
        params.push((key, value));
    }
    params
}

/// `UTF-8'lang'percent-encoded` (ISO-8859-1 accepted too).
fn decode_extended(value: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(value).ok()?;
    let mut parts = text.splitn(3, '\'');
    let charset = parts.next()?;
    let _language = parts.next()?;
    let encoded = parts.next()?;
    let bytes: Vec<u8> = percent_decode(encoded.as_bytes()).collect();
    if charset.eq_ignore_ascii_case("utf-8") {
        String::from_utf8(bytes).ok()
    } else if charset.eq_ignore_ascii_case("iso-8859-1") {
        Some(bytes.into_iter().map(char::from).collect())
    } else {
        None
    }
}

fn sanitize(name: &str) -> Option<String> {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last.chars().filter(|c| !c.is_control()).collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() || cleaned.chars().all(|c| c == '.') {
        return None;
    }
    let mut end = cleaned.len().min(MAX_FILE_NAME);
    while !cleaned.is_char_boundary(end) {
        end -= 1;
    }
    Some(cleaned[..end].to_owned())
}

#[cfg(test)]
mod tests {
    use super::{ContentRange, disposition_file_name, parse_content_range};

    fn name(value: &[u8]) -> Option<String> {
        disposition_file_name(value)
    }

    #[test]
    fn file_names_prefer_the_extended_form() {
        assert_eq!(
            name(b"attachment; filename=\"plain.txt\"; filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf")
                .as_deref(),
            Some("报告.pdf")
        );
        assert_eq!(
            name(b"attachment; filename=a.png").as_deref(),
            Some("a.png")
        );
        assert_eq!(
            name(b"attachment; filename=\"say \\\"hi\\\".txt\"").as_deref(),
            Some("say \"hi\".txt")
        );
        assert_eq!(name(b"inline"), None);
    }

    #[test]
    fn hostile_file_names_are_made_harmless() {
        assert_eq!(
            name(b"attachment; filename=\"../../etc/passwd\"").as_deref(),
            Some("passwd")
        );
        assert_eq!(
            name(b"attachment; filename*=UTF-8''..%2F..%2Fetc%2Fpasswd").as_deref(),
            Some("passwd")
        );
        assert_eq!(
            name(b"attachment; filename=\"C:\\\\x\\\\evil.exe\"").as_deref(),
            Some("evil.exe")
        );
        assert_eq!(name(b"attachment; filename=\"..\""), None);
        assert_eq!(name(b"attachment; filename=\"a/..\""), None);
        assert_eq!(
            name(b"attachment; filename=\"a\r\nb\0.txt\"").as_deref(),
            Some("ab.txt")
        );
        // Invalid UTF-8 in the extended form falls back to the plain one; in the plain
        // one it is replaced.
        assert_eq!(
            name(b"attachment; filename=\"ok.txt\"; filename*=UTF-8''%FF%FE.txt").as_deref(),
            Some("ok.txt")
        );
        assert_eq!(
            name(b"attachment; filename=\"\xff\xfe.txt\"").as_deref(),
            Some("\u{FFFD}\u{FFFD}.txt")
        );
        let long = format!("attachment; filename=\"{}.txt\"", "好".repeat(10_000));
        let long = name(long.as_bytes()).expect("a name");
        assert!(
            long.len() <= 255 && long.starts_with('好'),
            "{}",
            long.len()
        );
        // Unterminated quotes and stray semicolons do not panic.
        for odd in [
            &b"attachment; filename=\"abc"[..],
            b";;;=;",
            b"attachment; filename=",
            b"a; =x",
        ] {
            let _ = name(odd);
        }
    }

    #[test]
    fn content_ranges_are_checked() {
        assert_eq!(
            parse_content_range("bytes 100-199/1000"),
            Some(ContentRange {
                start: 100,
                end: 199,
                total: Some(1000)
            })
        );
        assert_eq!(
            parse_content_range("bytes 0-0/*").map(|r| r.total),
            Some(None)
        );
        for bad in [
            "bytes 5-4/10",
            "bytes 0-10/10",
            "items 0-1/2",
            "bytes -1/2",
            "bytes 0-99999999999999999999/*",
        ] {
            assert_eq!(parse_content_range(bad), None, "{bad}");
        }
    }
}

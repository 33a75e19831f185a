//! Streamed downloads against the mock: bounded memory, atomic saves, ranges and
//! resuming, JSON errors, hostile file names, retries before the first byte.

mod mock;

use std::path::{Path, PathBuf};

use feishu_mock_server::{Fault, MockServer, Route, file_byte};
use feishu_runtime::{
    Client, Envelope, Error, HttpMethod, Operation, Request, StreamExt, TokenType, download,
};
use mock::{builder, server};

static DOWNLOAD_FILE: Operation = Operation {
    id: "drive.v1.file.download",
    method: HttpMethod::Get,
    path: "/open-apis/drive/v1/files/:file_token/download",
    token_types: &[TokenType::Tenant, TokenType::User],
    rate_limits: &[],
    idempotent: true,
    envelope: Envelope::Data,
};

const MIB: u64 = 1024 * 1024;

fn file(size: u64, query: &[(&'static str, &str)]) -> Request {
    let mut request = Request::new(&DOWNLOAD_FILE);
    request.path_param("file_token", size);
    for (name, value) in query {
        request.query(name, value);
    }
    request
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "feishu-runtime-{name}-{}-{:x}",
        std::process::id(),
        fastrand::u64(..)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn assert_generated(bytes: &[u8], from: u64) {
    for (index, byte) in bytes.iter().enumerate() {
        assert_eq!(
            *byte,
            file_byte(from + index as u64),
            "byte {}",
            from + index as u64
        );
    }
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

async fn client(server: &MockServer) -> Client {
    builder(server).build().unwrap()
}

#[tokio::test]
async fn a_large_body_is_streamed_not_buffered() {
    let server = server().await;
    let client = client(&server).await;
    let size = 32 * MIB;
    let download = client.download(file(size, &[])).await.unwrap();
    assert_eq!(download.status(), 200);
    assert_eq!(download.content_length(), Some(size));
    assert_eq!(download.content_type(), Some("application/octet-stream"));
    let mut stream = std::pin::pin!(download.into_stream());
    let first = stream.next().await.unwrap().unwrap();
    let served_at_first_chunk = server.download_bytes_served();
    assert!(
        served_at_first_chunk < size / 4,
        "{served_at_first_chunk} of {size} bytes were produced before the first chunk arrived"
    );
    assert_generated(&first, 0);
    let mut received = first.len() as u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.unwrap();
        assert_generated(&chunk, received);
        received += chunk.len() as u64;
    }
    assert_eq!(received, size);
}

#[tokio::test]
async fn save_to_is_atomic_and_cleans_up_after_a_cut_body() {
    let server = server().await;
    let client = client(&server).await;
    let dir = temp_dir("save");
    let target = dir.join("report.bin");

    let written = client
        .download(file(3 * MIB, &[]))
        .await
        .unwrap()
        .save_to(&target)
        .await
        .unwrap();
    assert_eq!(written, 3 * MIB);
    let saved = std::fs::read(&target).unwrap();
    assert_eq!(saved.len() as u64, 3 * MIB);
    assert_generated(&saved, 0);

    // The body dies after 1 MiB: the old file stays as it was, no temporary file remains.
    let cut = (MIB).to_string();
    let error = client
        .download(file(4 * MIB, &[("cut_at", &cut)]))
        .await
        .unwrap()
        .save_to(&target)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert_eq!(std::fs::read(&target).unwrap(), saved);
    assert_eq!(entries(&dir), ["report.bin"]);

    // A new target is never created from a partial body.
    let fresh = dir.join("fresh.bin");
    assert!(
        client
            .download(file(2 * MIB, &[("cut_at", &cut)]))
            .await
            .unwrap()
            .save_to(&fresh)
            .await
            .is_err()
    );
    assert!(!fresh.exists());
    assert_eq!(entries(&dir), ["report.bin"]);
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn an_interrupted_download_resumes_with_a_range() {
    let server = server().await;
    let client = client(&server).await;
    let dir = temp_dir("resume");
    let target = dir.join("video.bin");
    let size = 2 * MIB + 123;

    // First try: keep what arrived before the cut.
    let cut = (MIB + 7).to_string();
    let first = client
        .download(file(size, &[("cut_at", &cut), ("chunk", "4096")]))
        .await
        .unwrap();
    assert!(first.append_to(&target).await.is_err());
    let kept = std::fs::metadata(&target).unwrap().len();
    assert!(kept > 0 && kept <= MIB + 7, "{kept}");

    let range = download::resume_range(&target).await.unwrap();
    assert_eq!(range.as_deref(), Some(format!("bytes={kept}-").as_str()));
    let mut request = file(size, &[]);
    request.header("Range", range.unwrap());
    let rest = client.download(request).await.unwrap();
    assert!(rest.is_partial());
    let content_range = rest.content_range().unwrap();
    assert_eq!(
        (content_range.start, content_range.end, content_range.total),
        (kept, size - 1, Some(size))
    );
    assert_eq!(rest.append_to(&target).await.unwrap(), size - kept);
    let whole = std::fs::read(&target).unwrap();
    assert_eq!(whole.len() as u64, size);
    assert_generated(&whole, 0);

    // A range that does not continue the file is refused and the file left alone.
    let mut request = file(size, &[]);
    request.header("Range", "bytes=10-");
    let error = client
        .download(request)
        .await
        .unwrap()
        .append_to(&target)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert_eq!(std::fs::metadata(&target).unwrap().len(), size);
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn a_json_error_body_is_an_api_error() {
    let server = server().await;
    let client = client(&server).await;
    for status in ["200", "404", "403"] {
        let error = client
            .download(file(
                10,
                &[("error_status", status), ("error_code", "1061004")],
            ))
            .await
            .unwrap_err();
        assert_eq!(error.code(), Some(1061004), "{status}: {error:?}");
    }
}

#[tokio::test]
async fn a_download_is_retried_before_its_first_byte() {
    let server = server().await;
    let client = client(&server).await;
    server.inject(Route::FileDownload, Fault::ServerError, 1);
    let download = client.download(file(1000, &[])).await.unwrap();
    assert_eq!(server.count(Route::FileDownload), 2);
    let body: Vec<u8> = download
        .into_stream()
        .map(|chunk| chunk.unwrap().to_vec())
        .concat()
        .await;
    assert_generated(&body, 0);
}

#[tokio::test]
async fn hostile_content_disposition_names_are_made_safe() {
    let server = server().await;
    let client = client(&server).await;
    let long = format!("attachment; filename=\"{}.pdf\"", "a".repeat(5000));
    let cases: [(&[u8], Option<&str>); 5] = [
        (b"attachment; filename=\"../../etc/passwd\"", Some("passwd")),
        (
            b"attachment; filename*=UTF-8''..%2F..%2F%E6%8A%A5%E5%91%8A.pdf",
            Some("\u{62a5}\u{544a}.pdf"),
        ),
        (b"attachment; filename=\"..\"", None),
        (
            b"attachment; filename=\"\xff\xfe.txt\"",
            Some("\u{FFFD}\u{FFFD}.txt"),
        ),
        (long.as_bytes(), None),
    ];
    for (disposition, expected) in cases {
        // Percent-encoded: the mock decodes the query value to these raw header bytes.
        let encoded: String =
            percent_encoding::percent_encode(disposition, percent_encoding::NON_ALPHANUMERIC)
                .to_string();
        let disposition = String::from_utf8_lossy(disposition);
        let download = client
            .download(file(10, &[("disposition", &encoded)]))
            .await
            .unwrap();
        let name = download.file_name();
        match expected {
            Some(expected) => assert_eq!(name.as_deref(), Some(expected), "{disposition}"),
            None if disposition.len() > 1000 => {
                let name = name.unwrap();
                assert!(
                    name.len() <= 255 && name.starts_with("aaa"),
                    "{}",
                    name.len()
                );
            }
            None => assert_eq!(name, None, "{disposition}"),
        }
    }
}

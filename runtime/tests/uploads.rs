//! Multipart uploads against the mock: the server parses the parts; limits hold before
//! sending; a one-shot stream is never sent twice.

mod mock;

use feishu_mock_server::{Fault, Route};
use feishu_runtime::multipart::{FilePart, Form};
use feishu_runtime::{Envelope, Error, HttpMethod, Operation, Request, TokenType, validate};
use mock::{builder, server};
use serde::Deserialize;

/// Declared idempotent on purpose: the no-retry rule for streams must not depend on it.
static CREATE_IMAGE: Operation = Operation {
    id: "im.v1.image.create",
    method: HttpMethod::Post,
    path: "/open-apis/im/v1/images",
    token_types: &[TokenType::Tenant],
    rate_limits: &[],
    idempotent: true,
    envelope: Envelope::Data,
};

#[derive(Debug, Deserialize)]
struct ImageKey {
    image_key: String,
}

fn upload(part: FilePart) -> Request {
    let mut request = Request::new(&CREATE_IMAGE);
    request.multipart_body(
        Form::new()
            .text("image_type", "message")
            .file("image", part),
    );
    request
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "feishu-runtime-{name}-{}-{:x}",
        std::process::id(),
        fastrand::u64(..)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn bytes_path_and_stream_uploads_arrive_as_parts() {
    let server = server().await;
    let client = builder(&server).build().unwrap();
    let dir = temp_dir("upload");
    let file = dir.join("photo.jpg");
    std::fs::write(&file, vec![7_u8; 300_000]).unwrap();

    let parts = [
        FilePart::bytes(vec![1_u8; 1234])
            .file_name("a.png")
            .content_type("image/png"),
        FilePart::path(&file).content_type("image/jpeg"),
        FilePart::reader(std::io::Cursor::new(vec![9_u8; 4321]), None).file_name("s.gif"),
        FilePart::stream(vec![5_u8; 77], Some(77)).file_name("t.bin"),
    ];
    let expected = [
        ("a.png", Some("image/png"), 1234),
        ("photo.jpg", Some("image/jpeg"), 300_000),
        ("s.gif", None, 4321),
        ("t.bin", None, 77),
    ];
    for part in parts {
        let key: ImageKey = client.execute(upload(part)).await.unwrap();
        assert!(key.image_key.starts_with("img_v3_mock_"));
    }
    let requests = server.requests(Route::ImageCreate);
    assert_eq!(requests.len(), 4);
    for (request, (file_name, content_type, size)) in requests.iter().zip(expected) {
        assert!(
            request
                .header("content-type")
                .is_some_and(|value| value.starts_with("multipart/form-data; boundary=")),
            "{:?}",
            request.header("content-type")
        );
        assert!(request.header("authorization").is_some());
        let [text, file] = &request.parts[..] else {
            panic!("parts: {:?}", request.parts);
        };
        assert_eq!(
            (text.name.as_str(), text.text.as_deref()),
            ("image_type", Some("message"))
        );
        assert_eq!(file.name, "image");
        assert_eq!(file.file_name.as_deref(), Some(file_name));
        assert_eq!(file.content_type.as_deref(), content_type);
        assert_eq!(file.size, size);
    }
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn a_file_over_its_limit_is_refused_before_sending() {
    let server = server().await;
    let client = builder(&server).build().unwrap();
    let dir = temp_dir("limit");
    let file = dir.join("big.bin");
    std::fs::write(&file, vec![0_u8; 2048]).unwrap();

    for part in [
        FilePart::bytes(vec![0_u8; 2048]),
        FilePart::path(&file),
        FilePart::reader(std::io::Cursor::new(vec![0_u8; 2048]), Some(2048)),
    ] {
        let error = validate::check_file_size("image", &part, 1024).unwrap_err();
        assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
        // Sent anyway (a caller skipping the check): the part's limit still holds.
        let error = client.execute::<ImageKey>(upload(part)).await.unwrap_err();
        assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    }
    assert_eq!(server.count(Route::ImageCreate), 0, "nothing was sent");

    // A stream of unknown length is cut off at the limit while it is sent.
    let part = FilePart::reader(std::io::Cursor::new(vec![0_u8; 4096]), None);
    validate::check_file_size("image", &part, 1024).unwrap();
    let error = client.execute::<ImageKey>(upload(part)).await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert!(
        server
            .requests(Route::ImageCreate)
            .iter()
            .all(|request| request.status != 200),
        "the server never accepted the oversized stream"
    );
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn a_streamed_upload_is_not_retried_but_a_replayable_one_is() {
    let server = server().await;
    let client = builder(&server).build().unwrap();

    server.inject(Route::ImageCreate, Fault::ServerError, 1);
    let error = client
        .execute::<ImageKey>(upload(FilePart::reader(
            std::io::Cursor::new(vec![1_u8; 500]),
            Some(500),
        )))
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Api(ref api) if api.http_status == 500),
        "{error:?}"
    );
    assert_eq!(
        server.count(Route::ImageCreate),
        1,
        "the stream was sent once"
    );

    server.clear_log();
    server.inject(Route::ImageCreate, Fault::ServerError, 1);
    client
        .execute::<ImageKey>(upload(FilePart::bytes(vec![1_u8; 500])))
        .await
        .unwrap();
    let requests = server.requests(Route::ImageCreate);
    assert_eq!(requests.len(), 2, "retried after the 5xx");
    assert_eq!(requests[1].parts[1].size, 500, "the whole file again");
}

//! The shapes of issue 10 through the GENERATED client, end to end: a
//! multipart upload the server parses, streamed and ranged downloads, a JSON
//! error answering a download, maps and any JSON round trips, a JSON-string
//! field, and the token-less flat auth endpoints agreeing with the runtime's
//! token manager on the same mock.

use std::collections::BTreeMap;

use feishu::im::v1::ImageType;
use feishu::runtime::multipart::FilePart;
use feishu::runtime::{StreamExt, serde_json::Value};
use feishu_fixture_shapes::shapes_fixture::v1::TextContent;
use feishu_mock_server::{MockServer, Route, file_byte};
use feishu_tests::{CaptureServer, Reply, example_response};
use serde_json::json;

fn mock_client(server: &MockServer) -> feishu::Client {
    feishu::Client::builder()
        .base_url(server.base_url())
        .app_credentials(MockServer::APP_ID, MockServer::APP_SECRET)
        .build()
        .expect("client")
}

fn capture_client(server: &CaptureServer) -> feishu::Client {
    feishu::Client::builder()
        .base_url(server.base_url())
        .access_token("t-shapes-e2e")
        .retry_policy(feishu::RetryPolicy::none())
        .build()
        .expect("client")
}

#[tokio::test]
async fn image_upload_sends_the_documented_parts() {
    let server = MockServer::start().await.expect("mock server");
    let image: Vec<u8> = (0..1000u32).map(|i| (i % 256) as u8).collect();
    let part = FilePart::bytes(image)
        .file_name("photo.png")
        .content_type("image/png");
    let created = mock_client(&server)
        .im()
        .v1()
        .image()
        .create(ImageType::Message, part)
        .send()
        .await
        .expect("upload succeeds");
    assert!(
        created
            .image_key
            .as_deref()
            .is_some_and(|k| k.starts_with("img_")),
        "{created:?}"
    );
    let uploads = server.requests(Route::ImageCreate);
    assert_eq!(uploads.len(), 1);
    let parts = &uploads[0].parts;
    let names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["image_type", "image"], "spec order");
    assert_eq!(parts[0].text.as_deref(), Some("message"));
    assert_eq!(parts[0].file_name, None);
    assert_eq!(parts[1].file_name.as_deref(), Some("photo.png"));
    assert_eq!(parts[1].content_type.as_deref(), Some("image/png"));
    assert_eq!(parts[1].size, 1000);
}

#[tokio::test]
async fn an_image_over_the_documented_size_is_refused_before_sending() {
    let server = MockServer::start().await.expect("mock server");
    let too_big = FilePart::bytes(vec![0u8; 10 * 1024 * 1024 + 1]).file_name("big.png");
    let error = mock_client(&server)
        .im()
        .v1()
        .image()
        .create(ImageType::Avatar, too_big)
        .send()
        .await
        .expect_err("over 10 MiB");
    assert!(
        matches!(error, feishu::Error::InvalidRequest(_)),
        "{error:?}"
    );
    assert_eq!(server.count(Route::ImageCreate), 0, "nothing was sent");
}

#[tokio::test]
async fn a_download_streams_before_the_whole_file_is_served() {
    let server = MockServer::start().await.expect("mock server");
    let size: u64 = 8 * 1024 * 1024;
    let download = mock_client(&server)
        .drive()
        .v1()
        .file()
        .download(size.to_string())
        .send()
        .await
        .expect("download starts");
    assert!(!download.is_partial());
    let mut stream = Box::pin(download.into_stream());
    let mut offset = 0u64;
    let mut served_at_first_chunk = None;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.expect("chunk");
        served_at_first_chunk.get_or_insert_with(|| server.download_bytes_served());
        for (i, byte) in chunk.iter().enumerate() {
            assert_eq!(
                *byte,
                file_byte(offset + i as u64),
                "byte {}",
                offset + i as u64
            );
        }
        offset += chunk.len() as u64;
    }
    assert_eq!(offset, size);
    let early = served_at_first_chunk.expect("at least one chunk");
    assert!(
        early < size,
        "the first chunk arrived only after {early} of {size} bytes were served"
    );
}

#[tokio::test]
async fn a_range_header_gets_206_and_that_part() {
    let server = MockServer::start().await.expect("mock server");
    let download = mock_client(&server)
        .drive()
        .v1()
        .file()
        .download("4096")
        .range("bytes=100-199")
        .send()
        .await
        .expect("partial download");
    assert!(download.is_partial());
    assert_eq!(download.status(), 206);
    let range = download.content_range().expect("Content-Range");
    assert_eq!(
        (range.start, range.end, range.total),
        (100, 199, Some(4096))
    );
    let mut body = Vec::new();
    let mut stream = Box::pin(download.into_stream());
    while let Some(chunk) = stream.next().await {
        body.extend_from_slice(&chunk.expect("chunk"));
    }
    let expected: Vec<u8> = (100..200).map(file_byte).collect();
    assert_eq!(body, expected);
    let sent = server.requests(Route::FileDownload);
    assert_eq!(sent[0].header("range"), Some("bytes=100-199"));
}

#[tokio::test]
async fn a_malformed_range_is_refused_before_sending() {
    let server = MockServer::start().await.expect("mock server");
    let error = mock_client(&server)
        .drive()
        .v1()
        .file()
        .download("4096")
        .range("0-10")
        .send()
        .await
        .expect_err("the spec's pattern wants bytes=start-end");
    assert!(
        matches!(error, feishu::Error::InvalidRequest(_)),
        "{error:?}"
    );
    assert_eq!(server.count(Route::FileDownload), 0);
}

#[tokio::test]
async fn a_download_answered_with_json_is_a_typed_api_error() {
    let server = CaptureServer::start(Reply::json(
        400,
        json!({"code": 234005, "msg": "Image has been deleted"}).to_string(),
    ))
    .await
    .expect("server");
    let error = capture_client(&server)
        .im()
        .v1()
        .image()
        .get("img_v2_gone")
        .send()
        .await
        .expect_err("JSON error body");
    assert_eq!(error.code(), Some(234005), "{error:?}");
    assert_eq!(
        feishu::im::v1::image::GetImageErrorCode::from_error(&error),
        Some(feishu::im::v1::image::GetImageErrorCode::ImageHasBeenDeleted)
    );
    let sent = server.requests();
    assert_eq!(sent[0].raw_path, "/open-apis/im/v1/images/img_v2_gone");
}

#[tokio::test]
async fn bitable_record_fields_round_trip_as_a_map_of_any_json() {
    let example = example_response("bitable.v1.app_table_record.update").expect("example");
    let server = CaptureServer::start(Reply::json(200, example.to_string()))
        .await
        .expect("server");
    let mut fields: BTreeMap<String, Value> = BTreeMap::new();
    fields.insert("文本".into(), json!("HelloWorld"));
    fields.insert("数字".into(), json!(100));
    fields.insert("人员".into(), json!([{"id": "ou_1"}]));
    let updated = capture_client(&server)
        .bitable()
        .v1()
        .app_table_record()
        .update("appbcb", "tblsRc", "recqw", fields)
        .send()
        .await
        .expect("update");
    let sent = server.requests();
    assert_eq!(sent[0].method, "PUT");
    assert_eq!(
        sent[0].json_body(),
        json!({"fields": {"文本": "HelloWorld", "数字": 100, "人员": [{"id": "ou_1"}]}})
    );
    let record = updated.record.expect("record");
    let got = record.fields.expect("fields");
    assert_eq!(got["数字"], json!(100));
    assert_eq!(
        got["超链接"]["link"],
        json!("https://www.feishu.cn/product/base")
    );
    assert_eq!(record.record_id.as_deref(), Some("reclAqylTN"));
}

#[tokio::test]
async fn sheets_values_decode_as_arrays_of_any_json() {
    let example = example_response("sheets.v2.spreadsheet.values").expect("example");
    let server = CaptureServer::start(Reply::json(200, example.to_string()))
        .await
        .expect("server");
    let read = capture_client(&server)
        .sheets()
        .v2()
        .spreadsheet()
        .values("XUMasQlMYhOnMbt5htXc96h0nOg", "Q7PlXT!A1:B2")
        .value_render_option(feishu::sheets::v2::ValueRenderOption::ToStringValue)
        .send()
        .await
        .expect("values");
    let sent = server.requests();
    assert!(
        sent[0]
            .raw_path
            .starts_with("/open-apis/sheets/v2/spreadsheets/XUMasQlMYhOnMbt5htXc96h0nOg/values/"),
        "{}",
        sent[0].raw_path
    );
    assert_eq!(
        sent[0].query_value("valueRenderOption").as_deref(),
        Some("ToString")
    );
    assert_eq!(
        read.spreadsheet_token.as_deref(),
        Some("XUMasQlMYhOnMbt5htXc96h0nOg")
    );
    let values = read.value_range.and_then(|r| r.values).expect("values");
    assert_eq!(values[1][0], json!("单元格A2"));
}

#[tokio::test]
async fn a_json_string_field_travels_as_text_and_decodes_typed() {
    let server = CaptureServer::start(Reply::data(json!({
        "content": "{\"text\":\"pong\"}",
        "scores": {"alice": {"value": 3}}
    })))
    .await
    .expect("server");
    let mut content = TextContent::default();
    content.text = Some("ping".into());
    let client = feishu_fixture_shapes::Client::builder()
        .base_url(server.base_url())
        .access_token("t-shapes-e2e")
        .build()
        .expect("client");
    let created = client
        .shapes_fixture()
        .v1()
        .message()
        .create("open_1", content)
        .request_id("req-1")
        .send()
        .await
        .expect("create");
    let sent = server.requests();
    assert_eq!(sent[0].json_body()["content"], json!("{\"text\":\"ping\"}"));
    assert_eq!(
        sent[0].headers.get("x-request-id").map(|v| v.as_bytes()),
        Some(&b"req-1"[..])
    );
    assert_eq!(
        created.content.expect("content").text.as_deref(),
        Some("pong")
    );
    assert_eq!(created.scores.expect("scores")["alice"].value, Some(3));
}

#[tokio::test]
async fn the_flat_token_endpoints_agree_with_the_token_manager() {
    let server = MockServer::start().await.expect("mock server");
    // A client without credentials: the generated call must not need a token.
    let bare = feishu::Client::builder()
        .base_url(server.base_url())
        .build()
        .expect("client");
    let request = bare
        .auth()
        .v3()
        .tenant_access_token()
        .internal(MockServer::APP_ID, MockServer::APP_SECRET);
    let shown = format!("{request:?}");
    assert!(!shown.contains(MockServer::APP_SECRET), "{shown}");
    assert!(shown.contains(MockServer::APP_ID), "{shown}");
    let tenant = request.send().await.expect("flat envelope decodes");
    let token_text = tenant.tenant_access_token.clone().expect("token");
    let shown = format!("{tenant:?}");
    assert!(
        !shown.contains(&token_text) && shown.contains("<redacted>"),
        "{shown}"
    );
    let app = bare
        .auth()
        .v3()
        .app_access_token()
        .internal(MockServer::APP_ID, MockServer::APP_SECRET)
        .send()
        .await
        .expect("flat envelope decodes");
    let generated_token = tenant.tenant_access_token.expect("token");
    assert_eq!(
        tenant.expire,
        Some(MockServer::DEFAULT_EXPIRE_SECONDS as i32)
    );
    assert_eq!(app.expire, Some(MockServer::DEFAULT_EXPIRE_SECONDS as i32));
    assert!(app.app_access_token.is_some());
    for request in server.requests(Route::TenantTokenInternal) {
        assert_eq!(
            request.header("authorization"),
            None,
            "no token on a token request"
        );
    }

    // The runtime's manager fetches through its own code, from the same route.
    server.clear_log();
    mock_client(&server)
        .im()
        .v1()
        .image()
        .create(
            ImageType::Message,
            FilePart::bytes(vec![1u8; 8]).file_name("a.png"),
        )
        .send()
        .await
        .expect("upload with the manager's token");
    let fetched = server.requests(Route::TenantTokenInternal);
    assert_eq!(fetched.len(), 1, "the manager fetched once");
    let manager_body: Value = serde_json::from_slice(&fetched[0].body).expect("json");
    assert_eq!(manager_body["app_id"], json!(MockServer::APP_ID));
    let upload = &server.requests(Route::ImageCreate)[0];
    let manager_token = upload
        .header("authorization")
        .and_then(|v| v.strip_prefix("Bearer "))
        .expect("bearer token")
        .to_owned();
    assert!(manager_token.starts_with("t-") && generated_token.starts_with("t-"));

    // The generated endpoint's token works exactly like the manager's.
    let with_generated = feishu::Client::builder()
        .base_url(server.base_url())
        .access_token(generated_token.clone())
        .build()
        .expect("client");
    with_generated
        .im()
        .v1()
        .image()
        .create(
            ImageType::Message,
            FilePart::bytes(vec![2u8; 8]).file_name("b.png"),
        )
        .send()
        .await
        .expect("the mock accepts the generated endpoint's token");
}

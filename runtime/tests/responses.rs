//! How responses become values or errors.

mod support;

use feishu_runtime::{Empty, Error, Request};
use serde::Deserialize;
use serde_json::json;
use support::{LIST_OKRS, Reply, TestServer};

#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
struct OkrList {
    total: i64,
    okr_list: Vec<OkrBatch>,
}

#[derive(Debug, Default, Deserialize, PartialEq)]
struct OkrBatch {
    id: String,
    total: i64,
}

async fn call<T: serde::de::DeserializeOwned>(reply: Reply) -> Result<T, Error> {
    let server = TestServer::start(reply).await;
    let mut request = Request::new(&LIST_OKRS);
    request.path_param("user_id", "ou_1");
    server.client().execute(request).await
}

#[tokio::test]
async fn success_envelope_decodes_data() {
    let list: OkrList = call(Reply::json(
        200,
        json!({"code": 0, "msg": "success", "data": {"total": 2, "okr_list": [{"id": "7", "total": 3}]}}),
    ))
    .await
    .unwrap();
    assert_eq!(
        list,
        OkrList {
            total: 2,
            okr_list: vec![OkrBatch {
                id: "7".into(),
                total: 3
            }],
        }
    );
}

#[tokio::test]
async fn missing_or_null_data_decodes_as_empty_object() {
    let missing: OkrList = call(Reply::json(200, json!({"code": 0, "msg": "ok"})))
        .await
        .unwrap();
    assert_eq!(missing, OkrList::default());

    let null: Empty = call(Reply::json(
        200,
        json!({"code": 0, "msg": "ok", "data": null}),
    ))
    .await
    .unwrap();
    assert_eq!(null, Empty);

    // `{}` really is what gets decoded: a type that needs a field must fail on it.
    let error = call::<OkrBatch>(Reply::json(200, json!({"code": 0, "msg": "ok"})))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Decode(_)), "{error:?}");
}

#[tokio::test]
async fn http_200_with_error_code_is_api_error() {
    let reply = Reply::json(200, json!({"code": 1001003, "msg": "user not found"}))
        .header("X-Tt-Logid", "20240101abcdef");
    let error = call::<Empty>(reply).await.unwrap_err();

    assert_eq!(error.code(), Some(1001003));
    assert_eq!(error.http_status(), Some(200));
    assert_eq!(error.log_id(), Some("20240101abcdef"));
    let Error::Api(api) = &error else {
        panic!("expected Api, got {error:?}");
    };
    assert_eq!(api.msg, "user not found");
    assert_eq!(
        error.to_string(),
        "feishu API error 1001003: user not found (HTTP 200, log id 20240101abcdef)"
    );
}

#[tokio::test]
async fn http_400_with_envelope_is_api_error_with_error_details() {
    let reply = Reply::json(
        400,
        json!({
            "code": 99991672,
            "msg": "Access denied",
            "error": {
                "log_id": "body-log-id",
                "troubleshooter": "https://open.feishu.cn/search?log_id=body-log-id",
                "permission_violations": [{"type": "action_privilege_required", "subject": "okr:okr:readonly", "description": "scope missing"}],
                "field_violations": [{"field": "offset", "value": 5, "description": "too big"}],
                "helps": [{"url": "https://open.feishu.cn/doc", "description": "how to apply"}],
                "details": [{"key": "app_id", "value": "cli_1"}],
                "unexpected": true
            }
        }),
    );
    let error = call::<Empty>(reply).await.unwrap_err();

    let Error::Api(api) = &error else {
        panic!("expected Api, got {error:?}");
    };
    assert_eq!(api.code, 99991672);
    assert_eq!(api.http_status, 400);
    // No X-Tt-Logid header, so the body's log id is used.
    assert_eq!(api.log_id.as_deref(), Some("body-log-id"));
    assert_eq!(
        api.troubleshooter.as_deref(),
        Some("https://open.feishu.cn/search?log_id=body-log-id")
    );
    assert_eq!(api.permission_violations.len(), 1);
    assert_eq!(
        api.permission_violations[0].kind,
        "action_privilege_required"
    );
    assert_eq!(api.permission_violations[0].subject, "okr:okr:readonly");
    assert_eq!(api.field_violations[0].field, "offset");
    assert_eq!(api.field_violations[0].value, "5");
    assert_eq!(api.helps[0].url, "https://open.feishu.cn/doc");
    assert_eq!(api.details[0].key, "app_id");
    assert_eq!(api.details[0].value, "cli_1");
}

#[tokio::test]
async fn non_2xx_with_code_zero_is_still_an_error() {
    let error = call::<Empty>(Reply::json(
        500,
        json!({"code": 0, "msg": "ok", "data": {}}),
    ))
    .await
    .unwrap_err();
    assert!(
        matches!(&error, Error::Api(api) if api.code == 0 && api.http_status == 500),
        "{error:?}"
    );
}

#[tokio::test]
async fn html_502_is_decode_error_with_status_and_body_start() {
    let page = format!(
        "<html><head><title>502 Bad Gateway</title></head><body>{}</body></html>",
        "x".repeat(1000)
    );
    let reply = Reply::raw(502, "text/html", page.clone()).header("X-Tt-Logid", "gw-log");
    let error = call::<Empty>(reply).await.unwrap_err();

    assert_eq!(error.http_status(), Some(502));
    assert_eq!(error.code(), None);
    assert_eq!(error.log_id(), Some("gw-log"));
    let Error::Decode(decode) = &error else {
        panic!("expected Decode, got {error:?}");
    };
    assert_eq!(decode.body_start, page[..512]);
    assert_eq!(decode.json_path, None);
}

#[tokio::test]
async fn json_without_code_is_decode_error() {
    let error = call::<Empty>(Reply::json(404, json!({"error": "not found"})))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Decode(d) if d.http_status == 404),
        "{error:?}"
    );
}

#[tokio::test]
async fn decode_failure_reports_the_json_path() {
    let reply = Reply::json(
        200,
        json!({"code": 0, "msg": "ok", "data": {"total": 1, "okr_list": [{"id": "7", "total": "many"}]}}),
    );
    let error = call::<OkrList>(reply).await.unwrap_err();

    let Error::Decode(decode) = &error else {
        panic!("expected Decode, got {error:?}");
    };
    assert_eq!(decode.json_path.as_deref(), Some("okr_list[0].total"));
    assert_eq!(decode.http_status, 200);
    assert!(
        decode.body_start.contains("\"many\""),
        "{}",
        decode.body_start
    );
    assert!(
        error.to_string().contains("at `okr_list[0].total`"),
        "{error}"
    );
}

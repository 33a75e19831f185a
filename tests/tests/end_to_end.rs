//! The generated client against a real HTTP server on 127.0.0.1: what goes
//! on the wire, and what comes back decoded. That every spec example decodes
//! and serializes back to itself is `every_endpoint.rs`, for every endpoint;
//! these tests pin details it does not (query order, typed values, errors).

use feishu::common::UserIdType;
use feishu::okr::v1::user_okr::ListUserOkrErrorCode;
use feishu::okr::v1::{OkrLang, OkrPermission};
use feishu::performance::v1::TaskOption;
use feishu::performance::v1::stage_task::FindByUserListStageTaskErrorCode;
use feishu_tests::{CaptureServer, Reply, example_response};
use serde_json::{Value, json};

const TOKEN: &str = "t-e2e-secret-token";

fn client(server: &CaptureServer) -> feishu::Client {
    feishu::Client::builder()
        .base_url(server.base_url())
        .access_token(TOKEN)
        // Each test checks exactly one exchange; retries are tested elsewhere.
        .retry_policy(feishu::RetryPolicy::none())
        .build()
        .expect("client builds")
}

fn okr_example() -> Value {
    example_response("okr.v1.user_okr.list").expect("the OKR spec has an example response")
}

fn performance_example() -> Value {
    example_response("performance.v1.stage_task.find_by_user_list")
        .expect("the performance spec has an example response")
}

#[tokio::test]
async fn okr_list_sends_the_documented_request() {
    let server = CaptureServer::start(Reply::json(200, okr_example().to_string()))
        .await
        .expect("server starts");
    client(&server)
        .okr()
        .v1()
        .user_okr()
        .list("ou_abc", 0, 5)
        .user_id_type(UserIdType::OpenId)
        .lang(OkrLang::EnUs)
        .period_ids(["6990181559036610092", "6990181559036610093"])
        .send()
        .await
        .expect("the example response decodes");

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "GET");
    assert_eq!(request.raw_path, "/open-apis/okr/v1/users/ou_abc/okrs");
    assert_eq!(
        request.raw_query.as_deref(),
        Some(
            "user_id_type=open_id&offset=0&limit=5&lang=en_us\
             &period_ids=6990181559036610092&period_ids=6990181559036610093"
        )
    );
    assert_eq!(
        request.headers["authorization"],
        format!("Bearer {TOKEN}").as_str()
    );
    assert!(
        request.headers.get("content-type").is_none(),
        "a GET carries no body"
    );
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn optional_query_parameters_are_left_out_when_unset() {
    let server = CaptureServer::start(Reply::json(200, r#"{"code":0,"msg":"ok","data":{}}"#))
        .await
        .expect("server starts");
    client(&server)
        .okr()
        .v1()
        .user_okr()
        .list("ou_abc", 10, 10)
        .send()
        .await
        .expect("ok");
    assert_eq!(
        server.requests()[0].raw_query.as_deref(),
        Some("offset=10&limit=10")
    );
}

#[tokio::test]
async fn path_parameters_are_percent_encoded_and_never_change_the_path() {
    let server = CaptureServer::start(Reply::json(200, r#"{"code":0,"msg":"ok","data":{}}"#))
        .await
        .expect("server starts");
    let okr = client(&server);
    okr.okr()
        .v1()
        .user_okr()
        .list("a/b?c#d", 0, 1)
        .send()
        .await
        .expect("sent");
    assert_eq!(
        server.requests()[0].raw_path,
        "/open-apis/okr/v1/users/a%2Fb%3Fc%23d/okrs"
    );
    for hostile in ["..", ".", ""] {
        let error = okr
            .okr()
            .v1()
            .user_okr()
            .list(hostile, 0, 1)
            .send()
            .await
            .expect_err("a dot segment or empty segment is refused");
        assert!(
            matches!(error, feishu::Error::InvalidRequest(_)),
            "{error:?}"
        );
    }
    assert_eq!(server.requests().len(), 1, "nothing more was sent");
}

#[tokio::test]
async fn performance_find_by_user_list_sends_the_documented_request() {
    let server = CaptureServer::start(Reply::json(200, performance_example().to_string()))
        .await
        .expect("server starts");
    client(&server)
        .performance()
        .v1()
        .stage_task()
        .find_by_user_list("7235911950407352321", ["bega29ca", "ou_2"])
        .user_id_type(UserIdType::UserId)
        .task_option_lists([TaskOption::Todo, TaskOption::Overdue])
        .after_time("1717142243000")
        .send()
        .await
        .expect("the example response decodes");

    let request = &server.requests()[0];
    assert_eq!(request.method, "POST");
    assert_eq!(
        request.raw_path,
        "/open-apis/performance/v1/stage_tasks/find_by_user_list"
    );
    assert_eq!(request.raw_query.as_deref(), Some("user_id_type=user_id"));
    assert_eq!(
        request.headers["authorization"],
        format!("Bearer {TOKEN}").as_str()
    );
    assert_eq!(
        request.headers["content-type"],
        "application/json; charset=utf-8"
    );
    let body: Value = serde_json::from_slice(&request.body).expect("the body is JSON");
    assert_eq!(
        body,
        json!({
            "semester_id": "7235911950407352321",
            "user_id_lists": ["bega29ca", "ou_2"],
            "task_option_lists": [1, 3],
            "after_time": "1717142243000"
        })
    );
}

#[tokio::test]
async fn unknown_enum_values_unknown_fields_and_sparse_objects_still_decode() {
    let body = json!({
        "code": 0,
        "msg": "success",
        "data": {
            "total": 2,
            "okr_list": [
                {"id": "1", "permission": 0},
                {
                    "id": "2",
                    "permission": 7,
                    "confirm_status": 9,
                    "finished_count": 3,
                    "objective_list": [{"progress_rate": {"status": "5", "percent": 1}}]
                }
            ]
        }
    });
    let server = CaptureServer::start(Reply::json(200, body.to_string()))
        .await
        .expect("server starts");
    let page = client(&server)
        .okr()
        .v1()
        .user_okr()
        .list("ou_abc", 0, 5)
        .send()
        .await
        .expect("forward-compatible decoding");
    let list = page.okr_list.expect("okr_list");
    assert_eq!(list[0].permission, Some(OkrPermission::IdOnly));
    assert_eq!(list[0].name, None);
    let unknown = list[1].permission.expect("permission");
    assert!(matches!(&unknown, OkrPermission::Unknown(v) if *v.wire_value() == 7));
    assert_eq!(unknown.wire_value(), 7);
    let status = list[1].objective_list.as_ref().expect("objectives")[0]
        .progress_rate
        .as_ref()
        .and_then(|p| p.status.clone())
        .expect("status");
    assert_eq!(status.as_str(), "5");
    // An unknown value goes back on the wire unchanged.
    assert_eq!(
        serde_json::to_value(&status).expect("serializes"),
        json!("5")
    );
}

#[tokio::test]
async fn an_error_envelope_becomes_an_err_with_code_msg_and_log_id() {
    let reply = Reply::json(400, r#"{"code":1001003,"msg":"User not found.","data":{}}"#)
        .header("X-Tt-Logid", "202411221234567890ABCDEF");
    let server = CaptureServer::start(reply).await.expect("server starts");
    let error = client(&server)
        .okr()
        .v1()
        .user_okr()
        .list("ou_missing", 0, 5)
        .send()
        .await
        .expect_err("code 1001003 is an error");
    assert_eq!(error.code(), Some(1001003));
    assert_eq!(error.http_status(), Some(400));
    assert_eq!(error.log_id(), Some("202411221234567890ABCDEF"));
    let feishu::Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}");
    };
    assert_eq!(api.msg, "User not found.");
    // The spec's error table is a typed enum the caller can match on.
    let code = ListUserOkrErrorCode::from_error(&error).expect("a documented code");
    assert_eq!(code, ListUserOkrErrorCode::UserNotFound);
    assert_eq!((code.code(), code.http_status()), (1001003, 400));
    assert_eq!(code.advice(), "用户不存在");
    assert_eq!(ListUserOkrErrorCode::from_code(1580102), None);
    assert_eq!(
        FindByUserListStageTaskErrorCode::from_code(1580102),
        Some(FindByUserListStageTaskErrorCode::ParamIsInvalid)
    );
    let shown = error.to_string();
    assert!(
        shown.contains("1001003")
            && shown.contains("User not found.")
            && shown.contains("202411221234567890ABCDEF"),
        "{shown}"
    );
    assert!(!format!("{error:?}{shown}").contains(TOKEN));
}

#[tokio::test]
async fn a_non_json_error_page_is_a_decode_error_with_status_and_body_start() {
    let mut reply = Reply::json(502, "<html><body>502 Bad Gateway</body></html>");
    reply.content_type = "text/html";
    let server = CaptureServer::start(reply).await.expect("server starts");
    let error = client(&server)
        .performance()
        .v1()
        .stage_task()
        .find_by_user_list("1", ["u"])
        .send()
        .await
        .expect_err("HTML is not an envelope");
    let feishu::Error::Decode(decode) = &error else {
        panic!("expected a decode error, got {error:?}");
    };
    assert_eq!(decode.http_status, 502);
    assert!(decode.body_start.starts_with("<html><body>502 Bad Gateway"));
}

//! The crate generated from `tests/specs/collisions`, whose every name is a
//! Rust keyword, a prelude item, hyphenated, digit-led, Chinese or upper
//! case, compiles (it is a workspace member built by clippy with
//! `-D warnings`) and keeps the original wire names on the wire.

use feishu_fixture_collisions::collisions::v1::{Crate, Self_, Type};
use feishu_tests::{CaptureServer, Reply};
use serde_json::{Value, json};

fn hostile_object() -> Value {
    json!({
        "type": "t", "ref": "r", "self": "s", "crate": "c", "super": "p", "Self": "S",
        "async": "a", "fn": 7,
        "Option": {"some": "x", "None": true},
        "Result": {"Ok": "o", "Err": "e"},
        "Box": {"value": 1.5},
        "String": {"len": 9007199254740993_i64},
        "Vec": [{"items": ["i", "j"]}],
        "zh-CN": "中", "2fa": true, "名称": "n", "USER_ID": "u", "userID": "v",
        "kind": "zh-CN", "mode": -7
    })
}

#[test]
fn every_wire_name_round_trips() {
    let input = hostile_object();
    let decoded: Type = serde_json::from_value(input.clone()).expect("decodes");
    assert_eq!(decoded.r#type.as_deref(), Some("t"));
    assert_eq!(decoded.self_.as_deref(), Some("s"));
    assert_eq!(decoded.self_type.as_deref(), Some("S"));
    assert_eq!(decoded.r#fn, Some(7));
    assert_eq!(decoded.zh_cn.as_deref(), Some("中"));
    assert_eq!(decoded.n2fa, Some(true));
    assert_eq!(decoded.u540d_u79f0.as_deref(), Some("n"));
    assert_eq!(decoded.user_id.as_deref(), Some("u"));
    assert_eq!(decoded.user_id_camel.as_deref(), Some("v"));
    assert_eq!(decoded.option.as_ref().and_then(|o| o.none), Some(true));
    assert_eq!(
        decoded.result.as_ref().and_then(|r| r.err.as_deref()),
        Some("e")
    );
    assert_eq!(
        decoded.string.as_ref().and_then(|s| s.len),
        Some(9007199254740993)
    );
    assert_eq!(decoded.kind, Some(Self_::ZhCn));
    assert_eq!(decoded.mode, Some(Crate::Negative));
    assert_eq!(serde_json::to_value(&decoded).expect("serializes"), input);
}

#[test]
fn every_enum_value_round_trips_with_its_wire_value() {
    let strings = [
        "type",
        "Self",
        "None",
        "Some",
        "Ok",
        "zh-CN",
        "2fa",
        "UPPER_CASE",
        "中文",
        "-1",
    ];
    let expected = [
        Self_::Type,
        Self_::SelfValue,
        Self_::None,
        Self_::Some,
        Self_::Ok,
        Self_::ZhCn,
        Self_::N2fa,
        Self_::UpperCase,
        Self_::Chinese,
        Self_::MinusOne,
    ];
    for (wire, variant) in strings.iter().zip(expected) {
        let decoded: Self_ = serde_json::from_value(json!(wire)).expect("decodes");
        assert_eq!(decoded, variant);
        assert_eq!(variant.as_str(), *wire);
        assert_eq!(
            serde_json::to_value(&variant).expect("serializes"),
            json!(wire)
        );
    }
    for (wire, variant) in [(0, Crate::Self_), (1, Crate::String), (-7, Crate::Negative)] {
        assert_eq!(
            serde_json::from_value::<Crate>(json!(wire)).expect("decodes"),
            variant
        );
        assert_eq!(variant.wire_value(), wire);
    }
}

#[tokio::test]
async fn hostile_parameter_names_go_on_the_wire_unchanged() {
    let server = CaptureServer::start(Reply::json(
        200,
        json!({"code": 0, "msg": "ok", "data": hostile_object()}).to_string(),
    ))
    .await
    .expect("server starts");
    let client = feishu_fixture_collisions::Client::builder()
        .base_url(server.base_url())
        .access_token("t-collisions")
        .build()
        .expect("client");
    let data = client
        .collisions()
        .v1()
        .r#type()
        .r#ref("a/b", 42, Crate::Negative)
        .r#type(Self_::ZhCn)
        .option(["x", "y"])
        .zh_cn(true)
        .u540d_u79f0("名")
        .send()
        .await
        .expect("decodes the response");
    assert_eq!(data.kind, Some(Self_::ZhCn));

    let request = &server.requests()[0];
    assert_eq!(
        request.raw_path,
        "/open-apis/collisions/v1/types/a%2Fb/refs/42"
    );
    assert_eq!(
        request.raw_query.as_deref(),
        Some("type=zh-CN&Option=x&Option=y&zh-CN=true")
    );
    let body: Value = serde_json::from_slice(&request.body).expect("JSON body");
    assert_eq!(body, json!({"crate": -7, "名称": "名"}));
}

/// Integer enums are `Copy` (their catch-all holds an `i64`); this fails to
/// compile if the derive goes missing.
#[test]
fn integer_enums_are_copy() {
    fn assert_copy<T: Copy>() {}
    assert_copy::<Crate>();
    let mode = Crate::Negative;
    let copied = mode;
    assert_eq!(mode, copied);
}

/// A documented value `unknown` gets its own variant, distinct from the
/// catch-all `Unknown` for values the crate does not know.
#[test]
fn a_documented_unknown_value_is_not_the_catch_all() {
    let decoded: Self_ = serde_json::from_value(json!("unknown")).expect("decodes");
    assert_eq!(decoded, Self_::UnknownDocumented);
    assert!(!matches!(decoded, Self_::Unknown(_)));
    assert_eq!(decoded.as_str(), "unknown");
    assert_eq!(
        serde_json::to_value(&decoded).expect("serializes"),
        json!("unknown")
    );
    let other: Self_ = serde_json::from_value(json!("Unknown")).expect("decodes");
    assert!(matches!(other, Self_::Unknown(_)), "{other:?}");
}

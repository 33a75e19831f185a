//! The crate generated from `tests/specs/hardening`: recursive types are
//! boxed so they exist at all and round-trip nested JSON, and names clippy
//! reads as trait methods (`clone`, `add`, `cmp`) are ordinary methods. The
//! crate is a workspace member, so clippy -D warnings, `cargo test --doc`
//! and `RUSTDOCFLAGS=-D warnings cargo doc` cover its hostile descriptions.

use feishu_fixture_hardening::hardening::v1::{Comment, Department, Thread};
use serde_json::json;

#[test]
fn a_directly_recursive_type_round_trips_nested_values() {
    let input = json!({
        "id": "child",
        "parent": {"id": "root", "children": [{"id": "sibling"}]},
        "leader": {"name": "l", "department": {"id": "led"}},
        "children": []
    });
    let department: Department = serde_json::from_value(input.clone()).expect("decodes");
    let parent = department.parent.as_deref().expect("boxed parent");
    assert_eq!(parent.id.as_deref(), Some("root"));
    assert_eq!(
        parent.children.as_ref().map(|c| c[0].id.as_deref()),
        Some(Some("sibling"))
    );
    let led = department
        .leader
        .as_ref()
        .and_then(|l| l.department.as_deref())
        .and_then(|d| d.id.as_deref());
    assert_eq!(led, Some("led"));
    assert_eq!(serde_json::to_value(&department).expect("encodes"), input);
}

#[test]
fn mutually_recursive_types_decode_deep_chains() {
    let mut value = json!({"reply": null});
    for depth in 0..100 {
        value = json!({"reply": value, "thread": {"first": {"reply": null}}, "depth": depth});
    }
    let comment: Comment = serde_json::from_value(value).expect("decodes");
    let mut depth = 0;
    let mut current = Some(&comment);
    while let Some(c) = current {
        depth += 1;
        current = c.reply.as_deref();
    }
    assert_eq!(depth, 101);
    let thread: Thread = serde_json::from_value(json!({"comments": [{"reply": {}}]})).unwrap();
    assert!(thread.comments.unwrap()[0].reply.is_some());
    assert_eq!(Department::default().parent, None);
}

#[test]
fn names_clippy_reads_as_trait_methods_are_plain_methods() {
    let client = feishu_fixture_hardening::Client::builder()
        .base_url("http://127.0.0.1:9")
        .access_token("t-test")
        .build()
        .expect("client");
    let request = client.hardening().v1().department().clone().add(7).cmp("c");
    assert_eq!(request.body().cmp.as_deref(), Some("c"));
}

//! The generated crate's `Cargo.toml`. TOML, not Rust, so it is written as
//! text; every value in it comes from the model or is fixed here.

use crate::emit::tree::distinct_services;
use crate::model::Model;

/// `Cargo.toml` of the generated crate `package`, without the header comment.
pub fn cargo_toml(model: &Model, package: &str) -> String {
    let services = distinct_services(model);
    let names: Vec<String> = services.iter().map(|s| format!("\"{}\"", s.name)).collect();
    let mut features = format!("[features]\ndefault = [{}]\n", names.join(", "));
    for service in &services {
        features.push_str(&format!("{} = []\n", service.name));
    }
    // The runtime's event channels, forwarded so that a user depends on one
    // crate: `feishu = { features = ["long-connection"] }`. Service names
    // cannot take these (resolve/reserved.rs).
    features.push_str(
        "# Receive events over HTTP (`feishu::event::webhook`).\n\
         webhook = [\"feishu-runtime/webhook\"]\n\
         # An axum router around the webhook receiver (`feishu::event::axum`).\n\
         axum = [\"feishu-runtime/axum\"]\n\
         # Receive events over the long connection (`feishu::event::long_connection`).\n\
         long-connection = [\"feishu-runtime/long-connection\"]\n",
    );
    format!(
        r#"[package]
name = "{package}"
version = "0.1.0"
description = "Typed client for the Feishu (Lark) Open Platform, generated from spec/."
keywords = ["feishu", "lark", "api", "client"]
categories = ["api-bindings"]
edition.workspace = true
rust-version.workspace = true
license.workspace = true
publish.workspace = true


{features}
[dependencies]
feishu-runtime.workspace = true
serde.workspace = true
serde_json.workspace = true
"#
    )
}

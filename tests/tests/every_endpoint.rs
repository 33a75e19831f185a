//! Every endpoint in `spec/`, end to end, without a test written for it.
//!
//! The specs are loaded through the codegen library at test time, so this
//! iterates over whatever `spec/` holds. For each endpoint: the mock server
//! gets a stub answering with the spec's example response (or an empty
//! success, or bytes for a download); the generated typed method is called
//! through its generated call function (`tests/generated-calls/`, written by
//! `cargo run -p codegen`) with the example's values (see `values.rs` for the
//! rule); then the request the SERVER received is checked (method, path with
//! the values percent-encoded, query pairs, Authorization of the right token
//! kind or none, Content-Type, header parameters, the JSON body or the
//! multipart parts), and the decoded response, serialized again, must equal
//! the example's `data` (so a wrong type or a lost field fails). Every
//! failure is collected and reported with the endpoint and its spec file.

// Generated (prettyplease's layout, checked byte for byte): rustfmt keeps out.
#[rustfmt::skip]
#[path = "../generated-calls/every_endpoint_calls.rs"]
mod calls;
#[path = "every_endpoint/values.rs"]
mod values;

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use codegen::model::*;
use feishu_mock_server::{MockServer, StubReply, StubRequest, TokenKind};
use feishu_tests::workspace_root;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use values::{Types, encode_segment, first_difference, wire_texts};

const USER_TOKEN: &str = "u-every-endpoint-user-token";
const FIX: &str = "run `cargo run -p codegen`";

/// What a call function returns: the decoded response as JSON, or a download's bytes.
pub enum Outcome {
    Json(Value),
    Bytes(Vec<u8>),
}

impl Outcome {
    fn json<T: serde::Serialize>(response: &T) -> Result<Self, String> {
        serde_json::to_value(response)
            .map(Self::Json)
            .map_err(|e| format!("the decoded response does not serialize: {e}"))
    }

    async fn download(download: feishu::runtime::Download) -> Result<Self, String> {
        use futures::TryStreamExt;
        let chunks: Vec<_> = download
            .into_stream()
            .try_collect()
            .await
            .map_err(|e| e.to_string())?;
        Ok(Self::Bytes(chunks.concat()))
    }
}

/// The future a call function returns.
pub type CallFuture<'a> = Pin<Box<dyn Future<Output = Result<Outcome, String>> + 'a>>;

/// A generated call function.
pub type CallFn = for<'a> fn(&'a feishu::Client, &'a Inputs) -> CallFuture<'a>;

/// The values one call is made with.
pub struct Inputs {
    path: BTreeMap<String, Value>,
    query: BTreeMap<String, Value>,
    headers: BTreeMap<String, Value>,
    body: Value,
    files: BTreeMap<String, Vec<u8>>,
}

fn typed<T: DeserializeOwned>(what: &str, value: &Value) -> Result<T, String> {
    serde_json::from_value(value.clone())
        .map_err(|e| format!("{what} = {value} does not decode: {e}"))
}

// The generated call functions use what their endpoints need.
#[allow(dead_code)]
impl Inputs {
    fn get<T: DeserializeOwned>(
        map: &BTreeMap<String, Value>,
        section: &str,
        name: &str,
    ) -> Result<Option<T>, String> {
        map.get(name)
            .map(|v| typed(&format!("{section} `{name}`"), v))
            .transpose()
    }
    fn path<T: DeserializeOwned>(&self, name: &str) -> Result<T, String> {
        Self::get(&self.path, "path", name)?.ok_or(format!("no value for path `{name}`"))
    }
    fn query<T: DeserializeOwned>(&self, name: &str) -> Result<T, String> {
        self.query_opt(name)?
            .ok_or(format!("no value for query `{name}`"))
    }
    fn query_opt<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, String> {
        Self::get(&self.query, "query", name)
    }
    fn header<T: DeserializeOwned>(&self, name: &str) -> Result<T, String> {
        self.header_opt(name)?
            .ok_or(format!("no value for header `{name}`"))
    }
    fn header_opt<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, String> {
        Self::get(&self.headers, "header", name)
    }
    fn body<T: DeserializeOwned>(&self) -> Result<T, String> {
        typed("the body", &self.body)
    }
    fn part<T: DeserializeOwned>(&self, name: &str) -> Result<T, String> {
        self.part_opt(name)?
            .ok_or(format!("no value for part `{name}`"))
    }
    fn part_opt<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, String> {
        match self.body.get(name) {
            Some(value) if !value.is_null() => typed(&format!("part `{name}`"), value).map(Some),
            _ => Ok(None),
        }
    }
    fn file(&self, name: &str) -> Result<feishu::runtime::multipart::FilePart, String> {
        self.file_opt(name)?
            .ok_or(format!("no bytes for file part `{name}`"))
    }
    fn file_opt(&self, name: &str) -> Result<Option<feishu::runtime::multipart::FilePart>, String> {
        Ok(self.files.get(name).map(|bytes| {
            feishu::runtime::multipart::FilePart::bytes(bytes.clone())
                .file_name(format!("{name}.bin"))
        }))
    }
    fn user_token(&self) -> &'static str {
        USER_TOKEN
    }
}

/// The token the runtime should send for `tokens`: what the test expects to see.
fn expected_token(tokens: &[TokenType]) -> Option<TokenKind> {
    if tokens.is_empty() {
        None
    } else if tokens.contains(&TokenType::Tenant) {
        Some(TokenKind::Tenant)
    } else if tokens.contains(&TokenType::App) {
        Some(TokenKind::App)
    } else {
        Some(TokenKind::User)
    }
}

/// Some bytes a download stub serves, not all the same.
fn download_bytes() -> Vec<u8> {
    (0..=255u8).cycle().take(1000).collect()
}

struct Case<'m> {
    op: &'m Operation,
    inputs: Inputs,
    /// The example (or made-up) response envelope.
    envelope: Value,
}

fn case<'m>(types: &Types<'_>, op: &'m Operation) -> Case<'m> {
    let section = |params: &[Field], given: &[(String, String)], path: bool| {
        params
            .iter()
            .filter_map(|f| Some((f.wire_name.clone(), types.param_value(f, given, path)?)))
            .collect()
    };
    let given = &op.example_params;
    let body = op
        .body
        .as_ref()
        .map(|shape| types.body(shape, op.example_request.as_deref()))
        .unwrap_or(Value::Null);
    let files = match &op.body {
        Some(Shape::Inline { fields, .. }) if op.body_kind == BodyKind::Multipart => fields
            .iter()
            .filter(|f| f.ty == TypeRef::File && f.required)
            .map(|f| {
                (
                    f.wire_name.clone(),
                    format!("file part {}", f.wire_name).into_bytes(),
                )
            })
            .collect(),
        _ => BTreeMap::new(),
    };
    let envelope = op
        .example_response
        .as_deref()
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or_else(|| json!({"code": 0, "msg": "success", "data": {}}));
    Case {
        op,
        inputs: Inputs {
            path: section(&op.path_params, &given.path, true),
            query: section(&op.query_params, &given.query, false),
            headers: section(&op.header_params, &given.headers, false),
            body,
            files,
        },
        envelope,
    }
}

/// The example's `data` (or the flat envelope's fields).
fn example_data(op: &Operation, envelope: &Value) -> Value {
    match op.response_kind {
        ResponseKind::Flat => {
            let mut rest = envelope.as_object().cloned().unwrap_or_default();
            for key in ["code", "msg", "error"] {
                rest.remove(key);
            }
            Value::Object(rest)
        }
        _ => envelope.get("data").cloned().unwrap_or(json!({})),
    }
}

/// Runs one endpoint; returns what went wrong.
async fn run(types: &Types<'_>, case: &Case<'_>) -> Vec<String> {
    let op = case.op;
    let Some((_, call)) = calls::CALLS.iter().find(|(id, _)| *id == op.id) else {
        return vec![format!("no generated call function: {FIX}")];
    };
    let server = MockServer::start().await.expect("mock server starts");
    server.accept_token(USER_TOKEN);
    let reply = match op.response_kind {
        ResponseKind::Binary { .. } => {
            StubReply::bytes("application/octet-stream", download_bytes())
        }
        _ => StubReply::json(case.envelope.clone()),
    };
    let stub = server.stub(op.http_method.as_str(), &op.path, reply);
    let expected = expected_token(&op.tokens);
    stub.accept_tokens(expected.as_slice());
    let client = feishu::Client::builder()
        .base_url(server.base_url())
        .app_credentials(MockServer::APP_ID, MockServer::APP_SECRET)
        .retry_policy(feishu::RetryPolicy::none())
        .build()
        .expect("client builds");

    let mut problems = Vec::new();
    let outcome = call(&client, &case.inputs).await;
    let requests = stub.requests();
    match requests.as_slice() {
        [request] => check_request(types, case, expected, request, &mut problems),
        other => problems.push(format!(
            "the server received {} requests, expected 1",
            other.len()
        )),
    }
    match outcome {
        Err(error) => problems.push(format!("the call failed: {error}")),
        Ok(Outcome::Bytes(bytes)) => {
            if bytes != download_bytes() {
                problems.push(format!(
                    "the download gave {} bytes, not the {} served",
                    bytes.len(),
                    download_bytes().len()
                ));
            }
        }
        Ok(Outcome::Json(decoded)) => {
            if let Some(shape) = &op.response {
                let want = types.normal(&example_data(op, &case.envelope), shape);
                let got = types.normal(&decoded, shape);
                if let Some(difference) = first_difference(&got, &want) {
                    problems.push(format!(
                        "the decoded response, serialized again, differs from the example's data at {difference}"
                    ));
                }
            }
        }
    }
    problems
}

fn check_request(
    types: &Types<'_>,
    case: &Case<'_>,
    expected_token: Option<TokenKind>,
    request: &StubRequest,
    problems: &mut Vec<String>,
) {
    let op = case.op;
    let inputs = &case.inputs;
    let mut check = |ok: bool, what: String| {
        if !ok {
            problems.push(what);
        }
    };
    check(
        request.method == op.http_method.as_str(),
        format!(
            "method {} (want {})",
            request.method,
            op.http_method.as_str()
        ),
    );
    let want_path: String = op
        .path
        .split('/')
        .map(|segment| match segment.strip_prefix(':') {
            Some(name) => inputs
                .path
                .get(name)
                .map(|v| encode_segment(&wire_texts(v).concat()))
                .unwrap_or_default(),
            None => segment.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/");
    check(
        request.path == want_path,
        format!("path {} (want {want_path})", request.path),
    );

    let mut want_query: Vec<(String, String)> = inputs
        .query
        .iter()
        .flat_map(|(name, value)| {
            wire_texts(value)
                .into_iter()
                .map(move |t| (name.clone(), t))
        })
        .collect();
    let mut got_query = request.query.clone();
    want_query.sort();
    got_query.sort();
    check(
        got_query == want_query,
        format!("query {got_query:?} (want {want_query:?})"),
    );

    let authorization = request.header("authorization");
    match expected_token {
        None => check(
            authorization.is_none(),
            "an Authorization header was sent to a token-less endpoint".into(),
        ),
        Some(kind) => check(
            request.token == Some(kind) && authorization.is_some_and(|a| a.starts_with("Bearer ")),
            format!("token {:?} (want a {kind:?} token)", request.token),
        ),
    }
    for (name, value) in &inputs.headers {
        let want = wire_texts(value).concat();
        check(
            request.header(name) == Some(want.as_str()),
            format!("header {name}: {:?} (want {want:?})", request.header(name)),
        );
    }

    let content_type = request.header("content-type").unwrap_or_default();
    match (&op.body, op.body_kind) {
        (None, _) => check(
            request.body.is_empty(),
            "a body was sent to an endpoint without one".into(),
        ),
        (Some(_), BodyKind::Multipart) => {
            check(
                content_type.starts_with("multipart/form-data"),
                format!("content-type {content_type:?} (want multipart/form-data)"),
            );
            check_parts(inputs, request, problems);
        }
        (Some(shape), BodyKind::Json) => {
            let mut check = |ok: bool, what: String| {
                if !ok {
                    problems.push(what);
                }
            };
            check(
                content_type.starts_with("application/json"),
                format!("content-type {content_type:?} (want application/json)"),
            );
            match request.json() {
                Some(sent) => {
                    let (got, want) = (
                        types.normal(&sent, shape),
                        types.normal(&inputs.body, shape),
                    );
                    if let Some(difference) = first_difference(&got, &want) {
                        check(
                            false,
                            format!(
                                "the body sent differs from the example request at {difference}"
                            ),
                        );
                    }
                }
                None => check(false, "the body sent is not JSON".into()),
            }
        }
    }
}

fn check_parts(inputs: &Inputs, request: &StubRequest, problems: &mut Vec<String>) {
    for (name, bytes) in &inputs.files {
        match request.parts.iter().find(|p| p.name == *name) {
            Some(part) if part.file_name.is_some() && part.size == bytes.len() as u64 => {}
            other => problems.push(format!(
                "file part `{name}`: {other:?} (want {} bytes with a file name)",
                bytes.len()
            )),
        }
    }
    if let Value::Object(fields) = &inputs.body {
        for (name, value) in fields.iter().filter(|(_, v)| !v.is_null()) {
            let want = wire_texts(value).concat();
            let got = request
                .parts
                .iter()
                .find(|p| p.name == *name)
                .and_then(|p| p.text.clone());
            if got.as_deref() != Some(want.as_str()) {
                problems.push(format!("text part `{name}`: {got:?} (want {want:?})"));
            }
        }
    }
}

#[tokio::test]
async fn every_endpoint_in_spec_round_trips_through_the_mock_server() {
    let generation = codegen::generate(&codegen::MAIN_TARGET, &workspace_root())
        .unwrap_or_else(|failure| panic!("spec/ does not generate:\n{failure}"));
    let model = &generation.model;

    // The call functions must be the ones the current specs produce.
    let fresh = codegen::emit::example_calls::calls_file(model, codegen::MAIN_TARGET.spec_dir)
        .expect("calls emit");
    let path = workspace_root()
        .join(codegen::emit::example_calls::CALLS_DIR)
        .join(&fresh.path);
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    let mut failures = Vec::new();
    if on_disk != fresh.contents {
        failures.push(format!(
            "{} is out of date with spec/: {FIX}",
            path.display()
        ));
    }

    let types = Types::new(model);
    let mut count = 0;
    for service in &model.services {
        for op in service.resources.iter().flat_map(|r| &r.operations) {
            count += 1;
            let case = case(&types, op);
            for problem in run(&types, &case).await {
                failures.push(format!(
                    "{} {}: {problem}",
                    service.namespace.spec_file, op.id
                ));
            }
        }
    }
    assert!(count > 0, "spec/ holds no endpoint");
    assert!(
        failures.is_empty(),
        "{} problems over {count} endpoints:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

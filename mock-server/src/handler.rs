//! One handler for every route: record, apply an injected fault, enforce the quota,
//! check the token, then answer.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Instant;

use axum::body::to_bytes;
use axum::extract::Request;
use axum::http::request::Parts;
use axum::response::Response;
use percent_encoding::percent_decode_str;
use serde_json::Value;

use crate::reply::Reply;
use crate::state::{Inner, State};
use crate::{Fault, RecordedRequest, Route, fixtures, shapes};

const BODY_LIMIT: usize = 1 << 20;
/// Uploads may be larger than other bodies.
const UPLOAD_LIMIT: usize = 64 << 20;

pub(crate) async fn handle(state: Arc<State>, route: Route, request: Request) -> Response {
    // A stub on a fixed route's path replaces it (e.g. a test's own token endpoint).
    if crate::stubs::matches(&state, request.method().as_str(), request.uri().path()) {
        return crate::stubs::handle(state, request).await;
    }
    let at = state.started.elapsed();
    let (parts, body) = request.into_parts();
    let limit = if route.is_upload() {
        UPLOAD_LIMIT
    } else {
        BODY_LIMIT
    };
    let body = to_bytes(body, limit).await.unwrap_or_default().to_vec();
    let uploaded = if route.is_upload() {
        Some(shapes::upload_parts(&parts, body.clone()).await)
    } else {
        None
    };
    // Logged on arrival, so a request whose client gave up (a slow answer) still shows;
    // its status stays 0 until an answer is sent.
    let (entry, fault) = state.with(|inner| {
        inner.log.push(RecordedRequest {
            route,
            method: parts.method.to_string(),
            path: parts.uri.path().to_owned(),
            query: parts.uri.query().map(str::to_owned),
            headers: parts
                .headers
                .iter()
                .map(|(name, value)| {
                    (
                        name.as_str().to_owned(),
                        String::from_utf8_lossy(value.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            // Uploads are recorded as parts, not bytes.
            body: if uploaded.is_some() {
                Vec::new()
            } else {
                body.clone()
            },
            at,
            status: 0,
            code: None,
            tenant_key: None,
            parts: uploaded
                .as_ref()
                .and_then(|parsed| parsed.as_ref().ok())
                .cloned()
                .unwrap_or_default(),
        });
        let fault = inner.faults.get_mut(&route).and_then(VecDeque::pop_front);
        (inner.log.len() - 1, fault)
    });
    let injected = match fault {
        Some(Fault::Slow(delay)) => {
            tokio::time::sleep(delay).await;
            None
        }
        Some(fault) => Some(fault_reply(Some(route), &fault, &state)),
        None => None,
    };
    state.with(|inner| {
        let (reply, tenant_key, dropped) = match injected {
            Some((reply, dropped)) => (reply, None, dropped),
            None => {
                let (reply, tenant_key) = match &uploaded {
                    Some(parsed) => authorized(inner, &state, route, &parts, |inner| {
                        if route == Route::OkrImageUpload {
                            fixtures::okr_image_upload(
                                parsed,
                                inner.next_log_id,
                                &mut inner.okr_images,
                            )
                        } else {
                            shapes::upload_reply(parsed, inner.next_log_id)
                        }
                    }),
                    None => answer(inner, &state, route, &parts, &body),
                };
                (reply, tenant_key, false)
            }
        };
        let log_id = format!("mock-log-{:06}", inner.next_log_id);
        inner.next_log_id += 1;
        // `clear_log` may have run meanwhile; then there is nothing to update.
        if let Some(recorded) = inner
            .log
            .get_mut(entry)
            .filter(|r| r.at == at && r.route == route)
        {
            recorded.status = if dropped { 0 } else { reply.status };
            recorded.code = reply.code;
            recorded.tenant_key = tenant_key;
        }
        reply.into_response(&log_id)
    })
}

pub(crate) async fn not_found() -> Response {
    Reply::error(404, 404, "mock: no such route").into_response("mock-log-404")
}

/// The reply for `fault` (on a fixed route, or `None` for a stub), and whether it
/// drops the connection.
pub(crate) fn fault_reply(route: Option<Route>, fault: &Fault, state: &State) -> (Reply, bool) {
    let reply = match fault {
        Fault::ServerError => {
            let (code, msg) = match route {
                Some(Route::OkrList) => {
                    (1009999, "Unknown error. Please contact Feishu Assistant.")
                }
                Some(Route::StageTaskFind) => (1580101, "internal error"),
                _ => (1, "internal error"),
            };
            Reply::error(500, code, msg)
        }
        Fault::DropConnection => return (Reply::dropped(), true),
        Fault::MalformedJson => Reply::raw(
            200,
            "application/json; charset=utf-8",
            r#"{"code":0,"msg":"success","data":{"total":3,"okr_list":[{"id":"#,
        ),
        Fault::HtmlBadGateway => Reply::raw(
            502,
            "text/html",
            "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>",
        ),
        Fault::TokenInvalid { http_status } => Reply::token_invalid(*http_status),
        Fault::Code {
            http_status,
            code,
            msg,
        } => Reply::error(*http_status, *code, msg),
        Fault::Raw { http_status, body } => Reply::raw(
            *http_status,
            "application/json; charset=utf-8",
            body.clone(),
        ),
        Fault::Redirect {
            http_status,
            location,
        } => Reply::redirect(*http_status, location),
        Fault::EndlessBody { http_status } => {
            Reply::endless(*http_status, std::sync::Arc::clone(&state.served))
        }
        Fault::RateLimited {
            http_status,
            reset_seconds,
        } => Reply::rate_limited(*http_status, 0, *reset_seconds),
        // Handled by the caller: it only delays the normal answer.
        Fault::Slow(_) => Reply::error(500, 1, "mock: unexpected slow fault"),
    };
    (reply, false)
}

/// The normal answer, and the tenant of the bearer token used.
fn answer(
    inner: &mut Inner,
    state: &State,
    route: Route,
    parts: &Parts,
    body: &[u8],
) -> (Reply, Option<String>) {
    if let Err((limit, reset)) = inner.quotas.admit(route, state.started, Instant::now()) {
        return (Reply::rate_limited(429, limit, reset), None);
    }
    let json: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let tokens = &mut inner.tokens;
    let reply = match route {
        Route::TenantTokenInternal => tokens.tenant_internal(&json),
        Route::AppTokenInternal => tokens.app_internal(&json),
        Route::AppToken => tokens.app_token(&json),
        Route::TenantToken => tokens.tenant_token(&json),
        Route::TicketResend => tokens.resend(&json),
        Route::OkrList | Route::StageTaskFind => {
            let authorization = parts
                .headers
                .get("authorization")
                .and_then(|value| value.to_str().ok());
            let tenant_key = match tokens.authorize(authorization) {
                Ok(tenant_key) => tenant_key,
                Err(reply) => return (reply, None),
            };
            let reply = if route == Route::OkrList {
                let user_id = okr_user_id(parts.uri.path());
                let query = query_pairs(parts.uri.query().unwrap_or_default());
                fixtures::okr_list(&inner.okr_users, &user_id, &query)
            } else {
                fixtures::stage_tasks(&json)
            };
            return (reply, tenant_key);
        }
        Route::FileDownload => {
            let served = std::sync::Arc::clone(&state.download_served);
            return authorized(inner, state, route, parts, |_| {
                let query = query_pairs(parts.uri.query().unwrap_or_default());
                let range = parts
                    .headers
                    .get("range")
                    .and_then(|value| value.to_str().ok());
                shapes::download(parts.uri.path(), &query, range, served)
            });
        }
        Route::OkrProgressCreate => {
            return authorized(inner, state, route, parts, |inner| {
                fixtures::okr_progress_create(&json, inner.next_log_id, &inner.okr_images)
            });
        }
        // Answered through `authorized` by the caller, after parsing.
        Route::ImageCreate | Route::OkrImageUpload => {
            Reply::error(500, 1, "mock: upload not parsed")
        }
    };
    (reply, None)
}

/// Quota and bearer token checked, then `reply`.
fn authorized(
    inner: &mut Inner,
    state: &State,
    route: Route,
    parts: &Parts,
    reply: impl FnOnce(&mut Inner) -> Reply,
) -> (Reply, Option<String>) {
    // Uploads come here straight from `handle`; other routes were admitted in `answer`.
    if route.is_upload()
        && let Err((limit, reset)) = inner.quotas.admit(route, state.started, Instant::now())
    {
        return (Reply::rate_limited(429, limit, reset), None);
    }
    let authorization = parts
        .headers
        .get("authorization")
        .and_then(|value| value.to_str().ok());
    match inner.tokens.authorize(authorization) {
        Ok(tenant_key) => (reply(inner), tenant_key),
        Err(reply) => (reply, None),
    }
}

/// The decoded `:user_id` segment of `/open-apis/okr/v1/users/:user_id/okrs`.
fn okr_user_id(path: &str) -> String {
    let segment = path
        .trim_end_matches("/okrs")
        .rsplit('/')
        .next()
        .unwrap_or_default();
    percent_decode_str(segment).decode_utf8_lossy().into_owned()
}

pub(crate) fn query_pairs(query: &str) -> Vec<(String, String)> {
    let decode = |text: &str| {
        percent_decode_str(&text.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    };
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(key), decode(value))
        })
        .collect()
}

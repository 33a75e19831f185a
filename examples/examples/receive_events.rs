//! Receives the two Performance v2 events over both channels at once and prints
//! each as one JSON line:
//!
//!     FEISHU_APP_ID=cli_… FEISHU_APP_SECRET=… \
//!     FEISHU_ENCRYPT_KEY=… FEISHU_VERIFICATION_TOKEN=… \
//!     cargo run --example receive_events
//!
//! - Long connection: opened when `FEISHU_APP_ID` and `FEISHU_APP_SECRET` are set
//!   (`FEISHU_BASE_URL` points it elsewhere; default: Feishu).
//! - Webhook: served on `LISTEN` (default `127.0.0.1:3000`) at `POST /webhook/event`
//!   when `FEISHU_ENCRYPT_KEY` or `FEISHU_VERIFICATION_TOKEN` is set.
//!
//! Events of other types are printed with their raw JSON. Runs until Ctrl-C, or
//! until `--max-events N` events have been printed.
//!
//! The event types are the generated ones, `feishu::performance::v2::events`: one
//! closure for the whole service version through `PerformanceV2Event`.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use feishu::event::long_connection::LongConnection;
use feishu::event::webhook::{WebhookConfig, WebhookReceiver};
use feishu::event::{Dispatcher, EventHeader, Unhandled};
use feishu::performance::v2::UserId;
use feishu::performance::v2::events::PerformanceV2Event;
use serde_json::{Value, json};
use tokio::sync::Notify;

fn open_id(user: Option<&UserId>) -> Option<&str> {
    user.and_then(|u| u.open_id.as_deref())
}

fn describe(event: &PerformanceV2Event) -> Value {
    match event {
        PerformanceV2Event::StageTaskOpenResultV2(e) => json!(
            e.items
                .iter()
                .flatten()
                .map(|item| json!({
                    "open_id": open_id(item.user_id.as_ref()),
                    "semester_id": item.semester_id,
                    "activity_id": item.activity_id,
                    "open_time": item.open_time,
                }))
                .collect::<Vec<_>>()
        ),
        PerformanceV2Event::ReviewDataChangedV2(e) => json!(
            e.items
                .iter()
                .flatten()
                .map(|item| json!({
                    "open_id": open_id(item.user_id.as_ref()),
                    "semester_id": item.semester_id,
                    "stages": item.stage_changes.iter().flatten()
                        .map(|s| json!({"stage_id": s.stage_id, "stage_type": s.stage_type}))
                        .collect::<Vec<_>>(),
                }))
                .collect::<Vec<_>>()
        ),
        // The enum is non-exhaustive: events added to the spec later.
        other => json!({"event_type": other.event_type()}),
    }
}

/// Counts printed events and wakes `main` when the limit is reached.
struct Printed {
    count: AtomicUsize,
    limit: Option<usize>,
    done: Notify,
}

impl Printed {
    fn print(&self, line: Value) {
        println!("{line}");
        let count = self.count.fetch_add(1, Ordering::SeqCst) + 1;
        if self.limit.is_some_and(|limit| count >= limit) {
            self.done.notify_one();
        }
    }
}

fn dispatcher(printed: Arc<Printed>) -> Dispatcher {
    let typed = Arc::clone(&printed);
    Dispatcher::new()
        .on(move |header: EventHeader, event: PerformanceV2Event| {
            let printed = Arc::clone(&typed);
            async move {
                printed.print(json!({
                    "event_type": header.event_type,
                    "event_id": header.event_id,
                    "items": describe(&event),
                }));
                Ok(())
            }
        })
        .fallback(move |unhandled: Unhandled| {
            let printed = Arc::clone(&printed);
            async move {
                let raw: Value = serde_json::from_str(unhandled.envelope.event.get())?;
                printed.print(json!({
                    "event_type": unhandled.envelope.header.event_type,
                    "event_id": unhandled.envelope.header.event_id,
                    "raw": raw,
                }));
                Ok(())
            }
        })
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let limit = match args.as_slice() {
        [] => None,
        [flag, n] if flag == "--max-events" => match n.parse() {
            Ok(n) => Some(n),
            Err(_) => return usage(),
        },
        _ => return usage(),
    };
    match run(limit).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn usage() -> ExitCode {
    eprintln!("usage: cargo run --example receive_events [-- --max-events N]");
    ExitCode::from(2)
}

async fn run(limit: Option<usize>) -> Result<(), Box<dyn std::error::Error>> {
    let printed = Arc::new(Printed {
        count: AtomicUsize::new(0),
        limit,
        done: Notify::new(),
    });
    // One dispatcher for both channels: an event delivered on both is printed once.
    let dispatcher = Arc::new(dispatcher(Arc::clone(&printed)));

    let connection = match (env("FEISHU_APP_ID"), env("FEISHU_APP_SECRET")) {
        (Some(app_id), Some(app_secret)) => {
            let mut builder = LongConnection::builder(app_id, app_secret);
            if let Some(base_url) = env("FEISHU_BASE_URL") {
                builder = builder.base_url(base_url);
            }
            eprintln!("long connection: starting");
            Some(builder.spawn(Arc::clone(&dispatcher))?)
        }
        _ => None,
    };

    let mut config = WebhookConfig::new();
    let webhook = env("FEISHU_ENCRYPT_KEY").is_some() || env("FEISHU_VERIFICATION_TOKEN").is_some();
    if let Some(key) = env("FEISHU_ENCRYPT_KEY") {
        config = config.encrypt_key(key);
    }
    if let Some(token) = env("FEISHU_VERIFICATION_TOKEN") {
        config = config.verification_token(token);
    }
    let server = if webhook {
        let receiver = WebhookReceiver::new(config, Arc::clone(&dispatcher))?;
        let router = feishu::event::axum::router("/webhook/event", receiver);
        let listen = env("LISTEN").unwrap_or_else(|| "127.0.0.1:3000".to_owned());
        let listener = tokio::net::TcpListener::bind(&listen).await?;
        eprintln!(
            "webhook: listening on http://{}/webhook/event",
            listener.local_addr()?
        );
        Some(tokio::spawn(
            async move { axum::serve(listener, router).await },
        ))
    } else {
        None
    };
    if connection.is_none() && server.is_none() {
        return Err(
            "set FEISHU_APP_ID and FEISHU_APP_SECRET (long connection) and/or \
                    FEISHU_ENCRYPT_KEY or FEISHU_VERIFICATION_TOKEN (webhook)"
                .into(),
        );
    }

    let stop = connection.as_ref().map(LongConnection::shutdown_handle);
    let connection = async move {
        match connection {
            Some(connection) => connection.wait().await,
            None => std::future::pending().await,
        }
    };
    tokio::pin!(connection);
    tokio::select! {
        _ = tokio::signal::ctrl_c() => eprintln!("stopping"),
        () = printed.done.notified() => {}
        // Only a refusal or an exhausted reconnect policy ends it early.
        ended = &mut connection => ended?,
    }
    if let Some(server) = server {
        server.abort();
    }
    if let Some(stop) = stop {
        stop.shutdown();
        connection.await?;
    }
    Ok(())
}

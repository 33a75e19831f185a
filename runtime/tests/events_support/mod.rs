//! Shared by the event tests: the two Performance v2 events written by hand the way the
//! generated code will look (one struct per event, one enum per service implementing
//! `EventSet`), sample envelopes, and a recorder of what handlers saw.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use feishu_runtime::event::{Dispatcher, EventHeader, EventSet, Unhandled};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Value, json};

pub const OPEN_RESULT: &str = "performance.stage_task.open_result_v2";
pub const REVIEW_CHANGED: &str = "performance.review_data.changed_v2";

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct UserId {
    pub union_id: Option<String>,
    pub user_id: Option<String>,
    pub open_id: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct OpenResultItem {
    pub user_id: Option<UserId>,
    pub semester_id: Option<String>,
    pub activity_id: Option<String>,
    pub open_time: Option<String>,
}

/// `performance.stage_task.open_result_v2`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct StageTaskOpenResultV2 {
    pub items: Option<Vec<OpenResultItem>>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct StageChange {
    pub stage_id: Option<String>,
    pub stage_type: Option<String>,
    pub review_stage_role: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct ReviewDataItem {
    pub user_id: Option<UserId>,
    pub semester_id: Option<String>,
    pub activity_id: Option<String>,
    pub stage_changes: Option<Vec<StageChange>>,
}

/// `performance.review_data.changed_v2`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct ReviewDataChangedV2 {
    pub items: Option<Vec<ReviewDataItem>>,
}

/// The per-service enum the generator will emit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PerformanceEvent {
    StageTaskOpenResultV2(StageTaskOpenResultV2),
    ReviewDataChangedV2(ReviewDataChangedV2),
}

impl EventSet for PerformanceEvent {
    fn event_types() -> &'static [&'static str] {
        &[OPEN_RESULT, REVIEW_CHANGED]
    }

    fn decode(event_type: &str, raw: &RawValue) -> Result<Self, serde_json::Error> {
        match event_type {
            OPEN_RESULT => serde_json::from_str(raw.get()).map(Self::StageTaskOpenResultV2),
            REVIEW_CHANGED => serde_json::from_str(raw.get()).map(Self::ReviewDataChangedV2),
            other => Err(serde::de::Error::custom(format!(
                "not a performance event: {other}"
            ))),
        }
    }
}

pub const TOKEN: &str = "rvaYgkND1GOiu5MM0E1rncYC6PLtF7JV";

/// The documented example envelope of `event_type` with `event_id`.
pub fn envelope(event_type: &str, event_id: &str) -> Value {
    let event = if event_type == REVIEW_CHANGED {
        json!({"items": [{
            "user_id": {"union_id": "on_8ed6aa67826108097d9ee143816345", "user_id": "e33ggbyz", "open_id": "ou_84aad35d084aa403a838cf73ee18467"},
            "semester_id": "7343576973861453844",
            "activity_id": "7343577163150393363",
            "stage_changes": [{"stage_id": "7026250586485114406", "stage_type": "leader_review", "review_stage_role": "solid_line_leader"}]
        }]})
    } else if event_type == OPEN_RESULT {
        json!({"items": [{
            "user_id": {"union_id": "on_8ed6aa67826108097d9ee143816345", "user_id": "e33ggbyz", "open_id": "ou_84aad35d084aa403a838cf73ee18467"},
            "semester_id": "7343576973861453844",
            "activity_id": "7343577163150393363",
            "open_time": "1704038400000"
        }]})
    } else {
        json!({"something": "new"})
    };
    json!({
        "schema": "2.0",
        "header": {
            "event_id": event_id,
            "event_type": event_type,
            "create_time": "1608725989000",
            "token": TOKEN,
            "app_id": "cli_9f5343c580712544",
            "tenant_key": "2ca1d211f64f6438"
        },
        "event": event
    })
}

/// What the handlers saw.
#[derive(Debug, Clone, Default)]
pub struct Seen {
    pub typed: Arc<Mutex<Vec<(EventHeader, PerformanceEvent)>>>,
    pub fallback: Arc<Mutex<Vec<Unhandled>>>,
}

impl Seen {
    pub fn typed(&self) -> Vec<(EventHeader, PerformanceEvent)> {
        self.typed.lock().unwrap().clone()
    }

    pub fn fallback(&self) -> Vec<Unhandled> {
        self.fallback.lock().unwrap().clone()
    }

    /// A dispatcher recording into `self`; the typed handler fails for event ids
    /// starting with `fail`.
    pub fn dispatcher(&self) -> Dispatcher {
        let typed = Arc::clone(&self.typed);
        let fallback = Arc::clone(&self.fallback);
        Dispatcher::new()
            .on(move |header: EventHeader, event: PerformanceEvent| {
                let typed = Arc::clone(&typed);
                async move {
                    if header.event_id.starts_with("fail") {
                        return Err("handler refused".into());
                    }
                    typed.lock().unwrap().push((header, event));
                    Ok(())
                }
            })
            .fallback(move |unhandled| {
                let fallback = Arc::clone(&fallback);
                async move {
                    fallback.lock().unwrap().push(unhandled);
                    Ok(())
                }
            })
    }
}

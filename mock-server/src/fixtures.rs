//! The documented endpoints the mock answers with data shaped like the platform docs'
//! examples, checking the requests the way the docs describe.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::reply::Reply;
use crate::shapes::UploadedPart;

const OKR_INVALID_PARAMS: (i64, &str) = (
    1001001,
    "Invalid parameters. Please check document and modify accordingly.",
);
/// The lower-case message the OKR image and progress-record pages give for 1001001.
const OKR_INVALID_PARAMETERS: (i64, &str) = (1001001, "invalid parameters");
const OKR_USER_NOT_FOUND: (i64, &str) = (1001003, "User not found.");
const PERFORMANCE_PARAM_INVALID: (i64, &str) = (1580102, "param is invalid");
const MAX_OKR_LIMIT: u64 = 10;
const MAX_PERIOD_IDS: usize = 10;
const MAX_USER_IDS: usize = 50;
const MAX_TASK_OPTIONS: usize = 3;

/// `GET /open-apis/okr/v1/users/:user_id/okrs` with `offset`/`limit` (both required).
pub(crate) fn okr_list(
    users: &HashMap<String, (usize, usize)>,
    user_id: &str,
    query: &[(String, String)],
) -> Reply {
    let first = |key: &str| {
        query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    let offset = first("offset").and_then(|v| v.parse::<u64>().ok());
    let limit = first("limit").and_then(|v| v.parse::<u64>().ok());
    let period_ids = query.iter().filter(|(k, _)| k == "period_ids").count();
    let (Some(offset), Some(limit)) = (offset, limit) else {
        return Reply::error(400, OKR_INVALID_PARAMS.0, OKR_INVALID_PARAMS.1);
    };
    if limit > MAX_OKR_LIMIT || period_ids > MAX_PERIOD_IDS {
        return Reply::error(400, OKR_INVALID_PARAMS.0, OKR_INVALID_PARAMS.1);
    }
    let Some(&(user_index, total)) = users.get(user_id) else {
        return Reply::error(400, OKR_USER_NOT_FOUND.0, OKR_USER_NOT_FOUND.1);
    };
    let start = usize::try_from(offset).unwrap_or(usize::MAX).min(total);
    let end = start
        .saturating_add(usize::try_from(limit).unwrap_or(usize::MAX))
        .min(total);
    let okr_list: Vec<Value> = (start..end).map(|i| okr(user_index, i)).collect();
    Reply::data(json!({"total": total, "okr_list": okr_list}))
}

/// The id of OKR number `index` of the user at `user_index`: int64 as a string.
pub(crate) fn okr_id(user_index: usize, index: usize) -> String {
    (7_072_252_816_005_349_396_u64 + (user_index as u64) * 10_000 + index as u64).to_string()
}

fn okr(user_index: usize, index: usize) -> Value {
    let id = okr_id(user_index, index);
    let record = |suffix: u64| json!({"id": (7_073_411_057_431_199_764_u64 + suffix).to_string()});
    let mentioned = json!([{"open_id": "ou_a79faffdb6aee3618f0da4d42b192466", "user_id": "6887399402823058952"}]);
    json!({
        "confirm_status": 4,
        "id": id,
        "name": format!("2022 年 {} 月", index % 12 + 1),
        "objective_list": [{
            "aligned_objective_list": [],
            "aligning_objective_list": [{
                "id": "7073360513731690000",
                "okr_id": "7072252816005340000",
                "owner": {"open_id": "ou_ab08720df94e64045cc8c2b7694ef2a0", "user_id": "6886701186532001294"}
            }],
            "content": format!("Objective {index}"),
            "deadline": "1648656000000",
            "id": (7_073_360_513_731_690_515_u64 + index as u64).to_string(),
            "kr_list": [{
                "content": "1111@张三9",
                "deadline": "1648656000000",
                "id": (7_073_360_471_990_140_948_u64 + index as u64).to_string(),
                "kr_weight": 50,
                "mentioned_user_list": mentioned,
                "progress_rate": {"percent": 60, "status": "1"},
                "progress_rate_percent_last_updated_time": "1646907176099",
                "progress_rate_status_last_updated_time": "1646907176099",
                "progress_record_last_updated_time": "1646907586253",
                "progress_record_list": [record(1)],
                "progress_report_last_updated_time": "0",
                "score": 100,
                "score_last_updated_time": "1646907586244",
                "weight": 50
            }],
            "mentioned_user_list": mentioned,
            "permission": 1,
            "progress_rate": {"percent": 30, "status": "0"},
            "progress_rate_percent_last_updated_time": "1646907261326",
            "progress_rate_status_last_updated_time": "1646907261326",
            "progress_record_last_updated_time": "1646907590448",
            "progress_record_list": [record(2)],
            "progress_report": "红豆泥",
            "progress_report_last_updated_time": "1646907387911",
            "score": 100,
            "score_last_updated_time": "1646907590472",
            "weight": 40
        }],
        "period_id": "7067724095781142548",
        "permission": 1
    })
}

/// `POST /open-apis/performance/v1/stage_tasks/find_by_user_list`.
pub(crate) fn stage_tasks(body: &Value) -> Reply {
    let invalid = || {
        Reply::error(
            400,
            PERFORMANCE_PARAM_INVALID.0,
            PERFORMANCE_PARAM_INVALID.1,
        )
    };
    let Some(semester_id) = body.get("semester_id").and_then(Value::as_str) else {
        return invalid();
    };
    let users: Vec<&str> = body
        .get("user_id_lists")
        .and_then(Value::as_array)
        .map(|ids| ids.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if users.is_empty() || users.len() > MAX_USER_IDS {
        return invalid();
    }
    let options: Vec<i64> = match body.get("task_option_lists") {
        None | Some(Value::Null) => vec![1, 2, 3],
        Some(value) => value
            .as_array()
            .map(|items| items.iter().filter_map(Value::as_i64).collect())
            .unwrap_or_default(),
    };
    if options.len() > MAX_TASK_OPTIONS {
        return invalid();
    }
    let items: Vec<Value> = users
        .iter()
        .map(|user| stage_task(user, &options))
        .collect();
    Reply::data(json!({
        "base": {
            "end_time": "1748707140000",
            "semester_id": semester_id,
            "semester_name": {"en-US": "Demo Semester", "zh-CN": "示例周期"},
            "start_time": "1684684800000"
        },
        "items": items
    }))
}

fn stage_task(user_id: &str, options: &[i64]) -> Value {
    let counts: Vec<Value> = options
        .iter()
        .map(|option| json!({"task_option_id": option, "stage_num": if *option == 3 { 0 } else { 1 }}))
        .collect();
    let infos: Vec<Value> = options
        .iter()
        .filter(|option| **option != 3)
        .map(|option| {
            let (name_en, name_zh, status, todo) = if *option == 1 {
                ("confirm_invitation", "360° 确认", "need_todo", 10)
            } else {
                ("pdt_manager_review", "pdt项目经理上级评估", "all_done", 0)
            };
            json!({
                "deadline": "1717142244000",
                "jump_url": "https://performance.feishu.cn/perf/review/7235911950407352321/7235906557915987996/members",
                "name": {"en-US": name_en, "zh-CN": name_zh},
                "need_todo_count": todo,
                "stage_id": (7_270_346_432_875_692_032_u64 + *option as u64).to_string(),
                "stage_task_status": status,
                "task_option_id": option
            })
        })
        .collect();
    json!({
        "stage_num_lists": counts,
        "stage_task_info_lists": infos,
        "user_id": user_id
    })
}

/// `POST /open-apis/okr/v1/images/upload`: a file part `data` and the text parts
/// `target_id` (an int64 id) and `target_type` (2 objective, 3 key result).
pub(crate) fn okr_image_upload(
    parsed: &Result<Vec<UploadedPart>, String>,
    serial: u64,
    images: &mut HashMap<String, String>,
) -> Reply {
    let invalid = || Reply::error(400, OKR_INVALID_PARAMETERS.0, OKR_INVALID_PARAMETERS.1);
    let Ok(parts) = parsed else {
        return invalid();
    };
    let text = |name: &str| {
        parts
            .iter()
            .find(|part| part.name == name)
            .and_then(|part| part.text.as_deref())
    };
    let has_file = parts
        .iter()
        .any(|part| part.name == "data" && part.file_name.is_some() && part.size > 0);
    let target_id = text("target_id").filter(|id| is_int64_id(id));
    let (true, Some(target_id), Some("2" | "3")) = (has_file, target_id, text("target_type"))
    else {
        return invalid();
    };
    let file_token = format!("boxbcc_mock_{serial}");
    images.insert(file_token.clone(), target_id.to_owned());
    Reply::data(json!({
        "file_token": file_token,
        "url": format!("https://internal-api-okr.feishu.cn/stream/api/downloadFile/?file_token={file_token}")
    }))
}

/// `POST /open-apis/okr/v1/progress_records`: the required fields as the page lists
/// them, and every image of the rich text one that was uploaded for this target;
/// answers the record with the content and progress rate it was given.
pub(crate) fn okr_progress_create(
    body: &Value,
    serial: u64,
    images: &HashMap<String, String>,
) -> Reply {
    let text = |key: &str| body.get(key).and_then(Value::as_str);
    let valid = text("source_title").is_some_and(|title| !title.is_empty())
        && text("source_url")
            .is_some_and(|url| url.starts_with("http://") || url.starts_with("https://"))
        && text("target_id").is_some_and(is_int64_id)
        && matches!(body.get("target_type").and_then(Value::as_i64), Some(2 | 3))
        && body.get("content").is_some_and(Value::is_object)
        && gallery_tokens(&body["content"]).all(|token| {
            token
                .and_then(|token| images.get(token))
                .map(String::as_str)
                == text("target_id")
        });
    if !valid {
        return Reply::error(400, OKR_INVALID_PARAMETERS.0, OKR_INVALID_PARAMETERS.1);
    }
    Reply::data(json!({
        "progress_id": (7_046_317_985_098_760_212_u64 + serial).to_string(),
        "modify_time": "1640675837810",
        "content": body["content"],
        "progress_rate": body.get("progress_rate").cloned().unwrap_or_else(|| json!({"percent": 0, "status": -1}))
    }))
}

/// The `fileToken` of every image in a rich-text `content` (`None` where one is missing).
fn gallery_tokens(content: &Value) -> impl Iterator<Item = Option<&str>> {
    let blocks = content.get("blocks").and_then(Value::as_array);
    blocks
        .into_iter()
        .flatten()
        .filter_map(|block| {
            block
                .pointer("/gallery/imageList")
                .and_then(Value::as_array)
        })
        .flatten()
        .map(|image| image.get("fileToken").and_then(Value::as_str))
}

fn is_int64_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 19 && id.bytes().all(|b| b.is_ascii_digit())
}

//! The two documented endpoints, with data shaped like the platform docs' examples.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::reply::Reply;

const OKR_INVALID_PARAMS: (i64, &str) = (
    1001001,
    "Invalid parameters. Please check document and modify accordingly.",
);
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

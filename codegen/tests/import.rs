//! `codegen import`: doc pages and catalog files in, spec YAML out.
//!
//! Fixtures under `tests/import/` are short pages written for these tests in
//! the doc formats (scraped pipe tables with and without `└`, the page
//! source with `level="N"`, the catalog JSON). Whether the output is valid
//! spec is checked with the generator library itself (load, resolve and
//! emit through `generate_from_sources`; no `cargo check` of the result).

// The library is published as `feishu-codegen`; these tests keep its old name.
extern crate feishu_codegen as codegen;

mod import_support;

use codegen::import;
use import_support::*;
use serde_yaml::Value;

#[test]
fn plain_pages_are_accepted_by_the_generator() {
    let out = run(&[
        fixture("task-list.md"),
        fixture("review-search.md"),
        fixture("depth-markers.md"),
    ]);
    assert_eq!(out.files.len(), 1, "one service-version, one file");
    let text = &out.files[0].text;
    assert!(text.starts_with("# yaml-language-server: $schema=../../codegen/spec.schema.json\n"));
    assert_accepted(&[("spec/demo/v1.yaml", text)]);
}

#[test]
fn nesting_from_the_json_example_and_type_names() {
    let (text, warnings) = one("task-list.md");
    let v = yaml(&text);
    assert_eq!(s(&v, "types.task.fields.owner.type"), "user_ref");
    assert_eq!(s(&v, "types.task.fields.followers.type"), "user_ref[]");
    // `followers` is empty in the example: its children come from the
    // earlier `user_ref`, and the same shape is one type.
    assert_eq!(
        s(&v, "types.user_ref.fields.name.type"),
        "i18n",
        "a shared type is used, not redefined"
    );
    assert!(v.get("types").unwrap().get("user_ref_2").is_none());
    let resp = at(&v, "resources.task.methods.list.response.fields");
    let names: Vec<&str> = resp
        .as_mapping()
        .unwrap()
        .keys()
        .map(|k| k.as_str().unwrap())
        .collect();
    assert_eq!(names, ["items", "has_more", "page_token"]);
    assert!(
        !text.contains("# review: nesting"),
        "the example settles every row:\n{text}"
    );
    assert!(
        warnings.iter().all(|w| !w.contains("nesting")),
        "{warnings:?}"
    );
}

#[test]
fn ambiguous_nesting_is_a_comment_and_a_warning() {
    let (name, page) = fixture("task-list.md");
    // A row the example does not show, after an object: child or sibling?
    let page = page.replace(
        "has_more | boolean |",
        "archived | boolean | 已归档\nhas_more | boolean |",
    );
    let out = run(&[(name, page)]);
    let text = &out.files[0].text;
    let comment = text
        .lines()
        .position(|l| l.contains("# review: nesting") && l.contains("`archived`"))
        .expect(text);
    assert!(
        text.lines()
            .nth(comment + 1)
            .unwrap()
            .trim_start()
            .starts_with("archived:"),
        "the comment sits at the field"
    );
    assert!(
        out.warnings
            .iter()
            .any(|w| w.contains("archived") && w.contains("nesting")),
        "{:?}",
        out.warnings
    );
}

#[test]
fn nesting_from_depthless_markers_and_unfenced_example() {
    let (text, _) = one("review-search.md");
    let v = yaml(&text);
    assert_eq!(s(&v, "types.review.fields.period.type"), "period_ref");
    assert_eq!(s(&v, "types.period_ref.fields.name.type"), "string");
    assert_eq!(
        s(&v, "types.review_filter.fields.since.format"),
        "timestamp_ms"
    );
    let m = at(&v, "resources.review.methods.search");
    assert_eq!(s(m, "body.fields.filter.type"), "review_filter");
    assert!(
        m.get("examples").unwrap().get("response").is_some(),
        "the unfenced example is kept"
    );
    serde_json::from_str::<serde_json::Value>(s(m, "examples.response")).unwrap();
}

#[test]
fn nesting_from_marker_counts() {
    let (text, warnings) = one("depth-markers.md");
    let v = yaml(&text);
    assert_eq!(s(&v, "types.dept_node.fields.leader.type"), "dept_leader");
    assert_eq!(s(&v, "types.dept_leader.fields.open_id.type"), "string");
    assert_eq!(s(&v, "types.dept_node.fields.name.type"), "string");
    assert_eq!(
        s(
            &v,
            "resources.department.methods.tree.response.fields.updated.type"
        ),
        "bool"
    );
    assert!(
        warnings.iter().all(|w| !w.contains("nesting")),
        "{warnings:?}"
    );
}

#[test]
fn nesting_from_level_attributes_and_an_upload() {
    let (text, _) = one("image-upload.source.md");
    let v = yaml(&text);
    let m = at(&v, "resources.attachment.methods.upload");
    assert_eq!(s(m, "body.content_type"), "multipart");
    assert_eq!(s(m, "body.fields.file.type"), "file");
    assert_eq!(
        at(m, "body.fields.file.max_size").as_u64(),
        Some(20 * 1024 * 1024)
    );
    assert_eq!(s(m, "body.fields.kind.type"), "attachment_kind");
    assert_eq!(
        at(m, "body.fields.title.min_length").as_i64(),
        Some(1),
        "lengths from `1 ~ 50 字符`"
    );
    assert_eq!(at(m, "body.fields.title.max_length").as_i64(), Some(50));
    assert_eq!(s(m, "response.fields.attachment.type"), "attachment");
    assert_eq!(s(m, "response.fields.size.type"), "int");
    assert_eq!(s(&v, "types.attachment.fields.meta.type"), "map");
    assert_eq!(s(&v, "types.attachment.fields.meta.values"), "any");
    assert_eq!(at(m, "rate_limit"), &yaml("[1000/min, 50/s]"));
    assert_eq!(at(m, "scopes"), &yaml("[demo:attachment]"));
    assert_eq!(at(m, "tokens"), &yaml("[tenant]"));
    assert!(
        m.get("examples").is_none(),
        "a form body has no JSON example"
    );
}

#[test]
fn enums_string_and_integer() {
    let (text, _) = one("task-list.md");
    let v = yaml(&text);
    let state = at(&v, "types.task_state.enum").as_sequence().unwrap();
    assert_eq!(state[0].get("value").unwrap(), &Value::from("open"));
    assert!(
        state[0].get("rust_name").is_none(),
        "derivable from the value"
    );
    let prio = at(&v, "types.task_priority.enum").as_sequence().unwrap();
    assert_eq!(prio[1].get("value").unwrap(), &Value::from(1));
    assert_eq!(prio[1].get("rust_name").unwrap(), &Value::from("urgent"));
    // Every name made up from a description is flagged.
    let line = text
        .lines()
        .position(|l| l.contains("value: 1, rust_name: urgent"))
        .unwrap();
    assert!(
        text.lines()
            .nth(line - 1)
            .unwrap()
            .contains("# review: rust_name `urgent`"),
        "{text}"
    );
    assert_eq!(
        s(&v, "resources.task.methods.list.query_params.state.type"),
        "task_state"
    );

    // A value with no dictionary word still gives a valid, flagged name.
    let (name, page) = fixture("task-list.md");
    let out = run(&[(name, page.replace("- 1：紧急", "- 1：甲乙丙"))]);
    let text = &out.files[0].text;
    assert!(
        text.contains("# review: rust_name `value_1` is a placeholder"),
        "{text}"
    );
    assert_accepted(&[("spec/demo/v1.yaml", text)]);
}

#[test]
fn paging_both_styles_limits_and_constraints() {
    let (text, _) = one("task-list.md");
    let v = yaml(&text);
    let m = at(&v, "resources.task.methods.list");
    assert_eq!(at(m, "paging"), &yaml("{style: page_token, items: items}"));
    assert_eq!(at(m, "query_params.page_size.min").as_i64(), Some(1));
    assert_eq!(at(m, "query_params.page_size.max").as_i64(), Some(100));
    assert_eq!(at(m, "query_params.page_size.default").as_i64(), Some(20));
    assert_eq!(s(m, "rate_limit"), "100/min");
    assert_eq!(at(m, "scopes"), &yaml("[demo:task:readonly, demo:task]"));
    assert_eq!(at(m, "tokens"), &yaml("[tenant, user]"));
    assert_eq!(s(&v, "types.task.fields.id.format"), "int64");

    let (text, _) = one("review-search.md");
    let v = yaml(&text);
    let m = at(&v, "resources.review.methods.search");
    assert_eq!(
        at(m, "paging"),
        &yaml("{style: offset, items: reviews, total: total}")
    );
    assert_eq!(
        s(m, "query_params.offset.type"),
        "int",
        "query numbers are numbers even when the page says string"
    );
    assert_eq!(at(m, "body.fields.period_ids.max_items").as_i64(), Some(5));
    assert_eq!(s(m, "body.fields.period_ids.format"), "int64");
    assert_eq!(at(m, "idempotent").as_bool(), Some(true));
    assert_eq!(at(&v, "types.review.fields.score.max").as_i64(), Some(100));
}

#[test]
fn a_pattern_rule_becomes_pattern_and_a_broken_one_a_review_note() {
    let (name, page) = fixture("task-list.md");
    let with_rule = |expr: &str| {
        page.replace(
            "**示例值**：aGVsbG8=",
            &format!("**示例值**：aGVsbG8=  \n**数据校验规则**：  \n- 正则校验：`{expr}`"),
        )
    };
    let out = run(&[(name.clone(), with_rule("^https?://[a-z]+, x$"))]);
    let text = &out.files[0].text;
    let v = yaml(text);
    assert_eq!(
        s(
            &v,
            "resources.task.methods.list.query_params.page_token.pattern"
        ),
        "^https?://[a-z]+, x$",
        "{text}"
    );
    assert_accepted(&[("spec/demo/v1.yaml", text)]);

    let out = run(&[(name, with_rule("(unclosed"))]);
    let text = &out.files[0].text;
    let v = yaml(text);
    let param = at(&v, "resources.task.methods.list.query_params.page_token");
    assert!(param.get("pattern").is_none(), "{text}");
    assert!(
        text.contains("the page's rule `正则校验: (unclosed` was not translated"),
        "{text}"
    );
    assert_accepted(&[("spec/demo/v1.yaml", text)]);
}

#[test]
fn error_table_with_colliding_names() {
    let (text, _) = one("review-search.md");
    let v = yaml(&text);
    let errors = at(&v, "resources.review.methods.search.errors")
        .as_sequence()
        .unwrap();
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[0].get("status").unwrap(), &Value::from(400));
    assert_eq!(errors[0].get("code").unwrap(), &Value::from(1001001));
    assert_eq!(
        errors[1].get("message").unwrap(),
        &Value::from("Invalid parameters: period.")
    );
    // Both messages give `InvalidParameters`: each gets its own name.
    assert_ne!(errors[0].get("rust_name"), errors[1].get("rust_name"));
    assert!(errors[0].get("rust_name").is_some());
    assert_accepted(&[("spec/demo/v1.yaml", &text)]);
}

#[test]
fn catalog_file() {
    let (text, warnings) = one("catalog.json");
    let v = yaml(&text);
    assert_eq!(s(&v, "service"), "demo");
    assert_eq!(s(&v, "version"), "v2");
    let list = at(&v, "resources.cycle_goals.methods.list");
    assert_eq!(s(list, "url"), "/open-apis/demo/v2/cycles/:cycle_id/goals");
    assert_eq!(at(list, "tokens"), &yaml("[user, tenant]"));
    assert_eq!(
        at(list, "paging"),
        &yaml("{style: page_token, items: items}")
    );
    assert_eq!(
        at(list, "query_params.user_id_type"),
        &yaml("{ref: user_id_type}")
    );
    assert_eq!(at(list, "query_params.page_size.max").as_i64(), Some(100));
    let create = at(&v, "resources.cycle_goals.methods.create");
    assert_eq!(
        at(create, "body.fields.title.max_length").as_i64(),
        Some(50)
    );
    assert_eq!(
        at(create, "body.fields.title.required").as_bool(),
        Some(true)
    );
    // `owner` appears in both methods with one shape: one type.
    assert_eq!(s(create, "body.fields.owner.type"), "owner");
    let item = s(list, "response.fields.items.type")
        .trim_end_matches("[]")
        .to_owned();
    assert_eq!(s(&v, &format!("types.{item}.fields.owner.type")), "owner");
    assert!(
        at(&v, "types")
            .as_mapping()
            .unwrap()
            .keys()
            .filter(|k| k.as_str().unwrap().starts_with("owner"))
            .count()
            == 2,
        "owner and owner_type only"
    );
    assert_eq!(s(&v, &format!("types.{item}.fields.notes.type")), "any");
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("notes") && w.contains("content_block")),
        "{warnings:?}"
    );
}

/// Shapes the corpus run (bench/import_corpus.sh) turned up.
#[test]
fn corpus_shapes_indented_example_empty_response_repeated_rows() {
    let (name, page) = fixture("task-list.md");
    // An example whose first line is indented deeper than the rest.
    let indented = page.replace("```json\n{", "```json\n    {");
    // A row listed twice, and an enum value listed twice.
    let indented = indented
        .replace(
            "title | string | 标题",
            "title | string | 标题\ntitle | string | 标题（重复）",
        )
        .replace("- closed：已关闭", "- closed：已关闭  \n- closed：关闭");
    let out = run(&[(name.clone(), indented)]);
    let text = &out.files[0].text;
    let v = yaml(text);
    let example = s(&v, "resources.task.methods.list.examples.response");
    serde_json::from_str::<serde_json::Value>(example).unwrap();
    assert_eq!(
        at(&v, "types.task.fields")
            .as_mapping()
            .unwrap()
            .keys()
            .filter(|k| k.as_str() == Some("title"))
            .count(),
        1
    );
    assert!(
        text.contains("# review: the page lists `title` twice here"),
        "{text}"
    );
    assert_eq!(
        at(&v, "types.task_state.enum").as_sequence().unwrap().len(),
        2
    );
    assert!(
        out.warnings
            .iter()
            .any(|w| w.contains("value `closed` twice")),
        "{:?}",
        out.warnings
    );
    assert_accepted(&[("spec/demo/v1.yaml", text)]);

    // A response with nothing under `data`: no `response` at all.
    let start = page.find("items | task").unwrap();
    let end = page.find("### 响应体示例").unwrap();
    let empty = format!("{}\n{}", &page[..start], &page[end..]);
    let out = run(&[(name, empty)]);
    let v = yaml(&out.files[0].text);
    assert!(
        at(&v, "resources.task.methods.list")
            .get("response")
            .is_none(),
        "{}",
        out.files[0].text
    );
    assert_accepted(&[("spec/demo/v1.yaml", &out.files[0].text)]);
}

/// The scraped rendering breaks the 权限要求 key over lines; the first part
/// lands in the row above (here `HTTP Method`).
#[test]
fn broken_permission_key_after_the_method_row() {
    let (name, page) = fixture("task-list.md");
    let start = page.find("接口频率限制 |").unwrap();
    let end = page.find("权限要求").unwrap();
    let page = format!("{}{}", &page[..start], &page[end..]);
    assert!(page.contains("HTTP Method | GET\n权限要求"));
    let out = run(&[(name, page)]);
    let v = yaml(&out.files[0].text);
    let m = at(&v, "resources.task.methods.list");
    assert_eq!(s(m, "method"), "GET");
    assert_eq!(at(m, "scopes"), &yaml("[demo:task:readonly, demo:task]"));
}

/// A page's limit beyond 64 bits (the corpus has `-10000000000000000000`)
/// still gives a spec the generator reads.
#[test]
fn huge_numeric_limits_stay_numbers() {
    let (name, page) = fixture("review-search.md");
    let page = page.replace("得分(0 - 100)", "得分(0 - 100000000000000000000)");
    let out = run(&[(name, page)]);
    let v = yaml(&out.files[0].text);
    assert_eq!(at(&v, "types.review.fields.score.max").as_f64(), Some(1e20));
    assert_accepted(&[("spec/demo/v1.yaml", &out.files[0].text)]);
}

fn keys(v: &Value) -> Vec<&str> {
    v.as_mapping()
        .unwrap()
        .keys()
        .map(|k| k.as_str().unwrap())
        .collect()
}

#[test]
fn event_pages_are_accepted_by_the_generator() {
    let out = run(&[fixture("event-task-done.md")]);
    assert_eq!(out.files.len(), 1);
    let text = &out.files[0].text;
    let v = yaml(text);
    assert_eq!(s(&v, "service"), "demo");
    assert_eq!(s(&v, "version"), "v1", "from the `_v1` suffix");
    // `at` splits on dots, and event types have dots.
    let ev = v
        .get("events")
        .and_then(|e| e.get("demo.task.done_v1"))
        .unwrap_or_else(|| panic!("no event:\n{text}"));
    assert_eq!(s(ev, "version"), "v2.0");
    assert_eq!(s(ev, "summary"), "任务完成");
    assert_eq!(
        s(ev, "description"),
        "当任务被完成时，订阅这个事件的应用会收到该事件。"
    );
    assert_eq!(
        s(ev, "doc_url"),
        "https://open.feishu.cn/document/demo-v1/task/events/done"
    );
    let scopes: Vec<&str> = at(ev, "scopes")
        .as_sequence()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert_eq!(scopes, ["demo:task", "demo:task:readonly"]);
    // Only the `event` object's fields: no `schema`, `header` or its rows.
    assert_eq!(
        keys(at(ev, "fields")),
        ["task_id", "done_by", "done_time", "labels"]
    );
    assert_eq!(s(ev, "fields.done_by.type"), "user_ref");
    assert_eq!(s(ev, "fields.labels.type"), "label[]");
    assert_eq!(s(ev, "fields.done_time.format"), "timestamp_ms");
    assert_eq!(keys(at(&v, "types.user_ref.fields")), ["open_id", "name"]);
    assert_eq!(keys(at(&v, "types.label.fields")), ["label_id", "color"]);
    assert_eq!(s(&v, "types.label.fields.color.type"), "label_color");
    assert!(
        v.get("types").unwrap().get("event_header").is_none(),
        "the envelope's header is the platform's:\n{text}"
    );
    let example: serde_json::Value =
        serde_json::from_str(s(ev, "examples.event")).expect("the example is JSON");
    assert_eq!(example["header"]["event_type"], "demo.task.done_v1");
    assert!(
        !text
            .lines()
            .any(|l| l.trim_start().starts_with("# review:")),
        "nothing is ambiguous:\n{text}"
    );
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    assert_accepted(&[("spec/demo/v1.yaml", text)]);
}

#[test]
fn event_ambiguous_nesting_is_a_comment_and_a_warning() {
    let (text, warnings) = one("event-task-reopened.md");
    let v = yaml(&text);
    let fields = at(&v, "events")
        .get("demo.task.reopened_v1")
        .and_then(|e| e.get("fields"))
        .unwrap_or_else(|| panic!("no event fields:\n{text}"));
    assert_eq!(
        keys(fields),
        ["task_id", "done_by", "done_time", "reason", "labels"],
        "`reason` is not in the example: placed by table order"
    );
    let comment = text
        .lines()
        .position(|l| l.trim_start().starts_with("reason:"))
        .map(|i| text.lines().nth(i - 1).unwrap())
        .unwrap();
    assert!(
        comment.contains("# review: nesting") && comment.contains("`reason`"),
        "{text}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("demo.task.reopened_v1") && w.contains("`reason`")),
        "{warnings:?}"
    );
    assert_accepted(&[("spec/demo/v1.yaml", &text)]);
}

#[test]
fn malformed_event_pages_are_located_errors() {
    let (file, text) = fixture("event-task-done.md");
    let bad_type = text.replace("事件类型 | demo.task.done_v1", "事件类型 | Demo Task!");
    let no_table = text.split("### 事件体\n").next().unwrap().to_owned();
    for (page, want) in [
        (bad_type, "not an event type"),
        (no_table, "no `事件体` field table"),
    ] {
        let errors = import::import(
            &[(file.clone(), page)],
            &known(),
            &std::collections::BTreeMap::new(),
        )
        .expect_err("a malformed event page is refused");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].file, file);
        assert!(errors[0].message.contains(want), "{errors:?}");
    }
}

#[test]
fn a_page_type_named_like_a_shared_type_with_other_fields_is_its_own_type() {
    // The Performance v2 pages call `{zh_cn, en_us}` `i18n`, the shared
    // type's name for `{zh-CN, en-US}`: the example decides which it is.
    let (text, warnings) = one("i18n-other-shape.md");
    let v = yaml(&text);
    let local = s(&v, "types.project.fields.name.type");
    assert_ne!(local, "i18n", "{text}");
    let fields = at(&v, &format!("types.{local}.fields"));
    assert_eq!(keys(fields), ["zh_cn", "en_us"], "{text}");
    assert_eq!(s(&v, "types.project.fields.title.type"), "i18n");
    let project = at(&v, "types.project.fields");
    assert_eq!(keys(project), ["id", "name", "title", "owner_id"], "{text}");
    assert!(
        warnings
            .iter()
            .all(|w| !w.contains("nesting") && !w.contains("twice")),
        "{warnings:?}"
    );
    assert_accepted(&[("spec/demo/v1.yaml", &text)]);
}

#[test]
fn a_blank_line_inside_a_cell_does_not_end_the_table() {
    // performance/v1-review_data-query.md: an empty line inside
    // `indicator_id`'s description used to drop every row after it.
    let (text, warnings) = one("blank-line-in-cell.md");
    let v = yaml(&text);
    let result = at(&v, "types.result.fields");
    assert_eq!(
        keys(result),
        ["result_id", "indicator_id", "option_id", "score"],
        "rows inside `<!-- -->` are hidden on the page and left out:\n{text}"
    );
    assert!(!text.contains("<!--"), "{text}");
    assert!(
        s(&v, "types.result.fields.indicator_id.description").contains("option_id 或 score"),
        "the text after the blank line stays in the cell:\n{text}"
    );
    // A note after a table's last row and a blank line is prose, not a cell.
    let body = at(&v, "resources.result.methods.query.body.fields");
    assert_eq!(keys(body), ["ids"], "{text}");
    assert!(
        !s(
            &v,
            "resources.result.methods.query.body.fields.ids.description"
        )
        .contains("注意"),
        "{text}"
    );
    assert!(
        warnings.iter().all(|w| !w.contains("nesting")),
        "{warnings:?}"
    );
    assert_accepted(&[("spec/demo/v1.yaml", &text)]);
}

#[test]
fn integer_enums_with_the_same_values_but_other_meanings_stay_apart() {
    // performance/v2: `scope_visible_setting` (0 无限制, 1 后台管理员不可见)
    // and `review_rule_option` (0 使用相同规则, 1 使用不同规则) became one type.
    let (text, _) = one("int-enums-same-values.md");
    let v = yaml(&text);
    let body = "resources.group.methods.write.body.fields";
    let visibility = s(&v, &format!("{body}.visibility.type"));
    let rule = s(&v, &format!("{body}.rule_option.type"));
    assert_ne!(visibility, rule, "{text}");
    assert_eq!(
        s(&v, &format!("{body}.other_visibility.type")),
        visibility,
        "the same values with the same meanings are still one type:\n{text}"
    );
    assert_accepted(&[("spec/demo/v1.yaml", &text)]);
}

#[test]
fn the_description_follows_a_title_heading_worded_differently() {
    // performance/v2-review_template-query.md: front matter `获取绩效模板配置`,
    // heading `# 获取绩效模板`; the paragraph after it was not read.
    let (text, _) = one("int-enums-same-values.md");
    let v = yaml(&text);
    assert_eq!(s(&v, "resources.group.methods.write.summary"), "更新人员组");
    assert!(
        s(&v, "resources.group.methods.write.description").starts_with("更新人员组。"),
        "{text}"
    );
}

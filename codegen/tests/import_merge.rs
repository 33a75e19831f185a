//! `codegen import` beyond one page: merging into existing specs, the
//! command line, hostile input, and re-importing the pages the committed
//! specs were transcribed from (skipped when ../shared is absent).

// The library is published as `feishu-codegen`; these tests keep its old name.
extern crate feishu_codegen as codegen;

mod import_support;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use codegen::import;
use import_support::*;
use serde_yaml::Value;

#[test]
fn merge_keeps_human_text_and_reports_differences() {
    let (_, existing) = fixture("existing-demo-v1.yaml");
    let mut files = BTreeMap::new();
    files.insert(
        ("demo".to_owned(), "v1".to_owned()),
        ("spec/demo/v1.yaml".to_owned(), existing.clone()),
    );
    let inputs = [fixture("task-list.md"), fixture("depth-markers.md")];
    let out = import::import(&inputs, &known(), &files).unwrap();
    let merged = &out.files[0].text;
    assert!(
        merged.starts_with(&existing[..existing.find("types:").unwrap()]),
        "the head is untouched"
    );
    assert!(
        is_subsequence(&existing, merged),
        "every human line is kept, in order:\n{merged}"
    );
    let v = yaml(merged);
    // The existing endpoint and type are as written.
    assert_eq!(
        s(&v, "types.task.fields.title.description"),
        "标题 (hand-edited)"
    );
    assert!(
        at(&v, "resources.task.methods.list")
            .get("errors")
            .is_none()
    );
    // The new endpoint and its types are added.
    assert_eq!(
        s(
            &v,
            "resources.department.methods.tree.response.fields.root.type"
        ),
        "dept_node"
    );
    assert!(v.get("types").unwrap().get("dept_leader").is_some());
    assert!(
        v.get("types").unwrap().get("task_priority").is_none(),
        "types only the existing endpoint would use are not added"
    );
    let report = out.report.join("\n");
    assert!(report.contains("`task.list` exists"), "{report}");
    assert!(
        report.contains("query_params.page_token: the page says required: false, the spec true"),
        "{report}"
    );
    assert!(
        report.contains("the page has `keyword`, the spec does not"),
        "{report}"
    );
    assert!(report.contains("added `department.tree`"), "{report}");
    assert_accepted(&[("spec/demo/v1.yaml", merged)]);

    // Importing again changes nothing.
    files.insert(
        ("demo".to_owned(), "v1".to_owned()),
        ("spec/demo/v1.yaml".to_owned(), merged.clone()),
    );
    let again = import::import(&inputs, &known(), &files).unwrap();
    assert_eq!(&again.files[0].text, merged);
}

#[test]
fn hostile_strings_are_quoted() {
    let hostile = [
        "a: b",
        "a #b",
        "#x",
        "- x",
        "-",
        "*x",
        "&x",
        "!x",
        "{x",
        "}",
        "[x",
        "x]",
        "a, b",
        "'q'",
        "\"q\"",
        "say \"hi\"",
        "line\nbreak",
        "tab\there",
        "yes",
        "No",
        "on",
        "OFF",
        "null",
        "~",
        "true",
        "",
        " lead",
        "trail ",
        "123",
        "-1",
        "0x1F",
        "1e3",
        ".5",
        "1_000",
        "12:30",
        "%x",
        "@x",
        "`x`",
        "|",
        ">",
        "?",
        "x:",
        "back\\slash",
        "\u{7}bell",
        "<<",
        "中文：冒号",
        "a: 中文",
        "\u{feff}bom",
        "\u{2028}ls",
    ];
    for h in hostile {
        let q = import::yaml::scalar(h);
        let block: Value = serde_yaml::from_str(&format!("k: {q}"))
            .unwrap_or_else(|e| panic!("{h:?} -> {q}: {e}"));
        assert_eq!(
            block.get("k").and_then(Value::as_str),
            Some(h),
            "block: {h:?} -> {q}"
        );
        let flow: Value = serde_yaml::from_str(&format!("k: {{a: {q}, b: [{q}]}}"))
            .unwrap_or_else(|e| panic!("{h:?} -> {q}: {e}"));
        assert_eq!(
            flow.get("k")
                .and_then(|k| k.get("a"))
                .and_then(Value::as_str),
            Some(h),
            "flow: {h:?} -> {q}"
        );
        assert_eq!(
            flow.get("k")
                .and_then(|k| k.get("b"))
                .and_then(|b| b.get(0))
                .and_then(Value::as_str),
            Some(h)
        );
    }
    // Through a whole page: hostile description, enum text and error message.
    let (name, page) = fixture("task-list.md");
    let page = page
        .replace("| 标题", "| yes: #1 - {x} *y* \"q\" 'r' no")
        .replace("internal error | 重试", "null: [a, b] | - off # c");
    let out = run(&[(name, page)]);
    let v = yaml(&out.files[0].text);
    assert_eq!(
        s(&v, "types.task.fields.title.description"),
        "yes: #1 - {x} *y* \"q\" 'r' no"
    );
    let errors = at(&v, "resources.task.methods.list.errors")
        .as_sequence()
        .unwrap();
    assert_eq!(
        errors[2].get("message").unwrap(),
        &Value::from("null: [a, b]")
    );
    assert_eq!(errors[2].get("advice").unwrap(), &Value::from("- off # c"));
}

#[test]
fn hostile_inputs_give_errors_with_file_and_line_never_a_panic() {
    let err = import::import(
        &[("x.md".into(), "# 标题\n\n只是文字\n".into())],
        &known(),
        &BTreeMap::new(),
    )
    .unwrap_err();
    assert_eq!(err[0].file, "x.md");
    assert!(
        err[0]
            .to_string()
            .starts_with("error: x.md:1: no basic-info table"),
        "{}",
        err[0]
    );
    assert!(err[0].to_string().contains("help:"));

    let bad_url = "名称 | 值\n---|---\nHTTP URL | https://example.com/x\nHTTP Method | GET\n";
    let err = import::import(
        &[("u.md".into(), bad_url.into())],
        &known(),
        &BTreeMap::new(),
    )
    .unwrap_err();
    assert!(
        err[0].to_string().starts_with("error: u.md:3:"),
        "{}",
        err[0]
    );

    let err = import::import(
        &[("c.json".into(), "{\"servicePath\": 3,\n".into())],
        &known(),
        &BTreeMap::new(),
    )
    .unwrap_err();
    assert!(
        err[0].to_string().starts_with("error: c.json:"),
        "{}",
        err[0]
    );

    // Garbage of many shapes: any result but a panic, and bounded output.
    let (_, page) = fixture("task-list.md");
    let mut cases: Vec<String> = vec![
        String::new(),
        "|||\n|-|-|\n".into(),
        "<md-dt-table><md-dt-tr level=\"99999999999999999999\"><md-dt-td>x".into(),
        page.replace("data | \\- | \\-", &"└ ".repeat(5000)),
        page.replace(
            "```json",
            &("```json\n{\"data\": ".to_owned() + &"[".repeat(100_000)),
        ),
        page.replace("HTTP Method | GET", "HTTP Method | GE\u{0}T"),
        page.replace("400 | 1470400", "99999999999999999999 | 1470400"),
        page.chars().rev().collect(),
        format!("{page}\n{}", "a | object | x\n".repeat(2000)),
    ];
    let mut deep = page.clone();
    let rows: String = (0..3000).map(|i| format!("<md-dt-tr level=\"{i}\"><md-dt-td>f{i}</md-dt-td><md-dt-td>object</md-dt-td><md-dt-td>d</md-dt-td></md-dt-tr>\n")).collect();
    deep.push_str(&format!("\n### 请求体\n<md-dt-table>\n<md-dt-thead><md-dt-tr><md-dt-th>名称</md-dt-th><md-dt-th>类型</md-dt-th><md-dt-th>描述</md-dt-th></md-dt-tr></md-dt-thead>\n{rows}</md-dt-table>\n"));
    cases.push(deep);
    for (i, case) in cases.into_iter().enumerate() {
        let name = format!("case{i}.md");
        if let Ok(out) = import::import(&[(name.clone(), case.clone())], &known(), &BTreeMap::new())
        {
            for f in &out.files {
                assert!(
                    f.text.len() < 64 * case.len().max(1024),
                    "case {i}: output bounded"
                );
                serde_yaml::from_str::<Value>(&f.text)
                    .unwrap_or_else(|e| panic!("case {i}: invalid YAML: {e}"));
            }
        }
    }
    // A catalog nested beyond reason is refused, not recursed into.
    let mut body = String::from("{\"t\":\"x\"}");
    for _ in 0..200 {
        body = format!("{{\"a\": {{\"type\": \"object\", \"properties\": {body}}}}}");
    }
    let catalog = format!(
        "{{\"servicePath\": \"/open-apis/demo/v1\", \"resources\": {{\"r\": {{\"methods\": {{\"m\": {{\"path\": \"x\", \"httpMethod\": \"POST\", \"requestBody\": {body}}}}}}}}}}}"
    );
    assert!(import::import(&[("deep.json".into(), catalog)], &known(), &BTreeMap::new()).is_err());
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("import-{name}"));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn cli_writes_atomically_merges_and_reports() {
    let dir = scratch("cli");
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/import/task-list.md");
    let bin = env!("CARGO_BIN_EXE_feishu-codegen");
    // Stdout mode.
    let out = Command::new(bin)
        .args(["import"])
        .arg(&page)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("# yaml-language-server: $schema=../../codegen/spec.schema.json"));
    // --out: a new file, then a merge into it.
    let out = Command::new(bin)
        .args(["import", "--out"])
        .arg(&dir)
        .arg(&page)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = fs::read_to_string(dir.join("demo/v1.yaml")).unwrap();
    assert_eq!(
        written,
        stdout.split_once('\n').unwrap().1,
        "the file is what stdout showed"
    );
    let human = written.replace(
        "summary: 获取任务列表",
        "summary: 获取任务列表  # checked by hand",
    );
    fs::write(dir.join("demo/v1.yaml"), &human).unwrap();
    let markers = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/import/depth-markers.md");
    let out = Command::new(bin)
        .args(["import", "--out"])
        .arg(&dir)
        .arg(&page)
        .arg(&markers)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("`task.list` exists and was left as written"),
        "{stderr}"
    );
    let merged = fs::read_to_string(dir.join("demo/v1.yaml")).unwrap();
    assert!(is_subsequence(&human, &merged));
    assert!(merged.contains("      tree:\n"));
    let leftovers: Vec<_> = fs::read_dir(dir.join("demo"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "no temporary files: {leftovers:?}");
    // A bad input: file and line on stderr, exit 1, nothing written.
    let bad = dir.join("bad.md");
    fs::write(&bad, "# 标题\n").unwrap();
    let out = Command::new(bin)
        .args(["import", "--out"])
        .arg(dir.join("other"))
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.md:1: no basic-info table"));
    assert!(!dir.join("other").exists());
    // generated/ is never a target.
    let generated = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated");
    let out = Command::new(bin)
        .args(["import", "--out"])
        .arg(&generated)
        .arg(&page)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

// ---- The two pages the committed specs were transcribed from ----------

/// A field's shape: wire kind (enums as their wire kind), required, children.
#[derive(Debug, PartialEq)]
struct Shape {
    kind: String,
    required: bool,
    children: BTreeMap<String, Shape>,
}

struct Specs {
    types: BTreeMap<String, Value>,
    params: BTreeMap<String, Value>,
}

impl Specs {
    fn new(files: &[&str]) -> Specs {
        let mut types = BTreeMap::new();
        let mut params = BTreeMap::new();
        for text in files {
            let v = yaml(text);
            for (k, t) in v
                .get("types")
                .and_then(Value::as_mapping)
                .into_iter()
                .flatten()
            {
                types.insert(k.as_str().unwrap().to_owned(), t.clone());
            }
            for (k, t) in v
                .get("parameters")
                .and_then(Value::as_mapping)
                .into_iter()
                .flatten()
            {
                params.insert(k.as_str().unwrap().to_owned(), t.clone());
            }
        }
        Specs { types, params }
    }

    fn field(&self, f: &Value, depth: usize) -> Shape {
        let f = match f.get("ref").and_then(Value::as_str) {
            Some(r) => &self.params[r],
            None => f,
        };
        let ty = f.get("type").and_then(Value::as_str).unwrap_or("any");
        let base = ty.trim_end_matches("[]");
        let arrays = "[]".repeat((ty.len() - base.len()) / 2);
        let required = f.get("required").and_then(Value::as_bool).unwrap_or(false);
        let (kind, children) = match self.types.get(base) {
            Some(t) if t.get("enum").is_some() => {
                let first = &t.get("enum").unwrap()[0]["value"];
                (
                    (if first.is_string() { "string" } else { "int" }).to_owned(),
                    BTreeMap::new(),
                )
            }
            Some(t) if depth < 10 => (
                "object".to_owned(),
                self.fields(t.get("fields").unwrap(), depth + 1),
            ),
            _ => (base.to_owned(), BTreeMap::new()),
        };
        Shape {
            kind: format!("{kind}{arrays}"),
            required,
            children,
        }
    }

    fn fields(&self, fields: &Value, depth: usize) -> BTreeMap<String, Shape> {
        fields
            .as_mapping()
            .into_iter()
            .flatten()
            .map(|(k, f)| (k.as_str().unwrap().to_owned(), self.field(f, depth)))
            .collect()
    }

    fn method(&self, m: &Value) -> BTreeMap<String, BTreeMap<String, Shape>> {
        let mut out = BTreeMap::new();
        for key in ["path_params", "query_params"] {
            let mut fields = m.get(key).map(|f| self.fields(f, 0)).unwrap_or_default();
            if key == "path_params" {
                // Path parameters are required whether or not the file says so.
                fields.values_mut().for_each(|f| f.required = true);
            }
            out.insert(key.to_owned(), fields);
        }
        for key in ["body", "response"] {
            out.insert(
                key.to_owned(),
                m.get(key)
                    .and_then(|b| b.get("fields"))
                    .map(|f| self.fields(f, 0))
                    .unwrap_or_default(),
            );
        }
        out
    }
}

fn shared_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/feishu-docs");
    dir.is_dir().then_some(dir)
}

#[test]
fn reimporting_the_transcribed_pages_reproduces_the_committed_fields() {
    let Some(docs) = shared_dir() else {
        eprintln!("skipped: ../shared/feishu-docs is absent");
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let common = common_text();
    for (page, spec, resource, action) in [
        (
            "okr-v1-list-user-okrs.md",
            "spec/okr/v1.yaml",
            "user_okr",
            "list",
        ),
        (
            "performance-v1-stage-task-find-by-user-list.md",
            "spec/performance/v1.yaml",
            "stage_task",
            "find_by_user_list",
        ),
    ] {
        let text = fs::read_to_string(docs.join(page)).unwrap();
        let out = run(&[(page.to_owned(), text)]);
        let imported = &out.files[0].text;
        let committed = fs::read_to_string(root.join(spec)).unwrap();
        let theirs = Specs::new(&[&common, &committed]);
        let ours = Specs::new(&[&common, imported]);
        let path = format!("resources.{resource}.methods.{action}");
        let expected = theirs.method(at(&yaml(&committed), &path));
        let got = ours.method(at(&yaml(imported), &path));
        assert_eq!(
            got, expected,
            "{page}: the import differs from {spec}:\n{imported}"
        );
        assert_accepted(&[(spec, imported)]);
    }
}

#[test]
fn reimporting_the_performance_event_pages_reproduces_the_committed_events() {
    let Some(docs) = shared_dir() else {
        eprintln!("skipped: ../shared/feishu-docs is absent");
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let pages = [
        "events/performance-v2-stage_task-open_result.md",
        "events/performance-v2-review_data-changed.md",
    ];
    let inputs: Vec<(String, String)> = pages
        .iter()
        .map(|p| (p.to_string(), fs::read_to_string(docs.join(p)).unwrap()))
        .collect();
    let out = run(&inputs);
    assert_eq!(out.files.len(), 1);
    assert_eq!(
        (out.files[0].service.as_str(), out.files[0].version.as_str()),
        ("performance", "v2")
    );
    let imported = &out.files[0].text;
    let committed = fs::read_to_string(root.join("spec/performance/v2.yaml")).unwrap();
    let common = common_text();
    let theirs = Specs::new(&[&common, &committed]);
    let ours = Specs::new(&[&common, imported]);
    let (theirs_v, ours_v) = (yaml(&committed), yaml(imported));
    let events = |v: &Value| -> Vec<String> {
        v.get("events")
            .and_then(Value::as_mapping)
            .into_iter()
            .flatten()
            .map(|(k, _)| k.as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(events(&ours_v), events(&theirs_v), "{imported}");
    for name in events(&theirs_v) {
        let (t, o) = (&theirs_v["events"][&name], &ours_v["events"][&name]);
        assert_eq!(
            ours.fields(&o["fields"], 0),
            theirs.fields(&t["fields"], 0),
            "{name}: the import differs from spec/performance/v2.yaml:\n{imported}"
        );
        for key in ["version", "summary", "doc_url", "scopes", "description"] {
            assert_eq!(o[key], t[key], "{name}: `{key}`");
        }
    }
    assert!(
        !imported
            .lines()
            .any(|l| l.trim_start().starts_with("# review:")),
        "the examples settle every row:\n{imported}"
    );
    assert_accepted(&[("spec/performance/v2.yaml", imported)]);
}

/// Existing files by (service, version): (shown path, text).
type Existing = BTreeMap<(String, String), (String, String)>;

fn demo_files(name: &str) -> (String, Existing) {
    let (_, existing) = fixture(name);
    let mut files = BTreeMap::new();
    files.insert(
        ("demo".to_owned(), "v1".to_owned()),
        ("spec/demo/v1.yaml".to_owned(), existing.clone()),
    );
    (existing, files)
}

#[test]
fn merging_events_keeps_human_text_and_reports_differences() {
    let (existing, files) = demo_files("existing-demo-events-v1.yaml");
    let inputs = [
        fixture("event-task-done.md"),
        fixture("event-task-reopened.md"),
    ];
    let out = import::import(&inputs, &known(), &files).unwrap();
    let merged = &out.files[0].text;
    assert!(
        is_subsequence(&existing, merged),
        "every human line is kept, in order:\n{merged}"
    );
    let v = yaml(merged);
    let done = &v["events"]["demo.task.done_v1"];
    assert_eq!(s(done, "summary"), "任务完成 (hand-edited)");
    assert!(done.get("examples").is_none(), "left as written");
    let reopened = &v["events"]["demo.task.reopened_v1"];
    assert_eq!(s(reopened, "fields.done_by.type"), "user_ref");
    assert_eq!(s(reopened, "fields.labels.type"), "label[]");
    for t in ["user_ref", "label", "label_color"] {
        assert!(v["types"].get(t).is_some(), "type `{t}` added:\n{merged}");
    }
    assert_eq!(
        s(&v, "types.task.fields.title.description"),
        "标题 (hand-edited)"
    );
    let report = out.report.join("\n");
    assert!(
        report.contains("event `demo.task.done_v1` exists and was left as written"),
        "{report}"
    );
    assert!(
        report.contains("the page has `done_by`, the spec does not"),
        "{report}"
    );
    assert!(
        report.contains("the spec has `old_field`, the page does not"),
        "{report}"
    );
    assert!(
        report.contains("added event `demo.task.reopened_v1`"),
        "{report}"
    );
    assert_accepted(&[("spec/demo/v1.yaml", merged)]);
}

#[test]
fn merging_events_into_a_file_without_events_adds_the_section() {
    let (existing, files) = demo_files("existing-demo-v1.yaml");
    let out = import::import(&[fixture("event-task-done.md")], &known(), &files).unwrap();
    let merged = &out.files[0].text;
    assert!(
        is_subsequence(&existing, merged),
        "every human line is kept, in order:\n{merged}"
    );
    let line = |key: &str| merged.lines().position(|l| l == key).unwrap();
    assert!(line("events:") > line("resources:"), "{merged}");
    let v = yaml(merged);
    assert_eq!(s(&v["events"]["demo.task.done_v1"], "version"), "v2.0");
    assert!(v["resources"]["task"]["methods"].get("list").is_some());
    assert_accepted(&[("spec/demo/v1.yaml", merged)]);
}

use super::*;

/// A spec with one endpoint of each example shape, and hostile values.
const SPEC: &str = r#"
service: demo
version: v1
description: 演示
types:
  color:
    description: 颜色
    enum:
      - value: red
        description: 红
      - value: deep_blue
        description: 蓝
  filter:
    description: 过滤条件
    fields:
      name: {type: string, description: 名称}
resources:
  widget:
    description: 部件
    methods:
      get:
        summary: 获取部件
        method: GET
        url: /open-apis/demo/v1/widgets/:widget_id
        doc_url: https://example.invalid/get
        tokens: [tenant]
        path_params:
          widget_id: {type: string, description: ID, example: "a\"b\\c```\n# fake\u202Ed`x"}
        query_params:
          color: {type: color, required: true, description: 颜色, example: deep_blue}
          count: {type: int, required: true, min: 5, max: 9, description: 数量}
          verbose: {type: bool, description: 详细, example: false}
          ids: {type: "string[]", required: true, description: 标签, example: ["t1", "t2"]}
          delta: {type: int, required: true, description: 差值, example: -3}
          ratio: {type: float, required: true, description: 比例, example: -0.5}
          big: {type: int, required: true, description: 超出 i32, example: 99999999999}
        response:
          fields:
            name: {type: string, description: 名称}
      list:
        summary: 列出部件
        method: GET
        url: /open-apis/demo/v1/widgets
        doc_url: https://example.invalid/list
        tokens: [user]
        paging: {style: page_token, items: items}
        query_params:
          page_size: {type: int, description: 分页大小, example: 20}
          page_token: {type: string, description: 分页标记, example: abc}
        response:
          fields:
            items: {type: "filter[]", description: 条目}
            page_token: {type: string, description: 标记}
            has_more: {type: bool, description: 更多}
      create:
        summary: 创建部件
        method: POST
        url: /open-apis/demo/v1/widgets
        doc_url: https://example.invalid/create
        tokens: [tenant]
        body:
          fields:
            extra: {type: any, required: true, description: 任意, example: {"k": [1, "v"]}}
            sizes: {type: map, values: int, required: true, description: 尺寸, example: {"a": 7}}
            filter: {type: filter, required: true, description: 过滤}
        response:
          fields:
            key: {type: string, description: Key}
      download:
        summary: 下载部件
        method: GET
        url: /open-apis/demo/v1/widgets/:widget_id/download
        doc_url: https://example.invalid/download
        tokens: [tenant]
        path_params:
          widget_id: {type: string, description: ID}
        response:
          content_type: binary
      upload:
        summary: 上传部件
        method: POST
        url: /open-apis/demo/v1/widgets/upload
        doc_url: https://example.invalid/upload
        tokens: [tenant]
        body:
          content_type: multipart
          fields:
            image: {type: file, required: true, description: 图片}
            label: {type: string, required: true, description: 标签, example: t1}
        response:
          fields:
            key: {type: string, description: Key}
"#;

/// The doc text of the method `name` in the generated `widget.rs`.
fn method_doc(name: &str) -> String {
    let generation =
        crate::generate_from_sources(&[("spec/demo/v1.yaml", SPEC)], "demo-crate").unwrap();
    let file = generation
        .files
        .iter()
        .find(|f| f.path == "src/demo/v1/widget.rs")
        .unwrap();
    let marker = format!("pub fn {name}(");
    let end = file.contents.find(&marker).unwrap();
    let start = file.contents[..end].rfind("    }\n").map_or(0, |i| i + 6);
    file.contents[start..end]
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("///"))
        .map(|l| l.strip_prefix(' ').unwrap_or(l).to_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The lines between the first ```no_run fence and its closing fence.
fn example_block(doc: &str) -> Vec<String> {
    let lines: Vec<&str> = doc.lines().collect();
    let open = lines.iter().position(|l| *l == "```no_run").unwrap();
    let close = open
        + 1
        + lines[open + 1..]
            .iter()
            .position(|l| l.starts_with("```"))
            .unwrap();
    lines[open + 1..close]
        .iter()
        .map(|l| (*l).to_owned())
        .collect()
}

#[test]
fn the_example_follows_the_summary_and_calls_send_with_the_spec_values() {
    let doc = method_doc("get");
    let lines: Vec<&str> = doc.lines().collect();
    assert_eq!(lines[0], "获取部件");
    assert_eq!(lines[1], "");
    assert_eq!(lines[2], "```no_run", "{doc}");
    let code = example_block(&doc).join("\n");
    assert!(
        code.contains("# let client = demo_crate::Client::builder()"),
        "{code}"
    );
    assert!(code.contains(".demo()") && code.contains(".v1()") && code.contains(".widget()"));
    // The enum example picks its variant; the int is synthesized in range.
    assert!(
        code.contains("demo_crate::demo::v1::Color::DeepBlue"),
        "{code}"
    );
    assert!(
        code.contains(", 5,") || code.contains(", 5)") || code.contains("\n        5,"),
        "{code}"
    );
    assert!(code.contains(".verbose(false)"), "{code}");
    assert!(code.contains("[\"t1\"]"), "{code}");
    // Negative numbers; an example out of the type's range is replaced.
    assert!(
        code.contains("-3") && code.contains("-0.5") && !code.contains("99999999999"),
        "{code}"
    );
    assert!(
        code.contains(".send()") && code.contains(".await?;"),
        "{code}"
    );
    assert!(
        !code.contains(".access_token(\"u-"),
        "tenant tokens need no user token"
    );
}

#[test]
fn a_hostile_example_string_is_one_escaped_literal_that_cannot_close_the_fence() {
    let doc = method_doc("get");
    let block = example_block(&doc);
    // The value's backticks, newline and "# " never reach a line of their own.
    assert!(
        block.iter().all(|l| !l.trim_start().starts_with("```")),
        "{block:?}"
    );
    assert!(
        block.iter().filter(|l| l.starts_with("# ")).count() == 4,
        "{block:?}"
    );
    let code = block.join("\n");
    assert!(
        code.contains(r#""a\"b\\c\u{60}\u{60}\u{60}\n# fake\u{202e}d\u{60}x""#),
        "{code}"
    );
    assert!(!code.contains('\u{202E}'));
}

#[test]
fn a_paged_user_only_endpoint_walks_items_with_a_user_token() {
    let code = example_block(&method_doc("list")).join("\n");
    assert!(
        code.contains("use demo_crate::TryStreamExt as _;"),
        "{code}"
    );
    assert!(
        code.contains(".items()") && code.contains("items.try_next().await?"),
        "{code}"
    );
    assert!(
        code.contains(".access_token(\"u-your-user-access-token\")"),
        "{code}"
    );
    assert!(code.contains(".page_size(20)"), "{code}");
    assert!(
        !code.contains(".page_token("),
        "the pager sets the cursor: {code}"
    );
    assert!(!code.contains(".send()"), "{code}");
}

#[test]
fn a_json_body_takes_json_maps_and_structs() {
    let code = example_block(&method_doc("create")).join("\n");
    assert!(
        code.contains("demo_crate::runtime::serde_json::json!({ \"k\" : [1, \"v\"] })"),
        "{code}"
    );
    assert!(code.contains("[(\"a\".to_owned(), 7)]"), "{code}");
    assert!(
        code.contains("demo_crate::demo::v1::Filter::default()"),
        "{code}"
    );
}

#[test]
fn a_download_is_saved_and_an_upload_passes_a_file_part() {
    let code = example_block(&method_doc("download")).join("\n");
    assert!(
        code.contains(".save_to(\"downloaded.bin\").await?"),
        "{code}"
    );
    let code = example_block(&method_doc("upload")).join("\n");
    assert!(
        code.contains("demo_crate::runtime::multipart::FilePart::path(\"image.png\")"),
        "{code}"
    );
    assert!(code.contains("\"t1\""), "{code}");
}

#[test]
fn string_literals_escape_everything_that_could_mislead_or_break() {
    let cases = [
        ("plain 中文", "plain 中文"),
        ("q\"b\\", "q\"b\\"),
        ("tab\tnl\ncr\r nul\0", "tab\tnl\ncr\r nul\0"),
        (
            "`\u{202E}\u{2066}\u{200B}\u{FEFF}",
            "`\u{202E}\u{2066}\u{200B}\u{FEFF}",
        ),
    ];
    for (input, expected) in cases {
        let tokens = string_literal(input);
        let text = tokens.to_string();
        assert!(
            !text.contains('\n') && !text.contains('`') && !text.contains('\u{202E}'),
            "{text}"
        );
        let lit: syn::LitStr = syn::parse2(tokens).unwrap();
        assert_eq!(lit.value(), expected);
    }
    let long = "名".repeat(10_000);
    let lit: syn::LitStr = syn::parse2(string_literal(&long)).unwrap();
    assert_eq!(lit.value().chars().count(), MAX_STRING + 1);
    assert!(lit.value().ends_with('…'));
}

#[test]
fn json_examples_are_cut_to_a_few_entries_and_levels() {
    let deep: Value =
        serde_json::from_str(r#"{"a":{"b":{"c":{"d":1}}},"e":[1,2,3,4,5],"f":"`","g":4}"#).unwrap();
    let text = json_tokens(&deep, 0).to_string();
    assert!(text.contains("null"), "{text}");
    assert!(!text.contains("\"g\""), "{text}");
    assert!(!text.contains('`'), "{text}");
}

#[test]
fn without_a_context_there_is_no_example() {
    let generation =
        crate::generate_from_sources(&[("spec/demo/v1.yaml", SPEC)], "demo-crate").unwrap();
    let op = &generation.model.services[0].resources[0].operations[0];
    assert!(section(op).is_empty());
    let _entered = enter(&generation.model, "demo-crate");
    assert!(section(op).iter().any(|l| l == "```no_run"));
}

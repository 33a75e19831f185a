//! Benchmark support: a generator of realistic synthetic specs at platform
//! scale (the Open Platform has about 2,500 endpoints), used by the codegen
//! speed and compile-cost benchmarks. See BENCHMARKS.md for the commands.

use std::fmt::Write as _;

/// Endpoints per synthetic service: five resources of five actions, close
/// to the platform's average service size.
pub const ENDPOINTS_PER_SERVICE: usize = 25;

const ACTIONS: [&str; 5] = ["list", "get", "create", "patch", "search"];

/// Synthetic spec files `(relative path, YAML text)` for `endpoints`
/// endpoints spread over services of [`ENDPOINTS_PER_SERVICE`], plus the
/// shared-definitions file. Deterministic for a given `endpoints`.
///
/// Each resource has nested types like the OKR ones (an info struct holding
/// a detail struct holding arrays of items), a string enum and an integer
/// enum, and its five actions cover path, query and body parameters, arrays,
/// constraints, error tables, and both paging styles.
pub fn synthetic_specs(endpoints: usize) -> Vec<(String, String)> {
    let mut rng = fastrand::Rng::with_seed(endpoints as u64);
    let mut files = vec![("common.yaml".to_owned(), COMMON.to_owned())];
    let services = endpoints.div_ceil(ENDPOINTS_PER_SERVICE);
    let mut remaining = endpoints;
    for s in 0..services {
        let count = remaining.min(ENDPOINTS_PER_SERVICE);
        remaining -= count;
        let name = format!("svc{s:04}");
        files.push((format!("{name}/v1.yaml"), service(&name, count, &mut rng)));
    }
    files
}

const COMMON: &str = r#"types:
  user_id_type:
    description: 用户 ID 类型
    enum:
      - {value: open_id, description: 应用内用户身份}
      - {value: union_id, description: 开发商内用户身份}
      - {value: user_id, description: 租户内用户身份}
  i18n:
    description: 多语言文本
    fields:
      zh-CN: {type: string, description: 中文}
      en-US: {type: string, description: 英文}
parameters:
  user_id_type:
    type: user_id_type
    description: 用户 ID 类型
    default: open_id
"#;

fn service(name: &str, endpoints: usize, rng: &mut fastrand::Rng) -> String {
    let resources = endpoints.div_ceil(ACTIONS.len());
    let mut out = format!("service: {name}\nversion: v1\ndescription: 合成服务 {name}\ntypes:\n");
    for r in 0..resources {
        let res = format!("res{r}");
        let _ = write!(
            out,
            r#"  {res}_status:
    description: 状态
    enum:
      - {{value: active, description: 生效}}
      - {{value: paused, description: 暂停}}
      - {{value: "-1", rust_name: none, description: 暂无}}
  {res}_kind:
    description: 类别
    enum:
      - {{value: 0, rust_name: plain, description: 普通}}
      - {{value: 1, rust_name: special, description: 特殊}}
      - {{value: 2, rust_name: archived, description: 归档}}
  {res}_item:
    description: 条目
    fields:
      id: {{type: string, format: int64, description: 条目 ID, example: "7072252816005349396"}}
      score: {{type: int, min: 0, max: 100, description: 分数}}
      weight: {{type: float, description: 权重}}
      status: {{type: {res}_status, description: 状态}}
      updated_time: {{type: string, format: timestamp_ms, description: 更新时间}}
  {res}_detail:
    description: 详情
    fields:
      title: {{type: i18n, description: 标题}}
      items: {{type: "{res}_item[]", description: 条目列表}}
      tags: {{type: "string[]", description: 标签}}
      kind: {{type: {res}_kind, description: 类别}}
  {res}_info:
    description: 信息
    fields:
      id: {{type: string, format: int64, description: ID}}
      name: {{type: string, description: 名称}}
      detail: {{type: {res}_detail, description: 详情}}
      children: {{type: "{res}_detail[]", description: 子项}}
      owner_id: {{type: string, description: 负责人}}
      enabled: {{type: bool, description: 是否启用}}
"#
        );
    }
    out.push_str("resources:\n");
    let mut made = 0;
    for r in 0..resources {
        let res = format!("res{r}");
        let _ = write!(out, "  {res}:\n    description: 资源 {res}\n    methods:\n");
        for action in ACTIONS {
            if made == endpoints {
                break;
            }
            made += 1;
            let limit = [5, 10, 20, 50, 100][rng.usize(..5)];
            out.push_str(&method(name, &res, action, limit));
        }
    }
    out
}

fn method(service: &str, res: &str, action: &str, limit: u32) -> String {
    let head = |summary: &str, method: &str, url: &str| {
        format!(
            "      {action}:\n        summary: {summary}\n        method: {method}\n        url: /open-apis/{service}/v1/{url}\n        doc_url: https://open.feishu.cn/document/{service}-v1/{res}/{action}\n        tokens: [tenant, user]\n        scopes: [{service}:{res}:readonly]\n        rate_limit: {limit}/min\n        errors:\n          - {{status: 400, code: 99{limit}001, message: Invalid parameters., advice: 检查参数}}\n          - {{status: 404, code: 99{limit}002, message: Resource not found., advice: 资源不存在}}\n"
        )
    };
    match action {
        "list" => {
            head("列出", "GET", &format!("{res}s"))
                + &format!(
                    "        paging: {{style: offset, items: items, total: total}}\n        query_params:\n          user_id_type: {{ref: user_id_type}}\n          offset: {{type: int, required: true, min: 0, description: 偏移}}\n          limit: {{type: int, required: true, min: 0, max: 50, description: 数量}}\n          ids: {{type: \"string[]\", max_items: 10, description: 过滤}}\n        response:\n          fields:\n            total: {{type: int, description: 总数}}\n            items: {{type: \"{res}_info[]\", description: 列表}}\n"
                )
        }
        "get" => {
            head("获取", "GET", &format!("{res}s/:{res}_id"))
                + &format!(
                    "        path_params:\n          {res}_id: {{type: string, description: ID}}\n        query_params:\n          user_id_type: {{ref: user_id_type}}\n        response:\n          fields:\n            {res}: {{type: {res}_info, description: 信息}}\n"
                )
        }
        "create" => {
            head("创建", "POST", &format!("{res}s"))
                + &format!(
                    "        body:\n          fields:\n            name: {{type: string, required: true, description: 名称}}\n            detail: {{type: {res}_detail, description: 详情}}\n            owner_ids: {{type: \"string[]\", required: true, min_items: 1, max_items: 50, description: 负责人}}\n            kind: {{type: {res}_kind, description: 类别}}\n        response:\n          fields:\n            {res}: {{type: {res}_info, description: 信息}}\n"
                )
        }
        "patch" => {
            head("更新", "PATCH", &format!("{res}s/:{res}_id/items/:item_id"))
                + &format!(
                    "        path_params:\n          {res}_id: {{type: string, description: ID}}\n          item_id: {{type: int64, description: 条目}}\n        body:\n          fields:\n            score: {{type: int, min: 0, max: 100, description: 分数}}\n            status: {{type: {res}_status, description: 状态}}\n        response:\n          fields:\n            item: {{type: {res}_item, description: 条目}}\n"
                )
        }
        _ => {
            head("搜索", "POST", &format!("{res}s/search"))
                + &format!(
                    "        idempotent: true\n        paging: {{style: page_token, items: items}}\n        query_params:\n          page_size: {{type: int, min: 1, max: 100, description: 分页大小}}\n          page_token: {{type: string, description: 分页标记}}\n        body:\n          fields:\n            query: {{type: string, required: true, description: 关键词}}\n            statuses: {{type: \"{res}_status[]\", max_items: 3, description: 状态}}\n        response:\n          fields:\n            items: {{type: \"{res}_info[]\", description: 结果}}\n            page_token: {{type: string, description: 分页标记}}\n            has_more: {{type: bool, description: 是否还有}}\n"
                )
        }
    }
}

/// Writes the synthetic specs for `endpoints` below `dir` (replacing it).
pub fn write_synthetic_specs(dir: &std::path::Path, endpoints: usize) -> std::io::Result<()> {
    let _ = std::fs::remove_dir_all(dir);
    for (path, text) in synthetic_specs(endpoints) {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(target, text)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The synthetic specs are valid: they generate without errors or
    /// warnings, with the requested number of endpoints.
    #[test]
    fn synthetic_specs_generate_cleanly() {
        for endpoints in [1, 7, 25, 60] {
            let files = synthetic_specs(endpoints);
            let sources: Vec<(String, &str)> = files
                .iter()
                .map(|(p, t)| (format!("spec/{p}"), t.as_str()))
                .collect();
            let borrowed: Vec<(&str, &str)> =
                sources.iter().map(|(p, t)| (p.as_str(), *t)).collect();
            let generation = match codegen::generate_from_sources(&borrowed, "feishu-synthetic") {
                Ok(generation) => generation,
                Err(failure) => panic!("{endpoints} endpoints: {failure}"),
            };
            assert_eq!(generation.endpoint_count(), endpoints);
            assert!(generation.warnings.0.is_empty(), "{}", generation.warnings);
        }
    }
}

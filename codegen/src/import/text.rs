//! Reading the free text of a doc page's table cells: descriptions, the
//! `示例值`/`默认值`/`可选值有`/`数据校验规则` markers, rate limits and scopes.
//!
//! Hand-written scanning rather than regular expressions: the patterns are
//! few and fixed, and the crate then needs no new dependency.

use super::ir::EnumValue;

/// What one description cell says, split at its markers.
#[derive(Debug, Default)]
pub struct CellInfo {
    /// The description proper: the text before the first marker.
    pub description: String,
    /// `示例值` text.
    pub example: Option<String>,
    /// `默认值` text.
    pub default: Option<String>,
    /// `可选值有` items.
    pub enum_values: Vec<EnumValue>,
    /// `数据校验规则` and free-text limits: (kind, numbers).
    pub rules: Vec<(String, Vec<String>)>,
    /// The whole cell, markup removed (for keyword checks).
    pub full: String,
}

const MARKERS: &[&str] = &[
    "示例值",
    "默认值",
    "可选值有",
    "可选项有",
    "可选值",
    "数据校验规则",
    "固定值",
    "值格式",
    "注意事项",
    "注意",
    "当值为",
    "字段权限要求",
];

/// Removes markdown and HTML markup from cell text, keeping line breaks.
pub fn strip_markup(text: &str) -> String {
    let decoded;
    let text = if text.contains('&') {
        decoded = text
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&nbsp;", " ")
            .replace("&amp;", "&");
        decoded.as_str()
    } else {
        text
    };
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' if i + 1 < chars.len() && "[]-_*|`#<>()".contains(chars[i + 1]) => {
                out.push(chars[i + 1]);
                i += 2;
            }
            '*' if chars.get(i + 1) == Some(&'*') => i += 2,
            '[' => {
                // `[text](url)` keeps the text.
                if let Some(close) = chars[i + 1..].iter().position(|&c| c == ']') {
                    let close = i + 1 + close;
                    if chars.get(close + 1) == Some(&'(')
                        && let Some(end) = chars[close + 2..].iter().position(|&c| c == ')')
                    {
                        out.extend(&chars[i + 1..close]);
                        i = close + 2 + end + 1;
                        continue;
                    }
                }
                out.push(c);
                i += 1;
            }
            '<' => {
                // Drop an HTML tag; keep a lone `<` (as in `a < b`).
                let end = chars[i + 1..].iter().position(|&c| c == '>');
                match end {
                    Some(end) if is_tag(&chars[i + 1..i + 1 + end].iter().collect::<String>()) => {
                        let tag: String = chars[i + 1..i + 1 + end].iter().collect();
                        if tag.starts_with("br") {
                            out.push('\n');
                        }
                        i += end + 2;
                    }
                    _ => {
                        out.push(c);
                        i += 1;
                    }
                }
            }
            '\r' => i += 1,
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Whether `<inner>` is markup (the platform's `md-*` elements and common
/// HTML) rather than text such as `array<string>` or `a < b`.
fn is_tag(inner: &str) -> bool {
    let name: String = inner
        .trim_start_matches('/')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect::<String>()
        .to_ascii_lowercase();
    name.starts_with("md-")
        || [
            "br", "div", "span", "p", "a", "b", "strong", "code", "em", "i", "img", "font", "ul",
            "ol", "li", "table", "tr", "td", "th", "thead", "tbody", "sup", "sub", "u", "pre",
            "hr", "details", "summary",
        ]
        .contains(&name.as_str())
}

/// Collapses runs of whitespace (including line breaks) to one space.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Finds the first marker at or after `from`: (position, marker).
fn next_marker(text: &str, from: usize) -> Option<(usize, &'static str)> {
    MARKERS
        .iter()
        .filter_map(|m| text[from..].find(m).map(|p| (from + p, *m)))
        .min_by_key(|(p, m)| (*p, usize::MAX - m.len()))
}

/// Splits a description cell.
pub fn parse_cell(raw: &str) -> CellInfo {
    let text = strip_markup(raw);
    let mut info = CellInfo {
        full: one_line(&text),
        ..CellInfo::default()
    };
    let first = next_marker(&text, 0);
    let head = &text[..first.map_or(text.len(), |(p, _)| p)];
    // An enum list right after the description (`进度状态: - "-1" 暂无 …`).
    let (desc, inline_enum) = split_inline_enum(head);
    info.description = one_line(desc).trim_end_matches([':', '：', ' ']).to_owned();
    if let Some(list) = inline_enum {
        let items = parse_enum_items(list);
        // A bullet list in prose is not an enum: ask for two short values.
        if items.len() >= 2 && items.iter().all(|v| v.value.chars().count() <= 32) {
            info.enum_values = items;
        }
    }
    let mut at = first;
    while let Some((pos, marker)) = at {
        let body_start = pos + marker.len();
        let next = next_marker(&text, body_start);
        let body = &text[body_start..next.map_or(text.len(), |(p, _)| p)];
        let body = body.trim_start_matches([':', '：', ' ']).trim();
        match marker {
            "示例值" => info.example = Some(first_line(body)),
            "默认值" => info.default = Some(unquote(&first_line(body))),
            "可选值有" | "可选项有" | "可选值" => {
                let items = parse_enum_items(body);
                if !items.is_empty() {
                    info.enum_values = items;
                }
            }
            "数据校验规则" => info.rules.extend(parse_rules(body)),
            _ => {}
        }
        at = next;
    }
    info
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or("").trim().to_owned()
}

/// Removes one pair of surrounding quotes or backticks.
pub fn unquote(text: &str) -> String {
    let t = text.trim();
    for (open, close) in [('"', '"'), ('`', '`'), ('“', '”'), ('\'', '\'')] {
        if t.len() >= 2 && t.starts_with(open) && t.ends_with(close) {
            return t[open.len_utf8()..t.len() - close.len_utf8()].to_owned();
        }
    }
    t.to_owned()
}

fn split_inline_enum(head: &str) -> (&str, Option<&str>) {
    for sep in [": - ", "： - ", ":- ", "：- ", ":\n- ", "：\n- "] {
        if let Some(p) = head.find(sep) {
            let list_start = p + sep.len() - 2;
            return (&head[..p], Some(&head[list_start..]));
        }
    }
    (head, None)
}

/// Parses `- value：description` items, one per line or inline ` - `.
pub fn parse_enum_items(body: &str) -> Vec<EnumValue> {
    let body = body.trim();
    let items: Vec<String> = if body
        .lines()
        .filter(|l| l.trim_start().starts_with("- "))
        .count()
        > 1
    {
        let mut items: Vec<String> = Vec::new();
        for line in body.lines() {
            let t = line.trim();
            if let Some(rest) = t.strip_prefix("- ") {
                items.push(rest.to_owned());
            } else if let Some(last) = items.last_mut() {
                last.push(' ');
                last.push_str(t);
            }
        }
        items
    } else {
        let flat = one_line(body);
        let flat = flat.strip_prefix("- ").unwrap_or(&flat).to_owned();
        flat.split(" - ").map(str::to_owned).collect()
    };
    let mut out = Vec::new();
    for item in items {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        let (value, rest) = split_value(item);
        let simple = value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.:/".contains(c));
        if value.is_empty() || !simple || value.chars().count() > 64 {
            return Vec::new();
        }
        out.push(EnumValue {
            value,
            description: one_line(rest.trim_start_matches([':', '：', ' '])),
        });
    }
    out
}

fn split_value(item: &str) -> (String, &str) {
    for q in ['"', '`'] {
        if let Some(rest) = item.strip_prefix(q)
            && let Some(end) = rest.find(q)
        {
            return (rest[..end].to_owned(), &rest[end + 1..]);
        }
    }
    let end = item
        .find(|c: char| c == ':' || c == '：' || c.is_whitespace())
        .unwrap_or(item.len());
    (item[..end].to_owned(), &item[end..])
}

/// Parses the `数据校验规则` list: `- 最大长度：`50``, `- 长度范围：`1` ～ `50` 字符`.
fn parse_rules(body: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for line in body.lines() {
        let line = line.trim().trim_start_matches("- ");
        let Some(p) = line.find(['：', ':']) else {
            continue;
        };
        let key = line[..p].trim().to_owned();
        if key == "正则校验" {
            // The one rule whose value is text: the expression, kept whole.
            let expr = line[p..]
                .trim_start_matches(['：', ':'])
                .trim()
                .trim_matches('`');
            if !expr.is_empty() {
                out.push((key, vec![expr.to_owned()]));
            }
            continue;
        }
        let nums = numbers(&line[p..]);
        if !nums.is_empty() {
            out.push((key, nums));
        }
    }
    out
}

/// The numbers in `text`, in order (`-1`, `0.5`, `10485760`).
pub fn numbers(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let neg = chars[i] == '-'
            && chars.get(i + 1).is_some_and(char::is_ascii_digit)
            && (i == 0 || !chars[i - 1].is_ascii_alphanumeric());
        if chars[i].is_ascii_digit() || neg {
            let start = i;
            i += 1;
            while i < chars.len()
                && (chars[i].is_ascii_digit()
                    || (chars[i] == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)))
            {
                i += 1;
            }
            out.push(chars[start..i].iter().collect());
        } else {
            i += 1;
        }
    }
    out
}

/// A length range written in prose: `1 ~ 50 字符`, `1-50个字符`, `最多50个字符`.
pub fn prose_length(text: &str) -> Option<(Option<u64>, u64)> {
    let p = text.find("字符")?;
    let before: String = text[..p]
        .chars()
        .rev()
        .take(24)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let nums = numbers(&before);
    let last = nums.last()?.parse().ok()?;
    let has_range = ["~", "～", "-", "到", "至"]
        .iter()
        .any(|s| before.contains(s));
    if nums.len() >= 2 && has_range {
        let min = nums[nums.len() - 2].parse().ok();
        Some((min, last))
    } else if before.contains("最多") || before.contains("不超过") || before.contains("最大")
    {
        Some((None, last))
    } else {
        None
    }
}

/// A numeric range written in prose, `(0 - 100)` or `[0,1]`.
pub fn prose_range(text: &str) -> Option<(String, String)> {
    for (open, close) in [('(', ')'), ('（', '）'), ('[', ']')] {
        let mut rest = text;
        while let Some(o) = rest.find(open) {
            let after = &rest[o + open.len_utf8()..];
            let Some(c) = after.find(close) else { break };
            let inner = &after[..c];
            let nums = numbers(inner);
            let only_range = inner
                .chars()
                .all(|ch| ch.is_ascii_digit() || " .-,~～".contains(ch));
            if nums.len() == 2 && only_range {
                return Some((nums[0].clone(), nums[1].clone()));
            }
            rest = &after[c..];
        }
    }
    None
}

/// The 接口频率限制 cell: `100 次/分钟`, `1000 次/分钟、50 次/秒`, per tenant.
pub fn rate_limits(text: &str) -> Vec<String> {
    let text = strip_markup(text);
    let per = if text.contains("单租户") || text.contains("每个租户") || text.contains("单个租户")
    {
        Some("tenant")
    } else if text.contains("单用户") || text.contains("每个用户") || text.contains("单个用户")
    {
        Some("user")
    } else {
        None
    };
    let mut out = Vec::new();
    let mut rest = text.as_str();
    while let Some(p) = rest.find("次/") {
        let nums = numbers(&rest[..p]);
        let unit_text = &rest[p + "次/".len()..];
        let unit = if unit_text.starts_with("分钟") {
            Some("min")
        } else if unit_text.starts_with("秒") {
            Some("s")
        } else if unit_text.starts_with("小时") {
            Some("hour")
        } else {
            None
        };
        if let (Some(n), Some(unit)) = (nums.last(), unit)
            && !n.starts_with('-')
            && !n.contains('.')
        {
            out.push(match per {
                Some(per) => format!("{{limit: {n}/{unit}, per: {per}}}"),
                None => format!("{n}/{unit}"),
            });
        }
        rest = &rest[p + "次/".len()..];
    }
    out
}

/// Scope names in a cell: `获取 OKR 信息(okr:okr:readonly)`, `okr:okr 更新`.
pub fn scopes(text: &str) -> Vec<String> {
    let text = strip_markup(text);
    let mut out: Vec<String> = Vec::new();
    for token in text.split(|c: char| c.is_whitespace() || "()（）,，、\"'".contains(c)) {
        let token = token.trim_matches(|c: char| c == '.' || c == ';');
        let ok = token.contains(':')
            && !token.contains("://")
            && token.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && token
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_:.-".contains(c))
            && token.split(':').all(|p| !p.is_empty());
        if ok && !out.iter().any(|s| s == token) {
            out.push(token.to_owned());
        }
    }
    out
}

/// A lower-case identifier as the spec wants: letters, digits, `_`, starting with a letter.
pub fn is_ident(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Makes a snake_case identifier from arbitrary text (may return empty).
pub fn snake(text: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && prev_lower && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            prev_lower = false;
        }
    }
    let out = out.trim_matches('_').to_owned();
    match out.chars().next() {
        Some(c) if c.is_ascii_digit() => format!("n{out}"),
        _ => out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_markers() {
        let info = parse_cell(
            "状态  \n**示例值**：1  \n**可选值有**：  \n- 0：正常状态  \n- 1：暂不处理\n**默认值**：`0`",
        );
        assert_eq!(info.description, "状态");
        assert_eq!(info.example.as_deref(), Some("1"));
        assert_eq!(info.default.as_deref(), Some("0"));
        let values: Vec<_> = info
            .enum_values
            .iter()
            .map(|v| (v.value.as_str(), v.description.as_str()))
            .collect();
        assert_eq!(values, [("0", "正常状态"), ("1", "暂不处理")]);
    }

    #[test]
    fn inline_enum_and_quotes() {
        let info = parse_cell(r#"Objective 进度状态: - "-1" 暂无 - "0" 正常"#);
        assert_eq!(info.description, "Objective 进度状态");
        assert_eq!(info.enum_values.len(), 2);
        assert_eq!(info.enum_values[0].value, "-1");
        assert_eq!(info.enum_values[0].description, "暂无");
    }

    #[test]
    fn limits_and_scopes() {
        assert_eq!(
            rate_limits("[1000 次/分钟、50 次/秒](x)"),
            ["1000/min", "50/s"]
        );
        assert_eq!(rate_limits("单租户 5 次/秒"), ["{limit: 5/s, per: tenant}"]);
        assert_eq!(
            scopes("获取 OKR 信息(okr:okr:readonly)  \n更新(okr:okr) https://a:b"),
            ["okr:okr:readonly", "okr:okr"]
        );
        assert_eq!(prose_length("名称，1 ~ 50 字符"), Some((Some(1), 50)));
        assert_eq!(
            prose_range("Objective 分数(0 - 100)"),
            Some(("0".into(), "100".into()))
        );
        assert_eq!(snake("Text paragraph"), "text_paragraph");
    }
}

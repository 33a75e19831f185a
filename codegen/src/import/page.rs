//! Splits a doc page into what the importer reads: front matter, section
//! headings, tables (pipe tables of the scraped rendering, and the
//! `<md-table>`/`<md-dt-table>` HTML of the page source, whose rows carry
//! `level="N"`) and JSON examples. No interpretation happens here.

use super::text::strip_markup;

/// One table row.
#[derive(Debug, Clone)]
pub struct Row {
    /// Cell texts (raw, markup still in).
    pub cells: Vec<String>,
    /// `level="N"` of the page source rendering.
    pub level: Option<usize>,
    /// 1-based line of the row in the page.
    pub line: usize,
}

/// One table.
#[derive(Debug, Clone)]
pub struct Table {
    /// The section heading it sits under.
    pub section: String,
    /// Header cells, markup removed.
    pub header: Vec<String>,
    /// Body rows.
    pub rows: Vec<Row>,
    /// 1-based line of the header.
    pub line: usize,
}

/// One code block (or unfenced JSON after an example heading).
#[derive(Debug, Clone)]
pub struct Code {
    /// The section heading it sits under.
    pub section: String,
    /// Its text.
    pub text: String,
    /// 1-based line of its first line.
    pub line: usize,
}

/// A page, split.
#[derive(Debug, Default)]
pub struct RawPage {
    /// Front-matter `title`, else the first `#` heading, else the first line.
    pub title: Option<String>,
    /// Front-matter `source_url` / `source`.
    pub source_url: Option<String>,
    /// The first paragraph after the title.
    pub description: Option<String>,
    /// Tables in page order.
    pub tables: Vec<Table>,
    /// Code blocks in page order.
    pub codes: Vec<Code>,
    /// Every non-table text line with its section (for keyword checks).
    pub prose: Vec<(String, String)>,
}

/// Bare section names some renderings write without `#`.
const BARE_SECTIONS: &[&str] = &[
    "请求",
    "请求头",
    "路径参数",
    "查询参数",
    "请求体",
    "请求体示例",
    "响应",
    "响应头",
    "响应体",
    "响应体示例",
    "错误码",
];

fn heading(line: &str) -> Option<String> {
    let t = line.trim();
    if let Some(rest) = t.strip_prefix('#') {
        return Some(rest.trim_start_matches('#').trim().to_owned());
    }
    let bare = t.trim_matches('*').trim();
    BARE_SECTIONS.contains(&bare).then(|| bare.to_owned())
}

fn is_separator(line: &str) -> bool {
    let t = line.trim();
    t.contains('-') && t.contains('|') && t.chars().all(|c| "|-: ".contains(c))
}

/// Splits a pipe-table line into cells (a `\|` stays in the cell).
fn split_cells(line: &str) -> Vec<String> {
    let t = line.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = t
        .strip_suffix('|')
        .filter(|s| !s.ends_with('\\'))
        .unwrap_or(t);
    let mut cells = vec![String::new()];
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek() == Some(&'|') {
            if let Some(s) = cells.last_mut() {
                s.push('|')
            }
            chars.next();
        } else if c == '|' {
            cells.push(String::new());
        } else if let Some(s) = cells.last_mut() {
            s.push(c);
        }
    }
    cells.into_iter().map(|c| c.trim().to_owned()).collect()
}

fn pipes(line: &str) -> usize {
    let mut n = 0;
    let mut prev = ' ';
    for c in line.chars() {
        if c == '|' && prev != '\\' {
            n += 1;
        }
        prev = c;
    }
    n
}

/// Whether the blank line at `blank` sits inside a table's last cell (the
/// page puts an empty line inside a description, as in
/// `performance/v1-review_data-query.md`): true when the lines after it,
/// up to the next blank line, are continuation text followed by another
/// row of the table (that is not the header of a new table). Returns the
/// index of the first line after the blank ones.
fn blank_inside_table(lines: &[&str], blank: usize, ncols: usize) -> Option<usize> {
    let mut next = blank;
    while next < lines.len() && lines[next].trim().is_empty() {
        next += 1;
    }
    let mut k = next;
    while k < lines.len() {
        let l = lines[k];
        if l.trim().is_empty() || heading(l).is_some() || l.trim().starts_with("```") {
            return None;
        }
        if pipes(l) + 1 >= ncols {
            let new_table = lines.get(k + 1).is_some_and(|n| is_separator(n));
            // A row straight after the blank line is a new table or a
            // paragraph with pipes, not this table's continuation.
            return (!new_table && k > next).then_some(next);
        }
        k += 1;
    }
    None
}

/// Parses a page. Never fails: an unrecognized page yields an empty split,
/// and the caller says what is missing.
pub fn parse(text: &str) -> RawPage {
    let lines: Vec<&str> = text.lines().collect();
    let mut page = RawPage::default();
    let mut i = 0;
    // Front matter: `---` YAML-ish block or an HTML comment block.
    if lines.first().map(|l| l.trim()) == Some("---")
        || lines.first().map(|l| l.trim()) == Some("<!--")
    {
        let end_marker = if lines[0].trim() == "---" {
            "---"
        } else {
            "-->"
        };
        let mut j = 1;
        while j < lines.len() && lines[j].trim() != end_marker {
            if let Some((k, v)) = lines[j].split_once(':') {
                let v = super::text::unquote(v.trim());
                match k.trim() {
                    "title" => page.title = Some(v),
                    "source_url" | "source" => page.source_url = Some(v),
                    _ => {}
                }
            }
            j += 1;
        }
        i = j + 1;
    }
    let mut section = String::new();
    let mut saw_title = page.title.is_some();
    let mut want_description = true;
    while i < lines.len() {
        let line = lines[i];
        let t = line.trim();
        if t.starts_with("```") {
            let start = i + 1;
            let mut j = start;
            while j < lines.len() && !lines[j].trim().starts_with("```") {
                j += 1;
            }
            page.codes.push(Code {
                section: section.clone(),
                text: lines[start..j.min(lines.len())].join("\n"),
                line: start + 1,
            });
            i = j + 1;
            continue;
        }
        if t.starts_with("<md-code-json") {
            let start = i + 1;
            let mut j = start;
            while j < lines.len() && !lines[j].contains("</md-code-json>") {
                j += 1;
            }
            page.codes.push(Code {
                section: section.clone(),
                text: lines[start..j.min(lines.len())].join("\n"),
                line: start + 1,
            });
            i = j + 1;
            continue;
        }
        if t.starts_with("<md-table") || t.starts_with("<md-dt-table") {
            let close = if t.starts_with("<md-table") {
                "</md-table>"
            } else {
                "</md-dt-table>"
            };
            let start = i;
            let mut j = i;
            while j < lines.len() && !lines[j].contains(close) {
                j += 1;
            }
            let end = j.min(lines.len().saturating_sub(1));
            if let Some(table) = html_table(&lines[start..=end], start + 1, &section) {
                page.tables.push(table);
            }
            i = end + 1;
            continue;
        }
        if i + 1 < lines.len() && pipes(line) >= 1 && is_separator(lines[i + 1]) {
            let header: Vec<String> = split_cells(line)
                .iter()
                .map(|c| strip_markup(c).trim().to_owned())
                .collect();
            let ncols = header.len().max(2);
            let mut table = Table {
                section: section.clone(),
                header,
                rows: Vec::new(),
                line: i + 1,
            };
            let mut j = i + 2;
            while j < lines.len() {
                let l = lines[j];
                if l.trim().is_empty() {
                    match blank_inside_table(&lines, j, ncols) {
                        Some(next) if !table.rows.is_empty() => {
                            j = next;
                            continue;
                        }
                        _ => break,
                    }
                }
                if heading(l).is_some() || l.trim().starts_with("```") {
                    break;
                }
                if let Some(start) = l.find("<!--") {
                    // Rows inside an HTML comment are hidden on the page
                    // (performance/v1-review_data-query.md hides `year`,
                    // `type_group` and `type`): skip to the comment's end.
                    let before = l[..start].trim();
                    if !before.is_empty()
                        && let Some(last) = table.rows.last_mut().and_then(|r| r.cells.last_mut())
                    {
                        last.push('\n');
                        last.push_str(before);
                    }
                    while j < lines.len() && !lines[j].contains("-->") {
                        j += 1;
                    }
                    j += 1;
                    continue;
                }
                if pipes(l) + 1 >= ncols {
                    table.rows.push(Row {
                        cells: split_cells(l),
                        level: None,
                        line: j + 1,
                    });
                } else if let Some(last) = table.rows.last_mut().and_then(|r| r.cells.last_mut()) {
                    last.push('\n');
                    last.push_str(l.trim());
                } else {
                    break;
                }
                j += 1;
            }
            page.tables.push(table);
            i = j;
            continue;
        }
        if let Some(h) = heading(line) {
            if !saw_title && line.trim_start().starts_with("# ") {
                page.title = Some(h.clone());
                saw_title = true;
            } else if !line.trim_start().starts_with("# ") {
                // The `# title` heading under a front-matter title repeats
                // it, sometimes worded differently (`获取绩效模板` under
                // `获取绩效模板配置`); the description is the paragraph after it.
                want_description = false;
            }
            section = h;
            i += 1;
            continue;
        }
        if !saw_title && !t.is_empty() {
            page.title = Some(t.to_owned());
            saw_title = true;
            i += 1;
            continue;
        }
        if want_description
            && saw_title
            && !t.is_empty()
            && !t.starts_with("最后更新于")
            && !t.starts_with(":::")
            && !t.starts_with('<')
        {
            let d = strip_markup(t);
            let d = d.split("{尝试一下}").next().unwrap_or("").trim().to_owned();
            if !d.is_empty() {
                page.description = Some(d);
                want_description = false;
            }
        }
        page.prose.push((section.clone(), t.to_owned()));
        i += 1;
    }
    page
}

/// The contents of every `<tag …>…</tag>` in `text`, in order.
fn elements<'a>(text: &'a str, tag: &str) -> Vec<(&'a str, &'a str)> {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(p) = rest.find(&open) {
        let after = &rest[p + open.len()..];
        // `<md-td` must not match `<md-tdx`.
        if !after.starts_with(['>', ' ', '\t', '\n']) {
            rest = after;
            continue;
        }
        let Some(gt) = after.find('>') else { break };
        let attrs = &after[..gt];
        let body = &after[gt + 1..];
        let Some(end) = body.find(&close) else { break };
        out.push((attrs, &body[..end]));
        rest = &body[end + close.len()..];
    }
    out
}

/// Converts the inline HTML of a source-rendering cell into the text the
/// scraped rendering would show (enum items as `- key：desc`, scopes in
/// parentheses), so one cell reader serves both.
fn html_cell(body: &str) -> String {
    let mut s = body.to_owned();
    for (attrs, inner) in elements(body, "md-enum-item") {
        let key = attr(attrs, "key").unwrap_or_default();
        s = s.replacen(
            &format!("<md-enum-item{attrs}>{inner}</md-enum-item>"),
            &format!("\n- {key}：{}\n", inner.trim()),
            1,
        );
    }
    for (attrs, inner) in elements(body, "md-perm") {
        let name = attr(attrs, "name").unwrap_or_default();
        s = s.replacen(
            &format!("<md-perm{attrs}>{inner}</md-perm>"),
            &format!("{} ({name})\n", inner.trim()),
            1,
        );
    }
    if let Some(p) = s.find("<md-app-support")
        && let Some(types) = attr(&s[p..], "types")
    {
        s.push_str(&format!(" {types}"));
    }
    s
}

fn attr(attrs: &str, name: &str) -> Option<String> {
    let key = format!("{name}=\"");
    let p = attrs.find(&key)?;
    let rest = &attrs[p + key.len()..];
    Some(rest[..rest.find('"')?].to_owned())
}

fn html_table(lines: &[&str], first_line: usize, section: &str) -> Option<Table> {
    let text = lines.join("\n");
    let dt = text.contains("<md-dt-table");
    let (row_tag, head_cell, cell) = if dt {
        ("md-dt-tr", "md-dt-th", "md-dt-td")
    } else {
        ("md-tr", "md-th", "md-td")
    };
    let mut table = Table {
        section: section.to_owned(),
        header: Vec::new(),
        rows: Vec::new(),
        line: first_line,
    };
    let mut offset = 0;
    for (attrs, body) in elements(&text, row_tag) {
        let at = text[offset..].find(body).map_or(offset, |p| offset + p);
        offset = at;
        let line = first_line + text[..at].matches('\n').count();
        let heads = elements(body, head_cell);
        let cells = elements(body, cell);
        if cells.is_empty() && !heads.is_empty() && table.header.is_empty() {
            table.header = heads
                .iter()
                .map(|(_, b)| super::text::one_line(&strip_markup(b)))
                .collect();
            continue;
        }
        // Basic-info rows are `<md-th>name</md-th><md-td>value</md-td>`.
        let mut row: Vec<String> = heads.iter().map(|(_, b)| html_cell(b)).collect();
        row.extend(cells.iter().map(|(_, b)| html_cell(b)));
        let level = attr(attrs, "level").and_then(|l| l.parse().ok());
        table.rows.push(Row {
            cells: row,
            level,
            line,
        });
    }
    (!table.header.is_empty() || !table.rows.is_empty()).then_some(table)
}

/// The first balanced `{…}` in `text` (strings respected), for examples a
/// rendering printed without a code fence.
pub fn balanced_json(text: &str) -> Option<&str> {
    let start = text.find('{')?;
    let mut depth = 0usize;
    let mut in_str = false;
    let mut escape = false;
    for (i, c) in text[start..].char_indices() {
        if in_str {
            match (escape, c) {
                (true, _) => escape = false,
                (false, '\\') => escape = true,
                (false, '"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '{' | '[' => depth += 1,
            '}' | ']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(&text[start..start + i + 1]);
                }
            }
            _ => {}
        }
    }
    None
}

/// The JSON example of a section: a fenced block, or unfenced text after the heading.
pub fn example(page: &RawPage, raw: &str, section: &str) -> Option<(String, usize)> {
    if let Some(code) = page
        .codes
        .iter()
        .find(|c| c.section == section && c.text.trim_start().starts_with(['{', '[']))
    {
        return Some((code.text.clone(), code.line));
    }
    if page.codes.iter().any(|c| c.section == section) {
        return None;
    }
    // Unfenced: the text from the heading line on.
    let lines: Vec<&str> = raw.lines().collect();
    let h = lines
        .iter()
        .position(|l| heading(l).as_deref() == Some(section))?;
    let rest = lines[h + 1..].join("\n");
    let json = balanced_json(&rest)?;
    let line = h + 2 + rest[..rest.find('{')?].matches('\n').count();
    Some((json.to_owned(), line))
}

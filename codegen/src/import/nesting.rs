//! Rebuilds the nesting a doc page's field table lost.
//!
//! Three sources, strongest first: `level="N"` on each row (the page-source
//! rendering: exact), several `└` markers per row (depth = count), and
//! otherwise inference: an object row is followed by its children; a row
//! belongs to the innermost open object whose JSON example shows that key
//! (and that has no child of that name yet); an object whose type name was
//! seen before expects the children it had then. Whatever inference cannot
//! settle (a row the example does not show, placed by table order) gets a
//! review note on the field, which the writer prints as a `# review:` comment
//! and the CLI as a warning.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use super::ir::{Field, Kind};

/// Deeper nesting is flattened onto this level (hostile pages).
const MAX_DEPTH: usize = 32;

/// Field names of types whose fields are known in full (the shared types):
/// a row those types do not list cannot belong to them.
pub type Closed = std::collections::BTreeMap<String, BTreeSet<String>>;

/// One row, already turned into a field (without children).
#[derive(Debug, Clone)]
pub struct FlatRow {
    /// The field.
    pub field: Field,
    /// Explicit depth (`level="N"` or `└` count), when the page gives one.
    pub depth: Option<usize>,
}

/// Whether a field opens an object whose children follow it.
pub fn opens_object(field: &Field) -> bool {
    matches!(field.kind, Some(Kind::Object))
}

fn node_mut<'a>(roots: &'a mut [Field], path: &[usize]) -> &'a mut Field {
    let (first, rest) = path.split_first().expect("non-empty path");
    let mut node = &mut roots[*first];
    for i in rest {
        node = &mut node.children[*i];
    }
    node
}

/// Builds the tree from explicit depths.
fn by_depth(rows: Vec<FlatRow>) -> Vec<Field> {
    let base = rows.iter().filter_map(|r| r.depth).min().unwrap_or(0);
    let mut roots: Vec<Field> = Vec::new();
    let mut stack: Vec<usize> = Vec::new(); // path of the last node at each depth
    for row in rows {
        let mut depth = row.depth.unwrap_or(base).saturating_sub(base);
        let mut field = row.field;
        if depth > MAX_DEPTH {
            field.notes.push(format!(
                "nested {depth} levels deep; kept at level {MAX_DEPTH}"
            ));
            depth = MAX_DEPTH;
        }
        if depth > stack.len() {
            field.notes.push(format!(
                "the page puts this row at depth {depth} right under depth {}; placed one level down",
                stack.len().saturating_sub(1)
            ));
            depth = stack.len();
        }
        stack.truncate(depth);
        if stack.is_empty() {
            roots.push(field);
            stack.push(roots.len() - 1);
        } else {
            let parent = node_mut(&mut roots, &stack);
            if !matches!(parent.kind, Some(Kind::Object)) && parent.kind != Some(Kind::Any) {
                parent.kind = Some(Kind::Object);
            }
            parent.children.push(field);
            let n = parent.children.len() - 1;
            stack.push(n);
        }
    }
    roots
}

/// Keys the example shows for objects at this point (union over array elements).
fn keys_of(values: &[&Value]) -> Option<BTreeSet<String>> {
    let mut keys = BTreeSet::new();
    let mut any = false;
    for v in values {
        if let Value::Object(map) = v {
            any = true;
            keys.extend(map.keys().cloned());
        }
    }
    any.then_some(keys)
}

/// The example values of `name` inside `values`, arrays flattened.
fn child_values<'a>(values: &[&'a Value], name: &str) -> Vec<&'a Value> {
    let mut out = Vec::new();
    for v in values {
        if let Value::Object(map) = v
            && let Some(child) = map.get(name)
        {
            flatten(child, &mut out, 0);
        }
    }
    out
}

fn flatten<'a>(v: &'a Value, out: &mut Vec<&'a Value>, depth: usize) {
    match v {
        Value::Array(items) if depth < 8 => {
            for item in items {
                flatten(item, out, depth + 1);
            }
        }
        Value::Array(_) => {}
        other => out.push(other),
    }
}

struct Frame<'a> {
    /// Path of the object node (empty for the root).
    path: Vec<usize>,
    keys: Option<BTreeSet<String>>,
    values: Vec<&'a Value>,
    hint: Option<String>,
    closed: bool,
}

/// Builds the tree for one table. `example` is the JSON object the table
/// describes (the request body, or the whole response envelope).
pub fn rebuild(rows: Vec<FlatRow>, example: Option<&Value>, closed: &Closed) -> Vec<Field> {
    if rows.iter().any(|r| r.depth.is_some()) {
        let mut roots = by_depth(rows);
        dedupe(&mut roots);
        if let Some(example) = example {
            attach_examples(&mut roots, &[example]);
        }
        return roots;
    }
    let root_values: Vec<&Value> = example.into_iter().collect();
    let mut roots: Vec<Field> = Vec::new();
    let mut stack = vec![Frame {
        path: Vec::new(),
        keys: keys_of(&root_values),
        values: root_values,
        hint: None,
        closed: false,
    }];
    // Children seen so far under each type name.
    let mut known: HashMap<String, BTreeSet<String>> = HashMap::new();
    for row in rows {
        let mut field = row.field;
        let name = field.name.clone();
        let has_child = |roots: &mut Vec<Field>, f: &Frame| -> bool {
            if f.path.is_empty() {
                roots.iter().any(|c| c.name == name)
            } else {
                node_mut(roots, &f.path)
                    .children
                    .iter()
                    .any(|c| c.name == name)
            }
        };
        let child_count = |roots: &mut Vec<Field>, f: &Frame| -> usize {
            if f.path.is_empty() {
                roots.len()
            } else {
                node_mut(roots, &f.path).children.len()
            }
        };
        let top = stack.len() - 1;
        let fresh_unknown =
            top > 0 && stack[top].keys.is_none() && child_count(&mut roots, &stack[top]) == 0;
        let listed: Vec<usize> = (0..stack.len())
            .rev()
            .filter(|&i| stack[i].keys.as_ref().is_some_and(|k| k.contains(&name)))
            .filter(|&i| !has_child(&mut roots, &stack[i]))
            .collect();
        let target = if fresh_unknown {
            top
        } else if let Some(&i) = listed.first() {
            i
        } else {
            // No open object's example shows it: the innermost object without
            // an example (or the innermost without that name) takes it.
            let pick = (0..stack.len())
                .rev()
                .find(|&i| stack[i].keys.is_none() && !has_child(&mut roots, &stack[i]))
                // A repeated row stays where it is (and is dropped there
                // with a note) instead of pulling the rows after it outwards.
                .or_else(|| (0..stack.len()).rev().find(|&i| !stack[i].closed))
                .unwrap_or(0);
            if example.is_some() {
                let parent = if pick == 0 {
                    "the top level".to_owned()
                } else {
                    format!("`{}`", node_mut(&mut roots, &stack[pick].path).name)
                };
                field.notes.push(format!(
                    "nesting: the JSON example does not show `{name}`; placed under {parent} by table order"
                ));
            }
            pick
        };
        stack.truncate(target + 1);
        let frame = &stack[target];
        if let Some(hint) = &frame.hint {
            known.entry(hint.clone()).or_default().insert(name.clone());
        }
        let values = child_values(&frame.values, &name);
        let opens = opens_object(&field);
        let hint = field.type_hint.clone();
        let path = if frame.path.is_empty() {
            roots.push(field);
            vec![roots.len() - 1]
        } else {
            let parent_path = frame.path.clone();
            let parent = node_mut(&mut roots, &parent_path);
            parent.children.push(field);
            let mut p = parent_path;
            p.push(parent.children.len() - 1);
            p
        };
        if opens && stack.len() <= MAX_DEPTH {
            let mut keys = keys_of(&values);
            if let Some(seen) = hint.as_ref().and_then(|h| known.get(h)) {
                keys.get_or_insert_with(BTreeSet::new)
                    .extend(seen.iter().cloned());
            }
            let shared = hint.as_ref().and_then(|h| closed.get(h));
            if let Some(fields) = shared {
                keys = Some(fields.clone());
            }
            stack.push(Frame {
                path,
                keys,
                values,
                hint,
                closed: shared.is_some(),
            });
        }
    }
    dedupe(&mut roots);
    if let Some(example) = example {
        attach_examples(&mut roots, &[example]);
    }
    roots
}

/// Drops a second field of one name in one object (a page listing a row
/// twice, or inference placing two rows alike), noting it on the first.
pub fn dedupe(fields: &mut Vec<Field>) {
    let mut kept: Vec<Field> = Vec::with_capacity(fields.len());
    for mut f in fields.drain(..) {
        dedupe(&mut f.children);
        match kept.iter_mut().find(|k| k.name == f.name) {
            Some(first) => first.notes.push(format!(
                "the page lists `{}` twice here (or inference put a row here that belongs elsewhere); the second row was dropped",
                f.name
            )),
            None => kept.push(f),
        }
    }
    *fields = kept;
}

/// Copies scalar example values from the JSON example onto fields that have none.
fn attach_examples(fields: &mut [Field], values: &[&Value]) {
    alias_example_keys(fields, values);
    for field in fields {
        let vals = child_values(values, &field.name);
        if field.children.is_empty() {
            if field.example.is_none()
                && field.array_depth == 0
                && let Some(v) = vals.iter().find(|v| !v.is_null() && !v.is_object())
            {
                field.example = Some((*v).clone());
            }
        } else {
            attach_examples(&mut field.children, &vals);
        }
    }
}

/// A key of the example that no row names, where exactly one row the
/// example does not show is that key plus or minus a suffix (`task_option`
/// for the row `task_option_id`), becomes that row's alias with a review
/// note: the generator rejects an example key that is not a field, and the
/// page's example is what the server sent.
fn alias_example_keys(fields: &mut [Field], values: &[&Value]) {
    let Some(keys) = keys_of(values) else {
        return;
    };
    for key in &keys {
        if fields.iter().any(|f| f.name == *key) {
            continue;
        }
        let related = |name: &str| {
            !keys.contains(name)
                && (name.starts_with(&format!("{key}_")) || key.starts_with(&format!("{name}_")))
        };
        let mut candidates = fields.iter_mut().filter(|f| related(&f.name));
        if let (Some(field), None) = (candidates.next(), candidates.next()) {
            field.notes.push(format!(
                "the JSON example writes `{key}` where the table says `{}`: kept as an alias; check which one the server sends",
                field.name
            ));
            field.aliases.push(key.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, object: bool) -> FlatRow {
        let kind = if object { Kind::Object } else { Kind::String };
        FlatRow {
            field: Field::new(name, kind),
            depth: None,
        }
    }

    #[test]
    fn example_settles_siblings() {
        let example: Value = serde_json::from_str(
            r#"{"items":[{"id":"1","owner":{"open_id":"x"}}],"has_more":true}"#,
        )
        .unwrap();
        let rows = vec![
            row("items", true),
            row("id", false),
            row("owner", true),
            row("open_id", false),
            row("has_more", false),
        ];
        let tree = rebuild(rows, Some(&example), &Closed::new());
        let names: Vec<_> = tree.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["items", "has_more"]);
        assert_eq!(tree[0].children[1].children[0].name, "open_id");
        assert!(tree.iter().all(|f| f.notes.is_empty()));
    }

    #[test]
    fn an_example_key_named_like_an_unshown_row_becomes_its_alias() {
        let example: Value =
            serde_json::from_str(r#"{"items":[{"task_option":1,"stage_num":2}]}"#).unwrap();
        let rows = vec![
            row("items", true),
            row("task_option_id", false),
            row("stage_num", false),
        ];
        let tree = rebuild(rows, Some(&example), &Closed::new());
        let field = &tree[0].children[0];
        assert_eq!(field.name, "task_option_id");
        assert_eq!(field.aliases, ["task_option"]);
        assert!(field.notes.iter().any(|n| n.contains("alias")));
        assert!(tree[0].children[1].aliases.is_empty());
    }
}

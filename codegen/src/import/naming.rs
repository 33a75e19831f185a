//! Names the objects and enums of imported endpoints and deduplicates them:
//! two objects with the same fields (names and types) become one type, as do
//! two enums with the same values. Names come from the page's type names
//! when it gives them, else from the field name, prefixed with the parent
//! type's name when that is taken by a different shape.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::ident::{Case, sanitize};

use super::ir::{Endpoint, EnumValue, Event, Field, Kind};
use super::text;

/// Names the spec already defines (shared types and parameters, and the
/// types of an existing service file being merged into).
#[derive(Debug, Default, Clone)]
pub struct Known {
    /// Shared types (`spec/common.yaml`).
    pub common_types: BTreeSet<String>,
    /// Shared parameters (`spec/common.yaml`).
    pub common_params: BTreeSet<String>,
    /// The field names of each shared struct type.
    pub common_fields: BTreeMap<String, BTreeSet<String>>,
}

/// One enum value with its Rust name when the generator cannot derive one.
#[derive(Debug, Clone)]
pub struct Variant {
    /// The page's value and description.
    pub value: EnumValue,
    /// `rust_name`, when needed.
    pub rust_name: Option<String>,
    /// Review note.
    pub note: Option<String>,
}

/// A named type's body.
#[derive(Debug, Clone)]
pub enum TypeBody {
    /// A struct.
    Struct(Vec<Field>),
    /// An enum; `int` when the values are integers.
    Enum {
        /// Integer values.
        int: bool,
        /// Values.
        values: Vec<Variant>,
    },
}

/// A named type.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// The spec name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Fields or values.
    pub body: TypeBody,
    /// Review notes.
    pub notes: Vec<String>,
}

/// One service-version's imported content.
#[derive(Debug, Default)]
pub struct ServiceOut {
    /// Service.
    pub service: String,
    /// Version.
    pub version: String,
    /// Types in first-use order.
    pub types: Vec<TypeDef>,
    /// Endpoints with fields referring to named types.
    pub endpoints: Vec<Endpoint>,
    /// Events with fields referring to named types.
    pub events: Vec<Event>,
}

#[derive(Default)]
struct Namer {
    types: Vec<TypeDef>,
    by_sig: HashMap<String, String>,
    taken: BTreeSet<String>,
}

/// The type expression of a field, as the spec writes it.
pub fn type_expr(field: &Field) -> String {
    fn kind(k: &Kind) -> String {
        match k {
            Kind::String => "string".into(),
            Kind::Int => "int".into(),
            Kind::Int64 => "int64".into(),
            Kind::Float => "float".into(),
            Kind::Bool => "bool".into(),
            Kind::Object | Kind::Any => "any".into(),
            Kind::File => "file".into(),
            Kind::Map(_) => "map".into(),
            Kind::Named(n) => n.clone(),
        }
    }
    let base = field.kind.as_ref().map_or_else(|| "any".to_owned(), kind);
    format!("{base}{}", "[]".repeat(usize::from(field.array_depth)))
}

fn singular_field(name: &str) -> String {
    let n = name.trim_end_matches("_lists").trim_end_matches("_list");
    if n.len() < name.len() && !n.is_empty() {
        return n.to_owned();
    }
    if let Some(b) = n.strip_suffix("ies") {
        format!("{b}y")
    } else if n.ends_with("ss") || n.ends_with("us") {
        n.to_owned()
    } else {
        n.strip_suffix('s')
            .filter(|b| !b.is_empty())
            .unwrap_or(n)
            .to_owned()
    }
}

impl Namer {
    fn unique(&mut self, wanted: &str, ctx: &str, known: &Known) -> (String, Option<String>) {
        let clean = |s: &str| {
            let s = text::snake(s);
            if s.is_empty() || !s.starts_with(|c: char| c.is_ascii_lowercase()) {
                format!("t_{s}")
            } else {
                s
            }
        };
        let free =
            |n: &str, this: &Self| !this.taken.contains(n) && !known.common_types.contains(n);
        let first = clean(wanted);
        if free(&first, self) {
            return (first, None);
        }
        let prefixed = clean(&format!("{ctx}_{wanted}"));
        if free(&prefixed, self) {
            return (prefixed, None);
        }
        let mut i = 2;
        loop {
            let n = format!("{prefixed}_{i}");
            if free(&n, self) {
                let note = format!(
                    "named `{n}`: `{first}` and `{prefixed}` are other shapes; choose a better name"
                );
                return (n, Some(note));
            }
            i += 1;
        }
    }

    fn fields(&mut self, fields: &mut [Field], ctx: &str, known: &Known) {
        for f in fields.iter_mut() {
            self.field(f, ctx, known);
        }
    }

    fn field(&mut self, f: &mut Field, ctx: &str, known: &Known) {
        if f.kind == Some(Kind::Object) {
            if let Some(hint) = f
                .type_hint
                .clone()
                .filter(|h| known.common_types.contains(h))
            {
                let listed = known.common_fields.get(&hint);
                // Children that share nothing with the shared type make a
                // different type of the same name (a page's `i18n` with
                // `zh_cn`/`en_us`): it gets a local type below.
                let foreign = !f.children.is_empty()
                    && listed.is_some_and(|l| f.children.iter().all(|c| !l.contains(&c.name)));
                let extra: Vec<String> = f
                    .children
                    .iter()
                    .filter(|c| listed.is_some_and(|l| !l.contains(&c.name)))
                    .map(|c| format!("`{}`", c.name))
                    .collect();
                if foreign {
                    f.notes.push(format!("the page lists {} under this field, none of which the shared type `{hint}` has; a type of its own was made", extra.join(", ")));
                } else {
                    if !extra.is_empty() {
                        f.notes.push(format!("the page lists {} under this field, which the shared type `{hint}` does not have; dropped", extra.join(", ")));
                    }
                    f.kind = Some(Kind::Named(hint.clone()));
                    f.children.clear();
                    return;
                }
            }
            if f.children.is_empty() {
                f.kind = Some(Kind::Any);
                f.notes.push(format!(
                    "the input lists no fields for this object{}; written as `any`",
                    f.type_hint
                        .as_ref()
                        .map(|h| format!(" (type `{h}`)"))
                        .unwrap_or_default()
                ));
                return;
            }
            let wanted = f.type_hint.clone().unwrap_or_else(|| {
                let base = singular_field(&f.name);
                // Names that say nothing on their own get the context's name.
                if [
                    "item", "data", "result", "list", "info", "detail", "value", "record",
                ]
                .contains(&base.as_str())
                {
                    format!("{ctx}_{base}")
                } else {
                    base
                }
            });
            let provisional = text::snake(&wanted);
            let mut children = std::mem::take(&mut f.children);
            self.fields(&mut children, &provisional, known);
            let mut sig: Vec<String> = children
                .iter()
                .map(|c| format!("{}:{}:{:?}", c.name, type_expr(c), c.format))
                .collect();
            sig.sort();
            let sig = format!("struct|{}", sig.join(","));
            let name = match self.by_sig.get(&sig) {
                Some(n) => n.clone(),
                None => {
                    let (name, note) = self.unique(&wanted, ctx, known);
                    self.taken.insert(name.clone());
                    self.by_sig.insert(sig, name.clone());
                    self.types.push(TypeDef {
                        name: name.clone(),
                        description: if f.description.is_empty() {
                            name.clone()
                        } else {
                            f.description.clone()
                        },
                        body: TypeBody::Struct(children),
                        notes: note.into_iter().collect(),
                    });
                    name
                }
            };
            f.kind = Some(Kind::Named(name));
            return;
        }
        if !f.enum_values.is_empty() {
            // A string value names its meaning; an integer does not (`0`/`1`
            // are a visibility in one field and a rule choice in the next),
            // so integer enums are one type only when the descriptions match too.
            let sig = format!(
                "enum|{}|{}",
                f.enum_is_int,
                f.enum_values
                    .iter()
                    .map(|v| if f.enum_is_int {
                        format!("{}={}", v.value, v.description)
                    } else {
                        v.value.clone()
                    })
                    .collect::<Vec<_>>()
                    .join(",")
            );
            let name = match self.by_sig.get(&sig) {
                Some(n) => n.clone(),
                None => {
                    let base = singular_field(&f.name);
                    let wanted = if base.starts_with(ctx) {
                        base
                    } else {
                        format!("{ctx}_{base}")
                    };
                    let (name, note) = self.unique(&wanted, ctx, known);
                    self.taken.insert(name.clone());
                    self.by_sig.insert(sig, name.clone());
                    self.types.push(TypeDef {
                        name: name.clone(),
                        description: if f.description.is_empty() {
                            name.clone()
                        } else {
                            f.description.clone()
                        },
                        body: TypeBody::Enum {
                            int: f.enum_is_int,
                            values: variants(&f.enum_values, f.enum_is_int),
                        },
                        notes: note.into_iter().collect(),
                    });
                    name
                }
            };
            f.kind = Some(Kind::Named(name));
            f.enum_values.clear();
        }
    }
}

/// Common Chinese words of enum descriptions and the variant names they give.
const WORDS: &[(&str, &str)] = &[
    ("暂无", "none"),
    ("正常", "normal"),
    ("风险", "at_risk"),
    ("延期", "delayed"),
    ("待完成", "todo"),
    ("已完成", "done"),
    ("已逾期", "overdue"),
    ("逾期", "overdue"),
    ("初始", "initial"),
    ("未提交", "not_submitted"),
    ("待提交", "not_submitted"),
    ("待处理", "pending"),
    ("待确认", "pending"),
    ("已拒绝", "rejected"),
    ("已通过", "approved"),
    ("已确认", "confirmed"),
    ("启用", "enabled"),
    ("禁用", "disabled"),
    ("停用", "disabled"),
    ("失效", "invalid"),
    ("隐藏", "hidden"),
    ("已删除", "deleted"),
    ("删除", "deleted"),
    ("成功", "success"),
    ("失败", "failed"),
    ("进行中", "in_progress"),
    ("未开始", "not_started"),
    ("已结束", "ended"),
    ("结束", "ended"),
    ("全部", "all"),
    ("用户", "user"),
    ("部门", "department"),
    ("中文", "chinese"),
    ("英文", "english"),
    ("日文", "japanese"),
    ("文本", "text"),
    ("图片", "image"),
    ("文件", "file"),
    ("视频", "video"),
    ("公开", "public"),
    ("私有", "private"),
    ("草稿", "draft"),
    ("已发布", "published"),
    ("发布", "published"),
    ("暂停", "paused"),
    ("取消", "cancelled"),
    ("关闭", "closed"),
    ("开启", "on"),
    ("未知", "unknown_value"),
    ("其他", "other"),
    ("默认", "default"),
    ("自定义", "custom"),
    ("管理员", "admin"),
    ("男", "male"),
    ("女", "female"),
    ("是", "yes"),
    ("否", "no"),
    ("升序", "ascending"),
    ("降序", "descending"),
    ("通过", "passed"),
    ("不通过", "not_passed"),
    ("已读", "read"),
    ("未读", "unread"),
    ("在职", "active"),
    ("离职", "resigned"),
    ("有效", "valid"),
    ("无效", "invalid"),
    ("普通", "normal"),
    ("紧急", "urgent"),
    ("重要", "important"),
    ("周报", "weekly_report"),
    ("月报", "monthly_report"),
    ("高", "high"),
    ("低", "low"),
    ("处理中", "processing"),
    ("等待", "waiting"),
    ("完成", "completed"),
    ("未完成", "incomplete"),
    ("暂不处理", "deferred"),
];

fn variant_name(value: &str, description: &str) -> (String, String) {
    let clause = description
        .split(['，', ',', '。', '(', '（', '：', ':', ';', '；'])
        .next()
        .unwrap_or("")
        .trim();
    let mut best: Option<(&str, &str)> = None;
    for (zh, en) in WORDS {
        if clause.contains(zh) && best.is_none_or(|(b, _)| zh.chars().count() > b.chars().count()) {
            best = Some((zh, en));
        }
    }
    if let Some((zh, en)) = best {
        return (
            (*en).to_owned(),
            format!("rust_name `{en}` translated from `{zh}` in the description"),
        );
    }
    let ascii = text::snake(clause);
    if !ascii.is_empty() && clause.is_ascii() {
        let short: String = ascii.split('_').take(4).collect::<Vec<_>>().join("_");
        return (
            short.clone(),
            format!("rust_name `{short}` taken from the description"),
        );
    }
    let v = format!("value_{}", value.replace('-', "minus_").replace('.', "_"));
    (
        text::snake(&v),
        format!(
            "rust_name `{}` is a placeholder: name this value",
            text::snake(&v)
        ),
    )
}

fn variants(values: &[EnumValue], int: bool) -> Vec<Variant> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for v in values {
        let derivable = !int && v.value.chars().any(|c| c.is_ascii_alphabetic());
        let (mut name, mut note) = if derivable {
            (v.value.clone(), None)
        } else {
            let (n, note) = variant_name(&v.value, &v.description);
            (n, Some(note))
        };
        let mut rust = sanitize(&name, Case::UpperCamel).source;
        if rust == "Unknown" || seen.contains(&rust) {
            name = text::snake(&format!("{name}_{}", v.value.replace('-', "minus_")));
            rust = sanitize(&name, Case::UpperCamel).source;
            note = Some(format!(
                "rust_name `{name}` made unique; choose a better one"
            ));
        }
        seen.insert(rust);
        out.push(Variant {
            value: v.clone(),
            rust_name: (!derivable || note.is_some()).then_some(name),
            note,
        });
    }
    out
}

/// The variant name the generator derives from an error message (mirrors
/// its rule: first sentence, at most six words).
pub fn error_variant(message: &str) -> String {
    let first = message
        .split(['.', '。', ',', '，', ':', '：'])
        .next()
        .unwrap_or(message);
    let words: Vec<&str> = first.split_whitespace().take(6).collect();
    let name = if words.is_empty() {
        "unknown_code".to_owned()
    } else {
        words.join("_")
    };
    sanitize(&name, Case::UpperCamel).source
}

/// Groups endpoints and events by service-version and names their types.
/// `existing` holds type names already defined in an existing file per
/// service-version.
pub fn name_types(
    endpoints: Vec<Endpoint>,
    events: Vec<Event>,
    known: &Known,
    existing: &BTreeMap<(String, String), BTreeSet<String>>,
) -> Vec<ServiceOut> {
    type Group = (Namer, Vec<Endpoint>, Vec<Event>);
    type Existing = BTreeMap<(String, String), BTreeSet<String>>;
    fn group<'g>(
        groups: &'g mut BTreeMap<(String, String), Group>,
        existing: &Existing,
        key: (String, String),
    ) -> &'g mut Group {
        groups.entry(key.clone()).or_insert_with(|| {
            let mut n = Namer::default();
            n.taken
                .extend(existing.get(&key).into_iter().flatten().cloned());
            (n, Vec::new(), Vec::new())
        })
    }
    let mut groups: BTreeMap<(String, String), Group> = BTreeMap::new();
    for mut ep in endpoints {
        let key = (ep.service.clone(), ep.version.clone());
        let (namer, eps, _) = group(&mut groups, existing, key);
        let ctx = ep.resource.clone();
        for p in ep
            .path_params
            .iter_mut()
            .chain(ep.query_params.iter_mut())
            .chain(ep.header_params.iter_mut())
        {
            if !known.common_params.contains(&p.name) {
                namer.field(p, &ctx, known);
            }
        }
        if let Some(b) = ep.body.as_mut() {
            namer.fields(&mut b.fields, &ctx, known);
        }
        if let Some(r) = ep.response.as_mut() {
            namer.fields(&mut r.fields, &ctx, known);
        }
        eps.push(ep);
    }
    for mut ev in events {
        let key = (ev.service.clone(), ev.version.clone());
        let (namer, _, evs) = group(&mut groups, existing, key);
        // Context for prefixed names: the resource part of `svc.resource.event`.
        let parts: Vec<&str> = ev.event_type.split('.').collect();
        let ctx = parts
            .get(1..parts.len().saturating_sub(1))
            .filter(|p| !p.is_empty())
            .map_or_else(|| ev.service.clone(), |p| p.join("_"));
        namer.fields(&mut ev.fields, &ctx, known);
        evs.push(ev);
    }
    groups
        .into_iter()
        .map(
            |((service, version), (namer, endpoints, events))| ServiceOut {
                service,
                version,
                types: namer.types,
                endpoints,
                events,
            },
        )
        .collect()
}

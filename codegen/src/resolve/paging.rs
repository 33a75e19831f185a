//! Paging: which request parameter and response fields drive a paged
//! method.

use super::Resolver;
use crate::model::*;
use crate::source::{Segment, SourceFile, YamlPath};
use crate::spec::PagingSpec;
use crate::suggest::did_you_mean;

impl Resolver {
    pub(super) fn resolve_paging(
        &mut self,
        source: &SourceFile,
        path: &YamlPath,
        spec: &PagingSpec,
        query_params: &[Field],
        body: Option<&Shape>,
        response: Option<&Shape>,
    ) -> Option<Paging> {
        let at = |key: &str| {
            let mut p = path.clone();
            p.push(Segment::Key(key.to_owned()));
            p
        };
        let Some(Shape::Inline {
            fields: response_fields,
            ..
        }) = response
        else {
            self.error(
                source,
                path,
                true,
                "paging needs a `response` with inline `fields`".into(),
                Some("describe the response data with `fields:` so the page's items, total or token can be found".into()),
            );
            return None;
        };
        let find_response = |name: &str| response_fields.iter().find(|f| f.wire_name == name);
        let mut ok = true;
        let items = match find_response(&spec.items) {
            Some(Field {
                ty: TypeRef::Array(inner),
                rust_name,
                ..
            }) => Some((rust_name.clone(), (**inner).clone())),
            Some(_) => {
                self.error(
                    source,
                    &at("items"),
                    false,
                    format!("`{}` is not an array field of the response", spec.items),
                    Some(
                        "name the response field that holds the page's items, e.g. `items`".into(),
                    ),
                );
                None
            }
            None => {
                let names: Vec<&str> = response_fields
                    .iter()
                    .map(|f| f.wire_name.as_str())
                    .collect();
                self.error(
                    source,
                    &at("items"),
                    false,
                    format!("the response has no field `{}`", spec.items),
                    Some(match did_you_mean(&spec.items, names.iter().copied()) {
                        Some(best) => format!("did you mean `{best}`?"),
                        None => format!("the response fields are: {}", names.join(", ")),
                    }),
                );
                None
            }
        };
        match spec.style.as_str() {
            "offset" => {
                let offset_name = spec.offset.as_deref().unwrap_or("offset");
                let offset = query_params.iter().find(|p| p.wire_name == offset_name);
                if !matches!(
                    offset,
                    Some(Field {
                        ty: TypeRef::Int | TypeRef::Int64,
                        ..
                    })
                ) {
                    self.error(
                        source,
                        &at("style"),
                        false,
                        format!("offset paging needs an integer query parameter `{offset_name}`"),
                        Some("declare it under `query_params:` with `type: int`, or name it with `offset:`".into()),
                    );
                    ok = false;
                }
                let total = match spec.total.as_deref() {
                    Some(name) => match find_response(name) {
                        Some(Field {
                            ty: TypeRef::Int | TypeRef::Int64,
                            rust_name,
                            ..
                        }) => Some(rust_name.clone()),
                        _ => {
                            self.error(
                                source,
                                &at("total"),
                                false,
                                format!("the response has no integer field `{name}`"),
                                Some("name the response field that holds the total count".into()),
                            );
                            ok = false;
                            None
                        }
                    },
                    None => find_response("total")
                        .filter(|f| matches!(f.ty, TypeRef::Int | TypeRef::Int64))
                        .map(|f| f.rust_name.clone()),
                };
                let (Some((items, item_type)), Some(offset), true) = (items, offset, ok) else {
                    return None;
                };
                Some(Paging::Offset {
                    offset: offset.clone(),
                    total,
                    items,
                    item_type,
                })
            }
            "page_token" => {
                let token_name = spec.page_token.as_deref().unwrap_or("page_token");
                let body_fields: &[Field] = match body {
                    Some(Shape::Inline { fields, .. }) => fields,
                    _ => &[],
                };
                let in_query = query_params.iter().find(|p| p.wire_name == token_name);
                let in_body = body_fields.iter().find(|p| p.wire_name == token_name);
                let token_in_body = in_query.is_none() && in_body.is_some();
                let token = in_query.or(in_body);
                if !matches!(
                    token,
                    Some(Field {
                        ty: TypeRef::String,
                        required: false,
                        ..
                    })
                ) {
                    self.error(
                        source,
                        &at("style"),
                        false,
                        format!("token paging needs an optional string parameter `{token_name}` (query or body)"),
                        Some("declare it under `query_params:` with `type: string`, or name it with `page_token:`".into()),
                    );
                    ok = false;
                }
                let has_more_name = spec.has_more.as_deref().unwrap_or("has_more");
                let has_more = match find_response(has_more_name) {
                    Some(Field {
                        ty: TypeRef::Bool,
                        rust_name,
                        ..
                    }) => Some(rust_name.clone()),
                    None if spec.has_more.is_none() => None,
                    _ => {
                        self.error(
                            source,
                            &at("has_more"),
                            false,
                            format!("the response has no bool field `{has_more_name}`"),
                            Some(
                                "name the response field that says whether more pages follow"
                                    .into(),
                            ),
                        );
                        ok = false;
                        None
                    }
                };
                let next_name = spec.next_page_token.as_deref().unwrap_or("page_token");
                let next_token = match find_response(next_name) {
                    Some(Field {
                        ty: TypeRef::String,
                        rust_name,
                        ..
                    }) => Some(rust_name.clone()),
                    _ => {
                        self.error(
                            source,
                            &at("style"),
                            false,
                            format!("the response has no string field `{next_name}` with the next page's token"),
                            Some("name it with `next_page_token:`".into()),
                        );
                        ok = false;
                        None
                    }
                };
                let (Some((items, item_type)), Some(token), Some(next_token), true) =
                    (items, token, next_token, ok)
                else {
                    return None;
                };
                Some(Paging::PageToken {
                    token: token.clone(),
                    token_in_body,
                    has_more,
                    next_token,
                    items,
                    item_type,
                })
            }
            other => {
                self.error(
                    source,
                    &at("style"),
                    false,
                    format!("unknown paging style `{other}`"),
                    Some(match did_you_mean(other, ["offset", "page_token"]) {
                        Some(best) => format!("did you mean `{best}`?"),
                        None => "the styles are `offset` (offset/limit/total) and `page_token` (page_token/has_more)".into(),
                    }),
                );
                None
            }
        }
    }
}

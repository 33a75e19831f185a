//! What travels in and out besides parameters: the body's content type
//! (JSON or multipart form), the response's (JSON envelope with `data`,
//! flat envelope, or a binary download), and the access tokens, including
//! `[none]` for the token endpoints themselves.

use super::{FieldRole, Resolver, Scope};
use crate::model::{BodyKind, ResponseKind, Shape, TokenType};
use crate::source::{Segment, SourceFile, YamlPath};
use crate::spec::{BodySpec, ResponseSpec};
use crate::suggest::did_you_mean;

fn with_key(path: &YamlPath, key: &str) -> YamlPath {
    let mut at = path.clone();
    at.push(Segment::Key(key.into()));
    at
}

impl Resolver {
    /// The body's shape and kind; `None` after an error.
    pub(super) fn resolve_body(
        &mut self,
        scope: &Scope<'_>,
        path: &YamlPath,
        spec: &BodySpec,
        inline_name: String,
    ) -> Option<(Option<Shape>, BodyKind)> {
        let kind = match spec.content_type.as_deref() {
            None | Some("json") => BodyKind::Json,
            Some("multipart") => BodyKind::Multipart,
            Some(other) => {
                self.unknown_value(
                    scope.source,
                    &with_key(path, "content_type"),
                    other,
                    &["json", "multipart"],
                );
                return None;
            }
        };
        if kind == BodyKind::Multipart && spec.ty.is_some() {
            self.error(
                scope.source,
                &with_key(path, "type"),
                true,
                "a multipart body lists its parts under `fields`".into(),
                Some("replace `type:` with `fields:`, one per form part".into()),
            );
            return None;
        }
        let role = match kind {
            BodyKind::Json => FieldRole::Body,
            BodyKind::Multipart => FieldRole::Multipart,
        };
        let shape = self.resolve_shape(
            scope,
            path,
            spec.fields.as_ref(),
            spec.ty.as_ref(),
            inline_name,
            role,
        )?;
        Some((Some(shape), kind))
    }

    /// The response's shape (none for a download) and kind; `None` after
    /// an error.
    pub(super) fn resolve_response(
        &mut self,
        scope: &Scope<'_>,
        path: &YamlPath,
        spec: &ResponseSpec,
        inline_name: String,
    ) -> Option<(Option<Shape>, ResponseKind)> {
        let source = scope.source;
        let binary = match spec.content_type.as_deref() {
            None | Some("json") => false,
            Some("binary") => true,
            Some(other) => {
                self.unknown_value(
                    source,
                    &with_key(path, "content_type"),
                    other,
                    &["json", "binary"],
                );
                return None;
            }
        };
        let flat = match spec.envelope.as_deref() {
            None | Some("data") => false,
            Some("flat") => true,
            Some(other) => {
                self.unknown_value(
                    source,
                    &with_key(path, "envelope"),
                    other,
                    &["data", "flat"],
                );
                return None;
            }
        };
        if !binary {
            if spec.partial.is_some() {
                self.error(
                    source,
                    &with_key(path, "partial"),
                    true,
                    "`partial` applies only to `content_type: binary`".into(),
                    Some("remove it; a JSON response is never partial".into()),
                );
                return None;
            }
            let shape = self.resolve_shape(
                scope,
                path,
                spec.fields.as_ref(),
                spec.ty.as_ref(),
                inline_name,
                FieldRole::Struct,
            )?;
            let kind = if flat {
                ResponseKind::Flat
            } else {
                ResponseKind::Data
            };
            return Some((Some(shape), kind));
        }
        let mut ok = true;
        if flat {
            self.error(
                source,
                &with_key(path, "envelope"),
                true,
                "`envelope: flat` cannot go with `content_type: binary`".into(),
                Some("a download has no JSON envelope; remove `envelope:`".into()),
            );
            ok = false;
        }
        for key in ["fields", "type"] {
            let set = if key == "fields" {
                spec.fields.is_some()
            } else {
                spec.ty.is_some()
            };
            if set {
                self.error(
                    source,
                    &with_key(path, key),
                    true,
                    format!("a binary response has no `{key}`"),
                    Some("the body is the file's bytes; remove the key (describe the content in `description:`)".into()),
                );
                ok = false;
            }
        }
        ok.then_some((
            None,
            ResponseKind::Binary {
                partial: spec.partial.unwrap_or(false),
            },
        ))
    }

    /// The token types; `[none]` (alone) means no token at all.
    pub(super) fn resolve_tokens(
        &mut self,
        source: &SourceFile,
        path: &YamlPath,
        tokens: &[String],
    ) -> Option<Vec<TokenType>> {
        if tokens.is_empty() {
            self.error(
                source,
                path,
                true,
                "`tokens` is empty".into(),
                Some("list the token types from the doc's Authorization row: [tenant, user], or [none] for an endpoint that takes no token".into()),
            );
            return None;
        }
        let mut out = Vec::new();
        let mut ok = true;
        for (i, token) in tokens.iter().enumerate() {
            let mut at = path.clone();
            at.push(Segment::Index(i));
            match token.as_str() {
                "tenant" => out.push(TokenType::Tenant),
                "user" => out.push(TokenType::User),
                "app" => out.push(TokenType::App),
                "none" if tokens.len() == 1 => {}
                "none" => {
                    self.error(
                        source,
                        &at,
                        false,
                        "`none` cannot be listed with other token types".into(),
                        Some("write `tokens: [none]` alone for an endpoint without a token, or remove `none`".into()),
                    );
                    ok = false;
                }
                other => {
                    self.error(source, &at, false, format!("unknown token type `{other}`"), Some("use tenant, user or app (tenant_access_token, user_access_token, app_access_token), or [none]".into()));
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    fn unknown_value(&mut self, source: &SourceFile, at: &YamlPath, value: &str, allowed: &[&str]) {
        let key = match at.last() {
            Some(Segment::Key(key)) => key.clone(),
            _ => "value".into(),
        };
        let list = allowed.join(" or ");
        let help = match did_you_mean(value, allowed.iter().copied()) {
            Some(best) => format!("did you mean `{best}`? Use {list}"),
            None => format!("use {list}"),
        };
        self.error(
            source,
            at,
            false,
            format!("unknown {key} `{value}`"),
            Some(help),
        );
    }
}

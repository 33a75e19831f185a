//! A method's `url:`: a path under `/open-apis/<service>/<version>/` of the
//! file it is in, made of plain segments.
//!
//! The rules, and why:
//! - the host is dropped with a warning (the client chooses the host);
//! - every segment is non-empty: `//` is a typo the server answers with 404;
//!   only one trailing `/` is accepted, as real endpoints have one
//!   (`/open-apis/drive/v1/files/`);
//! - no `.` or `..` segments: the URL must name the endpoint it claims, not
//!   climb out of it to another service;
//! - only ASCII letters, digits and `_ - . : ~` in segments: a `?`, `#`, `%`,
//!   space or control character belongs in `query_params:` or is a mistake;
//! - the service and version segments equal the file's `service:` and
//!   `version:`, so an endpoint is generated under the name its URL has.
//!   Every endpoint on the doc pages in `/work/shared/feishu-docs/` follows
//!   this (the token endpoints `/open-apis/auth/v3/…` live in service `auth`
//!   version `v3`), so there is no exception list; one would go here.

use super::{OperationContext, Resolver, is_module_name};
use crate::diagnostic::Severity;
use crate::source::{Segment, SourceFile};

const PREFIX: &str = "/open-apis/";

impl Resolver {
    /// The URL's path (without a host) and whether it is usable; the path
    /// is returned either way so its placeholders can still be checked.
    pub(super) fn resolve_url(
        &mut self,
        source: &SourceFile,
        at: &[Segment],
        text: &str,
        ctx: &OperationContext<'_>,
    ) -> (String, bool) {
        let mut url = text.trim().to_owned();
        for host in ["https://open.feishu.cn", "https://open.larksuite.com"] {
            if let Some(rest) = url.strip_prefix(host) {
                self.report(
                    Severity::Warning,
                    source,
                    at,
                    false,
                    format!("the URL includes the host `{host}`"),
                    Some("write only the path, starting with /open-apis/; the client chooses the host".into()),
                );
                url = rest.to_owned();
            }
        }
        let Some(rest) = url.strip_prefix(PREFIX) else {
            self.error(source, at, false, format!("`{url}` does not start with /open-apis/"), Some("copy the path from the doc's \"HTTP URL\" row, e.g. /open-apis/okr/v1/users/:user_id/okrs".into()));
            return (url, false);
        };
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        let segments: Vec<&str> = rest.split('/').collect();
        let problem = segments.iter().find_map(|segment| {
            if segment.is_empty() {
                Some(("an empty segment (`//`)".to_owned(), "remove the extra `/`"))
            } else if matches!(*segment, "." | "..") {
                Some((
                    format!("a `{segment}` segment"),
                    "write the endpoint's own path, without `.` or `..`",
                ))
            } else {
                segment
                    .chars()
                    .find(|c| !(c.is_ascii_alphanumeric() || "_-.:~".contains(*c)))
                    .map(|c| {
                        (
                            format!("the character {c:?} in `{segment}`"),
                            "URL segments are ASCII letters, digits and `_ - . : ~`; query parameters go under `query_params:`",
                        )
                    })
            }
        });
        if let Some((what, help)) = problem {
            self.error(
                source,
                at,
                false,
                format!("the URL has {what}"),
                Some(help.into()),
            );
            return (url, false);
        }
        let (service, version) = (segments.first().copied(), segments.get(1).copied());
        // An invalid service or version name is reported on its own key.
        let names_valid = is_module_name(ctx.service) && is_module_name(ctx.version);
        if names_valid && (service != Some(ctx.service) || version != Some(ctx.version)) {
            self.error(
                source,
                at,
                false,
                format!(
                    "the URL is not under /open-apis/{}/{}/, the service and version of this file",
                    ctx.service, ctx.version
                ),
                Some("move the method to the spec file of the service and version its URL names, or fix the URL".into()),
            );
            return (url, false);
        }
        (url, true)
    }
}

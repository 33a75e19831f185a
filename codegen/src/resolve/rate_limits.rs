//! Rate limits: one `N/min` string or a list of windows, each a string
//! (counted per app) or `{limit: N/s, per: app | tenant | user}`. The
//! client enforces every window, so duplicates are harmless but reported.

use super::Resolver;
use crate::model::{LimitScope, RateLimit};
use crate::source::{Segment, SourceFile, YamlPath};
use crate::spec::{RateLimitEntry, RateLimitSpec};

impl Resolver {
    /// The windows of a `rate_limit:` key, or `None` after reporting errors.
    pub(super) fn resolve_rate_limits(
        &mut self,
        source: &SourceFile,
        path: &YamlPath,
        spec: Option<&RateLimitSpec>,
    ) -> Option<Vec<RateLimit>> {
        let entries: Vec<(YamlPath, &str, Option<&str>)> = match spec {
            None => return Some(Vec::new()),
            Some(RateLimitSpec::One(text)) => vec![(path.clone(), text.as_str(), None)],
            Some(RateLimitSpec::Many(list)) => list
                .iter()
                .enumerate()
                .map(|(i, entry)| {
                    let mut at = path.clone();
                    at.push(Segment::Index(i));
                    match entry {
                        RateLimitEntry::Text(text) => (at, text.as_str(), None),
                        RateLimitEntry::Scoped(scoped) => {
                            at.push(Segment::Key("limit".into()));
                            (at, scoped.limit.as_str(), scoped.per.as_deref())
                        }
                    }
                })
                .collect(),
        };
        if matches!(spec, Some(RateLimitSpec::Many(list)) if list.is_empty()) {
            self.error(
                source,
                path,
                false,
                "`rate_limit` is an empty list".into(),
                Some(
                    "remove it, or list the windows the doc page gives, e.g. [100/min, 5/s]".into(),
                ),
            );
            return None;
        }
        let mut out: Vec<RateLimit> = Vec::new();
        let mut ok = true;
        for (at, text, per) in entries {
            let per = match per {
                None | Some("app") => LimitScope::App,
                Some("tenant") => LimitScope::Tenant,
                Some("user") => LimitScope::User,
                Some(other) => {
                    let mut per_path = at.clone();
                    per_path.pop();
                    per_path.push(Segment::Key("per".into()));
                    self.error(
                        source,
                        &per_path,
                        false,
                        format!("unknown rate-limit scope `{other}`"),
                        Some("use app, tenant or user".into()),
                    );
                    ok = false;
                    continue;
                }
            };
            match parse_rate_limit(text, per) {
                Ok(limit) if out.contains(&limit) => {
                    self.error(
                        source,
                        &at,
                        false,
                        format!("the window `{text}` is listed twice"),
                        Some("remove the duplicate".into()),
                    );
                    ok = false;
                }
                Ok(limit) => out.push(limit),
                Err(()) => {
                    self.error(
                        source,
                        &at,
                        false,
                        format!("cannot read the rate limit `{text}`"),
                        Some("write `100/min` or `5/s` (the doc's 接口频率限制 row)".into()),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }
}

fn parse_rate_limit(text: &str, per: LimitScope) -> Result<RateLimit, ()> {
    let (count, unit) = text.split_once('/').ok_or(())?;
    let requests: u32 = count.trim().parse().map_err(|_| ())?;
    let per_seconds = match unit.trim() {
        "s" | "sec" | "second" => 1,
        "min" | "minute" => 60,
        "h" | "hour" => 3600,
        _ => return Err(()),
    };
    if requests == 0 {
        return Err(());
    }
    Ok(RateLimit {
        requests,
        per_seconds,
        per,
    })
}

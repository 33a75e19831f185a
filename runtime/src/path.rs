//! Path template rendering and percent-encoding of path and query components.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, PercentEncode, utf8_percent_encode};

use crate::error::InvalidRequest;

/// Everything except the RFC 3986 unreserved characters. Encoding `/`, `?`, `#` and `%`
/// is what keeps a value inside its own path segment or query pair.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes one path segment or query key/value.
pub(crate) fn encode_component(value: &str) -> PercentEncode<'_> {
    utf8_percent_encode(value, COMPONENT)
}

/// Replaces each `:name` segment of `template` with the encoded value given for `name`.
///
/// Errors on a missing value, on a value for a name the template does not have, and on
/// values that URL parsers treat as dot segments (`.`/`..`, which WHATWG parsing also
/// recognises as `%2E%2E`) or that would produce an empty segment: any of these would
/// make the request address a different resource than the caller asked for.
pub(crate) fn render(
    template: &str,
    params: &[(&'static str, String)],
) -> Result<String, InvalidRequest> {
    let mut rendered = String::with_capacity(template.len() + 32);
    for (index, segment) in template.split('/').enumerate() {
        if index > 0 {
            rendered.push('/');
        }
        let Some(name) = placeholder(segment) else {
            rendered.push_str(segment);
            continue;
        };
        let Some((_, value)) = params.iter().find(|(param, _)| *param == name) else {
            return Err(InvalidRequest::new(
                name,
                "",
                "must be set: it is a path parameter",
            ));
        };
        if value.is_empty() || value == "." || value == ".." {
            return Err(InvalidRequest::new(
                name,
                value.as_str(),
                "must not be empty, \".\" or \"..\": a path segment cannot carry it",
            ));
        }
        rendered.extend(encode_component(value));
    }
    if let Some((name, value)) = params
        .iter()
        .find(|(name, _)| !template.split('/').any(|s| placeholder(s) == Some(name)))
    {
        return Err(InvalidRequest::new(
            *name,
            value.as_str(),
            format!("is not a placeholder of the path `{template}`"),
        ));
    }
    Ok(rendered)
}

/// Appends `?k=v&k=v...` in the given order; keys and values are encoded like path
/// segments (`%20` for space) so no server has to guess between form and URI encoding.
pub(crate) fn append_query<N: AsRef<str>>(url: &mut String, pairs: &[(N, String)]) {
    for (index, (name, value)) in pairs.iter().enumerate() {
        url.push(if index == 0 { '?' } else { '&' });
        url.extend(encode_component(name.as_ref()));
        url.push('=');
        url.extend(encode_component(value));
    }
}

fn placeholder(segment: &str) -> Option<&str> {
    segment.strip_prefix(':').filter(|name| !name.is_empty())
}

#[cfg(test)]
mod tests {
    use super::{append_query, encode_component, render};

    const TEMPLATE: &str = "/open-apis/okr/v1/users/:user_id/okrs";

    #[test]
    fn encodes_everything_but_unreserved() {
        assert_eq!(
            encode_component("a/b?c#d%e f-._~é").to_string(),
            "a%2Fb%3Fc%23d%25e%20f-._~%C3%A9"
        );
    }

    #[test]
    fn substitutes_placeholders() {
        let rendered = render(TEMPLATE, &[("user_id", "ou_1/2".to_owned())]);
        assert_eq!(
            rendered.ok().as_deref(),
            Some("/open-apis/okr/v1/users/ou_1%2F2/okrs")
        );
    }

    #[test]
    fn leaves_paths_without_placeholders_alone() {
        assert_eq!(render("/a/b", &[]).ok().as_deref(), Some("/a/b"));
    }

    #[test]
    fn rejects_missing_unknown_and_dot_values() {
        let missing = render(TEMPLATE, &[]).err().map(|e| e.parameter);
        assert_eq!(missing.as_deref(), Some("user_id"));

        let unknown = render(
            TEMPLATE,
            &[("user_id", "u".to_owned()), ("okr_id", "o".to_owned())],
        );
        assert_eq!(
            unknown.err().map(|e| e.parameter).as_deref(),
            Some("okr_id")
        );

        for bad in ["", ".", ".."] {
            let err = render(TEMPLATE, &[("user_id", bad.to_owned())]).err();
            assert_eq!(err.map(|e| e.value).as_deref(), Some(bad));
        }
    }

    #[test]
    fn allows_dots_inside_values() {
        let rendered = render(TEMPLATE, &[("user_id", "...".to_owned())]);
        assert_eq!(
            rendered.ok().as_deref(),
            Some("/open-apis/okr/v1/users/.../okrs")
        );
    }

    #[test]
    fn appends_query_pairs_in_order() {
        let mut url = String::from("/p");
        append_query(
            &mut url,
            &[
                ("period_ids", "a".to_owned()),
                ("lang", "zh cn&x=y".to_owned()),
                ("period_ids", "b".to_owned()),
            ],
        );
        assert_eq!(url, "/p?period_ids=a&lang=zh%20cn%26x%3Dy&period_ids=b");

        let mut unchanged = String::from("/p");
        append_query::<&str>(&mut unchanged, &[]);
        assert_eq!(unchanged, "/p");
    }
}

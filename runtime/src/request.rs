//! Requests as assembled by generated code.

use std::fmt;

use bytes::Bytes;

use crate::error::{Error, InvalidRequest};
use crate::multipart::Form;
use crate::operation::Operation;
use crate::secret::AccessToken;

/// One request being assembled by generated code.
///
/// Setters never fail; values are checked when the request is executed, so a bad value
/// surfaces as [`Error::InvalidRequest`] before anything is sent.
pub struct Request {
    operation: &'static Operation,
    pub(crate) path_params: Vec<(&'static str, String)>,
    pub(crate) query: Vec<(&'static str, String)>,
    /// Header parameters of the endpoint (e.g. `Range`), checked when sent.
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Option<Body>,
    pub(crate) options: RequestOptions,
}

/// A request body in wire form.
pub(crate) enum Body {
    /// Serialized JSON.
    Json(Bytes),
    /// Bytes sent as they are, with their content type.
    Raw { bytes: Bytes, content_type: String },
    /// A multipart form, turned into wire form per attempt.
    Multipart(Form),
}

impl Body {
    /// Whether the body can be sent again after an attempt took it.
    pub(crate) fn can_resend(&self) -> bool {
        match self {
            Self::Multipart(form) => !form.is_consumed(),
            Self::Json(_) | Self::Raw { .. } => true,
        }
    }

    fn describe(&self) -> String {
        match self {
            Self::Json(bytes) => format!("{} bytes of JSON", bytes.len()),
            Self::Raw { bytes, .. } => format!("{} bytes", bytes.len()),
            Self::Multipart(form) => format!("multipart {form:?}"),
        }
    }
}

impl Request {
    /// Starts a request for `operation`.
    pub fn new(operation: &'static Operation) -> Self {
        Self {
            operation,
            path_params: Vec::new(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            options: RequestOptions::default(),
        }
    }

    /// Sets the value of the `:name` placeholder in the operation's path; a second call
    /// for the same name replaces the first.
    pub fn path_param(&mut self, name: &'static str, value: impl fmt::Display) {
        let value = value.to_string();
        match self
            .path_params
            .iter_mut()
            .find(|(param, _)| *param == name)
        {
            Some((_, existing)) => *existing = value,
            None => self.path_params.push((name, value)),
        }
    }

    /// Appends a query pair. Call repeatedly for array parameters: the platform expects
    /// the key repeated (`period_ids=a&period_ids=b`), in call order.
    pub fn query(&mut self, name: &'static str, value: impl fmt::Display) {
        self.query.push((name, value.to_string()));
    }

    /// Appends a query pair if `value` is set: an optional parameter.
    ///
    /// ```
    /// # use feishu_runtime::{Operation, Request};
    /// # static LIST: Operation = Operation { id: "x", method: feishu_runtime::HttpMethod::Get,
    /// #     path: "/x", token_types: &[], rate_limits: &[], idempotent: true,
    /// #     envelope: feishu_runtime::Envelope::Data };
    /// let mut request = Request::new(&LIST);
    /// request.query_opt("lang", &Some("en_us"));
    /// request.query_opt("user_id_type", &None::<&str>);
    /// assert!(format!("{request:?}").contains(r#"query: [("lang", "en_us")]"#));
    /// ```
    #[inline]
    pub fn query_opt(&mut self, name: &'static str, value: &Option<impl fmt::Display>) {
        if let Some(value) = value {
            self.query(name, value);
        }
    }

    /// Appends one query pair per value, in order: an array parameter
    /// (`period_ids=a&period_ids=b`). Pass `list.iter().flatten()` for an optional list.
    ///
    /// ```
    /// # use feishu_runtime::{Operation, Request};
    /// # static LIST: Operation = Operation { id: "x", method: feishu_runtime::HttpMethod::Get,
    /// #     path: "/x", token_types: &[], rate_limits: &[], idempotent: true,
    /// #     envelope: feishu_runtime::Envelope::Data };
    /// let ids: Option<Vec<String>> = Some(vec!["a".into(), "b".into()]);
    /// let mut request = Request::new(&LIST);
    /// request.query_each("ids", ids.iter().flatten());
    /// assert!(format!("{request:?}").contains(r#"query: [("ids", "a"), ("ids", "b")]"#));
    /// ```
    #[inline]
    pub fn query_each(
        &mut self,
        name: &'static str,
        values: impl IntoIterator<Item = impl fmt::Display>,
    ) {
        for value in values {
            self.query(name, value);
        }
    }

    /// Serializes `body` as the JSON request body right away, so the request owns no
    /// borrowed data and can be sent more than once.
    pub fn json_body<B: serde::Serialize + ?Sized>(&mut self, body: &B) -> Result<(), Error> {
        let bytes = serde_json::to_vec(body).map_err(|error| {
            InvalidRequest::new(
                "body",
                "<unserializable>",
                format!("must serialize to JSON: {error}"),
            )
        })?;
        self.body = Some(Body::Json(bytes.into()));
        Ok(())
    }

    /// Adds a header parameter (e.g. `Range: bytes=0-1023`). Names the client owns
    /// (`Authorization`, `Content-Type`, `Content-Length`, `Host`, `User-Agent`, ...) and
    /// values that are not valid header text are refused when the request is executed.
    pub fn header(&mut self, name: &'static str, value: impl fmt::Display) {
        self.headers.push((name, value.to_string()));
    }

    /// Adds a header parameter if `value` is set; see [`Request::header`].
    #[inline]
    pub fn header_opt(&mut self, name: &'static str, value: &Option<impl fmt::Display>) {
        if let Some(value) = value {
            self.header(name, value);
        }
    }

    /// Sets a `multipart/form-data` body (the upload endpoints).
    pub fn multipart_body(&mut self, form: Form) {
        self.body = Some(Body::Multipart(form));
    }

    /// Sets a body sent as it is, with its `Content-Type`.
    pub fn raw_body(&mut self, bytes: impl Into<Bytes>, content_type: impl Into<String>) {
        self.body = Some(Body::Raw {
            bytes: bytes.into(),
            content_type: content_type.into(),
        });
    }

    /// Replaces the per-request options (token override, extra headers).
    pub fn options(&mut self, options: RequestOptions) {
        self.options = options;
    }

    /// The operation this request is for.
    pub fn operation(&self) -> &'static Operation {
        self.operation
    }
}

impl fmt::Debug for Request {
    // The body may hold secrets (the token endpoints take `app_secret`), so only its size shows.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("operation", &self.operation.id)
            .field("path_params", &self.path_params)
            .field("query", &self.query)
            .field(
                "headers",
                &self
                    .headers
                    .iter()
                    .map(|(name, _)| *name)
                    .collect::<Vec<_>>(),
            )
            .field("body", &self.body.as_ref().map(Body::describe))
            .field("options", &self.options)
            .finish()
    }
}

/// The values of a list setter, each converted: generated setters take any iterable of
/// anything that converts into the item type (`["a", "b"]`, a `Vec<String>`, an iterator).
///
/// ```
/// let ids: Vec<String> = feishu_runtime::into_list(["a", "b"]);
/// assert_eq!(ids, ["a", "b"]);
/// ```
#[inline]
pub fn into_list<T>(values: impl IntoIterator<Item = impl Into<T>>) -> Vec<T> {
    values.into_iter().map(Into::into).collect()
}

/// Per-request settings that override the client's.
#[derive(Clone, Default)]
pub struct RequestOptions {
    pub(crate) access_token: Option<AccessToken>,
    pub(crate) tenant_key: Option<String>,
    pub(crate) headers: Vec<(&'static str, String)>,
}

impl RequestOptions {
    /// Sends this token instead of the client's, e.g. a `user_access_token` for one call.
    pub fn access_token(mut self, token: impl Into<AccessToken>) -> Self {
        self.access_token = Some(token.into());
        self
    }

    /// Names the tenant a marketplace app acts in for this call: selects the managed
    /// `tenant_access_token` and the tenant's share of the rate limit.
    pub fn tenant_key(mut self, key: impl Into<String>) -> Self {
        self.tenant_key = Some(key.into());
        self
    }

    /// Adds a header. It replaces a header of the same name the client would send;
    /// repeated calls with one name send every value.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
}

impl fmt::Debug for RequestOptions {
    // Header values can be credentials too, so only names are shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header_names: Vec<&str> = self.headers.iter().map(|(name, _)| *name).collect();
        f.debug_struct("RequestOptions")
            .field("access_token", &self.access_token)
            .field("tenant_key", &self.tenant_key)
            .field("headers", &header_names)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::{Request, into_list};
    use crate::operation::{Envelope, HttpMethod, Operation};

    static LIST: Operation = Operation {
        id: "test.v1.thing.list",
        method: HttpMethod::Get,
        path: "/open-apis/test/v1/things",
        token_types: &[],
        rate_limits: &[],
        idempotent: true,
        envelope: Envelope::Data,
    };

    #[test]
    fn optional_and_repeated_parameters_add_only_what_is_set() {
        let mut request = Request::new(&LIST);
        request.query_opt("lang", &Some("en_us"));
        request.query_opt("user_id_type", &None::<String>);
        request.query_each("ids", Some(vec![1, 2]).iter().flatten());
        request.query_each("none", None::<Vec<u8>>.iter().flatten());
        request.query_each("required", &["x".to_owned()]);
        request.header_opt("Range", &Some("bytes=0-1"));
        request.header_opt("If-None-Match", &None::<&str>);
        let pairs = |list: &[(&str, String)]| {
            list.iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            pairs(&request.query),
            ["lang=en_us", "ids=1", "ids=2", "required=x"]
        );
        assert_eq!(pairs(&request.headers), ["Range=bytes=0-1"]);
    }

    #[test]
    fn into_list_converts_each_item_in_order() {
        let ids: Vec<String> = into_list(["b", "a"]);
        assert_eq!(ids, ["b", "a"]);
        let same: Vec<i64> = into_list(vec![3_i32, 1]);
        assert_eq!(same, [3, 1]);
        assert!(into_list::<String>(Vec::<String>::new()).is_empty());
    }
}

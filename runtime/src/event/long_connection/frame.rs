//! The long connection's binary frames: protobuf `pbbp2.Frame` as defined in the
//! official Go SDK (`ws/pbbp2.pb.go`), written with prost's derive so no protoc is
//! needed. Field numbers and the proto2 `required` markers match that file.

/// A key/value header of a frame.
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct Header {
    /// E.g. `type`, `message_id`, `sum`, `seq`, `trace_id`, `biz_rt`.
    #[prost(string, required, tag = "1")]
    pub key: String,
    /// The value, always text.
    #[prost(string, required, tag = "2")]
    pub value: String,
}

/// One WebSocket binary message.
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct Frame {
    /// Sequence id.
    #[prost(uint64, required, tag = "1")]
    pub seq_id: u64,
    /// Log id.
    #[prost(uint64, required, tag = "2")]
    pub log_id: u64,
    /// The `service_id` of the connection URL.
    #[prost(int32, required, tag = "3")]
    pub service: i32,
    /// [`METHOD_CONTROL`] or [`METHOD_DATA`].
    #[prost(int32, required, tag = "4")]
    pub method: i32,
    /// Headers.
    #[prost(message, repeated, tag = "5")]
    pub headers: Vec<Header>,
    /// Payload encoding.
    #[prost(string, optional, tag = "6")]
    pub payload_encoding: Option<String>,
    /// Payload type.
    #[prost(string, optional, tag = "7")]
    pub payload_type: Option<String>,
    /// The event JSON (data frames) or client config JSON (pong frames).
    #[prost(bytes = "vec", optional, tag = "8")]
    pub payload: Option<Vec<u8>>,
    /// Newer log id.
    #[prost(string, optional, tag = "9")]
    pub log_id_new: Option<String>,
}

/// `method` of ping and pong frames.
pub const METHOD_CONTROL: i32 = 0;
/// `method` of event and card frames.
pub const METHOD_DATA: i32 = 1;

/// Header names.
pub mod header {
    /// `ping`, `pong`, `event` or `card`.
    pub const TYPE: &str = "type";
    /// Id of a message; fragments of one message share it.
    pub const MESSAGE_ID: &str = "message_id";
    /// Number of fragments (1 when not split).
    pub const SUM: &str = "sum";
    /// Index of this fragment, from 0.
    pub const SEQ: &str = "seq";
    /// Trace id.
    pub const TRACE_ID: &str = "trace_id";
    /// Handling time in milliseconds, added to acknowledgements.
    pub const BIZ_RT: &str = "biz_rt";
}

impl Frame {
    /// The first value of header `key`.
    pub fn header(&self, key: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|h| h.key == key)
            .map(|h| h.value.as_str())
    }

    /// Adds a header.
    pub fn push_header(&mut self, key: &str, value: impl Into<String>) {
        self.headers.push(Header {
            key: key.to_owned(),
            value: value.into(),
        });
    }

    /// A client ping for the connection's `service`.
    pub fn ping(service: i32) -> Self {
        let mut frame = Self {
            service,
            method: METHOD_CONTROL,
            ..Self::default()
        };
        frame.push_header(header::TYPE, "ping");
        frame
    }
}

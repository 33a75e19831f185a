//! Small wire-format helpers shared by generated types.

use serde::de::{Deserialize, Deserializer, IgnoredAny};
use serde::ser::{Serialize, SerializeMap, Serializer};

/// Wire value of an enum variant this crate version does not know (forward compatibility).
///
/// Generated enums have a variant `Unknown(feishu_runtime::UnknownValue<String>)` or
/// `Unknown(feishu_runtime::UnknownValue<i64>)`, so a value the platform adds later still
/// decodes and round-trips. The constructor is hidden because building one by hand for a
/// value that has a named variant would make two unequal values mean the same thing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue<T>(T);

impl<T> UnknownValue<T> {
    /// The value exactly as it appeared on the wire.
    pub fn wire_value(&self) -> &T {
        &self.0
    }

    /// Wraps a wire value; for generated code only.
    #[doc(hidden)]
    pub fn from_wire(value: T) -> Self {
        Self(value)
    }
}

/// A response `data` that carries nothing the caller needs.
///
/// Deserializes from any JSON value (an object, `null`, ...) and serializes as `{}`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Empty;

impl<'de> Deserialize<'de> for Empty {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        IgnoredAny::deserialize(deserializer)?;
        Ok(Self)
    }
}

impl Serialize for Empty {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_map(Some(0))?.end()
    }
}

/// A string on the wire that holds the JSON text of a `T` (e.g. a message's `content`).
///
/// Serializes as a JSON string containing `T` serialized; deserializes a string and
/// parses its text as `T`. A string that is not JSON of `T` is a decode error at the
/// field, like any other mismatch.
///
/// ```
/// use feishu_runtime::JsonString;
///
/// #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
/// struct Text { text: String }
///
/// let content = JsonString::from(Text { text: "hi".into() });
/// assert_eq!(serde_json::to_string(&content).unwrap(), r#""{\"text\":\"hi\"}""#);
/// let back: JsonString<Text> = serde_json::from_str(r#""{\"text\":\"hi\"}""#).unwrap();
/// assert_eq!(back.text, "hi");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct JsonString<T>(pub T);

impl<T> JsonString<T> {
    /// The decoded value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> From<T> for JsonString<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

impl<T> std::ops::Deref for JsonString<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> std::ops::DerefMut for JsonString<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T: Serialize> Serialize for JsonString<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = serde_json::to_string(&self.0).map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(&text)
    }
}

impl<'de, T: serde::de::DeserializeOwned> Deserialize<'de> for JsonString<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Owned: the text usually arrives with escapes, so it cannot be borrowed.
        let text = String::deserialize(deserializer)?;
        serde_json::from_str(&text)
            .map(Self)
            .map_err(|error| serde::de::Error::custom(format!("in the JSON text: {error}")))
    }
}

#[cfg(test)]
mod tests {
    use super::{Empty, JsonString, UnknownValue};

    #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq, Clone)]
    struct Content {
        text: String,
        at: Vec<i64>,
    }

    #[test]
    fn json_string_round_trips_through_a_string() {
        let content = Content {
            text: "he said \"hi\"\n好".to_owned(),
            at: vec![1, 2],
        };
        let wire = serde_json::to_value(JsonString::from(content.clone())).unwrap();
        let serde_json::Value::String(text) = &wire else {
            panic!("not a string on the wire: {wire}");
        };
        assert_eq!(serde_json::from_str::<Content>(text).unwrap(), content);
        let back: JsonString<Content> = serde_json::from_value(wire).unwrap();
        assert_eq!(*back, content);
        assert_eq!(back.into_inner().at, vec![1, 2]);
    }

    #[test]
    fn json_string_rejects_text_that_is_not_the_type() {
        for bad in [
            r#""{\"text\":1}""#,
            r#""not json""#,
            r#"{"text":"x","at":[]}"#,
        ] {
            assert!(
                serde_json::from_str::<JsonString<Content>>(bad).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn empty_accepts_anything_and_writes_an_object() {
        for json in ["{}", "null", r#"{"a":[1,2]}"#, "[]", "3"] {
            assert!(serde_json::from_str::<Empty>(json).is_ok(), "{json}");
        }
        assert_eq!(serde_json::to_string(&Empty).ok().as_deref(), Some("{}"));
    }

    #[test]
    fn unknown_value_keeps_the_wire_value() {
        let value = UnknownValue::from_wire(7_i64);
        assert_eq!(*value.wire_value(), 7);
    }
}

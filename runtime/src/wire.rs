//! Small wire-format helpers shared by generated types.

use serde::de::{Deserialize, Deserializer, IgnoredAny};
use serde::ser::{Serialize, SerializeMap, Serializer};

/// Wire value of an enum variant this crate version does not know (forward compatibility).
///
/// Generated enums have a variant `Unknown(feishu_runtime::UnknownValue<String>)` or
/// `Unknown(feishu_runtime::UnknownValue<i64>)`, so a value the platform adds later still
/// decodes and round-trips. The constructor is hidden because building one by hand for a
/// value that has a named variant would make two unequal values mean the same thing.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
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

#[cfg(test)]
mod tests {
    use super::{Empty, UnknownValue};

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

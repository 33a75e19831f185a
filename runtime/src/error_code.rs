//! Documented error codes of an endpoint, as data.
//!
//! Each generated error-code enum is a fieldless enum plus two tables (its variants and
//! their [`ErrorCodeInfo`] rows, in the same order). The lookups are the default methods
//! of [`ErrorCode`], written once here: a generic default method is compiled only where a
//! caller uses it, so an endpoint whose codes nobody matches costs its tables and nothing
//! else, where a `match` per accessor and enum was compiled for every endpoint.

use crate::error::Error;

/// One documented error code: what the endpoint's doc page says about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ErrorCodeInfo {
    /// The envelope's `code`.
    pub code: i64,
    /// The HTTP status the doc gives for this code.
    pub http_status: u16,
    /// The doc's message.
    pub message: &'static str,
    /// The doc's troubleshooting advice (empty when the doc gives none).
    pub advice: &'static str,
}

impl ErrorCodeInfo {
    /// A row of the table, as the generator writes it.
    pub const fn new(
        code: i64,
        http_status: u16,
        message: &'static str,
        advice: &'static str,
    ) -> Self {
        Self {
            code,
            http_status,
            message,
            advice,
        }
    }
}

/// The row shown for an index outside the table (a generated enum whose tables
/// disagree, which the generator never writes): nothing documented, never a panic.
const UNDOCUMENTED: ErrorCodeInfo = ErrorCodeInfo::new(0, 0, "", "");

/// An enum of the error codes one endpoint documents. Implemented by generated code; the
/// enums also have the same methods inherently, so callers need not import this trait.
pub trait ErrorCode: Copy + 'static {
    /// Every variant, in declaration order.
    const ALL: &'static [Self];
    /// The documented rows, in the order of [`ErrorCode::ALL`].
    const INFO: &'static [ErrorCodeInfo];

    /// The variant's position in [`ErrorCode::ALL`].
    fn index(self) -> usize;

    /// The variant's documented row.
    fn info(self) -> &'static ErrorCodeInfo {
        Self::INFO.get(self.index()).unwrap_or(&UNDOCUMENTED)
    }

    /// The documented code, if `code` is one of this endpoint's.
    fn from_code(code: i64) -> Option<Self> {
        position(Self::INFO, code).and_then(|index| Self::ALL.get(index).copied())
    }

    /// The documented code carried by an API error, if any.
    fn from_error(error: &Error) -> Option<Self> {
        error.code().and_then(Self::from_code)
    }

    /// The envelope's `code`.
    fn code(self) -> i64 {
        self.info().code
    }

    /// The HTTP status the doc gives for this code.
    fn http_status(self) -> u16 {
        self.info().http_status
    }

    /// The doc's message.
    fn message(self) -> &'static str {
        self.info().message
    }

    /// The doc's troubleshooting advice (empty when the doc gives none).
    fn advice(self) -> &'static str {
        self.info().advice
    }
}

/// Where `code` is in `table`. Not generic: one copy for every enum.
#[inline(never)]
fn position(table: &[ErrorCodeInfo], code: i64) -> Option<usize> {
    table.iter().position(|row| row.code == code)
}

/// The inherent methods of a generated error-code enum (`from_code`, `from_error`,
/// `code`, `http_status`, `message`, `advice`), each a call to its [`ErrorCode`]
/// default, so `Enum::from_error` works without importing the trait. Used by generated
/// code; the enum must implement [`ErrorCode`].
#[macro_export]
macro_rules! error_code_methods {
    ($name:ident) => {
        impl $name {
            /// The documented code, if `code` is one of this endpoint's.
            #[inline]
            pub fn from_code(code: i64) -> ::std::option::Option<Self> {
                <Self as $crate::ErrorCode>::from_code(code)
            }

            /// The documented code carried by an API error, if any.
            #[inline]
            pub fn from_error(error: &$crate::Error) -> ::std::option::Option<Self> {
                <Self as $crate::ErrorCode>::from_error(error)
            }

            /// The envelope's `code`.
            #[inline]
            pub fn code(self) -> i64 {
                <Self as $crate::ErrorCode>::code(self)
            }

            /// The HTTP status the doc gives for this code.
            #[inline]
            pub fn http_status(self) -> u16 {
                <Self as $crate::ErrorCode>::http_status(self)
            }

            /// The doc's message.
            #[inline]
            pub fn message(self) -> &'static str {
                <Self as $crate::ErrorCode>::message(self)
            }

            /// The doc's troubleshooting advice (empty when the doc gives none).
            #[inline]
            pub fn advice(self) -> &'static str {
                <Self as $crate::ErrorCode>::advice(self)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::{ErrorCode, ErrorCodeInfo};
    use crate::error::{ApiError, Error};

    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Codes {
        NotFound,
        Invalid,
    }

    impl ErrorCode for Codes {
        const ALL: &'static [Self] = &[Self::NotFound, Self::Invalid];
        const INFO: &'static [ErrorCodeInfo] = &[
            ErrorCodeInfo::new(1001, 404, "not found", "check the id"),
            ErrorCodeInfo::new(1002, 400, "invalid", ""),
        ];
        fn index(self) -> usize {
            self as usize
        }
    }

    crate::error_code_methods!(Codes);

    /// Tables that disagree (one row short).
    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Short {
        A,
        B,
    }

    impl ErrorCode for Short {
        const ALL: &'static [Self] = &[Self::A, Self::B];
        const INFO: &'static [ErrorCodeInfo] = &[ErrorCodeInfo::new(7, 400, "a", "")];
        fn index(self) -> usize {
            self as usize
        }
    }

    #[test]
    fn every_accessor_reads_the_variants_own_row() {
        assert_eq!(Codes::from_code(1002), Some(Codes::Invalid));
        assert_eq!(Codes::from_code(1001), Some(Codes::NotFound));
        assert_eq!(Codes::from_code(9), None);
        assert_eq!(Codes::Invalid.code(), 1002);
        assert_eq!(Codes::NotFound.http_status(), 404);
        assert_eq!(Codes::NotFound.message(), "not found");
        assert_eq!(Codes::NotFound.advice(), "check the id");
        assert_eq!(Codes::Invalid.advice(), "");
        let error = Error::from(ApiError {
            code: 1001,
            msg: "not found".into(),
            http_status: 404,
            log_id: None,
            troubleshooter: None,
            permission_violations: Vec::new(),
            field_violations: Vec::new(),
            helps: Vec::new(),
            details: Vec::new(),
            raw_body: String::new(),
        });
        assert_eq!(Codes::from_error(&error), Some(Codes::NotFound));
        assert_eq!(Codes::from_error(&Error::Config("x".into())), None);
    }

    #[test]
    fn tables_that_disagree_answer_nothing_instead_of_panicking() {
        assert_eq!(Short::B.code(), 0);
        assert_eq!(Short::B.message(), "");
        assert_eq!(<Short as ErrorCode>::from_code(7), Some(Short::A));
    }
}

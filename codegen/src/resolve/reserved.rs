//! Names the generated code already owns, so a spec cannot take them.
//!
//! Each list is every name the emitter puts in the same Rust namespace as
//! the spec's names (see `emit/`):
//! - a service becomes a method on `Client` (beside `builder`, `from_core`,
//!   `core`), a module at the crate root (beside `common` and the `runtime`
//!   and `event` re-exports) and a cargo feature (beside `default` and the
//!   event features `webhook`, `axum`, `long-connection`);
//! - a version, a resource and an action become methods on accessor
//!   structs, which all have the crate-private constructor `new`; a
//!   resource is also a module beside the version's `events` module;
//! - a parameter or body field becomes a field and setter of the request
//!   builder, which owns the fields `client`, `options`, `body` and the
//!   methods `send`, `access_token`, `body`, `pages`, `items`;
//! - a named type shares its version module with the version accessor
//!   struct (`OkrV1`), checked in `services.rs`.
//!
//! Reserving with a located error, rather than renaming silently, keeps
//! every generated name predictable from the spec: the author picks the new
//! name with `rust_name:` (parameters) or by fixing the spec.

use super::Resolver;
use crate::source::{Segment, SourceFile};

/// Names one kind of spec name cannot take.
pub(super) struct Reserved {
    /// What the name is ("service").
    what: &'static str,
    /// The names taken.
    names: &'static [&'static str],
    /// What already uses them.
    owner: &'static str,
}

/// Service names the crate root, `Client` or the feature list own.
pub(super) const SERVICE: Reserved = Reserved {
    what: "service",
    names: &[
        "builder",
        "from_core",
        "core",
        "common",
        "runtime",
        "default",
        // The `event` re-export and the event features (see emit/manifest.rs).
        "event",
        "webhook",
        "axum",
    ],
    owner: "crate root, `Client` method or cargo feature",
};

/// The accessor structs' constructor, for versions, resources and actions.
const ACCESSOR_METHOD: &[&str] = &["new"];

/// Version names the service accessor owns.
pub(super) const VERSION: Reserved = Reserved {
    what: "version",
    names: ACCESSOR_METHOD,
    owner: "accessor constructor",
};

/// Resource names the version accessor owns.
pub(super) const RESOURCE: Reserved = Reserved {
    what: "resource",
    // `events` is the version's module of pushed events, beside the
    // resource modules.
    names: &["new", "events"],
    owner: "accessor constructor or events module",
};

/// Action names the resource accessor owns.
pub(super) const ACTION: Reserved = Reserved {
    what: "action",
    names: ACCESSOR_METHOD,
    owner: "accessor constructor",
};

/// Parameter names the request builder owns (fields and methods).
pub(super) const PARAMETER: &[&str] = &[
    "send",
    "access_token",
    "options",
    "client",
    "body",
    "pages",
    "items",
];

impl Resolver {
    /// Reports `name` when `reserved` holds it. Returns whether it is free.
    pub(super) fn check_reserved(
        &mut self,
        source: &SourceFile,
        path: &[Segment],
        at_key: bool,
        name: &str,
        reserved: &Reserved,
    ) -> bool {
        let Reserved { what, names, owner } = reserved;
        if !names.contains(&name) {
            return true;
        }
        self.error(
            source,
            path,
            at_key,
            format!("the {what} name `{name}` is taken by the generated {owner}"),
            Some(format!(
                "reserved here: {}; rename the {what}",
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        );
        false
    }
}

//! Runnable examples of the generated `feishu` crate; see `examples/`.
//! This library is empty: the examples are what a new user copies first,
//! so each one is complete on its own.

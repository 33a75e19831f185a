//! Placeholder; the mock server is being written.

//! Feeds arbitrary text to the spec loader and resolver, as a service file
//! beside the real shared-definitions file and as a lone file. Any panic is a
//! bug, and so is a diagnostic without a position or a message, or a spec that
//! passes validation but makes the emitter produce invalid Rust.
#![no_main]

use codegen::{Failure, generate_from_sources};
use libfuzzer_sys::fuzz_target;

const COMMON: &str = include_str!("../../../spec/common.yaml");

fn check(sources: &[(&str, &str)]) {
    match generate_from_sources(sources, "feishu-fuzz") {
        Ok(generation) => {
            assert!(!generation.warnings.has_errors());
            let _ = generation.warnings.to_string();
        }
        Err(Failure::Spec(diagnostics)) => {
            assert!(diagnostics.has_errors(), "failed without an error");
            for d in &diagnostics.0 {
                assert!(d.position.line >= 1 && d.position.column >= 1, "{d}");
                assert!(!d.message.trim().is_empty(), "{d}");
            }
            let _ = diagnostics.to_string();
        }
        Err(error @ Failure::Emit(_)) => panic!("valid spec, invalid Rust: {error}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    check(&[("spec/common.yaml", COMMON), ("spec/fuzz/v1.yaml", &text)]);
    check(&[("spec/fuzz.yaml", &text)]);
});

//! `cargo run --release -p feishu-bench --bin phases -- <spec dir>`: times
//! each pipeline phase once (load, resolve, emit, compare) for profiling.

use std::path::Path;

use std::time::Instant;

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "spec".into());
    let root = Path::new("/");
    let t = Instant::now();
    let (loaded, diagnostics) = codegen::load::load_dir(Path::new(&dir), root);
    let load = t.elapsed();
    let t = Instant::now();
    let (model, _) = codegen::resolve::resolve(&loaded);
    let resolve = t.elapsed();
    let Some(model) = model else {
        eprintln!("{diagnostics}");
        return;
    };
    let t = Instant::now();
    let files = codegen::emit::emit(&model, "feishu-synthetic", "spec").unwrap_or_default();
    let emit = t.elapsed();
    let bytes: usize = files.iter().map(|f| f.contents.len()).sum();
    println!(
        "load {load:?}, resolve {resolve:?}, emit {emit:?}; {} files, {bytes} bytes",
        files.len()
    );
}

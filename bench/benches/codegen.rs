//! Codegen speed: the whole pipeline (spec load → resolve → emit → format →
//! compare and write) at 10, 100, 1,000 and 2,500 synthetic endpoints.
//!
//!     cargo bench -p feishu-bench --bench codegen
//!
//! Criterion reports time per run; divide by N for time per endpoint
//! (BENCHMARKS.md has the table).

use std::path::PathBuf;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

fn scratch(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("feishu-bench-{name}-{}", std::process::id()))
}

fn pipeline(c: &mut Criterion) {
    let mut group = c.benchmark_group("codegen_pipeline");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    for endpoints in [10_usize, 100, 1_000, 2_500] {
        let specs = scratch(&format!("spec-{endpoints}"));
        let out = scratch(&format!("out-{endpoints}"));
        feishu_bench::write_synthetic_specs(&specs, endpoints).expect("synthetic specs");
        group.throughput(Throughput::Elements(endpoints as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(endpoints),
            &endpoints,
            |b, _| {
                b.iter(|| {
                    // A fresh output directory each time: a full regeneration,
                    // every file written.
                    let _ = std::fs::remove_dir_all(&out);
                    let generation = codegen::generate_dir(&specs, &specs, "feishu-synthetic")
                        .expect("synthetic specs generate");
                    codegen::output::write_tree(&out, &generation.files).expect("write")
                });
            },
        );
        let _ = std::fs::remove_dir_all(&specs);
        let _ = std::fs::remove_dir_all(&out);
    }
    group.finish();
}

criterion_group!(benches, pipeline);
criterion_main!(benches);

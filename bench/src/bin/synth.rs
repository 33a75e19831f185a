//! `cargo run -p feishu-bench --bin synth -- <endpoints> <dir>`: writes a
//! synthetic spec directory of that many endpoints (see BENCHMARKS.md).

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(count), Some(dir)) = (args.first().and_then(|a| a.parse().ok()), args.get(1)) else {
        eprintln!("usage: synth <endpoints> <dir>");
        return std::process::ExitCode::from(2);
    };
    match feishu_bench::write_synthetic_specs(std::path::Path::new(dir), count) {
        Ok(()) => {
            println!("wrote {count} synthetic endpoints to {dir}");
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: cannot write {dir}: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

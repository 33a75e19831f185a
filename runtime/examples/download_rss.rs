//! Downloads a generated file of `MIB` MiB (default 100) from the in-process mock server
//! through `Download::save_to`, for measuring peak memory (BENCHMARKS.md):
//!
//! ```text
//! cargo build --release -p feishu-runtime --example download_rss
//! /usr/bin/time -v target/release/examples/download_rss 100
//! ```

use std::process::ExitCode;

use feishu_mock_server::MockServer;
use feishu_runtime::{Client, HttpMethod};

fn main() -> ExitCode {
    let mib: u64 = std::env::args()
        .nth(1)
        .and_then(|arg| arg.parse().ok())
        .unwrap_or(100);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("cannot start tokio: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(mib)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(mib: u64) -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start().await?;
    let client = Client::builder()
        .base_url(server.base_url())
        .app_credentials(MockServer::APP_ID, MockServer::APP_SECRET)
        .build()?;
    let target =
        std::env::temp_dir().join(format!("feishu-download-rss-{}.bin", std::process::id()));
    let started = std::time::Instant::now();
    let written = client
        .request(
            HttpMethod::Get,
            format!("/open-apis/drive/v1/files/{}/download", mib * 1024 * 1024),
        )
        .download()
        .await?
        .save_to(&target)
        .await?;
    let elapsed = started.elapsed();
    std::fs::remove_file(&target)?;
    println!(
        "{written} bytes saved in {:.2} s ({:.0} MiB/s)",
        elapsed.as_secs_f64(),
        written as f64 / 1_048_576.0 / elapsed.as_secs_f64()
    );
    Ok(())
}

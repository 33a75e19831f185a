//! Every OKR of each user, all pages, one JSON object per line.
//!
//!     FEISHU_APP_ID=cli_… FEISHU_APP_SECRET=… cargo run --example list_okrs -- <user_id>...
//!
//! `FEISHU_BASE_URL` points the client elsewhere (default: Feishu). The app
//! needs the `okr:okr:readonly` scope. On failure the error (code, message,
//! log id) goes to stderr and the exit status is non-zero.
//!
//! Why OKR v1 and not v2: v1's `user_okr.list` answers "every OKR of a user"
//! in one paged call, each OKR with its objectives, key results, progress and
//! alignments, and the text as plain strings. In v2 the same listing takes
//! `cycle.list` per user, then `cycle_objective.list` per cycle, then
//! `objective_key_result.list` per objective (one request per objective,
//! each paged), and the text comes as rich-text blocks whose paragraph fields
//! the catalog leaves undocumented; v2 also has no doc page with error codes
//! yet. v2 is the better path for editing OKRs (create, patch, reorder and
//! weight objectives and key results, indicators), which v1 cannot do.

use std::io::Write;
use std::process::ExitCode;

use feishu::common::UserIdType;
use feishu::runtime::TryStreamExt;

#[tokio::main]
async fn main() -> ExitCode {
    let user_ids: Vec<String> = std::env::args().skip(1).collect();
    if user_ids.is_empty() {
        eprintln!("usage: cargo run --example list_okrs -- <user_id>...");
        return ExitCode::from(2);
    }
    match run(&user_ids).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(user_ids: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let client = client_from_env()?;
    let mut stdout = std::io::stdout().lock();
    for user_id in user_ids {
        // Pages are fetched lazily, 10 OKRs at a time, until `total`.
        let mut okrs = client
            .okr()
            .v1()
            .user_okr()
            .list(user_id.as_str(), 0, 10)
            .user_id_type(UserIdType::OpenId)
            .items();
        while let Some(okr) = okrs.try_next().await? {
            writeln!(stdout, "{}", serde_json::to_string(&okr)?)?;
        }
    }
    Ok(())
}

/// A client for the self-built app named by `FEISHU_APP_ID` and
/// `FEISHU_APP_SECRET`; it fetches and refreshes its tenant token itself.
fn client_from_env() -> Result<feishu::Client, Box<dyn std::error::Error>> {
    let app_id = std::env::var("FEISHU_APP_ID").map_err(|_| "set FEISHU_APP_ID")?;
    let app_secret = std::env::var("FEISHU_APP_SECRET").map_err(|_| "set FEISHU_APP_SECRET")?;
    let mut builder = feishu::Client::builder().app_credentials(app_id, app_secret);
    if let Ok(base_url) = std::env::var("FEISHU_BASE_URL") {
        builder = builder.base_url(base_url);
    }
    Ok(builder.build()?)
}

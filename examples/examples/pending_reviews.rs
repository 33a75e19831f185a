//! Each user's pending performance-review stage tasks in one semester, one
//! JSON object per user and line.
//!
//!     FEISHU_APP_ID=cli_… FEISHU_APP_SECRET=… cargo run --example pending_reviews -- <semester_id> <user_id>...
//!
//! Users are asked for 50 at a time, the endpoint's limit. `FEISHU_BASE_URL`
//! points the client elsewhere (default: Feishu). The app needs the
//! `performance:performance:readonly` scope. On failure the error (code,
//! message, log id) goes to stderr and the exit status is non-zero.
//!
//! Why v1 `stage_task.find_by_user_list` and not a v2 endpoint: none of the
//! 17 Performance v2 endpoints lists tasks. The closest, v2
//! `review_data.query`, returns the review *data* of at most 10 *reviewees*
//! per call (what was written about them, with each record's progress), not
//! the tasks a user still has to do as reviewer or reviewee, and its
//! progress numbers change meaning with the stage type. v2
//! `reviewee.query` only says who is reviewed. The v1 endpoint answers the
//! question directly, 50 users per call, filtered to `TaskOption::Todo`.

use std::io::Write;
use std::process::ExitCode;

use feishu::performance::v1::TaskOption;
use feishu::performance::v1::stage_task::FindByUserListStageTaskErrorCode;

/// The endpoint takes at most 50 users per call.
const USERS_PER_CALL: usize = 50;

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(semester_id), user_ids) = (args.next(), args.collect::<Vec<_>>()) else {
        eprintln!("usage: cargo run --example pending_reviews -- <semester_id> <user_id>...");
        return ExitCode::from(2);
    };
    if user_ids.is_empty() {
        eprintln!("usage: cargo run --example pending_reviews -- <semester_id> <user_id>...");
        return ExitCode::from(2);
    }
    match run(&semester_id, &user_ids).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            if let Some(code) = error
                .downcast_ref::<feishu::Error>()
                .and_then(FindByUserListStageTaskErrorCode::from_error)
            {
                eprintln!("hint: {}", code.advice());
            }
            ExitCode::FAILURE
        }
    }
}

async fn run(semester_id: &str, user_ids: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let client = client_from_env()?;
    let mut stdout = std::io::stdout().lock();
    for batch in user_ids.chunks(USERS_PER_CALL) {
        let tasks = client
            .performance()
            .v1()
            .stage_task()
            .find_by_user_list(semester_id, batch)
            .task_option_lists([TaskOption::Todo])
            .send()
            .await?;
        for user in tasks.items.unwrap_or_default() {
            writeln!(stdout, "{}", serde_json::to_string(&user)?)?;
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

use feishu::TryStreamExt;
use feishu::common::UserIdType;
use feishu::performance::v1::TaskOption;
use feishu::performance::v1::stage_task::FindByUserListStageTaskErrorCode;

#[tokio::main]
async fn main() -> Result<(), feishu::Error> {
    let (Ok(app_id), Ok(app_secret)) = (
        std::env::var("FEISHU_APP_ID"),
        std::env::var("FEISHU_APP_SECRET"),
    ) else {
        eprintln!("set FEISHU_APP_ID and FEISHU_APP_SECRET to run this example");
        return Ok(());
    };
    // The client fetches, caches and refreshes the tenant access token itself,
    // retries transient failures and keeps to each endpoint's rate limit.
    let client = feishu::Client::builder()
        .app_credentials(app_id, app_secret)
        .build()?;

    // GET /open-apis/okr/v1/users/:user_id/okrs, every page, lazily.
    let mut okrs = client
        .okr()
        .v1()
        .user_okr()
        .list("ou_7d8a6e6df7621556ce0d21922b676706", 0, 10)
        .user_id_type(UserIdType::OpenId)
        .items();
    while let Some(okr) = okrs.try_next().await? {
        println!("{} {}", okr.id.unwrap_or_default(), okr.name.unwrap_or_default());
    }

    // POST /open-apis/performance/v1/stage_tasks/find_by_user_list
    let result = client
        .performance()
        .v1()
        .stage_task()
        .find_by_user_list("7235911950407352321", ["ou_1", "ou_2"])
        .task_option_lists([TaskOption::Todo])
        .send()
        .await;
    match result {
        Ok(data) => {
            for user in data.items.unwrap_or_default() {
                let pending = user.stage_task_info_lists.unwrap_or_default().len();
                println!("{}: {pending} stages", user.user_id.unwrap_or_default());
            }
        }
        Err(error) => match FindByUserListStageTaskErrorCode::from_error(&error) {
            // The endpoint's documented codes are an enum.
            Some(FindByUserListStageTaskErrorCode::ParamIsInvalid) => {
                eprintln!("check the semester and user IDs: {error}");
            }
            // Display shows the code, message and log id that support asks for.
            _ => return Err(error),
        },
    }
    Ok(())
}

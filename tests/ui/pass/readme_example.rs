use feishu::common::UserIdType;
use feishu::performance::v1::TaskOption;

#[tokio::main]
async fn main() -> Result<(), feishu::Error> {
    let Ok(token) = std::env::var("FEISHU_TENANT_ACCESS_TOKEN") else {
        eprintln!("set FEISHU_TENANT_ACCESS_TOKEN to run this example");
        return Ok(());
    };
    let client = feishu::Client::builder().access_token(token).build()?;

    // GET /open-apis/okr/v1/users/:user_id/okrs
    let page = client
        .okr()
        .v1()
        .user_okr()
        .list("ou_7d8a6e6df7621556ce0d21922b676706", 0, 10)
        .user_id_type(UserIdType::OpenId)
        .send()
        .await?;
    for okr in page.okr_list.unwrap_or_default() {
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
        Err(error) if error.code() == Some(1580102) => eprintln!("invalid parameters: {error}"),
        Err(error) => return Err(error),
    }
    Ok(())
}

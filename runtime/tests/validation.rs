//! Constraint checks stop a request before it is sent.

mod mock;

use feishu_runtime::validate::{check_items, check_range};
use feishu_runtime::{Client, Error};
use mock::{FIND_STAGE_TASKS, OkrPage, StageTasks, builder, find_stage_tasks, list_okrs, server};

/// What generated code does: check the spec's constraints, then send.
async fn find_tasks(client: &Client, users: &[&str], options: &[i64]) -> Result<StageTasks, Error> {
    check_items("user_id_lists", &users.to_vec(), 1..=50)?;
    check_items("task_option_lists", &Some(options.to_vec()), ..=3)?;
    client
        .execute(find_stage_tasks(&FIND_STAGE_TASKS, users))
        .await
}

async fn list(client: &Client, limit: i64, period_ids: usize) -> Result<OkrPage, Error> {
    check_range("limit", &limit, 0..=10)?;
    check_items("period_ids", &Some(vec!["id"; period_ids]), ..=10)?;
    client.execute(list_okrs("ou_1", 0, limit)).await
}

#[tokio::test]
async fn violations_name_parameter_value_and_limit_and_send_nothing() {
    let server = server().await;
    let client = builder(&server).build().unwrap();
    let many: Vec<&str> = vec!["u"; 51];
    let cases = [
        (
            find_tasks(&client, &[], &[]).await.map(drop),
            "user_id_lists",
            "0 items",
            "between 1 and 50",
        ),
        (
            find_tasks(&client, &many, &[]).await.map(drop),
            "user_id_lists",
            "51 items",
            "between 1 and 50",
        ),
        (
            find_tasks(&client, &["u"], &[1, 2, 3, 1]).await.map(drop),
            "task_option_lists",
            "4 items",
            "at most 3",
        ),
        (
            list(&client, 11, 0).await.map(drop),
            "limit",
            "11",
            "between 0 and 10",
        ),
        (
            list(&client, -1, 0).await.map(drop),
            "limit",
            "-1",
            "between 0 and 10",
        ),
        (
            list(&client, 5, 11).await.map(drop),
            "period_ids",
            "11 items",
            "at most 10",
        ),
    ];
    for (result, parameter, value, limit) in cases {
        let Err(Error::InvalidRequest(invalid)) = &result else {
            panic!("expected InvalidRequest for {parameter}, got {result:?}");
        };
        assert_eq!(invalid.parameter, parameter);
        assert_eq!(invalid.value, value);
        assert!(invalid.constraint.contains(limit), "{invalid}");
    }
    assert!(server.all_requests().is_empty(), "a request was sent");

    // The limits themselves are accepted.
    list(&client, 10, 10).await.unwrap();
    find_tasks(&client, &vec!["u"; 50], &[1, 2, 3])
        .await
        .unwrap();
}

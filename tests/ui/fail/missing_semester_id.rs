// `semester_id` and `user_id_lists` are both required: passing only the users does not compile.
fn main() {
    let client = feishu::Client::builder().build().unwrap();
    let _request = client
        .performance()
        .v1()
        .stage_task()
        .find_by_user_list(["ou_1"]);
}

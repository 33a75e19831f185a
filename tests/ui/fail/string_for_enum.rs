// `user_id_type` takes the enum, not a free string that could be misspelt.
fn main() {
    let client = feishu::Client::builder().build().unwrap();
    let _request = client
        .okr()
        .v1()
        .user_okr()
        .list("ou_1", 0, 10)
        .user_id_type("open_id");
}

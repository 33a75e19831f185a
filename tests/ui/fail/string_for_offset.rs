// `offset` and `limit` are integers to the caller even though the wire carries text.
fn main() {
    let client = feishu::Client::builder().build().unwrap();
    let _request = client.okr().v1().user_okr().list("ou_1", "0", "10");
}

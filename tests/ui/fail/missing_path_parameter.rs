// The OKR list needs the user's ID: leaving it out does not compile.
fn main() {
    let client = feishu::Client::builder().build().unwrap();
    let _request = client.okr().v1().user_okr().list(0, 10);
}

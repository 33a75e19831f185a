// A download does not page: its request builder has no `items()`.
fn main() {
    let client = feishu::Client::builder().build().unwrap();
    let _items = client.im().v1().image().get("img_v2_xxx").items();
}

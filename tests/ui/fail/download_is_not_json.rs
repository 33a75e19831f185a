// A download's body is a byte stream (`feishu::runtime::Download`), never
// decoded as JSON: asking for JSON data from it does not compile.
async fn fetch(client: &feishu::Client) -> Result<(), feishu::Error> {
    let _data: serde_json::Value = client
        .drive()
        .v1()
        .file()
        .download("boxcnabCdefgabcef")
        .send()
        .await?;
    Ok(())
}

fn main() {
    let _ = fetch;
}

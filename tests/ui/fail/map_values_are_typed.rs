// `{type: map, values: any}` is a map of JSON values keyed by strings: a
// map keyed by numbers does not fit.
use std::collections::BTreeMap;

fn main() {
    let client = feishu::Client::builder().build().unwrap();
    let fields: BTreeMap<u32, feishu::runtime::serde_json::Value> = BTreeMap::new();
    let _request = client
        .bitable()
        .v1()
        .app_table_record()
        .update("app", "tbl", "rec", fields);
}

// Response types are `#[non_exhaustive]` so that new platform fields are not breaking changes.
fn main() {
    let _okr = feishu::okr::v1::OkrBatch {
        id: None,
        permission: None,
        period_id: None,
        name: None,
        objective_list: None,
        confirm_status: None,
    };
}

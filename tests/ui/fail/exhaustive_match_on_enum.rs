// Enums are `#[non_exhaustive]`: code must handle values added later.
use feishu::performance::v1::StageTaskStatus;

fn describe(status: StageTaskStatus) -> &'static str {
    match status {
        StageTaskStatus::NeedTodo => "to do",
        StageTaskStatus::Overdue => "overdue",
        StageTaskStatus::AllDone => "done",
        StageTaskStatus::StagePause => "paused",
        StageTaskStatus::Unknown(_) => "unknown",
    }
}

fn main() {
    println!("{}", describe(StageTaskStatus::AllDone));
}

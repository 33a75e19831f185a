//! The operations both test-support modules declare, as the generator
//! would emit them for the two real endpoints.

use feishu_runtime::{HttpMethod, Operation, RateLimit, TokenType};

pub static LIST_OKRS: Operation = Operation {
    id: "okr.v1.user_okr.list",
    method: HttpMethod::Get,
    path: "/open-apis/okr/v1/users/:user_id/okrs",
    token_types: &[TokenType::Tenant, TokenType::User],
    rate_limits: &[RateLimit::per_minute(100)],
    idempotent: true,
    envelope: feishu_runtime::Envelope::Data,
};

pub static FIND_STAGE_TASKS: Operation = Operation {
    id: "performance.v1.stage_task.find_by_user_list",
    method: HttpMethod::Post,
    path: "/open-apis/performance/v1/stage_tasks/find_by_user_list",
    token_types: &[TokenType::Tenant, TokenType::User],
    rate_limits: &[RateLimit::per_minute(20)],
    idempotent: true,
    envelope: feishu_runtime::Envelope::Data,
};

"""Messages of access control, idempotency, the outbox and human review."""

MESSAGES: dict[str, dict[str, str]] = {
    "api.title.unauthorized": {"zh": "未通过身份验证", "en": "Unauthorized"},
    "api.title.forbidden": {"zh": "无权访问", "en": "Forbidden"},
    "error.unauthenticated": {
        "zh": "身份验证失败：请携带有效的访问令牌（Authorization: Bearer <令牌>）。",
        "en": "Authentication failed: send a valid access token (Authorization: Bearer <token>).",
    },
    "error.forbidden": {
        "zh": "无权执行此操作。",
        "en": "You are not allowed to do this.",
    },
    "access.token.missing": {
        "zh": "缺少访问令牌：请在请求头 Authorization 中提供“Bearer <令牌>”。",
        "en": "Missing access token: send the header 'Authorization: Bearer <token>'.",
    },
    "access.token.scheme": {
        "zh": "请求头 Authorization 应为“Bearer <令牌>”，但它以“{scheme}”开头：请在令牌前加上“Bearer ”。",
        "en": "The Authorization header must be 'Bearer <token>' but starts with '{scheme}': put 'Bearer ' before the token.",
    },
    "access.token.malformed": {
        "zh": "访问令牌格式无效：应为以点分隔的三段 base64url 文本。请重新登录以获取新令牌。",
        "en": "Malformed access token: expected three base64url segments separated by dots. Sign in again to get a new token.",
    },
    "access.token.unsupported_algorithm": {
        "zh": "访问令牌的签名算法“{algorithm}”不受支持：只接受 HS256。",
        "en": "Access token signature algorithm '{algorithm}' is not supported: only HS256 is accepted.",
    },
    "access.token.unknown_key": {
        "zh": "访问令牌的密钥编号“{kid}”未知：该密钥可能已停用，请重新登录以获取新令牌。",
        "en": "Access token key id '{kid}' is unknown: the key may have been retired. Sign in again to get a new token.",
    },
    "access.token.bad_signature": {
        "zh": "访问令牌签名无效：请重新登录以获取新令牌。",
        "en": "Access token signature is invalid: sign in again to get a new token.",
    },
    "access.token.claim_invalid": {
        "zh": "访问令牌的声明“{claim}”缺失或无效。",
        "en": "Access token claim '{claim}' is missing or invalid.",
    },
    "access.token.role_unknown": {
        "zh": "访问令牌中的角色“{role}”未知：可用角色为 {roles}。",
        "en": "Access token role '{role}' is unknown: the roles are {roles}.",
    },
    "access.token.expired": {
        "zh": "访问令牌已过期：请重新登录以获取新令牌。",
        "en": "Access token has expired: sign in again to get a new token.",
    },
    "access.token.not_yet_valid": {
        "zh": "访问令牌的签发时间晚于当前时间：请检查签发方的系统时钟。",
        "en": "Access token is issued in the future: check the issuer's clock.",
    },
    "access.role_required": {
        "zh": "角色“{role}”无权执行此操作：需要以下角色之一：{roles}。",
        "en": "Role '{role}' may not do this; allowed roles: {roles}.",
    },
    "access.idempotency.missing": {
        "zh": "缺少请求头 {header}：每个 POST 请求都须携带一个唯一的幂等键（例如 UUID），重试时使用同一个键。",
        "en": "Missing header {header}: every POST request needs a unique idempotency key (for example a UUID); send the same key when you retry.",
    },
    "access.idempotency.invalid": {
        "zh": "请求头 {header} 无效：应为 1 至 {maximum} 个可打印 ASCII 字符。",
        "en": "Invalid header {header}: use 1 to {maximum} printable ASCII characters.",
    },
    "access.idempotency.reused": {
        "zh": "幂等键已用于另一个请求（{method} {path}，或请求内容不同）：新请求请使用新的 {header}。",
        "en": "This idempotency key was already used for a different request ({method} {path}, or another body): send a new {header} for a new request.",
    },
    "access.idempotency.in_flight": {
        "zh": "使用同一幂等键的请求仍在处理中：请稍后用同一个 {header} 重试。",
        "en": "A request with the same idempotency key is still being processed: retry later with the same {header}.",
    },
    "access.outbox.limit_invalid": {
        "zh": "每页条数 {limit} 无效：应为 1 至 {maximum}。",
        "en": "Page size {limit} is invalid: use 1 to {maximum}.",
    },
    "access.outbox.cursor_invalid": {
        "zh": "发件箱游标“{cursor}”无效：请原样传入接口返回的游标（某页的 next_after 或某条通知的 cursor），或不传，从第一条通知读起。",
        "en": "Invalid outbox cursor '{cursor}': pass a cursor exactly as the API returned it (a page's next_after or a notice's cursor), or leave it out to read from the first notice.",
    },
    "access.outbox.ack_cursor_unknown": {
        "zh": "无法确认游标“{cursor}”：发件箱尚未发出带此游标的通知。请确认已发送的最后一条通知的游标。",
        "en": "Cannot acknowledge cursor '{cursor}': the outbox has delivered no notice with this cursor. Acknowledge the cursor of the last notice you sent.",
    },
    "access.outbox.ack_notice_unknown": {
        "zh": "无法确认通知 {notice_id}：发件箱尚未发出此编号的通知。请确认已发送的最后一条通知的编号。",
        "en": "Cannot acknowledge notice {notice_id}: the outbox has delivered no notice with this id. Acknowledge the id of the last notice you sent.",
    },
    "access.outbox.ack_target_invalid": {
        "zh": "确认请求须且只能包含 cursor 与 notice_id 之一：请传入已发送的最后一条通知的 cursor。",
        "en": "An acknowledgement needs exactly one of cursor and notice_id: send the cursor of the last notice you sent.",
    },
    "kind.adjustment": {"zh": "调额记录", "en": "Adjustment"},
    "kind.customer_request": {"zh": "额度申请", "en": "Limit request"},
    "kind.review_case": {"zh": "复核案件", "en": "Review case"},
    "cases.comment_too_long": {
        "zh": "说明过长（{length} 个字符）：最多 {maximum} 个字符。",
        "en": "Comment is too long ({length} characters): at most {maximum}.",
    },
    "cases.not_automated": {
        "zh": "调额记录“{subject_id}”已是人工决定，不能再申请人工复核。",
        "en": "Adjustment '{subject_id}' is already an officer's decision and cannot be reviewed again.",
    },
    "cases.already_open": {
        "zh": "该决定（“{subject_id}”）已有进行中的人工复核，请等待处理结果。",
        "en": "A human review of decision '{subject_id}' is already open: wait for its outcome.",
    },
    "cases.taken_by_other": {
        "zh": "复核案件“{case_id}”已由 {officer} 处理中。",
        "en": "Review case '{case_id}' is already taken by {officer}.",
    },
    "cases.already_decided": {
        "zh": "复核案件“{case_id}”已有结论。",
        "en": "Review case '{case_id}' is already decided.",
    },
    "cases.not_held": {
        "zh": "复核案件“{case_id}”不在您名下：请先领取该案件再作出决定。",
        "en": "You do not hold review case '{case_id}': take it before you decide it.",
    },
    "cases.new_limit_missing": {
        "zh": "决定为 change 时必须提供新额度 new_limit。",
        "en": "A 'change' decision needs new_limit.",
    },
    "cases.new_limit_with_uphold": {
        "zh": "决定为 uphold 时不能提供新额度 new_limit：维持原决定不改变额度。",
        "en": "An 'uphold' decision takes no new_limit: upholding keeps the limit as it is.",
    },
    "cases.notice.no_comment": {"zh": "无", "en": "none"},
    "cases.notice.uphold.title": {"zh": "人工复核结果：维持原决定", "en": "Human review result: decision upheld"},
    "cases.notice.uphold.body": {
        "zh": "尊敬的客户：您就尾号 {tail} 的账户提出的人工复核已完成，复核人员维持原决定。复核意见：{comment}。",
        "en": "Dear customer, the human review you asked for on your account ending {tail} is complete: the reviewer upheld the decision. Reviewer's comment: {comment}.",
    },
    "cases.notice.change.title": {"zh": "人工复核结果：额度已调整", "en": "Human review result: limit changed"},
    "cases.notice.change.body": {
        "zh": "尊敬的客户：您就尾号 {tail} 的账户提出的人工复核已完成，复核人员调整了您的授信额度，详见额度调整通知。复核意见：{comment}。",
        "en": "Dear customer, the human review you asked for on your account ending {tail} is complete: the reviewer changed your approved limit, as the limit notice shows. Reviewer's comment: {comment}.",
    },
    "cli.help.token": {"zh": "访问令牌（开发和测试用）。", "en": "Access tokens, for development and tests."},
    "cli.help.token_issue": {
        "zh": "用当前签名密钥（CREDITLINE_TOKEN_ACTIVE_KID）签发一个访问令牌并输出。",
        "en": "Sign an access token with the active key (CREDITLINE_TOKEN_ACTIVE_KID) and print it.",
    },
    "cli.help.token_sub": {"zh": "令牌主体：客户编号或员工编号。", "en": "Token subject: the customer id or staff id."},
    "cli.help.token_role": {
        "zh": "角色：customer、officer、auditor、admin 或 service。",
        "en": "Role: customer, officer, auditor, admin or service.",
    },
    "cli.help.token_strong_auth": {
        "zh": "标记为已通过强身份验证（sa 声明为 true）。",
        "en": "Mark the token as strongly authenticated (claim sa = true).",
    },
    "cli.help.token_ttl": {"zh": "有效期，单位为秒。", "en": "Lifetime in seconds."},
    "cli.token.bad_role": {
        "zh": "角色“{role}”无效：可用角色为 {roles}。",
        "en": "Invalid role '{role}': the roles are {roles}.",
    },
    "api.validation.missing": {"zh": "缺少必填项", "en": "Field required"},
    "api.validation.extra_forbidden": {"zh": "不允许的字段：请删除该字段", "en": "Unknown field: remove it"},
    "api.validation.json_invalid": {
        "zh": "请求体不是有效的 JSON：第 {position} 个字符处：{error}",
        "en": "Request body is not valid JSON: {error} at character {position}",
    },
    "api.validation.string_type": {
        "zh": "应为带引号的字符串，收到 {input}；金额也写成字符串，如 \"8000.00\"",
        "en": "Must be a string in quotes, got {input}; amounts are strings too, such as \"8000.00\"",
    },
    "api.validation.int_type": {"zh": "应为整数", "en": "Must be an integer"},
    "api.validation.int_parsing": {"zh": "应为整数", "en": "Must be an integer"},
    "api.validation.int_from_float": {"zh": "应为整数，不能带小数", "en": "Must be a whole number"},
    "api.validation.bool_type": {"zh": "应为 true 或 false", "en": "Must be true or false"},
    "api.validation.bool_parsing": {"zh": "应为 true 或 false", "en": "Must be true or false"},
    "api.validation.greater_than_equal": {"zh": "应大于或等于 {ge}", "en": "Must be greater than or equal to {ge}"},
    "api.validation.greater_than": {"zh": "应大于 {gt}", "en": "Must be greater than {gt}"},
    "api.validation.less_than_equal": {"zh": "应小于或等于 {le}", "en": "Must be less than or equal to {le}"},
    "api.validation.less_than": {"zh": "应小于 {lt}", "en": "Must be less than {lt}"},
    "api.validation.string_too_short": {"zh": "至少 {min_length} 个字符", "en": "Must have at least {min_length} characters"},
    "api.validation.string_too_long": {"zh": "最多 {max_length} 个字符", "en": "Must have at most {max_length} characters"},
    "api.validation.string_pattern_mismatch": {"zh": "格式无效，应符合 {pattern}", "en": "Invalid format: must match {pattern}"},
    "api.validation.literal_error": {"zh": "取值无效，应为 {expected}", "en": "Invalid value: must be {expected}"},
    "api.validation.enum": {"zh": "取值无效，应为 {expected}", "en": "Invalid value: must be {expected}"},
    "api.validation.model_attributes_type": {
        "zh": "应为 JSON 对象，并带请求头 Content-Type: application/json",
        "en": "Must be a JSON object, sent with the header Content-Type: application/json",
    },
    "api.validation.dict_type": {"zh": "应为 JSON 对象", "en": "Must be a JSON object"},
    "api.validation.date_parsing": {"zh": "应为日期，格式 YYYY-MM-DD，如 2026-12-31", "en": "Must be a date as YYYY-MM-DD, such as 2026-12-31"},
    "api.validation.date_from_datetime_parsing": {
        "zh": "应为日期，格式 YYYY-MM-DD，如 2026-12-31",
        "en": "Must be a date as YYYY-MM-DD, such as 2026-12-31",
    },
    "api.validation.date_type": {"zh": "应为日期，格式 YYYY-MM-DD，如 2026-12-31", "en": "Must be a date as YYYY-MM-DD, such as 2026-12-31"},
    "api.validation.list_type": {"zh": "应为 JSON 数组", "en": "Must be a JSON array"},
}

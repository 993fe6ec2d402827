"""Messages of the exception classes in :mod:`creditline.errors`."""

MESSAGES: dict[str, dict[str, str]] = {
    "error.internal": {
        "zh": "内部错误，请联系系统管理员。",
        "en": "Internal error; contact the system administrator.",
    },
    "error.invalid_input": {
        "zh": "输入无效：{detail}",
        "en": "Invalid input: {detail}",
    },
    "error.invalid_amount": {
        "zh": "金额“{value}”无效：请使用不带符号和千位分隔符、最多两位小数的阿拉伯数字，例如 8000 或 8000.50。",
        "en": "Invalid amount '{value}': use plain digits with at most two decimals and no sign or separators, for example 8000 or 8000.50.",
    },
    "error.amount_too_large": {
        "zh": "金额“{value}”超出可处理范围（最大 {maximum}）。",
        "en": "Amount '{value}' is out of range (maximum {maximum}).",
    },
    "error.currency_mismatch": {
        "zh": "币种不一致：{left} 与 {right} 不能直接运算。",
        "en": "Currency mismatch: {left} and {right} cannot be combined.",
    },
    "error.unknown_currency": {
        "zh": "未知币种“{value}”：请使用 ISO 4217 代码，例如 CNY 或 TWD。",
        "en": "Unknown currency '{value}': use an ISO 4217 code such as CNY or TWD.",
    },
    "error.policy_invalid": {
        "zh": "额度策略文件 {path} 无效：{detail}",
        "en": "Limit policy file {path} is invalid: {detail}",
    },
    "error.import_rejected": {
        "zh": "导入被拒绝：发现 {count} 处问题，数据库未做任何修改。",
        "en": "Import rejected; problems found: {count}. The database was not changed.",
    },
    "error.not_found": {
        "zh": "未找到{kind}“{ident}”。",
        "en": "{kind} '{ident}' not found.",
    },
    "error.conflict": {
        "zh": "操作与当前状态冲突：{detail}",
        "en": "The request conflicts with the current state: {detail}",
    },
    "error.stale_version": {
        "zh": "额度账户 {account_id} 已被其他操作修改（当前版本 {actual}，请求基于版本 {expected}），请重新读取后再试。",
        "en": "Credit line {account_id} was changed by another operation (version {actual}, request based on {expected}); read it again and retry.",
    },
    "error.policy_violation": {
        "zh": "不符合额度策略：{detail}",
        "en": "Limit policy violation: {detail}",
    },
    "error.model_not_ready": {
        "zh": "尚无可用的风险模型：请先运行 creditline model train。",
        "en": "No risk model is available: run 'creditline model train' first.",
    },
    "error.ledger_integrity": {
        "zh": "账本校验失败：{detail}",
        "en": "Ledger verification failed: {detail}",
    },
}

"""Messages of the HTTP API."""

MESSAGES: dict[str, dict[str, str]] = {
    "api.title.not_found": {"zh": "未找到", "en": "Not found"},
    "api.title.invalid": {"zh": "请求无效", "en": "Invalid request"},
    "api.title.conflict": {"zh": "状态冲突", "en": "Conflict"},
    "api.title.internal": {"zh": "内部错误", "en": "Internal error"},
    "api.title.policy": {"zh": "不符合额度策略", "en": "Limit policy violation"},
    "api.title.unavailable": {"zh": "暂时无法处理", "en": "Service unavailable"},
    "api.error.route_not_found": {"zh": "接口 {path} 不存在：请查看 /docs 中的接口列表。", "en": "No endpoint at {path}: see /docs for the list of endpoints."},
    "api.error.validation": {"zh": "参数 {location} 无效：{problem}", "en": "Parameter {location} is invalid: {problem}"},
    "api.error.unexpected": {
        "zh": "服务器内部错误，请求编号 {request_id}：请稍后重试，如仍失败请把请求编号告知运维人员。",
        "en": "Internal server error, request id {request_id}: retry later, and if it fails again give the request id to operations.",
    },
    "api.error.not_committed": {
        "zh": "请求未能保存，没有任何变更生效：请用同一个 Idempotency-Key 重试。",
        "en": "The request could not be saved and nothing was changed: retry with the same Idempotency-Key.",
    },
    "api.error.method_not_allowed": {"zh": "接口 {path} 不支持 {method} 方法。", "en": "{path} does not accept {method}."},
}

"""Messages of risk actions sent by the lender's risk systems."""

MESSAGES: dict[str, dict[str, str]] = {
    "risk.error.action_unknown": {
        "zh": "风险措施“{action}”无效：可选 reduce（降额）、freeze（冻结）或 unfreeze（解冻）。",
        "en": "Risk action '{action}' is unknown: use reduce, freeze or unfreeze.",
    },
    "risk.error.new_limit_missing": {
        "zh": "风险降额须提供 new_limit：不小于 0 的金额字符串，如 \"12000.00\"。",
        "en": "A risk reduction needs new_limit: an amount of zero or more as a string, such as \"12000.00\".",
    },
    "risk.error.reason_codes": {
        "zh": "风险原因码 {codes} 无效：请至少提供一个，且只用 {allowed}。",
        "en": "Risk reason codes {codes} are not valid: give at least one, from {allowed}.",
    },
}

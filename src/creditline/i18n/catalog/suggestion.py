"""Limit-suggestion texts: the suggested range, its explanation and the accept errors."""

MESSAGES: dict[str, dict[str, str]] = {
    "kind.suggestion": {"zh": "额度建议", "en": "limit suggestion"},
    "suggestion.summary.increase": {
        "zh": "根据您近 {months} 个月的账单和还款，建议将授信额度由 {current} {currency}提升至 {low}–{high} {currency}。",
        "en": "From your bills and repayments of the last {months} months, we suggest raising your approved limit from {current} {currency} to between {low} and {high} {currency}.",
    },
    "suggestion.summary.decrease": {
        "zh": "根据您近 {months} 个月的账单和还款，您可以考虑将授信额度由 {current} {currency}降至 {low}–{high} {currency}。",
        "en": "From your bills and repayments of the last {months} months, you could lower your approved limit from {current} {currency} to between {low} and {high} {currency}.",
    },
    "suggestion.summary.keep": {
        "zh": "根据您近 {months} 个月的账单和还款，建议维持当前授信额度 {current} {currency}。",
        "en": "From your bills and repayments of the last {months} months, we suggest keeping your approved limit of {current} {currency}.",
    },
    "suggestion.figures": {
        "zh": "所用数字：近期最高账单 {peak} {currency}，月均还款 {paid} {currency}，当前已用额度 {outstanding} {currency}，预计下月额度使用率约 {utilisation}%。",
        "en": "Figures used: highest recent bill {peak} {currency}, mean monthly repayment {paid} {currency}, balance owed now {outstanding} {currency}, expected use of the limit next month about {utilisation}%.",
    },
    "suggestion.reasons": {"zh": "原因：{reasons}。", "en": "Reasons: {reasons}."},
    "suggestion.data_used": {"zh": "本建议使用的数据：{sources}。", "en": "Data used for this suggestion: {sources}."},
    "suggestion.source.statements": {"zh": "您的月度账单与还款记录", "en": "your monthly bills and repayments"},
    "suggestion.source.model": {"zh": "额度使用率预测模型", "en": "the model forecasting use of the limit"},
    "suggestion.source.profile": {"zh": "出生年份", "en": "your year of birth"},
    "suggestion.source.income": {"zh": "经您授权的收入信息", "en": "your income, with your consent"},
    "suggestion.source.bureau": {"zh": "经您授权的征信报告", "en": "your credit bureau report, with your consent"},
    "suggestion.source.flags": {"zh": "客户身份备注（如在校学生）", "en": "notes on your circumstances (such as being a student)"},
    "suggestion.error.monthly_limit": {
        "zh": "本月已为您的账户 {account_id} 生成过额度建议，每位客户每个自然月可获取一次；请于 {next_date} 起再试。",
        "en": "A limit suggestion was already made this month for your account {account_id}; each customer can have one per calendar month. Try again from {next_date}.",
    },
    "suggestion.error.none_this_month": {
        "zh": "账户 {account_id} 本月还没有额度建议；请先查看额度建议再接受。",
        "en": "Account {account_id} has no limit suggestion this month; view the suggestion before accepting it.",
    },
    "suggestion.error.keep": {
        "zh": "本月的建议是维持当前额度，无需申请调整。",
        "en": "This month's suggestion is to keep your current limit, so there is nothing to request.",
    },
    "suggestion.error.out_of_range": {
        "zh": "所选额度 {amount} 不在建议范围 {low}–{high} 内；请在该范围内选择。",
        "en": "The chosen limit {amount} is outside the suggested range {low} to {high}; choose a limit within it.",
    },
    "suggestion.error.already_accepted": {
        "zh": "该额度建议已于 {when} 接受，不能重复接受。",
        "en": "This limit suggestion was already accepted at {when} and cannot be accepted again.",
    },
    "suggestion.error.request_unavailable": {
        "zh": "暂时无法通过额度建议提交申请；请在额度页面直接申请调整。",
        "en": "Requests from a limit suggestion are not available yet; request the change on the limit page instead.",
    },
}

"""Messages of customer self-service: request errors and the notices each change writes."""

MESSAGES: dict[str, dict[str, str]] = {
    "kind.offer": {"zh": "提额邀请", "en": "Offer"},
    "kind.income_declaration": {"zh": "收入申报", "en": "Income declaration"},
    "kind.customer": {"zh": "客户", "en": "Customer"},
    # Request errors.
    "customer.error.not_a_decrease": {
        "zh": "新额度 {requested} 不低于当前授信额度 {current}：降额请填写更低的金额，提额请使用提额申请。",
        "en": "The new limit {requested} is not below the current approved limit {current}: enter a lower amount, or ask for an increase instead.",
    },
    "customer.error.decrease_too_low": {
        "zh": "新额度 {requested} 低于可降至的最低额度 {lowest}（不低于已用额度并按步长向上取整，且不低于产品最低额度）。请填写 {lowest} 或以上的金额。",
        "en": "The new limit {requested} is below the lowest allowed limit {lowest} (the balance owed rounded up to the step, and at least the product minimum). Enter {lowest} or more.",
    },
    "customer.error.not_an_increase": {
        "zh": "申请额度 {requested} 不高于当前授信额度 {current}：提额请填写更高的金额，降额请使用降额申请。",
        "en": "The requested limit {requested} is not above the current approved limit {current}: enter a higher amount, or ask for a decrease instead.",
    },
    "customer.error.not_on_step": {
        "zh": "申请额度 {requested} 不是 {step} 的整数倍：请按 {step} 的整数倍填写。",
        "en": "The requested limit {requested} is not a multiple of {step}: enter a multiple of {step}.",
    },
    "customer.error.temporary_active": {
        "zh": "临时额度有效期间不能调整授信额度：请在临时额度到期后再申请。",
        "en": "The approved limit cannot change while a temporary limit is in force: ask again after it expires.",
    },
    "customer.error.monthly_limit": {
        "zh": "本月已主动调整过额度（每个自然月最多 {count} 次）：请从 {next_day} 起再申请提额。",
        "en": "You already changed your limit this month (at most {count} per calendar month): ask for an increase from {next_day}.",
    },
    "customer.error.cooling_off": {
        "zh": "您最近主动降低了额度，冷静期内不受理提额：请从 {next_day} 起再申请。",
        "en": "You lowered your limit recently, and increases wait out a cooling-off period: ask again from {next_day}.",
    },
    "customer.error.temporary_amount": {
        "zh": "临时额度 {requested} 无效：应大于 0 且不超过 {largest}。",
        "en": "The temporary limit {requested} is invalid: it must be above 0 and at most {largest}.",
    },
    "customer.error.temporary_expiry": {
        "zh": "临时额度到期日 {expires_on} 无效：应晚于今天且不晚于 {latest}。",
        "en": "The temporary limit's expiry {expires_on} is invalid: it must be after today and no later than {latest}.",
    },
    "customer.error.temporary_exists": {
        "zh": "已有一笔临时额度在 {expires_at} 前有效：到期后才能再申请。",
        "en": "A temporary limit is already in force until {expires_at}: ask again after it expires.",
    },
    "customer.error.temporary_blocked": {
        "zh": "暂不能设立临时额度。原因：{reasons}。",
        "en": "A temporary limit cannot be set now. Reasons: {reasons}.",
    },
    "customer.error.already_frozen": {
        "zh": "额度已由您冻结，无需再次冻结。",
        "en": "You have already frozen this line.",
    },
    "customer.error.not_frozen": {
        "zh": "额度未被您冻结，无需解除。",
        "en": "You have not frozen this line, so there is nothing to unfreeze.",
    },
    "customer.error.risk_frozen_only": {
        "zh": "额度已被我们风控冻结，并非您本人冻结，您无法自行解除；风控冻结只能由我们解除，如有疑问请联系我们。",
        "en": "This line has a risk freeze placed by the lender, not a freeze of your own, so you cannot unfreeze it. Only the lender can lift a risk freeze; contact us with any questions.",
    },
    "customer.error.unfreeze_pending": {
        "zh": "解除冻结已在处理，将于 {effective_at} 生效。",
        "en": "Your unfreeze is already scheduled and takes effect at {effective_at}.",
    },
    "customer.error.cap_not_below_limit": {
        "zh": "自设上限 {cap} 应低于授信额度 {approved}。如不需要上限，请取消自设上限。",
        "en": "Your cap {cap} must be below the approved limit {approved}. To have no cap, remove it instead.",
    },
    "customer.error.cap_unchanged": {
        "zh": "自设上限已是 {cap}，未作改动。",
        "en": "Your cap is already {cap}; nothing changed.",
    },
    "customer.error.no_cap": {
        "zh": "您没有设置自设上限，无需取消。",
        "en": "You have no cap set, so there is nothing to remove.",
    },
    "customer.error.offer_closed": {
        "zh": "提额邀请 {offer_id} 已{status}，不能再接受。",
        "en": "Offer {offer_id} is {status} and can no longer be accepted.",
    },
    "customer.error.offer_stale": {
        "zh": "提额邀请 {offer_id} 发出后额度已变化（当时 {old}，现在 {current}），不能再接受。",
        "en": "Offer {offer_id} no longer fits your line: the limit was {old} when it was made and is {current} now.",
    },
    "customer.error.offer_blocked": {
        "zh": "暂不能接受提额邀请。原因：{reasons}。",
        "en": "The offer cannot be accepted now. Reasons: {reasons}.",
    },
    "customer.status.expired": {"zh": "过期", "en": "expired"},
    "customer.status.accepted": {"zh": "被接受", "en": "accepted"},
    "customer.status.replaced": {"zh": "被新的提额邀请取代", "en": "replaced by a newer offer"},
    "customer.error.consent_category": {
        "zh": "授权类别“{category}”无效：可选 {allowed}。",
        "en": "Consent category '{category}' is invalid: choose one of {allowed}.",
    },
    "customer.error.consent_purpose": {
        "zh": "请说明授权用途（1 到 200 个字符）。",
        "en": "State the purpose of the consent (1 to 200 characters).",
    },
    "customer.error.consent_not_active": {
        "zh": "您没有有效的“{category}”授权，无需撤回。",
        "en": "You have no active '{category}' consent to withdraw.",
    },
    "customer.error.evidence_ref": {
        "zh": "请提供收入证明的编号（1 到 200 个字符）。",
        "en": "Give the reference of your income evidence (1 to 200 characters).",
    },
    "customer.error.income_reviewed": {
        "zh": "收入申报 {declaration_id} 已是“{status}”状态，不能再次审核。",
        "en": "Income declaration {declaration_id} is already '{status}' and cannot be reviewed again.",
    },
    "customer.error.flag_unknown": {
        "zh": "客户标记“{flag}”无效：可选 {allowed}。",
        "en": "Customer flag '{flag}' is invalid: choose one of {allowed}.",
    },
    "customer.error.strong_auth": {
        "zh": "{action}需要强认证：请完成强认证（如人脸或短信验证）后重试。",
        "en": "Strong authentication is needed for {action}: complete it (for example a face or SMS check) and try again.",
    },
    "customer.action.decrease": {"zh": "降低额度", "en": "lowering the limit"},
    "customer.action.increase": {"zh": "申请提额", "en": "asking for a higher limit"},
    "customer.action.temporary_limit": {"zh": "申请临时额度", "en": "asking for a temporary limit"},
    "customer.action.freeze": {"zh": "冻结额度", "en": "freezing the line"},
    "customer.action.unfreeze": {"zh": "解除冻结", "en": "lifting the freeze"},
    "customer.action.cap_raise": {"zh": "提高自设上限", "en": "raising your own cap"},
    "customer.action.cap_lower": {"zh": "降低自设上限", "en": "lowering your own cap"},
    "customer.action.cap_remove": {"zh": "取消自设上限", "en": "removing your own cap"},
    "customer.action.alert": {"zh": "设置超额提醒", "en": "setting the over-spend alert"},
    "customer.action.preference": {"zh": "更改提额偏好", "en": "changing the increase preference"},
    "customer.action.offer_accept": {"zh": "接受提额邀请", "en": "accepting an increase offer"},
    "customer.error.policy_currency": {
        "zh": "额度账户 {account_id} 的币种是 {line_currency}，而当前生效的额度策略 {policy} 适用于 {policy_currency}，无法处理该请求。运维人员请将 CREDITLINE_POLICY_PATH 设为 {line_currency} 的策略文件，或用 creditline serve --policy 指定。",
        "en": "Line {account_id} is in {line_currency}, but the limit policy in force ({policy}) is for {policy_currency}, so the request cannot be decided. Operators: set CREDITLINE_POLICY_PATH to a {line_currency} policy file, or start the server with creditline serve --policy.",
    },
    "customer.error.preference": {
        "zh": "提额偏好“{value}”无效：可选 {allowed}。",
        "en": "Increase preference '{value}' is invalid: choose one of {allowed}.",
    },
    "customer.error.officer_decision": {
        "zh": "人工决定无效：新额度 {value} 不能为负，原因代码须在目录中（未知代码：{codes}）。",
        "en": "Invalid officer decision: the new limit {value} must not be negative and reason codes must be in the catalogue (unknown: {codes}).",
    },
    "customer.error.officer_unchanged": {
        "zh": "新额度 {value} 与当前授信额度相同：无需调整。",
        "en": "The new limit {value} equals the current approved limit: nothing to change.",
    },
    "customer.error.own_lines_only": {
        "zh": "只能查看或操作您本人的信息。",
        "en": "You can only see or change your own records.",
    },
    # Notices, one title and body per change. Amounts arrive formatted with the currency name.
    "notice.customer_decrease.title": {"zh": "您的信用额度已降低", "en": "Your credit limit has been lowered"},
    "notice.customer_decrease.body": {
        "zh": "尊敬的客户：应您的申请，您尾号 {tail} 的账户授信额度已由 {old} {currency}调整为 {new} {currency}，即时生效，当前可用额度 {available} {currency}。",
        "en": "Dear customer, at your request the approved limit of your account ending {tail} has been lowered from {old} {currency} to {new} {currency}, effective now. Available credit: {available} {currency}.",
    },
    "notice.customer_increase.title": {"zh": "您的提额申请已批准", "en": "Your limit increase is approved"},
    "notice.customer_increase.body": {
        "zh": "尊敬的客户：您尾号 {tail} 的账户申请将额度提升至 {requested} {currency}，已批准为 {new} {currency}（原额度 {old} {currency}）。原因：{reasons}。",
        "en": "Dear customer, you asked to raise the limit of your account ending {tail} to {requested} {currency}; it is now {new} {currency} (was {old} {currency}). Reasons: {reasons}.",
    },
    "notice.increase_declined.title": {"zh": "您的提额申请未获批准", "en": "Your limit increase was declined"},
    "notice.increase_declined.body": {
        "zh": "尊敬的客户：您尾号 {tail} 的账户申请将额度提升至 {requested} {currency}，暂未获批准，额度仍为 {old} {currency}。原因：{reasons}。如有异议，可在额度页面申请人工复核。",
        "en": "Dear customer, your request to raise the limit of your account ending {tail} to {requested} {currency} was declined; it stays at {old} {currency}. Reasons: {reasons}. If you disagree, ask for a human review on the limit page.",
    },
    "notice.temporary_limit.title": {"zh": "临时额度已生效", "en": "Your temporary limit is in force"},
    "notice.temporary_limit.body": {
        "zh": "尊敬的客户：您尾号 {tail} 的账户获得临时额度 {amount} {currency}，有效至 {until}（含当日）。到期后自动失效，无需操作。",
        "en": "Dear customer, your account ending {tail} has a temporary limit of {amount} {currency}, valid through {until}. It ends by itself; you need do nothing.",
    },
    "notice.customer_freeze.title": {"zh": "您已冻结额度", "en": "You froze your credit line"},
    "notice.customer_freeze.body": {
        "zh": "尊敬的客户：应您的申请，您尾号 {tail} 的账户额度已冻结，即时生效，冻结期间不能新增用款。已用额度按原约定还款。",
        "en": "Dear customer, at your request your account ending {tail} is frozen, effective now: no new drawing is possible. Your balance stays payable on its original terms.",
    },
    "notice.customer_unfreeze.title": {"zh": "额度将解除冻结", "en": "Your credit line will be unfrozen"},
    "notice.customer_unfreeze.body": {
        "zh": "尊敬的客户：您尾号 {tail} 的账户已申请解除冻结，经过冷静期后于 {effective_at} 生效。如非本人操作，请在此之前重新冻结并联系我们。",
        "en": "Dear customer, you asked to unfreeze your account ending {tail}; after the cooling-off period it takes effect at {effective_at}. If this was not you, freeze it again before then and contact us.",
    },
    "notice.cap_set.title": {"zh": "自设上限已生效", "en": "Your own cap is in force"},
    "notice.cap_set.body": {
        "zh": "尊敬的客户：您尾号 {tail} 的账户自设上限为 {cap} {currency}，即时生效。",
        "en": "Dear customer, your account ending {tail} now has your own cap of {cap} {currency}, effective now.",
    },
    "notice.cap_raise.title": {"zh": "自设上限将调高", "en": "Your own cap will go up"},
    "notice.cap_raise.body": {
        "zh": "尊敬的客户：您尾号 {tail} 的账户自设上限将由 {old} {currency}调高为 {cap} {currency}，经过冷静期后于 {effective_at} 生效。如非本人操作，请及时重新设置并联系我们。",
        "en": "Dear customer, your own cap on the account ending {tail} goes from {old} {currency} to {cap} {currency} after the cooling-off period, at {effective_at}. If this was not you, set it again and contact us.",
    },
    "notice.cap_remove.title": {"zh": "自设上限将取消", "en": "Your own cap will be removed"},
    "notice.cap_remove.body": {
        "zh": "尊敬的客户：您尾号 {tail} 的账户自设上限 {old} {currency}将在冷静期后于 {effective_at} 取消。如非本人操作，请及时重新设置并联系我们。",
        "en": "Dear customer, your own cap of {old} {currency} on the account ending {tail} is removed after the cooling-off period, at {effective_at}. If this was not you, set it again and contact us.",
    },
    "notice.alert_set.title": {"zh": "超额提醒已设置", "en": "Over-spend alert set"},
    "notice.alert_set.body": {
        "zh": "尊敬的客户：您尾号 {tail} 的账户已用额度超过 {threshold} {currency}时，我们会提醒您。",
        "en": "Dear customer, we will alert you when the balance of your account ending {tail} goes above {threshold} {currency}.",
    },
    "notice.alert_cleared.title": {"zh": "超额提醒已关闭", "en": "Over-spend alert turned off"},
    "notice.alert_cleared.body": {
        "zh": "尊敬的客户：您尾号 {tail} 的账户已关闭超额提醒。",
        "en": "Dear customer, the over-spend alert of your account ending {tail} is off.",
    },
    "notice.overspend_alert.title": {"zh": "超额提醒", "en": "Over-spend alert"},
    "notice.overspend_alert.body": {
        "zh": "尊敬的客户：您尾号 {tail} 的账户已用额度为 {outstanding} {currency}，已超过您设置的提醒金额 {threshold} {currency}。当前可用额度 {available} {currency}。",
        "en": "Dear customer, the balance of your account ending {tail} is {outstanding} {currency}, above the alert amount you set, {threshold} {currency}. Available credit: {available} {currency}.",
    },
    "notice.preference.title": {"zh": "提额偏好已更新", "en": "Increase preference updated"},
    "notice.preference.body": {
        "zh": "尊敬的客户：您尾号 {tail} 的账户主动提额偏好已改为：{preference}。",
        "en": "Dear customer, the unsolicited-increase preference of your account ending {tail} is now: {preference}.",
    },
    "preference.auto": {"zh": "自动提额", "en": "raise automatically"},
    "preference.ask": {"zh": "提额前先询问我", "en": "ask me first"},
    "preference.never": {"zh": "不接受主动提额", "en": "never raise unasked"},
    "notice.offer_accepted.title": {"zh": "您已接受提额邀请", "en": "You accepted a limit offer"},
    "notice.offer_accepted.body": {
        "zh": "尊敬的客户：您尾号 {tail} 的账户授信额度已由 {old} {currency}提升至 {new} {currency}，即时生效。原因：{reasons}。",
        "en": "Dear customer, the approved limit of your account ending {tail} has been raised from {old} {currency} to {new} {currency}, effective now. Reasons: {reasons}.",
    },
    "notice.officer_adjustment.title": {"zh": "人工复核结果：额度已调整", "en": "Human review: your limit has changed"},
    "notice.officer_adjustment.body": {
        "zh": "尊敬的客户：经人工复核，您尾号 {tail} 的账户授信额度已由 {old} {currency}调整为 {new} {currency}，自 {when} 起生效。原因：{reasons}。",
        "en": "Dear customer, after a human review the approved limit of your account ending {tail} has changed from {old} {currency} to {new} {currency}, effective {when}. Reasons: {reasons}.",
    },
}

"""Customer notice texts. Amounts arrive formatted, with the currency's name."""

MESSAGES: dict[str, dict[str, str]] = {
    "currency.CNY": {"zh": "元", "en": "CNY"},
    "currency.TWD": {"zh": "新台币", "en": "TWD"},
    "currency.HKD": {"zh": "港元", "en": "HKD"},
    "currency.MOP": {"zh": "澳门元", "en": "MOP"},
    "currency.USD": {"zh": "美元", "en": "USD"},
    "notice.reason_separator": {"zh": "；", "en": "; "},
    "notice.increase.title": {"zh": "您的信用额度已提升", "en": "Your credit limit has been raised"},
    "notice.increase.body": {
        "zh": "尊敬的客户：经定期评估，您尾号 {tail} 的账户授信额度已由 {old} {currency}调整为 {new} {currency}，自 {when} 起生效。原因：{reasons}。如您不希望接受主动提额，可随时在额度页面调整偏好或申请降额。",
        "en": "Dear customer, after our periodic review the approved limit of your account ending {tail} has been raised from {old} {currency} to {new} {currency}, effective {when}. Reasons: {reasons}. If you do not want unsolicited increases, change your preference or lower your limit on the limit page at any time.",
    },
    "notice.decrease.title": {"zh": "您的信用额度已调整", "en": "Your credit limit has been changed"},
    "notice.decrease.body": {
        "zh": "尊敬的客户：经定期评估，您尾号 {tail} 的账户授信额度已由 {old} {currency}调整为 {new} {currency}，自 {when} 起生效。原因：{reasons}。已用额度按原约定继续还款。如对本次调整有异议，可在额度页面申请人工复核。",
        "en": "Dear customer, after our periodic review the approved limit of your account ending {tail} has been changed from {old} {currency} to {new} {currency}, effective {when}. Reasons: {reasons}. Your balance stays payable on its original terms. If you disagree, ask for a human review on the limit page.",
    },
    "notice.offer.title": {"zh": "您有一份提额邀请", "en": "You have a credit limit offer"},
    "notice.offer.body": {
        "zh": "尊敬的客户：根据您的选择，我们在提额前先征得您的同意。您尾号 {tail} 的账户可将授信额度由 {old} {currency}提升至 {new} {currency}。原因：{reasons}。如需接受，请在额度页面确认；不操作则额度保持不变。",
        "en": "Dear customer, as you asked, we check with you before any increase. The approved limit of your account ending {tail} can go from {old} {currency} to {new} {currency}. Reasons: {reasons}. To accept, confirm on the limit page; if you do nothing, your limit stays as it is.",
    },
}

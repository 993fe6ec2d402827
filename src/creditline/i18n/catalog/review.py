"""Messages of the periodic review: batch states and approval rules."""

MESSAGES: dict[str, dict[str, str]] = {
    "kind.batch": {"zh": "调额批次", "en": "Review batch"},
    "kind.line": {"zh": "额度账户", "en": "Credit line"},
    "kind.model": {"zh": "模型", "en": "Model"},
    "review.error.wrong_status": {
        "zh": "批次 {batch_id} 当前状态为“{status}”，此操作要求状态为 {expected}。",
        "en": "Batch {batch_id} is '{status}'; this step needs it to be {expected}.",
    },
    "review.error.same_approver": {
        "zh": "批次 {batch_id} 由 {name} 提交，须由另一位审批人批准（额度策略要求提交人与审批人不同）。",
        "en": "Batch {batch_id} was proposed by {name}; another officer must approve it (the limit policy requires a different approver).",
    },
    "review.error.empty_name": {
        "zh": "审批人姓名不能为空：请用 --by 指定。",
        "en": "Approver name is empty: pass it with --by.",
    },
    "review.error.no_lines": {
        "zh": "没有可评估的额度账户：请先用 creditline import 导入数据。",
        "en": "There are no credit lines to review: import data first with 'creditline import'.",
    },
    "review.error.nothing_evaluated": {
        "zh": "策略未能评估 {count} 个额度账户中的任何一个，未生成批次。最常见的原因：{cause}",
        "en": "The policy could not evaluate any of the {count} lines, so no batch was proposed. Most common cause: {cause}",
    },
    "review.error.stale_item": {
        "zh": "额度账户在批次生成后已变更（版本 {expected} → {actual}），本条未执行。",
        "en": "The line changed after the batch was proposed (version {expected} -> {actual}); this item was skipped.",
    },
}

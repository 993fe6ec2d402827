"""Messages of ledger verification."""

MESSAGES: dict[str, dict[str, str]] = {
    "ledger.fault.sequence_gap": {
        "zh": "序号不连续：应为 {expected}，实际为 {found}（有事件被删除或插入）",
        "en": "sequence gap: expected {expected}, found {found} (an event was deleted or inserted)",
    },
    "ledger.fault.sequence_order": {
        "zh": "序号顺序错误：应为 {expected}，实际为 {found}（事件被重排或重复插入）",
        "en": "sequence out of order: expected {expected}, found {found} (events reordered or duplicated)",
    },
    "ledger.fault.broken_link": {
        "zh": "前序哈希与上一事件不符（事件被删除、插入或重排）",
        "en": "previous-hash link does not match the preceding event (an event was deleted, inserted or reordered)",
    },
    "ledger.fault.hash_mismatch": {
        "zh": "事件内容与其哈希不符（事件被篡改）",
        "en": "event content does not match its hash (the event was edited)",
    },
    "ledger.fault.head_mismatch": {
        "zh": "账户记录的最新序号为 {expected}，账本中为 {found}（最新事件被删除或追加）",
        "en": "the line records head sequence {expected} but the ledger ends at {found} (newest events deleted or appended)",
    },
    "ledger.fault.replay_failed": {
        "zh": "事件无法回放：{error}",
        "en": "events cannot be replayed: {error}",
    },
    "ledger.fault.state_mismatch": {
        "zh": "回放结果与账户当前状态不符：字段 {field} 存储值为 {stored}，回放值为 {replayed}",
        "en": "replayed state differs from the stored line: field {field} is {stored}, replay gives {replayed}",
    },
    "ledger.fault.orphan_stream": {
        "zh": "账本中有事件，但不存在对应的额度账户",
        "en": "ledger events exist for a line that does not exist",
    },
    "ledger.fault.missing_stream": {
        "zh": "额度账户在账本中没有任何事件",
        "en": "the credit line has no ledger events",
    },
}

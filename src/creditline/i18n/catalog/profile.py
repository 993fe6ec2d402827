"""Messages of the profile area (feature building from accounts and statements)."""

MESSAGES: dict[str, dict[str, str]] = {
    "profile.missing_columns": {
        "zh": "{table} 表缺少列：{columns}。请按数据规范补齐这些列后重试。",
        "en": "Table {table} is missing columns: {columns}. Add them as the data contract describes and retry.",
    },
    "profile.wrong_column_type": {
        "zh": "{table}.{column} 的类型是 {dtype}，应为 {expected}。金额须为以分为单位的整数，请先用导入功能转换。",
        "en": "Column {table}.{column} has type {dtype}, expected {expected}. Amounts must be integers in minor units; convert them with the importer first.",
    },
    "profile.duplicate_keys": {
        "zh": "{table} 表中有 {count} 行的主键（{key}）重复，例如 {example}。每个主键只能保留一行。",
        "en": "Table {table} has {count} rows with a duplicate key ({key}), for example {example}; keep one row per key.",
    },
    "profile.no_as_of_month": {
        "zh": "无法确定观察月：账单表为空。请传入 as_of_month。",
        "en": "Cannot choose the as-of month because the statements table is empty; pass as_of_month.",
    },
    "profile.invalid_window": {
        "zh": "观察窗月数 window_months 必须是不小于 1 的整数，收到的是 {value}。",
        "en": "window_months must be a whole number of at least 1, got {value}.",
    },
}

"""Messages of the challenger model and of the HTML validation report."""

MESSAGES: dict[str, dict[str, str]] = {
    # Challenger model.
    "challenger.setting_invalid": {
        "zh": "挑战者模型参数 {name} 无效：取值应为 {allowed}，实际为 {value}。",
        "en": "Challenger setting {name} is invalid: expected {allowed}, got {value}.",
    },
    "challenger.setting_unknown": {
        "zh": "挑战者模型参数中有未知项：{names}。可用参数：{known}。",
        "en": "Unknown challenger settings: {names}. Known settings: {known}.",
    },
    "challenger.trend_invalid": {
        "zh": "特征 {feature} 的风险趋势 {value} 无效：可选 {allowed}。",
        "en": "Risk trend {value} of feature {feature} is invalid: use one of {allowed}.",
    },
    "challenger.no_features": {
        "zh": "挑战者模型没有输入特征：请至少指定一个数值特征。",
        "en": "The challenger has no input features; name at least one numeric feature.",
    },
    "challenger.features_duplicated": {
        "zh": "特征列表中有重复的名称：{names}。每个特征只能列出一次。",
        "en": "The feature list names {names} more than once; list each feature once.",
    },
    "challenger.columns_missing": {
        "zh": "数据缺少模型 {model_version} 所需的列：{columns}。",
        "en": "The data lacks columns that model {model_version} needs: {columns}.",
    },
    "challenger.feature_not_numeric": {
        "zh": "特征 {feature} 的类型为 {dtype}，挑战者模型需要数值类型。",
        "en": "Feature {feature} has dtype {dtype}; the challenger needs a numeric column.",
    },
    "challenger.target_not_binary": {
        "zh": "目标列 {column} 只能取 0（好）或 1（坏），且不能为空；发现：{values}。",
        "en": "Target column {column} must hold only 0 (good) or 1 (bad) and no nulls; found {values}.",
    },
    "challenger.target_single_class": {
        "zh": "目标列 {column} 只有一类样本（坏 {bads} 个，好 {goods} 个）：训练需要好坏两类样本。",
        "en": "Target column {column} has one class only ({bads} bads, {goods} goods); training needs both classes.",
    },
    "challenger.created_at_naive": {
        "zh": "模型创建时间 {value} 缺少时区：请传入带时区的时间，例如 datetime.now(UTC)。",
        "en": "Model creation time {value} has no time zone; pass an aware datetime such as datetime.now(UTC).",
    },
    "challenger.lightgbm_missing": {
        "zh": "挑战者模型需要 LightGBM：请安装 train 附加依赖，例如 pip install 'creditline[train]'。",
        "en": "The challenger model needs LightGBM; install the train extra, e.g. pip install 'creditline[train]'.",
    },
    "challenger.artifact_not_json": {
        "zh": "挑战者模型文件不是有效的 JSON：{detail}",
        "en": "The challenger artifact is not valid JSON: {detail}",
    },
    "challenger.artifact_format": {
        "zh": "不是挑战者模型文件：format 为 {found}，应为 {expected}。",
        "en": "Not a challenger artifact: format is {found}, expected {expected}.",
    },
    "challenger.artifact_version": {
        "zh": "挑战者模型文件的 format_version {found} 不受支持：当前版本只能读取 {supported}。请用当前版本重新训练。",
        "en": "Challenger artifact format_version {found} is not supported: this version reads {supported}. Retrain it with this version.",
    },
    "challenger.artifact_invalid": {
        "zh": "挑战者模型文件无效：字段 {path}：{problem}。",
        "en": "Invalid challenger artifact: field {path}: {problem}.",
    },
}

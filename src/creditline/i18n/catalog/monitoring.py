"""Messages of model export and monitoring: SQL and PMML export, PSI and CSI reports."""

MESSAGES: dict[str, dict[str, str]] = {
    "export.dialect_unknown": {
        "zh": "不支持 SQL 方言 {dialect}：可选 {allowed}。",
        "en": "SQL dialect {dialect} is not supported; use one of {allowed}.",
    },
    "export.format_unknown": {
        "zh": "不支持导出格式 {format}：可选 {allowed}。",
        "en": "Export format {format} is not supported; use one of {allowed}.",
    },
    "export.table_missing": {
        "zh": "缺少源表名：请用 --table 指定含评分特征列的表或视图。",
        "en": "The source table name is missing; give the table or view with the feature columns in --table.",
    },
    "monitoring.portfolio_empty": {
        "zh": "当前没有任何额度，无法监控模型 {model_version} 的稳定性：请先导入组合数据。",
        "en": "No credit line is stored, so the stability of model {model_version} cannot be measured; import a portfolio first.",
    },
    "cli.help.model_export": {
        "zh": "把评分卡导出为一条 SQL 查询或 PMML 4.4 文件，用于在数据库或评分引擎中部署。",
        "en": "Export a scorecard as one SQL query or a PMML 4.4 file, for deployment in a database or a scoring engine.",
    },
    "cli.help.export_version": {
        "zh": "要导出的模型版本，例如 sc-1a2b3c4d5e6f。",
        "en": "The model version to export, e.g. sc-1a2b3c4d5e6f.",
    },
    "cli.help.export_format": {
        "zh": "导出格式：sql 或 pmml。",
        "en": "Export format: sql or pmml.",
    },
    "cli.help.export_dialect": {
        "zh": "SQL 方言：postgresql、hive 或 spark。",
        "en": "SQL dialect: postgresql, hive or spark.",
    },
    "cli.help.export_table": {
        "zh": "含评分特征列的源表或视图，可带库名，例如 risk.profiles。",
        "en": "Source table or view with the feature columns, optionally with a schema, e.g. risk.profiles.",
    },
    "cli.help.export_keep": {
        "zh": "原样输出的源表列，可重复；默认 account_id。",
        "en": "Source column copied to the output; repeat for more. Default: account_id.",
    },
    "cli.help.export_output": {
        "zh": "写入的文件；省略时打印到标准输出。",
        "en": "File to write; without it the export goes to standard output.",
    },
    "cli.export.written": {
        "zh": "模型 {model_version} 已导出为 {format}：{path}",
        "en": "Model {model_version} exported as {format} to {path}",
    },
    "cli.help.model_monitor": {
        "zh": "计算评分 PSI 和各特征 CSI：比较训练样本与当前组合中各额度的最新画像。",
        "en": "Compute the score PSI and the CSI of each characteristic between the training sample and the latest profiles of the current portfolio.",
    },
    "cli.help.monitor_version": {
        "zh": "要监控的模型版本；省略时为当前冠军模型。",
        "en": "The model version to monitor; the champion when omitted.",
    },
    "cli.help.monitor_detail": {
        "zh": "同时打印每个特征各分箱的占比。",
        "en": "Also print the shares of every bin of each characteristic.",
    },
    "cli.monitor.title": {
        "zh": "模型 {model_version} 稳定性：训练样本 {n_reference} 行，当前组合 {n_current} 行。",
        "en": "Stability of model {model_version}: {n_reference} training rows, {n_current} current rows.",
    },
    "cli.monitor.reference.stored": {
        "zh": "评分分段及其基准占比来自训练评分分布。",
        "en": "Score bands and their reference shares come from the training score distribution.",
    },
    "cli.monitor.reference.bins": {
        "zh": "模型未保存训练评分分布：评分分段的基准占比由各分箱训练样本数推算，假设各特征相互独立，仅为近似值。",
        "en": "The model stores no training score distribution; the reference shares of the score bands are derived from the bins' training counts assuming independent characteristics, an approximation.",
    },
    "cli.monitor.bands": {
        "zh": "0.10 以下稳定，0.10 至 0.25 需关注，0.25 以上为显著偏移；占比平滑常数 {smoothing}。",
        "en": "Below 0.10 stable, 0.10 to 0.25 watch, above 0.25 shift; share smoothing constant {smoothing}.",
    },
    "cli.monitor.col.item": {"zh": "项目", "en": "Item"},
    "cli.monitor.col.index": {"zh": "指数", "en": "Index"},
    "cli.monitor.col.status": {"zh": "状态", "en": "Status"},
    "cli.monitor.col.band": {"zh": "分段", "en": "Band"},
    "cli.monitor.col.expected": {"zh": "基准占比", "en": "Expected"},
    "cli.monitor.col.actual": {"zh": "当前占比", "en": "Actual"},
    "cli.monitor.col.count": {"zh": "当前行数", "en": "Rows"},
    "cli.monitor.col.contribution": {"zh": "贡献", "en": "Contribution"},
    "cli.monitor.score_psi": {"zh": "评分 PSI", "en": "Score PSI"},
    "cli.monitor.csi": {"zh": "{feature} CSI", "en": "{feature} CSI"},
    "cli.monitor.score_bands": {"zh": "评分分段：", "en": "Score bands:"},
    "cli.monitor.slots": {"zh": "{feature} 各分箱：", "en": "Bins of {feature}:"},
    "cli.monitor.missing": {"zh": "缺失", "en": "missing"},
    "cli.monitor.special": {"zh": "特殊值 {value}", "en": "special value {value}"},
    "cli.monitor.status.stable": {"zh": "稳定", "en": "stable"},
    "cli.monitor.status.watch": {"zh": "关注", "en": "watch"},
    "cli.monitor.status.shift": {"zh": "偏移", "en": "shift"},
    "cli.monitor.new_labels": {
        "zh": "{feature}：{rows} 行取训练中未出现的类别 {labels}，按未见类别分箱评分。",
        "en": "{feature}: {rows} rows have labels never seen in training ({labels}); they score as the unseen bin.",
    },
    "cli.monitor.vanished_labels": {
        "zh": "{feature}：训练中的类别 {labels} 在当前组合中没有出现。",
        "en": "{feature}: the training labels {labels} have no current row.",
    },
}

"""Messages of the imports area: import validation and the bundled data-set converters.

A row problem renders as ``import.located``: its location (file, line or Parquet row,
column) followed by the message of its own key.
"""

MESSAGES: dict[str, dict[str, str]] = {
    # Where a problem sits.
    "import.located": {
        "zh": "{location}：{message}",
        "en": "{location}: {message}",
    },
    "import.at_file": {
        "zh": "{file}",
        "en": "{file}",
    },
    "import.at_file_column": {
        "zh": "{file}，列 {column}",
        "en": "{file}, column {column}",
    },
    "import.at_line": {
        "zh": "{file} 第 {line} 行",
        "en": "{file}, line {line}",
    },
    "import.at_line_column": {
        "zh": "{file} 第 {line} 行，列 {column}",
        "en": "{file}, line {line}, column {column}",
    },
    "import.at_row": {
        "zh": "{file} 第 {line} 条记录",
        "en": "{file}, row {line}",
    },
    "import.at_row_column": {
        "zh": "{file} 第 {line} 条记录，列 {column}",
        "en": "{file}, row {line}, column {column}",
    },
    # Folder and file problems.
    "import.folder_not_found": {
        "zh": "导入目录“{folder}”不存在或不是目录：请指定存放 customers.csv 等数据文件的目录。",
        "en": "Import folder '{folder}' does not exist or is not a directory; give the folder that contains customers.csv and the other table files.",
    },
    "import.table_missing": {
        "zh": "缺少必需的数据表：请在目录 {folder} 中放入 {file} 或 {other}。",
        "en": "required table is missing; put {file} or {other} into {folder}.",
    },
    "import.table_ambiguous": {
        "zh": "同一张表同时存在 {file} 和 {other}：请只保留其中一个文件。",
        "en": "both {file} and {other} exist for the same table; keep only one of them.",
    },
    "import.not_utf8": {
        "zh": "文件不是 UTF-8 编码，本行含有无效字节：请将文件另存为 UTF-8 编码（Excel 中选择“CSV UTF-8”）后重新导入。",
        "en": "the file is not valid UTF-8 and this line contains invalid bytes; save the file as UTF-8 (in Excel: 'CSV UTF-8') and import it again.",
    },
    "import.empty_file": {
        "zh": "文件为空：第一行必须是列名表头。",
        "en": "the file is empty; the first line must be the header row with the column names.",
    },
    "import.unparseable": {
        "zh": "无法读取文件（{detail}）：请检查文件是否为有效的 CSV 或 Parquet 文件。",
        "en": "the file cannot be read ({detail}); check that it is a valid CSV or Parquet file.",
    },
    "import.line_break_in_field": {
        "zh": "引号内的字段含有换行符，或引号没有闭合：“{value}”。请删除字段中的换行符并闭合所有引号，之后各行才能按行号定位。",
        "en": "a quoted field contains a line break or its closing quote is missing: '{value}'; remove line breaks from fields and close every quote, so that lines can be located by number.",
    },
    "import.duplicate_column": {
        "zh": "表头中列名“{column}”出现了不止一次：请只保留一列。",
        "en": "column name '{column}' appears more than once in the header; keep only one such column.",
    },
    "import.unsupported_type": {
        "zh": "无法读取 Parquet 类型 {dtype}：请将该列存为文本、整数、小数或日期类型。",
        "en": "the Parquet type {dtype} cannot be read; store this column as text, integer, decimal or date.",
    },
    "import.column_count": {
        "zh": "本行有 {actual} 个字段，而表头有 {expected} 列：“{value}”。请检查分隔符和引号。",
        "en": "the line has {actual} fields but the header has {expected} columns: '{value}'; check the separators and quotes.",
    },
    "import.missing_column": {
        "zh": "缺少必需的列：请在表头中加入名为 {column} 的列，并为每一行填写该列。",
        "en": "required column is missing; add a column named {column} to the header and fill it in every row.",
    },
    # Cell problems.
    "import.empty_value": {
        "zh": "值为空：请填写 {column}。",
        "en": "the value is empty; fill in {column}.",
    },
    "import.invalid_id": {
        "zh": "标识“{value}”无效：请去掉首尾空格，且长度不超过 {max_chars} 个字符。",
        "en": "identifier '{value}' is invalid; remove leading and trailing spaces and keep it to at most {max_chars} characters.",
    },
    "import.not_integer": {
        "zh": "“{value}”不是整数：请填写不带小数点和千位分隔符的整数，例如 12。",
        "en": "'{value}' is not an integer; write whole digits without a decimal point or separators, for example 12.",
    },
    "import.not_flag": {
        "zh": "“{value}”不是有效的标志：请填写 0 或 1。",
        "en": "'{value}' is not a valid flag; write 0 or 1.",
    },
    "import.not_amount": {
        "zh": "“{value}”不是有效金额：请使用不带符号和千位分隔符、最多两位小数的阿拉伯数字，例如 8000 或 8000.50。",
        "en": "'{value}' is not a valid amount; write plain digits with at most two decimals and no sign or separators, for example 8000 or 8000.50.",
    },
    "import.not_signed_amount": {
        "zh": "“{value}”不是有效金额：请使用不带千位分隔符、最多两位小数的阿拉伯数字，负数前加减号，例如 8000、8000.50 或 -8000.50。",
        "en": "'{value}' is not a valid amount; write plain digits with at most two decimals, no separators and an optional leading minus sign, for example 8000, 8000.50 or -8000.50.",
    },
    "import.not_date": {
        "zh": "“{value}”不是有效日期：请按 YYYY-MM-DD 填写，例如 2005-09-30。",
        "en": "'{value}' is not a valid date; write YYYY-MM-DD, for example 2005-09-30.",
    },
    "import.not_month": {
        "zh": "“{value}”不是有效月份：请按 YYYY-MM 填写，例如 2005-09。",
        "en": "'{value}' is not a valid month; write YYYY-MM, for example 2005-09.",
    },
    "import.below_minimum": {
        "zh": "“{value}”小于最小值 {minimum}：请改为不小于 {minimum} 的值。",
        "en": "'{value}' is below the minimum {minimum}; write a value of at least {minimum}.",
    },
    "import.above_maximum": {
        "zh": "“{value}”大于最大值 {maximum}：请改为不大于 {maximum} 的值。",
        "en": "'{value}' is above the maximum {maximum}; write a value of at most {maximum}.",
    },
    "import.not_choice": {
        "zh": "“{value}”不是允许的取值：请填写以下之一：{choices}。",
        "en": "'{value}' is not an allowed value; write one of: {choices}.",
    },
    "import.not_choice_set": {
        "zh": "“{value}”含有不允许的取值：只能填写以下取值，多个取值用分号 ; 分隔：{choices}。",
        "en": "'{value}' contains a value that is not allowed; write values from the following list, separated by ';': {choices}.",
    },
    # Row problems.
    "import.duplicate_key": {
        "zh": "主键（{key}）“{value}”与第 {first_line} 行重复：每个主键只能保留一行。",
        "en": "key ({key}) '{value}' repeats line {first_line}; keep one row per key.",
    },
    "import.duplicate_key_row": {
        "zh": "主键（{key}）“{value}”与第 {first_line} 条记录重复：每个主键只能保留一条记录。",
        "en": "key ({key}) '{value}' repeats row {first_line}; keep one row per key.",
    },
    "import.missing_parent": {
        "zh": "{column}“{value}”在 {parent_file} 的 {parent_column} 列中不存在：请在 {parent_file} 中补上该记录，或更正此处的引用。",
        "en": "{column} '{value}' is not in column {parent_column} of {parent_file}; add the missing row to {parent_file} or correct the reference.",
    },
    # Bundled data sets.
    "dataset.source_missing": {
        "zh": "找不到台湾信用卡违约数据集：请用 --from 指定 default_of_credit_card_clients.csv.gz（或 UCI_Credit_Card.csv）的路径，或将环境变量 CREDITLINE_DATA_HOME 设为包含 taiwan_credit_default/ 子目录的目录。",
        "en": "The Taiwan credit-card default data set was not found; pass --from with the path of default_of_credit_card_clients.csv.gz (or UCI_Credit_Card.csv), or set CREDITLINE_DATA_HOME to the folder that contains taiwan_credit_default/.",
    },
    "dataset.source_not_found": {
        "zh": "数据文件“{path}”不存在：请用 --from 指定 default_of_credit_card_clients.csv.gz（或 UCI_Credit_Card.csv）的正确路径。",
        "en": "Data file '{path}' does not exist; pass --from with the correct path of default_of_credit_card_clients.csv.gz (or UCI_Credit_Card.csv).",
    },
    "dataset.download_failed": {
        "zh": "下载 {url} 失败（{reason}）：请用 --from 指定本地数据文件，或将 CREDITLINE_DATA_HOME 设为其 taiwan_credit_default/ 子目录中已有 default_of_credit_card_clients.csv.gz 的目录。",
        "en": "Download of {url} failed ({reason}); pass --from with the path of a local copy, or set CREDITLINE_DATA_HOME to a folder whose taiwan_credit_default/ contains default_of_credit_card_clients.csv.gz.",
    },
    "dataset.xlrd_missing": {
        "zh": "读取 {path} 需要 Python 包 xlrd，但它未安装：请安装 xlrd，或将表格另存为 CSV 后用 --from 指定。",
        "en": "Reading {path} needs the Python package xlrd, which is not installed; install xlrd, or save the sheet as CSV and pass it with --from.",
    },
    "dataset.archive_invalid": {
        "zh": "{path} 不是预期的 UCI 数据文件（{detail}）：请删除后重新下载，或用 --from 指定本地数据文件。",
        "en": "{path} is not the expected UCI data file ({detail}); delete it and download it again, or pass --from with the path of a local copy.",
    },
    "dataset.unknown_header": {
        "zh": "{path} 的表头不属于台湾信用卡违约数据集的任何已知格式：应为 UCI 格式（X1..X23, Y）、Kaggle 格式（LIMIT_BAL, …, default.payment.next.month）或 default_payment_next_month 格式。缺少的列：{missing}。",
        "en": "{path} has no known header of the Taiwan credit-card default data set; expected the UCI form (X1..X23, Y), the Kaggle form (LIMIT_BAL, ..., default.payment.next.month) or the form ending in default_payment_next_month. Missing columns: {missing}.",
    },
    "dataset.not_integer": {
        "zh": "{path} 第 {line} 行，列 {column}：“{value}”不是整数（该列共有 {count} 处此类问题）：请使用未经修改的原始数据文件。",
        "en": "{path}, line {line}, column {column}: '{value}' is not a whole number (cells of this column with this problem: {count}); use the original, unmodified data file.",
    },
    "dataset.unknown_code": {
        "zh": "{path} 第 {line} 行，列 {column}：“{value}”不是已知代码 {allowed} 之一（该列共有 {count} 处此类问题）：请使用未经修改的原始数据文件。",
        "en": "{path}, line {line}, column {column}: '{value}' is not one of the known codes {allowed} (cells of this column with this problem: {count}); use the original, unmodified data file.",
    },
    "dataset.duplicate_id": {
        "zh": "{path} 中 ID {value} 出现了不止一次：请使用未经修改的原始数据文件。",
        "en": "ID {value} appears more than once in {path}; use the original, unmodified data file.",
    },
    "dataset.output_conflict": {
        "zh": "输出目录中已有另一种格式的同名数据表 {path}，导入时无法判断该用哪个文件：请删除它，或换一个输出目录。",
        "en": "{path} already exists in the other format, so an import could not tell which file to use; delete it or choose another output folder.",
    },
    "dataset.unknown_format": {
        "zh": "不支持输出格式“{value}”：请使用 csv 或 parquet。",
        "en": "Output format '{value}' is not supported; use csv or parquet.",
    },
}

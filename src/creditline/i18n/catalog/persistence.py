"""Messages raised while storing a validated import against what the database holds."""

MESSAGES: dict[str, dict[str, str]] = {
    "import.identity_changed": {
        "zh": "账户 {account_id} 已存在，其 {column} 为“{stored}”，导入文件中为“{value}”：已有额度账户的客户、产品和币种不能通过导入修改，请更正文件或使用新的账户编号。",
        "en": "Account {account_id} already exists with {column} '{stored}' but the file has '{value}': an import cannot change the customer, product or currency of a line; correct the file or use a new account id.",
    },
}

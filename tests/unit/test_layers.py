"""Layer rules: the domain imports nothing from the other layers, and service and API code
opens database connections only through creditline.store.transactions."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).parents[2] / "src" / "creditline"
DOMAIN = PACKAGE / "domain"
ALLOWED = ("creditline.domain", "creditline.errors", "creditline.i18n")


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
    return names


def test_domain_imports_only_domain_errors_and_catalogue() -> None:
    offending = {
        f"{path.name}: {module}"
        for path in DOMAIN.glob("*.py")
        for module in imported_modules(path)
        if module.startswith("creditline") and not module.startswith(ALLOWED)
    }
    assert offending == set()


def test_domain_imports_no_dataframe_or_web_library() -> None:
    banned = ("polars", "pandas", "numpy", "sqlalchemy", "fastapi", "pydantic", "typer")
    offending = {
        f"{path.name}: {module}"
        for path in DOMAIN.glob("*.py")
        for module in imported_modules(path)
        if module.split(".")[0] in banned
    }
    assert offending == set()


def connection_calls(path: Path) -> list[str]:
    """Return ``x.connect()`` and ``x.begin()`` calls without arguments, as "line: source"."""
    source = path.read_text(encoding="utf-8")
    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("connect", "begin")
            and not node.args
            and not node.keywords
        ):
            found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {ast.get_source_segment(source, node)}")
    return found


def test_connections_use_transaction_helpers() -> None:
    # Inside an HTTP request's unit of work, a second connection would wait for the unit's
    # own locks (on SQLite, its write lock), so these layers use transaction() and reading().
    offending = [
        call
        for layer in ("service", "api")
        for path in sorted((PACKAGE / layer).glob("*.py"))
        for call in connection_calls(path)
    ]
    assert offending == []

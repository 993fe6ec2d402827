"""The domain layer imports nothing from the other layers."""

import ast
from pathlib import Path

DOMAIN = Path(__file__).parents[2] / "src" / "creditline" / "domain"
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

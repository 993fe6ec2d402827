"""Read a limit policy from YAML text or a file and validate it into a :class:`Policy`.

Every failure raises :class:`creditline.errors.PolicyInvalid` with the message key of
the broken rule and the parameters ``path`` (the file), ``field`` (the dotted field
path, list positions in brackets: ``risk_bands[2].min_score``) and ``value`` (the value
given, as JSON text). Only the first failure is reported, in the order of the fields in
the file schema.
"""

from __future__ import annotations

import json
import logging
import os
from importlib import resources
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from creditline.domain.money import MINOR_UNIT_DIGITS
from creditline.errors import NotFound, PolicyInvalid
from creditline.policy.schema import Policy

logger = logging.getLogger(__name__)

SHIPPED_POLICIES = ("taiwan_demo", "default_cny")

# pydantic's built-in error types -> catalogue kind; custom checks use policy.invalid.* directly.
_BUILTIN_KINDS = {
    "missing": "missing",
    "extra_forbidden": "unknown_key",
    "model_type": "mapping",
    "model_attributes_type": "mapping",
    "dict_type": "mapping",
    "list_type": "list",
    "string_type": "text",
}

_VALUE_WIDTH = 80


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that rejects a key given twice in one mapping instead of keeping the last."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
        if key in seen:
            raise _DuplicateKey(str(key), key_node.start_mark.line + 1)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class _DuplicateKey(Exception):
    def __init__(self, key: str, line: int) -> None:
        super().__init__(key, line)
        self.key = key
        self.line = line


def load_policy(path: str | os.PathLike[str]) -> Policy:
    """Read and validate the policy file at ``path``.

    Raises
    ------
    NotFound
        When no file exists at ``path``.
    PolicyInvalid
        When the file is not UTF-8 YAML, is empty, or breaks the policy schema.
    """
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise NotFound("policy.file_not_found", path=name) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise PolicyInvalid("policy.invalid.encoding", path=name, offset=error.start) from None
    policy = parse_policy(text, path=name)
    logger.info("loaded limit policy %s from %s", policy.version_tag, name)
    return policy


def load_shipped_policy(name: str) -> Policy:
    """Load one of the policies packaged with creditline (see ``SHIPPED_POLICIES``)."""
    if name not in SHIPPED_POLICIES:
        raise NotFound("policy.shipped_not_found", name=name, allowed=", ".join(SHIPPED_POLICIES))
    resource = resources.files("creditline").joinpath("policies", f"{name}.yaml")
    return parse_policy(resource.read_text(encoding="utf-8"), path=f"creditline/policies/{name}.yaml")


def parse_policy(text: str, path: str = "<text>") -> Policy:
    """Validate policy YAML ``text``; ``path`` only names the source in error messages."""
    document = _read_yaml(text, path)
    # Amounts are parsed with the minor-unit digits of the policy currency; an invalid
    # currency is reported by the schema on its own field.
    currency = document.get("currency")
    context = {"currency": currency if currency in MINOR_UNIT_DIGITS else "CNY"}
    try:
        return Policy.model_validate(document, context=context)
    except ValidationError as error:
        raise _policy_invalid(error.errors()[0], path) from None


def _read_yaml(text: str, path: str) -> dict[str, Any]:
    try:
        document = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except _DuplicateKey as error:
        raise PolicyInvalid("policy.invalid.duplicate_key", path=path, key=error.key, line=error.line) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line = mark.line + 1 if mark is not None else 0
        column = mark.column + 1 if mark is not None else 0
        raise PolicyInvalid("policy.invalid.yaml", path=path, line=line, column=column) from None
    except yaml.YAMLError:
        raise PolicyInvalid("policy.invalid.yaml", path=path, line=0, column=0) from None
    if document is None:
        raise PolicyInvalid("policy.invalid.empty", path=path)
    if not isinstance(document, dict):
        raise PolicyInvalid("policy.invalid.not_mapping", path=path, value=_show(document))
    return document


def _policy_invalid(detail: ErrorDetails, path: str) -> PolicyInvalid:
    error_type = detail["type"]
    context = dict(detail.get("ctx") or {})
    kind = error_type.removeprefix("policy.invalid.") if error_type.startswith("policy.") else None
    if kind is None:
        kind = _BUILTIN_KINDS.get(error_type, "value")
    field = _field_path(detail["loc"], context.pop("key", None))
    value = context.pop("value", detail.get("input"))
    params: dict[str, Any] = {"path": path, "field": field, "value": _show(value)}
    if kind == "value":
        params["message"] = detail["msg"]
    params.update({name: _show_param(item) for name, item in context.items()})
    return PolicyInvalid(f"policy.invalid.{kind}", **params)


def _field_path(location: tuple[int | str, ...], key: str | None) -> str:
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        elif text:
            text += f".{part}"
        else:
            text = str(part)
    if key:
        text = f"{text}.{key}" if text and not key.startswith("[") else f"{text}{key}"
    return text or "(document)"


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= _VALUE_WIDTH else text[: _VALUE_WIDTH - 3] + "..."


def _show_param(value: Any) -> Any:
    return value if isinstance(value, str | int) else _show(value)

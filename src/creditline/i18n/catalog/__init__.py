"""The message catalogue, split by area and merged here into one mapping.

Every entry maps a locale ("zh", "en") to a :meth:`str.format` template. A test checks
that each key has both locales and the same fields in each.
"""

from __future__ import annotations

from creditline.i18n.catalog import cli, errors, imports, notices, profile, scoring

Catalog = dict[str, dict[str, str]]


def _merge(*parts: Catalog) -> Catalog:
    merged: Catalog = {}
    for part in parts:
        clash = merged.keys() & part.keys()
        if clash:
            raise RuntimeError(f"message keys defined twice: {sorted(clash)}")
        merged.update(part)
    return merged


MESSAGES: Catalog = _merge(
    errors.MESSAGES,
    imports.MESSAGES,
    cli.MESSAGES,
    notices.MESSAGES,
    scoring.MESSAGES,
    profile.MESSAGES,
)

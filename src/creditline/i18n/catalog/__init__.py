"""The message catalogue, split by area and merged here into one mapping.

Every module in this package defines ``MESSAGES``; all of them are merged at import, so
adding an area means adding a module, with no edit here. Each entry maps a locale
("zh", "en") to a :meth:`str.format` template. A test checks that each key has both
locales and the same fields in each.
"""

from __future__ import annotations

import importlib
import pkgutil

Catalog = dict[str, dict[str, str]]


def _merge() -> Catalog:
    merged: Catalog = {}
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        part: Catalog = module.MESSAGES
        clash = merged.keys() & part.keys()
        if clash:
            raise RuntimeError(f"message keys defined twice: {sorted(clash)}")
        merged.update(part)
    return merged


MESSAGES: Catalog = _merge()

"""One message catalogue for every user-facing text, in Simplified Chinese and English.

Chinese is the default locale. Texts use :meth:`str.format` fields, so a message key
and its parameters render the same way in the CLI, the API and customer notices.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from typing import Any

from creditline.i18n.catalog import MESSAGES

LOCALES = ("zh", "en")
DEFAULT_LOCALE = "zh"


def normalize_locale(tag: str | None) -> str | None:
    """Map a POSIX locale (``en_US.UTF-8``) or language tag (``zh-CN``) to "zh" or "en".

    Returns None for ``C``/``POSIX``, empty values and languages the catalogue lacks.
    """
    if not tag:
        return None
    base = tag.strip().split(".")[0].split("@")[0].replace("_", "-").lower()
    language = base.split("-")[0]
    return language if language in LOCALES else None


def locale_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """Pick the CLI locale from LC_ALL, LC_MESSAGES, LANG, in POSIX precedence.

    An unset or unsupported locale gives Chinese, the default for the first users.
    """
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            return normalize_locale(value) or DEFAULT_LOCALE
    return DEFAULT_LOCALE


@functools.lru_cache(maxsize=256)
def negotiate_accept_language(header: str | None) -> str:
    """Choose a locale from an HTTP Accept-Language header by its quality values.

    Cached by header text, because every request calls it and clients send the same few headers.
    """
    if not header:
        return DEFAULT_LOCALE
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        locale = normalize_locale(tag)
        if locale and quality > 0:
            ranked.append((-quality, position, locale))
    return sorted(ranked)[0][2] if ranked else DEFAULT_LOCALE


def translate(key: str, locale: str = DEFAULT_LOCALE, /, **params: Any) -> str:
    """Render message ``key`` in ``locale``; an unknown key renders as the key itself."""
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    template = entry.get(locale) or entry[DEFAULT_LOCALE]
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        # A missing parameter must not hide the original failure behind a second one.
        return template

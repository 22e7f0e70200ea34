"""UI languages: gettext catalogs compiled at start-up, number formats, a Jinja env per locale."""

from __future__ import annotations

import math
from collections.abc import Sequence
from io import BytesIO
from pathlib import Path

import jinja2
from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LOCALES = ("zh_CN", "en")
DOMAIN = "messages"
# Parsed once: babel re-parses a locale given by name on every call (a directory scan, ~4 ms
# per number; 0.4 s of a page with 100 numbers, issue #11 item 10).
_BABEL = {"zh_CN": Locale.parse("zh_CN"), "en": Locale.parse("en")}

# Chinese readers count in 万 (10^4), 亿 (10^8) and 万亿 (10^12), largest first; statistical
# yearbooks print figures this way, so the dashboard does too.
_ZH_UNITS = ((1e12, "万亿"), (1e8, "亿"), (1e4, "万"))


def supported_locale(value: str | None) -> str | None:
    """The supported locale a user's choice names (``en_US`` → ``en``; ``zh`` → ``zh_CN``)."""
    if not value:
        return None
    value = value.replace("-", "_")
    for locale in LOCALES:
        if value.lower() == locale.lower() or value.split("_")[0].lower() == locale.split("_")[0]:
            return locale
    return None


def catalog_paths(locale: str, locale_dirs: Sequence[Path] = ()) -> list[Path]:
    """Every `.po` file of `locale`: the shell's `messages.po`, then each domain's catalogs.

    Domains keep their own catalogs beside their templates
    (`<domain>/locale/<locale>/LC_MESSAGES/*.po`) so that no two areas edit one file.
    """
    paths = [LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"]
    for directory in locale_dirs:
        paths += sorted((directory / locale / "LC_MESSAGES").glob("*.po"))
    return list(dict.fromkeys(paths))


def load_translations(locale: str, *, locale_dirs: Sequence[Path] = ()) -> Translations:
    """Compile `locale`'s catalogs in memory and merge them (no `.mo` file is written)."""
    merged: Translations | None = None
    for po_path in catalog_paths(locale, locale_dirs):
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=locale, domain=DOMAIN)
        buffer = BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        part = Translations(buffer, domain=DOMAIN)
        merged = part if merged is None else merged.merge(part)
    assert merged is not None  # the shell catalog always exists
    return merged


def format_number(value: float | int | None, locale: str, *, digits: int = 2) -> str:
    """A number as a reader of `locale` expects it.

    Chinese: 万/亿/万亿 with `digits` decimals from 10 000 up, plain below; English: grouped
    thousands.  ``None`` and NaN show as an em dash.

    >>> format_number(123456789, "zh_CN")
    '1.23 亿'
    >>> format_number(56789, "zh_CN")
    '5.68 万'
    >>> format_number(123456789, "en")
    '123,456,789'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if locale.startswith("zh"):
        size = abs(value)
        pattern = "0." + "0" * digits if digits else "0"
        for index, (scale, unit) in enumerate(_ZH_UNITS):
            if size >= scale:
                # 99 999 999 rounds to 10000.00 万, which a reader expects as 1.00 亿.
                if index > 0 and round(size / scale, digits) >= 1e4:
                    scale, unit = _ZH_UNITS[index - 1]
                shown = format_decimal(value / scale, format=pattern, locale=_BABEL["zh_CN"])
                return f"{shown} {unit}"
        return format_decimal(value, format="0." + "#" * max(digits, 0), locale=_BABEL["zh_CN"])
    return format_decimal(value, format="#,##0." + "#" * max(digits, 0), locale=_BABEL["en"])


def make_environment(directories: Sequence[Path], locale: str) -> jinja2.Environment:
    """A Jinja environment whose `_()` and `{% trans %}` speak `locale`, with a `num` filter."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in directories]),
        autoescape=jinja2.select_autoescape(default_for_string=True, default=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # A domain's catalog sits beside its templates folder: <domain>/locale.
    locale_dirs = [d.parent / "locale" for d in directories if (d.parent / "locale").is_dir()]
    translations = load_translations(locale, locale_dirs=locale_dirs)
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    env.filters["num"] = lambda value, digits=2: format_number(value, locale, digits=digits)
    chinese = locale.startswith("zh")
    # Data carries both names (name_zh/name_en); `pick` shows the one for this language.
    env.globals["pick"] = lambda zh, en: (zh or en) if chinese else (en or zh)
    env.globals["locale"] = locale
    env.globals["html_lang"] = "zh-CN" if locale.startswith("zh") else "en"
    return env

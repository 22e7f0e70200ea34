"""UI languages: gettext catalogs compiled at start-up, number filters, a Jinja env per locale."""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from pathlib import Path

import jinja2
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from tanzhi.kernel import (
    format_number,
    percent,
    percentage_points,
    quantity,
    significant,
)

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LOCALES = ("zh_CN", "en")
DOMAIN = "messages"

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
    # Number rules live in tanzhi.kernel.numbers (pages, Excel and reports share them):
    # `num` a bare number, `qty` an amount with its unit (万/亿 joined to the unit), `sig` an
    # indicator figure, `pct` a share, `pp` percentage points.
    env.filters["num"] = lambda value, digits=2: format_number(value, locale, digits=digits)
    env.filters["qty"] = lambda value, unit, digits=2: quantity(value, unit, locale,
                                                                digits=digits)
    env.filters["sig"] = significant
    env.filters["pct"] = lambda share, digits=1: percent(share, digits)
    env.filters["pp"] = lambda points, digits=1: percentage_points(points, locale, digits=digits)
    chinese = locale.startswith("zh")
    # Data carries both names (name_zh/name_en); `pick` shows the one for this language.
    env.globals["pick"] = lambda zh, en: (zh or en) if chinese else (en or zh)
    env.globals["locale"] = locale
    env.globals["html_lang"] = "zh-CN" if locale.startswith("zh") else "en"
    return env

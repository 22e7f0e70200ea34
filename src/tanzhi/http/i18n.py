"""UI languages: gettext catalogs compiled at start-up, number filters, a Jinja env per locale."""

from __future__ import annotations

import re
from collections.abc import Sequence
from io import BytesIO
from pathlib import Path

import jinja2
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from markupsafe import Markup, escape

from tanzhi.access import DEPARTMENTS
from tanzhi.kernel import (
    format_number,
    packaged_regions,
    percent,
    percentage_points,
    quantity,
    significant,
)

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LOCALES = ("zh_CN", "en")
DOMAIN = "messages"

# "中文 / English" as the API's bilingual messages and the demo's notes are written: Chinese
# (with at least one Han character) before " / ", English without any after it.
# "中文 / English": the English half is the text after the first " / " that follows the last
# Chinese character (a path such as inventory/service/mapping.py in the Chinese half is kept)
_BILINGUAL = re.compile(r"^(?P<zh>.*[\u3400-\u9fff].*?)\s*/\s+(?P<en>[^\u3400-\u9fff]+)$", re.S)


def one_language(text: object, locale: str) -> str:
    """The half of a bilingual "中文 / English" text that speaks `locale`; other text as is.

    >>> one_language("无权访问 / access denied", "zh_CN"), one_language("GB/T 2260", "zh_CN")
    ('无权访问', 'GB/T 2260')
    """
    value = "" if text is None else str(text)
    found = _BILINGUAL.match(value)
    if not found:
        return value
    return found["zh"].strip() if locale.startswith("zh") else found["en"].strip()


# The 2006 IPCC Guidelines as their Chinese edition names them (《2006年IPCC国家温室气体清单指南》,
# IGES for the IPCC, 2006): volumes and the chapter titles the packaged data cites.
IPCC_VOLUMES_ZH = {"1": "通则", "2": "能源", "3": "工业过程和产品使用",
                   "4": "农业、林业和其他土地利用", "5": "废弃物"}
IPCC_CHAPTERS_ZH = {
    "Uncertainties": "不确定性", "Introduction": "引言", "Stationary Combustion": "固定源燃烧",
    "Fugitive Emissions": "逸散排放", "Mineral Industry": "采掘工业排放",
    "Chemical Industry": "化学工业排放",
    "Emissions from Livestock and Manure Management": "畜牧业和粪便管理中的排放",
    "Solid Waste Disposal": "固体废弃物处理",
    "Incineration and Open Burning": "废弃物的焚化和露天燃烧",
    "Wastewater Treatment and Discharge": "废水处理与排放",
}
_IPCC_CITATION = re.compile(
    r"2006 IPCC Guidelines Vol\.(?P<vol>[1-5]) \([^)]*\) (?P<chapters>Ch\.[\d\-]+"
    r"(?: and Ch\.\d+)?)(?: (?P<title>.+))?")


def citation_zh(source: object) -> str:
    """A citation of the 2006 IPCC Guidelines in the words of its Chinese edition; any other
    citation as given (issue #11 item 7).

    >>> citation_zh("2006 IPCC Guidelines Vol.2 (Energy) Ch.2 Stationary Combustion")
    '《2006年IPCC国家温室气体清单指南》第2卷（能源）第2章 固定源燃烧'
    >>> citation_zh("2006 IPCC Guidelines Vol.4 (AFOLU) Ch.5 and Ch.11")
    '《2006年IPCC国家温室气体清单指南》第4卷（农业、林业和其他土地利用）第5章和第11章'
    """
    text = "" if source is None else str(source)
    m = _IPCC_CITATION.fullmatch(text)
    if not m or (m["title"] and m["title"] not in IPCC_CHAPTERS_ZH):
        return text
    chapters = "和".join(f"第{c.replace('-', '—')}章" for c in
                        re.findall(r"Ch\.([\d\-]+)", m["chapters"]))
    title = f" {IPCC_CHAPTERS_ZH[m['title']]}" if m["title"] else ""
    return (f"《2006年IPCC国家温室气体清单指南》第{m['vol']}卷（{IPCC_VOLUMES_ZH[m['vol']]}）"
            f"{chapters}{title}")


_LEADING_CODE = re.compile(r"(\d(?:\.[0-9A-Za-z]+)*)\s+(.*)", re.S)


def code_name(text: object) -> Markup:
    """``1.A.1.a.i 电力生产`` with its IPCC code shown as a code (``<span class="mono">``), the
    name as text; a text without a leading code escaped as is (issue #11 item 7).

    >>> str(code_name("1.A.1.a.i 电力生产")), str(code_name("合计"))
    ('<span class="mono">1.A.1.a.i</span> 电力生产', '合计')
    """
    value = "" if text is None else str(text)
    m = _LEADING_CODE.fullmatch(value)
    if not m:
        return escape(value)
    return Markup('<span class="mono">%s</span> %s') % (m.group(1), m.group(2))


def region_label(code: str | None, locale: str) -> str:
    """A packaged region's name for `locale` (GB/T 2260); a code not in the package as is."""
    if not code:
        return ""
    names = _region_names()
    zh, en = names.get(code, (code, code))
    return zh if locale.startswith("zh") else en


_REGION_NAMES: dict[str, tuple[str, str]] = {}


def _region_names() -> dict[str, tuple[str, str]]:
    if not _REGION_NAMES:
        _REGION_NAMES.update({r.code: (r.name_zh, r.name_en) for r in packaged_regions()})
    return _REGION_NAMES


def department_label(key: str | None, locale: str) -> str:
    """A department's name for `locale` from its stable id (`tanzhi.access.DEPARTMENTS`)."""
    if not key:
        return ""
    zh, en = DEPARTMENTS.get(key, (key, key))
    return zh if locale.startswith("zh") else en


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
    env.filters["qty"] = lambda value, unit: quantity(value, unit, locale)
    env.filters["sig"] = significant
    env.filters["pct"] = lambda share, digits=1: percent(share, digits)
    env.filters["pp"] = lambda points, digits=1: percentage_points(points, locale, digits=digits)
    chinese = locale.startswith("zh")
    # Data carries both names (name_zh/name_en); `pick` shows the one for this language.
    env.globals["pick"] = lambda zh, en: (zh or en) if chinese else (en or zh)
    env.globals["locale"] = locale
    env.filters["one_language"] = lambda text: one_language(text, locale)
    env.filters["citation"] = (lambda text: citation_zh(text)) if chinese else str
    env.globals["region_label"] = lambda code: region_label(code, locale)
    env.globals["code_name"] = code_name
    env.globals["department_label"] = lambda key: department_label(key, locale)
    env.globals["html_lang"] = "zh-CN" if locale.startswith("zh") else "en"
    return env

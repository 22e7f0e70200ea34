"""UI languages: complete catalogs compiled in memory, and numbers as each reader expects them."""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po

from tanzhi.http.i18n import (
    LOCALE_DIR,
    catalog_paths,
    format_number,
    load_translations,
    supported_locale,
)


@pytest.mark.parametrize(("value", "exp"), [
    (123456789, "1.23 亿"),
    (56789, "5.68 万"),
    (10000, "1.00 万"),
    (9999, "9999"),
    (12.5, "12.5"),
    (0, "0"),
    (-56789, "-5.68 万"),
    (99_999_999, "1.00 亿"),        # 9999.9999 万 would round to 10000.00 万
    (3.2e12, "3.20 万亿"),
    (None, "—"),
    (float("nan"), "—"),
])
def test_chinese_numbers_use_wan_and_yi(value, exp) -> None:
    assert format_number(value, "zh_CN") == exp


@pytest.mark.parametrize(("value", "exp"), [
    (123456789, "123,456,789"), (56789, "56,789"), (1234.567, "1,234.57"), (-0.5, "-0.5")])
def test_english_numbers_are_grouped_by_thousands(value, exp) -> None:
    assert format_number(value, "en") == exp


def test_digits_can_be_chosen() -> None:
    assert format_number(123456789, "zh_CN", digits=0) == "1 亿"
    assert format_number(1234.5, "en", digits=0) == "1,234"  # half-even rounding (CLDR)


DOMAIN_LOCALE_DIRS = sorted(p for p in LOCALE_DIR.parents[1].glob("*/locale") if p != LOCALE_DIR)


def _ids(locale: str) -> dict[str, str]:
    ids: dict[str, str] = {}
    for path in catalog_paths(locale, DOMAIN_LOCALE_DIRS):
        with path.open("rb") as fh:
            ids.update({m.id: m.string for m in read_po(fh) if m.id})
    return ids


def test_every_ui_string_has_a_chinese_translation() -> None:
    chinese = _ids("zh_CN")
    assert [k for k, v in chinese.items() if not v] == []
    assert set(_ids("en")) == set(chinese)


def test_domain_catalogs_merge_into_the_shell_catalog() -> None:
    translations = load_translations("zh_CN", locale_dirs=DOMAIN_LOCALE_DIRS)
    assert translations.gettext("Log in") == "登录"
    for path in catalog_paths("zh_CN", DOMAIN_LOCALE_DIRS)[1:]:
        with path.open("rb") as fh:
            some = next((m for m in read_po(fh) if m.id and m.string), None)
        if some is not None:
            assert translations.gettext(some.id) == some.string, path


def test_catalog_compiles_in_memory() -> None:
    assert load_translations("zh_CN").gettext("Log in") == "登录"
    assert load_translations("en").gettext("Log in") == "Log in"


@pytest.mark.parametrize(("asked", "exp"), [
    ("en", "en"), ("en-US", "en"), ("zh", "zh_CN"), ("zh_CN", "zh_CN"), ("fr", None), (None, None)])
def test_language_choice_maps_to_a_supported_locale(asked, exp) -> None:
    assert supported_locale(asked) == exp


def test_synthetic_badge_and_provenance_footer_render(client) -> None:
    templates = client.app.state.template_sets["en"]
    html = templates.get_template("_provenance.html").render(
        synthetic=True, json_url="/api/v1/x", provenance=[{
            "title": "Demo statistics", "title_zh": "演示统计", "edition": "2025",
            "publisher": "tanzhi", "licence": "CC0"}])
    # One language per page (issue #11 item 7): the English page says it in English.
    assert "synthetic demo data" in html and "合成演示数据" not in html
    assert "Demo statistics" in html and 'edition <span class="mono">2025</span>' in html
    assert "CC0" in html
    zh = client.app.state.template_sets["zh_CN"].get_template("_provenance.html").render(
        synthetic=False, json_url=None, provenance=[{
            "title": "Demo statistics", "title_zh": "演示统计", "edition": "2025",
            "publisher": "tanzhi", "licence": "CC0"}])
    assert "演示统计" in zh and "合成演示数据" not in zh
    marked = client.app.state.template_sets["zh_CN"].get_template("_provenance.html").render(
        synthetic=True, json_url=None, provenance=[])
    assert "合成演示数据 — 标为合成" in marked and "synthetic demo" not in marked


def test_a_msgid_means_the_same_in_every_catalog() -> None:
    # Catalogs merge into one per language, so a msgid two domains translate differently
    # would show whichever catalog merged last; each must agree (or use its own msgid).
    meanings: dict[str, dict[str, str]] = {}
    for path in catalog_paths("zh_CN", DOMAIN_LOCALE_DIRS):
        with path.open("rb") as fh:
            for m in read_po(fh):
                if m.id and m.string:
                    meanings.setdefault(m.id, {})[path.name] = m.string
    clashes = {k: v for k, v in meanings.items() if len(set(v.values())) > 1}
    assert clashes == {}

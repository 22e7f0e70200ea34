"""Chinese that reads as Chinese (issue #11 item 7).

Every GET page of the policy table that answers HTML is rendered as each role that may open it
(one demo login per role, the anonymous visitor too) in zh_CN; its visible text (no <script>,
<style> or attributes) must hold no Latin word outside `ALLOWED`: units, GWP report names,
chemical formulas, notation keys, file formats and the product's name. Codes are allowed where a
page shows them as codes (`<code>`, `.mono`, `.code` cells). The generated reports (PDF and
DOCX) are held to the same rule.

Routes, roles and parameter values come from the policy test (`test_policy.build_cases`), so a
new page is checked as soon as it has a policy row.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Iterator
from html.parser import HTMLParser

import docx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pypdf import PdfReader

from tanzhi.access import Role
from tanzhi.config import Settings
from tanzhi.kernel import make_engine, make_session_factory, unit_of_work
from tanzhi.report import inventory_report, plan_evaluation
from tanzhi.report.render import render_document
from tanzhi.web import create_app

from .conftest import keep_one_year_of_the_demo_run
from .test_policy import LOGINS, _login, build_cases, catalogue  # noqa: F401 — a fixture

# Latin words a Chinese page may carry, each for a reason.
ALLOWED = frozenset({
    # the product and file formats a user downloads or uploads
    "tanzhi", "Excel", "CSV", "PDF", "DOCX", "XLSX", "xlsx", "csv", "pdf", "docx", "JSON", "API",
    "HTML", "JPG", "PNG", "SHA", "IAMC",
    # units (SI and the field's)
    "t", "kt", "Mt", "Gg", "kg", "g", "tce", "kgce", "tCO", "kWh", "MWh", "GWh", "TWh", "kW",
    "MW", "GW", "TJ", "GJ", "PJ", "MJ", "km", "ha", "m", "h", "a", "e", "CO2e", "tCO2e",
    "Nm", "L", "yr", "MB",
    # chemical formulas and gas groups
    "CO", "CO2", "CH4", "N2O", "HFCs", "PFCs", "SF6", "NF3", "HFC", "PFC",
    # HFC-23 (the by-product gas of HCFC-22 production, IPCC 2006 vol. 3 ch. 3.10) and the
    # refrigerant number HCFC-22, written so in Chinese texts
    "HFC23", "HCFC",
    # IPCC and GWP report names
    "IPCC", "AR4", "AR5", "AR6", "SAR", "TAR", "GWP", "GWP100",
    # IPCC notation keys (2006 Guidelines vol. 1 ch. 8): not estimated, not applicable, …
    "NE", "NA", "NO", "IE", "C",
    # standards cited by number
    "GB", "T",
    # Monte Carlo (uncertainty method, IPCC 2006 vol. 1 ch. 3 approach 2)
    "Monte", "Carlo",
    # terms Chinese official texts write in Latin letters (单位GDP能耗; times in UTC)
    "GDP", "UTC",
    # licence identifiers (SPDX), names of software and publishers a source was copied from,
    # and the name of the map datum (GCJ-02)
    "MIT", "CC0", "cnmaps", "cnmetlab", "GCJ", "ghgpy", "CityCatalyst",
    # the file format name a download button offers (Word)
    "Word",
})
# English still shown, word by word, by route template (pages) and by document (reports): what
# issue #11 item 7 has not translated yet. The test fails on any new word, and on a listed word
# that is gone (take it off): the lists only shrink. Never add to them to pass. Emptied in
# session 6 (enums by label, regions by name, sources and reasons in Chinese, codes as codes).
NOT_YET_PAGES: dict[str, frozenset[str]] = {}
NOT_YET_REPORTS: dict[str, frozenset[str]] = {}
LATIN = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
# Elements whose text is a code by design (IPCC codes, region codes, identifiers, file names).
CODE_CLASSES = {"mono", "code"}


class _Text(HTMLParser):
    """Visible text of a page, code elements left out."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "area", "base", "col", "embed", "source",
            "track", "wbr", "param"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[bool] = []  # True: hidden (script, style, code)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        attributes = dict(attrs)
        classes = set((attributes.get("class") or "").split())
        # Text that declares itself English (lang="en": the language switch's "English", the
        # original title of an English-language source cited as such) is English by intent.
        english = (attributes.get("lang") or "").lower().startswith("en")
        hidden = tag in ("script", "style", "code", "template", "svg") or english or bool(
            classes & CODE_CLASSES)
        self.stack.append(hidden or (bool(self.stack) and self.stack[-1]))

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


# A file name or path a page points to (docs/decomposition.md, 模板.xlsx) is a name, not prose.
FILE_NAME = re.compile(r"[\w./-]+\.(?:md|py|csv|xlsx|xls|json|yaml|pdf|docx|zip|txt)\b")


def latin_words(text: str) -> list[str]:
    """Latin words of `text` outside the allow-list; a word glued to digits in front (an IPCC
    code such as 1A1a, a unit such as 10kV) is a code, not a word."""
    text = FILE_NAME.sub(" ", text)
    found = []
    for m in LATIN.finditer(text):
        if m.start() > 0 and text[m.start() - 1].isdigit():
            continue
        word = m.group()
        if word not in ALLOWED:
            found.append(word)
    return found


def test_the_checker_itself() -> None:
    html = ("<html><head><style>p{color:red}</style><script>var x = 1</script></head><body>"
            "<p title='hidden words'>排放 12.5 万t CO2e（AR5，NE）</p><td class='mono'>330600</td>"
            "<p>方法见 docs/decomposition.md</p>"
            "<code>count_mismatch</code><p>1A1a 能源工业 weighted</p>"
            "<a lang='en' href='?lang=en'>English</a></body></html>")
    assert latin_words(visible_text(html)) == ["weighted"]


# ---- the pages -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def settings(demo_settings: Settings) -> Settings:
    keep_one_year_of_the_demo_run(demo_settings)
    return demo_settings


@pytest.fixture(scope="module")
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture(scope="module")
def clients(app: FastAPI) -> Iterator[dict[Role, TestClient]]:
    out = {}
    for role, username in LOGINS.items():
        client = TestClient(app, raise_server_exceptions=False,
                            headers={"Accept": "text/html"}, cookies={"tanzhi_lang": "zh_CN"})
        out[role] = _login(client, username)
    yield out
    for client in out.values():
        client.close()


def _is_page(path: str) -> bool:
    return not path.startswith(("/api/", "/static", "/docs")) and not path.endswith(
        ("/logout", ".xlsx", ".csv", ".pdf", ".docx", ".zip", ".json", ".geojson", ".svg"))


def page_words(app: FastAPI, clients: dict, catalogue: tuple  # noqa: F811 — the fixture
               ) -> tuple[dict[str, set[str]], dict[str, list[str]], int]:
    """(words by route template, words by page as role and URL, pages read)."""
    cases, _ = build_cases(app, catalogue)
    seen: set[tuple[Role, str]] = set()
    by_route: dict[str, set[str]] = {}
    by_page: dict[str, list[str]] = {}
    pages = 0
    for case in cases:
        if case.method != "GET" or case.why != "own" or case.expect != "allow" \
                or not _is_page(case.path) or (case.role, case.url) in seen:
            continue
        seen.add((case.role, case.url))
        r = clients[case.role].get(case.url, follow_redirects=True)
        if "text/html" not in r.headers.get("content-type", "") or r.status_code == 404:
            continue
        pages += 1
        words = latin_words(visible_text(r.text))
        if r.status_code >= 400:
            words.append(f"<status {r.status_code}>")
        if words:
            by_page[f"{case.role.value} {case.url}"] = sorted(set(words))
            by_route.setdefault(case.path, set()).update(words)
    return by_route, by_page, pages


def ratchet(found: dict[str, set[str]], known: dict[str, frozenset[str]]) -> list[str]:
    """What `found` holds beyond `known` (new English), and what `known` lists that is gone
    (translated: take it off the list, so the list only shrinks)."""
    out = []
    for key in sorted(set(found) | set(known)):
        new = found.get(key, set()) - known.get(key, frozenset())
        gone = known.get(key, frozenset()) - found.get(key, set())
        if new:
            out.append(f"  {key}: new Latin words {' '.join(sorted(new))}")
        if gone:
            out.append(f"  {key}: no longer shown, take off NOT_YET: {' '.join(sorted(gone))}")
    return out


def test_every_page_reads_as_chinese(app: FastAPI, clients: dict,
                                     catalogue: tuple) -> None:  # noqa: F811 — the fixture
    started = time.perf_counter()
    by_route, by_page, pages = page_words(app, clients, catalogue)
    print(f"\nzh_latin: {pages} pages (route × role) in {time.perf_counter() - started:.1f} s")
    assert pages > 50
    wrong = ratchet(by_route, NOT_YET_PAGES)
    assert not wrong, "Latin words on Chinese pages (issue #11 item 7):\n" + "\n".join(wrong) \
        + "\n\nby page:\n" + "\n".join(f"  {p}: {' '.join(w)}" for p, w in by_page.items())


# ---- the reports ---------------------------------------------------------------------------

SEED_PLANS = ("hz-fyp14-climate", "jx-fyp14-climate", "sx-fyp14-climate", "tz-fyp14-climate",
              "zj-fyp14-climate")
# A figure printed with more than four decimals is a raw float (20.243261450978324).
RAW_FLOAT = re.compile(r"\d+\.\d{5,}")


def _docx_text(data: bytes) -> str:
    book = docx.Document(io.BytesIO(data))
    parts = [p.text for p in book.paragraphs]
    for table in book.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture(scope="module")
def documents(settings: Settings) -> list[tuple[str, object]]:
    """The final evaluation of every seed plan and Shaoxing's 2022 inventory report."""
    engine = make_engine(settings)
    out = []
    with unit_of_work(make_session_factory(engine), actor="test") as db:
        for plan_id in SEED_PLANS:
            out.append((f"evaluation {plan_id}", plan_evaluation(db, plan_id=plan_id,
                                                                 kind="final")))
        out.append(("inventory 330600 2022", inventory_report(db, region_code="330600",
                                                               year=2022)))
    engine.dispose()
    return out


def report_words(documents: list) -> dict[str, set[str]]:
    """Latin words and raw floats by document and format."""
    found: dict[str, set[str]] = {}
    for name, doc in documents:
        texts = {"html": visible_text(render_document(doc, "html").decode())}
        if name == "evaluation sx-fyp14-climate":
            texts["pdf"] = _pdf_text(render_document(doc, "pdf"))
            texts["docx"] = _docx_text(render_document(doc, "docx"))
        for fmt, text in texts.items():
            words = latin_words(text) + RAW_FLOAT.findall(text)
            if words:
                found[f"{name} ({fmt})"] = set(words)
    return found


def test_reports_read_as_chinese(documents: list) -> None:
    """Every document's HTML (what the PDF is printed from); the PDF and DOCX files of
    Shaoxing's final evaluation read back (PDF printing is the slow part)."""
    started = time.perf_counter()
    found = report_words(documents)
    print(f"\nzh_latin reports: {len(documents)} documents in "
          f"{time.perf_counter() - started:.1f} s")
    assert not any(RAW_FLOAT.fullmatch(w) for words in found.values() for w in words), found
    wrong = ratchet(found, NOT_YET_REPORTS)
    assert not wrong, "Latin words in Chinese reports (issue #11 item 7):\n" + "\n".join(wrong)

"""Issue #11 items 3 and 4 on a copy of the demo: the stored decomposition rounds open, an
evidence upload keeps the self-scores typed with it, and a project 谋划中 is not 开工.

One module-scoped demo copy (`demo_settings`), one app, three logins; no demo build per test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tanzhi.config import Settings
from tanzhi.kernel import make_engine, make_session_factory, unit_of_work
from tanzhi.plan import projects_as_of
from tanzhi.report import plan_evaluation
from tanzhi.web import create_app

from .conftest import demo_login

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
STARTED = ("under_construction", "completed", "suspended")


@pytest.fixture(scope="module")
def app(demo_settings: Settings) -> FastAPI:
    return create_app(demo_settings)


@pytest.fixture(scope="module")
def clients(app: FastAPI) -> Iterator[dict[str, TestClient]]:
    out = {name: demo_login(app, name) for name in ("zj.admin", "sx.city", "kq.county")}
    yield out
    for client in out.values():
        client.close()


def _text(html: str) -> str:
    html = re.sub(r"<script.*?</script>|<style.*?</style>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_every_stored_demo_round_opens_with_its_children(clients: dict) -> None:
    admin = clients["zj.admin"]
    rounds = admin.get("/api/v1/decompose/rounds").json()
    assert rounds, "the demo stores its decomposition rounds"
    for r in rounds:
        rid = r["round_id"] if "round_id" in r else r["id"]
        page = admin.get(f"/decompose/rounds/{rid}")
        assert page.status_code == 200, (rid, page.text[:500])
        twin = admin.get(f"/api/v1/decompose/rounds/{rid}").json()
        text = _text(page.text)
        children = twin["children"]
        assert children and all(c["name_zh"] in text for c in children)
        # Every child carries a positive cut (no criterion froze one at its base value) and
        # the round meets its parent.
        assert all(c["target"] > 0 and c["profile"] > 0 for c in children)
        assert twin["aggregate"]["meets"] is True


def _keqiao_row_ids(page_html: str) -> tuple[int, list[int]]:
    items = [int(i) for i in re.findall(r'data-item="(\d+)" data-kind="qualitative"', page_html)]
    assessee = int(re.search(r"/assessees/(\d+)/self", page_html).group(1))
    return assessee, items


def test_an_evidence_upload_keeps_the_scores_typed_with_it(clients: dict) -> None:
    county = clients["kq.county"]
    page = county.get("/assess/schemes/1")
    assert page.status_code == 200
    assessee, items = _keqiao_row_ids(page.text)
    first, second = items[0], items[1]
    # What the browser sends when "Upload" is pressed in row `first`: the whole self-form,
    # i.e. the scores typed but not saved, plus the chosen file.
    form = {"csrf_token": county.headers["X-CSRF-Token"], "upload": str(first),
            f"score_{first}": "8.5", f"note_{first}": "已建立工作专班",
            f"score_{second}": "7", f"note_{second}": "按时报送"}
    r = county.post(f"/assess/schemes/1/assessees/{assessee}/evidence", data=form,
                    files={f"file_{first}": ("专班文件.pdf", PDF, "application/pdf")},
                    follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    view = county.get("/api/v1/assess/schemes/1").json()
    mine = {s["item_id"]: s for s in view["scores"] if s["assessee_id"] == assessee}
    assert (mine[first]["self_score"], mine[first]["self_note"]) == (8.5, "已建立工作专班")
    assert (mine[second]["self_score"], mine[second]["self_note"]) == (7.0, "按时报送")
    assert [e["filename"] for e in mine[first]["evidence"]] == ["专班文件.pdf"]
    html = county.get("/assess/schemes/1").text
    assert f'name="score_{first}" value="8.5"' in html
    # No file chosen: a located refusal in both languages, not a 500, and nothing is lost.
    empty = county.post(f"/assess/schemes/1/assessees/{assessee}/evidence",
                        data={**form, f"score_{first}": "9"},
                        files={f"file_{first}": ("", b"", "application/octet-stream")})
    assert empty.status_code == 422
    assert "请选择要上传的佐证材料文件" in empty.text
    view = county.get("/api/v1/assess/schemes/1").json()
    assert next(s["self_score"] for s in view["scores"]
                if s["assessee_id"] == assessee and s["item_id"] == first) == 8.5


def test_a_planned_project_is_not_counted_as_started(clients: dict,
                                                     demo_settings: Settings) -> None:
    fac = make_session_factory(make_engine(demo_settings))
    with unit_of_work(fac, actor="test") as s:
        listed = projects_as_of(s, region_code="330600", year=2025)
        planned = [p for p in listed if p["status"] == "planned"]
        assert planned, "the demo registers a project 谋划中"
        assert all(not p["started"] for p in planned)
        started = [p for p in listed if p["status"] in STARTED]
        assert all(p["started"] for p in started)
        doc = plan_evaluation(s, plan_id="sx-fyp14-climate", kind="final")
    paragraphs = [b.text for sec in doc.sections for b in _blocks(sec) if hasattr(b, "text")]
    if started:
        line = next(t for t in paragraphs if "已开工重大项目" in t)
        assert f"已开工重大项目{len(started)}个" in line
        assert f"另有谋划中项目{len(planned)}个，未计入" in line
    else:  # the demo's Shaoxing: one project, 谋划中 (the report used to say 已开工重大项目1个)
        assert f"截至2025年，本地区尚无已开工的重大项目；谋划中项目{len(planned)}个。" in paragraphs
        assert not any("已开工重大项目" in t for t in paragraphs)
    text = _text(clients["sx.city"].get("/assess/projects?year=2025").text)
    assert f"开工截至 2025 {len(started)} " in text


def _blocks(section):
    yield from section.blocks
    for sub in getattr(section, "subsections", []):
        yield from _blocks(sub)

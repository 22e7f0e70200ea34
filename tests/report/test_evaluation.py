"""Plan evaluations on the demo database; the report store, pages, API and CLI around them.

The demo is built once for this module (it is the slow part); every test reads it.
"""

from __future__ import annotations

import io
import re

import pytest
from fastapi.testclient import TestClient

from tanzhi.config import Settings
from tanzhi.demo.model import DEMO_PASSWORD
from tanzhi.kernel import make_engine, make_session_factory, unit_of_work
from tanzhi.plan import get_plan, status_table
from tanzhi.report import evaluation_year, generate_report, plan_evaluation, report_output
from tanzhi.web import create_app

SEED_PLANS = ("hz-fyp14-climate", "jx-fyp14-climate", "sx-fyp14-climate", "tz-fyp14-climate",
              "zj-fyp14-climate")
TONE = {"green": "green", "yellow": "yellow", "red": "red"}


@pytest.fixture(scope="module")
def demo(demo_settings: Settings) -> Settings:
    return demo_settings


@pytest.fixture(scope="module")
def factory(demo: Settings):
    engine = make_engine(demo)
    yield make_session_factory(engine)
    engine.dispose()


def _status_table(doc):
    return next(t for t in doc.tables if t.caption.startswith("主要指标完成情况"))


def test_shaoxing_final_evaluation_shows_the_status_table_statuses(factory) -> None:
    with unit_of_work(factory, actor="test") as db:
        doc = plan_evaluation(db, plan_id="sx-fyp14-climate", kind="final")
        expected = status_table(db, "sx-fyp14-climate", year=2025)
    assert doc.title == "《绍兴市应对气候变化\"十四五\"规划》终期评估报告"
    assert [s.heading for s in doc.sections] == [
        "总体进展", "主要指标完成情况", "重点任务进展", "试点示范与重大项目", "存在问题",
        "“十五五”衔接建议"]
    table = _status_table(doc)
    assert len(table.rows) == len(expected) == 14
    status_col = [c.label for c in table.columns].index("状态")
    for row, want in zip(table.rows, expected.to_dict("records"), strict=True):
        assert row.cells[1] == want["name"]
        assert row.cells[status_col].tone == TONE.get(want["status"] or "", "grey")
    counts = expected["status"].fillna("").value_counts()
    summary = next(t for t in doc.tables if t.caption.endswith("指标状态汇总"))
    total = summary.rows[-1].cells
    assert total[1:5] == [14, counts.get("green", 0), counts.get("yellow", 0),
                          counts.get("red", 0)]
    # The defects of the plan text are listed, never fixed.
    defects = next(t for t in doc.tables if t.caption == "规划文本缺陷清单")
    assert any(r.cells[1] == "指标数量不符" for r in defects.rows)
    assert doc.synthetic


def test_midterm_evaluates_at_the_mid_point(factory) -> None:
    with unit_of_work(factory, actor="test") as db:
        plan = get_plan(db, "sx-fyp14-climate")
        doc = plan_evaluation(db, plan_id="sx-fyp14-climate", kind="midterm")
        expected = status_table(db, "sx-fyp14-climate", year=2023)
    assert evaluation_year(plan, "midterm") == 2023 and evaluation_year(plan, "final") == 2025
    assert doc.sections[-1].heading == "下一步工作建议"
    years = {str(c) for r in _status_table(doc).rows for c in r.cells
             if isinstance(c, str) and re.search(r"（20\d\d）", c)}
    assert all("2024" not in y and "2025" not in y for y in years)
    status_col = [c.label for c in _status_table(doc).columns].index("状态")
    assert [r.cells[status_col].tone for r in _status_table(doc).rows] == [
        TONE.get(s or "", "grey") for s in expected["status"].fillna("")]


def test_every_seed_plan_has_a_final_evaluation_and_reuse_works(factory, demo) -> None:
    with unit_of_work(factory, actor="test") as db:
        infos = [generate_report(db, demo.data_dir, kind="evaluation_final",
                                 parameters={"plan_id": p}, actor="test") for p in SEED_PLANS]
    assert [i.reused for i in infos] == [False] * 5
    for info in infos:
        path = demo.data_dir / "reports" / f"{info.outputs['html']['sha256']}.html"
        assert path.is_file() and info.lineage["plan_edition"]
    with unit_of_work(factory, actor="test") as db:
        again = generate_report(db, demo.data_dir, kind="evaluation_final",
                                parameters={"plan_id": "sx-fyp14-climate"}, actor="test")
        assert again.reused and again.id == infos[2].id
        content, media, _name = report_output(db, demo.data_dir, again.id, "docx")
    assert media.startswith("application/vnd.openxmlformats")
    import docx

    back = docx.Document(io.BytesIO(content))
    assert any(p.text == "二、主要指标完成情况" for p in back.paragraphs)


def _login(client: TestClient, username: str) -> None:
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = client.post("/login", data={"username": username, "password": DEMO_PASSWORD,
                                    "csrf_token": token, "next": "/"}, follow_redirects=False)
    assert r.status_code == 303


def test_pages_and_api_respect_scope(demo) -> None:
    with TestClient(create_app(demo)) as client:
        _login(client, "sx.city")
        page = client.get("/reports")
        assert page.status_code == 200
        assert 'data-plan="sx-fyp14-climate"' in page.text
        assert 'data-plan="zj-fyp14-climate"' not in page.text  # province: out of scope
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        r = client.post("/reports/generate", data={"kind": "evaluation_final",
                                                   "plan_id": "sx-fyp14-climate",
                                                   "csrf_token": token},
                        follow_redirects=False)
        assert r.status_code == 303
        report_url = r.headers["location"].split("?")[0]
        shown = client.get(report_url)
        assert "主要指标完成情况" in shown.text and "森林蓄积量" in shown.text
        rid = int(report_url.rsplit("/", 1)[1])
        api = client.get(f"/api/v1/reports/{rid}?document=true").json()
        assert api["kind"] == "evaluation_final" and api["document"]["sections"]
        listing = client.get("/api/v1/reports").json()
        assert rid in [r["id"] for r in listing["reports"]]
        denied = client.post("/api/v1/reports", json={"kind": "evaluation_final",
                                                      "plan_id": "zj-fyp14-climate"},
                             headers={"X-CSRF-Token": token})
        assert denied.status_code == 403
        pdf = client.get(f"/reports/{rid}/download/pdf")
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF") and len(pdf.content) > 20_000


def test_cli_writes_the_evaluation(demo, tmp_path, monkeypatch) -> None:
    from typer.testing import CliRunner

    from tanzhi.report import cli_app as app

    monkeypatch.setenv("TANZHI_DATA_DIR", str(demo.data_dir))
    out = tmp_path / "sx-midterm.html"
    result = CliRunner().invoke(app, ["evaluation", "sx-fyp14-climate", "--kind", "midterm",
                                      "--format", "html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "中期评估报告" in html and "表2 主要指标完成情况（基准年2020年，评估年2023年）" in html

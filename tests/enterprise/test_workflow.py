"""Report versions and the MRV workflow (issue #12 items 2-3): a month reported twice is a
located error with nothing written, approved versions never change, verification needs every
check done and every non-conformity closed, and emissions come from the account."""

from __future__ import annotations

import io
import sqlite3

import openpyxl
import pytest

from tanzhi.access import find_user
from tanzhi.enterprise import service
from tanzhi.enterprise.store import CheckRow
from tanzhi.kernel import (
    DataError,
    make_engine,
    make_session_factory,
    unit_of_work,
    verify_chain,
    verify_rows,
)

PAPER = "91330481MA2DM00030"   # 海宁演示纸业: January verified, nothing else (demo)
CERAMIC = "91331003MA2DM0004U"  # 黄岩演示陶瓷: January a draft (demo)
PDF = b"%PDF-1.4\n% evidence\n"


def _session(settings):
    return unit_of_work(make_session_factory(make_engine(settings)), actor="test")


def _count(settings, table: str) -> int:
    db = sqlite3.connect(settings.data_dir / "tanzhi.db")
    try:
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        db.close()


def test_a_month_reported_twice_is_refused_where_it_stands(world) -> None:
    before = _count(world, "enterprise_report")
    with _session(world) as s, pytest.raises(DataError) as err:
        service.create_report(s, PAPER, year=2025, month=1, gwp="AR5",
                              user=find_user(s, "ent.paper"))
    problem = err.value.problems[0]
    assert problem.location.column == "month"
    assert "2025年1月已报告" in problem.message_zh and "already reported" in problem.message_en
    assert _count(world, "enterprise_report") == before


def _sheet(rows: list[tuple]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["year", "month", "source_kind", "item", "quantity", "unit", "facility"])
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_uploaded_month_already_reported_names_its_row_and_writes_nothing(world) -> None:
    before = (_count(world, "enterprise_report"), _count(world, "enterprise_line"))
    content = _sheet([(2025, 2, "electricity", "电力", 100, "MWh", ""),
                      (2025, 1, "electricity", "电力", 100, "MWh", "")])
    with _session(world) as s, pytest.raises(DataError) as err:
        service.upload_months(s, PAPER, filename="months.xlsx", content=content, gwp="AR5",
                              user=find_user(s, "ent.paper"))
    [problem] = err.value.problems
    assert (problem.location.file, problem.location.row, problem.location.column) == (
        "months.xlsx", 3, "month")
    assert (_count(world, "enterprise_report"), _count(world, "enterprise_line")) == before


def test_an_uploaded_line_repeated_is_a_located_error(world) -> None:
    content = _sheet([(2025, 3, "electricity", "电力", 100, "MWh", ""),
                      (2025, 3, "electricity", "电力", 120, "MWh", "")])
    with _session(world) as s, pytest.raises(DataError) as err:
        service.upload_months(s, PAPER, filename="dup.xlsx", content=content, gwp="AR5",
                              user=find_user(s, "ent.paper"))
    assert err.value.problems[0].location.row == 3


def test_an_upload_makes_one_draft_per_month(world) -> None:
    content = _sheet([(2025, 4, "electricity", "电力", 100, "MWh", ""),
                      (2025, 4, "heat", "蒸汽", 50, "GJ", ""),
                      (2025, 5, "electricity", "电力", 90, "MWh", "")])
    with _session(world) as s:
        made = service.upload_months(s, PAPER, filename="ok.xlsx", content=content, gwp="AR6",
                                     user=find_user(s, "ent.paper"))
        assert [(r.month, r.status, r.gwp) for r in made] == [(4, "draft", "AR6"),
                                                               (5, "draft", "AR6")]


def test_the_whole_cycle_with_evidence_a_nonconformity_and_a_hand_computed_account(
        world) -> None:
    with _session(world) as s:
        reporter, verifier = find_user(s, "ent.ceramic"), find_user(s, "verifier.b")
        admin = find_user(s, "zj.admin")
        report = service.create_report(s, CERAMIC, year=2025, month=6, gwp="AR5",
                                       user=reporter)
        ev = service.add_evidence(s, report.id, user=reporter, filename="热力结算单.pdf",
                                  content=PDF, data_dir=world.data_dir)
        # Purchased heat 1,000 GJ × 0.11 t CO2/GJ (GB/T 32150-2015 default, via the account).
        service.add_line(s, report.id, source_kind="heat", item="热力", quantity=1000.0,
                         unit="GJ", evidence_id=ev.id)
        with pytest.raises(DataError) as unit:  # heat in tonnes: the wrong dimension
            service.add_line(s, report.id, source_kind="heat", item="热力", quantity=1.0,
                             unit="t")
        assert unit.value.problems[0].location.column == "unit"
        service.submit(s, report.id, user=reporter)
        assert report.co2e_t == pytest.approx(110.0)
        with pytest.raises(DataError) as locked:  # submitted: the enterprise edits no more
            service.add_line(s, report.id, source_kind="heat", item="热力", quantity=1.0,
                             unit="GJ")
        assert locked.value.problems[0].location.column == "status"
        service.start_verification(s, report.id, user=verifier)
        nc = service.raise_nonconformity(s, report.id, description="结算单缺12月",
                                         user=verifier)
        with pytest.raises(DataError) as early:  # checks pending, NC open
            service.verify(s, report.id, conclusion="ok", user=verifier)
        assert {p.location.column for p in early.value.problems} == {"checks",
                                                                     "nonconformity"}
        with pytest.raises(DataError):  # open, no response and no conservative estimate
            service.close(s, nc.id, note="", user=verifier)
        service.respond(s, nc.id, response="已补充", user=reporter)
        service.close(s, nc.id, note="整改到位", user=verifier)
        for check in service.report_dict(s, report)["checks"]:
            service.record_check(s, check["id"], result="conforms", note="", user=verifier)
        service.verify(s, report.id, conclusion="数据真实完整", user=verifier)
        service.approve(s, report.id, user=admin)
        assert report.status == "approved" and report.approved_by == "zj.admin"
        report_id = report.id
    with _session(world) as s:
        with pytest.raises(DataError) as frozen:
            service.add_line(s, report_id, source_kind="heat", item="热力", quantity=1.0,
                             unit="GJ")
        assert "新建修订版本" in frozen.value.problems[0].message_zh
        new = service.revise(s, report_id, user=find_user(s, "ent.ceramic"))
        assert (new.version, new.status, new.supersedes_id) == (2, "draft", report_id)
        assert [ln["quantity"] for ln in service.report_dict(s, new)["lines"]] == [1000.0]
        old = service.report_dict(s, service.get_report(s, report_id))
        assert old["emissions"]["stored"] and old["emissions"]["total_co2e_t"] == \
            pytest.approx(110.0)
        assert [st["action"] for st in old["steps"]] == ["create", "submit", "start",
                                                          "verify", "approve"]
        # Every step went through the audited session: the chain and each row's last image hold.
        assert [str(f) for f in (*verify_chain(s), *verify_rows(s))] == []


def test_a_conservative_estimate_closes_an_unrectified_nonconformity(world) -> None:
    with _session(world) as s:
        reporter, verifier = find_user(s, "ent.ceramic"), find_user(s, "verifier.b")
        report = service.create_report(s, CERAMIC, year=2025, month=7, gwp="AR5",
                                       user=reporter)
        service.add_line(s, report.id, source_kind="heat", item="热力", quantity=100.0,
                         unit="GJ")
        service.submit(s, report.id, user=reporter)
        service.start_verification(s, report.id, user=verifier)
        nc = service.raise_nonconformity(s, report.id, description="缺少外购电量凭证",
                                         user=verifier)
        # MEE 核查指南 step 5: unrectified → estimated conservatively (here 200 GJ more heat).
        service.conservative_estimate(s, report.id, source_kind="heat", item="热力",
                                      quantity=200.0, unit="GJ", note="按最大月用量估计",
                                      user=verifier)
        service.close(s, nc.id, note="采用保守估计", user=verifier)
        for check in s.query(CheckRow).filter_by(report_id=report.id):
            service.record_check(s, check.id, result="conforms", note="", user=verifier)
        service.verify(s, report.id, conclusion="含保守估计", user=verifier)
        assert report.co2e_t == pytest.approx(300 * 0.11)


def test_an_annual_report_needs_its_value_added(world) -> None:
    with _session(world) as s:
        reporter = find_user(s, "ent.ceramic")
        report = service.create_report(s, CERAMIC, year=2024, month=None, gwp="AR5",
                                       user=reporter)
        service.add_line(s, report.id, source_kind="heat", item="热力", quantity=1.0,
                         unit="GJ")
        with pytest.raises(DataError) as err:
            service.submit(s, report.id, user=reporter)
        assert err.value.problems[0].location.column == "value_added"
        with pytest.raises(DataError):
            service.set_economics(s, report.id, parts={
                "labour_10k_yuan": -5.0, "taxes_10k_yuan": 0.0,
                "depreciation_10k_yuan": 0.0, "surplus_10k_yuan": 0.0}, production=[])
        service.set_economics(s, report.id, parts={
            "labour_10k_yuan": 500.0, "taxes_10k_yuan": 120.0,
            "depreciation_10k_yuan": 200.0, "surplus_10k_yuan": 180.0},
            production=[("瓷砖", 1.2e6, "m**2")])
        assert service.value_added(report) == pytest.approx(1000.0)
        service.submit(s, report.id, user=reporter)


def test_an_uploaded_line_of_the_wrong_dimension_names_its_sheet_row(world) -> None:
    content = _sheet([(2025, 8, "electricity", "电力", 100, "MWh", ""),
                      (2025, 9, "electricity", "电力", 100, "MWh", ""),
                      (2025, 9, "heat", "热力", 5, "t", "")])
    with _session(world) as s, pytest.raises(DataError) as err:
        service.upload_months(s, PAPER, filename="dim.xlsx", content=content, gwp="AR5",
                              user=find_user(s, "ent.paper"))
    [problem] = err.value.problems
    assert (problem.location.row, problem.location.column) == (4, "unit")

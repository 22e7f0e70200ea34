"""Plan service: revisions keep history, status through status_table, warnings, webhook, nowcast."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tanzhi.access import Role, create_user
from tanzhi.kernel import DataError, make_engine, make_session_factory, unit_of_work
from tanzhi.migrate import upgrade
from tanzhi.plan import calc, service, workflow
from tanzhi.plan.store import outbox_rows

ZJ = "zj-fyp14-climate"


@pytest.fixture(scope="module")
def factory(tmp_path_factory):
    from tanzhi.config import Settings

    settings = Settings(data_dir=tmp_path_factory.mktemp("plan") / "data", secret_key="t")
    upgrade(settings)
    engine = make_engine(settings)
    factory = make_session_factory(engine)
    with unit_of_work(factory, actor="t") as s:
        service.sync_packaged_plans(s)
        for name, role, region, dept in (
                ("fgw", Role.DEPARTMENT_OFFICER, "330000", "development_reform"),
                ("fgw.hz", Role.DEPARTMENT_OFFICER, "330100", "development_reform"),
                ("linye", Role.DEPARTMENT_OFFICER, "330000", "forestry"),
                ("admin", Role.PROVINCE_ADMIN, "330000", None),
                ("hzcity", Role.CITY_OFFICER, "330100", None)):
            create_user(s, username=name, password="long-enough-pw", role=role,
                        display_name=name, region_code=region, department=dept)
    yield factory
    engine.dispose()


def _record(s, value, year=2025, indicator="non_fossil_share", region="330000", plan=ZJ):
    return workflow.record_actual(s, plan_id=plan, indicator_id=indicator, region_code=region,
                                 year=year, value=value, source="统计公报",
                                 released_on=date(2026, 3, 1), actor="fgw")


def _users(s):
    from tanzhi.access import list_users

    return {u.username: u for u in list_users(s)}


def test_revision_keeps_history_and_current_value(factory) -> None:
    with unit_of_work(factory, actor="t") as s:
        _record(s, 22.0, year=2023, indicator="forest_stock")
        second = _record(s, 22.5, year=2023, indicator="forest_stock")
        hist = service.actual_history(s, ZJ, "forest_stock", "330000")
        assert hist[["value", "revision", "superseded"]].values.tolist() == [
            [22.0, 1, True], [22.5, 2, False]]
        cur = service.current_actuals(s, ZJ, region_code="330000")
        row = cur[(cur.indicator_id == "forest_stock") & (cur.year == 2023)]
        assert row[["value", "revision", "derived"]].values.tolist() == [[22.5, 2, False]]
        assert int(row["id"].iloc[0]) == second
        with pytest.raises(DataError):
            workflow.record_actual(s, plan_id=ZJ, indicator_id="forest_stock",
                                  region_code="330000", year=2023, value=1.0, source=" ",
                                  actor="x")
        s.rollback()


def test_status_table_has_the_contract_columns_and_set_by_higher_level(factory) -> None:
    with unit_of_work(factory, actor="t") as s:
        table = service.status_table(s, ZJ)
    assert list(table.columns[:10]) == ["indicator_id", "name", "unit", "baseline", "target",
                                        "actual", "completion", "time_progress", "status",
                                        "required_annual_rate"]
    rows = table.set_index("indicator_id")
    wetland = rows.loc["wetland_area"]  # 国家下达指标, no assignment entered or packaged
    assert wetland["status_note"] == "set_by_higher_level" and wetland["status"] is None
    # the packaged, provisional assignment (national −18 %) fills CO2 intensity, source shown
    co2 = rows.loc["co2_intensity_reduction"]
    assert co2["target"] == 18.0 and co2["target_basis"].startswith("上级下达（暂定）")


@hsettings(max_examples=20, deadline=None,
           suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(a=st.floats(15, 30), b=st.floats(15, 30), year=st.integers(2021, 2025))
def test_status_is_monotone_in_the_actual_through_status_table(factory, a, b, year) -> None:
    lo, hi = sorted((a, b))
    ranks = []
    with unit_of_work(factory, actor="t") as s:
        for value in (lo, hi):
            workflow.record_actual(s, plan_id=ZJ, indicator_id="non_fossil_share",
                                  region_code="330000", year=year, value=value, source="t",
                                  actor="t")
            row = service.status_table(s, ZJ, year=year).set_index("indicator_id").loc[
                "non_fossil_share"]
            ranks.append(calc.Status(row["status"]).rank)
        s.rollback()
    assert ranks[0] <= ranks[1]


def test_amber_or_red_light_warns_the_department_until_it_clears(factory) -> None:
    with unit_of_work(factory, actor="t") as s:
        _record(s, 24.5)  # baseline 19.8 → target 24: met, green
        assert service.status_table(s, ZJ).set_index("indicator_id").loc[
            "non_fossil_share", "status"] == "green"
        before = len(outbox_rows(s))
        _record(s, 21.0)  # completion (21 − 19.8) ÷ (24 − 19.8) = 0.29 < 0.8: red
        users = _users(s)
        got = service.notifications_for(s, users["fgw"])
        assert got and got[0].kind == "status_warning"
        assert got[0].indicator_id == "non_fossil_share"
        assert got[0].indicator_name == "非化石能源占一次能源消费比重"
        assert got[0].region_name == "浙江省" and "330000" not in got[0].title_zh
        for other in ("linye", "fgw.hz", "hzcity", "admin"):
            assert service.notifications_for(s, users[other]) == []
        rows = outbox_rows(s)
        assert len(rows) == before + 1
        payload = rows[-1].payload
        assert payload["old_status"] == "green" and payload["new_status"] == "red"
        assert payload["recipients"] == ["fgw"]
        # the badge: the owner and the province admin (scope) see the one warning in force;
        # the city officer (Hangzhou scope) and another department do not
        assert service.warning_count(s, users["fgw"]) == 1
        assert service.warning_count(s, users["admin"]) == 1
        assert service.warning_count(s, users["hzcity"]) == 0
        assert service.warning_count(s, users["linye"]) == 0
        # a revision that stays red is the same warning: nothing new
        _record(s, 21.1)
        assert len(service.notifications_for(s, users["fgw"])) == len(got)
        # green again: the warning is resolved and leaves the badge, its notice stays
        _record(s, 24.2)
        assert service.warning_count(s, users["fgw"]) == 0
        assert service.warning_count(s, users["admin"]) == 0
        kept = service.notifications_for(s, users["fgw"])
        assert len(kept) == len(got) and kept[0].resolved
        assert service.mark_read(s, users["fgw"]) == len(got)
        assert service.unread_count(s, users["fgw"]) == 0


def test_plan_without_department_warns_the_region_officers(factory) -> None:
    with unit_of_work(factory, actor="t") as s:
        hz = "hz-fyp14-climate"
        _record(s, 7790, year=2024, indicator="forest_stock", region="330100", plan=hz)
        _record(s, 6800, year=2024, indicator="forest_stock", region="330100", plan=hz)
        users = _users(s)
        assert service.notifications_for(s, users["hzcity"])
        assert service.notifications_for(s, users["fgw.hz"]) == []


def test_webhook_delivery_is_signed_idempotent_and_retried(factory) -> None:
    calls = []

    def flaky(url, body, headers):
        calls.append((url, body, headers))
        if len(calls) == 1:
            raise ConnectionError("refused")
        return 204

    with unit_of_work(factory, actor="t") as s:
        _record(s, 24.5, year=2024)
        _record(s, 20.0, year=2024)
        pending = len(outbox_rows(s, status="pending"))
        assert pending >= 1
        first = service.deliver_outbox(s, url="http://127.0.0.1:9/hook", secret="k", send=flaky)
        assert first["retry"] == 1 and first["delivered"] == pending - 1
        second = service.deliver_outbox(s, url="http://127.0.0.1:9/hook", secret="k", send=flaky)
        assert second["delivered"] == 1 and outbox_rows(s, status="pending") == []
        from tanzhi.plan.store import attempt_rows

        retried = [r for r in outbox_rows(s) if r.attempts == 2]
        assert len(retried) == 1 and attempt_rows(s, retried[0].id)[0].error.startswith(
            "ConnectionError")
    _url, body, headers = calls[-1]
    assert service.verify_signature("k", headers, body)
    assert not service.verify_signature("other", headers, body)
    assert not service.verify_signature("k", headers, body + b" ")
    assert headers["Idempotency-Key"].startswith("light:")
    assert json.loads(body)["event"] == "status_warning"


def test_overdue_reports_warn_once(factory) -> None:
    with unit_of_work(factory, actor="t") as s:
        first = service.check_overdue(s, date(2026, 11, 21))
        assert first > 0
        assert service.check_overdue(s, date(2026, 11, 21)) == 0
        users = _users(s)
        kinds = {n.kind for n in service.notifications_for(s, users["linye"])}
        assert kinds == {"report_overdue"}


def test_start_next_plan_takes_baselines_from_actuals(factory) -> None:
    with unit_of_work(factory, actor="t") as s:
        _record(s, 4.41, year=2025, indicator="forest_stock")
        new = service.start_next_plan(s, ZJ, period_start=2026, period_end=2030)
        assert (new.id, new.base_year, new.period_end) == ("zj-fyp15-climate", 2025, 2030)
        fs = new.indicator("forest_stock")
        assert fs.baseline.value == 4.41 and fs.target.kind == "not_stated"
        assert new.indicator("co2_intensity_reduction").target.kind == "set_by_higher_level"
        assert new.indicator("zero_carbon_pilots").baseline.value is None
        assert "十五五" in new.title_zh
        assert service.get_plan(s, "zj-fyp15-climate") == new
        s.rollback()


@given(ytd=st.floats(1, 1e6), shares=st.lists(st.floats(0.05, 1.0), min_size=1, max_size=6),
       scale=st.floats(0.1, 10))
def test_nowcast_interval_contains_estimate_and_scales(ytd, shares, scale) -> None:
    est = calc.nowcast_from_shares(ytd, shares)
    assert est.low <= est.value * (1 + 1e-12) and est.value <= est.high * (1 + 1e-12)
    scaled = calc.nowcast_from_shares(ytd * scale, shares)
    assert scaled.value == pytest.approx(est.value * scale, rel=1e-9)


@given(annual=st.floats(1, 1e5), share=st.floats(0.1, 1.0), n=st.integers(1, 5))
def test_nowcast_is_exact_when_the_seasonal_share_repeats(annual, share, n) -> None:
    est = calc.nowcast_from_shares(annual * share, [share] * n)
    assert est.value == pytest.approx(annual) and est.low == pytest.approx(est.high)


def test_an_entered_assignment_relights_and_warns_the_owner(factory) -> None:
    with unit_of_work(factory, actor="t") as s:
        users = _users(s)
        _record(s, 101.0, year=2025, indicator="wetland_area")  # 国家下达: no target yet
        assert service.warning_count(s, users["linye"]) == 0
        # baseline 100 (printed) → 110: completion (101 − 100) ÷ 10 = 0.1 → red, 省林业局 warned
        service.enter_assignment(s, plan_id=ZJ, indicator_id="wetland_area", value=110.0,
                                 source="国家下达文件（测试）", actor="t")
        assert service.warning_count(s, users["linye"]) == 1
        (warning,) = [w for w in service.open_warnings(s, users["linye"])]
        assert (warning.indicator_name, warning.region_name, warning.light) == (
            "湿地保有量", "浙江省", "red")
        # → 101: met, green; the warning is resolved
        service.enter_assignment(s, plan_id=ZJ, indicator_id="wetland_area", value=101.0,
                                 source="国家下达文件（修订）", actor="t")
        assert service.warning_count(s, users["linye"]) == 0
        s.rollback()

"""Decomposition rounds on the demo statistics: versions, adoption, the workbook, the CLI."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
import typer
from typer.testing import CliRunner

from tanzhi.config import Settings
from tanzhi.demo.calc import generate
from tanzhi.kernel import (
    DataError,
    make_engine,
    make_session_factory,
    packaged_regions,
    seed_regions,
    unit_of_work,
    write_statistics,
)
from tanzhi.plan import service as plan_service
from tanzhi.plan.decompose import service
from tanzhi.plan.decompose.cli import decompose_command


def _build(settings: Settings):
    """The demo statistics (not the other domains' demo rows) on a migrated database."""
    engine = make_engine(settings)
    factory = make_session_factory(engine)
    with unit_of_work(factory, actor="test") as session:
        seed_regions(session)
        frame = generate(packaged_regions())
        for (dataset, synthetic), part in frame.groupby(["dataset", "synthetic"], sort=True):
            write_statistics(session, part.drop(columns=["dataset", "synthetic"]),
                             dataset=str(dataset), synthetic=bool(synthetic))
    return engine, factory


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, migrated_copy):
    settings = migrated_copy(tmp_path_factory.mktemp("dec") / "data")
    engine, factory = _build(settings)
    yield settings, factory
    engine.dispose()


def test_rounds_are_versioned_and_adoption_moves(demo) -> None:
    _, factory = demo
    with unit_of_work(factory, actor="sx.city") as s:
        a = service.run_round(s, plan_id="sx-fyp14-climate", indicator_id="energy_intensity",
                              method="equal", save=True, actor="sx.city", name="A")
        b = service.run_round(s, plan_id="sx-fyp14-climate", indicator_id="energy_intensity",
                              method="weighted", save=True, actor="sx.city", name="B")
        assert a.parent_target == 16.5  # the Shaoxing text's own 16.5 %
        assert a.aggregate["meets"] and b.aggregate["meets"]
        assert len(a.children) == 6  # 越城 柯桥 上虞 新昌 诸暨 嵊州
        service.adopt_round(s, a.round_id, actor="sx.city")
        service.adopt_round(s, b.round_id, actor="sx.city")
        adopted = plan_service.adopted_child_targets(s, "sx-fyp14-climate")
        assert set(adopted["round_id"]) == {b.round_id}
        assert list(adopted.columns) == ["indicator_id", "region_code", "target", "round_id"]
        assert not service.get_round(s, a.round_id).adopted
        stored = service.get_round(s, b.round_id)
        assert stored.children["target"].tolist() == pytest.approx(b.children["target"].tolist())
        assert stored.sources and stored.weights
        both = service.compare_rounds(s, [a.round_id, b.round_id])
        assert {f"round_{a.round_id}", f"round_{b.round_id}"} <= set(both.columns)


def test_shaoxing_parent_comes_from_the_adopted_provincial_round(demo) -> None:
    _, factory = demo
    with unit_of_work(factory, actor="zj.admin") as s:
        zj = service.run_round(s, plan_id="zj-fyp14-climate",
                               indicator_id="co2_intensity_reduction", method="intensity",
                               save=True)
        assert zj.provisional and zj.parent_target == 18.0
        service.adopt_round(s, zj.round_id, actor="zj.admin")
        sx_target = float(zj.children.set_index("region_code").loc["330600", "target"])
        sx = service.run_round(s, plan_id="sx-fyp14-climate",
                               indicator_id="co2_intensity_reduction", method="weighted")
        assert sx.parent_target == pytest.approx(sx_target)
        assert "adopted round" in sx.parent_target_source_en
        assert sx.aggregate["aggregate"] == pytest.approx(sx_target, abs=1e-9)


def test_infeasible_bounds_write_nothing(demo) -> None:
    _, factory = demo
    with pytest.raises(DataError, match="infeasible"), unit_of_work(factory, actor="t") as s:
        codes = service.run_round(s, plan_id="sx-fyp14-climate", indicator_id="energy_intensity",
                                  method="equal").children["region_code"]
        service.run_round(s, plan_id="sx-fyp14-climate", indicator_id="energy_intensity",
                          method="equal", caps=dict.fromkeys(codes, 5.0), save=True)


def test_workbook_has_the_official_layout(demo) -> None:
    _, factory = demo
    with unit_of_work(factory, actor="t") as s:
        r = service.run_round(s, plan_id="sx-fyp14-climate",
                              indicator_id="co2_intensity_reduction", method="weighted",
                              save=True, parent_target=18.0)
        data = service.allocation_workbook(service.get_round(s, r.round_id))
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["分解表"]
    assert sheet["A1"].value == "各县（市、区）“十四五”单位GDP二氧化碳排放降低目标分解表"
    assert [c.value for c in sheet[3]][:4] == ["序号", "地区", "2020年排放强度（吨CO2/万元）",
                                              "2025年比2020年降低（%）"]
    names = [sheet.cell(row=i, column=2).value for i in range(4, 10)]
    assert "越城区" in names
    targets = [sheet.cell(row=i, column=4).value for i in range(4, 10)]
    assert targets == pytest.approx(r.children["target"].tolist())
    assert sheet.cell(row=10, column=4).value == 18.0
    notes = " ".join(str(sheet.cell(row=i, column=1).value) for i in range(12, 20))
    assert "满足上级目标" in notes and "综合指数权重" in notes
    assert "测算依据" in book.sheetnames


def test_weights_file_errors_name_row_and_column(tmp_path: Path) -> None:
    good = tmp_path / "w.csv"
    good.write_text("criterion,weight\nequity,1\n潜力-强度,3\n", encoding="utf-8")
    assert service.read_weights(good) == {"equity": 1.0, "potential_intensity": 3.0}
    bad = tmp_path / "bad.csv"
    bad.write_text("criterion,weight\nequity,1\nwealth,2\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        service.read_weights(bad)
    assert "bad.csv" in str(err.value) and "3" in str(err.value) and "wealth" in str(err.value)
    neg = tmp_path / "neg.csv"
    neg.write_text("criterion,weight\nequity,-1\n", encoding="utf-8")
    with pytest.raises(DataError):
        service.read_weights(neg)


@pytest.fixture
def cli_app() -> typer.Typer:
    app = typer.Typer()
    app.command("decompose")(decompose_command)
    app.command("noop")(lambda: None)  # a group, so the command name is part of the call
    return app


def test_cli_contract_csv(demo, cli_app, monkeypatch, tmp_path) -> None:
    settings, _ = demo
    monkeypatch.setenv("TANZHI_DATA_DIR", str(settings.data_dir))
    weights = tmp_path / "w.csv"
    weights.write_text("criterion,weight\nequity,0.5\npotential_intensity,0.5\n")
    result = CliRunner().invoke(cli_app, [
        "decompose", "zj-fyp14-climate", "co2_intensity_reduction", "--method", "weighted",
        "--weights", str(weights), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["region_code", "name", "base_value", "target", "profile", "bound",
                             "check"]
    assert len(rows) == 12  # 11 cities and the check row
    assert rows[-1]["region_code"] == "330000"
    assert rows[-1]["check"].startswith("meets parent target 18")
    assert float(rows[-1]["target"]) == pytest.approx(18.0, abs=1e-8)


def test_cli_refuses_an_unknown_indicator(demo, cli_app, monkeypatch) -> None:
    settings, _ = demo
    monkeypatch.setenv("TANZHI_DATA_DIR", str(settings.data_dir))
    result = CliRunner().invoke(cli_app, ["decompose", "sx-fyp14-climate",
                                          "forest_stock", "--method", "equal"])
    assert result.exit_code == 1
    assert "不是可分解" in result.output or "not a decomposable" in result.output


def test_round_storage_on_each_backend(migrated_storage_settings: Settings) -> None:
    engine, factory = _build(migrated_storage_settings)
    try:
        with unit_of_work(factory, actor="t") as s:
            written = service.demo_seed(s)
        assert written == 3 + 11 + 6 + 6  # rounds, then each round's children
        with unit_of_work(factory, actor="t") as s:
            zj = plan_service.adopted_child_targets(s, "zj-fyp14-climate")
            sx = plan_service.adopted_child_targets(s, "sx-fyp14-climate")
            assert len(zj) == 11 and len(sx) == 6 + 6  # CO2 and energy intensity
            sx_parent = float(zj.set_index("region_code").loc["330600", "target"])
            assert service.get_round(s, int(sx["round_id"].iloc[0])).parent_target == (
                pytest.approx(sx_parent))
    finally:
        engine.dispose()

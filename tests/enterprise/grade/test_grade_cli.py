"""`tanzhi enterprise grade` — the CLI contract of issue #12 (README)."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import yaml

from tanzhi.kernel import dataset_dir

from .cases import ROWS, code, frame


def test_csv_to_csv_stdout(tanzhi_cli: Callable, tmp_path: Path) -> None:  # type: ignore[type-arg]
    source = tmp_path / "firms.csv"
    frame().to_csv(source, index=False)
    result = tanzhi_cli("enterprise", "grade", str(source))
    assert result.returncode == 0, result.stderr
    out = pd.read_csv(io.StringIO(result.stdout), dtype={"credit_code": str})
    assert len(out) == len(ROWS)
    for column in ("l_value", "band", "industry_l", "k_value", "grade", "category"):
        assert column in out.columns
    row = out[(out.credit_code == code(8)) & (out.period == 2024)].iloc[0]
    assert (row.band, row.grade, row.category) == ("高碳", 3, "高碳高效")


def test_parquet_in_json_and_parquet_out(tanzhi_cli: Callable, tmp_path: Path) -> None:  # type: ignore[type-arg]
    source = tmp_path / "firms.parquet"
    data = frame()
    for column in data.columns[4:]:
        data[column] = data[column].astype(float)
    data.to_parquet(source, index=False)
    out_json = tmp_path / "graded.json"
    result = tanzhi_cli("enterprise", "grade", str(source), "--format", "json", "-o", str(out_json))
    assert result.returncode == 0, result.stderr
    records = json.loads(out_json.read_text(encoding="utf-8"))
    first = next(r for r in records if r["credit_code"] == code(1) and r["period"] == "2024")
    assert (first["band"], first["grade"], first["category"]) == ("低碳", 1, "低碳高效")
    out_parquet = tmp_path / "graded.parquet"
    result = tanzhi_cli("enterprise", "grade", str(source), "--format", "parquet",
                        "-o", str(out_parquet))
    assert result.returncode == 0, result.stderr
    assert len(pd.read_parquet(out_parquet)) == len(ROWS)


def test_bad_input_exits_2_with_a_located_bilingual_message(
        tanzhi_cli: Callable, tmp_path: Path) -> None:  # type: ignore[type-arg]
    data = frame()
    data.loc[4, "value_added_10k_yuan"] = "0"
    source = tmp_path / "firms.csv"
    data.to_csv(source, index=False)
    out = tmp_path / "graded.csv"
    result = tanzhi_cli("enterprise", "grade", str(source), "-o", str(out))
    assert result.returncode == 2
    assert "第 6 行" in result.stderr and "row 6" in result.stderr
    assert "value_added_10k_yuan" in result.stderr
    assert not out.exists()


def test_rules_option_and_bad_rules(tanzhi_cli: Callable, tmp_path: Path) -> None:  # type: ignore[type-arg]
    source = tmp_path / "firms.csv"
    frame().to_csv(source, index=False)
    folder = tmp_path / "strict"
    shutil.copytree(dataset_dir("carbon-efficiency-rules"), folder)
    meta = yaml.safe_load((folder / "meta.yaml").read_text(encoding="utf-8"))
    meta["edition"] = "strict"
    meta["rules"]["grades"][0]["max"] = 0.5  # grade 1 only up to K 0.5: firm 1 (K 0.6) → grade 2
    (folder / "meta.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
    result = tanzhi_cli("enterprise", "grade", str(source), "--rules", str(folder),
                        "--format", "json")
    assert result.returncode == 0, result.stderr
    first = next(r for r in json.loads(result.stdout)
                 if r["credit_code"] == code(1) and r["period"] == "2024")
    assert (first["grade"], first["rules"]) == (2, "carbon-efficiency-rules@strict")
    meta["rules"]["grades"][0]["max"] = 0.9  # no longer rising: 0.9 then 0.8
    (folder / "meta.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
    result = tanzhi_cli("enterprise", "grade", str(source), "--rules", str(folder))
    assert result.returncode == 2
    assert "rise strictly" in result.stderr
    assert "评价规则无效" in result.stderr and "meta.yaml" in result.stderr

"""The rule set is data: replaceable (--rules), validated, errors located (issue #12 item 4)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from tanzhi.enterprise import grade_frame, load_rules
from tanzhi.kernel import ConsistencyError, DataError, dataset_dir

from .cases import code, frame


def _copy(tmp_path: Path, edit: dict[str, object], edition: str = "custom-1") -> Path:
    folder = tmp_path / edition
    shutil.copytree(dataset_dir("carbon-efficiency-rules"), folder)
    meta = yaml.safe_load((folder / "meta.yaml").read_text(encoding="utf-8"))
    meta["edition"] = edition
    meta["rules"].update(edit)
    (folder / "meta.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
    return folder


def test_a_replacement_rule_set_changes_the_grades(tmp_path: Path) -> None:
    # Lower the low-carbon bound to 0.5: firm 1 (L 0.6) moves from 低碳 to 中碳.
    bands = [{"code": "low", "name_zh": "低碳", "name_en": "low-carbon", "max": 0.5},
             {"code": "medium", "name_zh": "中碳", "name_en": "medium-carbon", "max": 2.0},
             {"code": "high", "name_zh": "高碳", "name_en": "high-carbon", "max": None}]
    rules = load_rules(_copy(tmp_path, {"bands": bands}) / "meta.yaml")
    assert rules.ref == "carbon-efficiency-rules@custom-1"
    graded = grade_frame(frame(), rules, file="in.csv")
    row = graded[(graded.credit_code == code(1)) & (graded.period == "2024")].iloc[0]
    assert row.band == "中碳"
    assert row.rules == "carbon-efficiency-rules@custom-1"


@pytest.mark.parametrize(("edit", "key", "message"), [
    ({"grades": [{"grade": 1, "max": 0.8}, {"grade": 2, "max": 0.6}, {"grade": 3, "max": None}]},
     "rules", "rise strictly"),
    ({"matrix": {"low": ["watch"], "medium": ["watch"], "high": ["watch"]}}, "rules",
     "needs 5 entries"),
    ({"tolerance": "small"}, "rules.tolerance", "valid number"),
    ({"colour": "red"}, "rules.colour", "Extra inputs"),
])
def test_bad_rules_are_located(tmp_path: Path, edit: dict[str, object], key: str,
                               message: str) -> None:
    folder = _copy(tmp_path, edit)
    with pytest.raises(DataError) as err:
        load_rules(folder)
    problem = err.value.problems[0]
    assert problem.location.file == str(folder / "meta.yaml")
    assert problem.location.column == key
    assert message in problem.message_en
    assert "评价规则无效" in problem.message_zh


def test_an_edited_industry_table_must_carry_its_checksum(tmp_path: Path) -> None:
    folder = _copy(tmp_path, {})
    with (folder / "data.csv").open("a", encoding="utf-8") as fh:
        fh.write("47,E,房屋建筑业,Construction of buildings,47\n")
    with pytest.raises(ConsistencyError, match="checksum"):
        load_rules(folder)


def test_missing_rules_folder() -> None:
    with pytest.raises(DataError, match="rule-set folder not found"):
        load_rules(Path("/nonexistent/rules"))

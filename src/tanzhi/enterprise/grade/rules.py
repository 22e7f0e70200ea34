"""Load a carbon-efficiency rule set: the packaged edition or a file given with ``--rules``.

A rule set is a dataset edition folder (DESIGN.md "Data and provenance"): ``meta.yaml`` with the
usual provenance keys plus a ``rules:`` block, and ``data.csv`` with the industry table.  To make
your own, copy ``src/tanzhi/data/carbon-efficiency-rules/db33t1347-2023`` to a folder named after
your edition, set ``edition`` to that name and edit ``rules:``; if you edit ``data.csv`` put its
SHA-256 in ``sha256``.  Every problem is reported with file and key (or row and column).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pydantic import ValidationError

from tanzhi.enterprise.grade.model import GradingRules, IndustryGroup, RuleSet
from tanzhi.kernel import DataError, Location, Problem, dataset_dir, load_meta, verify_dataset

DATASET = "carbon-efficiency-rules"
META_FILE = "meta.yaml"
DATA_FILE = "data.csv"
INDUSTRY_COLUMNS = ("division", "section", "name_zh", "name_en", "group")


def load_rules(path: Path | str | None = None) -> RuleSet:
    """The rule set at `path` (an edition folder or its meta.yaml), else the packaged latest.

    Raises
    ------
    DataError
        Missing keys, bad thresholds or matrix, a malformed industry table — each located.
    ConsistencyError
        ``data.csv`` differs from the checksum in meta.yaml, or the edition is not the folder name.
    """
    if path is None:
        folder = dataset_dir(DATASET)
    else:
        folder = Path(path)
        if folder.name == META_FILE:
            folder = folder.parent
        if not folder.is_dir():
            raise DataError.at("找不到规则文件夹", "rule-set folder not found", file=str(path))
    meta_file = str(folder / META_FILE)
    load_meta(folder)  # located errors for the provenance keys first
    meta = verify_dataset(folder)
    raw = (meta.model_extra or {}).get("rules")
    if not isinstance(raw, dict):
        raise DataError.at("元数据缺少 rules 块", "meta.yaml has no 'rules:' mapping",
                           file=meta_file, column="rules")
    try:
        rules = GradingRules.model_validate(raw)
    except ValidationError as exc:
        raise DataError([
            Problem(f"评价规则无效：{err['msg']}", f"invalid rule: {err['msg']}",
                    Location(meta_file, None, ".".join(["rules", *map(str, err["loc"])])))
            for err in exc.errors()
        ]) from exc
    industries = _industries(folder / DATA_FILE)
    return RuleSet(ref=str(meta.ref), source=str(meta.citation), rules=rules,
                   industries=industries)


def _industries(path: Path) -> tuple[IndustryGroup, ...]:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in INDUSTRY_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError.at(f"行业表缺少列：{'、'.join(missing)}",
                           f"industry table lacks columns: {', '.join(missing)}", file=str(path))
    problems: list[Problem] = []
    seen: set[str] = set()
    out = []
    for i, rec in enumerate(frame.to_dict("records"), start=2):
        division = rec["division"].strip()
        if not (len(division) == 2 and division.isdigit()):
            problems.append(Problem("国民经济行业大类代码应为 2 位数字",
                                    "a GB/T 4754-2017 division code has 2 digits",
                                    Location(str(path), i, "division")))
            continue
        if division in seen:
            problems.append(Problem(f"行业大类 {division} 重复",
                                    f"division {division} appears twice",
                                    Location(str(path), i, "division")))
        if not rec["group"].strip():
            problems.append(Problem("行业分组为空", "industry group is empty",
                                    Location(str(path), i, "group")))
        seen.add(division)
        out.append(IndustryGroup(division, rec["section"].strip(), rec["name_zh"].strip(),
                                 rec["name_en"].strip(), rec["group"].strip()))
    if problems:
        raise DataError(problems)
    return tuple(out)

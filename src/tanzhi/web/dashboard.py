"""The dashboard's key-statistics card: population, GDP, energy and stated figures by region."""

from __future__ import annotations

from typing import Any

import pandas as pd
from pydantic import BaseModel
from sqlalchemy.orm import Session

from tanzhi.kernel import read_statistics

# The card compares the 14th FYP base year with the latest demo year; the chart spans both plans.
KEY_YEARS = (2020, 2025)
SERIES_YEARS = tuple(range(2015, 2026))
SYNTHETIC_DATASET = "demo"  # the demo model's dataset (docs/demo-model.md)
COMPUTED_DATASET = "computed"

# (key, variable, sector, item, label_zh, label_en, qualifier_zh, qualifier_en, digits):
# the rows always shown.
CORE_ROWS = (
    ("population", "population", "", "total", "常住人口", "Resident population", "", "", 2),
    ("gdp_current", "gdp", "", "current", "地区生产总值", "GDP", "现价", "current prices", 2),
    ("gdp_constant", "gdp", "", "constant_2020", "地区生产总值", "GDP", "2020 年不变价",
     "constant 2020 prices", 2),
    ("energy_total", "energy_total", "", "", "能源消费总量", "Total energy consumption", "", "", 2),
)
INTENSITY_ROW = ("energy_intensity", "", "", "", "单位 GDP 能耗", "Energy intensity",
                 "2020 年不变价，计算值", "constant 2020 prices, computed", 3)
# Rows shown only where a plan states them for the region (synthetic = False in the demo).
STATED_ROWS = (
    ("share_coal", "energy_share", "coal", "", "煤炭占能源消费比重", "Coal share of energy use",
     "", "", 2),
    ("share_nonfossil", "energy_share", "nonfossil", "", "非化石能源占比",
     "Non-fossil share of energy use", "", "", 2),
    ("coal_consumption", "coal_consumption", "", "", "煤炭消费总量", "Coal consumption", "原煤",
     "raw coal", 2),
    ("coal_industrial", "coal_industrial", "", "", "规上工业煤炭消耗",
     "Coal burnt by large industry", "原煤", "raw coal", 2),
    ("intensity_stated_current", "energy_intensity", "current", "", "单位 GDP 能耗",
     "Energy intensity", "现价，规划文本", "current prices, as stated", 3),
    ("intensity_stated_2015", "energy_intensity", "2015", "", "单位 GDP 能耗",
     "Energy intensity", "2015 年价，规划文本", "2015 prices, as stated", 3),
)
# Stored unit → (factor to the base unit, base unit) for Chinese 万/亿 display, English label.
UNITS: dict[str, tuple[float, str, str]] = {
    "万人": (1e4, "人", "10⁴ persons"),
    "亿元": (1e8, "元", "10⁸ yuan"),
    "万吨标准煤": (1e4, "吨标准煤", "10⁴ tce"),
    "万吨": (1e4, "吨", "10⁴ t"),
    "亿吨": (1e8, "吨", "10⁸ t"),
    "吨标准煤/万元": (1.0, "吨标准煤/万元", "tce per 10⁴ yuan"),
    "%": (1.0, "%", "%"),
}
# Seed plans behind the `seed:<stem>` datasets (titles from reference/notes/seed-00*.md).
SEED_TITLES: dict[str, tuple[str, str]] = {
    "000_5b9c0dedd36a97f3": ("绍兴市应对气候变化“十四五”规划",
                             "Shaoxing Climate Change 14th Five-Year Plan"),
    "001_dba4b4d0542e8c69": ("嘉兴市应对气候变化“十四五”规划",
                             "Jiaxing Climate Change 14th Five-Year Plan"),
    "002_877d30101e901f59": ("浙江省应对气候变化“十四五”规划",
                             "Zhejiang Climate Change 14th Five-Year Plan"),
    "003_46e059fa6ebfa811": ("杭州市应对气候变化“十四五”规划",
                             "Hangzhou Climate Change 14th Five-Year Plan"),
    "004_3986e71a920a51c8": ("台州市应对气候变化“十四五”规划（征求意见稿）",
                             "Taizhou Climate Change 14th Five-Year Plan (draft for comment)"),
}


class StatValue(BaseModel):
    """One figure on the card, with where it comes from."""

    year: int
    value: float
    synthetic: bool
    dataset: str
    note: str
    computed: bool = False


class StatRow(BaseModel):
    """One indicator: its label, stored unit (with display helpers) and values by year."""

    key: str
    label_zh: str
    label_en: str
    qualifier_zh: str
    qualifier_en: str
    unit: str
    unit_en: str
    unit_base: str
    unit_scale: float
    digits: int
    values: dict[int, StatValue]


class KeyStatsOut(BaseModel):
    """The key-statistics card of a region, and the 2015–2025 series of its chart."""

    years: list[int]
    rows: list[StatRow]
    series_years: list[int]
    series: dict[str, list[float | None]]
    series_synthetic: dict[str, list[bool]]
    synthetic: bool
    datasets: list[str]


def _pick(frame: pd.DataFrame, variable: str, sector: str, item: str) -> pd.DataFrame:
    """Rows of one series, one per year: a stated (non-synthetic) row wins over a demo row."""
    part = frame[(frame["variable"] == variable) & (frame["sector"] == sector)
                 & (frame["item"] == item)]
    return part.sort_values(["year", "synthetic"]).drop_duplicates("year", keep="first")


def _value(row: Any) -> StatValue:
    return StatValue(year=int(row.year), value=float(row.value), synthetic=bool(row.synthetic),
                     dataset=str(row.dataset), note=str(row.note))


def _row(spec: tuple, unit: str, values: dict[int, StatValue]) -> StatRow:
    key, _var, _sec, _item, zh, en, qual_zh, qual_en, digits = spec
    scale, base, unit_en = UNITS.get(unit, (1.0, unit, unit))
    return StatRow(key=key, label_zh=zh, label_en=en, qualifier_zh=qual_zh,
                   qualifier_en=qual_en, unit=unit, unit_en=unit_en,
                   unit_base=base, unit_scale=scale, digits=digits, values=values)


def key_statistics(db: Session, code: str) -> KeyStatsOut | None:
    """The key-statistics card of region `code`; None when no statistics are stored for it.

    Energy intensity is computed here as `energy_total` (万吨标准煤) ÷ GDP at constant 2020
    prices (亿元), which is tce per 万元 since both carry a factor 10⁴; it is synthetic when
    either input is.
    """
    variables = sorted({s[1] for s in CORE_ROWS + STATED_ROWS})
    frame = read_statistics(db, region_codes=[code], variables=variables, years=SERIES_YEARS)
    if frame.empty:
        return None
    rows: list[StatRow] = []
    picked: dict[str, pd.DataFrame] = {}
    for spec in CORE_ROWS:
        part = _pick(frame, *spec[1:4])
        picked[spec[0]] = part
        key_part = part[part["year"].isin(KEY_YEARS)]
        unit = str(part["unit"].iloc[0]) if len(part) else ""
        rows.append(_row(spec, unit, {int(r.year): _value(r) for r in key_part.itertuples()}))
    energy = {v.year: v for v in rows[3].values.values()}
    gdp = {v.year: v for v in rows[2].values.values()}
    intensity = {}
    for year in KEY_YEARS:
        if year in energy and year in gdp and gdp[year].value:
            e, g = energy[year], gdp[year]
            intensity[year] = StatValue(
                year=year, value=e.value / g.value, synthetic=e.synthetic or g.synthetic,
                dataset=COMPUTED_DATASET, computed=True,
                note=f"energy_total ({e.dataset}) ÷ gdp constant_2020 ({g.dataset})")
    rows.append(_row(INTENSITY_ROW, "吨标准煤/万元", intensity))
    for spec in STATED_ROWS:
        part = _pick(frame, *spec[1:4])
        part = part[part["year"].isin(KEY_YEARS) & ~part["synthetic"]]
        if len(part):
            rows.append(_row(spec, str(part["unit"].iloc[0]),
                             {int(r.year): _value(r) for r in part.itertuples()}))
    series: dict[str, list[float | None]] = {}
    flags: dict[str, list[bool]] = {}
    for key in ("energy_total", "gdp_constant", "gdp_current"):
        by_year = {int(r.year): r for r in picked[key].itertuples()}
        series[key] = [float(by_year[y].value) if y in by_year else None for y in SERIES_YEARS]
        flags[key] = [bool(by_year[y].synthetic) if y in by_year else False
                      for y in SERIES_YEARS]
    shown = [v for r in rows for v in r.values.values()]
    datasets = {v.dataset for v in shown if not v.computed}
    datasets |= {p for k in series for p in picked[k]["dataset"]}
    return KeyStatsOut(
        years=list(KEY_YEARS), rows=rows, series_years=list(SERIES_YEARS), series=series,
        series_synthetic=flags,
        synthetic=any(v.synthetic for v in shown) or any(any(f) for f in flags.values()),
        datasets=sorted(datasets))


def dataset_sources(datasets: list[str]) -> list[dict[str, str]]:
    """Provenance entries (Source fields) for the statistics datasets a card shows."""
    out: list[dict[str, str]] = []
    for name in datasets:
        if name == SYNTHETIC_DATASET:
            out.append({
                "title": "Tanzhi demo data model (docs/demo-model.md): synthetic statistics "
                         "calibrated to the seed plans' stated figures",
                "title_zh": "碳智演示数据模型（docs/demo-model.md）："
                            "按规划文本数据校准的合成统计数据",
                "edition": "demo", "publisher": "tanzhi", "licence": "synthetic, not official"})
        elif name.startswith("seed:"):
            stem = name.removeprefix("seed:")
            zh, en = SEED_TITLES.get(stem, (f"规划文本 {stem}", f"Plan text {stem}"))
            out.append({"title": f"{en} — figures quoted from the text", "title_zh":
                        f"《{zh}》— 文中所列数据", "edition": stem,
                        "publisher": "seed plan text", "licence": "public government document"})
    return out


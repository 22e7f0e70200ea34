"""Build data/factors/cn-grid-series/<edition>: the grid-factor years MEE/NBS did not publish.

Dev-only; run from the repository root:

    uv run python scripts/build_grid_series.py

Issue #9: the CLI had no grid factor for 2015–2020 and 2024–2025, and the database path filled
gaps with the nearest year and, in 2023, switched from Zhejiang's provincial factor to the East
China regional one (+6.7 %), an artefact in every intensity trend across 2022/2023.  This
dataset completes the published series (dataset cn-grid-average, which keeps its own ids)
for every region it covers and every year 2005–2025, by one written rule per value:

1. published (cn-grid-average): used as published; not repeated here;
2. a province in a year its regional grid is published but it is not: the grid's value × the
   mean ratio province/grid over the years both are published (IPCC 2006 Vol.1 Ch.5
   §5.3.3.2, overlap splicing); id suffix ``ratio-<grid>-<years>``;
3. any other year: the nearest value of steps 1–2, held (Vol.1 Ch.5 §5.3.3.4, extrapolation
   with a zero trend; MEE/NBS factors appear two years late, and enterprise accounting uses
   the latest published one); id suffix ``held-<year>``.

Every value here is provisional, names its rule in its id, locator and note, and carries an
uncertainty that grows with the distance from published data.  A correction (a newly
published year) is a new edition: rebuild after adding the year to cn-grid-average.
"""

# ruff: noqa: E501  (citations and Chinese labels kept whole)
from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import yaml

from tanzhi.kernel.factors import GRID_REGION_OF_PROVINCE, NATIONAL, packaged_factors

DATASET, EDITION, SOURCE_EDITION = "cn-grid-series", "2026-12", "2026-11"
YEARS = range(2005, 2026)
GRIDS = ("GRID-NC", "GRID-NE", "GRID-EC", "GRID-CC", "GRID-NW", "GRID-SC", "GRID-SW")
PARAMETER = "grid_average_ef"
BASE_U, RATIO_U, HELD_U_PER_YEAR = 5.0, 5.0, 3.0
COLUMNS = ("id", "category", "item", "item_zh", "variant", "variant_zh", "gas", "parameter",
           "value", "unit", "region_code", "year_from", "year_to", "source", "locator",
           "provisional", "uncertainty_pct", "confidence", "note")
ROOT = Path(__file__).resolve().parents[1] / "src" / "tanzhi" / "data" / "factors" / DATASET


def published() -> dict[str, dict[int, float]]:
    out: dict[str, dict[int, float]] = {}
    for f in packaged_factors("cn-grid-average", SOURCE_EDITION):
        if f.parameter == PARAMETER and f.year_from == f.year_to and f.year_from is not None:
            assert f.unit == "kgCO2/kWh", f.id
            out.setdefault(f.region_code, {})[f.year_from] = f.value
    return out


def row(region: str, year: int, value: float, rule: str, locator: str, note: str,
        u: float) -> dict[str, str]:
    return {
        "id": f"{DATASET}/electricity/{PARAMETER}/{region}/{year}/{rule}", "category": "",
        "item": "electricity", "item_zh": "电力", "variant": "", "variant_zh": "", "gas": "CO2",
        "parameter": PARAMETER, "value": f"{value:.4f}", "unit": "kgCO2/kWh",
        "region_code": region, "year_from": str(year), "year_to": str(year),
        "source": f"tanzhi splice of 生态环境部 国家统计局 电力二氧化碳排放因子公告 (dataset cn-grid-average {SOURCE_EDITION})",
        "locator": locator, "provisional": "true", "uncertainty_pct": f"{u:.1f}",
        "confidence": "D", "note": note,
    }


def build() -> list[dict[str, str]]:
    pub = published()
    rows: list[dict[str, str]] = []
    provinces = sorted(GRID_REGION_OF_PROVINCE)
    for region in (NATIONAL, *GRIDS, *provinces):
        own = dict(pub.get(region, {}))
        if not own:
            raise SystemExit(f"no published {PARAMETER} for {region}")
        series: dict[int, tuple[float, str, str, str, float]] = {}
        grid = GRID_REGION_OF_PROVINCE.get(region)
        if grid is not None:
            g = pub[grid]
            overlap = sorted(set(own) & set(g))
            ratios = [own[y] / g[y] for y in overlap]
            ratio = sum(ratios) / len(ratios)
            spread = (max(ratios) - min(ratios)) / 2 / ratio * 100
            span = f"{overlap[0]}-{overlap[-1]}" if len(overlap) > 1 else str(overlap[0])
            for y in sorted(set(g) - set(own)):
                rule = f"ratio-{grid}-{span}"
                locator = (f"rule 2 (overlap splice): {grid} {y} {g[y]:.4f} × mean({region}/{grid}, "
                           f"{span}) {ratio:.5f}")
                note = (f"provisional: 拼接值：{region} {y} 年未公布，取 {grid} 当年值 × 两者 {span} 年比值均值 "
                        f"{ratio:.5f} / spliced (provisional): {region} not published for {y}; "
                        f"{grid}'s {y} value × the mean {region}/{grid} ratio over {span}")
                series[y] = (g[y] * ratio, rule, locator, note, BASE_U + max(RATIO_U, spread))
        known = {**{y: v for y, v in own.items()}, **{y: s[0] for y, s in series.items()}}
        for y in YEARS:
            if y in own or y in series:
                continue
            near = min(known, key=lambda k: (abs(k - y), k))
            how = "published" if near in own else series[near][1]
            rule = f"held-{near}"
            locator = f"rule 3 (held, zero trend): value of {near} ({how})"
            note = (f"provisional: 外推值：{y} 年无公布值，沿用 {near} 年（{how}）/ extrapolated "
                    f"(provisional): no value for {y}; the {near} value ({how}) held")
            base = series[near][4] if near in series else BASE_U
            series[y] = (known[near], rule, locator, note,
                         base + HELD_U_PER_YEAR * abs(y - near))
        for y in sorted(series):
            v, rule, locator, note, u = series[y]
            rows.append(row(region, y, v, rule, locator, note, u))
    return rows


def main() -> None:
    rows = build()
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    data = buf.getvalue().encode("utf-8")
    folder = ROOT / EDITION
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "data.csv").write_bytes(data)
    meta = {
        "id": DATASET, "edition": EDITION,
        "title": "Grid-average CO2 factors for the years MEE/NBS did not publish, 2005–2025 (spliced)",
        "title_zh": "电力平均二氧化碳排放因子时间序列补全（2005—2025 年，拼接与外推，暂定）",
        "publisher": "tanzhi (derived from 生态环境部、国家统计局 annual notices)",
        "document": "关于发布2021/2022/2023年电力二氧化碳排放因子的公告 (via dataset cn-grid-average 2026-11); 2006 IPCC Guidelines Vol.1 Ch.5 §5.3.3 (time-series splicing)",
        "locator": "rules 1-3 in notes; each row's rule in its id suffix, locator and note",
        "retrieved": "2026-12-03", "licence": "derived from official publications (facts, cited)",
        "units": "kgCO2/kWh", "sha256": hashlib.sha256(data).hexdigest(),
        "notes": [
            "Together with cn-grid-average (published values, their own ids) this gives one grid_average_ef per region and year 2005-2025 for China (000000), the seven regional grids (GRID-NC/NE/EC/CC/NW/SC/SW) and the East China provinces (310000, 320000, 330000, 340000, 350000); the lookup takes this dataset first (kernel.factors.PACKAGED_DATASETS), which never holds a region-year that is published.",
            "Rule 1, published: used as published (cn-grid-average). Rule 2, a province in a year its grid is published but it is not: grid value × mean(province/grid) over the years both are published (IPCC 2006 Vol.1 Ch.5 §5.3.3.2 overlap); this removes the 2023 switch from Zhejiang's provincial to the East China series (+6.7 % in 2023 before). Rule 3, any other year: the nearest value of rules 1-2 held constant (Vol.1 Ch.5 §5.3.3.4 extrapolation with zero trend).",
            "Rule 3 ignores the real decline of the grid factor before 2021 (national roughly 2-3 %/yr): early-year indirect emissions are understated and the row's uncertainty grows 3 percentage points per year from the published value. Replace with the NDRC 2010/2012 regional and provincial factors or a statistics-based reconstruction when their primary documents are in hand (a new edition).",
            "uncertainty_pct: 5 % base (expert judgement, dataset uncertainty factor/grid_average_ef) + 5 % (or the overlap ratios' spread, if larger) for rule 2 + 3 % per year held for rule 3.",
            "Built by scripts/build_grid_series.py; a correction is a new edition.",
        ],
    }
    (folder / "meta.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False,
                                                     width=100), encoding="utf-8")
    print(f"{len(rows)} rows → {folder}")  # noqa: T201 (dev script output)


if __name__ == "__main__":
    main()

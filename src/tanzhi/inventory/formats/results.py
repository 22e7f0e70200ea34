"""Inventory results out: long CSV and JSON, the provincial guideline's Excel tables, IAMC (pyam).

The input is a result frame (`tanzhi.inventory.model.RESULT_COLUMNS`, one row per region, year,
category, item and gas).  `with_co2e` adds ``co2e_t`` under an explicit GWP set, ``gwp`` and the
guideline ``sector``; totals leave memo items and notation-key rows out
(`tanzhi.inventory.calc.compute_totals`).

The workbook follows the table layout of 《省级温室气体清单编制指南（试行）》(2011): a
summary (汇总) and one sheet per sector (能源活动, 工业生产过程, 农业, 土地利用变化和林业,
废弃物处理), rows =
IPCC categories, columns = CO2, CH4, N2O (t of gas), HFCs, PFCs, SF6 and the total (t CO2e), with
notation keys (NE, NO, NA, IE, C) in the cells they apply to; memo items (信息项) and the lineage
(溯源: factor ids and dataset editions) on their own sheets.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
import xlsxwriter

from tanzhi.inventory.calc.totals import compute_co2e, sector_of
from tanzhi.inventory.checks import EXPECTED_CATEGORIES
from tanzhi.inventory.model import ID_SEPARATOR
from tanzhi.kernel import (
    SECTOR_EN,
    NotFound,
    Sector,
    export_workbook,
    ipcc_category,
    neutralise_csv,
    neutralise_frame,
    pin_iam_units_cache,
)

# Columns every export leads with (the CLI contract), then lineage.
LEAD_COLUMNS = ("region_code", "year", "category", "gas", "emissions_t", "co2e_t")
TAIL_COLUMNS = ("gwp", "item", "sector", "memo", "notation", "provisional", "activity_value",
                "activity_unit", "method", "factor_path", "factor_ids", "override_rows",
                "activity_ids")
SECTORS: tuple[Sector, ...] = tuple(Sector)
GAS_COLUMNS = ("CO2", "CH4", "N2O", "HFCs", "PFCs", "SF6")
_PFCS = frozenset({"CF4", "C2F6", "C3F8", "C4F10", "cC4F8", "C5F12", "C6F14", "C10F18"})


def with_co2e(rows: pd.DataFrame, *, gwp: str) -> pd.DataFrame:
    """`rows` with ``co2e_t`` (t CO2e under `gwp`; NaN for notation rows), ``gwp`` and ``sector``,
    columns ordered `LEAD_COLUMNS` + `TAIL_COLUMNS` (+ any others)."""
    out = rows.copy()
    out["co2e_t"] = compute_co2e(out, gwp=gwp).to_numpy() if len(out) else np.array([])
    out["gwp"] = gwp
    cats = out["category"].astype(str)
    out["sector"] = cats.map({c: sector_of(c) for c in cats.unique()})
    lead = [c for c in (*LEAD_COLUMNS, *TAIL_COLUMNS) if c in out.columns]
    return out[lead + [c for c in out.columns if c not in lead]]


def _clean(value: object) -> object:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, np.generic):
        return _clean(value.item())
    return value


def results_csv(frame: pd.DataFrame) -> bytes:
    """The frame as UTF-8 CSV (no BOM, ``\\n`` line ends, empty cells for NaN)."""
    return neutralise_frame(frame).to_csv(index=False, lineterminator="\n").encode("utf-8")


def results_json(frame: pd.DataFrame, **meta: object) -> bytes:
    """``{"meta": {…}, "rows": [{column: value}, …]}`` as UTF-8 JSON (NaN → null)."""
    records = [{k: _clean(v) for k, v in rec.items()} for rec in frame.to_dict("records")]
    body = {"meta": {k: _clean(v) for k, v in meta.items()}, "rows": records}
    return json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")


def gas_group(gas: str) -> str:
    """The guideline column of a gas: CO2, CH4, N2O, HFCs, PFCs, SF6 (NF3 kept as itself)."""
    g = str(gas).replace("-", "")
    if g.startswith("HFC"):
        return "HFCs"
    if g in _PFCS:
        return "PFCs"
    return g


def factor_lineage(rows: pd.DataFrame, factors: object) -> pd.DataFrame:
    """Every factor id the rows used, with dataset, edition, value, unit, source and whether it
    is provisional (a secondary transcription awaiting its primary source).

    `factors` is anything with ``by_id`` (kernel `FactorLibrary`, `FactorOverrides`); ids it
    does not know keep empty fields.
    """
    ids = sorted({i for text in rows["factor_ids"].dropna() for i in str(text).split(ID_SEPARATOR)
                  if i})
    out = []
    for fid in ids:
        rec: dict[str, object] = {"factor_id": fid}
        f = _factor(factors, fid)
        for name in ("dataset", "edition", "item", "parameter", "gas", "value", "unit",
                     "uncertainty_pct", "provisional", "source", "locator"):
            rec[name] = getattr(f, name, None) if f is not None else None
        out.append(rec)
    return pd.DataFrame(out, columns=["factor_id", "dataset", "edition", "item", "parameter",
                                      "gas", "value", "unit", "uncertainty_pct", "provisional",
                                      "source", "locator"])


def _factor(factors: object, fid: str) -> object | None:
    if factors is None or fid.startswith(MISSING_ID_PREFIX):
        return None
    try:
        return factors.by_id(fid)  # type: ignore[attr-defined]
    except NotFound:
        return None


# Short names of the parameters that make up a factor path (issue #9, item 2): the fuel-
# combustion paths read ``ncv×cc×ox``, ``ncv×ef_energy``, ``ef_energy``, ``ef_physical``.
PATH_NAMES = {"ncv": "ncv", "carbon_content": "cc", "oxidation": "ox",
              "EF_combustion": "ef_energy", "EF_combustion_physical": "ef_physical"}
MISSING_ID_PREFIX = "NE:"


def _parameter_of(fid: str, factors: object) -> str:
    f = _factor(factors, fid)
    if f is not None:
        return str(f.parameter)  # type: ignore[attr-defined]
    # Ids read <dataset>/<item>/<parameter>[/…] (user ids: user:<file>#<row>/<item>/<parameter>).
    parts = fid.removeprefix(MISSING_ID_PREFIX).split("/")
    return parts[1] if fid.startswith(MISSING_ID_PREFIX) and len(parts) > 1 else (
        parts[2] if len(parts) > 2 else fid)


def with_lineage(rows: pd.DataFrame, factors: object) -> pd.DataFrame:
    """`rows` with ``factor_path`` (the parameters the number was made from, short names
    joined by ×), ``override_rows`` (the factor-file rows it used, ``<file>#<row>``) and
    ``provisional`` (True when any factor behind the number is provisional).

    `factors` is the library the rows were computed with (anything with ``by_id``).
    """
    out = rows.copy()
    texts = out["factor_ids"].fillna("").astype(str)
    per: dict[str, tuple[str, str, bool]] = {}
    for text in texts.unique():
        ids = [i for i in text.split(ID_SEPARATOR) if i]
        params = [_parameter_of(i, factors) for i in ids]
        path = "×".join(PATH_NAMES.get(p, p) for p in params)
        users = ID_SEPARATOR.join(i.removeprefix("user:").split("/", 1)[0]
                                  for i in ids if i.startswith("user:"))
        provisional = any(bool(getattr(_factor(factors, i), "provisional", False)) for i in ids)
        per[text] = (path, users, provisional)
    out["factor_path"] = texts.map(lambda t: per[t][0])
    out["override_rows"] = texts.map(lambda t: per[t][1])
    computed = out["emissions_t"].notna() if "emissions_t" in out.columns else True
    out["provisional"] = texts.map(lambda t: per[t][2]).astype(bool) & computed
    return out


# --------------------------------------------------------------------------------- workbook


def _cells(rows: pd.DataFrame, gwp: str) -> pd.DataFrame:
    """Per category: each guideline column as a number or a notation key."""
    work = rows.assign(group=rows["gas"].map(gas_group))
    co2e = compute_co2e(work, gwp=gwp)
    # CO2, CH4, N2O in t of gas; F-gases in t CO2e (the guideline's tables).
    work = work.assign(cell=np.where(work["group"].isin(["CO2", "CH4", "N2O"]),
                                     work["emissions_t"], co2e), co2e=co2e)
    out: dict[str, dict[str, object]] = {}
    for cat, sub in work.groupby("category", sort=True):
        line: dict[str, object] = {}
        for group, part in sub.groupby("group"):
            numeric = part["cell"].notna()
            if numeric.any():
                line[str(group)] = float(part.loc[numeric, "cell"].sum())
            else:
                keys = sorted({str(k) for k in part["notation"].dropna() if k})
                line[str(group)] = "/".join(keys) or "NE"
        total = sub["co2e"].dropna()
        line["CO2e"] = float(total.sum()) if len(total) else ""
        out[str(cat)] = line
    return pd.DataFrame.from_dict(out, orient="index")


def _expected_ne(sector: Sector, present: set[str]) -> dict[str, dict[str, object]]:
    """Expected categories of the sector the rows do not hold: NE in their expected gases."""
    out: dict[str, dict[str, object]] = {}
    for code, gas in EXPECTED_CATEGORIES:
        if sector_of(code) != sector.value:
            continue
        if any(p == code or p.startswith(code + ".") for p in present):
            continue
        out.setdefault(code, {})[gas_group(gas)] = "NE"
    return out


def results_workbook(
    frame: pd.DataFrame, *, region_name: str, year: int, gwp: str,
    lineage: pd.DataFrame | None = None,
) -> bytes:
    """The inventory of one region and year as an .xlsx in the guideline's table layout.

    Parameters
    ----------
    frame
        Result rows (any regions and years: only `year` is used; pass one region's rows).
    region_name
        Shown in every sheet title.
    gwp
        GWP set of the CO2e columns (named in every sheet).
    lineage
        `factor_lineage` output for the 溯源 sheet; None leaves the factor ids only.
    """
    rows = frame.loc[frame["year"].astype(int) == int(year)]
    counted = rows.loc[~rows["memo"].astype(bool)]
    buffer = io.BytesIO()
    with export_workbook(buffer, {"in_memory": True, "nan_inf_to_errors": True}) as book:
        fmt = _formats(book)
        summary = book.add_worksheet("汇总")
        sheets = {s: book.add_worksheet(s.value) for s in SECTORS}
        sector_totals: dict[str, dict[str, object]] = {}
        for sector, sheet in sheets.items():
            part = counted.loc[counted["category"].map(sector_of) == sector.value]
            cells = _cells(part, gwp) if len(part) else pd.DataFrame()
            lines = {str(k): v.dropna().to_dict() for k, v in cells.iterrows()}
            lines.update(_expected_ne(sector, set(lines)))
            _sector_sheet(sheet, fmt, sector, lines, region_name, year, gwp)
            sector_totals[sector.value] = _column_sums(lines)
        _summary_sheet(summary, fmt, sector_totals, rows, region_name, year, gwp)
        _memo_sheet(book.add_worksheet("信息项"), fmt, rows.loc[rows["memo"].astype(bool)],
                    region_name, year)
        _lineage_sheet(book.add_worksheet("溯源"), fmt, rows, lineage, gwp)
    return buffer.getvalue()


def _formats(book: xlsxwriter.Workbook) -> dict[str, object]:
    return {
        "title": book.add_format({"bold": True, "font_size": 13}),
        "head": book.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1,
                                 "text_wrap": True, "align": "center", "valign": "vcenter"}),
        "num": book.add_format({"num_format": "#,##0.00", "border": 1}),
        "key": book.add_format({"align": "center", "border": 1, "font_color": "#555555"}),
        "text": book.add_format({"border": 1}),
        "bold_num": book.add_format({"num_format": "#,##0.00", "border": 1, "bold": True}),
        "note": book.add_format({"italic": True, "font_color": "#555555"}),
    }


_HEADERS = ("CO2（吨）", "CH4（吨）", "N2O（吨）", "HFCs（吨CO2当量）", "PFCs（吨CO2当量）",
            "SF6（吨CO2当量）", "合计（吨CO2当量）")


def _write_value(sheet, row: int, col: int, value: object, fmt: dict, bold: bool = False) -> None:
    if isinstance(value, int | float) and not (isinstance(value, float) and math.isnan(value)):
        sheet.write_number(row, col, float(value), fmt["bold_num" if bold else "num"])
    else:
        sheet.write(row, col, "" if value is None else str(value), fmt["key"])


def _sector_sheet(sheet, fmt, sector: Sector, lines: Mapping[str, Mapping[str, object]],
                  region_name: str, year: int, gwp: str) -> None:
    sheet.write(0, 0, f"{region_name} {year} 年温室气体清单：{sector.value}"
                      f"（{SECTOR_EN[sector]}）", fmt["title"])
    sheet.write(1, 0, f"GWP：{gwp}（100 年）；空白 = 不适用，NE = 未估算，NO = 未发生，"
                      "NA = 不适用，IE = 已包含在其他类别，C = 保密", fmt["note"])
    heads = ("类别代码", "排放源类别", *_HEADERS)
    for j, head in enumerate(heads):
        sheet.write(3, j, head, fmt["head"])
    sheet.set_column(0, 0, 12)
    sheet.set_column(1, 1, 36)
    sheet.set_column(2, len(heads), 16)
    r = 4
    for code in sorted(lines, key=_code_key):
        line = lines[code]
        sheet.write(r, 0, code, fmt["text"])
        sheet.write(r, 1, _name_zh(code), fmt["text"])
        for j, col in enumerate((*GAS_COLUMNS, "CO2e"), start=2):
            _write_value(sheet, r, j, line.get(col, ""), fmt)
        r += 1
    totals = _column_sums(lines)
    sheet.write(r, 1, "合计", fmt["head"])
    for j, col in enumerate((*GAS_COLUMNS, "CO2e"), start=2):
        _write_value(sheet, r, j, totals.get(col, ""), fmt, bold=True)


def _column_sums(lines: Mapping[str, Mapping[str, object]]) -> dict[str, object]:
    sums: dict[str, object] = {}
    for col in (*GAS_COLUMNS, "CO2e"):
        values = [v.get(col) for v in lines.values()]
        numbers = [float(v) for v in values if isinstance(v, int | float)]
        keys = sorted({str(v) for v in values if isinstance(v, str) and v})
        sums[col] = sum(numbers) if numbers else ("/".join(keys) if keys else "")
    return sums


def _code_key(code: str) -> list[object]:
    return [int(p) if p.isdigit() else p for p in code.split(".")]


def _name_zh(code: str) -> str:
    try:
        return ipcc_category(code).name_zh or ipcc_category(code).name_en
    except Exception:  # noqa: BLE001 — memo codes have no IPCC name
        return code


def _summary_sheet(sheet, fmt, totals: Mapping[str, Mapping[str, object]], rows: pd.DataFrame,
                   region_name: str, year: int, gwp: str) -> None:
    sheet.write(0, 0, f"{region_name} {year} 年温室气体清单汇总表", fmt["title"])
    sheet.write(1, 0, f"GWP：{gwp}（100 年）；二氧化碳当量按各气体分别加权；信息项不计入总量",
                fmt["note"])
    for j, head in enumerate(("领域", *_HEADERS)):
        sheet.write(3, j, head, fmt["head"])
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 7, 16)
    r = 4
    for sector in SECTORS:
        sheet.write(r, 0, f"{sector.value}", fmt["text"])
        for j, col in enumerate((*GAS_COLUMNS, "CO2e"), start=1):
            _write_value(sheet, r, j, totals[sector.value].get(col, ""), fmt)
        r += 1
    grand = _column_sums(totals)
    sheet.write(r, 0, "总量（含土地利用变化和林业）", fmt["head"])
    for j, col in enumerate((*GAS_COLUMNS, "CO2e"), start=1):
        _write_value(sheet, r, j, grand.get(col, ""), fmt, bold=True)
    lucf = totals[Sector.LUCF.value].get("CO2e")
    net = float(grand["CO2e"]) if isinstance(grand["CO2e"], float) else 0.0
    sheet.write(r + 1, 0, "总量（不含土地利用变化和林业）", fmt["head"])
    _write_value(sheet, r + 1, 7, net - (lucf if isinstance(lucf, float) else 0.0), fmt,
                 bold=True)


def _memo_sheet(sheet, fmt, memo: pd.DataFrame, region_name: str, year: int) -> None:
    sheet.write(0, 0, f"{region_name} {year} 年信息项（不计入清单总量）", fmt["title"])
    heads = ("类别代码", "项目", "气体", "排放量（吨）", "说明")
    for j, head in enumerate(heads):
        sheet.write(2, j, head, fmt["head"])
    sheet.set_column(0, 0, 32)
    sheet.set_column(1, 4, 18)
    explain = {"memo.net_imported_electricity": "调入电力间接排放",
               "memo.net_imported_heat": "调入热力间接排放",
               "1.A.3.a.i": "国际航空（燃料舱）", "1.A.3.d.i": "国际航运（燃料舱）"}
    r = 3
    grouped = memo.groupby(["category", "item", "gas"], sort=True)["emissions_t"].sum(min_count=1)
    for (cat, item, gas), value in grouped.items():
        sheet.write(r, 0, str(cat), fmt["text"])
        sheet.write(r, 1, str(item), fmt["text"])
        sheet.write(r, 2, str(gas), fmt["text"])
        _write_value(sheet, r, 3, value if pd.notna(value) else "NE", fmt)
        sheet.write(r, 4, explain.get(str(cat), "生物质燃烧 CO2" if gas == "CO2" else ""),
                    fmt["text"])
        r += 1


def _lineage_sheet(sheet, fmt, rows: pd.DataFrame, lineage: pd.DataFrame | None,
                   gwp: str) -> None:
    sheet.write(0, 0, f"溯源：因子编号、数据集版本与方法（GWP {gwp}）", fmt["title"])
    if lineage is None:
        lineage = factor_lineage(rows, None)
    cols = list(lineage.columns)
    for j, col in enumerate(cols):
        sheet.write(2, j, col, fmt["head"])
    sheet.set_column(0, 0, 60)
    sheet.set_column(1, len(cols), 16)
    r = 3
    for rec in lineage.to_dict("records"):
        for j, col in enumerate(cols):
            value = _clean(rec[col])
            if isinstance(value, int | float) and not isinstance(value, bool):
                sheet.write_number(r, j, float(value))
            else:
                sheet.write(r, j, "" if value is None else str(value))
        r += 1
    if "factor_path" in rows.columns:
        r += 1
        sheet.write(r, 0, "结果行的因子路径与暂定因子 Factor path and provisional factors per row",
                    fmt["head"])
        r += 1
        per_row = ["category", "item", "gas", "emissions_t", "factor_path", "provisional",
                   "override_rows"]
        for j, col in enumerate(per_row):
            sheet.write(r, j, col, fmt["head"])
        for rec in rows[per_row].to_dict("records"):
            r += 1
            for j, col in enumerate(per_row):
                value = _clean(rec[col])
                if isinstance(value, bool):
                    sheet.write(r, j, "暂定 provisional" if value else "")
                elif isinstance(value, int | float):
                    sheet.write_number(r, j, float(value))
                else:
                    sheet.write(r, j, "" if value is None else str(value))
        r += 1
    methods = sorted({str(m) for m in rows["method"].dropna()})
    r += 1
    sheet.write(r, 0, "方法 Methods", fmt["head"])
    for method in methods:
        r += 1
        sheet.write(r, 0, method)


# ------------------------------------------------------------------------------------- IAMC

# Category prefix → IAMC variable below ``Emissions|<gas>``; longest prefix wins.
IAMC_SECTORS: tuple[tuple[str, str], ...] = (
    ("1", "Energy"),
    ("1.A", "Energy|Fuel Combustion"),
    ("1.A.1", "Energy|Fuel Combustion|Energy Industries"),
    ("1.A.2", "Energy|Fuel Combustion|Manufacturing Industries and Construction"),
    ("1.A.3", "Energy|Fuel Combustion|Transport"),
    ("1.A.4", "Energy|Fuel Combustion|Other Sectors"),
    ("1.A.5", "Energy|Fuel Combustion|Non-Specified"),
    ("1.B", "Energy|Fugitive Emissions"),
    ("1.C", "Energy|CO2 Transport and Storage"),
    ("2", "Industrial Processes"),
    ("3.A", "Agriculture|Livestock"),
    ("3.B", "LULUCF"),
    ("3.C", "Agriculture|Aggregate Sources and Non-CO2 Sources on Land"),
    ("3.D", "Agriculture|Other"),
    ("4", "Waste"),
)


def _iamc_gas(gas: str) -> str:
    g = str(gas).replace("-", "")
    group = gas_group(g)
    if group == "HFCs":
        return f"HFC|{g}"
    if group == "PFCs":
        return f"PFC|{g}"
    return g


def iamc_variables(category: str) -> list[str]:
    """Every IAMC sector path a category's emissions add to, outermost first.

    >>> iamc_variables("1.A.3.b")
    ['Energy', 'Energy|Fuel Combustion', 'Energy|Fuel Combustion|Transport']
    """
    out = []
    for prefix, path in IAMC_SECTORS:
        if category == prefix or category.startswith(prefix + "."):
            out.append(path)
    # Agriculture is the sum of its IAMC children; add the parent once.
    if any(p.startswith("Agriculture|") for p in out):
        out.insert(0, "Agriculture")
    return out


def iamc_long(frame: pd.DataFrame, *, region_names: Mapping[str, str] | None = None,
              gwp: str | None = None) -> pd.DataFrame:
    """The counted rows as IAMC long data: ``region, variable, unit, year, value`` (t/yr).

    Each gas is reported as ``Emissions|<gas>`` and by sector (``Emissions|CO2|Energy|Fuel
    Combustion|Transport`` …); with `gwp`, ``Emissions|Kyoto Gases`` in t CO2-equiv/yr.  Memo
    items and notation-key rows are left out, as in the inventory totals.
    """
    rows = frame.loc[~frame["memo"].astype(bool) & frame["emissions_t"].notna()]
    names = dict(region_names or {})
    parts = []
    for (region, year, category, gas), value in rows.groupby(
            ["region_code", "year", "category", "gas"], sort=True)["emissions_t"].sum().items():
        g = _iamc_gas(str(gas))
        unit = f"t {g.split('|')[-1]}/yr"
        reg = names.get(str(region), str(region))
        for path in ["", *iamc_variables(str(category))]:
            variable = f"Emissions|{g}" + (f"|{path}" if path else "")
            parts.append((reg, variable, unit, int(year), float(value)))
    if gwp is not None and len(rows):
        co2e = rows.assign(v=compute_co2e(rows, gwp=gwp))
        for (region, year), value in co2e.groupby(["region_code", "year"])["v"].sum().items():
            parts.append((names.get(str(region), str(region)), "Emissions|Kyoto Gases",
                          "t CO2-equiv/yr", int(year), float(value)))
    long = pd.DataFrame(parts, columns=["region", "variable", "unit", "year", "value"])
    return long.groupby(["region", "variable", "unit", "year"], sort=True)["value"].sum() \
        .reset_index()


def results_iamc(frame: pd.DataFrame, *, model: str, scenario: str,
                 region_names: Mapping[str, str] | None = None, gwp: str | None = None):
    """The inventory as a `pyam.IamDataFrame` (see `iamc_long`).

    pyam is imported here only: it adds about 5 s to the app's start, and only this export uses it.
    """
    pin_iam_units_cache()
    import pyam

    long = iamc_long(frame, region_names=region_names, gwp=gwp)
    return pyam.IamDataFrame(long.assign(model=model, scenario=scenario))


def iamc_csv(frame: pd.DataFrame, *, model: str, scenario: str,
             region_names: Mapping[str, str] | None = None, gwp: str | None = None) -> bytes:
    """IAMC wide CSV (model, scenario, region, variable, unit, years…) as UTF-8 bytes."""
    df = results_iamc(frame, model=model, scenario=scenario, region_names=region_names, gwp=gwp)
    return neutralise_csv(df.to_csv(None)).encode("utf-8")

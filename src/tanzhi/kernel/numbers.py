"""How numbers are written for readers: the one place pages, Excel and reports take them from.

Rules (issue #11 item 7):

- **Significant digits.** An indicator value keeps about three significant figures: no decimals
  from 1 000 up, one from 100, two from 1, three below 1; trailing zeros are dropped
  (`significant`). A measured total keeps the decimals its column asks for (`fixed`). Nothing
  prints the raw binary float (``20.243261450978324``).
- **万/亿 only with their unit.** Chinese readers count in 万 (10⁴), 亿 (10⁸) and 万亿 (10¹²), as
  statistical yearbooks do. The multiplier is written as part of the unit — ``13 亿元``,
  ``5.68 万吨`` — and a unit that already carries one is promoted, not doubled: 130 000 万元 is
  ``13 亿元``, never ``13.00 万 万元`` (`quantity`, with significant digits). Intensities (a
  unit with ``/``) and percentages are never scaled.
- **Percentages and percentage points.** A share is ``45.6%``; a difference of two percentages
  is ``2.0 个百分点`` (``2.0 pp`` in English), never ``2.0%`` (`percentage_points`).
- Missing values (None, NaN, ±inf) show as an em dash.
- **Excel.** A number stays a number (the reader sums and charts it); the rules above become the
  cell's number format (`excel_format`): the significant-digit decimals, thousands grouped, no
  万/亿 (a multiplier lives in the column's unit, never in the cell), a share as ``0.0%`` and a
  difference of percentages as ``0.0 "个百分点"``. Every xlsx writer gets them through
  `tanzhi.kernel.exports.export_workbook`, which formats any fraction written without one.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, Decimal

from babel import Locale
from babel.numbers import format_decimal

MISSING = "—"
# Parsed once: babel re-parses a locale given by name on every call (a directory scan, ~4 ms
# per number; 0.4 s of a page with 100 numbers, issue #11 item 10).
_BABEL = {"zh_CN": Locale.parse("zh_CN"), "en": Locale.parse("en")}
# Chinese multipliers, largest first.
ZH_SCALES: tuple[tuple[float, str], ...] = ((1e12, "万亿"), (1e8, "亿"), (1e4, "万"))
# Units that never take a multiplier: shares, intensities, temperatures, indices.
_UNSCALED_MARKS = ("/", "%", "‰", "℃", "百分点", "指数")


def _missing(value: float | int | None) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def _chinese(locale: str) -> bool:
    return locale.startswith("zh")


def fixed(value: float | int | None, digits: int = 2, *, grouping: bool = True) -> str:
    """`value` with exactly `digits` decimals (half-even), thousands grouped; no ``-0.00``.

    >>> fixed(1234.567, 1), fixed(-0.0001), fixed(None)
    ('1,234.6', '0.00', '—')
    """
    if _missing(value):
        return MISSING
    text = f"{value:,.{digits}f}" if grouping else f"{value:.{digits}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]
    return text


def significant_decimals(value: float) -> int:
    """Decimals that give a figure about three significant digits (0 from 1 000 up)."""
    size = abs(value)
    return 0 if size >= 1000 else 1 if size >= 100 else 2 if size >= 1 else 3


def significant(value: float | int | None, *, grouping: bool = True) -> str:
    """An indicator figure: about three significant digits, trailing zeros dropped.

    >>> significant(20.243261450978324), significant(0.34217), significant(123456.7)
    ('20.24', '0.342', '123,457')
    """
    if _missing(value):
        return MISSING
    text = fixed(value, significant_decimals(float(value)), grouping=grouping)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def excel_format(value: float | int, kind: str = "number") -> str:
    """The Excel number format that shows `value` as the pages do (`significant`, `percent`,
    `percentage_points`), the cell keeping its full value.

    `kind` is ``"number"`` (an indicator figure or amount), ``"share"`` (0.456 shown 45.6%) or
    ``"points"`` (a difference of two percentages, in points).

    >>> excel_format(20.243261450978324), excel_format(0.34217), excel_format(123456.7)
    ('#,##0.00', '#,##0.000', '#,##0')
    >>> excel_format(0.456, "share"), excel_format(2.0, "points")
    ('0.0%', '0.0 "个百分点"')
    """
    if kind == "share":
        return "0.0%"
    if kind == "points":
        return '0.0 "个百分点"'
    if kind != "number":
        raise ValueError(f"unknown number kind {kind!r}")
    decimals = 2 if _missing(value) else significant_decimals(float(value))
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def round_significant(value: float, digits: int = 3) -> float:
    """`value` rounded to `digits` significant figures (half-even), for a cell that must stay a
    number (an Excel cell): ``round_significant(20.243261450978324, 4) == 20.24``."""
    if value == 0 or not math.isfinite(value):
        return value
    exponent = math.floor(math.log10(abs(value))) - digits + 1
    quantum = Decimal(1).scaleb(exponent)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_EVEN))


def format_number(value: float | int | None, locale: str, *, digits: int = 2) -> str:
    """A number with no unit as a reader of `locale` expects it.

    Chinese: 万/亿/万亿 with `digits` decimals from 10 000 up, plain below; English: grouped
    thousands. A number that has a unit goes through `quantity` instead, so the multiplier
    joins the unit.

    >>> format_number(123456789, "zh_CN"), format_number(56789, "zh_CN")
    ('1.23 亿', '5.68 万')
    >>> format_number(123456789, "en")
    '123,456,789'
    """
    if _missing(value):
        return MISSING
    if _chinese(locale):
        scaled, prefix = _zh_scaled(value, digits)
        if prefix:
            pattern = "0." + "0" * digits if digits else "0"
            shown = format_decimal(scaled, format=pattern, locale=_BABEL["zh_CN"])
            return f"{shown} {prefix}"
        return format_decimal(value, format="0." + "#" * max(digits, 0), locale=_BABEL["zh_CN"])
    return format_decimal(value, format="#,##0." + "#" * max(digits, 0), locale=_BABEL["en"])


def _zh_scaled(value: float | int, digits: int) -> tuple[float, str]:
    """(value in the multiplier, multiplier) for a Chinese reader; '' below 10 000."""
    size = abs(value)
    for index, (scale, unit) in enumerate(ZH_SCALES):
        if size >= scale:
            # 99 999 999 rounds to 10000.00 万, which a reader expects as 1.00 亿.
            if index > 0 and round(size / scale, digits) >= 1e4:
                scale, unit = ZH_SCALES[index - 1]
            return value / scale, unit
    return float(value), ""


def scalable(unit: str) -> bool:
    """Whether a 万/亿 multiplier may join `unit` (an amount, not a share or intensity)."""
    return bool(unit) and not any(mark in unit for mark in _UNSCALED_MARKS)


def quantity(value: float | int | None, unit: str, locale: str = "zh_CN", *,
             digits: int = 2) -> str:
    """An amount with its unit, the Chinese multiplier written into the unit.

    >>> quantity(130000, "万元"), quantity(56789, "吨"), quantity(13, "亿元"), quantity(5, "万元")
    ('13 亿元', '5.68 万吨', '13 亿元', '5 万元')
    >>> quantity(0.342, "吨/万元"), quantity(123456, "t CO₂e"), quantity(1234.5, "万元", "en")
    ('0.342 吨/万元', '12.35 万t CO₂e', '1,234 万元')
    >>> quantity(123456789, "吨"), quantity(-2.5e12, "元"), quantity(850, "吨")
    ('1.23 亿吨', '-2.5 万亿元', '850 吨')
    """
    if _missing(value):
        return MISSING
    unit = unit or ""
    if not _chinese(locale) or not scalable(unit):
        return f"{significant(value)} {unit}".rstrip()
    base, held = unit, 1.0
    for scale, prefix in ZH_SCALES:
        if unit.startswith(prefix) and len(unit) > len(prefix):
            base, held = unit[len(prefix):], scale
            break
    scaled, prefix = _zh_scaled(float(value) * held, digits)
    return f"{significant(scaled)} {prefix}{base}"


def percent(share: float | int | None, digits: int = 1) -> str:
    """A share (0.456) as ``45.6%``."""
    if _missing(share):
        return MISSING
    return fixed(float(share) * 100, digits) + "%"


def percentage_points(points: float | int | None, locale: str = "zh_CN", *,
                      digits: int = 1) -> str:
    """A difference of two percentages, given in points: ``2.0 个百分点`` / ``2.0 pp``.

    >>> percentage_points(2), percentage_points(-0.25, "en", digits=2)
    ('2.0 个百分点', '-0.25 pp')
    """
    if _missing(points):
        return MISSING
    return f"{fixed(points, digits)} {'个百分点' if _chinese(locale) else 'pp'}"

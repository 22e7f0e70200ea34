"""The one pint unit registry (openscm-units, extended with Chinese statistical units)."""

from __future__ import annotations

import hashlib
import math
import os
import re
import sys
import tokenize
from functools import lru_cache
from pathlib import Path

import pint
from openscm_units import ScmUnitRegistry

from tanzhi.kernel.errors import Location, Problem, UnitError

# Standard coal equivalent: GB/T 2589-2020 §3 defines 1 kgce as 29307.6 kJ (7000 kcal).
KGCE_MJ = 29.3076

# Standard coal is an accounting unit, not a physical energy: turning kWh of electricity into tce
# needs a chosen calibre (当量值 equivalent vs 等价值 generation-coal value, GB/T 2589 §4), so tce
# has its own dimension and crosses to joules only inside the explicit `gbt2589` context.
COAL_CONTEXT = "gbt2589"

# Chinese statistical units as the yearbooks and the seed plans print them.  Each line is a
# pint definition; names are CJK identifiers, which pint accepts.
_DEFINITIONS = (
    "tce = [coal_equivalent] = 吨标准煤 = tonne_coal_equivalent",
    "kgce = 1e-3 tce = 千克标准煤",
    "万吨标准煤 = 1e4 tce = 万tce",
    "亿吨标准煤 = 1e8 tce",
    "吨 = t",
    "千克 = kg",
    "万吨 = 1e4 t = 万t",
    "亿吨 = 1e8 t",
    "立方米 = m**3",
    "升 = liter",
    "万立方米 = 1e4 m**3",
    "亿立方米 = 1e8 m**3",
    # The volumes IPCC 2006 Vol.2 Ch.4 Tables 4.2.4/4.2.5 write as "10^3 m^3" and "10^6 m^3"
    # (oil and gas throughput): pint refuses a number inside a unit, so they get names (issue #9).
    # Never "Mm3": pint reads Mm as the megametre.
    "千立方米 = 1e3 m**3 = thousand_m3",
    "百万立方米 = 1e6 m**3 = million_m3",
    # Coal-mining CH4 factors are volumes of gas per tonne of coal (Vol.2 Eq.4.1.3-4.1.8, Tables
    # 4.1.x); IPCC converts them at 0.67e-6 Gg CH4 per m^3 (20 °C, 1 atm, the same equations), so
    # "m3CH4/t" is a mass of CH4 per tonne and no density is guessed anywhere else.
    "m3CH4 = 0.67 * kg * CH4 = 立方米CH4 = 立方米甲烷",
    "千瓦时 = kWh",
    "万千瓦时 = 1e4 kWh",
    "亿千瓦时 = 1e8 kWh",
    "万千瓦 = 1e4 kW",
    "吉焦 = GJ",
    "万吉焦 = 1e4 GJ",
    # A percentage point is a difference of two percentages: the same 1/100 as `percent`, named
    # apart so plan targets such as “提高 5 个百分点” keep their printed unit.
    "百分点 = 0.01 = percentage_point",
    "公顷 = hectare",
    "万公顷 = 1e4 hectare",
    # 1 亩 = 1/15 hectare (公顷), the statutory conversion used by the statistical bureau.
    "亩 = hectare / 15 = mu",
    "万亩 = 1e4 亩",
    "yuan = [currency] = CNY = 元",
    "万元 = 1e4 yuan",
    "亿元 = 1e8 yuan",
    "person = [population] = 人",
    "万人 = 1e4 person",
    "head = [livestock] = 头 = 只",
    "万头 = 1e4 head",
    "万只 = 1e4 head",
    "vehicle = [vehicle] = 辆",
    "万辆 = 1e4 vehicle",
    # Time, as per-year and per-day factors are written (千克/头/年, 升/人/日; issue #9 item 3).
    # 年 is pint's Julian year (365.25 d), the year of the IPCC annual factors.
    "年 = year",
    "月 = month",
    "日 = day = 天",
    "小时 = hour",
    "分钟 = minute",
    "秒 = second",
    # Mass of CO2 written as one word, as the enterprise accounting guidelines print it.
    "千克CO2 = kg * CO2 = kgCO2",
    "吨CO2 = t * CO2",
    "万吨CO2 = 1e4 * t * CO2 = 万tCO2",
    "亿吨CO2 = 1e8 * t * CO2",
)

# pint's `ton` is the US short ton; a Chinese "吨" is always the metric tonne, so `ton` and its
# siblings are refused instead of silently converted (cf. Kausal's `ton` fix, aesthetics §7.3).
AMBIGUOUS_UNITS = frozenset({"ton", "tons", "short_ton", "long_ton", "tonne_us"})


def pin_iam_units_cache() -> Path:
    """Keep iam_units' pint disk cache inside this installation; call before importing pyam.

    iam_units (imported by pyam) builds its registry with a pint disk cache in the *user's* cache
    folder, and the cached definitions hold the absolute paths of the pint files that made them.
    A second checkout on the same machine then reads a cache made by another virtualenv, and once
    that one is deleted, every IAMC export fails with FileNotFoundError on
    ``…/pint/default_en.txt/constants_en.txt`` (CI stop 17, issue #10). A cache under
    ``sys.prefix`` lives and dies with the files it points to. An explicit ``IAM_UNITS_CACHE``
    is left alone.
    """
    chosen = os.environ.get("IAM_UNITS_CACHE")
    if chosen:
        return Path(chosen)
    folder = Path(sys.prefix) / "var" / "cache" / "iam-units"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        # A read-only installation: a user folder of its own, named by the installation's path.
        key = hashlib.sha256(sys.prefix.encode()).hexdigest()[:16]
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        folder = base / "tanzhi" / "iam-units" / key
        folder.mkdir(parents=True, exist_ok=True)
    os.environ["IAM_UNITS_CACHE"] = str(folder)
    return folder


@lru_cache(maxsize=1)
def registry() -> ScmUnitRegistry:
    """The process-wide unit registry (built on first use, never at import time)."""
    ur = ScmUnitRegistry()
    ur.add_standards()
    for line in _DEFINITIONS:
        ur.define(line)
    energy = "[mass] * [length] ** 2 / [time] ** 2"
    per_tce = ur.Quantity(KGCE_MJ, "GJ / tce")
    ctx = pint.Context(COAL_CONTEXT)
    ctx.add_transformation("[coal_equivalent]", energy, lambda _ur, x: x * per_tce)
    ctx.add_transformation(energy, "[coal_equivalent]", lambda _ur, x: x / per_tce)
    ur.add_context(ctx)
    return ur


def _unit_tokens(unit: str) -> set[str]:
    cleaned = unit
    for sep in "*/()^ ":
        cleaned = cleaned.replace(sep, " ")
    return {tok for tok in cleaned.split() if tok and not tok.replace(".", "").isdigit()}


# What a unit cell may hold: letters (CJK included), digits, spaces and * / ^ ( ) . - _ % °.
# Anything else (control characters such as NUL, quotes, brackets, +, =) is refused before pint
# sees it; pint's parser turns "(" into a tokenizer error and "1/0" into a division by zero
# (issue #8, finding 9).
_UNIT_TEXT = re.compile(r"[\w%(°][\w \t*/^().%·°-]*", re.UNICODE)
MAX_UNIT_LENGTH = 64
# The largest power of a base dimension in a real unit (m**3, kg m**2 / s**3 …).
MAX_EXPONENT = 6


def parse_unit(unit: str, *, location: Location | None = None) -> pint.Unit:
    """Parse a unit string, refusing unknown, ambiguous and malformed units.

    Examples
    --------
    >>> str(parse_unit("万吨标准煤"))
    '万吨标准煤'
    >>> parse_unit("千克/头/年").dimensionality
    <UnitsContainer({'[livestock]': -1, '[mass]': 1, '[time]': -1})>
    """
    loc = location or Location()
    text = (unit or "").strip() if isinstance(unit, str) else ""
    if not text:
        raise UnitError(Problem("缺少单位", "missing unit", loc))
    if len(text) > MAX_UNIT_LENGTH or not _UNIT_TEXT.fullmatch(text):
        shown = text[:MAX_UNIT_LENGTH].encode("unicode_escape").decode("ascii") if any(
            not ch.isprintable() for ch in text) else text[:MAX_UNIT_LENGTH]
        raise UnitError(Problem(
            f"单位“{shown}”写法无效（只能含文字、数字、空格和 * / ^ ( ) .），"
            "如 万吨、kg/TJ、千克/头/年",
            f"malformed unit '{shown}' (letters, digits, spaces and * / ^ ( ) . only), "
            "e.g. 万吨, kg/TJ, 千克/头/年", loc))
    bad = _unit_tokens(text) & AMBIGUOUS_UNITS
    if bad:
        raise UnitError(
            Problem(
                f"单位“{text}”含义不明（{', '.join(sorted(bad))} 在 pint 中指美制短吨），"
                "请用 t 或 吨",
                f"ambiguous unit '{text}' ({', '.join(sorted(bad))} is the US short ton in pint); "
                "use t or 吨",
                loc,
            )
        )
    try:
        parsed = registry().Unit(text)
    except (pint.UndefinedUnitError, pint.errors.DefinitionSyntaxError, ValueError, TypeError,
            AttributeError, AssertionError, KeyError, IndexError, SyntaxError,
            tokenize.TokenError, ZeroDivisionError, OverflowError) as exc:
        raise UnitError(
            Problem(f"未知单位“{text}”", f"unknown unit '{text}' ({exc})", loc)
        ) from exc
    if any(abs(power) > MAX_EXPONENT for power in parsed.dimensionality.values()):
        raise UnitError(Problem(f"单位“{text}”的幂次不合理", f"unit '{text}' has an implausible "
                                "power", loc))
    return parsed


def parse_quantity(text: str, *, location: Location | None = None) -> pint.Quantity:
    """Parse "1 万吨标准煤" into a quantity; the unit part is checked like `parse_unit`."""
    loc = location or Location()
    stripped = (text or "").strip()
    number, _, unit = stripped.partition(" ")
    try:
        magnitude = float(number)
    except ValueError as exc:
        raise UnitError(
            Problem(f"无法读取数量“{text}”", f"cannot read quantity '{text}'", loc)
        ) from exc
    return registry().Quantity(magnitude, parse_unit(unit or "dimensionless", location=loc))


def conversion_factor(
    from_unit: str, to_unit: str, *, location: Location | None = None, context: str | None = None
) -> float:
    """Multiplier turning a value in `from_unit` into `to_unit`; wrong dimension is an error.

    Parameters
    ----------
    context
        A pint context such as ``"AR5GWP100"``; needed only to cross gases.  Never implied.

    Examples
    --------
    >>> conversion_factor("万吨标准煤", "GJ", context=COAL_CONTEXT)
    293076.0
    """
    loc = location or Location()
    src = parse_unit(from_unit, location=loc)
    dst = parse_unit(to_unit, location=loc)
    ur = registry()
    try:
        q = ur.Quantity(1.0, src)
        converted = q.to(dst, context) if context else q.to(dst)
    except pint.DimensionalityError as exc:
        raise UnitError(
            Problem(
                f"单位“{from_unit}”（量纲 {src.dimensionality}）不能换算为“{to_unit}”"
                f"（量纲 {dst.dimensionality}）",
                f"unit '{from_unit}' ({src.dimensionality}) cannot be converted to "
                f"'{to_unit}' ({dst.dimensionality})",
                loc,
            )
        ) from exc
    return float(converted.magnitude)


def convert(
    value: float, from_unit: str, to_unit: str, *, location: Location | None = None
) -> float:
    """Convert a number between units of the same dimension.

    Examples
    --------
    >>> convert(2, "万吨", "t")
    20000.0
    """
    return value * conversion_factor(from_unit, to_unit, location=location)


def same_dimension(unit_a: str, unit_b: str) -> bool:
    """Whether two (valid) units measure the same dimension."""
    return parse_unit(unit_a).dimensionality == parse_unit(unit_b).dimensionality


# ------------------------------------------------------------------------- plausible magnitudes

# The largest |value| a single input cell may hold, per dimension (issue #9, item 8: an activity
# of 1e308 was stored and summed to Inf).  Each ceiling lies far above any real figure, so it
# refuses only typing slips (a unit of 吨 for 万吨 passes; 1e308 or 15 digits of noise do not)
# and keeps every sum of a province's rows far from float overflow.
CEILINGS: tuple[tuple[str, float, str], ...] = (
    ("t", 1e12, "mass: ~25× world fossil CO2 emissions (37.4 Gt in 2023, Global Carbon Budget "
                "2023) and ~100× world coal output (8.7 Gt, IEA Coal 2023)"),
    ("t CO2", 1e12, "CO2: as mass, ~25× world fossil CO2 emissions"),
    ("t CH4", 1e12, "CH4: as mass; world emissions ~0.6 Gt CH4 (Global Methane Budget 2020)"),
    ("t N2O", 1e12, "N2O: as mass; world emissions ~0.03 Gt N2O"),
    ("MJ", 1e15, "energy: 1 ZJ, ~1.6× world total energy supply (~630 EJ in 2022, IEA WEO)"),
    ("tce", 1e12, "standard coal: ~50× world primary energy (~2.1e10 tce)"),
    ("m**3", 1e14, "volume: ~25× world natural-gas output (4.0e12 m³, 2022) and ~200× the "
                   "world's growing stock of forests (5.6e11 m³, FAO FRA 2020)"),
    ("m**2", 1e15, "area: twice the Earth's surface (5.1e14 m²)"),
    ("yuan", 1e16, "money: ~15× world GDP in yuan (~7e14 yuan)"),
    ("person", 1e11, "population: ~12× world population"),
    ("head", 1e12, "livestock: ~30× the world's poultry and cattle stock (~3.4e10 head, FAO)"),
    ("vehicle", 1e11, "vehicles: ~70× the world's vehicle fleet (~1.5e9)"),
    ("kW", 1e12, "power: ~120× world installed generating capacity (~8.6e9 kW, 2022)"),
)
# Any other quantity (a ratio, an intensity, a factor) is refused past this, as written: no
# published factor or statistic comes near it, and it keeps sums finite.
GENERIC_CEILING = 1e15


@lru_cache(maxsize=512)
def _ceiling_for(unit: str) -> tuple[float, str]:
    """(ceiling expressed in `unit`, the ceiling as written in `CEILINGS`) for a unit."""
    parsed = parse_unit(unit)
    for reference, limit, _why in CEILINGS:
        ref = parse_unit(reference)
        if ref.dimensionality == parsed.dimensionality:
            factor = float(registry().Quantity(1.0, parsed).to(ref).magnitude)
            return limit / factor, f"{limit:g} {reference}"
    return GENERIC_CEILING, f"{GENERIC_CEILING:g} {unit}"


def implausible(value: float, unit: str | None = None) -> tuple[str, str] | None:
    """Why `value` (in `unit`) cannot be a real input figure, in (Chinese, English); or None.

    Non-finite values are refused, and magnitudes past the ceiling of the unit's dimension
    (`CEILINGS`), or past `GENERIC_CEILING` as written when no ceiling covers the dimension
    or no unit is given.

    Examples
    --------
    >>> implausible(120.5, "万吨") is None
    True
    >>> implausible(1e308, "万吨")[1]
    '1e+308 万吨 is implausibly large (above 1e+12 t); check the value and its unit'
    """
    if not math.isfinite(value):
        return (f"{value} 不是有限数值", f"{value} is not a finite number")
    if unit:
        ceiling, shown = _ceiling_for(unit)
    else:
        ceiling, shown = GENERIC_CEILING, f"{GENERIC_CEILING:g}"
    if abs(value) <= ceiling:
        return None
    written = f"{value:g} {unit}" if unit else f"{value:g}"
    return (f"{written} 大得不合理（超过 {shown}），请检查数值和单位",
            f"{written} is implausibly large (above {shown}); check the value and its unit")

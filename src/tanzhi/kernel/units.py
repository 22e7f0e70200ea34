"""The one pint unit registry (openscm-units, extended with Chinese statistical units)."""

from __future__ import annotations

from functools import lru_cache

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
    "万吨 = 1e4 t",
    "亿吨 = 1e8 t",
    "立方米 = m**3",
    "万立方米 = 1e4 m**3",
    "亿立方米 = 1e8 m**3",
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
)

# pint's `ton` is the US short ton; a Chinese "吨" is always the metric tonne, so `ton` and its
# siblings are refused instead of silently converted (cf. Kausal's `ton` fix, aesthetics §7.3).
AMBIGUOUS_UNITS = frozenset({"ton", "tons", "short_ton", "long_ton", "tonne_us"})


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


def parse_unit(unit: str, *, location: Location | None = None) -> pint.Unit:
    """Parse a unit string, refusing unknown and ambiguous units.

    Examples
    --------
    >>> str(parse_unit("万吨标准煤"))
    '万吨标准煤'
    """
    loc = location or Location()
    text = (unit or "").strip()
    if not text:
        raise UnitError(Problem("缺少单位", "missing unit", loc))
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
        return registry().Unit(text)
    except (pint.UndefinedUnitError, pint.errors.DefinitionSyntaxError, ValueError, TypeError,
            AttributeError, AssertionError) as exc:
        raise UnitError(
            Problem(f"未知单位“{text}”", f"unknown unit '{text}' ({exc})", loc)
        ) from exc


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

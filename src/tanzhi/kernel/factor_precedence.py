"""Which factor serves a lookup when several could (issue #9, item 1), and unit fitness.

The rules are stated once, in `PRECEDENCE_RULES` and the comment above `precedence_rank`;
`tanzhi.kernel.factors.FactorLibrary.lookup` applies them.  Kept apart from the library so the
rules read on one page.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from tanzhi.kernel.errors import DataError
from tanzhi.kernel.units import conversion_factor

if TYPE_CHECKING:
    from tanzhi.kernel.factors import Factor

# Words factor tables use for a pure number; pint has no unit "fraction".
DIMENSIONLESS_WORDS = frozenset(
    {"", "1", "fraction", "ratio", "dimensionless", "no dimension", "-", "none"})


def _clean_unit(unit: str) -> str:
    text = str(unit).strip()
    return "1" if text.lower() in DIMENSIONLESS_WORDS else text


@lru_cache(maxsize=8192)
def unit_scale(unit: str, target: str, context: str | None = None) -> float | None:
    """Multiplier from `unit` to `target`, or None when they measure different things.

    Parsed once per distinct pair (a compilation asks the same few pairs thousands of times).

    Examples
    --------
    >>> unit_scale("kJ/kg", "MJ/t"), unit_scale("fraction", "1"), unit_scale("t", "m**3")
    (1.0, 1.0, None)
    """
    try:
        return conversion_factor(_clean_unit(unit), _clean_unit(target), context=context)
    except DataError:  # UnitError is a DataError: an unknown or mismatched unit
        return None


def unit_fits(unit: str, targets: tuple[str, ...]) -> bool:
    """Whether a factor in `unit` converts to one of `targets` (its dimension is usable)."""
    return any(unit_scale(unit, t) is not None for t in targets)


# Lookup precedence (issue #9, item 1) — the one place it is decided.  Among the factors that
# *may* serve a lookup (same item, parameter and gas; category covering the asked category;
# year range covering the asked year; the asked variant, or any when none is asked; region in
# `region_chain`; unit convertible to one of the asked ``units``), the first rule that tells
# two candidates apart decides:
#
# 1. dataset: user sets first, then `PACKAGED_DATASETS` in order (a Chinese source before an
#    IPCC default, whatever either's category);
# 2. category: the longest category covering the asked one (1.A.1.a over 1.A.1 over 1.A over
#    none) — only when the lookup names a category;
# 3. region: the most specific code of `region_chain` (county, city, province, grid, China,
#    anywhere);
# 4. year: the narrowest year range covering the asked year (2020 alone over 2016-2020 over
#    2016- over open) — only when the lookup names a year;
# 5. variant: when no variant is asked, the variant-less factor over variant-specific ones.
#
# Candidates still tied after rule 5 are ambiguous: a located error naming them (never a pick).
# A candidate whose unit cannot serve the asked ``units`` (an EF per m³ for an activity in t,
# no density given) is skipped, not taken and then failed; when only such candidates exist the
# error names them and their units.
PRECEDENCE_RULES = ("dataset", "category", "region", "year", "variant")
_OPEN_YEARS = 10_000  # width of an open-ended year range, wider than any closed one


def precedence_rank(factor: Factor, *, dataset_rank: int, region_rank: int,
                    category: str | None, year: int | None,
                    variant: str | None) -> tuple[int, int, int, int, int]:
    """Sort key of a candidate under `PRECEDENCE_RULES` (smaller wins)."""
    cat_rank = -len(factor.category) if category is not None else 0
    if year is None:
        year_rank = 0
    elif factor.year_from is None or factor.year_to is None:
        open_ends = (factor.year_from is None) + (factor.year_to is None)
        year_rank = _OPEN_YEARS * open_ends
    else:
        year_rank = factor.year_to - factor.year_from
    variant_rank = 1 if variant is None and factor.variant else 0
    return (dataset_rank, cat_rank, region_rank, year_rank, variant_rank)

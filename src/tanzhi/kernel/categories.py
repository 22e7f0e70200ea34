"""IPCC 2006 emission categories, their Chinese names, and the provincial guideline's five sectors.

Codes come from the `climate-categories` package (``climate_categories.IPCC2006``, the 2006 IPCC
Guidelines Vol. 1 Ch. 8 Table 8.2), never from a hand-typed list.  Chinese names and the mapping to
the five sectors of 《省级温室气体清单编制指南（试行）》(2011) — 能源活动, 工业生产过程, 农业,
土地利用变化和林业, 废弃物处理 — are packaged data (``data/categories/provincial-guideline``).
IPCC 2006 puts agriculture and land use together in sector 3 (AFOLU); the guideline splits them, so
3.A and most of 3.C map to 农业 and 3.B to 土地利用变化和林业 (the meta.yaml gives the rule).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from tanzhi.kernel.errors import DataError, Location, Problem
from tanzhi.kernel.provenance import DatasetRef, read_dataset

CATEGORIES_DATASET = "categories/provincial-guideline"


class Sector(StrEnum):
    """The five sectors (领域) of the provincial inventory guideline."""

    ENERGY = "能源活动"
    INDUSTRIAL_PROCESSES = "工业生产过程"
    AGRICULTURE = "农业"
    LUCF = "土地利用变化和林业"
    WASTE = "废弃物处理"

    @property
    def name_en(self) -> str:
        """English name of the sector."""
        return SECTOR_EN[self]


SECTOR_EN = {
    Sector.ENERGY: "Energy",
    Sector.INDUSTRIAL_PROCESSES: "Industrial processes",
    Sector.AGRICULTURE: "Agriculture",
    Sector.LUCF: "Land-use change and forestry",
    Sector.WASTE: "Waste",
}


@dataclass(frozen=True)
class Category:
    """One IPCC 2006 category.

    ``sector_zh``/``sector_en`` are empty for aggregates spanning two guideline sectors (3, 3.C,
    3.C.1, 3.D) and for categories outside the five sectors (0, 3.D.2, 5.*).
    """

    code: str
    name_en: str
    name_zh: str
    sector_zh: str
    sector_en: str
    parent_code: str | None

    @property
    def sector(self) -> Sector | None:
        """The guideline sector as an enum, or None."""
        return Sector(self.sector_zh) if self.sector_zh else None


@lru_cache(maxsize=1)
def _names() -> tuple[dict[str, tuple[str, str, str]], DatasetRef]:
    frame, meta = read_dataset(CATEGORIES_DATASET, dtype=str)
    frame = frame.fillna("")
    table = {
        row.code: (row.name_zh, row.sector_zh, row.sector_en)
        for row in frame.itertuples(index=False)
    }
    return table, meta.ref


def categories_dataset() -> DatasetRef:
    """The dataset edition the Chinese names and sector mapping come from."""
    return _names()[1]


def _ipcc():
    # Imported on first use, not with the kernel: climate_categories loads every categorisation
    # it ships at import (measured 10 s with `python -X importtime`), and most commands and
    # pages never ask for a category's name.
    import climate_categories

    return climate_categories.IPCC2006


def ipcc_category(code: str, *, location: Location | None = None) -> Category:
    """Look up an IPCC 2006 category by code (``"1.A.1.a"``; the compact ``"1A1a"`` also works).

    Raises
    ------
    DataError
        The code is not an IPCC 2006 category.

    Examples
    --------
    >>> c = ipcc_category("3.C.7")
    >>> (c.code, c.name_en, c.name_zh, c.sector_zh)
    ('3.C.7', 'Rice Cultivations', '水稻种植', '农业')
    """
    text = str(code or "").strip()
    try:
        found = _ipcc()[text]
    except KeyError:
        raise DataError(
            Problem(
                f"“{text}”不是 IPCC 2006 排放源类别代码",
                f"'{text}' is not an IPCC 2006 category code",
                location or Location(),
            )
        ) from None
    canonical = found.codes[0]
    names, _ref = _names()
    name_zh, sector_zh, sector_en = names.get(canonical, ("", "", ""))
    parents = sorted(p.codes[0] for p in found.parents)
    return Category(
        code=canonical,
        name_en=found.title,
        name_zh=name_zh,
        sector_zh=sector_zh,
        sector_en=sector_en,
        parent_code=parents[0] if parents else None,
    )


def is_category(code: str) -> bool:
    """Whether `code` is an IPCC 2006 category code."""
    try:
        ipcc_category(code)
    except DataError:
        return False
    return True


def list_categories(*, sector: Sector | str | None = None) -> list[Category]:
    """Every IPCC 2006 category in code order, optionally only those of one guideline sector."""
    names, _ref = _names()
    wanted = Sector(sector) if sector else None
    found = [ipcc_category(code) for code in names]
    return [c for c in found if wanted is None or c.sector_zh == wanted.value]

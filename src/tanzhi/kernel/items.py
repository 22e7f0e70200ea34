"""The activity-item vocabulary (fuels, products, animals, waste types …) and name resolution.

Kept apart from the factor library (`tanzhi.kernel.factors`), which resolves an item name before
it looks a factor up: the vocabulary is a packaged dataset of its own (``factors/items``).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

from tanzhi.kernel.errors import DataError, Location, Problem
from tanzhi.kernel.provenance import read_dataset

ITEMS_DATASET = "factors/items"


@dataclass(frozen=True)
class Item:
    """A canonical activity item (fuel, product, animal, waste type, electricity, heat …)."""

    item: str
    name_zh: str
    name_en: str
    kind: str
    aliases: tuple[str, ...] = ()



@lru_cache(maxsize=1)
def packaged_items() -> dict[str, Item]:
    """Every canonical item, by id (packaged dataset ``factors/items``)."""
    frame, _meta = read_dataset(ITEMS_DATASET, dtype=str)
    items = {}
    for row in frame.fillna("").itertuples(index=False):
        aliases = tuple(a for a in row.aliases.split("|") if a)
        items[row.item] = Item(row.item, row.name_zh, row.name_en, row.kind, aliases)
    return items


_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def _norm(name: str) -> str:
    return re.sub(r"\s+", "", str(name).translate(_FULLWIDTH)).lower()


@lru_cache(maxsize=1)
def _item_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for item in packaged_items().values():
        for name in (item.item, item.name_zh, item.name_en, *item.aliases):
            names.setdefault(_norm(name), item.item)
    return names


def resolve_item(name: str, *, location: Location | None = None) -> str:
    """The canonical item id for a Chinese or English name, id or alias.

    A trailing bracketed qualifier is tried away as a last resort (``"原煤（洗选前）"`` → raw_coal).

    Raises
    ------
    DataError
        Unknown name; the message suggests the closest known names.

    Examples
    --------
    >>> resolve_item("原煤"), resolve_item("液化石油气"), resolve_item("Natural gas")
    ('raw_coal', 'lpg', 'natural_gas')
    """
    names = _item_names()
    key = _norm(name)
    if key in names:
        return names[key]
    bare = re.sub(r"\([^()]*\)$", "", key)
    if bare and bare in names:
        return names[bare]
    close = difflib.get_close_matches(key, list(names), n=3, cutoff=0.6)
    hint_zh = f"（相近：{'、'.join(close)}）" if close else ""
    hint_en = f" (close: {', '.join(close)})" if close else ""
    raise DataError(Problem(
        f"未知项目“{name}”{hint_zh}；可用 `tanzhi factor items` 查看项目目录",
        f"unknown item '{name}'{hint_en}; see `tanzhi factor items`",
        location or Location(),
    ))

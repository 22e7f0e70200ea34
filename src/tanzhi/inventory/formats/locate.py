"""Run the engine on a file's activity rows and name the file rows a missing factor stops.

`tanzhi.inventory.calc.compute_inventory` stops on a factor the library lacks (e.g. a year the
grid factor does not cover) with a message naming item, parameter, region and year, but not the
input row.  `compute_located` re-runs the failing compilation group by group (region, year,
category, item) to find the rows, and raises one `DataError` naming file, row and column.
"""

from __future__ import annotations

import re

import pandas as pd

from tanzhi.inventory.calc import compute_inventory
from tanzhi.inventory.model import Estimate, FactorLookup, InventoryOptions
from tanzhi.kernel import DataError, Location, NotFound, Problem

MAX_GROUPS = 400  # past this many groups, the first error is reported without rows
_GROUP = ["region_code", "year", "category", "item"]
# The kernel library lists the factors that exist for an item and parameter when none fits the
# year or region asked for; then the year (not the item) is what lacks a factor.
_EXISTING = re.compile(r"existing:|现有：")


def compute_located(
    activity: pd.DataFrame, factors: FactorLookup, *, options: InventoryOptions | None = None,
    source: str | None = None,
) -> Estimate:
    """`compute_inventory`, with factor problems tied to the input rows that cause them.

    Raises
    ------
    DataError
        Per affected row: file, sheet row (``_row``) and column (``year`` when the factor
        exists for other years or regions, else ``item``), with the engine's message.
    """
    try:
        return compute_inventory(activity, factors, options=options, source=source)
    except NotFound as exc:
        raise _located(activity, factors, options, source, exc) from exc
    except DataError as exc:
        if any(p.location.row is not None for p in exc.problems):
            raise
        raise _located(activity, factors, options, source, exc) from exc


def _message(exc: Exception) -> tuple[str, str]:
    if isinstance(exc, DataError) and exc.problems:
        return exc.problems[0].message_zh, exc.problems[0].message_en
    text = str(exc)
    zh, sep, en = text.partition(" / ")
    return (zh, en) if sep else (text, text)


def _located(activity: pd.DataFrame, factors: FactorLookup,
             options: InventoryOptions | None, source: str | None,
             error: Exception) -> DataError:
    groups = activity.groupby(_GROUP, sort=False, dropna=False).groups
    problems: list[Problem] = []
    if len(groups) <= MAX_GROUPS:
        for index in groups.values():
            part = activity.loc[index]
            try:
                compute_inventory(part, factors, options=options, source=source)
            except (NotFound, DataError) as exc:
                zh, en = _message(exc)
                column = "year" if _EXISTING.search(f"{zh} {en}") else "item"
                rows = part["_row"] if "_row" in part.columns else pd.Series(part.index + 2)
                problems += [Problem(zh, en, Location(source, int(r), column)) for r in rows]
    if not problems:
        zh, en = _message(error)
        problems.append(Problem(zh, en, Location(source)))
    problems.sort(key=lambda p: p.location.row or 0)
    return DataError(problems)

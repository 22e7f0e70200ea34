"""How many of the factors the demo province compile uses are provisional (issue #9 item 9).

Compiles Zhejiang 330000's own inventory from the demo statistics (every year, no database,
through the service's statistics mapping and variants), collects every factor id behind a
computed row (``factor_ids``) and prints how many of those factor rows are provisional, by
dataset.  Run: ``uv run python scripts/factor_provisional_share.py [-v]`` (-v lists the ids).
"""

from __future__ import annotations

import sys
from collections import Counter

import numpy as np

from tanzhi.demo.calc import generate
from tanzhi.inventory.model import InventoryOptions
from tanzhi.inventory.service.compute import compute_rows
from tanzhi.inventory.service.mapping import STATISTICS_VARIANTS, statistics_to_activity
from tanzhi.kernel.factors import default_library
from tanzhi.kernel.regions import packaged_regions

PROVINCE = "330000"


def out(line: str) -> None:
    sys.stdout.write(line + "\n")


def main() -> None:
    activity = statistics_to_activity(generate(packaged_regions()))
    activity = activity.loc[activity["region_code"] == PROVINCE].reset_index(drop=True)
    activity["activity_id"] = np.arange(len(activity)).astype(str)
    library = default_library()
    rows = compute_rows(activity, library, gwp="AR5",
                        options=InventoryOptions(variants=STATISTICS_VARIANTS)).rows
    ids = {i for text in rows["factor_ids"].dropna() for i in str(text).split("|") if i}
    # "NE:…" entries name a factor that was looked for and not found (the row is NE).
    used = [library.by_id(i) for i in sorted(ids) if i in library]
    provisional = [f for f in used if f.provisional]
    out(f"demo province {PROVINCE}: {len(rows)} result rows, {len(used)} factor rows used, "
          f"{len(provisional)} provisional -> non-provisional share "
          f"{1 - len(provisional) / len(used):.1%}")
    for dataset, n in sorted(Counter(f.dataset for f in used).items()):
        p = sum(f.provisional for f in used if f.dataset == dataset)
        out(f"  {dataset:<20} used {n:>3}  provisional {p:>3}")
    if "-v" in sys.argv:
        for f in provisional:
            out(f"    {f.id}  {f.value:g} {f.unit}  [{f.confidence}]")


if __name__ == "__main__":
    main()

"""Hand-computed grading cases shared by the grade tests (issue #12 item 4).

Industry 26, period 2024 — five firms of value added 10 万元 each, net CO2 4, 6, 8, 12, 20 t:
industry L = Σ net ÷ Σ VA = 50 ÷ 50 = 1.0, so K = L: 0.4, 0.6, 0.8, 1.2, 2.0 — every K bound is hit
exactly, and L = 0.6 and L = 2.0 sit on the band bounds.
Industry 31 — net 30 and 10 t on 10 万元 each: industry L = 40 ÷ 20 = 2.0;
L 3.0 → K 1.5, L 1.0 → K 0.5.
Industry 44 — a single firm, 70.1 t on 10 万元: L 7.01, K = 1 (the 浙江日报 2025-10-16 example of a
chemical-fibre firm labelled 高碳3级 at 7.01 t/万元).
Industry 17 — firm X: energy 50, zero-carbon electricity 10, sinks 60 → net floored at 0, L 0;
firm Y: net 20 on 10 → industry L = 20 ÷ 20 = 1.0, K(X) 0, K(Y) 2.0.
Period 2023 — the first firm of industry 26 at 8 t on 10 万元 (L 0.8): its year-on-year decline in
2024 is (0.8 − 0.6) ÷ 0.8 = 0.25.
"""

from __future__ import annotations

import pandas as pd

from tanzhi.kernel import credit_code_check_char

COLUMNS = ["credit_code", "industry", "region_code", "period", "energy_co2_t",
           "zero_carbon_electricity_co2_t", "sink_co2_t", "value_added_10k_yuan"]


def code(n: int) -> str:
    """A valid credit code numbered `n` (GB 32100 check character appended)."""
    body = f"913305020000{n:05d}"
    return body + credit_code_check_char(body)


# (firm, industry, region, period, energy, zero-carbon electricity, sinks, value added)
ROWS = [
    (1, "2614", "330502", "2024", 6, 0, 0, 10),
    (2, "C2611", "330502", "2024", 8, 0, 0, 10),
    (3, "26", "330502", "2024", 12, 0, 0, 10),
    (4, "2619", "330503", "2024", 25, 5, 0, 10),
    (5, "2621", "330503", "2024", 4, 0, 0, 10),
    (6, "3110", "330503", "2024", 30, 0, 0, 10),
    (7, "3120", "330503", "2024", 10, 0, 0, 10),
    (8, "4411", "330521", "2024", 70.1, 0, 0, 10),
    (9, "1711", "330521", "2024", 50, 10, 60, 10),
    (10, "1712", "330521", "2024", 20, 0, 0, 10),
    (1, "2614", "330502", "2023", 8, 0, 0, 10),
]

# firm → (L, band, industry L, K, grade, category) for 2024
EXPECTED = {
    1: (0.6, "低碳", 1.0, 0.6, 1, "低碳高效"),
    2: (0.8, "中碳", 1.0, 0.8, 2, "低碳高效"),
    3: (1.2, "中碳", 1.0, 1.2, 3, "观察名单"),
    4: (2.0, "中碳", 1.0, 2.0, 4, "观察名单"),
    5: (0.4, "低碳", 1.0, 0.4, 1, "低碳高效"),
    6: (3.0, "高碳", 2.0, 1.5, 4, "高碳低效"),
    7: (1.0, "中碳", 2.0, 0.5, 1, "低碳高效"),
    8: (7.01, "高碳", 7.01, 1.0, 3, "高碳高效"),
    9: (0.0, "低碳", 1.0, 0.0, 1, "低碳高效"),
    10: (2.0, "中碳", 1.0, 2.0, 4, "观察名单"),
}


def frame(rows: list[tuple] = ROWS) -> pd.DataFrame:  # type: ignore[type-arg]
    """The rows as the text cells a CSV gives."""
    return pd.DataFrame([[code(r[0]), *(str(v) for v in r[1:])] for r in rows], columns=COLUMNS)

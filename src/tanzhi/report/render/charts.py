"""Static charts of reports: matplotlib → SVG (HTML/PDF) and PNG (DOCX), with Noto Sans CJK.

No pyplot state: each chart is its own `Figure` (thread-safe in the web server). SVG ids are
salted with a fixed string and dates are left out, so the same chart gives the same bytes.
The CJK font is located through `matplotlib.font_manager` (installed by `make system-deps`,
fonts-noto-cjk); nothing is fetched from the network.
"""

from __future__ import annotations

import io
import math
from functools import lru_cache

from tanzhi.report.model import Chart

# Government-report palette: muted, distinguishable in grey print.
PALETTE = ("#1f5f8b", "#c0504d", "#7f9f3f", "#e0a030", "#6b4c9a", "#2e9c9c", "#8c564b",
           "#d36f9f", "#7f7f7f", "#b5b842")
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC", "SimHei",
                "Microsoft YaHei", "WenQuanYi Zen Hei")
SVG_SALT = "tanzhi-report"


@lru_cache(maxsize=1)
def cjk_family() -> list[str]:
    """Font families for chart text: the first installed CJK family, then DejaVu Sans."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    found = [name for name in CJK_FAMILIES if name in installed]
    return [*found[:1], "DejaVu Sans"]


def _rc() -> dict[str, object]:
    return {
        "font.family": "sans-serif",
        "font.sans-serif": cjk_family(),
        "axes.unicode_minus": False,
        "svg.hashsalt": SVG_SALT,
        "svg.fonttype": "path",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.color": "#dddddd",
        "grid.linewidth": 0.6,
        "axes.axisbelow": True,
        "legend.frameon": False,
    }


def _figure(chart: Chart):  # noqa: ANN202 — matplotlib Figure
    from matplotlib.figure import Figure

    wide = len(chart.categories) > 8 or chart.kind == "stacked_bar"
    size = (6.3, 3.2) if chart.kind != "pie" else (6.3, 3.4)
    if wide and chart.kind != "pie":
        size = (6.3, 3.4)
    fig = Figure(figsize=size, dpi=100)
    ax = fig.add_subplot(1, 1, 1)
    colors = [s.color or PALETTE[i % len(PALETTE)] for i, s in enumerate(chart.series)]
    x = list(range(len(chart.categories)))
    if chart.kind == "pie":
        _pie(ax, chart, colors)
    elif chart.kind == "line":
        for s, color in zip(chart.series, colors, strict=True):
            ys = [math.nan if v is None else float(v) for v in s.values]
            ax.plot(x, ys, label=s.name, color=color,
                    linestyle={"solid": "-", "dashed": "--", "dotted": ":"}[s.style],
                    marker="o" if s.marker else None, markersize=3.5, linewidth=1.6)
    elif chart.kind in ("bar", "stacked_bar"):
        _bars(ax, chart, colors, x)
    for label, y in chart.reference_lines:
        ax.axhline(y, color="#555555", linewidth=0.9, linestyle="-.")
        ax.annotate(label, xy=(1, y), xycoords=("axes fraction", "data"), ha="right",
                    va="bottom", fontsize=8, color="#555555")
    if chart.kind != "pie":
        ax.set_xticks(x, chart.categories, rotation=45 if len(x) > 12 else 0,
                      ha="right" if len(x) > 12 else "center")
        if chart.unit:
            ax.set_ylabel(chart.unit)
        ax.grid(axis="x", visible=False)
        if len(chart.series) > 1 or chart.kind == "stacked_bar":
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14 if len(x) <= 12 else -0.3),
                      ncol=min(4, len(chart.series)), fontsize=8)
    fig.tight_layout()
    return fig


def _bars(ax, chart: Chart, colors: list[str], x: list[int]) -> None:  # noqa: ANN001
    n = len(chart.series)
    if chart.kind == "stacked_bar":
        pos = [0.0] * len(x)
        neg = [0.0] * len(x)
        for s, color in zip(chart.series, colors, strict=True):
            vals = [0.0 if v is None or not math.isfinite(v) else float(v) for v in s.values]
            bottoms = [p if v >= 0 else q for v, p, q in zip(vals, pos, neg, strict=True)]
            ax.bar(x, vals, bottom=bottoms, label=s.name, color=color, width=0.62)
            pos = [p + max(v, 0) for p, v in zip(pos, vals, strict=True)]
            neg = [q + min(v, 0) for q, v in zip(neg, vals, strict=True)]
        if any(q < 0 for q in neg):
            ax.axhline(0, color="#333333", linewidth=0.8)
        return
    width = 0.8 / max(n, 1)
    for i, (s, color) in enumerate(zip(chart.series, colors, strict=True)):
        vals = [0.0 if v is None or not math.isfinite(v) else float(v) for v in s.values]
        offset = (i - (n - 1) / 2) * width
        ax.bar([xi + offset for xi in x], vals, width=width * 0.95, label=s.name, color=color)
    if any((v or 0) < 0 for s in chart.series for v in s.values):
        ax.axhline(0, color="#333333", linewidth=0.8)


def _pie(ax, chart: Chart, colors: list[str]) -> None:  # noqa: ANN001
    values = chart.series[0].values if chart.series else []
    pairs = [(c, float(v)) for c, v in zip(chart.categories, values, strict=False)
             if v is not None and math.isfinite(v) and v > 0]
    total = sum(v for _, v in pairs) or 1.0
    wedge_colors = [PALETTE[i % len(PALETTE)] for i in range(len(pairs))]
    wedges, _ = ax.pie([v for _, v in pairs], colors=wedge_colors, startangle=90,
                       counterclock=False, wedgeprops={"linewidth": 0.8, "edgecolor": "white"})
    ax.legend(wedges, [f"{c} {v / total:.1%}" for c, v in pairs], loc="center left",
              bbox_to_anchor=(1.0, 0.5), fontsize=8)
    ax.set_aspect("equal")
    ax.grid(False)


def chart_svg(chart: Chart) -> str:
    """The chart as an SVG document (text as paths: renders anywhere, same bytes every time)."""
    from matplotlib import rc_context

    with rc_context(_rc()):
        fig = _figure(chart)
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    text = buf.getvalue()
    start = text.find("<svg")
    return text[start:] if start >= 0 else text


def chart_png(chart: Chart, *, dpi: int = 200) -> bytes:
    """The chart as a PNG image (for DOCX), without time stamps in its metadata."""
    from matplotlib import rc_context

    with rc_context(_rc()):
        fig = _figure(chart)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()

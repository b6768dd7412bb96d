"""The weekly report as one tall chart that stays readable on a phone.

1080 px wide with large type, because managers open it in Telegram. A bare `Figure`
renders through the Agg canvas without pyplot, so no global backend or figure registry
is touched from a bot worker. Matplotlib (3.11) joins Arabic letters and lays out
right-to-left text itself, so an Arabic chart is drawn in Arabic like the others.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO
from textwrap import fill
from typing import Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import DateFormatter
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.typing import RcKeyType

from reports import numbers
from reports.labels import label, reasons_text
from reports.model import WeeklyReport

SatisfactionPoint = tuple[str, float, float, float, float | None]
WRAP_CHARS = 80

WIDTH_PX = 1080
DPI = 100
FONT_SIZE = 17
ACHIEVEMENT_AXIS_MAX = 150.0
PLAN_COLOUR = "#C00000"
BAR_COLOUR = "#1F4E79"
OVER_COLOUR = "#2E7D32"
BAR_HEIGHT = 0.45
MAX_DATE_TICKS = 6
SATISFACTION_AXIS_END = 120.0  # room right of 100% for the value column, clear of every mark
HEADING_INCHES = 0.9
SOURCE_INCHES = 0.5


DASH = "—"
STYLE: dict[RcKeyType, Any] = {"font.size": FONT_SIZE, "font.family": "DejaVu Sans"}
_DRAWING = threading.RLock()


@contextmanager
def styled() -> Iterator[None]:
    """Matplotlib's settings belong to the whole process and the bot draws in worker threads:
    one drawing at a time, each in our style, so two charts drawn at once cannot mix settings."""
    with _DRAWING, matplotlib.rc_context(STYLE):
        yield


def render_png(report: WeeklyReport, lang: str = "tr") -> bytes:
    with styled():
        figure = draw(report, lang)
        out = BytesIO()
        figure.savefig(out, format="png", dpi=DPI, facecolor="white")
    return out.getvalue()


def draw(report: WeeklyReport, lang: str = "tr") -> Figure:
    """The chart as a figure, every label a text artist (what `render_png` saves)."""
    survey_rows = _satisfaction_rows(report, lang)
    panels = [("achievement", 12.0), ("satisfaction", 1.8 + 0.9 * len(survey_rows))]
    if report.trend:
        panels.append(("trend", 5.5))
    height = sum(size for _, size in panels) + HEADING_INCHES + SOURCE_INCHES
    with styled():
        figure = Figure(figsize=(WIDTH_PX / DPI, height), dpi=DPI)
        FigureCanvasAgg(figure)  # measured text: labels are placed by their drawn size
        ratios = [size for _, size in panels]
        axes = figure.subplots(
            len(panels), 1, gridspec_kw={"height_ratios": ratios}, squeeze=False
        )[:, 0]
        values = _achievement(axes[0], report, lang)
        _satisfaction(axes[1], survey_rows, lang)
        if report.trend:
            _trend(axes[2], report, lang)
        _heading_and_source(figure, report, lang)
        figure.tight_layout(h_pad=2.5, rect=(0, SOURCE_INCHES / height, 1, 1 - HEADING_INCHES / height))
        _clear_of_plan_line(axes[0], values)
    return figure


def _heading_and_source(figure: Figure, report: WeeklyReport, lang: str) -> None:
    """The year and period on top and where the figures come from at the foot, so a chart
    forwarded on its own still says what it shows."""
    figure.suptitle(
        label("chart_heading", lang, year=report.year, start=numbers.day(report.period_from),
              end=numbers.day(report.period_to)),
        x=0.01, y=0.995, ha="left", va="top", fontsize=FONT_SIZE + 6, fontweight="bold",
    )
    figure.text(0.01, 0.005, label("chart_source", lang, date=numbers.day(report.generated_at.date())),
                ha="left", va="bottom", fontsize=FONT_SIZE - 2, color="#444444")


def _clear_of_plan_line(ax: Axes, values: list[Text]) -> None:
    """A value label that would cross the 100% plan line starts just right of it instead."""
    canvas = ax.figure.canvas
    assert isinstance(canvas, FigureCanvasAgg)
    renderer = canvas.get_renderer()  # type: ignore[no-untyped-call]  # matplotlib leaves it untyped
    line_x = ax.transData.transform((100, 0))[0]
    for text in values:
        box = text.get_window_extent(renderer)
        if box.x0 - 4 <= line_x <= box.x1 + 4:
            text.set_x(102.5)


def _achievement(ax: Axes, report: WeeklyReport, lang: str) -> list[Text]:
    """Uncapped achievement per indicator against the 100% plan line; bars past the
    axis end are clipped but labelled with their true value. Returns the value labels."""
    lines = report.indicators
    values = [
        None if line.ytd.achievement is None else 100 * line.ytd.achievement for line in lines
    ]
    positions = range(len(lines))
    shown = [min(max(v or 0.0, 0.0), ACHIEVEMENT_AXIS_MAX) for v in values]
    colours = [OVER_COLOUR if (v or 0) >= 100 else BAR_COLOUR for v in values]
    ax.barh(positions, shown, color=colours, height=BAR_HEIGHT)
    ax.axvline(100, color=PLAN_COLOUR, linewidth=2.5, linestyle="--")
    texts = []
    for position, line, value, bar_end in zip(positions, lines, values, shown):
        _row_label(ax, position, f"{line.ytd.code} {line.indicator.short_in(lang)}")
        if line.ytd.suppressed:
            text = label("suppressed_value", lang, n=line.ytd.n)
        elif value is None:
            text = label("chart_no_data", lang)
        else:
            text = numbers.percent(value, lang, 0)
            if not line.ytd.baseline_known:
                text += f" ({label('baseline_assumed', lang)})"
        if line.ytd.small_sample:
            text += f" · {label('chart_small_sample', lang)} (n={line.ytd.n})"
        texts.append(ax.text(bar_end + 2, position, text, va="center", fontweight="bold"))
    ax.legend(
        handles=[
            Patch(color=BAR_COLOUR, label=label("chart_legend_bar", lang)),
            Patch(color=OVER_COLOUR, label=label("chart_legend_over", lang)),
            Line2D([], [], color=PLAN_COLOUR, linewidth=2.5, linestyle="--", label=label("chart_legend_plan", lang)),
        ],
        loc="upper left", ncol=3, frameon=False, fontsize=FONT_SIZE - 2, borderaxespad=0.1,
    )
    ax.set_ylim(len(lines) - 0.3, -1.2)
    ax.set_xlim(0, ACHIEVEMENT_AXIS_MAX + 25)
    ax.set_xticks([0, 50, 100, 150])
    ax.xaxis.set_major_formatter(lambda x, _: numbers.percent(x, lang, 0))
    target = report.target
    total = numbers.percent(100 * target.achievement, lang)
    period = label("chart_period", lang, start=numbers.day(report.period_from), end=numbers.day(report.period_to))
    _frame(ax, f"{label('chart_achievement', lang)}: 4.2 = {total}\n{period}")
    covered = DASH if target.achievement_of_covered is None else numbers.percent(100 * target.achievement_of_covered, lang)
    footer = [label("chart_covered", lang, value=covered, weight=target.covered_weight)]
    if target.uncovered:
        footer.append(label("chart_excluded", lang, codes=", ".join(
            f"{code} ({reasons_text(target.uncovered_reasons.get(code, ()), lang)})" for code in target.uncovered
        )))
    ax.set_xlabel("\n".join(fill(text, WRAP_CHARS) for text in footer), fontsize=FONT_SIZE - 2, loc="left")
    return texts


def _satisfaction_rows(report: WeeklyReport, lang: str) -> list[SatisfactionPoint]:
    """(label, share, low, high, planned) for each survey indicator overall, then each
    centre that is not suppressed; suppressed centres are left out of the chart."""
    rows = []
    for line in report.indicators:
        result = line.ytd
        if result.unit != "percent" or result.actual is None or result.ci95 is None:
            continue
        rows.append((f"{result.code} ({_sample(result.n, result.small_sample, lang)})", result.actual, *result.ci95,
                     result.planned))
        for row in report.satisfaction:
            if row.by == "centre" and row.indicator == result.code and row.ci95 and row.share is not None:
                rows.append((f"   {row.key} ({_sample(row.n, row.small_sample, lang)})", row.share, *row.ci95, None))
    return rows


def _sample(n: int | None, small: bool, lang: str) -> str:
    return f"n={n}, {label('chart_small_sample', lang)}" if small else f"n={n}"


def _satisfaction(ax: Axes, rows: list[SatisfactionPoint], lang: str) -> None:
    _frame(ax, label("chart_satisfaction", lang))
    ax.set_xlim(0, SATISFACTION_AXIS_END)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.xaxis.set_major_formatter(lambda x, _: numbers.percent(x, lang, 0))
    if not rows:
        ax.text(50, 0.5, label("chart_no_data", lang), ha="center", va="center",
                transform=ax.get_xaxis_transform())
        return
    positions = list(range(len(rows)))
    shares = [row[1] for row in rows]
    errors = [[row[1] - row[2] for row in rows], [row[3] - row[1] for row in rows]]
    ax.errorbar(shares, positions, xerr=errors, fmt="o", color=BAR_COLOUR, ecolor=BAR_COLOUR,
                markersize=12, capsize=9, elinewidth=3)
    for position, (text, share, _, _, planned) in zip(positions, rows):
        _row_label(ax, position, text)
        # The value sits in its own column right of 100%, where no interval or target tick can reach.
        ax.text(SATISFACTION_AXIS_END, position, numbers.percent(share, lang), va="center", ha="right",
                fontweight="bold")
        if planned is not None:
            ax.plot([planned], [position], marker="|", markersize=30, color=PLAN_COLOUR,
                    markeredgewidth=3.5, linestyle="none")
    ax.legend(
        handles=[
            Line2D([], [], color=BAR_COLOUR, marker="o", markersize=10, linewidth=3,
                   label=label("chart_legend_share", lang)),
            Line2D([], [], color=PLAN_COLOUR, marker="|", markersize=20, markeredgewidth=3.5, linestyle="none",
                   label=label("chart_legend_target", lang)),
        ],
        loc="upper left", ncol=2, frameon=False, fontsize=FONT_SIZE - 2, borderaxespad=0.1,
    )
    ax.set_ylim(len(rows) - 0.5, -1.4)


def _trend(ax: Axes, report: WeeklyReport, lang: str) -> None:
    days = [point.week_end for point in report.trend]
    values = [100 * point.achievement for point in report.trend]
    ax.plot(days, values, marker="o", linewidth=3, markersize=9, color=BAR_COLOUR)  # type: ignore[arg-type]  # matplotlib converts dates; its stubs take numbers
    _frame(ax, label("chart_trend", lang))
    ax.set_yticks([0, 25, 50, 75, 100])
    ax.set_ylim(0, max(100.0, *values) * 1.05)
    ax.yaxis.set_major_formatter(lambda y, _: numbers.percent(y, lang, 0))
    step = -(-len(days) // MAX_DATE_TICKS)
    ax.set_xticks(days[::step])  # type: ignore[arg-type]  # dates, as for plot() above
    ax.xaxis.set_major_formatter(DateFormatter("%d.%m"))
    ax.grid(axis="y", alpha=0.3)


def _row_label(ax: Axes, position: float, text: str) -> None:
    """Labels sit above their bar, so long Turkish names get the full phone width."""
    ax.text(0, position - BAR_HEIGHT / 2 - 0.05, text, va="bottom", ha="left",
            fontsize=FONT_SIZE - 1)


def _frame(ax: Axes, title: str) -> None:
    ax.set_title(title, fontsize=FONT_SIZE + 4, loc="left", fontweight="bold")
    ax.set_yticks([])
    ax.spines[["top", "right", "left"]].set_visible(False)

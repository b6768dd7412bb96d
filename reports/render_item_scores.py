"""A survey's item scores per centre as a chart: each Likert item's top-2-box city-wide and at
each centre, with its 95% interval, so a manager sees at a glance where a centre stands apart.

Only the result model is read (reports.results, reports.drivers), so the chart cannot show a
figure the other outputs hide: a suppressed item gets the words "hidden", never a point, and
an anonymous survey has no centre rows at all. A centre whose interval does not overlap the
city's is drawn in red and says so. Drawn like the weekly chart (reports.render_png): a bare
Figure through the Agg canvas, 1080 px wide for a phone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from io import BytesIO
from textwrap import fill

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from reports import numbers
from reports.drivers import CentreComparison, Driver
from reports.labels import label
from reports.render_png import BAR_COLOUR, DPI, FONT_SIZE, PLAN_COLOUR, WIDTH_PX, styled
from reports.results import QuestionResult, SurveyResults
from surveys.labels import label as in_language

ROW_INCHES = 0.7
HEADER_INCHES = 2.2
WRAP_CHARS = 80
CITY = "city"


@dataclass(frozen=True)
class ChartRow:
    """One line of the chart: an item's heading, or its score city-wide or at one centre.
    `key` ("city/ITEM" or "CENTRE/ITEM") names the row's artists, so a reader can find them."""

    key: str
    text: str
    result: QuestionResult | None  # None for a heading
    driver: Driver | None = None


def chart_rows(comparison: CentreComparison, lang: str, centre_names: Mapping[str, str]) -> list[ChartRow]:
    """Per Likert item: a heading, the city-wide row, then each centre's row."""
    found: list[ChartRow] = []
    by_centre = {centre.centre or "": centre for centre in comparison.centres}
    for question in comparison.city.questions:
        if question.type != "likert5":
            continue
        found.append(ChartRow(f"item/{question.id}", in_language(question.label, lang), None))
        found.append(ChartRow(f"{CITY}/{question.id}", label("items_city", lang), question))
        for centre_id, results in by_centre.items():
            item = _question(results, question.id)
            if item is None:
                continue
            driver = next((d for d in comparison.drivers.get(centre_id, ()) if d.question_id == question.id), None)
            found.append(ChartRow(f"{centre_id}/{question.id}", centre_names.get(centre_id, centre_id), item, driver))
    return found


def _question(results: SurveyResults, question_id: str) -> QuestionResult | None:
    return next((q for q in results.questions if q.id == question_id), None)


def render_item_scores(comparison: CentreComparison, lang: str = "tr",
                       centre_names: Mapping[str, str] | None = None) -> bytes:
    with styled():
        figure = draw_item_scores(comparison, lang, centre_names or {})
        out = BytesIO()
        figure.savefig(out, format="png", dpi=DPI, facecolor="white")
    return out.getvalue()


def draw_item_scores(comparison: CentreComparison, lang: str = "tr",
                     centre_names: Mapping[str, str] | None = None) -> Figure:
    """The chart as a figure: each shown score one errorbar container labelled with its row's
    key, each hidden one a text artist whose gid is "hidden:" and the key; a shown row's name
    (with its n and flags) has the gid "name:" and the key, a real difference "real:" and the key."""
    rows = chart_rows(comparison, lang, centre_names or {})
    city = comparison.city
    with styled():
        figure = Figure(figsize=(WIDTH_PX / DPI, HEADER_INCHES + ROW_INCHES * max(len(rows), 2)), dpi=DPI)
        ax = figure.subplots()
        title = label("items_title", lang, survey=in_language(city.title, lang))
        ax.set_title(fill(title, WRAP_CHARS - 20), fontsize=FONT_SIZE + 2, loc="left", fontweight="bold")
        notes = [label("items_period", lang, start=numbers.day(city.first), end=numbers.day(city.last))]
        if city.anonymous:
            notes.append(label("items_anonymous", lang))
        ax.set_xlabel("\n".join(fill(note, WRAP_CHARS) for note in notes), fontsize=FONT_SIZE - 3, loc="left")
        ax.set_xlim(0, 102)  # a point at 100% is drawn whole
        ax.set_xticks([0, 20, 40, 60, 80, 100])
        ax.xaxis.set_major_formatter(lambda x, _: numbers.percent(x, lang, 0))
        ax.set_yticks([])
        ax.spines[["top", "right", "left"]].set_visible(False)
        if not rows:
            ax.text(50, 0.5, label("items_none", lang), ha="center", va="center", transform=ax.get_xaxis_transform())
        for position, row in enumerate(rows):
            _row(ax, position, row, lang)
        ax.set_ylim(max(len(rows), 1) - 0.4, -0.8)
        figure.tight_layout()
    return figure


def _row(ax: Axes, position: int, row: ChartRow, lang: str) -> None:
    if row.result is None:
        ax.text(0, position, fill(row.text, WRAP_CHARS), va="center", ha="left", fontweight="bold",
                fontsize=FONT_SIZE - 2)
        return
    result = row.result
    share = result.top2
    sample = "" if result.n is None else f"n={result.n}"
    if result.small_sample and not result.suppressed:
        sample += f", {label('chart_small_sample', lang)}"
    name = f"   {row.text} ({sample})" if sample else f"   {row.text}"
    if result.suppressed or share is None:
        ax.text(0, position, f"{name}: {label('items_hidden', lang)}", va="center", ha="left",
                fontsize=FONT_SIZE - 3, color="grey", style="italic", gid=f"hidden:{row.key}")
        return
    real = row.driver is not None and row.driver.real
    colour = PLAN_COLOUR if real else BAR_COLOUR
    low, high = share.ci95
    ax.errorbar([share.percent], [position], xerr=[[share.percent - low], [high - share.percent]], fmt="o",
                color=colour, ecolor=colour, markersize=10, capsize=7, elinewidth=2.5, label=row.key)
    value = numbers.percent(share.percent, lang)
    if row.driver is not None:
        value += f" ({numbers.signed(row.driver.difference, lang, 1)} {label('items_points', lang)}"
        value += f", {label('items_real', lang)})" if real else ")"
    line = position - 0.3  # names and values sit above their whisker, so nothing leaves the axis
    ax.text(0, line, name, va="center", ha="left", fontsize=FONT_SIZE - 4, gid=f"name:{row.key}")
    ax.text(102, line, value, va="center", ha="right", fontsize=FONT_SIZE - 3, color=colour,
            fontweight="bold" if real else "normal", gid=f"real:{row.key}" if real else f"value:{row.key}")

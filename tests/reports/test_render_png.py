from __future__ import annotations

from dataclasses import replace
from io import BytesIO

import pytest
from matplotlib.colors import to_hex
from matplotlib.lines import Line2D
from PIL import Image
from report_sample import sample_report

from reports.labels import label
from reports.render_png import DPI, PLAN_COLOUR, WIDTH_PX, draw, render_png
from reports.weekly import write_report_files


def decode(data: bytes) -> Image.Image:
    return Image.open(BytesIO(data)).convert("RGB")


@pytest.mark.parametrize("lang", ["tr", "en", "ar"])
def test_chart_is_phone_width_and_not_blank(lang):
    image = decode(render_png(sample_report(), lang))
    assert image.width == WIDTH_PX
    assert image.height > image.width
    colours = image.getcolors(maxcolors=1_000_000)
    white = sum(count for count, rgb in colours if rgb == (255, 255, 255))
    assert white < 0.95 * image.width * image.height
    # the bars' dark blue (#1F4E79) is drawn
    assert any(rgb == (0x1F, 0x4E, 0x79) for _, rgb in colours)


def test_chart_without_trend_is_shorter():
    report = sample_report()
    with_trend = decode(render_png(report))
    without = decode(render_png(replace(report, trend=())))
    assert without.width == WIDTH_PX
    assert without.height < with_trend.height


def test_arabic_chart_is_drawn_in_arabic_with_every_glyph(recwarn):
    arabic = decode(render_png(sample_report(), "ar"))
    assert not [w for w in recwarn if "missing from font" in str(w.message)]
    assert arabic.tobytes() != decode(render_png(sample_report(), "en")).tobytes()


def crowded_report():
    """The sample with a survey whose interval ends just left of its target tick, where a
    label beside the interval would sit on the tick, and a count just short of its plan."""
    report = sample_report()
    lines = []
    for line in report.indicators:
        if line.ytd.code == "4.2.5":
            line = replace(line, ytd=replace(line.ytd, actual=60.0, ci95=(50.0, 70.0), planned=75.0))
        lines.append(line)
    return replace(report, indicators=tuple(lines))


def _boxes(figure, artists):
    renderer = figure.canvas.get_renderer()
    return [(artist, artist.get_window_extent(renderer)) for artist in artists]


def _red(artist) -> bool:
    return isinstance(artist, Line2D) and to_hex(artist.get_color()) == PLAN_COLOUR.lower()


@pytest.mark.parametrize("lang", ["tr", "en", "ar"])
@pytest.mark.parametrize("make", [sample_report, crowded_report])
def test_no_label_overlaps_a_target_mark_or_another_label(lang, make):
    figure = draw(make(), lang)
    achievement, satisfaction = figure.axes[0], figure.axes[1]
    marks = [line for ax in (achievement, satisfaction) for line in ax.lines if _red(line)]
    assert len(marks) == 1 + 2  # the plan line, and a tick for each survey indicator with a planned value
    texts = [text for ax in (achievement, satisfaction) for text in ax.texts if text.get_text()]
    legends = [ax.get_legend() for ax in (achievement, satisfaction)]
    for text, box in _boxes(figure, texts):
        for mark, mark_box in _boxes(figure, marks):
            assert not box.overlaps(mark_box), (text.get_text(), mark.get_xdata())
    placed = _boxes(figure, [*texts, *legends])
    for index, (first, box) in enumerate(placed):
        for second, other in placed[index + 1:]:
            assert not box.overlaps(other), (str(first), str(second))


@pytest.mark.parametrize(("lang", "source"), [("tr", "Kaynak: kentbot, "), ("en", "Source: kentbot, "), ("ar", "المصدر: kentbot، ")])
def test_the_chart_names_year_period_and_source_and_explains_its_marks(lang, source):
    report = sample_report()
    figure = draw(report, lang)
    heading = figure.get_suptitle()
    assert str(report.year) in heading and report.period_from.strftime("%d.%m.%Y") in heading
    assert report.period_to.strftime("%d.%m.%Y") in heading
    assert f"{source}{report.generated_at.date():%d.%m.%Y}" in [text.get_text() for text in figure.texts]
    achievement, satisfaction = (ax.get_legend() for ax in figure.axes[:2])
    assert [t.get_text() for t in achievement.get_texts()] == [
        label("chart_legend_bar", lang), label("chart_legend_over", lang), label("chart_legend_plan", lang),
    ]
    assert [t.get_text() for t in satisfaction.get_texts()] == [
        label("chart_legend_share", lang), label("chart_legend_target", lang),
    ]
    handles = satisfaction.legend_handles
    assert to_hex(handles[1].get_color()) == PLAN_COLOUR.lower() and handles[1].get_marker() == "|"


def test_the_written_file_is_the_phone_width_chart(tmp_path):
    written = write_report_files(crowded_report(), tmp_path, "tr")
    with Image.open(written["png"]) as image:
        assert image.format == "PNG" and image.width == WIDTH_PX
        assert image.height == round(draw(crowded_report(), "tr").get_figheight() * DPI)

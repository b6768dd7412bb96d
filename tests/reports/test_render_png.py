from __future__ import annotations

from dataclasses import replace
from io import BytesIO

import pytest
from PIL import Image
from report_sample import sample_report

from reports.render_png import WIDTH_PX, render_png


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

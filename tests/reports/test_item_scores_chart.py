"""The chart of item scores per centre: written by `kentbot results --chart` and with the weekly
report's files, opened as a PNG, and its drawn points checked against the raw answers."""

from __future__ import annotations

from datetime import date, datetime, timezone
from io import BytesIO
from pathlib import Path

import pytest
from cli_support import seed_for_cli
from matplotlib.container import ErrorbarContainer
from matplotlib.figure import Figure
from PIL import Image
from raw_results import raw_by_centre, top2, wilson
from results_db_sample import BUCA, YEAR, seed
from test_reports_cli import kentbot

from reports.drivers import compare_centres
from reports.render_item_scores import draw_item_scores, render_item_scores
from reports.weekly import build_weekly_report, item_chart_name, survey_comparison, write_report_files
from storage.answered import ResponseAnswers
from storage.centres import shipped_by_id
from surveys.definition import load_shipped

SPRING = (date(YEAR, 3, 1), date(YEAR, 5, 31))  # Buca has 3 responses then: its cells are hidden
# The current version's Likert items, in the order the survey asks them.
LIKERT = tuple(q.id for q in load_shipped()["disability_centre"].questions if q.type == "likert5")


@pytest.fixture
async def seeded(db, monkeypatch, tmp_path, capsys):
    return await seed_for_cli(db, monkeypatch, tmp_path, capsys, seed)


def points(figure: Figure) -> dict[str, tuple[float, float, float]]:
    """Each drawn score by its row's key: (value, interval low, interval high)."""
    found = {}
    for container in figure.axes[0].containers:
        assert isinstance(container, ErrorbarContainer)
        x = container.lines[0].get_xdata()[0]
        segment = container.lines[2][0].get_segments()[0]
        found[container.get_label()] = (float(x), float(segment[0][0]), float(segment[1][0]))
    return found


def texts(figure: Figure) -> dict[str, str]:
    return {t.get_gid(): t.get_text() for t in figure.axes[0].texts if t.get_gid()}


def names() -> dict[str, str]:
    return {centre_id: centre.name_in("tr") for centre_id, centre in shipped_by_id().items()}


async def test_the_chart_plots_each_centres_item_scores_recounted_from_raw_answers(seeded, tmp_path) -> None:
    out = tmp_path / "maddeler.png"
    code, _, err = await kentbot(seeded, tmp_path, "results", "--survey", "disability_centre",
                                 "--from", SPRING[0].isoformat(), "--to", SPRING[1].isoformat(), "--chart", str(out))
    assert code == 0, err
    with Image.open(out) as image:
        assert image.format == "PNG" and image.width == 1080 and image.height > 600
    current = load_shipped()["disability_centre"]
    async with seeded.sessions() as session:
        compared = await survey_comparison(session, current, *SPRING)
    # The file the command wrote is this figure.
    assert out.read_bytes() == render_item_scores(compared, "tr", names())
    figure = draw_item_scores(compared, "tr", names())
    drawn, words = points(figure), texts(figure)
    raw = await raw_by_centre(seeded, "disability_centre", *SPRING)
    assert set(raw) == {"bornova-engelli", BUCA}
    everyone = [answers for group in raw.values() for answers in group]
    hidden = 0
    for question in LIKERT:
        city_top, city_n = top2(everyone, question)
        assert drawn[f"city/{question}"] == pytest.approx((100 * city_top / city_n, *wilson(city_top, city_n)))
        for centre, answers in raw.items():
            key = f"{centre}/{question}"
            top, n = top2(answers, question)
            if n < 5:
                # Never drawn: the words "hidden" instead, and no figure of it anywhere.
                hidden += 1
                assert key not in drawn and "gizlendi" in words[f"hidden:{key}"]
                continue
            assert drawn[key] == pytest.approx((100 * top / n, *wilson(top, n)))
            assert ("küçük örneklem" in words[f"name:{key}"]) == (n < 30) and f"n={n}" in words[f"name:{key}"]
            low, high = wilson(top, n)
            city_low, city_high = wilson(city_top, city_n)
            assert (f"real:{key}" in words) == (high < city_low or city_high < low)
    assert hidden == len(LIKERT)  # Buca's three responses
    assert all(not key.startswith(BUCA) for key in drawn)


def _answers(centre: str, value: int) -> ResponseAnswers:
    answers = {"role": "self", "centre": centre, "services": ["social"], **dict.fromkeys(LIKERT, value)}
    return ResponseAnswers(2, centre, date(YEAR, 4, 1), f"{YEAR}-04", answers)


def test_a_real_difference_is_marked_and_a_small_centre_is_never_drawn() -> None:
    current = load_shipped()["disability_centre"]
    rows = ([_answers("bornova-engelli", 5)] * 40 + [_answers("buca-engelli", 2)] * 40
            + [_answers("karsiyaka-engelli", 5)] * 3)
    compared = compare_centres(current, {}, rows, first=date(YEAR, 1, 1), last=date(YEAR, 12, 31))
    figure = draw_item_scores(compared, "en")
    drawn, words = points(figure), texts(figure)
    for question in LIKERT:
        assert drawn[f"bornova-engelli/{question}"][0] == pytest.approx(100)
        assert drawn[f"buca-engelli/{question}"][0] == pytest.approx(0)
        assert "real difference" in words[f"real:bornova-engelli/{question}"]
        assert "real difference" in words[f"real:buca-engelli/{question}"]
        assert f"karsiyaka-engelli/{question}" not in drawn
        assert words[f"hidden:karsiyaka-engelli/{question}"].endswith("hidden (fewer than 5 answers)")
        assert f"real:city/{question}" not in words
    colours = {container.get_label(): container.lines[0].get_color() for container in figure.axes[0].containers}
    assert colours["bornova-engelli/overall"] != colours["city/overall"]


async def test_the_anonymous_survey_has_the_city_alone_and_nothing_under_5(seeded, tmp_path) -> None:
    out = tmp_path / "kadin.png"
    code, _, err = await kentbot(seeded, tmp_path, "results", "--survey", "women_support", "--year", str(YEAR),
                                 "--chart", str(out))
    assert code == 0, err
    current = load_shipped()["women_support"]
    async with seeded.sessions() as session:
        year = await survey_comparison(session, current, date(YEAR, 1, 1), date(YEAR, 12, 31))
        may = await survey_comparison(session, current, date(YEAR, 5, 1), date(YEAR, 5, 31))
    assert out.read_bytes() == render_item_scores(year, "tr", names())
    figure = draw_item_scores(year, "tr", names())
    everyone = [a for group in (await raw_by_centre(seeded, "women_support", date(YEAR, 1, 1), date(YEAR, 12, 31))).values()
                for a in group]
    drawn = points(figure)
    assert set(drawn) == {f"city/{q.id}" for q in current.questions if q.type == "likert5"}
    for key, (value, _, _) in drawn.items():
        top, n = top2(everyone, key.split("/")[1])
        assert value == pytest.approx(100 * top / n)
    assert "merkez kırılımı yok" in figure.axes[0].get_xlabel()
    # May alone has 3 responses: an anonymous survey under 5 shows nothing at all.
    empty = draw_item_scores(may, "tr", names())
    assert not empty.axes[0].containers and not texts(empty)
    assert any("Gösterilebilecek madde yok" in t.get_text() for t in empty.axes[0].texts)


async def test_the_weekly_report_writes_each_surveys_item_chart(seeded, tmp_path) -> None:
    async with seeded.sessions() as session:
        report = await build_weekly_report(session, period_from=date(YEAR, 1, 1), period_to=date(YEAR, 12, 31),
                                           year=YEAR, now=datetime(YEAR, 12, 31, 12, tzinfo=timezone.utc))
    paths = write_report_files(report, tmp_path / "out")
    for survey_id in ("disability_centre", "women_support"):
        path = paths[f"items:{survey_id}"]
        assert path == tmp_path / "out" / item_chart_name("hedef-4.2-20260101-20261231", survey_id)
        with Image.open(BytesIO(Path(path).read_bytes())) as image:
            assert image.format == "PNG" and image.width == 1080
        comparison_ = next(c for c in report.comparisons if c.city.survey_id == survey_id)
        assert path.read_bytes() == render_item_scores(comparison_, "tr", names())


async def test_with_a_centre_the_chart_shows_that_centre_beside_the_city(seeded, tmp_path) -> None:
    out = tmp_path / "bornova.png"
    code, _, err = await kentbot(seeded, tmp_path, "results", "--survey", "disability_centre", "--year", str(YEAR),
                                 "--centre", "bornova-engelli", "--chart", str(out))
    assert code == 0, err
    async with seeded.sessions() as session:
        whole = await survey_comparison(session, load_shipped()["disability_centre"], date(YEAR, 1, 1), date(YEAR, 12, 31))
    bornova = next(c for c in whole.centres if c.centre == "bornova-engelli")
    only = type(whole)(whole.city, (bornova,), {"bornova-engelli": whole.drivers["bornova-engelli"]})
    assert out.read_bytes() == render_item_scores(only, "tr", names())
    drawn = points(draw_item_scores(only, "tr", names()))
    assert {key.split("/")[0] for key in drawn} == {"city", "bornova-engelli"}

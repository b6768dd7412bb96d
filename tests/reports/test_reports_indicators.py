from __future__ import annotations

import pytest

from reports.indicators import (
    CountInput,
    SurveyInput,
    evaluate,
    indicator_result,
    method_notes,
    target_result,
)
from reports.plan import load_plan

PLAN = load_plan()


def count(code, planned, baseline, actual):
    return indicator_result(PLAN.indicator(code), planned, baseline, CountInput(actual))


def test_no_plan_gives_no_achievement_and_no_contribution():
    result = count("4.2.2", None, None, 180)
    assert result.actual == 180
    assert result.achievement is None
    assert result.contribution == 0.0
    assert result.notes == ("no_plan",)


def test_no_data_gives_no_achievement_and_no_contribution():
    result = indicator_result(PLAN.indicator("4.2.2"), 400, None, None)
    assert result.actual is None
    assert result.achievement is None
    assert result.contribution == 0.0
    assert result.notes == ("no_data",)


def test_unset_baseline_counts_as_zero_and_stays_unknown():
    result = count("4.2.2", 400, None, 180)
    assert result.baseline is None and not result.baseline_known
    assert result.baseline_used == 0.0
    assert result.achievement == pytest.approx(0.45)
    assert result.contribution == pytest.approx(3.15)  # 7 × 0.45


def test_baseline_is_subtracted_from_actual_and_planned():
    # (500 − 200) / (1000 − 200) = 300 / 800 = 0.375; 7 × 0.375 = 2.625
    result = count("4.2.3", 1000, 200, 500)
    assert result.achievement == pytest.approx(0.375)
    assert result.contribution == pytest.approx(2.625)
    assert result.notes == ()


def test_over_achievement_is_shown_uncapped_but_capped_in_the_contribution():
    # 130 / 100 = 1.3 shown; contribution 15 × 1 = 15
    result = count("4.2.4", 100, 0, 130)
    assert result.achievement == pytest.approx(1.3)
    assert result.contribution == 15.0
    assert result.notes == ("over_achieved",)


def test_negative_progress_contributes_zero_and_is_noted():
    # (5 − 10) / (20 − 10) = −0.5
    result = count("4.2.10", 20, 10, 5)
    assert result.achievement == pytest.approx(-0.5)
    assert result.contribution == 0.0
    assert result.notes == ("negative_progress",)


def test_planned_equal_to_baseline_has_no_achievement():
    result = count("4.2.1", 2, 2, 3)
    assert result.achievement is None
    assert result.contribution == 0.0
    assert result.notes == ("planned_equals_baseline",)


def test_survey_actual_is_the_satisfied_share_with_n_and_wilson_interval():
    # 40 / 50 = 80%; planned 80 → achievement 1.0; 6 × 1 = 6
    result = indicator_result(PLAN.indicator("4.2.5"), 80, None, SurveyInput(40, 50))
    assert result.actual == pytest.approx(80.0)
    assert result.n == 50
    assert result.ci95 == pytest.approx((66.96, 88.76), abs=0.01)
    assert result.achievement == pytest.approx(1.0)
    assert result.contribution == pytest.approx(6.0)
    assert result.small_sample is False
    assert result.notes == ()


def test_survey_with_fewer_than_30_answers_is_flagged_small():
    # 10 / 12 = 83.33%; (83.33 − 70) / (85 − 70) = 0.8889
    result = indicator_result(PLAN.indicator("4.2.9"), 85, 70, SurveyInput(10, 12))
    assert result.actual == pytest.approx(83.333, abs=1e-3)
    assert result.achievement == pytest.approx(0.8889, abs=1e-4)
    assert result.small_sample is True
    assert result.notes == ("small_sample",)


def test_survey_without_answers_is_no_data():
    result = indicator_result(PLAN.indicator("4.2.9"), 85, 70, SurveyInput(0, 0))
    assert result.actual is None
    assert result.ci95 is None
    assert result.small_sample is False
    assert result.notes == ("no_data",)


def test_inputs_must_match_the_indicator_kind():
    with pytest.raises(TypeError):
        indicator_result(PLAN.indicator("4.2.9"), 85, 70, CountInput(80))
    with pytest.raises(TypeError):
        indicator_result(PLAN.indicator("4.2.8"), 85, 70, SurveyInput(1, 2))


def test_target_counts_uncovered_indicators_as_zero_and_reports_both_figures():
    plan = PLAN.with_values("4.2.1", 2024, 2, 0).with_values("4.2.4", 2024, 100, 0)
    plan = plan.with_values("4.2.8", 2024, 1200, 0)
    results = evaluate(
        plan,
        2024,
        {"4.2.1": CountInput(1), "4.2.4": CountInput(130), "4.2.8": CountInput(300)},
    )
    target = target_result(results)
    # 15 × 0.5 + 15 × 1 + 15 × 0.25 = 7.5 + 15 + 3.75 = 26.25 points of 100
    assert target.achievement == pytest.approx(0.2625)
    # covered weight 45 → 26.25 / 45
    assert target.covered_weight == 45
    assert target.achievement_of_covered == pytest.approx(0.583333, abs=1e-6)
    assert target.contributions["4.2.4"] == 15.0
    assert target.uncovered == (
        "4.2.2", "4.2.3", "4.2.5", "4.2.6", "4.2.7", "4.2.9", "4.2.10", "4.2.11",
    )
    assert target.notes == ("partial_coverage",)


def test_target_with_nothing_covered_is_zero_and_says_so():
    target = target_result(evaluate(PLAN, 2022, {}))
    assert target.achievement == 0.0
    assert target.achievement_of_covered is None
    assert target.covered_weight == 0
    assert len(target.uncovered) == 11
    assert target.notes == ("no_coverage",)


def test_fully_achieved_plan_is_100_percent():
    plan = PLAN
    observed = {}
    for i in PLAN.indicators:
        plan = plan.with_values(i.code, 2024, 10, 0)
        observed[i.code] = SurveyInput(1, 10) if i.unit == "percent" else CountInput(20)
    target = target_result(evaluate(plan, 2024, observed))
    assert target.achievement == pytest.approx(1.0)
    assert target.achievement_of_covered == pytest.approx(1.0)
    assert target.notes == ()


def test_evaluate_rejects_unknown_codes():
    with pytest.raises(KeyError):
        evaluate(PLAN, 2024, {"4.2.12": CountInput(1)})


def test_method_notes_exist_in_every_language_and_state_the_missing_data_rule():
    lengths = {lang: len(method_notes(lang)) for lang in ("tr", "en", "ar")}
    assert len(set(lengths.values())) == 1
    assert any("0 katkı" in paragraph for paragraph in method_notes("tr"))
    assert any("contribute 0" in paragraph for paragraph in method_notes("en"))


@pytest.mark.parametrize(("n", "small"), [(5, True), (29, True), (30, False), (31, False)])
def test_a_survey_is_a_small_sample_below_30_answers_exactly(n, small):
    result = indicator_result(PLAN.indicator("4.2.9"), 85, 70, SurveyInput(n - 1, n))
    assert result.small_sample is small
    assert ("small_sample" in result.notes) is small
    assert result.actual is not None and result.n == n


def test_the_covered_weight_is_the_weight_of_indicators_with_an_achievement_only():
    """No plan, no data, planned equal to baseline and a suppressed share all leave the weight uncovered."""
    plan = PLAN.with_values("4.2.2", 2024, 400, 0).with_values("4.2.5", 2024, 80, 0)
    plan = plan.with_values("4.2.9", 2024, 85, 70).with_values("4.2.1", 2024, 2, 2)
    plan = plan.with_values("4.2.10", 2024, 20, 10)
    results = evaluate(
        plan,
        2024,
        {
            "4.2.2": CountInput(200),  # weight 7, achievement 0.5, covered
            "4.2.5": SurveyInput(3, 4),  # suppressed: fewer than 5 answers
            "4.2.9": SurveyInput(40, 50),  # weight 7, (80 − 70) / 15, covered
            "4.2.1": CountInput(3),  # planned equals baseline
            "4.2.10": CountInput(5),  # weight 7, negative progress: covered, contributes 0
            "4.2.3": CountInput(10),  # no planned value for 2024
        },
    )
    by_code = {r.code: r for r in results}
    assert [code for code, r in by_code.items() if r.covered] == ["4.2.2", "4.2.9", "4.2.10"]
    target = target_result(results)
    weights = {i.code: i.weight for i in PLAN.indicators}
    assert target.covered_weight == weights["4.2.2"] + weights["4.2.9"] + weights["4.2.10"] == 21
    total = 7 * 0.5 + 7 * (10 / 15)
    assert target.achievement == pytest.approx(total / 100)
    assert target.achievement_of_covered == pytest.approx(total / 21)
    assert "4.2.5" in target.uncovered and "4.2.1" in target.uncovered and "4.2.10" not in target.uncovered


@pytest.mark.parametrize("n", [1, 2, 4])
def test_a_share_of_fewer_than_five_answers_is_suppressed_not_missing(n):
    result = indicator_result(PLAN.indicator("4.2.5"), 80, None, SurveyInput(n, n))
    assert (result.actual, result.ci95, result.achievement, result.n) == (None, None, None, n)
    assert result.notes == ("suppressed",) and result.suppressed and not result.covered
    assert result.small_sample is False


def test_five_answers_are_enough_to_show_a_share():
    result = indicator_result(PLAN.indicator("4.2.5"), 80, None, SurveyInput(4, 5))
    assert result.actual == pytest.approx(80.0) and result.ci95 is not None
    assert result.notes == ("small_sample",) and not result.suppressed


def test_a_survey_nobody_answered_is_no_data_with_n_zero():
    (result,) = [r for r in evaluate(PLAN.with_values("4.2.9", 2024, 85, 70), 2024, {}) if r.code == "4.2.9"]
    assert (result.n, result.actual, result.notes) == (0, None, ("no_data",))


def test_no_change_from_baseline_is_zero_achievement_without_a_note():
    result = count("4.2.10", 20, 10, 10)
    assert result.achievement == 0.0 and result.contribution == 0.0
    assert result.notes == () and result.covered


def test_a_result_carries_its_plan_figures_and_unit():
    result = indicator_result(PLAN.indicator("4.2.9"), 85, 70, SurveyInput(40, 50))
    assert (result.code, result.unit, result.weight, result.planned, result.baseline) == ("4.2.9", "percent", 7, 85, 70)
    assert count("4.2.2", 400, 10, 180).unit == PLAN.indicator("4.2.2").unit != "percent"


def test_evaluate_reads_the_planned_value_and_baseline_of_the_year():
    plan = PLAN.with_values("4.2.2", 2024, 400, 100).with_values("4.2.2", 2025, 900, 300)
    by_year = {year: {r.code: r for r in evaluate(plan, year, {"4.2.2": CountInput(250)})}["4.2.2"] for year in (2024, 2025)}
    assert (by_year[2024].planned, by_year[2024].baseline) == (400, 100)
    assert (by_year[2025].planned, by_year[2025].baseline) == (900, 300)
    assert by_year[2024].achievement == pytest.approx(0.5)


def test_mismatched_inputs_and_unknown_codes_say_which_indicator():
    with pytest.raises(TypeError, match=r"indicator 4\.2\.9 is a survey: pass SurveyInput"):
        indicator_result(PLAN.indicator("4.2.9"), 85, 70, CountInput(80))
    with pytest.raises(TypeError, match=r"indicator 4\.2\.8 is a count: pass CountInput"):
        indicator_result(PLAN.indicator("4.2.8"), 85, 70, SurveyInput(1, 2))
    with pytest.raises(KeyError, match=r"unknown indicators: \['4\.2\.12'\]"):
        evaluate(PLAN, 2024, {"4.2.12": CountInput(1)})


def test_method_notes_are_turkish_by_default_and_english_for_other_languages():
    assert method_notes() == method_notes("tr") != method_notes("en")
    assert method_notes("de") == method_notes("en")

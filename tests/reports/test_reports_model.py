from __future__ import annotations

import pytest
from report_sample import COVERED_ACHIEVEMENT, TARGET_ACHIEVEMENT, sample_report

from reports.labels import LABELS
from reports.model import ReportWarning


def test_report_derives_the_target_from_the_lines():
    report = sample_report()
    assert report.target.achievement == pytest.approx(TARGET_ACHIEVEMENT, abs=1e-9)
    assert report.target.achievement_of_covered == pytest.approx(COVERED_ACHIEVEMENT)
    assert report.target.covered_weight == 86
    assert report.target.uncovered == ("4.2.6", "4.2.7")


def test_warnings_group_indicators_by_problem_then_add_suppression_and_extras():
    extra = ReportWarning("missing_attendance", centre="Buca Engelli Hizmet Merkezi", count=2)
    report = sample_report((extra,))
    assert report.warnings == (
        ReportWarning("no_data", ("4.2.6", "4.2.7")),
        ReportWarning("no_plan", ("4.2.6",)),
        ReportWarning("small_sample", ("4.2.9 (n=12)",)),
        ReportWarning("negative_progress", ("4.2.10",)),
        ReportWarning("small_sample_cells", cells=(("4.2.9", "centre", "Bornova Engelli Hizmet Merkezi", 8),)),
        ReportWarning("suppressed_cells", count=1),
        extra,
    )


def test_every_language_has_every_label():
    assert set(LABELS["en"]) == set(LABELS["tr"])
    assert set(LABELS["ar"]) == set(LABELS["tr"])

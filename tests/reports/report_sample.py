"""One weekly report with hand-computed figures, shared by the renderer tests.

Year 2024, planned/baseline set over the plan file, actuals chosen so every figure below
can be checked by hand:

code    planned baseline actual     achievement        contribution (points)
4.2.1   2       0        1          0.5                15 × 0.5   = 7.5
4.2.2   400     0        180        0.45               7 × 0.45   = 3.15
4.2.3   1000    200      1400       1200/800 = 1.5     7 × 1      = 7   (over-achieved)
4.2.4   100     0        130        1.3                15 × 1     = 15  (over-achieved)
4.2.5   80      0        40/50=80%  1.0                6 × 1      = 6
4.2.6   —       —        —          —                  0 (no plan, no data)
4.2.7   50      0        —          —                  0 (no data)
4.2.8   1200    0        600        0.5                15 × 0.5   = 7.5
4.2.9   85      70       10/12      (83.33−70)/15      7 × 0.8889 = 6.2222 (small sample)
4.2.10  20      10       5          (5−10)/10 = −0.5   0 (negative progress)
4.2.11  300     0        90         0.3                7 × 0.3    = 2.1

Sum = 54.4722 points → target achievement 54.47%; covered weight = 100 − 7 − 7 = 86;
achievement of covered = 54.4722 / 86 = 63.34%.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from reports.indicators import CountInput, SurveyInput, evaluate
from reports.model import (
    DrillRow,
    EventRow,
    IndicatorLine,
    ReportWarning,
    SatisfactionRow,
    TrendPoint,
    WeeklyReport,
    weekly_report,
)
from reports.plan import load_plan
from reports.stats import Tally, suppress_small

ISTANBUL = timezone(timedelta(hours=3))
TARGET_ACHIEVEMENT = 0.5447222222
COVERED_ACHIEVEMENT = 54.4722222222 / 86

PLAN_VALUES = {
    "4.2.1": (2, 0),
    "4.2.2": (400, 0),
    "4.2.3": (1000, 200),
    "4.2.4": (100, 0),
    "4.2.5": (80, 0),
    "4.2.7": (50, 0),
    "4.2.8": (1200, 0),
    "4.2.9": (85, 70),
    "4.2.10": (20, 10),
    "4.2.11": (300, 0),
}
OBSERVED = {
    "4.2.1": CountInput(1),
    "4.2.2": CountInput(180),
    "4.2.3": CountInput(1400),
    "4.2.4": CountInput(130),
    "4.2.5": SurveyInput(satisfied=40, n=50),
    "4.2.8": CountInput(600),
    "4.2.9": SurveyInput(satisfied=10, n=12),
    "4.2.10": CountInput(5),
    "4.2.11": CountInput(90),
}
WEEK_CHANGES = {"4.2.2": 12.0, "4.2.5": 2.5, "4.2.8": 0.0}


def sample_report(extra_warnings: tuple[ReportWarning, ...] = ()) -> WeeklyReport:
    plan = load_plan()
    for code, (planned, baseline) in PLAN_VALUES.items():
        plan = plan.with_values(code, 2024, planned, baseline)
    lines = [
        IndicatorLine(plan.indicator(result.code), result, WEEK_CHANGES.get(result.code))
        for result in evaluate(plan, 2024, OBSERVED)
    ]
    cells = suppress_small(
        [
            Tally("Bornova Engelli Hizmet Merkezi", satisfied=6, n=8),
            Tally("Buca Engelli Hizmet Merkezi", satisfied=3, n=4),
        ]
    )
    return weekly_report(
        period_from=date(2024, 6, 3),
        period_to=date(2024, 6, 9),
        year=2024,
        generated_at=datetime(2024, 6, 10, 8, 0, tzinfo=ISTANBUL),
        lines=lines,
        satisfaction=[SatisfactionRow.from_cell("4.2.9", cell.key, cell) for cell in cells],
        events=[
            EventRow(
                day=date(2024, 6, 4),
                centre="Konak Kadın Danışma ve Eğitim Merkezi",
                type="women",
                indicator="4.2.7",
                title="Hukuki haklar semineri",
                registered=25,
                attended=18,
            ),
            EventRow(
                day=date(2024, 6, 5),
                centre="Bayraklı Masal Evi",
                type="children_youth",
                indicator="4.2.2",
                title="Masal saati",
                registered=None,
                attended=14,
            ),
        ],
        drilldown={
            "4.2.1": [
                DrillRow(
                    kind="milestone",
                    id="m-1",
                    when=datetime(2024, 5, 2, 10, 30, tzinfo=ISTANBUL),
                    centre="Torbalı Gençlik Merkezi",
                    entered_by="Ayşe Yılmaz",
                    survey_version=None,
                    value=1,
                    note="İskan belgesi alındı",
                )
            ],
            "4.2.9": [
                DrillRow(
                    kind="response",
                    id="r-17",
                    when=date(2024, 6, 6),
                    centre="Bornova Engelli Hizmet Merkezi",
                    entered_by=None,
                    survey_version="3",
                    value=5,
                    note=None,
                )
            ],
        },
        trend=[
            TrendPoint(date(2024, 5, 19), 0.40),
            TrendPoint(date(2024, 5, 26), 0.46),
            TrendPoint(date(2024, 6, 2), 0.51),
            TrendPoint(date(2024, 6, 9), TARGET_ACHIEVEMENT),
        ],
        extra_warnings=extra_warnings,
    )

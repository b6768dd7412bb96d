from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reports.stats import Tally, suppress_small, wilson_interval


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        (8, 10, 0.4902, 0.9433),
        (50, 100, 0.4038, 0.5962),
        (0, 10, 0.0, 0.2775),
        (10, 10, 0.7225, 1.0),
        (40, 50, 0.6696, 0.8876),
    ],
)
def test_wilson_interval_matches_hand_computed_values(successes, n, low, high):
    interval = wilson_interval(successes, n)
    assert interval == pytest.approx((low, high), abs=5e-5)


def test_wilson_interval_ends_are_exact_at_zero_and_all():
    assert wilson_interval(0, 10)[0] == 0.0
    assert wilson_interval(10, 10)[1] == 1.0


def test_wilson_interval_has_no_answer_without_answers():
    assert wilson_interval(0, 0) is None


def test_wilson_interval_rejects_impossible_counts():
    with pytest.raises(ValueError):
        wilson_interval(11, 10)


@given(st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_interval_contains_the_share_and_stays_in_0_1(case):
    successes, n = case
    low, high = wilson_interval(successes, n)
    assert 0.0 <= low <= successes / n <= high <= 1.0


def test_cells_under_five_answers_are_suppressed_including_their_n():
    small, edge, big = suppress_small(
        [Tally("Buca", 3, 4), Tally("Konak", 4, 5), Tally("Bornova", 24, 30)]
    )
    assert (small.key, small.n, small.share, small.ci95, small.suppressed) == (
        "Buca", None, None, None, True,
    )
    assert edge.suppressed is False
    assert edge.n == 5
    assert edge.share == pytest.approx(80.0)
    assert edge.small_sample is True
    assert big.share == pytest.approx(80.0)
    assert big.small_sample is False
    # 24/30: centre 0.864027/1.128053 = 0.765946, half 0.156805/1.128053 = 0.139005
    assert big.ci95 == pytest.approx((62.69, 90.50), abs=0.01)

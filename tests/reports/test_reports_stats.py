from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reports.stats import (
    BreakdownCell,
    Tally,
    interval_percent,
    share_percent,
    suppress_small,
    wilson_interval,
)


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


@pytest.mark.parametrize("n", range(1, 60))
def test_wilson_interval_ends_are_exact_at_zero_and_all(n):
    """The formula leaves rounding dust at the ends for some n (0/11 gives 3e-17): the ends are set."""
    assert wilson_interval(0, n)[0] == 0.0
    assert wilson_interval(n, n)[1] == 1.0


def test_one_success_has_a_lower_bound_above_zero():
    assert wilson_interval(1, 10) == pytest.approx((0.0179, 0.4042), abs=5e-5)


def test_wilson_interval_has_no_answer_without_answers():
    assert wilson_interval(0, 0) is None


@pytest.mark.parametrize(("successes", "n"), [(11, 10), (-1, 10), (0, -1), (3, -2)])
def test_wilson_interval_rejects_impossible_counts(successes, n):
    with pytest.raises(ValueError, match=rf"need 0 <= successes <= n, got {successes}/{n}"):
        wilson_interval(successes, n)


def test_shares_and_intervals_in_percent_have_nothing_without_answers():
    assert share_percent(0, 0) is None and interval_percent(0, 0) is None
    assert share_percent(1, 1) == 100.0 and share_percent(1, 4) == 25.0
    assert interval_percent(10, 10) == pytest.approx((72.25, 100.0), abs=5e-3)


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


def _hidden(key: str, *, complement: bool = False) -> BreakdownCell:
    return BreakdownCell(key, None, None, None, suppressed=True, small_sample=True, complement=complement)


def test_without_complementary_suppression_only_small_cells_are_hidden():
    cells = suppress_small([Tally("Buca", 1, 2), Tally("Konak", 5, 6), Tally("Bornova", 30, 40)])
    assert cells[0] == _hidden("Buca")
    assert [(c.key, c.n, c.suppressed, c.complement) for c in cells[1:]] == [
        ("Konak", 6, False, False), ("Bornova", 40, False, False),
    ]


def test_complementary_suppression_hides_the_smallest_other_cell_until_five_answers_are_hidden():
    cells = suppress_small(
        [Tally("Buca", 1, 2), Tally("Bornova", 30, 40), Tally("Konak", 4, 5), Tally("Karşıyaka", 6, 7)],
        complementary=True,
    )
    # 2 hidden answers are too few: Konak (5, the smallest other) is hidden too, as a complement.
    assert cells[0] == _hidden("Buca")
    assert cells[2] == _hidden("Konak", complement=True)
    assert (cells[1].key, cells[1].n, cells[1].share, cells[1].suppressed) == ("Bornova", 40, 75.0, False)
    assert (cells[3].key, cells[3].n, cells[3].suppressed, cells[3].complement) == ("Karşıyaka", 7, False, False)


def test_complementary_suppression_breaks_ties_by_order_and_stops_at_five_hidden_answers():
    tied = suppress_small(
        [Tally("a", 0, 1), Tally("b", 8, 9), Tally("c", 8, 9), Tally("d", 30, 30)], complementary=True
    )
    assert [c.suppressed for c in tied] == [True, True, False, False]
    enough = suppress_small(
        [Tally("a", 1, 2), Tally("b", 2, 3), Tally("c", 9, 10), Tally("d", 20, 20)], complementary=True
    )
    assert [c.suppressed for c in enough] == [True, True, False, False]
    assert [c.complement for c in enough] == [False, False, False, False]


def test_complementary_suppression_stops_when_every_cell_is_hidden():
    cells = suppress_small([Tally("a", 1, 1), Tally("b", 1, 2)], complementary=True)
    assert cells == [_hidden("a"), _hidden("b")]
    assert suppress_small([], complementary=True) == []

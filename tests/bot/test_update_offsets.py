"""The getUpdates offset passes only over updates applied together with every earlier one."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.updates.offsets import Offsets


def test_nothing_fetched_asks_from_the_oldest() -> None:
    offsets = Offsets()
    assert offsets.offset is None and offsets.in_progress == 0


def test_an_unfinished_update_holds_back_the_ones_after_it() -> None:
    offsets = Offsets()
    assert offsets.take_new([10, 11, 12]) == [10, 11, 12]
    offsets.finish(11)
    offsets.finish(12)
    assert offsets.offset == 10 and offsets.in_progress == 1
    # Telegram gives them all again; none is new.
    assert offsets.take_new([10, 11, 12, 13]) == [13]
    offsets.finish(10)
    assert offsets.offset == 13
    offsets.finish(13)
    assert offsets.offset == 14 and offsets.in_progress == 0


def test_finishing_an_update_never_fetched_changes_nothing() -> None:
    offsets = Offsets()
    offsets.take_new([5])
    offsets.finish(4)
    assert offsets.offset == 5 and offsets.in_progress == 1


@given(st.lists(st.integers(min_value=1, max_value=40), unique=True, min_size=1).map(sorted), st.randoms())
def test_the_offset_never_passes_an_unfinished_update(ids: list[int], random) -> None:  # type: ignore[no-untyped-def]
    offsets = Offsets()
    offsets.take_new(ids)
    order = list(ids)
    random.shuffle(order)
    finished: set[int] = set()
    for update_id in order:
        offsets.finish(update_id)
        finished.add(update_id)
        offset = offsets.offset
        assert offset is not None
        assert all(i in finished for i in ids if i < offset)  # what Telegram forgets is applied
        assert offset == min((i for i in ids if i not in finished), default=ids[-1] + 1)

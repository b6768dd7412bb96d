"""The rules that flag a self check-in for review, on plain rows: each one's edge, and what
none of them flags (a registered regular, what staff recorded themselves)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from reports.checkin_flags import BURST, BURST_SECONDS, BURST_SIZE, ELSEWHERE, NEW_ACCOUNT, NEW_ACCOUNT_HOURS, flag
from storage.checkin_rows import CheckinRow

START = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)
OLD = START - timedelta(days=30)


def row(
    attendance_id: int,
    *,
    account: str | None = None,
    event_id: int = 1,
    centre: str = "konak-kadin",
    at: datetime = START,
    first_seen: datetime | None = OLD,
    registered: bool = False,
    kind: str = "self",
    starts_at: datetime = START,
    ends_at: datetime | None = None,
) -> CheckinRow:
    return CheckinRow(
        attendance_id=attendance_id,
        event_id=event_id,
        event_type="women",
        centre_id=centre,
        starts_at=starts_at,
        ends_at=ends_at,
        account=account or f"key{attendance_id}",
        kind=kind,
        recorded_at=at,
        person_id=attendance_id,
        name=f"Kişi {attendance_id}",
        first_seen=first_seen,
        registered=registered,
    )


def test_a_registered_regular_checking_in_is_not_flagged() -> None:
    assert flag([row(1, registered=True)]) == {}


def test_an_account_first_seen_within_a_day_before_the_event_is_new() -> None:
    new = START - timedelta(hours=NEW_ACCOUNT_HOURS) + timedelta(seconds=1)
    older = START - timedelta(hours=NEW_ACCOUNT_HOURS)
    at_the_door = START + timedelta(minutes=5)
    # Registered, so no burst: a place taken the same day does not make an account old.
    rows = [
        row(1, first_seen=new, registered=True),
        row(2, first_seen=older, registered=True),
        row(3, first_seen=at_the_door, registered=True),
        row(4, first_seen=None, registered=True),
    ]  # erased: nothing is known of the account any more
    assert flag(rows) == {1: (NEW_ACCOUNT,), 3: (NEW_ACCOUNT,)}


def test_a_burst_of_unregistered_check_ins_is_flagged_whole() -> None:
    window = timedelta(seconds=BURST_SECONDS)
    burst = [row(i, at=START + i * window / (BURST_SIZE - 1)) for i in range(BURST_SIZE)]  # first to last: the window
    registered = row(10, at=START + timedelta(seconds=1), registered=True)
    later = row(11, at=START + 3 * window)
    assert flag([*burst, registered, later]) == {r.attendance_id: (BURST,) for r in burst}


def test_check_ins_spread_wider_than_the_window_are_no_burst() -> None:
    just_out = timedelta(seconds=BURST_SECONDS) / (BURST_SIZE - 1) + timedelta(milliseconds=1)
    spread = [row(i, at=START + i * just_out) for i in range(BURST_SIZE + 2)]
    assert flag(spread) == {}


def test_registered_people_and_staff_ticks_make_no_burst() -> None:
    together = [
        row(1, registered=True),
        row(2, registered=True),
        row(3),
        row(4, kind="walkin"),
        row(5, kind="registered"),
    ]
    assert flag(together) == {}


def test_a_burst_is_counted_per_event() -> None:
    one = [row(i, event_id=1) for i in range(BURST_SIZE - 1)]
    other = [row(10 + i, event_id=2) for i in range(BURST_SIZE - 1)]
    assert flag([*one, *other]) == {}


def test_the_same_person_at_overlapping_events_of_two_centres_is_flagged() -> None:
    here = row(1, account="k", centre="konak-kadin", ends_at=START + timedelta(hours=2))
    there = row(
        2,
        account="k",
        event_id=2,
        centre="bornova-engelli",
        starts_at=START + timedelta(hours=1),
        at=START + timedelta(hours=1),
    )
    assert flag([here, there]) == {1: (ELSEWHERE,), 2: (ELSEWHERE,)}
    ticked_there = replace(there, kind="registered")  # staff saw them there: only the self check-in is in doubt
    assert flag([here, ticked_there]) == {1: (ELSEWHERE,)}


def test_events_one_after_the_other_or_at_one_centre_are_not_elsewhere() -> None:
    here = row(1, account="k", ends_at=START + timedelta(hours=1))
    after = row(2, account="k", event_id=2, centre="bornova-engelli", starts_at=START + timedelta(hours=1))
    same_centre = row(
        3, account="k", event_id=3, starts_at=START + timedelta(minutes=30), ends_at=START + timedelta(hours=1)
    )
    someone_else = row(4, account="j", event_id=4, centre="buca-engelli")
    assert flag([here, after, same_centre, someone_else]) == {}


def test_an_event_with_no_end_is_taken_to_last_two_hours() -> None:
    here = row(1, account="k")  # no end: 9:00 to 11:00
    inside = row(2, account="k", event_id=2, centre="bornova-engelli", starts_at=START + timedelta(minutes=119))
    outside = row(3, account="k", event_id=3, centre="buca-engelli", starts_at=START + timedelta(minutes=120))
    assert flag([here, inside]) == {1: (ELSEWHERE,), 2: (ELSEWHERE,)}
    assert flag([here, outside]) == {}


def test_every_reason_is_given_in_one_order() -> None:
    new = START
    rows = [row(i, account=f"k{i}", first_seen=new) for i in range(BURST_SIZE)]
    rows.append(row(99, account="k0", event_id=2, centre="bornova-engelli", kind="registered"))
    flags = flag(rows)
    assert flags[0] == (NEW_ACCOUNT, BURST, ELSEWHERE)
    assert flags[1] == (NEW_ACCOUNT, BURST)

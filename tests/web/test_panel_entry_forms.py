"""The entry forms' checks as plain functions: every typed day and quantity the panel takes or
refuses, and each form's problems per field, without a server."""

from __future__ import annotations

from datetime import date

import pytest

from web.panel.entry_forms import (
    AidForm,
    CorrectionForm,
    MilestoneForm,
    aid_form,
    correction_form,
    milestone_form,
    read_day,
    read_quantity,
)

TODAY = date(2026, 11, 26)


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("2026-11-26", TODAY),
        (" 26.11.2026 ", TODAY),
        ("1/2/2026", date(2026, 2, 1)),
        ("2026-11-27", "future"),
        ("", "missing"),
        ("   ", "missing"),
        ("31.02.2026", "date"),
        ("2026-W48", "date"),
        ("20261126", "date"),
        ("٢٦.١١.٢٠٢٦", "date"),
        ("1999-12-31", "range"),
        ("yarın", "date"),
    ],
)
def test_a_day_is_read_as_the_date_field_or_chat_writes_it(typed: str, read: date | str) -> None:
    assert read_day(typed, TODAY) == read


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("1", 1),
        ("0", 0),
        ("1.0", 1),
        ("0,0", 0),
        ("", "missing"),
        ("inf", "number"),
        ("-inf", "number"),
        ("nan", "number"),
        ("1e999", "number"),
        ("bir", "number"),
        ("0.5", "whole"),
        ("0,5", "whole"),
        ("2", "range"),
        ("-1", "range"),
    ],
)
def test_a_quantity_is_one_or_zero(typed: str, read: int | str) -> None:
    assert read_quantity(typed) == read


def test_each_form_names_every_wrong_field_and_returns_what_was_asked_when_none_is() -> None:
    assert aid_form("konak-kadin", "26.11.2026", "1234\nab-1\n", "", TODAY, ["konak-kadin"]) == {
        "school_ids": "rejected"
    }
    assert aid_form("", "2026-11-27", "", "x" * 501, TODAY, ["konak-kadin"]) == {
        "centre": "missing",
        "day": "future",
        "school_ids": "missing",
        "note": "long",
    }
    assert aid_form("konak-kadin", "2026-11-26", "1234, 1234\nab12", " ", TODAY, ["konak-kadin"]) == AidForm(
        "konak-kadin", TODAY, ["1234", "AB12"], None
    )
    assert milestone_form("4.2.1", "konak-kadin", "2026-11-26", "", TODAY, ["torbali-genclik"]) == {
        "centre": "type",
        "note": "missing",
    }
    assert milestone_form("4.2.1", "torbali-genclik", "2026-11-26", " kabul ", TODAY, ["torbali-genclik"]) == (
        MilestoneForm("4.2.1", "torbali-genclik", TODAY, "kabul")
    )
    assert correction_form("0.5", "2026-11-27", " ", TODAY) == {
        "quantity": "whole",
        "day": "future",
        "reason": "missing",
    }
    assert correction_form("0", "", " mükerrer ", TODAY) == CorrectionForm(0, None, "mükerrer")

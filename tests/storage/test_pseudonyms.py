"""Keyed pseudonyms: stable across releases, keyed, one domain each, scoped to what they count."""

from __future__ import annotations

import hashlib
import hmac

from storage.pseudonyms import (
    beneficiary_key,
    citizen_key,
    draft_key,
    participant,
    participation_token,
    respondent_key,
    trail_key,
)

SECRET = b"0123456789abcdef0123456789abcdef"
OTHER_SECRET = b"another-secret-another-secret!!"
TELEGRAM_ID = 5123456789


def _hmac(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def test_every_key_is_the_documented_hmac_so_stored_keys_still_match_after_an_upgrade() -> None:
    """Keys are stored: a change of domain name, separator or hash would orphan every row."""
    assert citizen_key(SECRET, TELEGRAM_ID) == _hmac(SECRET, f"citizen\x1f{TELEGRAM_ID}")
    assert trail_key(SECRET, TELEGRAM_ID) == _hmac(SECRET, f"trail\x1f{TELEGRAM_ID}")
    assert respondent_key(SECRET, "disability_centre", TELEGRAM_ID) == _hmac(
        SECRET, f"respondent\x1fdisability_centre\x1f{TELEGRAM_ID}"
    )
    assert draft_key(SECRET, TELEGRAM_ID) == _hmac(SECRET, f"draft\x1f{TELEGRAM_ID}")
    assert participant(SECRET, TELEGRAM_ID) == _hmac(SECRET, f"participant\x1f{TELEGRAM_ID}")
    assert beneficiary_key(SECRET, "aid:2026", "1234") == _hmac(SECRET, "beneficiary\x1faid:2026\x1f1234")
    salt = b"\x07" * 32
    assert participation_token(salt, "abc") == _hmac(salt, "abc")


def test_no_key_shows_the_telegram_id_and_each_needs_the_secret() -> None:
    made = {
        "citizen": (citizen_key(SECRET, TELEGRAM_ID), citizen_key(OTHER_SECRET, TELEGRAM_ID)),
        "trail": (trail_key(SECRET, TELEGRAM_ID), trail_key(OTHER_SECRET, TELEGRAM_ID)),
        "respondent": (respondent_key(SECRET, "s", TELEGRAM_ID), respondent_key(OTHER_SECRET, "s", TELEGRAM_ID)),
        "draft": (draft_key(SECRET, TELEGRAM_ID), draft_key(OTHER_SECRET, TELEGRAM_ID)),
        "participant": (participant(SECRET, TELEGRAM_ID), participant(OTHER_SECRET, TELEGRAM_ID)),
        "beneficiary": (beneficiary_key(SECRET, "x", "7"), beneficiary_key(OTHER_SECRET, "x", "7")),
    }
    for name, (with_secret, with_other) in made.items():
        assert with_secret != with_other, name
        assert len(with_secret) == 64 and set(with_secret) <= set("0123456789abcdef"), name
        assert str(TELEGRAM_ID) not in with_secret, name


def test_one_telegram_id_gives_another_value_in_every_domain() -> None:
    """No pseudonym can be joined to another made from the same person."""
    made = {
        citizen_key(SECRET, TELEGRAM_ID),
        trail_key(SECRET, TELEGRAM_ID),
        respondent_key(SECRET, "disability_centre", TELEGRAM_ID),
        draft_key(SECRET, TELEGRAM_ID),
        participant(SECRET, TELEGRAM_ID),
        beneficiary_key(SECRET, "attendance", str(TELEGRAM_ID)),
    }
    assert len(made) == 6


def test_a_respondent_key_belongs_to_one_survey_and_one_person() -> None:
    """Answers to two surveys cannot be joined by key, and two people never share one."""
    assert respondent_key(SECRET, "disability_centre", TELEGRAM_ID) != respondent_key(SECRET, "women_support", TELEGRAM_ID)
    assert respondent_key(SECRET, "disability_centre", TELEGRAM_ID) != respondent_key(SECRET, "disability_centre", 1)
    assert respondent_key(SECRET, "s", 1) == respondent_key(SECRET, "s", 1)


def test_keys_tell_people_apart() -> None:
    for make in (citizen_key, trail_key, draft_key, participant):
        assert make(SECRET, 1) != make(SECRET, 2), make.__name__
        assert make(SECRET, 1) == make(SECRET, 1), make.__name__


def test_a_participation_token_depends_on_the_period_salt_and_the_person() -> None:
    salts = (b"\x01" * 32, b"\x02" * 32)
    one, two = participant(SECRET, 1), participant(SECRET, 2)
    assert participation_token(salts[0], one) != participation_token(salts[1], one)
    assert participation_token(salts[0], one) != participation_token(salts[0], two)
    assert participation_token(salts[0], one) == participation_token(salts[0], one)


def test_a_beneficiary_is_counted_within_its_scope() -> None:
    """The same identity in two scopes (two years of aid) gives two keys; the parts cannot slide."""
    assert beneficiary_key(SECRET, "aid:2026", "1234") != beneficiary_key(SECRET, "aid:2027", "1234")
    assert beneficiary_key(SECRET, "aid:2026", "1234") != beneficiary_key(SECRET, "aid:2026", "1235")

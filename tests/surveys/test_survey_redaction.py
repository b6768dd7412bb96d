"""Contact details are taken out of anonymous free text; ordinary numbers and words stay."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveys import engine
from surveys.definition import load_shipped
from surveys.redaction import PLACEHOLDER, redact, redact_contact_details


@pytest.mark.parametrize(
    "text",
    [
        "Beni 0532 123 45 67 numarasından arayın",
        "tel: +90 (532) 123-45-67",
        "05321234567",
        "+905321234567 whatsapp",
        "ev: 0232 293 12 34",
        "293 12 34 arayabilirsiniz",
        "TC kimlik 12345678901",
        "ayse.yilmaz+destek@example.com.tr adresime yazın",
        "IBAN TR33 0006 1005 1978 6457 8413 26",
    ],
)
def test_contact_details_are_removed(text: str) -> None:
    redacted = redact_contact_details(text)
    assert PLACEHOLDER in redacted
    assert sum(char.isdigit() for char in redacted) <= 4 and "@" not in redacted


@pytest.mark.parametrize(
    "text",
    [
        "Merkeze 3 kez gittim, 2026 yılında 8 saat bekledim.",
        "Randevum 12.11.2026 tarihindeydi, saat 14:30.",
        "Puanım 4/5; yüzde 50 daha iyi olabilir.",
        "Yardım 1.500.000 kişiye ulaşmalı.",
        "Çok teşekkürler, personel ilgiliydi.",
    ],
)
def test_ordinary_text_is_kept(text: str) -> None:
    assert redact_contact_details(text) == text


@given(st.text(alphabet=st.characters(blacklist_categories=("Nd",)), max_size=200))
def test_text_without_digits_or_addresses_is_never_changed(text: str) -> None:
    if "@" not in text and "TR" not in text.upper():
        assert redact_contact_details(text) == text


def test_only_anonymous_surveys_are_redacted() -> None:
    surveys = load_shipped()
    typed = "Beni 0532 123 45 67 numarasından arayın"
    for survey_id, kept in (("women_support", False), ("disability_centre", True)):
        defn = surveys[survey_id]
        comment = next(q for q in defn.questions if q.type == "text")
        state = engine.SessionState(survey_id=defn.id, version=defn.version, current=comment.id,
                                    answers={}, path=(), pending=(), status="active", prefilled=())
        step = engine.resume(defn, state, engine.Text(typed))
        assert (step.state.answers[comment.id] == typed) is kept
        assert (PLACEHOLDER in step.state.answers[comment.id]) is not kept
        # The person is told, first, so they do not wait for a call that cannot come.
        assert (step.events[0] == engine.Redacted(comment.id)) is not kept
        plain = engine.resume(defn, state, engine.Text("Her şey için teşekkürler"))
        assert not any(isinstance(event, engine.Redacted) for event in plain.events)


def test_one_letter_and_number_parts_of_a_name_are_not_taken_for_the_name() -> None:
    """"A" or "42" in a display name would otherwise remove every "a" or 42 from her text."""
    kept = redact("A planı iyiydi, 42 gün bekledim", names=("A Yılmaz 42",))
    assert (kept.text, kept.name, kept.contact) == ("A planı iyiydi, 42 gün bekledim", False, False)
    removed = redact("Yılmaz hanım yardım etti", names=("A Yılmaz 42",))
    assert (removed.text, removed.name) == (f"{PLACEHOLDER} hanım yardım etti", True)


@pytest.mark.parametrize("name", ["silindi", "SILINDI", "Silindi"])
def test_a_name_spelled_like_the_placeholder_leaves_the_placeholder_alone(name: str) -> None:
    kept = redact("numaram 0532 123 45 67", names=(name,))
    assert kept.text == f"numaram {PLACEHOLDER}"

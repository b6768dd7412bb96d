"""Which events and memberships are sensitive: a reminder or notice about them must not show
its topic on a phone that someone else may read (docs/privacy.md, "Notifications").

Sensitive by default: events for women (only women's centres hold them) and gender-equality
training (violence against women is their subject), disability-centre activities (health data),
any event whose title or place speaks of violence or a shelter, whatever its type, and every
membership: all are of the Alzheimer & dementia centre, health data (`bot.chat.notices`).
"""

from __future__ import annotations

import unicodedata

SENSITIVE_EVENT_TYPES = frozenset({"women", "gender_training", "disability_activity"})
# Folded (no accents, lower case, dotless i as i); matched anywhere in the title or place.
SENSITIVE_WORDS = ("siddet", "siginma", "istismar", "taciz", "violence", "abuse", "shelter", "عنف", "اساءه", "ملجا")


def fold(text: str) -> str:
    """'ŞİDDET', 'Şiddet' and 'siddet' read alike; so do Arabic letters with and without hamza."""
    decomposed = unicodedata.normalize("NFKD", text.replace("İ", "i").replace("ı", "i"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return plain.replace("ة", "ه")


def event_is_sensitive(event_type: str | None, title: str | None, place: str | None) -> bool:
    if event_type in SENSITIVE_EVENT_TYPES:
        return True
    words = fold(f"{title or ''} {place or ''}")
    return any(word in words for word in SENSITIVE_WORDS)

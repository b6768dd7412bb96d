"""How the bot addresses people: "siz" in Turkish, the polite plural (أنتم) in Arabic.

The informal forms are a targeted list, not a grammar: the pronouns, the second person
singular endings that have no other reading, and bare imperatives of the verbs the bot uses.
Buttons and menu entries may be bare commands ("Kaydet", «حفظ»), but a button that answers
the municipality ("Evet, …") speaks to it in the plural too.
"""

from __future__ import annotations

import re

from language_texts import Text, all_texts

_TURKISH_VERBS = (
    "yaz|seç|bas|gönder|tıkla|dokun|dene|bekle|kullan|işaretle|yanıtla|gir|başla|sil|değiştir|ekle"
    "|onayla|ara|bırak|et|çık|temizle|oku|bak|ver"
)
TURKISH_INFORMAL = {
    "the pronoun sen": re.compile(r"\b(?:sen|seni|senin|sende|senden|sana|seninle)\b", re.IGNORECASE),
    "a second person singular ending": re.compile(
        r"\w+(?:yor|abilir|ebilir|acak|ecek|malı|meli|mış|miş|muş|müş)s[ıiuü]n\b"
        r"|\bm[ıiuü]s[ıiuü]n\b"
        r"|\w+[dt][ıiuü][ğk][ıiuü]n\b",
        re.IGNORECASE,
    ),
}
TURKISH_BARE_IMPERATIVE = re.compile(rf"(?<![\w/])(?:{_TURKISH_VERBS})(?=[ \t]*(?:[.!?;:]|$))", re.MULTILINE)
TURKISH_INFORMAL_REPLY = re.compile(r"^(?:Evet|Hayır),.*\b(?:sil|kaydet|et|vazgeç)$|\bsorma$")

_HARAKAT = "\u064b-\u0652"
ARABIC_SINGULAR = (
    # pronouns and the singular "you" suffix on the words the bot uses
    "أنت لك بك عنك معك إليك منك عليك لديك يمكنك إجابتك إجاباتك بياناتك اسمك رقمك لغتك حقوقك "
    "موافقتك تسجيلك طلبك حضورك هاتفك رسالتك رأيك خصوصيتك دورك مراكزك قائمتك اشتراكك لتفهمك "
    "لمشاركتك لتفهّمك "
    # singular imperatives and verbs
    "اكتب اختر اضغط استخدم اطلب ألغِ صحّح صححه صحّحه ابدأ غيّر اترك احذف امسح اخرج سجّلني وافق "
    "تريد تود تودّ توافق رفضت غيّرت أجبت توقفت كتبت تستطع تتلقاها تقدّم"
).split()
ARABIC_SINGULAR_WORD = re.compile(
    rf"(?<![\w{_HARAKAT}])[وف]?(?:{'|'.join(map(re.escape, ARABIC_SINGULAR))})(?![\w{_HARAKAT}])"
)


def _turkish_problems(text: Text) -> list[str]:
    found = [f"{kind}: {m.group(0)}" for kind, pattern in TURKISH_INFORMAL.items() for m in pattern.finditer(text.text)]
    if text.label:
        found += [f"an informal reply: {m.group(0)}" for m in TURKISH_INFORMAL_REPLY.finditer(text.text)]
    else:
        found += [f"a bare imperative: {m.group(0)}" for m in TURKISH_BARE_IMPERATIVE.finditer(text.text)]
    return found


def test_turkish_says_siz() -> None:
    wrong = {text.where: found for text in all_texts("tr") if (found := _turkish_problems(text))}
    assert wrong == {}


def test_arabic_uses_the_polite_plural() -> None:
    wrong = {
        text.where: [m.group(0) for m in ARABIC_SINGULAR_WORD.finditer(text.text)]
        for text in all_texts("ar")
        if ARABIC_SINGULAR_WORD.search(text.text)
    }
    assert wrong == {}


def test_the_lists_catch_what_they_are_for() -> None:
    """The patterns match the informal forms and leave their formal counterparts alone."""
    informal = ["kaldığın yerden devam et", "dili değiştir", "Silmek istiyor musun?", "sana yazacağız", "Lütfen yaz."]
    formal = ["Kaldığınız yerden devam edin.", "İptal edilsin mi?", "Bir sayı yazın.", "Kadın Danışma", "/sil yazın."]
    for sentence in informal:
        assert _turkish_problems(Text("check", "tr", sentence, False)), sentence
    for sentence in formal:
        assert not _turkish_problems(Text("check", "tr", sentence, False)), sentence
    assert _turkish_problems(Text("check", "tr", "Bana bir daha sorma", True))
    assert not _turkish_problems(Text("check", "tr", "Bir daha sormayın", True))
    assert ARABIC_SINGULAR_WORD.search("يمكنك تغييرها") and ARABIC_SINGULAR_WORD.search("فاكتب /start")
    assert not ARABIC_SINGULAR_WORD.search("يمكنكم تغييرها، وذلك هناك، أنتم")


# Adjectives and nouns that make the person choosing an answer masculine or feminine.
ARABIC_GENDERED_ANSWER = re.compile(r"راضٍ|راض\b|راضي|مقدّم الرعاية|مقدم الرعاية|مقدّمة الرعاية")


def test_arabic_answers_fit_anyone_who_picks_them() -> None:
    """Scale steps and options are the person's own words: no masculine or feminine forms."""
    wrong = {text.where: text.text for text in all_texts("ar") if text.label and ARABIC_GENDERED_ANSWER.search(text.text)}
    assert wrong == {}

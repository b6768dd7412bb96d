"""The KVKK information notice (Article 10): every item, from the controller's file, in Turkish,
English and Arabic, one button away from the short notice shown before consent; and `kentbot
run` refuses to start, in one line naming what is missing, without a complete notice."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from exit_erasure_support import bot, has_button, press_on, says  # noqa: F401  (bot is a fixture)

from bot.consent.notice import SAMPLE
from tests.conftest import BOT_TOKEN

LANGUAGE_BUTTON = {"tr": "Türkçe", "en": "English", "ar": "العربية"}
FULL_BUTTON = {"tr": "Aydınlatma metninin tamamı", "en": "The full information notice", "ar": "النص الكامل لإشعار حماية البيانات"}
# Article 11's rights and the Communiqué on applications, as each language words them.
RIGHTS = {
    "tr": ["işlenip işlenmediğini", "bilgi istemek", "işlenme amacını", "üçüncü kişileri", "düzeltilmesini",
           "madde 7", "bildirilmesini", "otomatik sistemlerle", "zararın giderilmesini", "Tebliğ", "30 gün"],
    "en": ["whether your personal data is processed", "ask for information", "why it is processed", "third parties",
           "corrected", "Article 7", "have the third parties", "automated systems", "compensated", "Communiqué", "30 days"],
    "ar": ["ما إذا كانت بياناتكم", "طلب معلومات", "الغرض من معالجتها", "الأطراف الثالثة", "تصحيحها", "المادة 7",
           "إبلاغ الأطراف", "بأنظمة آلية", "التعويض", "بلاغ", "30 يومًا"],
}


def _sample_values(lang: str) -> list[str]:
    """Every value the controller's file gives for `lang`: each must reach the person."""
    data = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    controller = data["controller"]
    values = [controller["name"][lang], controller["address"], controller["email"], controller["kep"], data["verbis"],
              data["contact_person"][lang], data["method"][lang], data["recipients"][lang]]
    for section in ("purposes", "legal_grounds", "retention"):
        values += [texts[lang] for texts in data[section].values()]
    return values


@pytest.mark.parametrize("lang", ["tr", "en", "ar"])
async def test_the_notice_gives_every_article_10_item_before_consent(bot, db, lang) -> None:  # noqa: F811
    user = bot.citizen(8601 + ["tr", "en", "ar"].index(lang), lang, "Sena")
    await user.send("/start")
    await press_on(user, LANGUAGE_BUTTON[lang])
    short = await user.wait_for(has_button(FULL_BUTTON[lang]), timeout=30)
    assert len(short["text"]) < 1000  # the short notice, in plain words, before the question
    await press_on(user, FULL_BUTTON[lang])
    await user.wait_for(says(RIGHTS[lang][-1]), timeout=30)
    shown = [m["text"] or "" for m in await user.bot_messages() if m["message_id"] > short["message_id"]]
    full = "\n".join(shown)
    assert all(len(text) <= 4096 for text in shown)
    assert [value for value in _sample_values(lang) if value not in full] == []
    assert [right for right in RIGHTS[lang] if right not in full] == []
    # Nothing is stored for reading it: the consent is still to be given.
    assert await user.wait_for(has_button({"tr": "Evet, onaylıyorum", "en": "Yes, I agree", "ar": "نعم، أوافق"}[lang]), timeout=30)


def _run(tmp_path: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    """`kentbot run` as the IT team starts it, without the tests' sample notice."""
    env = {key: value for key, value in os.environ.items() if key != "KENTBOT_KVKK_NOTICE"}
    env.update(
        TELEGRAM_BOT_TOKEN=BOT_TOKEN, TELEGRAM_API_BASE_URL="http://127.0.0.1:9", KENTBOT_SECRET="test-secret-0123456789abcdef",
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'kentbot.sqlite3'}", KENTBOT_DATA_DIR=str(tmp_path), **environment,
    )
    return subprocess.run([sys.executable, "-m", "bot.cli", "run"], env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path)


def test_run_refuses_to_start_without_the_controllers_notice(tmp_path) -> None:
    result = _run(tmp_path)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1, result.stderr
    # Not set is said as such, with where to start, not as a list of every missing item.
    assert lines[0].startswith("kentbot: KENTBOT_KVKK_NOTICE is not set: ")
    assert str(SAMPLE) in lines[0] and "README.md" in lines[0]
    assert "controller.name" not in lines[0]


def test_run_refuses_an_incomplete_notice_naming_what_is_missing(tmp_path) -> None:
    data = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    del data["controller"]["kep"]
    del data["purposes"]["events"]["ar"]
    data["retention"]["health"] = {"tr": " "}
    path = tmp_path / "notice.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = _run(tmp_path, KENTBOT_KVKK_NOTICE=str(path))
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1, result.stderr
    assert "KENTBOT_KVKK_NOTICE" in lines[0]
    assert "controller.kep" in lines[0] and "purposes.events.ar" in lines[0] and "retention.health" in lines[0]
    assert "purposes.events.tr" not in lines[0] and "controller.email" not in lines[0]

"""PostgreSQL drops every connection under a running bot (as on a restart or a fail-over): the
bot reconnects and the person finishes the survey; nothing they answered before is lost."""

from __future__ import annotations

from sqlalchemy import func, select, text

from storage.models import Answer, Response
from tests.bot.test_citizen_e2e import after, contains, has_button, onboard


async def drop_every_connection(db) -> int:  # type: ignore[no-untyped-def]
    async with db.engine.connect() as connection:
        result = await connection.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ))
        return result.scalar_one()


async def test_the_bot_carries_on_after_postgresql_drops_every_connection(postgres_live_bot, postgres_db) -> None:
    user = postgres_live_bot.citizen(7601, "tr")
    await onboard(user, "Türkçe", "Evet, onaylıyorum", payload="disability_centre__bornova-engelli")
    await user.wait_for(contains("Bu soruları kim yanıtlıyor?"))
    await after(user, user.press("Merkeze gelen kişinin yakını ya da bakıcısıyım"), contains("neler yapıldı"))

    assert await drop_every_connection(postgres_db) >= 1  # the bot's own pooled connection among them

    await user.press("☐ Spor")
    await user.wait_for(has_button("☑ Spor"))
    for button, next_question in (("✔ Tamam", "bilgi veriyor mu"), ("Evet", "nasıl davranıyor"), ("🙂 Memnunum", "gelip gitmekten"),
                                  ("🙂 Memnunum", "içeride dolaşmaktan"), ("Bu soru bana uymuyor", "Tuvaletlerden"),
                                  ("🙂 Memnunum", "etkinliklerden"), ("🙂 Memnunum", "Genel olarak"), ("🙂 Memnunum", "Görüş ya da önerinizi")):
        await after(user, user.press(button), contains(next_question))
    assert await drop_every_connection(postgres_db) >= 1
    await after(user, user.press("Atla ▶"), contains("Görüşleriniz bizim için değerli"))

    async with postgres_db.sessions() as session:
        response = (await session.execute(select(Response))).scalar_one()
        answers = {a.question_id: a.value for a in (await session.execute(select(Answer))).scalars()}
        count = (await session.execute(select(func.count()).select_from(Response))).scalar_one()
    assert count == 1 and response.centre_id == "bornova-engelli"
    assert answers["role"] == "carer" and answers["services"] == ["sports"] and answers["overall"] == 4
    assert not any("Bir sorun oluştu" in (m["text"] or "") for m in await user.bot_messages())

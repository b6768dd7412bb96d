"""A completed anonymous answer crosses three transactions (token, pool, out of the draft):
a crash between any two loses no answer and lets nobody answer twice.

The crash is placed with a trigger in the database that fails the next step, exactly where it
must happen, as a process dying there would leave it; then the trigger goes (the process is
back) and the anonymous-storage job runs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anon_support import COMMENT, HER_ID, answer_some, finish_with_comment, her, onboard, say, says
from anonymous_pool import eventually
from sqlalchemy import func, select, text

from bot.anonymous_storage import open_draft, tidy
from storage.models import Answer, ParticipationToken, PendingResponse, Response, SurveyDraft
from storage.pseudonyms import draft_key

CRASHES = {
    # The turn wrote the token and kept the response in the draft; moving it to the pool fails.
    "pool": ("pending_responses", "INSERT", None),
    # The response reached the pool; taking it out of the draft fails.
    "draft": ("survey_drafts", "UPDATE OF sealed", "(SELECT count(*) FROM pending_responses) > 0"),
}


@asynccontextmanager
async def crash(db, where: str) -> AsyncIterator[None]:  # type: ignore[no-untyped-def]
    table, event, condition = CRASHES[where]
    async with db.engine.begin() as connection:
        if db.backend == "postgresql":
            check = f"IF {condition} THEN " if condition else ""
            end = " END IF;" if condition else ""
            await connection.execute(text(
                "CREATE FUNCTION simulated_crash() RETURNS trigger LANGUAGE plpgsql AS "
                f"$$ BEGIN {check}RAISE EXCEPTION 'simulated crash';{end} RETURN NEW; END $$"
            ))
            await connection.execute(text(f"CREATE TRIGGER simulated_crash BEFORE {event} ON {table} FOR EACH ROW EXECUTE FUNCTION simulated_crash()"))
        else:
            when = f" WHEN {condition}" if condition else ""
            await connection.execute(text(f"CREATE TRIGGER simulated_crash BEFORE {event} ON {table}{when} BEGIN SELECT RAISE(ABORT, 'simulated crash'); END"))
    try:
        yield
    finally:
        async with db.engine.begin() as connection:
            await connection.execute(text(f"DROP TRIGGER simulated_crash{' ON ' + table if db.backend == 'postgresql' else ''}"))
            if db.backend == "postgresql":
                await connection.execute(text("DROP FUNCTION simulated_crash()"))


async def count(db, model, *where) -> int:  # type: ignore[no-untyped-def]
    async with db.sessions() as session:
        return (await session.execute(select(func.count()).select_from(model).where(*where))).scalar_one()


async def her_draft_holds_a_response(live_bot) -> bool:  # type: ignore[no-untyped-def]
    key = draft_key(live_bot.services.secret, HER_ID)
    async with live_bot.services.sessions() as session:
        sealed = (await session.execute(select(SurveyDraft.sealed).where(SurveyDraft.key == key))).scalar_one_or_none()
    return sealed is not None and (open_draft(live_bot.services.secret, key, sealed) or {}).get("submission") is not None


async def her_comment_released(db) -> list[str]:  # type: ignore[no-untyped-def]
    async with db.sessions() as session:
        return list((await session.execute(select(Answer.value).where(Answer.question_id == "comment"))).scalars())


async def test_a_crash_after_the_token_loses_no_answer_and_allows_no_second(live_bot, db) -> None:
    zeynephan = her(live_bot)
    async with crash(db, "pool"):
        await onboard(zeynephan, "degerlendirme")
        await answer_some(zeynephan)
        await finish_with_comment(zeynephan)  # she was thanked: the answer must not be lost
        assert await count(db, ParticipationToken) == 1 and await her_draft_holds_a_response(live_bot)
        assert await count(db, PendingResponse) == 0 and await count(db, Response) == 0
        # Asking again in the same period: the token refuses a second answer.
        await say(zeynephan, "/start degerlendirme", says("zaten yanıtladınız"))
    await tidy(live_bot.services, live_bot.services.clock(), release_all=True)
    assert await her_comment_released(db) == [COMMENT]
    assert await count(db, PendingResponse) == 0 and not await her_draft_holds_a_response(live_bot)


async def test_a_crash_after_the_pending_response_releases_it_once(live_bot, db) -> None:
    zeynephan = her(live_bot)
    services = live_bot.services
    async with crash(db, "draft"):
        await onboard(zeynephan, "degerlendirme")
        await answer_some(zeynephan)
        await finish_with_comment(zeynephan)

        async def pooled() -> bool:
            return await count(db, PendingResponse) == 1

        await eventually(pooled)
        assert await her_draft_holds_a_response(live_bot)  # taking it out failed
        # The job pools it again (the same id: still one) and releases the pool.
        await tidy(services, services.clock(), release_all=True)
        assert await her_comment_released(db) == [COMMENT] and await her_draft_holds_a_response(live_bot)
    # Back to normal: the draft's copy is pooled once more, and released no second time.
    await tidy(services, services.clock(), release_all=True)
    assert await her_comment_released(db) == [COMMENT]
    assert await count(db, Response, Response.survey_id == "women_support") == 1
    assert await count(db, PendingResponse) == 0 and not await her_draft_holds_a_response(live_bot)
    assert await count(db, ParticipationToken) == 1

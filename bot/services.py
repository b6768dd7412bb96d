"""What every handler and command needs, built once per process from the settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import Clock, system_clock
from bot.config import Settings
from bot.metrics import Metrics
from storage.database import create_engine, session_factory
from storage.person_lock import PersonLocks
from surveys.definition import SurveyDefinition, load_shipped


@dataclass
class Services:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    secret: bytes
    surveys: dict[str, SurveyDefinition]
    person_locks: PersonLocks
    clock: Clock = field(default=system_clock)
    metrics: Metrics = field(default_factory=Metrics)

    @property
    def zone(self) -> ZoneInfo:
        return self.settings.zone

    async def close(self) -> None:
        await self.person_locks.close()
        await self.engine.dispose()


def build_services(settings: Settings, clock: Clock = system_clock) -> Services:
    engine = create_engine(settings.resolved_database_url())
    return Services(
        settings=settings,
        engine=engine,
        sessions=session_factory(engine),
        secret=settings.resolved_secret(),
        surveys=load_shipped(),
        person_locks=PersonLocks.for_engine(engine),
        clock=clock,
    )

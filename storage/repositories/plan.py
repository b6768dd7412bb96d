"""Planned values and baselines set by the municipality, kept as history (newest wins)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import PlanValue
from storage.repositories import audit


@dataclass(frozen=True)
class PlanFigures:
    planned: float | None
    baseline: float | None


async def current(session: AsyncSession, year: int) -> dict[str, PlanFigures]:
    statement = select(PlanValue).where(PlanValue.year == year).order_by(PlanValue.set_at, PlanValue.id)
    figures: dict[str, PlanFigures] = {}
    for row in (await session.execute(statement)).scalars():
        figures[row.indicator_code] = PlanFigures(planned=row.planned, baseline=row.baseline)
    return figures


async def set_value(
    session: AsyncSession, *, code: str, year: int, planned: float | None, baseline: float | None, actor: str, now: datetime
) -> None:
    """Add a new plan row and audit the change; earlier rows stay as the record."""
    before = (await current(session, year)).get(code)
    session.add(PlanValue(indicator_code=code, year=year, planned=planned, baseline=baseline, set_by=actor, set_at=now))
    await audit.append(
        session,
        at=now,
        actor=actor,
        action="plan.set",
        object_type="indicator",
        object_id=f"{code}/{year}",
        before=None if before is None else {"planned": before.planned, "baseline": before.baseline},
        after={"planned": planned, "baseline": baseline},
    )

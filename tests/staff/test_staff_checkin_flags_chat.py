"""Flagged self check-ins through the real bot over real HTTP to the emulator, and on the web
panel beside it, on a clock the test sets: a registered regular checks in as ever and is not
flagged; three accounts the bot never saw check in within a minute, and one person checks in
at two centres' events of the same hour; staff see them flagged on the event's screen, with
why, and take one back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from sqlalchemy import select
from tests_staff_support import join

from bot.web.app import create_web_app
from bot.web.panel import panel_routes
from bot.web.public import public_mount
from bot.web.server import listening_socket, serving
from services import attendance, panel_access
from services.events import local_text
from services.roles import actor_for
from storage.centres import load_centres
from storage.models import Attendance, AuditEntry, Event, StaffMember
from storage.repositories import centres
from tests.conftest import LiveBot, running_bot
from tests.messages import has_button, says

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)
STAFF = 7701
WAIT = 30.0


class SetClock:
    """The bot's and the panel's clock: it shows what the test set, and stands still."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@dataclass
class Site:
    live: LiveBot
    client: httpx.AsyncClient
    clock: SetClock


@pytest.fixture
async def site(db, emulator_client, tmp_path) -> AsyncIterator[Site]:
    clock = SetClock(T0)
    sock = listening_socket("127.0.0.1", 0)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    async for live in running_bot(db, emulator_client, tmp_path, clock=clock, KENTBOT_PUBLIC_URL=url):
        mount, cache = public_mount(live.services, T0.year)
        app = create_web_app([*panel_routes(live.services, cache, T0.year), mount])
        async with serving(app, sock, grace=1), httpx.AsyncClient(base_url=url, timeout=30) as client:
            yield Site(live, client, clock)


async def _consent(user) -> None:
    await user.wait_for(has_button("Evet, onaylıyorum"), timeout=WAIT)
    await user.press("Evet, onaylıyorum")


async def _scan(site: Site, user, event: Event, at: datetime, *, new: bool) -> None:
    """The person scans the code staff show at `at`; someone new picks Turkish and consents."""
    site.clock.at = at
    seen = max((m["message_id"] for m in await user.bot_messages()), default=0)
    await user.send(f"/start {attendance.checkin_payload(site.live.services.secret, event.id, at)}")
    if new:
        await user.wait_for(has_button("Türkçe"), timeout=WAIT)
        await user.press("Türkçe")
        await _consent(user)
    await user.wait_for(lambda m: m["message_id"] > seen and says("Katılımınız kaydedildi")(m), timeout=WAIT)


async def _flagged_on_panel(site: Site, event_id: int) -> str:
    """The event page's list of check-ins flagged for review, as a signed-in staff member gets it."""
    services = site.live.services
    async with services.sessions.begin() as session:
        member = (await session.execute(select(StaffMember).where(StaffMember.telegram_user_id == STAFF))).scalar_one()
        link = await panel_access.issue_link(session, await actor_for(session, member), site.clock())
        token = await panel_access.redeem_link(session, link, site.clock())
    response = await site.client.get(f"/panel/etkinlikler/{event_id}", headers={"Cookie": f"kentbot_panel={token}"})
    assert response.status_code == 200, response.text
    return response.text.split('<section id="flagged"', 1)[1].split("</section>", 1)[0]


async def test_staff_see_flagged_check_ins_and_take_one_back(site, db) -> None:
    live, zone = site.live, site.live.services.zone
    async with db.sessions.begin() as session:
        await centres.sync(session, load_centres())
        await join(session, "staff", "konak-kadin", STAFF, now=T0 - timedelta(days=30))
        coffee = Event(
            centre_id="konak-kadin",
            type="women",
            title="Kahve sohbeti",
            starts_at=T0 + timedelta(minutes=30),
            ends_at=T0 + timedelta(hours=2, minutes=30),
            place="Salon",
            language="tr",
            status="published",
            created_at=T0 - timedelta(days=20),
        )
        painting = Event(
            centre_id="bornova-engelli",
            type="disability_activity",
            title="Resim atölyesi",
            starts_at=T0 + timedelta(minutes=30),
            place="Atölye",
            language="tr",
            status="published",
            created_at=T0 - timedelta(days=20),
        )
        session.add_all([coffee, painting])
    label = f"{local_text(coffee.starts_at, zone)} · {coffee.title}"[:60]

    # Ten days before, Derya starts using the bot; three days before, Zehra registers.
    site.clock.at = T0 - timedelta(days=10)
    traveller = live.citizen(7730, "tr", first_name="Derya")
    await traveller.send("/start")
    await traveller.wait_for(has_button("Türkçe"), timeout=WAIT)
    await traveller.press("Türkçe")
    await _consent(traveller)
    await traveller.wait_for(says("Hangi hizmeti"), timeout=WAIT)
    site.clock.at = T0 - timedelta(days=3)
    regular = live.citizen(7720, "tr", first_name="Zehra")
    await regular.send("/events")
    for step in ("Kadınlara yönelik etkinlik", "Konak Kadın Danışma ve Eğitim Merkezi", label, "Kayıt ol", "Türkçe"):
        await regular.wait_for(has_button(step), timeout=WAIT)
        await regular.press(step)
    await _consent(regular)
    await regular.wait_for(says("Kaydınız alındı"), timeout=WAIT)

    # At the door: three accounts nobody saw before, twenty seconds apart, none registered.
    for offset, (user_id, name) in enumerate([(7711, "Ayla"), (7712, "Berna"), (7713, "Cemile")]):
        await _scan(
            site, live.citizen(user_id, "tr", first_name=name), coffee, T0 + timedelta(seconds=20 * offset), new=True
        )
    # The regular checks in as ever.
    await _scan(site, regular, coffee, T0 + timedelta(minutes=5), new=False)
    # Derya checks in here, then at Bornova's event of the same hour.
    site.clock.at = T0 + timedelta(minutes=10)
    await traveller.send(f"/start {attendance.checkin_payload(live.services.secret, coffee.id, site.clock.at)}")
    await traveller.wait_for(says("Etkinlik kaydı ve katılım için"), timeout=WAIT)
    await _consent(traveller)
    await traveller.wait_for(says("Katılımınız kaydedildi"), timeout=WAIT)
    await _scan(site, traveller, painting, T0 + timedelta(minutes=12), new=False)

    # Staff open the event: four check-ins to review, and who and why.
    site.clock.at = T0 + timedelta(minutes=15)
    staff = live.citizen(STAFF, "tr", first_name="Zeynep")
    await staff.send("/etkinliklerim")
    await staff.wait_for(has_button(label), timeout=WAIT)
    await staff.press(label)
    menu = await staff.wait_for(has_button("İncelenecek giriş kayıtları (4)"), timeout=WAIT)
    assert "⚠️ İncelenmesi gereken 4 giriş kaydı var." in menu["text"] and "gelen: 5" in menu["text"]
    await staff.press("Yoklama")
    await staff.wait_for(has_button("✅ Zehra"), timeout=WAIT)  # registered and not flagged: no mark
    await staff.press("İncelenecek giriş kayıtları (4)", message_id=menu["message_id"])
    listed = await staff.wait_for(says("İncelenmesi gereken giriş kayıtları: 4"), timeout=WAIT)
    lines = listed["text"].split("\n")[1:]
    assert [line.split(" · ")[0] for line in lines] == ["1. Ayla", "2. Berna", "3. Cemile", "4. Derya"]
    assert all("yeni hesap" in line and "60 saniye içinde" in line for line in lines[:3])
    assert "başka bir merkezin etkinliğinde" in lines[3] and "yeni hesap" not in lines[3]
    assert "Zehra" not in listed["text"]
    panel = await _flagged_on_panel(site, coffee.id)
    assert "İncelenmesi gereken giriş kayıtları: 4" in panel and "Ayla" in panel and "Zehra" not in panel

    # Ayla was not in the room: staff take her check-in back, after a yes.
    await staff.press("Geri al 1: Ayla", message_id=listed["message_id"])
    await staff.wait_for(says("Ayla adlı kişinin giriş kaydı geri alınsın mı?"), timeout=WAIT)
    await staff.press("Evet, geri alın")
    await staff.wait_for(says("Giriş kaydı geri alındı."), timeout=WAIT)
    again = await staff.wait_for(says("İncelenmesi gereken giriş kayıtları: 3"), timeout=WAIT)
    assert "Ayla" not in again["text"] and "60 saniye içinde" not in again["text"]  # two left: no burst any more
    async with db.sessions() as session:
        kept = (await session.execute(select(Attendance.kind).where(Attendance.event_id == coffee.id))).scalars().all()
        removed = (
            await session.execute(select(AuditEntry).where(AuditEntry.action == "attendance.remove"))
        ).scalar_one()
    assert kept == ["self"] * 4 and removed.object_id == str(coffee.id) and removed.actor.startswith("staff:")
    assert "İncelenmesi gereken giriş kayıtları: 3" in await _flagged_on_panel(site, coffee.id)

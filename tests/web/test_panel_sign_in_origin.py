"""A sign-in posted from another site is refused and leaves the link unused (login CSRF: a
page elsewhere could otherwise sign a visitor in as the page owner); one posted from the
panel's own page, or from the configured public address behind a TLS proxy, signs in."""

from __future__ import annotations

import pytest
from panel_support import join, seed_centres, served, served_behind_tls  # noqa: F401  (fixtures)

from services import panel_access
from services.roles import actor_for

COOKIE = "kentbot_panel"


async def _link_path(site) -> str:
    async with site.services.sessions.begin() as session:
        await seed_centres(session)
        member = await join(session, "staff", "konak-kadin", 9701, site.clock())
        link = await panel_access.issue_link(session, await actor_for(session, member), site.clock())
    return f"/panel/giris/{link}"


@pytest.mark.parametrize("headers", [
    {"Origin": "http://evil.example"},
    {"Origin": "null"},
    {"Origin": "null", "Sec-Fetch-Site": "cross-site"},
    {"Origin": "null", "Sec-Fetch-Site": "same-site"},
    {"Sec-Fetch-Site": "cross-site"},
])
async def test_a_sign_in_posted_from_another_site_is_refused_and_the_link_still_works(served, headers) -> None:
    path = await _link_path(served)
    refused = await served.client.post(path, headers=headers)
    assert refused.status_code == 403 and COOKIE not in refused.headers.get("set-cookie", "")
    assert "başka bir siteden" in refused.text
    own = str(served.client.base_url).rstrip("/")
    done = await served.client.post(path, headers={"Origin": own, "Sec-Fetch-Site": "same-origin"})
    assert done.status_code == 303 and done.headers["set-cookie"].startswith(f"{COOKIE}=")


async def test_a_sign_in_posted_from_the_link_page_itself_signs_in(served) -> None:
    """What a browser sends from the link page, which sends no referrer: `Origin: null`, and
    `Sec-Fetch-Site: same-origin`, which no page can forge."""
    path = await _link_path(served)
    done = await served.client.post(path, headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"})
    assert done.status_code == 303 and done.headers["set-cookie"].startswith(f"{COOKIE}=")


async def test_behind_a_tls_proxy_the_public_address_may_post_the_sign_in(served_behind_tls) -> None:
    path = await _link_path(served_behind_tls)
    refused = await served_behind_tls.client.post(path, headers={"Origin": "https://kentbot.example.org.evil.example"})
    assert refused.status_code == 403
    done = await served_behind_tls.client.post(path, headers={"Origin": "https://kentbot.example.org"})
    assert done.status_code == 303 and done.headers["set-cookie"].startswith(f"{COOKIE}=")

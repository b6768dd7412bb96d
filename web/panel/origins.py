"""Whether a sign-in form was posted from the panel's own pages. Without this check another
site could post a link of its own owner's to the browser and sign the visitor in as that owner
(login CSRF): a browser names the posting page's origin in `Origin`, or, when it sends none,
says in `Sec-Fetch-Site` whether the request came from another site."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit


def origin_of(url: str) -> str:
    """`scheme://host[:port]` of an address, as browsers write it in `Origin`."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def from_our_pages(origin: str | None, fetch_site: str | None, ours: Iterable[str]) -> bool:
    """True when `origin` is one of `ours`, or, with no `Origin` at all, unless the browser
    says the request is cross-site. `Origin: null` (a sandboxed or privacy-stripped page) is refused."""
    if origin is None:
        return fetch_site != "cross-site"
    return origin.lower() in {own.lower() for own in ours}

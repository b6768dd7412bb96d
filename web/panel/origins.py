"""Whether a sign-in form was posted from the panel's own pages. Without this check another
site could post a link of its own owner's to the browser and sign the visitor in as that owner
(login CSRF): a browser names the posting page's origin in `Origin`, or, when it sends none,
says in `Sec-Fetch-Site` whether the request came from another site.

The panel's pages send no referrer (`Referrer-Policy: no-referrer`), and a browser posting a form
from such a page writes `Origin: null`, even to the page's own site; then `Sec-Fetch-Site`, which
no page can set, tells whether the form came from the same origin."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit


def origin_of(url: str) -> str:
    """`scheme://host[:port]` of an address, as browsers write it in `Origin`."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def from_our_pages(origin: str | None, fetch_site: str | None, ours: Iterable[str]) -> bool:
    """True when `origin` is one of `ours`; with no `Origin` at all, unless the browser says the
    request is cross-site; with `Origin: null` (a page sending no referrer, or a sandboxed one),
    only when the browser says it is same-origin."""
    if origin is None:
        return fetch_site != "cross-site"
    if origin == "null":
        return fetch_site == "same-origin"
    return origin.lower() in {own.lower() for own in ours}

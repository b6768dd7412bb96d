"""Deep links and QR codes for survey posters at centres."""

from __future__ import annotations

import sys

import qrcode

from bot.chat.conversation.deep_links import make_payload
from storage.centres import load_centres
from surveys.definition import load_shipped


def survey_link(survey: str, centre: str | None, bot_username: str, qr_path: str | None) -> int:
    surveys = load_shipped()
    if survey not in surveys:
        print(f"unknown survey {survey!r}; known: {', '.join(sorted(surveys))}", file=sys.stderr)
        return 1
    if centre is not None and centre not in {c.id for c in load_centres()}:
        print(f"unknown centre {centre!r}", file=sys.stderr)
        return 1
    defn = surveys[survey]
    if centre is not None and defn.sensitive:
        print(f"survey {survey!r} is sensitive: its link names no centre, so a poster shows nothing about who it is for",
              file=sys.stderr)
        return 1
    url = f"https://t.me/{bot_username.lstrip('@')}?start={make_payload(defn, centre)}"
    print(url)
    if qr_path:
        qrcode.make(url).save(qr_path)  # type: ignore[arg-type]  # a PIL image (qrcode[pil]) saves to a path
        print(f"QR code written to {qr_path}")
    return 0

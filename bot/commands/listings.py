"""`kentbot centre list` and `kentbot survey list`: what ids the other commands take."""

from __future__ import annotations

from storage.centres import load_centres
from surveys.definition import load_shipped
from surveys.labels import label


def list_centres() -> int:
    """The centres file, one centre a line: id, type, Turkish name, district, status."""
    for centre in load_centres():
        print(f"{centre.id}\t{centre.type}\t{centre.name_in('tr')}\t{centre.district}\t{centre.status}")
    return 0


def list_surveys() -> int:
    """The shipped surveys, one a line: id, version, indicator, anonymity, period, link code, title."""
    for survey in sorted(load_shipped().values(), key=lambda s: s.id):
        print(
            f"{survey.id}\tversion {survey.version}\t{survey.indicator or '-'}\t{survey.anonymity}\t{survey.period}\t"
            f"link {survey.link_code}\t{label(survey.title, 'tr')}"
        )
    return 0

"""`kentbot survey validate`: every survey file checked on its own and against the plan, the
centres and the other deep links, as start-up checks them."""

from __future__ import annotations

from pathlib import Path

from bot.survey_fit import check_surveys
from surveys.definition import content_hash, missing_translations

EXIT_INVALID = 2


def validate(paths: list[str], plan: str | None = None, centres: str | None = None) -> int:
    """Print every problem, one line each, or OK per survey; 0 when all are valid, else 2.

    Missing English or Arabic texts are warnings: they fall back to Turkish, so they do not fail.
    """
    problems, found = check_surveys([Path(path) for path in paths] or None, plan, centres)
    for line in problems:
        print(line)
    troubled = {line.partition(": ")[0] for line in problems}
    for survey in found:
        if survey.source in troubled:
            continue
        definition = survey.definition
        print(
            f"{survey.source}: OK - survey '{definition.id}' version {definition.version}, "
            f"{len(definition.questions)} questions, hash {content_hash(definition)[:12]}"
        )
        for line in missing_translations(definition):
            print(f"{survey.source}: warning: {line}")
    return EXIT_INVALID if problems else 0

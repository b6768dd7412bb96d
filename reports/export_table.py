"""The raw responses of a survey as a table with a codebook, as LimeSurvey and KoboToolbox
export them: one row per response, one column per question (one 0/1 column per option of a
multiple-choice question), coded values whose labels are in the codebook.

No key, pseudonym or response id is exported: a row has a number, nothing more. An anonymous
survey's rows carry the period (a month), not the day, and come in the order of their random
ids: a day beside an answer could point at the one woman who answered that day, and an
order by time would date each row (docs/privacy.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

from reports.results import SKIPPED
from storage.answered import ResponseAnswers
from surveys.definition import (
    Likert5Question,
    MultipleQuestion,
    NoteQuestion,
    NumberQuestion,
    Question,
    SingleQuestion,
    SurveyDefinition,
    YesNoQuestion,
)
from surveys.engine import is_relevant
from surveys.labels import NOT_APPLICABLE, NOT_APPLICABLE_VALUE, Labels

# "Does not apply" gets a code outside the scale, declared missing in SPSS.
NOT_APPLICABLE_CODE = 9
CHOSEN = (
    (1, Labels(tr="Seçildi", en="Chosen", ar="تم الاختيار")),
    (0, Labels(tr="Seçilmedi", en="Not chosen", ar="لم يتم الاختيار")),
)
YES_NO_CODES = (
    (1, Labels(tr="Evet", en="Yes", ar="نعم")),
    (0, Labels(tr="Hayır", en="No", ar="لا")),
)
EMPTY_NOTE = Labels(
    tr="Boş: soru sorulmadı (koşulu tutmadı) ya da " + SKIPPED.tr.lower(),
    en="Empty: not asked (its condition did not hold) or " + (SKIPPED.en or "").lower(),
)


class _Common(TypedDict):
    """What every column of one question shares."""

    question_id: str
    condition: str | None


@dataclass(frozen=True)
class Variable:
    """One column: its name, what it holds and how its values are coded."""

    name: str
    label: Labels
    kind: str  # the question type, or "row", "version", "centre", "day", "period", "option"
    measure: str  # SPSS: nominal, ordinal or scale
    question_id: str | None = None
    option: str | None = None
    condition: str | None = None
    codes: tuple[tuple[int, Labels], ...] = ()
    missing: tuple[int, ...] = ()


@dataclass(frozen=True)
class ExportTable:
    survey_id: str
    survey_version: int  # the version whose questions are the columns
    variables: tuple[Variable, ...]
    rows: tuple[tuple[Any, ...], ...]


def _fixed(anonymous: bool) -> tuple[Variable, ...]:
    """The columns every export begins with; their names hold a dot, which no question id
    can, so they never clash with a question's column (SPSS ignores case in names)."""
    when = (
        Variable("response.period", Labels(tr="Dönem", en="Period", ar="الفترة"), "period", "nominal")
        if anonymous
        else Variable("response.day", Labels(tr="Yanıt günü", en="Day answered", ar="يوم الإجابة"), "day", "scale")
    )
    return (
        Variable("row.number", Labels(tr="Satır numarası", en="Row number", ar="رقم السطر"), "row", "scale"),
        Variable("survey.version", Labels(tr="Anket sürümü", en="Survey version", ar="نسخة الاستبيان"), "version", "nominal"),
        Variable("response.centre", Labels(tr="Merkez", en="Centre", ar="المركز"), "centre", "nominal"),
        when,
    )


def question_variables(question: Question) -> tuple[Variable, ...]:
    """The column(s) of one question; a note has none."""
    common: _Common = {"question_id": question.id, "condition": question.relevant}
    if isinstance(question, NoteQuestion):
        return ()
    if isinstance(question, MultipleQuestion):
        return tuple(
            Variable(
                f"{question.id}.{option.value}".replace("-", "_"),
                Labels(tr=f"{question.label.tr}: {option.label.tr}",
                       en=f"{question.label.en or question.label.tr}: {option.label.en or option.label.tr}"),
                "option", "nominal", option=option.value, codes=CHOSEN, **common,
            )
            for option in question.options
        )
    if isinstance(question, Likert5Question):
        codes = tuple((point, question.scale[point - 1]) for point in range(1, 6))
        missing: tuple[int, ...] = ()
        if question.not_applicable:
            codes, missing = (*codes, (NOT_APPLICABLE_CODE, NOT_APPLICABLE)), (NOT_APPLICABLE_CODE,)
        return (Variable(question.id, question.label, question.type, "ordinal", codes=codes, missing=missing, **common),)
    if isinstance(question, SingleQuestion):
        codes = tuple((code, option.label) for code, option in enumerate(question.options, start=1))
        return (Variable(question.id, question.label, question.type, "nominal", codes=codes, **common),)
    if isinstance(question, YesNoQuestion):
        return (Variable(question.id, question.label, question.type, "nominal", codes=YES_NO_CODES, **common),)
    measure = "scale" if isinstance(question, NumberQuestion) else "nominal"
    return (Variable(question.id, question.label, question.type, measure, **common),)


def export_table(
    current: SurveyDefinition,
    versions: Mapping[int, SurveyDefinition],
    rows: Sequence[ResponseAnswers],
) -> ExportTable:
    """The responses under `current`'s questions; a question a response's version did not ask
    it (or asked as another type) is left empty, as one its conditions left out."""
    anonymous = current.anonymity == "anonymous"
    variables = (*_fixed(anonymous), *(v for q in current.questions for v in question_variables(q)))
    ordered = sorted(rows, key=lambda row: row.period) if anonymous else list(rows)
    table = []
    for number, row in enumerate(ordered, start=1):
        definition = versions.get(row.survey_version, current)
        when = row.period if anonymous else row.completed_on
        cells: list[Any] = [number, row.survey_version, row.centre_id, when]
        for question in current.questions:
            asked = next((q for q in definition.questions if q.id == question.id), None)
            shown = asked is not None and asked.type == question.type and is_relevant(asked, row.answers)
            cells.extend(_coded(question, row.answers.get(question.id) if shown else None))
        table.append(tuple(cells))
    return ExportTable(current.id, current.version, variables, tuple(table))


def _coded(question: Question, value: Any) -> list[Any]:
    """The cells of one question for one response: codes for choices, None where empty."""
    if isinstance(question, NoteQuestion):
        return []
    if isinstance(question, MultipleQuestion):
        chosen = value if isinstance(value, list) else None
        return [None if chosen is None else int(option.value in chosen) for option in question.options]
    if value is None:
        return [None]
    if isinstance(question, Likert5Question):
        return [NOT_APPLICABLE_CODE if value == NOT_APPLICABLE_VALUE else value]
    if isinstance(question, SingleQuestion):
        codes = {option.value: code for code, option in enumerate(question.options, start=1)}
        return [codes.get(value)]
    if isinstance(question, YesNoQuestion):
        return [{"yes": 1, "no": 0}.get(value)]
    return [value]


CODEBOOK_FIELDS = (
    "variable", "question_id", "type", "measure", "label_tr", "label_en", "label_ar",
    "condition", "codes_tr", "codes_en", "missing_codes", "empty_means", "option",
)


def codebook_rows(table: ExportTable) -> list[dict[str, Any]]:
    """One row per column: question text in each language, type, codes and their labels in
    Turkish and English, the condition under which it was asked."""
    rows = []
    for variable in table.variables:
        answered = variable.question_id is not None
        rows.append({
            "variable": variable.name,
            "question_id": variable.question_id or "",
            "type": variable.kind,
            "measure": variable.measure,
            "label_tr": variable.label.tr,
            "label_en": variable.label.en or variable.label.tr,
            "label_ar": variable.label.ar or "",
            "condition": variable.condition or "",
            "codes_tr": _codes(variable, "tr"),
            "codes_en": _codes(variable, "en"),
            "missing_codes": ", ".join(map(str, variable.missing)),
            "empty_means": f"{EMPTY_NOTE.tr} / {EMPTY_NOTE.en}" if answered else "",
            "option": variable.option or "",
        })
    return rows


def _codes(variable: Variable, lang: str) -> str:
    return "; ".join(f"{code}={getattr(text, lang) or text.tr}" for code, text in variable.codes)


def value_labels(variable: Variable) -> dict[int, str]:
    """SPSS value labels, Turkish then English in one label (SPSS holds one per value)."""
    return {code: _both(text) for code, text in variable.codes}


def variable_label(variable: Variable) -> str:
    return _both(variable.label)


def _both(text: Labels) -> str:
    return text.tr if not text.en or text.en == text.tr else f"{text.tr} / {text.en}"

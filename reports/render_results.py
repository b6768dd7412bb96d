"""Survey results as a plain-text table (Turkish) and as a JSON document with every figure
and flag; both read only the result model (reports.results, reports.drivers)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from reports import numbers
from reports.drivers import Driver
from reports.results import Cell, QuestionResult, Share, SurveyResults, VersionResult
from surveys.labels import Labels, label

LANG = "tr"
HIDDEN = "gizlendi"
TYPE_NAMES = {
    "likert5": "5 puanlık ölçek",
    "single": "tek seçim",
    "multiple": "çoklu seçim",
    "yes_no": "evet / hayır",
    "number": "sayı",
    "text": "serbest metin",
}


def results_document(results: SurveyResults, found: Sequence[Driver] = ()) -> dict[str, Any]:
    """Every figure and flag, labels in all three languages, shares and intervals in percent."""
    document: dict[str, Any] = _plain(results)  # a dataclass becomes a dict
    document["drivers"] = [_plain(driver) for driver in found]
    return document


def _plain(value: Any) -> Any:
    if isinstance(value, Labels):
        return value.model_dump()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {item.name: _plain(getattr(value, item.name)) for item in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def results_text(results: SurveyResults, found: Sequence[Driver] = (), centre_name: str | None = None) -> str:
    where = centre_name or results.centre or "tüm merkezler"
    lines = [
        f"{label(results.title, LANG)} ({results.survey_id}) — "
        f"{numbers.day(results.first)}–{numbers.day(results.last)}, {where}",
    ]
    if results.suppressed:
        lines.append("Yanıt: 5'ten az — anonim ankette 5'ten az yanıtın hiçbir sonucu gösterilmez.")
        return "\n".join(lines)
    versions = ", ".join(str(version) for version in results.versions) or "—"
    lines.append(f"Yanıt: {results.responses} (anket sürümü {versions}){' — anonim' if results.anonymous else ''}")
    lines.extend(
        f"Anket sürümü değişti: sürüm {change.version}, ilk yanıtı {numbers.day(change.first_day)}. "
        "Başka biçimde sorulan sorular sürüme göre ayrı sayılır."
        for change in results.changes
    )
    lines.append("n<30: küçük örneklem. 1–4 yanıtlı hücreler gizlenir; anonim ankette yanlarındakiler de.")
    for number, question in enumerate(results.questions, start=1):
        lines.append("")
        lines.extend(_question_lines(number, question))
        for other in question.by_version:
            lines.extend(_version_lines(other, f"{number}. soru sürüm {other.version}'de başka biçimde soruldu"))
    if results.retired:
        lines.extend(["", "Önceki sürümlerde sorulup artık sorulmayan sorular:"])
        for old in results.retired:
            lines.extend(_version_lines(old, f"Sürüm {old.version}"))
    if found:
        lines.append("")
        lines.extend(_driver_lines(found))
    return "\n".join(lines)


def _question_lines(number: int | None, question: QuestionResult) -> list[str]:
    prefix = "" if number is None else f"{number}. "
    lines = [f"{prefix}{label(question.label, LANG)} [{question.id}, {TYPE_NAMES[question.type]}]"]
    if question.condition:
        lines.append(f"   Yalnız koşulu tutanlara soruldu: {question.condition}")
    summary = f"   {'n<5' if question.n is None else f'n={question.n}'}"
    if question.suppressed:
        summary += f" — {HIDDEN} (5'ten az yanıt)"
    elif question.small_sample:
        summary += " (küçük örneklem)"
    if question.top2 is not None:
        summary += f"  memnun (ilk iki): {_share(question.top2)}"
    if question.yes is not None:
        summary += f"  evet: {_share(question.yes)}"
    if question.type == "likert5" and not question.suppressed:
        summary += f"  ortalama: {HIDDEN if question.mean is None else numbers.number(question.mean, LANG, 2)}"
    lines.append(summary)
    if question.numbers is not None:
        figures = question.numbers
        parts = [("en az", figures.minimum), ("1. çeyrek", figures.q1), ("ortanca", figures.median),
                 ("3. çeyrek", figures.q3), ("en çok", figures.maximum), ("ortalama", figures.mean)]
        lines.append("   " + "  ".join(f"{name}: {HIDDEN if value is None else numbers.number(value, LANG)}"
                                       for name, value in parts))
    width = max((len(label(cell.label, LANG)) for cell in question.cells), default=0)
    for cell in question.cells:
        lines.append(f"   {label(cell.label, LANG):<{width}}  {_count(cell)}")
    for side in (question.not_applicable, question.skipped):
        if side is not None:
            lines.append(f"   ({label(side.label, LANG)}: {_count(side, with_share=False)})")
    return lines


def _version_lines(found: VersionResult, heading: str) -> list[str]:
    """A question as one version asked it, under a heading naming the version."""
    return [f"   {heading}:", *(f"   {line}" for line in _question_lines(None, found.question))]


def _count(cell: Cell, with_share: bool = True) -> str:
    if cell.hidden or cell.count is None:
        return HIDDEN
    if not with_share or cell.share is None:
        return str(cell.count)
    return f"{cell.count:>5}  {numbers.percent(cell.share, LANG)}"


def _share(share: Share) -> str:
    low, high = share.ci95
    return (f"{numbers.percent(share.percent, LANG)} ({share.successes}/{share.n}, "
            f"%95 GA {numbers.percent(low, LANG)}–{numbers.percent(high, LANG)})")


def drivers_text(found: Sequence[Driver], centre_name: str) -> str:
    """One centre's differences from the city, for a reader who has the city's results."""
    return "\n".join([centre_name, *_driver_lines(found)]) if found else f"{centre_name}\n   —"


def _driver_lines(found: Sequence[Driver]) -> list[str]:
    lines = ["Kent geneliyle fark (merkez − kent, yüzde puan; gerçek: %95 aralıkları örtüşmüyor):"]
    for driver in found:
        verdict = "gerçek fark" if driver.real else "rastlantı olabilir"
        lines.append(
            f"   {driver.question_id:<16} {numbers.signed(driver.difference, LANG, 1):>7}  "
            f"merkez {_share(driver.centre)}  kent {_share(driver.city)}  — {verdict}"
        )
    return lines

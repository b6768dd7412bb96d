"""Survey statistics behind the percentage indicators.

Satisfaction is top-2-box on a 5-point scale and always travels with n and a 95% Wilson
interval: Wilson stays inside 0..1 and behaves at 0/n and n/n, where the textbook
normal interval collapses to zero width and overstates certainty on small samples.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from math import sqrt
from typing import NamedTuple

Z95 = 1.96
SMALL_SAMPLE_N = 30
MIN_CELL_N = 5


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """Wilson score interval as proportions; None when there are no answers."""
    if n == 0:
        return None
    if n < 0 or not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n, got {successes}/{n}")
    p = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


def share_percent(satisfied: int, n: int) -> float | None:
    return None if n == 0 else 100 * satisfied / n


def interval_percent(satisfied: int, n: int) -> tuple[float, float] | None:
    interval = wilson_interval(satisfied, n)
    return None if interval is None else (100 * interval[0], 100 * interval[1])


class Tally(NamedTuple):
    """Satisfied answers out of n for one breakdown cell, e.g. one centre."""

    key: str
    satisfied: int
    n: int


@dataclass(frozen=True)
class BreakdownCell:
    key: str
    n: int | None
    share: float | None
    ci95: tuple[float, float] | None
    suppressed: bool
    small_sample: bool
    # Hidden although it has 5 answers or more, so that a small cell beside it stays hidden.
    complement: bool = False


def hidden_cells(counts: Sequence[int], min_n: int = MIN_CELL_N, *, complementary: bool = False) -> set[int]:
    """The positions of the counts to hide in one group whose total is published.

    A count from 1 to `min_n` - 1 is hidden (an empty cell names nobody). With
    `complementary`, the smallest other counts, empty ones too, are hidden as well until the
    hidden ones hold `min_n` answers together or all are hidden, so that the total minus the
    counts shown does not give a small one back.
    """
    hidden = {index for index, count in enumerate(counts) if 0 < count < min_n}
    while complementary and hidden and len(hidden) < len(counts) and sum(counts[i] for i in hidden) < min_n:
        hidden.add(min((i for i in range(len(counts)) if i not in hidden), key=lambda i: (counts[i], i)))
    return hidden


def suppress_small(rows: Iterable[Tally], min_n: int = MIN_CELL_N, *, complementary: bool = False) -> list[BreakdownCell]:
    """Hide cells with fewer than `min_n` answers: share, interval and n itself.

    n is hidden too because "2 answers from centre X" already narrows down who answered
    a sensitive survey. With `complementary` (anonymous surveys), cells that are not small
    are hidden too, smallest first, until the hidden cells hold at least `min_n` answers
    together: otherwise the total minus the cells shown gives the hidden cell's answers,
    the one Arabic-speaking woman's among them (see `SUPPRESSION_NOTE`).
    """
    rows = list(rows)
    hidden = hidden_cells([row.n for row in rows], min_n, complementary=complementary)
    cells = []
    for index, (key, satisfied, n) in enumerate(rows):
        if index in hidden:
            cells.append(BreakdownCell(key, None, None, None, True, True, complement=n >= min_n))
        else:
            cells.append(
                BreakdownCell(
                    key=key,
                    n=n,
                    share=share_percent(satisfied, n),
                    ci95=interval_percent(satisfied, n),
                    suppressed=False,
                    small_sample=n < SMALL_SAMPLE_N,
                )
            )
    return cells


SUPPRESSION_NOTE = {
    "tr": (
        "5'ten az yanıtı olan kırılımlar (ör. merkez bazında) gizlenir; yanıt sayısı da "
        "'<5' olarak gösterilir. Toplam yanıt 5'ten azsa oranın kendisi de gösterilmez. "
        "Anonim anketlerde tamamlayıcı gizleme de uygulanır: gizli hücreler birlikte en az "
        "5 yanıt tutana kadar en küçük diğer hücreler de gizlenir, böylece gizli bir hücre "
        "toplamdan çıkarılarak bulunamaz. Diğer anketlerde uygulanmaz: orada gizlenen "
        "değer, adı bilinmeyen birkaç yanıtın oranıdır."
    ),
    "en": (
        "Breakdowns (e.g. by centre) with fewer than 5 answers are suppressed; their answer "
        "count is shown as '<5'. With fewer than 5 answers in all, the share itself is not "
        "shown either. For anonymous surveys complementary suppression is applied too: the "
        "smallest other cells are hidden until the hidden cells hold at least 5 answers "
        "together, so no hidden cell can be worked out from the total. Other surveys do not "
        "get it: there the hidden value is a share of a few answers of unnamed people."
    ),
    "ar": (
        "تُحجب التفصيلات (مثل كل مركز) التي تقل إجاباتها عن 5، ويظهر عدد إجاباتها '<5'. "
        "وإذا كان مجموع الإجابات أقل من 5 لا تُعرض النسبة نفسها. في الاستبيانات مجهولة "
        "الهوية يُطبَّق الحجب التكميلي أيضاً: تُحجب أصغر الخانات الأخرى حتى تضم الخانات "
        "المحجوبة معاً 5 إجابات على الأقل، فلا يمكن حساب خانة محجوبة من المجموع. ولا يُطبَّق "
        "في الاستبيانات الأخرى: فالقيمة المحجوبة هناك نسبة من إجابات قليلة لأشخاص غير مسمَّين."
    ),
}

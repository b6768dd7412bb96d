"""Survey statistics behind the percentage indicators.

Satisfaction is top-2-box on a 5-point scale and always travels with n and a 95% Wilson
interval: Wilson stays inside 0..1 and behaves at 0/n and n/n, where the textbook
normal interval collapses to zero width and overstates certainty on small samples.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from math import sqrt
from typing import NamedTuple

Z95 = 1.96
SMALL_SAMPLE_N = 30
MIN_CELL_N = 5
SCALE_POINTS = 5


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


def top2box(answers: Iterable[int], scale: int = SCALE_POINTS) -> tuple[int, int]:
    """(satisfied, n): answers in the top two points of the scale, out of all answers."""
    satisfied = n = 0
    for answer in answers:
        if isinstance(answer, bool) or not isinstance(answer, int) or not 1 <= answer <= scale:
            raise ValueError(f"answer {answer!r} is not on the 1..{scale} scale")
        n += 1
        satisfied += answer >= scale - 1
    return satisfied, n


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


def suppress_small(rows: Iterable[Tally], min_n: int = MIN_CELL_N) -> list[BreakdownCell]:
    """Hide cells with fewer than `min_n` answers: share, interval and n itself.

    n is hidden too because "2 answers from centre X" already narrows down who answered
    a sensitive survey. Complementary suppression is not applied (see `SUPPRESSION_NOTE`).
    """
    cells = []
    for key, satisfied, n in rows:
        if n < min_n:
            cells.append(BreakdownCell(key, None, None, None, True, True))
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
        "'<5' olarak gösterilir. Tamamlayıcı gizleme uygulanmaz: toplam ve diğer hücreler "
        "biliniyorsa gizli bir hücre hesapla bulunabilir. Bu kabul edilmiştir, çünkü "
        "yanıtlar anonimdir, raporlar yöneticiler içindir ve gizlenen değer bir "
        "kişinin yanıtı değil, birkaç yanıtın oranıdır."
    ),
    "en": (
        "Breakdowns (e.g. by centre) with fewer than 5 answers are suppressed; their answer "
        "count is shown as '<5'. Complementary suppression is not applied: when the total "
        "and the other cells are known, a suppressed cell can be worked out. This is "
        "accepted because answers are anonymous, reports are meant for managers, and the "
        "hidden value is a share of a few answers, not one person's answer."
    ),
    "ar": (
        "تُحجب التفصيلات (مثل كل مركز) التي تقل إجاباتها عن 5، ويظهر عدد إجاباتها '<5'. "
        "لا يُطبَّق الحجب التكميلي: إذا عُرف المجموع وباقي الخانات أمكن حساب الخانة "
        "المحجوبة. وهذا مقبول لأن الإجابات مجهولة الهوية، والتقارير مخصصة للمديرين، "
        "والقيمة المحجوبة نسبة من عدة إجابات لا إجابة شخص واحد."
    ),
}

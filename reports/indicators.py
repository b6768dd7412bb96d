"""Indicator actuals into achievement and Target 4.2 achievement: pure arithmetic.

Rules (also given to managers by `method_notes`):

* achievement = (actual − baseline) / (planned − baseline); an unset baseline is taken as
  0 for the arithmetic but stays unknown (`baseline` None, `baseline_known` False), so
  every output shows it as unknown with that rule beside it. It is shown uncapped, so
  over-achievement stays visible.
* contribution to the target, in percentage points, = weight × achievement clamped to
  0..1: above 100% counts as 100% ('over_achieved'), below 0 counts as 0
  ('negative_progress'), so one indicator can neither carry nor sink the others.
* An indicator with no planned value ('no_plan'), no data ('no_data') or planned equal
  to baseline ('planned_equals_baseline', achievement undefined) contributes 0 and is
  listed as not covered. Two figures are reported: `achievement`, over the full weight
  of 100, which is the plan's figure and never flatters missing data; and
  `achievement_of_covered`, over the weight of covered indicators only, which shows how
  the measured part is doing. Managers see both, side by side, with the indicators left
  out and why (`uncovered_reasons`).
* Unknown versus 0 (decided in reports.aggregate, the same for every indicator): an
  indicator whose source recorded anything in the year up to the day reported is known,
  0 if nothing of it counted; with nothing recorded it is unknown ('no_data').
* survey actual = 100 × satisfied / n, with n, a 95% Wilson interval, and a
  'small_sample' note when n < 30; n = 0 is 'no_data'. With fewer than 5 answers the
  share is not shown at all ('suppressed', n kept): 100% of one answer is that person's
  answer. Its achievement would give the share back, so it is not covered either.
* A survey's responses that skipped the scored question are outside n; their number is given
  beside it (`skipped`), hidden from 1 to 4 like every small count, so the base is plain.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from reports.plan import Indicator, Plan
from reports.stats import MIN_CELL_N, SMALL_SAMPLE_N, SUPPRESSION_NOTE, interval_percent, share_percent

# Notes that leave an indicator out of the covered weight, in the order they are named.
UNCOVERED_REASONS = ("no_plan", "no_data", "suppressed", "planned_equals_baseline")


@dataclass(frozen=True)
class CountInput:
    """A count or persons actual; None means nothing was entered for the period."""

    actual: float | None


@dataclass(frozen=True)
class SurveyInput:
    satisfied: int
    n: int
    skipped: int = 0  # responses without an answer to the scored question, outside n


Observed = CountInput | SurveyInput


@dataclass(frozen=True)
class IndicatorResult:
    code: str
    unit: str
    weight: int
    planned: float | None
    baseline: float | None  # None: not set; the arithmetic takes 0 (`baseline_used`)
    actual: float | None
    achievement: float | None
    contribution: float
    n: int | None
    ci95: tuple[float, float] | None
    small_sample: bool
    notes: tuple[str, ...]
    skipped: int | None = None  # a survey's responses that skipped the scored question; None for counts

    @property
    def skipped_hidden(self) -> bool:
        """A skip count from 1 to 4, hidden like every small count."""
        return self.skipped is not None and 0 < self.skipped < MIN_CELL_N

    @property
    def covered(self) -> bool:
        return self.achievement is not None

    @property
    def baseline_known(self) -> bool:
        return self.baseline is not None

    @property
    def baseline_used(self) -> float:
        """The baseline the achievement was computed from: 0 when none is set."""
        return 0.0 if self.baseline is None else self.baseline

    @property
    def uncovered_reasons(self) -> tuple[str, ...]:
        """Why the indicator adds nothing to the target (empty when it is covered)."""
        if self.covered:
            return ()
        return tuple(note for note in self.notes if note in UNCOVERED_REASONS)

    @property
    def suppressed(self) -> bool:
        """A share of fewer than 5 answers, hidden with everything derived from it."""
        return "suppressed" in self.notes


@dataclass(frozen=True)
class TargetResult:
    achievement: float
    achievement_of_covered: float | None
    contributions: Mapping[str, float]
    covered_weight: int
    uncovered: tuple[str, ...]
    notes: tuple[str, ...]
    # Each uncovered indicator with why it is left out, e.g. {"4.2.6": ("no_plan", "no_data")}.
    uncovered_reasons: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def achievement(actual: float, planned: float, baseline: float) -> float:
    """Share of the planned change from baseline that has happened; uncapped."""
    return (actual - baseline) / (planned - baseline)


def indicator_result(
    indicator: Indicator,
    planned: float | None,
    baseline: float | None,
    observed: Observed | None,
) -> IndicatorResult:
    n, ci95, actual = _actual(indicator, observed)
    base = baseline if baseline is not None else 0.0
    notes = []
    if planned is None:
        notes.append("no_plan")
    if n is not None and 0 < n < MIN_CELL_N:
        notes.append("suppressed")
    elif actual is None:
        notes.append("no_data")
    small = n is not None and MIN_CELL_N <= n < SMALL_SAMPLE_N
    if small:
        notes.append("small_sample")
    value = None
    if planned is not None and actual is not None:
        if planned == base:
            notes.append("planned_equals_baseline")
        else:
            value = achievement(actual, planned, base)
            if value > 1:
                notes.append("over_achieved")
            elif value < 0:
                notes.append("negative_progress")
    contribution = 0.0 if value is None else indicator.weight * min(max(value, 0.0), 1.0)
    return IndicatorResult(
        code=indicator.code,
        unit=indicator.unit,
        weight=indicator.weight,
        planned=planned,
        baseline=baseline,
        actual=actual,
        achievement=value,
        contribution=contribution,
        n=n,
        ci95=ci95,
        small_sample=small,
        notes=tuple(notes),
        skipped=_skipped(indicator, observed),
    )


def _skipped(indicator: Indicator, observed: Observed | None) -> int | None:
    if indicator.unit != "percent":
        return None
    return observed.skipped if isinstance(observed, SurveyInput) else 0


def _actual(
    indicator: Indicator, observed: Observed | None
) -> tuple[int | None, tuple[float, float] | None, float | None]:
    if indicator.unit == "percent":
        if observed is None:
            return 0, None, None
        if not isinstance(observed, SurveyInput):
            raise TypeError(f"indicator {indicator.code} is a survey: pass SurveyInput")
        if observed.n < MIN_CELL_N:
            return observed.n, None, None
        return (
            observed.n,
            interval_percent(observed.satisfied, observed.n),
            share_percent(observed.satisfied, observed.n),
        )
    if observed is None:
        return None, None, None
    if not isinstance(observed, CountInput):
        raise TypeError(f"indicator {indicator.code} is a count: pass CountInput")
    return None, None, observed.actual


def evaluate(
    plan: Plan, year: int, observed: Mapping[str, Observed]
) -> tuple[IndicatorResult, ...]:
    """Every indicator of the plan for one year; indicators missing from `observed` have no data."""
    unknown = set(observed) - {i.code for i in plan.indicators}
    if unknown:
        raise KeyError(f"unknown indicators: {sorted(unknown)}")
    return tuple(
        indicator_result(
            indicator,
            plan.planned(indicator.code, year),
            plan.baseline(indicator.code, year),
            observed.get(indicator.code),
        )
        for indicator in plan.indicators
    )


def target_result(results: Iterable[IndicatorResult]) -> TargetResult:
    results = tuple(results)
    contributions = {r.code: r.contribution for r in results}
    covered_weight = sum(r.weight for r in results if r.covered)
    total = sum(contributions.values())
    uncovered = tuple(r.code for r in results if not r.covered)
    notes: tuple[str, ...] = ()
    if covered_weight == 0:
        notes = ("no_coverage",)
    elif uncovered:
        notes = ("partial_coverage",)
    return TargetResult(
        achievement=total / 100,
        achievement_of_covered=total / covered_weight if covered_weight else None,
        contributions=contributions,
        covered_weight=covered_weight,
        uncovered=uncovered,
        notes=notes,
        uncovered_reasons={r.code: r.uncovered_reasons for r in results if not r.covered},
    )


_METHOD_NOTES = {
    "tr": (
        "Gösterge gerçekleşmesi = (gerçekleşen − başlangıç) / (hedeflenen − başlangıç). "
        "Girilmemiş bir başlangıç ya da hedef değeri bilinmiyor olarak gösterilir (metinde "
        "—, JSON'da null); gerçekleşme hesabında girilmemiş başlangıç 0 alınır ve bu kural "
        "değerin yanında yazılır.",
        "Veri yok ile 0 ayrımı her gösterge için aynıdır: göstergenin kaynağında yıl başından "
        "raporlanan güne kadar herhangi bir kayıt varsa (bir etkinlik — yapılmış, iptal "
        "edilmiş ya da planlanmış —, bir yoklama, bir personel girişi — geri alınmış olsa da "
        "—, bir üyelik başvurusu, bir anket yanıtı) gösterge bilinir ve sayılan bir şey "
        "yoksa 0'dır; hiçbir kayıt yoksa 'veri yok' (—) olur ve hesaba katılmaz.",
        "Gerçekleşme sınırlanmadan gösterilir (%100'ü aşabilir). Hedefe katkı ise "
        "ağırlık × gerçekleşme olup gerçekleşme %0 ile %100 arasına sınırlanır: %100'ün "
        "üstü %100, sıfırın altı (geriye gidiş) 0 sayılır ve not düşülür.",
        "Hedef 4.2 gerçekleşmesi = göstergelerin hedefe katkılarının toplamı (ağırlıklar "
        "toplamı 100). Hedef değeri girilmemiş, verisi olmayan, oranı gizlenen ya da "
        "hedeflenen değeri başlangıca eşit olan göstergeler 0 katkı verir ve nedeniyle "
        "birlikte ayrıca listelenir.",
        "Eksik veri sonucu gizlemesin diye ikinci bir oran da verilir: verisi olan "
        "göstergelerde gerçekleşme = katkılar toplamı / kapsanan ağırlık.",
        "Memnuniyet oranı = 5'li ölçekte 'memnunum' ya da 'çok memnunum' diyenlerin "
        "yüzdesi; her zaman yanıt sayısı (n) ve %95 Wilson güven aralığıyla verilir. "
        "n < 30 ise küçük örneklem olarak işaretlenir.",
        "Dönem değişimi = raporun döneminin (yılın içinde kalan kısmının) son günündeki yıl "
        "başından gerçekleşen − dönemin ilk gününden önceki günün sonundaki; sütun başlığı "
        "tarihleri ve neyle karşılaştırıldığını yazar. Dönem yılbaşında başlıyorsa "
        "karşılaştırma yıl başıyladır (sayılar 0'dan; yüzde göstergelerde değişim yoktur). "
        "Yüzde göstergelerde yüzde puanı olarak.",
        SUPPRESSION_NOTE["tr"],
    ),
    "en": (
        "Indicator achievement = (actual − baseline) / (planned − baseline). "
        "A baseline or planned value that has not been set is shown as unknown (— in text, "
        "null in JSON); for the achievement an unset baseline is taken as 0, and that rule "
        "is stated beside it.",
        "No data versus 0 is one rule for every indicator: if the indicator's source "
        "recorded anything from the start of the year to the day reported (an event — held, "
        "cancelled or planned —, attendance, a staff entry, even a withdrawn one, a "
        "membership application, a survey answer), the indicator is known and is 0 when "
        "nothing counted; with nothing recorded it is 'no data' (—) and is not covered.",
        "Achievement is shown uncapped (it can exceed 100%). The contribution to the "
        "target is weight × achievement with achievement limited to 0–100%: above 100% "
        "counts as 100%, below zero (going backwards) counts as 0 and is noted.",
        "Target 4.2 achievement = sum of the indicators' contributions (weights add up to "
        "100). Indicators with no planned value, no data, a hidden share or a planned value "
        "equal to the baseline contribute 0 and are listed with the reason.",
        "So that missing data does not hide the result, a second figure is given: "
        "achievement of covered indicators = sum of contributions / covered weight.",
        "Satisfaction = percentage answering 'satisfied' or 'very satisfied' on a 5-point "
        "scale, always with the number of answers (n) and a 95% Wilson interval. "
        "n < 30 is flagged as a small sample.",
        "Change over the period = year-to-date actual on the last day of the report's period "
        "(the part inside the year) − at the end of the day before its first day; the column "
        "header gives the dates and what it is compared with. A period starting on 1 January "
        "is compared with the start of the year (counts from 0; a percentage has no change). "
        "In percentage points for percentage indicators.",
        SUPPRESSION_NOTE["en"],
    ),
    "ar": (
        "نسبة إنجاز المؤشر = (الفعلي − خط الأساس) / (المستهدف − خط الأساس). "
        "تُعرض القيمة المستهدفة أو خط الأساس غير المحدَّد على أنها غير معروفة (— في النص، "
        "null في JSON)؛ وفي حساب الإنجاز يُعتبر خط الأساس غير المحدَّد 0، وتُكتب هذه القاعدة "
        "بجانبه.",
        "التمييز بين «لا بيانات» و0 قاعدة واحدة لكل المؤشرات: إذا سجّل مصدر المؤشر أي شيء من "
        "بداية العام حتى يوم التقرير (فعالية — أُقيمت أو أُلغيت أو خُطّط لها —، حضور، قيد من "
        "الموظفين ولو سُحب، طلب عضوية، إجابة استبيان) فالمؤشر معروف وقيمته 0 إذا لم يُحتسب "
        "شيء؛ وإذا لم يُسجَّل شيء فهو «لا بيانات» (—) ولا يدخل في الحساب.",
        "تُعرض نسبة الإنجاز دون حد أعلى (قد تتجاوز 100%). أما المساهمة في الهدف فهي "
        "الوزن × نسبة الإنجاز محصورة بين 0 و100%: ما فوق 100% يُحسب 100%، وما دون الصفر "
        "(التراجع) يُحسب 0 ويُشار إليه.",
        "إنجاز الهدف 4.2 = مجموع مساهمات المؤشرات (مجموع الأوزان 100). المؤشرات التي لا "
        "قيمة مستهدفة لها أو لا بيانات لها أو نسبتها محجوبة أو قيمتها المستهدفة تساوي خط "
        "الأساس تساهم بصفر وتُدرج في قائمة منفصلة مع السبب.",
        "كي لا تُخفي البيانات الناقصة النتيجة، يُعطى رقم ثانٍ: الإنجاز في المؤشرات "
        "المغطاة = مجموع المساهمات / الوزن المغطى.",
        "نسبة الرضا = نسبة من أجابوا 'راضٍ' أو 'راضٍ جداً' على مقياس من 5 درجات، مع عدد "
        "الإجابات (n) وفاصل ويلسون بثقة 95% دائماً. تُعلَّم العينة الصغيرة إذا كان n < 30.",
        "التغير خلال الفترة = الفعلي منذ بداية العام في آخر يوم من فترة التقرير (الجزء الواقع "
        "داخل العام) − في نهاية اليوم السابق لأول يوم فيها؛ يذكر عنوان العمود التواريخ وما "
        "تجري المقارنة به. الفترة التي تبدأ في 1 كانون الثاني تُقارن ببداية العام (الأعداد من "
        "0؛ ولا تغيّر للنسب). بالنقاط المئوية للمؤشرات النسبية.",
        SUPPRESSION_NOTE["ar"],
    ),
}


def method_notes(lang: str = "tr") -> tuple[str, ...]:
    """How the figures are computed, one paragraph per rule, for the workbook's Yöntem sheet."""
    return _METHOD_NOTES.get(lang, _METHOD_NOTES["en"])

from __future__ import annotations

import pytest
from report_sample import sample_report

from reports.model import ReportWarning
from reports.render_text import TELEGRAM_LIMIT, render_text


def test_turkish_summary_has_hand_computed_figures():
    text = render_text(sample_report())
    lines = text.splitlines()
    assert lines[0] == "Hedef 4.2 haftalık özet"
    assert lines[1] == "Dönem: 03.06.2024–09.06.2024 (yıl 2024)"
    assert lines[2] == "Oluşturma: 10.06.2024 08:00"
    # 54.4722 points of 100; 54.4722 / 86 = 63.34%
    assert "Hedef 4.2 gerçekleşmesi (yıl başından): %54,5" in lines
    assert "Verisi olan göstergelerde: %63,3 (kapsanan ağırlık 86/100)" in lines
    assert "4.2.2 Çocuk-genç etkinlikleri: +12 | 180 / 400 adet (%45,0)" in lines
    assert "4.2.3 Giyecek-kırtasiye yardımı: — | 1.400 / 1.000 kişi (%150,0)" in lines
    assert (
        "4.2.9 Engelli merkezi memnuniyeti: — | %83,3 / %85,0 (%88,9); n=12, %95 GA %55,2–%95,3"
        in lines
    )
    assert "4.2.5 Şiddetle mücadele memnuniyeti: +2,5 puan | %80,0 / %80,0 (%100,0); " \
           "n=50, %95 GA %67,0–%88,8" in lines
    assert "4.2.6 Kadın danışma merkezi: — | — / — adet" in lines
    assert "4.2.10 Sağlıklı yaş alma kursu: — | 5 / 20 adet (-%50,0)" in lines
    assert "• Veri yok: 4.2.6, 4.2.7" in lines
    assert "• Küçük örneklem (n<30): 4.2.9 (n=12)" in lines
    assert "• Başlangıç değerinin altında: 4.2.10" in lines


def test_english_and_arabic_use_their_labels_and_separators():
    english = render_text(sample_report(), "en")
    assert "Target 4.2 achievement (year to date): 54.5%" in english
    assert "4.2.3 Clothing & stationery aid: — | 1,400 / 1,000 persons (150.0%)" in english
    arabic = render_text(sample_report(), "ar")
    assert "إنجاز الهدف 4.2 (منذ بداية العام): 54.5%" in arabic
    assert "تنبيهات" in arabic


@pytest.mark.parametrize("lang", ["tr", "en", "ar"])
def test_summary_fits_one_telegram_message(lang):
    assert len(render_text(sample_report(), lang)) <= TELEGRAM_LIMIT


def test_many_warnings_are_folded_to_stay_under_the_limit():
    extra = tuple(
        ReportWarning("missing_attendance", centre=f"Merkez numarası {i} (uzun bir ad)", count=i)
        for i in range(300)
    )
    text = render_text(sample_report(extra))
    assert len(text) <= TELEGRAM_LIMIT
    last = text.splitlines()[-1]
    assert last.startswith("… ve ") and last.endswith("uyarı daha (Excel dosyasına bakın)")
    shown = sum(line.startswith("• ") for line in text.splitlines())
    hidden = int(last.split()[2])
    assert shown + hidden == 6 + 300

from __future__ import annotations

from datetime import datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook
from report_sample import COVERED_ACHIEVEMENT, TARGET_ACHIEVEMENT, sample_report

from reports.render_xlsx import render_xlsx


@pytest.fixture(scope="module")
def book():
    return load_workbook(BytesIO(render_xlsx(sample_report())))


def test_sheets_are_named_in_turkish(book):
    assert book.sheetnames == [
        "Özet", "Göstergeler", "Memnuniyet", "Etkinlikler", "İnceleme", "Yorumlar", "Yanıt oranları", "Yöntem",
    ]


def test_summary_has_real_dates_and_both_achievement_figures(book):
    sheet = book["Özet"]
    assert sheet["B2"].value == datetime(2024, 6, 3)
    assert sheet["B2"].number_format == "dd.mm.yyyy"
    assert sheet["B5"].value == datetime(2024, 6, 10, 8, 0)
    assert sheet["A6"].value == "Hedef gerçekleşmesi (yıl başından)"
    assert sheet["B6"].value == pytest.approx(TARGET_ACHIEVEMENT)
    assert sheet["B6"].number_format == "0.0%"
    assert sheet["B7"].value == pytest.approx(COVERED_ACHIEVEMENT)
    assert sheet["B8"].value == pytest.approx(0.86)
    assert sheet["B9"].value == "4.2.6, 4.2.7"
    assert (sheet["A10"].value, sheet["B10"].value) == ("Saatler", "yerel saat, UTC+03:00")  # cells carry no zone


def test_indicator_table_holds_hand_computed_numbers(book):
    sheet = book["Göstergeler"]
    header = [cell.value for cell in sheet[1]]
    assert header[:10] == [
        "Kod", "Gösterge", "Birim", "Ağırlık", "Başlangıç", "Hedeflenen", "Gerçekleşen",
        "03.06.2024–09.06.2024 değişimi (02.06.2024 sonuna göre)", "Gerçekleşme", "Hedefe katkı",
    ]
    row = {cell.column_letter: cell for cell in sheet[4]}  # 4.2.3
    assert row["A"].value == "4.2.3"
    assert row["B"].value == "Giyecek ve Kırtasiye Yardımı Yapılacak Öğrenci Sayısı"
    assert (row["E"].value, row["F"].value, row["G"].value) == (200, 1000, 1400)
    assert row["G"].number_format == "#,##0"
    assert row["I"].value == pytest.approx(1.5)  # uncapped
    assert row["J"].value == pytest.approx(0.07)  # 7 points, capped
    assert row["O"].value == "hedef aşıldı"
    survey = {cell.column_letter: cell for cell in sheet[10]}  # 4.2.9
    assert survey["A"].value == "4.2.9"
    assert survey["G"].value == pytest.approx(10 / 12)
    assert survey["G"].number_format == "0.0%"
    assert survey["K"].value == 12
    assert survey["L"].value == 0  # none skipped the overall question, said beside n
    assert survey["M"].value == pytest.approx(0.5520, abs=1e-4)
    assert survey["N"].value == pytest.approx(0.9530, abs=1e-4)
    assert survey["J"].value == pytest.approx(7 * (40 / 3) / 15 / 100)
    total = {cell.column_letter: cell for cell in sheet[13]}
    assert total["A"].value == "Toplam"
    assert total["D"].value == pytest.approx(1.0)
    assert total["J"].value == pytest.approx(TARGET_ACHIEVEMENT)


def test_tables_have_frozen_headers_and_filters(book):
    sheet = book["Göstergeler"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:U12"
    assert sheet["A1"].font.bold
    assert sheet.column_dimensions["B"].width == 60


def test_satisfaction_hides_small_cells(book):
    sheet = book["Memnuniyet"]
    bornova = [cell.value for cell in sheet[2]]
    buca = [cell.value for cell in sheet[3]]
    assert bornova[:5] == ["4.2.9", "Bornova Engelli Hizmet Merkezi", "Merkez", 8, 0.75]
    assert bornova[7] == "Hayır"
    assert buca == ["4.2.9", "Buca Engelli Hizmet Merkezi", "Merkez", "<5", None, None, None, "Evet", "Hayır"]


def test_events_have_date_cells_and_attendance_rate(book):
    sheet = book["Etkinlikler"]
    assert sheet["A2"].value == datetime(2024, 6, 4)
    assert sheet["A2"].number_format == "dd.mm.yyyy"
    assert sheet["H2"].value == pytest.approx(0.72)  # 18 / 25
    assert sheet["H3"].value is None  # no registration for a story hour


def test_drilldown_shows_who_entered_what_and_when(book):
    sheet = book["İnceleme"]
    assert [cell.value for cell in sheet[2]] == [
        "4.2.1", "milestone", "m-1", datetime(2024, 5, 2, 10, 30), "Torbalı Gençlik Merkezi",
        "Ayşe Yılmaz", None, 1, "İskan belgesi alındı", None, None, None,
    ]
    assert sheet["D2"].number_format == "dd.mm.yyyy hh:mm"
    assert sheet["G4"].value == "3"  # under 4.2.1's row, the sum of its contributions


def test_method_sheet_explains_missing_data(book):
    text = " ".join(str(cell.value) for cell in book["Yöntem"]["A"])
    assert "0 katkı" in text
    assert "Wilson" in text


def test_english_workbook_uses_english_labels():
    english = load_workbook(BytesIO(render_xlsx(sample_report(), "en")))
    assert english.sheetnames[0] == "Summary"
    assert english["Indicators"]["O4"].value == "over-achieved"

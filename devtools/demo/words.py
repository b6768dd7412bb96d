"""Everything the demo prints, in Turkish, English and Arabic: one run speaks one language from
its first heading to its last line (`kentbot-demo --lang`)."""

from __future__ import annotations

LANGS = ("tr", "en", "ar")

# The numbered steps: the demo's test checks that no other language's heading appears.
HEADINGS = ("title", "reference", "database", "emulator", "citizens", "staff", "target", "satisfaction", "weekly")

WORDS: dict[str, dict[str, str]] = {
    "tr": {
        "title": "kentbot tanıtımı",
        "reference": "1. Başvuru verileri",
        "plan_ok": "  ✓ plan: Hedef {code}, {count} gösterge, ağırlıkların toplamı %{weights}",
        "centres_ok": "  ✓ merkezler: {districts} ilçede {count} merkez",
        "survey_ok": "  ✓ anket {id} s{version}: {questions} soru, {anonymity}, beslediği gösterge {indicator}",
        "anonymous": "anonim", "pseudonymous": "takma adlı", "identified": "kimlikli",
        "database": "2. Veritabanı: {path} (yeni, şeması güncel)",
        "emulator": "3. Bot API öykünücüsü {url}; bot süreci {pid} (günlük: {log})",
        "answering": "vatandaşlar yanıtlıyor",
        "citizens": "4. {count} sanal vatandaş (tr, en, ar) {seconds} sn içinde {completed} anket tamamladı",
        "staff": "5. 1 Ocak'tan bu yana personel işi, personel hizmetleri üzerinden ({seconds} sn):",
        "staff_members": "davetle katılan {members} personel hesabı (yönetici, müdür, merkez personeli)",
        "staff_events": (
            "yapılan etkinlikler: {youth} çocuk-genç, {gender} toplumsal cinsiyet eşitliği eğitimi, {women} kadın, "
            "{disability} engelli, {ageing} sağlıklı yaşlanma kursu; {upcoming} yaklaşan, {cancelled} iptal"
        ),
        "staff_people": "{registrations} kayıt, {attendance} katılım kaydı, engelli etkinliklerinde {disabled} farklı kişi",
        "staff_aid": "{students} öğrenciye yardım ({repeats} tekrar reddedildi, {corrections} düzeltme)",
        "staff_built": "tamamlanan merkezler: {youth} gençlik, {women} kadın",
        "staff_members_alzheimer": "Alzheimer merkezi üyeleri: {approved} onaylandı, {declined} reddedildi, {pending} bekliyor",
        "target": "6. Hedef 4.2, {year} (demonun koyduğu örnek hedef değerleri, denetim kaydıyla)",
        "satisfaction": "Memnuniyet (en üst iki kutu: memnun ya da çok memnun), n ve %95 Wilson aralığıyla:",
        "share_line": "  {code} {name}: n = {n} içinde {share}{interval}",
        "interval": ", %95 GA {low}–{high}",
        "hidden": "gizlendi (5'ten az yanıt)",
        "no_answers": "yanıt yok",
        "weekly": "7. Haftalık rapor ({start}–{end}) yazıldı:",
        "text": "metin", "png": "grafik (PNG)", "xlsx": "çalışma kitabı (XLSX)",
        "items": "madde puanları grafiği, {survey} (PNG)",
        "bot_stopped": "bot süreci {code} çıkış koduyla durdu",
        "not_polling": "bot süreci 30 sn içinde güncelleme almaya başlamadı",
    },
    "en": {
        "title": "kentbot demo",
        "reference": "1. Reference data",
        "plan_ok": "  ✓ plan: Target {code}, {count} indicators, weights add up to {weights}%",
        "centres_ok": "  ✓ centres: {count} in {districts} districts",
        "survey_ok": "  ✓ survey {id} v{version}: {questions} questions, {anonymity}, feeds {indicator}",
        "anonymous": "anonymous", "pseudonymous": "pseudonymous", "identified": "identified",
        "database": "2. Database: {path} (fresh, migrated)",
        "emulator": "3. Bot API emulator at {url}; bot process {pid} (log: {log})",
        "answering": "citizens answering",
        "citizens": "4. {count} simulated citizens (tr, en, ar) completed {completed} surveys in {seconds} s",
        "staff": "5. Simulated staff work since 1 January, through the staff services ({seconds} s):",
        "staff_members": "{members} staff accounts (admin, manager, centre staff), joined by invite",
        "staff_events": (
            "events held: {youth} children & youth, {gender} gender-equality trainings, {women} women's, "
            "{disability} disability, {ageing} healthy-ageing courses; {upcoming} upcoming, {cancelled} cancelled"
        ),
        "staff_people": "{registrations} registrations, {attendance} attendance records, {disabled} distinct people at disability activities",
        "staff_aid": "aid to {students} students ({repeats} repeats refused, {corrections} correction)",
        "staff_built": "centres completed: {youth} youth, {women} women's",
        "staff_members_alzheimer": "Alzheimer centre members: {approved} approved, {declined} declined, {pending} pending",
        "target": "6. Target 4.2, {year} (illustrative planned values set by the demo, audited)",
        "satisfaction": "Satisfaction (top-2-box: satisfied or very satisfied), with n and 95% Wilson interval:",
        "share_line": "  {code} {name}: {share} of n = {n}{interval}",
        "interval": ", 95% CI {low} to {high}",
        "hidden": "hidden (fewer than 5 answers)",
        "no_answers": "no answers",
        "weekly": "7. Weekly report ({start}–{end}) written:",
        "text": "text", "png": "chart (PNG)", "xlsx": "workbook (XLSX)",
        "items": "item scores chart, {survey} (PNG)",
        "bot_stopped": "the bot process stopped with exit code {code}",
        "not_polling": "the bot process did not start polling within 30 s",
    },
    "ar": {
        "title": "عرض kentbot التجريبي",
        "reference": "1. البيانات المرجعية",
        "plan_ok": "  ✓ الخطة: الهدف {code}، {count} مؤشرًا، مجموع الأوزان {weights}%",
        "centres_ok": "  ✓ المراكز: {count} في {districts} منطقة",
        "survey_ok": "  ✓ الاستبيان {id} الإصدار {version}: {questions} أسئلة، {anonymity}، يغذي المؤشر {indicator}",
        "anonymous": "مجهول الهوية", "pseudonymous": "باسم مستعار", "identified": "بهوية معروفة",
        "database": "2. قاعدة البيانات: {path} (جديدة، بمخطط محدَّث)",
        "emulator": "3. محاكي Bot API على {url}؛ عملية البوت {pid} (السجل: {log})",
        "answering": "المواطنون يجيبون",
        "citizens": "4. أكمل {count} مواطنًا افتراضيًا (tr، en، ar) {completed} استبيانًا في {seconds} ث",
        "staff": "5. عمل الموظفين المحاكى منذ 1 يناير، عبر خدمات الموظفين ({seconds} ث):",
        "staff_members": "{members} حسابات موظفين (مشرف، مدير، موظفو المراكز) انضموا بدعوة",
        "staff_events": (
            "الفعاليات المقامة: {youth} للأطفال والشباب، {gender} تدريبات المساواة بين الجنسين، {women} للنساء، "
            "{disability} لذوي الإعاقة، {ageing} دورات الشيخوخة الصحية؛ {upcoming} قادمة، {cancelled} ملغاة"
        ),
        "staff_people": "{registrations} تسجيلات، {attendance} سجلات حضور، {disabled} أشخاص مختلفين في أنشطة ذوي الإعاقة",
        "staff_aid": "مساعدات لـ {students} طالبًا (رُفض {repeats} تكرارًا، {corrections} تصحيح)",
        "staff_built": "المراكز المكتملة: {youth} للشباب، {women} للنساء",
        "staff_members_alzheimer": "أعضاء مركز ألزهايمر: {approved} مقبول، {declined} مرفوض، {pending} قيد الانتظار",
        "target": "6. الهدف 4.2، {year} (قيم مستهدفة توضيحية وضعها العرض، مع سجل تدقيق)",
        "satisfaction": "الرضا (أعلى خانتين: راضٍ أو راضٍ جدًا)، مع n وفاصل ويلسون 95%:",
        "share_line": "  {code} {name}: {share} من n = {n}{interval}",
        "interval": "، فاصل ثقة 95% {low}–{high}",
        "hidden": "مخفي (أقل من 5 إجابات)",
        "no_answers": "لا إجابات",
        "weekly": "7. كُتب التقرير الأسبوعي ({start}–{end}):",
        "text": "نص", "png": "رسم بياني (PNG)", "xlsx": "مصنف (XLSX)",
        "items": "رسم درجات البنود، {survey} (PNG)",
        "bot_stopped": "توقفت عملية البوت برمز الخروج {code}",
        "not_polling": "لم تبدأ عملية البوت باستقبال التحديثات خلال 30 ث",
    },
}


def say(key: str, lang: str, **values: object) -> str:
    """The demo's text `key` in `lang`, filled with `values`."""
    text = WORDS[lang][key]
    return text.format(**values) if values else text

# Eskalatsiya (uzaytirish, qo'ng'iroq, bog'lanildi), paneldagi nazorat, qolgan vaqt.

## Qolgan vaqt (bot/durations.py): ikki katta birlik, daqiqagacha.
time-minutes = { $count ->
    [one] { $count } daqiqa
   *[other] { $count } daqiqa
}
time-hours = { $count ->
    [one] { $count } soat
   *[other] { $count } soat
}
time-days = { $count ->
    [one] { $count } kun
   *[other] { $count } kun
}
time-under-minute = bir daqiqadan kam
time-pair = { $major } { $minor }
time-left = { $duration } qoldi
time-overdue = { $duration } kechikdi
time-deadline = { $due } · { $left }

## Kartalar: muddat o'tgan.
card-accept-late = ⚠️ Ijrochi arizani olishi kerak bo'lgan muddat: { $due }
card-complete-late = ⚠️ Bajarish muddati o'tdi: { $due }

## Eskalatsiya kartasi tugmalari (tugmalarning o'zi deadlines.ftl da).
escalation-extended = ⏩ Ariza { $number }: yangi muddat { $due }.
escalation-extended-note = ⏩ { $name } muddatni { $due } gacha uzaytirdi.
escalation-call = 📞 { $name }: { $phone }
escalation-call-message =
    📞 Ariza { $number } bo'yicha aholi: { $name }
    Telefon: { $phone }
escalation-no-phone = Aholi telefon raqamini kiritmagan.
escalation-contacted = ☑️ Yozib qo'yildi: aholi bilan bog'lanildi.
escalation-contacted-note = ☑️ { $name } aholi bilan bog'landi ({ $at }).

## Paneldagi nazorat.
escalation-follow-up-item = { $number } · { $reason } · { $address }
escalation-follow-up-line = • { $number }: { $reason }, { $due } gacha ({ $left })
escalation-follow-up-card = 📌 Nazoratda: { $reason }, { $due } gacha ({ $left })
escalation-btn-close-follow-up = ✅ Nazoratdan olish
escalation-ask-follow-up-comment = Ariza { $number } ({ $reason }): nazoratdan olish uchun nima qilinganini yozing.
escalation-follow-up-closed = ✅ Ariza { $number } nazoratdan olindi.

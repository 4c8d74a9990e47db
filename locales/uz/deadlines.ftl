# Muddatlar: eslatmalar, eskalatsiyalar, avtomatik qabul, tahlillar (rejalashtiruvchi yuboradi).

sla-phase-accept = arizani qabul qilish
sla-phase-complete = ishni bajarish

sla-reminder-accept =
    ⏰ Eslatma: { $number } ariza ({ $category }, { $address }) { $due } gacha qabul qilinishi kerak.
    Iltimos, uni qabul qiling yoki rad eting.
sla-reminder-complete =
    ⏰ Eslatma: { $number } ariza ({ $category }, { $address }) bo'yicha ish { $due } gacha tugashi kerak.
sla-reminder-unassigned =
    ⏰ { $number } arizaning ({ $category }, { $urgency }, { $address }) hali ijrochisi yo'q.
    U { $due } gacha qabul qilinishi kerak.
sla-escalation =
    🔴 Muddati o'tdi: { $number } ariza ({ $category }, { $urgency })
    Manzil: { $address }
    Ijrochi: { $executor }
    { $phase } muddati { $due } da tugadi.
sla-escalation-critical =
    🆘 Muddati ancha o'tdi: { $number } ariza ({ $category }, { $urgency })
    Manzil: { $address }
    Ijrochi: { $executor }
    { $phase } muddati { $due } da tugadi va yana yarim muddat o'tdi.

sla-btn-reassign = 🔁 Qayta tayinlash
sla-btn-extend-2h = ⏩ +2 soat
sla-btn-extend-1d = ⏩ +1 kun
sla-btn-call = 📞 Aholiga qo'ng'iroq
sla-btn-contacted = ☑️ Aholi bilan bog'lanildi
sla-btn-open-job = 🛠 Vazifani ochish

sla-extended-executor = ⏩ { $number } ariza muddati { $due } gacha uzaytirildi.
sla-error-nothing-to-extend = Bu arizada uzaytiriladigan muddat yo'q.

auto-accept-reminder =
    ⏳ { $number } ariza bajarildi va javobingizni kutmoqda.
    Javob bermasangiz, u { $at } da avtomatik qabul qilinadi.

follow-up-reason-low_rating = past baho
follow-up-reason-returned = aholi ishni qaytardi
follow-up-overdue =
    📌 { $number } ariza tahlili ({ $reason }) { $due } gacha tugashi kerak edi, u hali ochiq.
follow-up-error-comment-required = Tahlilni yopish uchun nima qilinganini yozing.
follow-up-error-none-open = Bu arizada ochiq tahlil yo'q.

# Administrator sozlamalari: muddatlar (SLA), ish vaqti va kunlari, bayramlar, sokin soatlar.

menu-settings = ⚙️ Sozlamalar

settings-title = ⚙️ Sozlamalar
settings-sla-hint = ⏱ Toifalar bo'yicha muddatlar (SLA): quyida toifani tanlang.
settings-line-business = 🕘 Ish vaqti: { $start }–{ $end }
settings-line-weekdays = 📅 Ish kunlari: { $days }
settings-line-holidays = 🎉 Bayram kunlari: { $count }
settings-line-quiet = 🌙 Sokin soatlar (favqulodda holatlardan tashqari eslatmalar yuborilmaydi): { $value }
settings-line-auto-accept = ⏳ Bajarilgan ish { $hours } soatdan keyin avtomatik qabul qilinadi; aholiga { $reminder } soat oldin eslatiladi.
settings-line-follow-up = 📞 Past baho yoki qaytarilgan ish { $hours } soat ichida ko'rib chiqiladi.
settings-quiet-none = o'chirilgan

settings-btn-category = ⏱ { $category }
settings-btn-business = 🕘 Ish vaqti
settings-btn-weekdays = 📅 Ish kunlari
settings-btn-holidays = 🎉 Bayramlar
settings-btn-quiet = 🌙 Sokin soatlar
settings-btn-auto-accept = ⏳ Avtomatik qabul
settings-btn-reminder = 🔔 Undan oldin eslatma
settings-btn-follow-up = 📞 Ko'rib chiqish muddati
settings-btn-back = ◀️ Sozlamalarga
settings-btn-cancel = ✖️ Bekor qilish
settings-btn-quiet-off = 🔕 Sokin soatlarni o'chirish

settings-unit-days = { $n } kun
settings-unit-hours = { $n } soat
settings-unit-minutes = { $n } daq

settings-sla-title = ⏱ Muddatlar: { $category }
settings-sla-row = { $icon } { $urgency }: { $accept } ichida qabul qilish, { $complete } ichida bajarish ({ $mode })
settings-sla-changed = ✏️ o'zgartirilgan
settings-mode-business = ish soatlari
settings-mode-calendar = kecha kunduz
settings-sla-note = Ish soatlarida faqat ish kunlaridagi ish vaqti hisoblanadi. Muddatni o'zgartirish uchun tugmani bosing; «standart» odatiy muddatni qaytaradi.
settings-btn-accept = { $urgency }: ⏱ qabul qilish
settings-btn-complete = { $urgency }: ✅ bajarish
settings-btn-business-on = { $urgency }: 🕘 ish soatlari ✅
settings-btn-business-off = { $urgency }: 🕘 ish soatlari ⬜
settings-btn-reset = { $urgency }: ↩️ standart

settings-weekday-0 = Du
settings-weekday-1 = Se
settings-weekday-2 = Ch
settings-weekday-3 = Pa
settings-weekday-4 = Ju
settings-weekday-5 = Sh
settings-weekday-6 = Ya
settings-weekdays-title = 📅 Ish kunlari. Kunni yoqish yoki o'chirish uchun uni bosing; kamida bittasi qolishi kerak.
settings-btn-day-on = ✅ { $day }
settings-btn-day-off = ⬜ { $day }

settings-holidays-title = 🎉 Bayramlar (haftalik dam olish kunlaridan tashqari):
settings-holidays-empty = Hozircha bayramlar yo'q.
settings-holiday-line = • { $date }
settings-btn-holiday-remove = 🗑 { $date }
settings-btn-holiday-add = ➕ Bayram qo'shish
settings-holiday-added = Bayram qo'shildi.
settings-holiday-removed = Bayram o'chirildi.

settings-ask-accept = «{ $category }» / «{ $urgency }» arizasini qabul qilish muddatini yuboring, masalan 30m, 4h, 3d yoki 1h30m (30 daq, 4 soat, 3 kun ham bo'ladi). Hozir: { $current }.
settings-ask-complete = «{ $category }» / «{ $urgency }» arizasini bajarish muddatini yuboring, masalan 30m, 4h, 3d yoki 1h30m (30 daq, 4 soat, 3 kun ham bo'ladi). Hozir: { $current }.
settings-ask-business-note = Bu muddat ish soatlarida hisoblanadi: 1 kun bitta ish kuni ({ $day }).
settings-ask-business-hours = Ish kunini ikki vaqt bilan yuboring, masalan 09:00-18:00. Hozir: { $start }–{ $end }.
settings-ask-quiet = Sokin soatlarni ikki vaqt bilan yuboring, masalan 22:00-08:00 (yarim tundan o'tishi mumkin). Bir xil vaqt ikki marta yozilsa, ular o'chiriladi. Hozir: { $current }.
settings-ask-holiday = Bayram sanasini KK.OO.YYYY yoki YYYY-OO-KK ko'rinishida yuboring, masalan 08.12.2026.
settings-ask-auto-accept = Aholi javob bermasa, bajarilgan ish necha soatdan keyin avtomatik qabul qilinishini yuboring ({ $min } dan { $max } gacha). Hozir: { $current }.
settings-ask-reminder = Avtomatik qabuldan necha soat oldin aholiga eslatilishini yuboring (1 dan { $max } gacha). Hozir: { $current }.
settings-ask-follow-up = Menejer past baho yoki qaytarilgan ishni necha soat ichida ko'rib chiqishi kerakligini yuboring ({ $min } dan { $max } gacha). Hozir: { $current }.
settings-text-hint = Qiymatni matn sifatida yuboring yoki «Bekor qilish» tugmasini bosing.
settings-saved = Saqlandi.
settings-nothing-changed = Hech narsa o'zgarmadi.

settings-error-admins-only = Sozlamalarni faqat administrator o'zgartira oladi.
settings-error-duration = Bu muddat emas. Masalan, 30m, 4h, 3d yoki 1h30m deb yozing.
settings-error-duration-range = Muddat 1 daqiqadan { $max } kungacha bo'lishi kerak.
settings-error-accept-after-complete = Qabul qilish muddati bajarish muddatidan uzun bo'lishi mumkin emas.
settings-error-time-range = Ikki vaqtni SS:DD ko'rinishida yozing, masalan 09:00-18:00.
settings-error-business-order = Ish kuni tugashidan oldin boshlanishi kerak.
settings-error-last-weekday = Kamida bitta ish kuni qolishi kerak.
settings-error-date = Bu sana emas. Uni KK.OO.YYYY yoki YYYY-OO-KK ko'rinishida yozing, masalan 08.12.2026.
settings-error-holiday-exists = Bu kun allaqachon bayram.
settings-error-too-many-holidays = Bayramlar allaqachon { $max } ta. Avval eskilarini o'chiring.
settings-error-hours = { $min } dan { $max } gacha butun soat sonini yuboring.
settings-error-reminder = Eslatma butun soatlarda bo'lishi kerak: kamida 1 va avtomatik qabul muddatidan ({ $delay } soat) kam.
settings-error-delay-below-reminder = Avtomatik qabul muddati eslatmadan ({ $reminder } soat) uzun bo'lishi kerak. Avval eslatmani qisqartiring.
settings-error-outdated = Sozlamalar o'zgardi. Ularni qaytadan oching.

# Menejer ish joyi: panel, navbatlar, qidiruv, ariza kartasi, inline rejim.

menu-panel = 🗂 Panel
cmd-panel = Menejer paneli: arizalar navbatlari
cmd-find = Arizani raqam, telefon, xonadon yoki manzil bo'yicha topish

desk-panel-title = 🗂 Menejer paneli. Navbatni tanlang:
desk-queue-button = { $name }: { $count }
desk-queue-new = 🆕 Yangi
desk-queue-unassigned = 👤 Ijrochisiz
desk-queue-overdue = ⏰ Muddati o'tgan
desk-queue-in_progress = 🔧 Bajarilmoqda
desk-queue-waiting = ⏳ Aholini kutmoqda
desk-queue-returned = ↩️ Qaytarilgan
desk-queue-low_rated = 📌 Nazoratda
desk-queue-verification = 🏠 Aholini tekshirish
desk-queue-title = { $name }: { $total }. Sahifa { $page } / { $pages }
desk-queue-empty = { $name }: bo'sh.
desk-item = { $number } · { $status } · { $category } · { $address }
desk-item-apartment = { $address }, { $apartment }-xonadon
desk-link-line = • { $name } — { $address }, { $apartment }-xonadon
desk-btn-approve = ✅ { $apartment }-xonadonni tasdiqlash
desk-btn-verify-reject = ❌ Rad etish
desk-btn-panel = 🗂 Panel
desk-btn-search = 🔎 Qidiruv

desk-ask-search = Ariza raqamini (yoki uning boshini), telefon raqamini, xonadon raqamini yoki manzilning bir qismini yuboring.
desk-search-empty = «{ $query }» bo'yicha hech narsa topilmadi.
desk-search-found = «{ $query }» bo'yicha topildi: { $count }

desk-card-author = 👤 Yashovchi: { $name }, { $phone }
desk-btn-assign = 👷 Tayinlash
desk-btn-reassign = 🔁 Qayta tayinlash
desk-btn-confirm = ✅ Bajarilganini tasdiqlash
desk-btn-close = 🔒 Yashovchi nomidan yopish
desk-btn-hold = ⏸ To'xtatib turish
desk-btn-resume = ▶️ Davom ettirish
desk-btn-category = 🏷 Toifa
desk-btn-urgency = 🚨 Shoshilinchlik
desk-btn-reject = 🚫 Rad etish
desk-btn-duplicate = 🔗 Takroriy…
desk-btn-comment = 🔒 Ichki izoh
desk-btn-media = 🖼 Fayllarni ko'rsatish ({ $count })
desk-btn-back = ◀️ Orqaga
desk-btn-abort = ✖️ Bekor qilish
desk-btn-open = 📂 Ochish
desk-nothing-changed = Hech narsa o'zgarmadi.
desk-done = Tayyor.
desk-no-media = Bu arizada fayllar yo'q.
desk-media-sent = Yuborilgan fayllar: { $count }
desk-text-hint = Javobni matn bilan yuboring yoki «Bekor qilish»ni bosing.

desk-picker-title = 👷 { $number } arizasi uchun ijrochi (sahifa { $page } / { $pages }):
desk-picker-empty = Faol ijrochilar yo'q.
desk-picker-line = { $index }. { $name } — { $reason }
desk-picker-button = { $index }. { $name }
desk-assigned = Tayinlandi: { $name }

assign-reason-specialization = { $specialization }
assign-reason-no-specialization = boshqa mutaxassislik
assign-reason-on-duty = navbatchilikda
assign-reason-off-duty = navbatchilikda emas
assign-reason-open-jobs = { $count ->
    [one] bitta ochiq ish
   *[other] { $count } ta ochiq ish
}
assign-reason-distance = { $km } km
assign-reason-rating = reyting { $rating }

desk-ask-category = { $number } arizasi uchun yangi toifa:
desk-ask-urgency = { $number } arizasi uchun yangi shoshilinchlik:
desk-ask-hold = { $number } arizasi nima sababdan to'xtatildi?
desk-ask-hold-comment = { $number } arizasi nima uchun to'xtatilganini yozing:
desk-ask-reject = { $number } arizasini rad etish sababi: shablonni tanlang yoki o'zingiz yozing.
desk-reject-tpl-1 = Boshqaruv kompaniyasining vazifasiga kirmaydi
desk-reject-tpl-2 = Takroriy ariza
desk-reject-tpl-3 = Bajarish uchun ma'lumot yetarli emas
desk-reject-tpl-4 = Ishlar boshqaruv kompaniyasi tomonidan rejalashtirilgan
desk-ask-comment = { $number } arizasiga ichki izoh (uni faqat xodimlar ko'radi):
desk-internal-mark = 🔒 ichki: { $text }
desk-comment-saved = Ichki izoh saqlandi. Yashovchi uni ko'rmaydi.
desk-ask-close-comment = { $number } arizasini yashovchi nomidan yopish uchun izoh:
desk-ask-duplicate = { $number } qaysi arizaning takrori ekanini, o'sha ariza raqamini yuboring:
desk-duplicate-reason = { $number } arizasining takrori
desk-duplicate-linked = { $number } arizasining takrori sifatida belgilandi; muallif endi o'sha arizani kuzatadi.
desk-error-no-such-request = Sizning uylaringizda { $number } arizasi yo'q.
desk-error-same-request = Ariza o'zining takrori bo'lishi mumkin emas.
desk-error-original-finished = { $number } arizasi allaqachon yakunlangan.

desk-staff-post =
    📌 Ariza №{ $number } — { $status }
    { $category } · { $urgency }
    📍 { $address }{ $kind ->
        [apartment] , { $apartment }-xonadon
       *[other] {""}
    }
    👷 { $executor }

desk-on-duty = navbatchilikda
desk-off-duty = navbatchilikda emas
desk-inline-title = { $number } · { $status }
desk-inline-card =
    📄 { $line }
    🚨 { $urgency }
desk-inline-executor = 👷 { $name }, { $phone } · { $duty } · ochiq ishlar: { $count }
desk-inline-executor-short = { $duty } · ochiq ishlar: { $count }

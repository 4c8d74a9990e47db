## Ijrochi: ish kartalari, mening ishlarim, umumiy pul, navbatchilik

menu-my-jobs = 🛠 Mening ishlarim
menu-pool = 📥 Arizalar puli
cmd-jobs = Mening ishlarim
cmd-pool = Pul: tayinlanmagan arizalar

job-btn-accept = ✅ Qabul qilish
job-btn-decline = 🚫 Rad etish
job-btn-claim = 🙋 Ishni olish
job-btn-start = ▶️ Boshlash
job-btn-resume = ▶️ Davom ettirish
job-btn-complete = ✅ Yakunlash
job-btn-materials = ⏸ Materiallarni kutyapman
job-btn-ask = ❓ Yashovchidan so'rash
job-btn-eta = 🚗 { $minutes } daq
job-btn-start-now = ▶️ Hozir boshlash, joydaman
job-btn-abort = ✖️ Bekor qilish
job-btn-photos-done = ✅ Tayyor
job-btn-pool = 📥 Arizalar puli
job-btn-my-jobs = 🛠 Mening ishlarim
job-btn-go-on-duty = 🟢 Navbatchilikka chiqish
job-btn-go-off-duty = ⚪️ Navbatchilikni tugatish

job-duty-on = 🟢 Siz navbatchisiz.
job-duty-off = ⚪️ Siz navbatchi emassiz: avtomatik tayinlash yo'q, puldan ariza olib bo'lmaydi.
job-duty-now-on = 🟢 Siz navbatchilikka chiqdingiz.
job-duty-now-off = ⚪️ Navbatchilik tugadi.

job-list = 🛠 Faol ishlaringiz: { $total }. { $page }-sahifa, jami { $pages }. Eng yaqin muddat birinchi.
    { $duty }
job-list-empty = 🛠 Sizda faol ishlar yo'q.
    { $duty }
job-list-item = { $number } · { $category } · { $status } · ⏱ { $due }
job-pool = 📥 Pul: mutaxassisligingiz bo'yicha { $total } ta tayinlanmagan ariza. { $page }-sahifa, jami { $pages }.
job-pool-empty = 📥 Pul bo'sh: mutaxassisligingiz bo'yicha tayinlanmagan arizalar yo'q.
job-pool-read-only = ℹ️ Puldan ariza olish o'chirilgan: ularni menejerlar tayinlaydi.
job-pool-off-duty = ℹ️ Puldan ariza olish uchun navbatchilikka chiqing.
job-pool-item = { $number } · { $category } · { $urgency }

job-card-title = 🛠 Ish { $number }
job-card-status = Holat: { $status }
job-card-category = { $category } · { $urgency }
job-card-apartment = 📍 { $address }, { $apartment }-xonadon ({ $entrance }-podyezd)
job-card-common = 📍 { $address } · { $place }
job-card-map = 🗺 { $url }
job-card-access = 🚪 { $access } · { $slot }
job-card-resident = 👤 { $name }, { $phone }
job-card-description = 📝 { $description }
job-card-accept-due = ⏱ Qabul qilish muddati: { $due }
job-card-complete-due = ⏱ Bajarish muddati: { $due }
job-card-paused = ⏸ To'xtatilgan: { $reason }
job-card-files =
    📎 { $count ->
        [one] bitta fayl
       *[other] { $count } ta fayl
    }
job-card-comment = 💬 { $at } · { $who }: { $text }

job-nothing-changed = Hech narsa o'zgarmadi.
job-accepted = ✅ Siz { $number } ishini qabul qildingiz.
job-claimed = 🙋 { $number } ishi endi sizniki.
job-paused = ⏸ { $number } ishi to'xtatildi: materiallar kutilmoqda.
job-resumed = ▶️ { $number } ishi davom ettirildi.
job-ask-eta = 🚗 { $number } ishini boshlaymiz. Yo'ldamisiz? Yashovchiga sizni qachon kutish kerakligi aytiladi.
job-started = ▶️ { $number } ishi boshlandi.
job-started-eta = 🚗 { $number } ishi: yashovchi sizni taxminan { $minutes } daqiqada kelishingizni biladi.
job-ask-decline-reason = Nega { $number } ishidan voz kechyapsiz? Sababini yozing: ariza menejerlarga qaytadi.
job-declined = 🚫 Siz { $number } ishidan voz kechdingiz. Menejerlarga xabar berildi.
job-reason-hint = Iltimos, sababini matn bilan yozing.
job-ask-question = ❓ { $number } ishi bo'yicha yashovchiga savolingizni yozing. Siz davom ettirmaguningizcha ish to'xtatiladi.
job-question-sent = ❓ { $number } ishi bo'yicha savolingiz yashovchiga yuborildi. Javob shu yerga keladi.
job-question-hint = Iltimos, savolni matn bilan yozing.
job-ask-photos = 📷 { $number } ishining "keyin" suratlarini yuboring ({ $max } tagacha, albom ham bo'ladi), so'ng "Tayyor"ni bosing.
job-photo-received = Surat qabul qilindi. Yana yuboring yoki "Tayyor"ni bosing.
job-photos-hint = Surat, video yoki hujjat yuboring yoki "Tayyor"ni bosing.
job-photos-limit = Bu chegara: ko'pi bilan { $max } ta fayl. "Tayyor"ni bosing.
job-photos-none = Avval kamida bitta "keyin" suratini yuboring.
job-ask-comment =
    📎 { $number } ishiga { $count ->
        [one] bitta fayl
       *[other] { $count } ta fayl
    } biriktirildi. Endi nima qilinganini qisqacha yozing.
job-comment-hint = Iltimos, bajarilgan ishni matn bilan yozing.
job-completed = ✅ { $number } ishi yakunlandi. Yashovchi ishni tekshiradi.

job-error-pool-closed = Puldan ariza olish o'chirilgan: ularni menejer tayinlaydi.
job-error-eta = Taklif qilingan vaqtlardan birini tanlang.

job-auto-assigned = 🤖 { $number } arizasi avtomatik tayinlandi: { $executor } ({ $specialization }, ochiq ishlar: { $count }, masofa: { $km } km).
job-auto-none = ⚠️ { $number } arizasi: avtomatik tayinlash uchun mos navbatchi ijrochi yo'q. Qo'lda tayinlang.

notify-on-the-way = 🚗 { $number } arizasi: ijrochi yo'lda, taxminan { $minutes } daqiqada yetib keladi.
notify-clarification =
    ❓ Ijrochining { $number } arizasi bo'yicha savoli bor:
    { $question }

    "Javob berish"ni bosing va javobingizni yozing.
notify-reply = 💬 Javob berish

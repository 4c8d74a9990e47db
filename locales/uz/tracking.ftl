## Tracking: "My requests"

cmd-my = Arizalarim
tracking-list-active = 📋 Faol arizalaringiz: { $total }. { $pages } sahifadan { $page }-sahifa. Arizani ochish uchun ustiga bosing.
tracking-list-archive = 🗄 Arxiv (yopilgan, rad etilgan va bekor qilingan arizalar): { $total }. { $pages } sahifadan { $page }-sahifa.
tracking-list-empty-active = Sizda faol arizalar yo'q. Muammo haqida xabar berish uchun menyudagi “📝 Yangi ariza” tugmasini bosing.
tracking-list-empty-archive = Arxiv bo'sh: hali yakunlangan arizalar yo'q.
tracking-list-item = { $number } · { $category } · { $status }
tracking-show-archive = 🗄 Arxiv
tracking-show-active = 📋 Faol arizalar

## The request card

tracking-card-title = 📄 Ariza { $number }
tracking-card-status = Holati: { $status }
tracking-card-category = Toifa: { $category } · { $urgency }
tracking-card-place-apartment = Joy: { $address }, { $apartment }-xonadon
tracking-card-place-common = Joy: { $address } · { $place }
tracking-card-place-entrance = Joy: { $address } · { $place }, { $entrance }-podyezd
tracking-card-description = Tavsif: { $description }
tracking-card-executor = Ijrochi: { $name }
tracking-card-no-executor = Ijrochi: hali tayinlanmagan
tracking-card-accept-due = ⏱ Ijrochi arizani olishi kerak bo'lgan muddat: { $due }
tracking-card-complete-due = ⏱ Bajarish muddati: { $due }
tracking-card-paused = ⏸ Ish to'xtatilgan vaqtda muddat hisoblanmaydi.
tracking-card-files = 📎 Rasm va fayllar: { $count }
tracking-card-rating = Sizning bahoyingiz: { $stars } ⭐
tracking-card-history = Tarix:
tracking-card-event = • { $at } · { $action }
tracking-card-event-text = • { $at } · { $action }: { $text }
tracking-card-action-reason = { $action } ({ $reason })
tracking-card-comment = • { $at } · 💬 { $who }: { $text }
tracking-card-earlier = • … oldingi yozuvlar: { $count }
tracking-who-you = siz
tracking-who-resident = aholi
tracking-who-executor = ijrochi { $name }
tracking-who-manager = menejer

tracking-hold-materials = materiallar kutilmoqda
tracking-hold-clarification = sizning javobingiz kutilmoqda
tracking-hold-other = boshqa sabab

tracking-btn-comment = 💬 Izoh qo'shish
tracking-btn-photos = 📷 Rasm qo'shish
tracking-btn-cancel = ❌ Arizani bekor qilish
tracking-btn-back = ⬅️ Ro'yxatga qaytish
tracking-btn-done = ✅ Tayyor
tracking-btn-abort = ✖️ Fikrimdan qaytdim
tracking-btn-skip = O'tkazib yuborish
tracking-rate-button = { $stars } ⭐

## Comments and photos

tracking-ask-comment = { $number } arizaga izohingizni yozing. Uni ijrochi va menejer ko'radi.
tracking-comment-hint = Iltimos, izohni matn bilan yozing. Rasm qo'shish uchun ariza kartochkasidagi “📷 Rasm qo'shish” tugmasini bosing.
tracking-comment-sent = ✅ Izohingiz { $number } arizaga qo'shildi.
tracking-ask-photos = { $number } ariza uchun rasm yoki video yuboring ({ $max } tagacha), so'ng “✅ Tayyor” tugmasini bosing.
tracking-photo-received = 📎 Qabul qilindi. Yana yuboring yoki “✅ Tayyor” tugmasini bosing.
tracking-photos-hint = Iltimos, rasm, video yoki PDF yuboring yoki “✅ Tayyor” tugmasini bosing.
tracking-photos-limit = Bu eng ko'pi: { $max } ta fayl. Ularni yuborish uchun “✅ Tayyor” tugmasini bosing.
tracking-photos-none = Avval kamida bitta rasm yuboring.
tracking-photos-sent = ✅ { $number } arizaga qo'shilgan fayllar: { $count }.
tracking-nothing-changed = Hech narsa o'zgarmadi.

## Cancelling

tracking-ask-cancel-reason = Nima uchun { $number } arizani bekor qilmoqchisiz? Sababini yozing.
tracking-reason-hint = Iltimos, sababni matn bilan yozing.
tracking-cancelled = ❌ { $number } ariza bekor qilindi.

## Closing the loop

tracking-ask-rating = { $number } ariza bo'yicha ishni qanday baholaysiz? 1 dan 5 gacha yulduz tanlang.
tracking-ask-feedback = Sizning bahoyingiz: { $stars } ⭐. Ish haqida bir necha so'z yozing yoki “O'tkazib yuborish” tugmasini bosing.
tracking-feedback-hint = Iltimos, fikringizni matn bilan yozing yoki “O'tkazib yuborish” tugmasini bosing.
tracking-accepted = ✅ Rahmat! { $number } ariza sizning { $stars } ⭐ bahoyingiz bilan yopildi.
tracking-accepted-low = ✅ { $number } ariza sizning { $stars } ⭐ bahoyingiz bilan yopildi. Ish sizni qoniqtirmaganidan afsusdamiz: menejer bu bilan shug'ullanadi.
tracking-ask-return-reason = { $number } ariza bo'yicha ishda nima noto'g'ri? Sababini yozing: ariza ijrochiga qaytariladi.
tracking-returned = ↩️ { $number } ariza qayta ishga qaytarildi. Ijrochi va menejerga xabar berildi.

## Errors

error-request-finished = Ariza allaqachon yakunlangan ({ $status }): uni endi o'zgartirib bo'lmaydi.
error-too-many-files = Fayllar juda ko'p: bir martada { $max } tagacha.

## Notifications about requests

notify-open-request = 📄 Arizani ochish
notify-accept-work = ✅ Qabul qilish
notify-return-work = ↩️ Qayta ishga qaytarish
notify-status = 🔔 Ariza { $number }: { $status }.
notify-created = 🆕 Yangi ariza { $number }: { $category }, { $urgency }.
notify-assigned-executor =
    🛠 Sizga { $number } ariza tayinlandi.
    { $category } · { $urgency }
    📍 { $address }, { $kind ->
        [apartment] { $apartment }-xonadon, { $entrance }-podyezd
       *[other] { $place }
    }
    🗺 { $map }
    🚪 { $access } · { $slot }
    👤 { $name }, { $phone }
    📝 { $description }
    ⏱ Qabul qilish: { $accept_due }, bajarish: { $complete_due }
notify-unassigned-executor = { $number } ariza endi sizga tayinlanmagan.
notify-declined = ⚠️ Ijrochi { $number } arizadan voz kechdi: { $reason }. Yangi ijrochi kerak.
notify-paused = ⏸ { $number } ariza bo'yicha ish to'xtatildi: { $reason }.
notify-paused-comment = ⏸ { $number } ariza bo'yicha ish to'xtatildi: { $reason }. { $comment }
notify-completed =
    ✅ { $number } ariza bajarildi.
    Ijrochi { $executor }: { $comment }

    Iltimos, ishni tekshiring va qabul qiling yoki qayta ishga qaytaring.
notify-completed-watcher =
    ✅ Siz kuzatayotgan { $number } ariza bajarildi.
    Ijrochi { $executor }: { $comment }
notify-rated-executor = ⭐ Aholi { $number } arizani { $rating } baho bilan qabul qildi.
notify-low-rating = ⚠️ { $number } ariza bo'yicha past baho: { $rating } ⭐. Aholining izohi: { $comment }. Iltimos, vaziyatni o'rganing.
notify-closed-by-manager = ✅ { $number } ariza menejer tomonidan yopildi: { $comment }
notify-auto-accepted = ✅ { $number } ariza avtomatik ravishda qabul qilindi.
notify-closed-executor = ✅ { $number } ariza yopildi.
notify-returned = ↩️ Aholi { $number } arizani qayta ishga qaytardi: { $reason }
notify-rejected = ❌ { $number } ariza rad etildi: { $reason }
notify-cancelled = ❌ { $number } ariza bekor qilindi: { $reason }
notify-category-changed = Ariza { $number }: toifa “{ $category }” ga o'zgartirildi.
notify-urgency-changed = Ariza { $number }: shoshilinchlik “{ $urgency }” ga o'zgartirildi.
notify-comment = 💬 Ariza { $number }, izoh ({ $who }): { $text }
notify-files =
    📎 Ariza { $number }: { $who } { $count ->
        [one] { $count } ta fayl
       *[other] { $count } ta fayl
    } qo'shdi.

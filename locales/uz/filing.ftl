## Ariza yuborish: bosqichma-bosqich

filing-ask-category = 📝 Yangi ariza. Muammo nima bilan bog'liq? Toifani tanlang:
filing-ask-place = 📍 Muammo qayerda?
filing-home = 🏠 Mening xonadonim { $apartment }
filing-home-in = 🏠 { $apartment }-xonadon, { $address }
filing-common = 🏢 Uyning umumiy joylari
filing-common-in = 🏢 Umumiy joylar: { $address }
filing-ask-area = 🏢 { $address }. Uyning qaysi qismida?
filing-ask-description =
    ✍️ Muammoni tasvirlab bering: nima bo'ldi, qachondan beri, nimalarni sinab ko'rdingiz.
    Ovozli xabar yozib yuborishingiz ham mumkin.
filing-current = Hozir: { $value }
filing-description-hint = Iltimos, muammoni matn bilan yozing yoki ovozli xabar yuboring. Rasmlarni keyingi bosqichda qo'shish mumkin.
filing-voice-kept = 🎤 Ovozli xabar saqlandi va arizaga biriktirildi.
filing-ask-media =
    📎 Rasm, video, hujjat yoki ovozli xabarlarni qo'shing ({ $max } tagacha fayl, albom ham bo'ladi).
    Tugatgach, «Tayyor» tugmasini bosing. Fayl yo'q bo'lsa, «O'tkazib yuborish»ni bosing.
filing-media-received = 📎 Biriktirilgan fayllar: { $count } / { $max }. Yana yuboring yoki «Tayyor» tugmasini bosing.
filing-media-hint = Iltimos, rasm, video, hujjat yoki ovozli xabar yuboring yoki «Tayyor» tugmasini bosing.
filing-media-done = ✅ Tayyor
filing-media-skip = ➡️ O'tkazib yuborish
filing-media-clear = 🗑 Barcha fayllarni o'chirish
filing-ask-urgency = ⏱ Bu qanchalik shoshilinch?
filing-emergency =
    🚨 Avariya! Suv bosgan bo'lsa, gaz hidi kelsa, simlar uchqun chiqarsa yoki odamlarga xavf bo'lsa, darhol dispetcherga qo'ng'iroq qiling: { $phone }
    Arizangizni ham rasmiylashtiramiz.
filing-emergency-alert = 🚨 Avariya: darhol dispetcherga qo'ng'iroq qiling: { $phone }
filing-urgency-chosen = ⏱ Shoshilinchlik: { $urgency }
filing-ask-access = 🚪 Usta joyga qanday kira oladi?
filing-ask-slot = 🕘 Ustani qachon qabul qilish qulay?
filing-buttons-hint = Iltimos, variantlardan birini tugmalar orqali tanlang.
filing-back = ◀️ Orqaga
filing-cancel = ✖️ Bekor qilish
filing-cancelled = Ariza bekor qilindi, hech narsa yuborilmadi.
filing-cancelled-short = Bekor qilindi
filing-submitting = Ariza rasmiylashtirilmoqda, bir daqiqa…

## Xulosa

filing-summary =
    📝 Arizangizni tekshiring:

    Toifa: { $category }
    Joy: { $place }
    Tavsif: { $description }
    Fayllar: { $files }
    Shoshilinchlik: { $urgency }
    Kirish: { $access }
    Tashrif vaqti: { $slot }

    Hammasi to'g'rimi? «Tasdiqlash» tugmasini bosing yoki maydonni o'zgartiring.
filing-place-apartment = { $address }, { $apartment }-xonadon
filing-place-common = { $address }, { $place }
filing-edit-category = ✏️ Toifa
filing-edit-place = ✏️ Joy
filing-edit-description = ✏️ Tavsif
filing-edit-media = ✏️ Fayllar
filing-edit-urgency = ✏️ Shoshilinchlik
filing-edit-access = ✏️ Kirish va vaqt
filing-confirm = ✅ Tasdiqlash

## Natija

filing-filed =
    ✅ №{ $number } ariza qabul qilindi.
    Holati: { $status }
    Ishga olinishi kutilayotgan muddat: { $accept_due }, bajarilishi: { $complete_due }.
    Holati o'zgarganda sizga xabar beramiz.
filing-already-filed =
    Bu ariza allaqachon yuborilgan: №{ $number }.
    Holati: { $status }
    Ishga olinishi kutilayotgan muddat: { $accept_due }, bajarilishi: { $complete_due }.
filing-filed-short = Yuborildi: №{ $number }
filing-already-filed-short = Bu ariza allaqachon yuborilgan: №{ $number }.
filing-already-joined = Siz №{ $number } arizaga allaqachon qo'shilgansiz.

## Takroriy arizalar

filing-duplicate-intro = 🔎 Uyingizda shunga o'xshash ochiq ariza bor. Yangisini yuborish o'rniga unga qo'shilib, yangiliklarini olishingiz mumkin:
filing-similar =
    №{ $number } · { $category } · { $place }
    Holati: { $status }, yuborilgan: { $created }
    { $description }
filing-similar-apartment = { $apartment }-xonadon
filing-join = 🔔 №{ $number } ga qo'shilish
filing-file-anyway = 📝 Baribir o'z arizamni yuborish
filing-joined =
    🔔 Siz №{ $number } arizaga qo'shildingiz (holati: { $status }).
    Uning o'zgarishlari haqida sizga xabar beramiz.
filing-joined-short = №{ $number } ga qo'shildingiz

## Qoralamani davom ettirish

filing-resume = Sizda tugallanmagan ariza bor (bosqich: { $step }). Davom ettirasizmi yoki qaytadan boshlaysizmi?
filing-resume-continue = ▶️ Davom ettirish
filing-resume-restart = 🔄 Qaytadan boshlash
filing-step-category = toifa
filing-step-place = joy
filing-step-area = joy
filing-step-description = tavsif
filing-step-media = fayllar
filing-step-urgency = shoshilinchlik
filing-step-access = kirish
filing-step-slot = tashrif vaqti
filing-step-summary = tasdiqlash
filing-step-duplicate = tasdiqlash
filing-step-submitting = tasdiqlash
filing-link-home = 🏠 Xonadonimni bog'lash

## Kim ariza yubora oladi

filing-error-not-registered = Ariza yuborish uchun avval xonadoningizni bog'lang: quyidagi tugmani bosing yoki /start yuboring.
filing-error-pending = Xonadoningiz hali menejer tekshiruvini kutmoqda. Tasdiqlangach, darhol ariza yubora olasiz.
filing-error-rejected = Manzilingiz tasdiqlanmagan, shuning uchun hozircha ariza yubora olmaysiz. 👤 Profil bo'limida xonadonni qaytadan qo'shing yoki boshqaruv kompaniyasiga murojaat qiling.
filing-error-description-short = Tavsif juda qisqa: kamida { $min } ta belgi yozing.
filing-error-too-many-files = Arizaga ko'pi bilan { $max } ta fayl biriktirish mumkin; ortiqchalari qo'shilmadi. Davom etish uchun «Tayyor» tugmasini bosing.
filing-error-join-closed = №{ $number } ariza allaqachon yopilgan. Iltimos, o'z arizangizni yuboring.
field-description = tavsif

## Kirish va tashrif vaqti

access-any_time = Istalgan vaqtda
access-call_first = Avval menga qo'ng'iroq qiling
access-key_at_concierge = Kalit konsyerjda
access-with_me_present = Faqat men bor paytimda
timeslot-any = Istalgan vaqtda
timeslot-morning = Ertalab (9–12)
timeslot-afternoon = Kunduzi (12–17)
timeslot-evening = Kechqurun (17–20)

## Menejerlar va xodimlar chati uchun karta

filing-card =
    🆕 Yangi ariza №{ $number }
    { $category } · { $urgency }
    📍 { $address }, { $kind ->
        [apartment] { $apartment }-xonadon
       *[other] { $place }
    }
    👤 { $name }, { $phone }
    📝 { $description }
    🚪 { $access } · { $slot }
    📎 Fayllar: { $files }
    ⏱ Qabul qilish muddati: { $accept_due }, bajarish muddati: { $complete_due }

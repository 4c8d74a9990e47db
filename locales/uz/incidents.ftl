## Avariyalar

action-link_incident = avariyaga bog‘landi
action-close_by_incident = yopildi: avariya bartaraf etildi
action-return_from_incident = avariya bartaraf etildi, ariza pultga qaytdi
field-incident_id = avariya
notify-closed-by-incident = ✅ { $number } ariza yopildi: avariya bartaraf etildi. { $comment }

incident-category-plumbing = suv yo‘q
incident-category-electricity = elektr yo‘q
incident-category-heating = isitish yo‘q
incident-category-elevator = lift ishlamayapti
incident-category-cleaning = tozalash muammosi
incident-category-carpentry = eshik va derazalar muammosi
incident-category-security = xavfsizlik muammosi
incident-category-other = avariya

incident-suggestion = ⚠️ { $address } manzilida avariya bo‘lishi mumkin: { $minutes } daqiqada «{ $category }» bo‘yicha { $count } ta ariza ({ $since } dan).
incident-btn-declare = 🚨 Avariya e’lon qilish
incident-btn-not-related = Bog‘liq emas
incident-dismissed = Bog‘liq emas deb belgilandi: arizalar o‘z holicha qoladi.

incident-linked = 🚨 Arizangiz { $address } manzilidagi ma’lum avariyaga tegishli: { $since } dan beri { $category }. { $text }
    { $due } gacha bartaraf etishni rejalashtirmoqdamiz; barcha yangiliklar shu yerga keladi.
incident-update = 📣 { $address } manzilidagi avariya ({ $category }): { $update }
incident-resolved = ✅ { $address } manzilidagi avariya ({ $category }) bartaraf etildi: { $update }
incident-resolved-open = ✅ { $address } manzilidagi avariya ({ $category }) bartaraf etildi: { $update }
    Arizangiz ochiq qoladi: pult u bilan shug‘ullanadi.

incident-known = 🚨 Ma’lum avariya: { $address } manzilida { $since } dan beri { $category }. Biz ishlayapmiz. { $text }
    Kutilayotgan muddat: { $due }.
    Ariza bermasdan yangiliklarni olish uchun avariyani kuzating yoki baribir ariza bering.
incident-btn-follow = 🔔 Avariyani kuzatish
incident-btn-file-anyway = 📝 Baribir ariza berish
incident-following = 🔔 { $address } manzilidagi avariyani kuzatyapsiz: yangiliklar va uning tugashi shu yerga keladi. Ariza berilmadi.

incident-btn-queue = 🚨 Avariyalar: { $count }
incident-queue-title = 🚨 Ochiq avariyalar: { $count }
incident-queue-empty = Ochiq avariyalar yo‘q. Uyda suv, elektr, isitish bo‘lmasa yoki lift ishlamasa, avariya e’lon qiling.
incident-queue-item = { $category } · { $address } · { $linked } ariza · { $followers } kuzatuvchi
incident-btn-new = ➕ Avariya e’lon qilish
incident-btn-back = ⬅️ Orqaga
incident-btn-cancel = ✖️ Bekor qilish
incident-card = 🚨 Avariya: { $category }
    🏠 { $address }
    { $since } dan, muddat { $due }
    { $text }
    Bog‘langan arizalar: { $linked }; kuzatuvchilar: { $followers }
incident-card-resolved = ✅ Bartaraf etildi.
incident-btn-update = 📣 Yangilik yuborish
incident-btn-link = 🔗 Mos ochiq arizalarni bog‘lash
incident-btn-resolve-close = ✅ Bartaraf etildi, arizalarni yopish
incident-btn-resolve-return = ✅ Bartaraf etildi, arizalarni pultga qaytarish
incident-btn-hours = { $hours } soat
incident-ask-building = Qaysi uyda avariya? Manzilning bir qismini yuboring.
incident-pick-building = Uyni tanlang:
incident-ask-category = Nima ishlamayapti?
incident-ask-target = Qachongacha bartaraf etishni kutyapsiz? Bog‘langan arizalar shu muddatni oladi.
incident-ask-text = Avariyani ({ $category }) aholi o‘qiydigan xabar bilan tasvirlang ({ $max } belgigacha).
incident-declared = 🚨 Avariya e’lon qilindi. Bog‘langan arizalar: { $linked }.
incident-ask-update = Aholi uchun yangilikni yuboring ({ $max } belgigacha).
incident-ask-resolve-close = Aholi uchun bartaraf etilgani haqida matn yuboring. Ochiq bog‘langan arizalar ({ $linked }) yopiladi.
incident-ask-resolve-return = Aholi uchun bartaraf etilgani haqida matn yuboring. Ochiq bog‘langan arizalar ({ $linked }) o‘z muddatlari bilan pultga qaytadi.
incident-update-sent = 📣 Yangilik { $count } kishiga yuborildi.
incident-resolved-report = ✅ Avariya bartaraf etildi. Yopilgan arizalar: { $closed }, pultga qaytarilgan: { $returned }; xabar olganlar: { $notified }.
incident-text-hint = Matnni xabar sifatida yuboring yoki «Bekor qilish»ni bosing.
incident-linked-count = Bog‘langan arizalar: { $count }.

incident-error-empty = Matn bo‘sh: aholi o‘qiydigan narsani yozing.
incident-error-too-long = Matn juda uzun ({ $length } belgi); chegara { $max }.
incident-error-already-open = Bu uyda shu turdagi ochiq avariya bor: unga yangilik yuboring.
incident-error-resolved = Bu avariya allaqachon bartaraf etilgan (ehtimol, boshqa menejer hozirgina).
incident-error-suggestion-decided = Bu taklif bo‘yicha allaqachon qaror qabul qilingan.
incident-error-suggestion-expired = Bu taklifning muddati o‘tdi: avariya oynasi ichida unga javob berilmadi. Avariya davom etsa, uni menejer panelidan e’lon qiling: 🚨 Avariyalar → ➕ Avariya e’lon qilish.
incident-error-no-building = Sizning uylaringizdan hech biri mos kelmadi: manzilning boshqa qismini yuboring.
incident-error-target = Taklif qilingan muddatlardan birini tanlang.

incident-settings-line = Ehtimoliy avariya: bitta uyda { $minutes } daqiqada bir turdagi { $count } ta ariza
incident-settings-btn-count = 🚨 { $count } ta arizadan keyin avariya
incident-settings-btn-window = ⏱ Avariya oynasi: { $minutes } daqiqa
incident-settings-ask-count = Bitta uyda bir toifadagi nechta ochiq ariza avariyadan dalolat beradi (hozir { $current })? { $min } dan { $max } gacha son yuboring.
incident-settings-ask-window = Ular necha daqiqa ichida kelishi kerak (hozir { $current })? { $min } dan { $max } gacha son yuboring.
incident-settings-error-count = { $min } dan { $max } gacha butun son yuboring.
incident-settings-error-window = { $min } dan { $max } gacha butun daqiqa sonini yuboring.

# Announcements: a manager writes to whole buildings; the delivery report and the history.

cmd-announce = Uylar aholisiga e'lon
announce-btn-open = 📢 E'lonlar
announce-home = 📢 E'lonlar
    Uylaringizning barcha aholisiga yozing: ma'lumot, rejali ishlar yoki avariya. Matn siz yozgandek yuboriladi; uning atrofidagi ramka har bir yashovchining tilida.
announce-btn-new = ✍️ Yangi e'lon
announce-btn-history = 📜 Tarix
announce-btn-home = ◀️ E'lonlar
announce-btn-cancel = ✖️ Bekor qilish
announce-cancelled = E'lon yuborilmadi.
announce-audience-title = 📢 Kimga yuboriladi? Uylarni tanlang.
announce-audience-reach = Tanlangan uylar: { $buildings } · { $count ->
   *[other] { $count } ta yashovchiga
    } yetib boradi.
announce-audience-none = Hali uy tanlanmagan.
announce-btn-verified = 👥 Faqat tasdiqlangan yashovchilar
announce-btn-all-linked = 👥 Barcha bog'langan yashovchilar (tekshiruv kutayotganlar ham)
announce-btn-next = Keyingi ➡️
announce-kind-title = Bu qanday e'lon?
announce-btn-kind-info = ℹ️ Ma'lumot
announce-btn-kind-works = 🛠 Rejali ishlar
announce-btn-kind-outage = ⚠️ Avariya
announce-kind-info = ℹ️ Ma'lumot
announce-kind-works = 🛠 Rejali ishlar
announce-kind-outage = ⚠️ Avariya
announce-ask-window = 🛠 Ishlar qachon? Boshlanish va tugash vaqtini yuboring, masalan: 08.12 10:00-16:00 (yoki 08.12 22:00 - 09.12 06:00).
announce-window-saved = 🛠 Rejali ishlar: { $window }
announce-ask-text = ✍️ E'lonni yozing: matn (qalin, kursiv va havolalar saqlanadi) yoki izohli bitta rasm yoki hujjat. { $max } belgigacha.
announce-preview-title = 👆 Yashovchilar uni shunday ko'radi.
announce-preview-reach = { $count ->
   *[other] { $count } ta yashovchiga
    } yetib boradi: { $buildings }
announce-preview-audience-verified = Faqat tasdiqlangan yashovchilar.
announce-preview-audience-all = Barcha bog'langan yashovchilar, tekshiruv kutayotganlar ham.
announce-btn-send = 📤 Yuborish ({ $count })
announce-btn-edit = ✏️ Matnni o'zgartirish
announce-btn-remind-on = ⏰ Bir soat oldin eslatma: yoqilgan
announce-btn-remind-off = ⏰ Bir soat oldin eslatma: o'chirilgan
announce-sent = 📤 Yuborilmoqda: { $count }…
announce-already-sent = Bu e'lon allaqachon yuborilgan; mana uning yetkazish hisoboti.
announce-report-title = 📊 E'lon №{ $id } · { $kind } · { $at }
announce-report-buildings = 🏢 { $buildings }
announce-report-window = 🛠 { $window }
announce-report-reminder = ⏰ Yashovchilarga eslatma: { $at }
announce-report-reminder-sent = ⏰ Eslatma yuborildi: { $at }
announce-report-paid = 💫 Pullik tarqatma bilan yuborildi
announce-report-counts = Qabul qiluvchilar: { $total } · navbatda: { $queued } · yetkazildi: { $delivered } · botni bloklagan: { $blocked } · xato: { $failed }
announce-report-sending = ⏳ Yuborilmoqda… hisobot o'zi yangilanadi.
announce-report-done = ✅ Yuborish tugadi.
announce-report-unreachable = ☎️ Yetib bormadi, ularga qo'ng'iroq qiling:
announce-report-person-blocked = • { $name }, { $apartment }, { $phone } (botni bloklagan)
announce-report-person-failed = • { $name }, { $apartment }, { $phone } (Telegram xabarni qabul qilmadi)
announce-btn-refresh = 🔄 Yangilash
announce-btn-report = 📊 E'lon №{ $id }
announce-history-buildings = 📜 E'lonlar tarixi: uyni tanlang.
announce-history-title = 📜 { $address } uchun e'lonlar ({ $page }/{ $pages } sahifa)
announce-history-empty = Hali e'lonlar yo'q.
announce-history-line = №{ $id } · { $at } · { $kind } · { $count } · «{ $preview }»
announce-message = 📢 <b>{ $organisation } e'loni</b> · { $kind }

    { $text }
announce-message-works = 📢 <b>{ $organisation } e'loni</b> · { $kind }
    🗓 <b>{ $window }</b>

    { $text }
announce-reminder = ⏰ <b>{ $organisation } eslatmasi</b>: bir soatdan keyin rejali ishlar boshlanadi.
    🗓 <b>{ $window }</b>

    { $text }
announce-error-empty = E'lon bo'sh: matn yozing (rasm yoki hujjatga izoh kerak).
announce-error-too-long = Matn juda uzun: { $length } belgi, ko'pi bilan { $max }. Iltimos, qisqartiring.
announce-error-photo-too-large = Rasm juda katta: ko'pi bilan { $max } MB.
announce-error-file-too-large = Fayl juda katta: ko'pi bilan { $max } MB.
announce-error-content = E'londa faqat matn, rasm yoki hujjat bo'lishi mumkin.
announce-error-no-buildings = Kamida bitta uyni tanlang.
announce-error-no-residents = Uni hech kim olmaydi: tanlangan uylarda hali botda yashovchilar yo'q.
announce-error-window = Boshlanish va tugashni shunday yuboring: 08.12 10:00-16:00
announce-error-window-past = Boshlanish vaqti o'tib ketgan. Kelajakdagi vaqtni yuboring.
announce-error-window-order = Tugash boshlanishdan keyin bo'lishi kerak.
announce-error-reminder-late = Ishlar bir soatdan kamroq vaqtda boshlanadi: bir soat oldin eslatish uchun kech.
announce-error-no-window = Avval rejali ishlarning boshlanishi va tugashini kiriting.
settings-btn-flag-paid = 💫 E'lonlar uchun pullik tarqatma: { $value }
settings-line-paid-broadcast = 💫 E'lonlar uchun pullik tarqatma: { $value }
    Telegram bepul ravishda soniyasiga ko'pi bilan 30 ta xabar yuboradi: 10 000 yashovchiga e'lon taxminan 6 daqiqa ketadi. Pullik tarqatma bilan soniyasiga 1 000 tagacha (10 000 taxminan 10 soniyada), va Telegram har bir xabar uchun botning Stars balansidan 0,1 Star oladi (10 000 yashovchi uchun taxminan 1 000 Star). Faqat juda katta uylar yoki shoshilinch avariyalar uchun arziydi.
announce-audience-entrances = 🚪 Yo'laklar: { $entrances }
announce-audience-all-entrances = 🚪 Barcha yo'laklar (doirani toraytirish uchun yo'lakni bosing)
announce-btn-entrance = { $number }
announce-error-entrances = Yo'laklarni bitta uy tanlanganda tanlash mumkin.
audit-action-announcement-sent = E'lon yuborildi
announce-report-more = …va yana { $count } ta, bu yerga sig'madi.

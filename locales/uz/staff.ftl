## Xodimlar: taklif havolalari va «Foydalanuvchilar» bo'limi

menu-people = 👥 Foydalanuvchilar
cmd-people = Foydalanuvchilar: qidiruv, kartochkalar, rollar
cmd-invite = Taklif havolasini yaratish
cmd-settings = Sozlamalar: muddatlar, ish vaqti, sokin soatlar

staff-none = —
staff-all-buildings = barcha uylar
staff-prev = ◀️ Oldingi sahifa
staff-next = Keyingi sahifa ▶️
staff-status-active = faol
staff-status-deactivated = ⛔ o'chirilgan

## Ro'yxat va qidiruv

staff-people-title = 👥 Foydalanuvchilar: { $total } ({ $page }-sahifa, jami { $pages }).
staff-people-empty = 👥 Hech kim topilmadi.
staff-people-query = Qidiruv: { $query }
staff-people-hint = Kartochkani ochish uchun odamni bosing. Ism, telefon yoki @username bo'yicha quyidagi tugma yoki /people matn buyrug'i bilan qidiring.
staff-people-item = { $mark }{ $name } · { $roles }
staff-btn-search = 🔎 Qidirish
staff-btn-all = 📋 Hammasi
staff-btn-invite = ➕ Xodim taklif qilish
staff-search-ask = Ism, telefon raqamining bir qismi yoki @username yozing.
staff-search-hint = Iltimos, qidiruvni matn bilan yozing.

## Odam kartochkasi

staff-card =
    👤 { $name }
    Telegram: { $username }
    Telefon: { $phone }
    Rollar: { $roles }
    Mutaxassisliklar: { $specializations }
    Uylar: { $buildings }
    Holat: { $status }
staff-btn-roles = 🎭 Rollar
staff-btn-specializations = 🛠 Mutaxassisliklar
staff-btn-buildings = 🏢 Uylar
staff-btn-deactivate = ⛔ O'chirish
staff-btn-reactivate = ✅ Qayta yoqish
staff-btn-list = 📋 Ro'yxatga
staff-btn-card = ◀️ Kartochkaga
staff-roles-title = { $name } rollari. Rolni berish yoki olib qo'yish uchun uni bosing:
staff-role-granted = Rol berildi: { $role }
staff-role-revoked = Rol olib qo'yildi: { $role }
staff-specs-title = { $name } mutaxassisliklari. Qo'shish yoki olib tashlash uchun bosing:
staff-buildings-title = { $name } uylari ({ $page }-sahifa, jami { $pages }). Qo'shish yoki olib tashlash uchun bosing:
staff-deactivate-confirm = { $name } o'chirilsinmi? U botdan darhol foydalana olmaydi; tarix saqlanadi.
staff-btn-deactivate-confirm = ⛔ Ha, o'chirish
staff-btn-keep = ◀️ Yo'q, orqaga
staff-deactivated = { $name }: hisob o'chirildi
staff-reactivated = { $name }: hisob yana faol

## Taklif yaratish

staff-invite-ask-role = ➕ Yangi taklif havolasi. Kimni taklif qilyapsiz?
staff-invite-role-executor = 🛠 Ijrochi
staff-invite-role-manager = 🧑‍💼 Menejer
staff-invite-role-admin = 👑 Administrator
staff-invite-ask-specializations = Ijrochining mutaxassisliklarini tanlang (bir yoki bir nechta), so'ng «Davom etish» tugmasini bosing.
staff-invite-ask-buildings-optional = Ijrochi xizmat ko'rsatadigan uylarni tanlang yoki hech birini tanlamang — unda barcha uylar (tanlangan: { $selected }; { $page }-sahifa, jami { $pages }). So'ng «Davom etish» tugmasini bosing.
staff-invite-ask-buildings = Uylarni tanlang (kamida bittasini; tanlangan: { $selected }; { $page }-sahifa, jami { $pages }). So'ng «Davom etish» tugmasini bosing.
staff-invite-ask-expiry = Havola qancha muddat amal qilsin?
staff-invite-ttl =
    { $days ->
        [one] bir kun
       *[other] { $days } kun
    }
staff-btn-next = Davom etish ➡️
staff-btn-cancel = ✖️ Bekor qilish
staff-invite-cancelled = Taklif bekor qilindi.
staff-invite-created-short = Taklif havolasi yaratildi
staff-invite-created = 🔗 Taklif havolasi, rol: { $role }
staff-invite-specializations = Mutaxassisliklar: { $specializations }
staff-invite-buildings = Uylar: { $buildings }
staff-invite-expires = { $expires } gacha amal qiladi, bir martalik.
staff-invite-send =
    Ushbu havolani odamga yuboring; u faqat bir marta ishlaydi:
    { $link }

## Taklifni qabul qilish

staff-invite-welcome = 🎉 Jamoaga xush kelibsiz! Sizning rolingiz: { $role }.

## Bildirishnomalar

staff-invite-accepted-notice = ✅ { $name } taklifingizni qabul qildi, rol: { $role }.
staff-role-granted-notice = 🎭 Sizga yangi rol berildi: { $role }. Menyuni ko'rish uchun /start ni bosing.
staff-role-revoked-notice = 🎭 Sizdan rol olib qo'yildi: { $role }. Menyuni ko'rish uchun /start ni bosing.
staff-reactivated-notice = ✅ Hisobingiz yana faol. Menyuni ochish uchun /start ni bosing.

## Xatolar

error-invite-unknown = Bu taklif havolasi yaroqsiz. Yangisini so'rang.
error-invite-expired = Bu taklif havolasining muddati tugagan. Yangisini so'rang.
error-invite-used = Bu taklif havolasi allaqachon ishlatilgan. Har bir havola faqat bir marta ishlaydi — yangisini so'rang.
error-invite-no-specializations = Kamida bitta mutaxassislikni tanlang.
error-invite-no-buildings = Kamida bitta uyni tanlang.
error-staff-own-admin = O'zingizdan administrator rolini olib qo'ya olmaysiz.
error-staff-self = O'zingizni o'chira olmaysiz.
error-staff-already-active = Bu foydalanuvchi allaqachon faol.
error-staff-already-deactivated = Bu foydalanuvchi allaqachon o'chirilgan.

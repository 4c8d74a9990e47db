## Common: start, language, menu, help

start-choose-language = Choose your language · Выберите язык · Tilni tanlang
language-changed = Til: o'zbekcha.
language-current = Joriy til: o'zbekcha. Boshqasini tanlang:
menu-title = Asosiy menyu. Quyida kerakli amalni tanlang.
menu-placeholder = Amalni tanlang
menu-profile = 👤 Profil
menu-language = 🌐 Til
menu-help = ❓ Yordam
help-text =
    UK Management Bot — boshqaruv kompaniyangizga ariza yuborish uchun bot.

    /start — asosiy menyu
    /language — tilni o'zgartirish
    /help — ushbu yordam
help-staff =
    Sizning rollaringiz: { $roles }.
    Xodimlar vositalari rolingiz uchun yoqilgani sari menyuda paydo bo'ladi.
profile-text =
    👤 { $name }
    Telegram id: { $user_id }
    Rollar: { $roles }
    Til: o'zbekcha
unknown-message = Xabaringizni tushunmadim. Iltimos, quyidagi menyu tugmalaridan foydalaning.
throttle-notice = Siz xabarlarni juda tez yubormoqdasiz. Bir necha soniya kuting: bu vaqtda yuborilgan xabarlar qayta ishlanmaydi.
callback-outdated = Bu tugma eskirgan. Menyuni qaytadan oching.
user-deactivated = Hisobingiz o'chirilgan. Boshqaruv kompaniyasiga murojaat qiling.

## Commands menu

cmd-start = Asosiy menyu
cmd-help = Yordam
cmd-language = Tilni o'zgartirish

## Errors (domain error keys)

error-generic = Bizning tomonimizda nimadir xato ketdi. Bir daqiqadan so'ng qayta urinib ko'ring.
error-not-allowed = Sizda bu amal uchun ruxsat yo'q.
error-not-available = Bu ob'ekt siz uchun mavjud emas.
error-not-found = Hech narsa topilmadi.
error-invalid-transition = Joriy holatda ({ $status }) bu amalni bajarib bo'lmaydi.
error-missing-field = Iltimos, to'ldiring: { $field }.
error-validation = Qiymat mos emas. Tekshirib, qayta urinib ko'ring.

## Roles

role-resident = aholi
role-executor = ijrochi
role-manager = menejer
role-admin = administrator
role-system = tizim

## Request statuses

status-new = Yangi
status-assigned = Tayinlangan
status-accepted = Ijrochi qabul qildi
status-in_progress = Bajarilmoqda
status-on_hold = To'xtatilgan
status-completed = Bajarildi, tasdiqlashingiz kutilmoqda
status-closed = Yopilgan
status-returned = Qayta ishga qaytarilgan
status-rejected = Rad etilgan
status-cancelled = Bekor qilingan

## Categories

category-plumbing = Santexnika
category-electricity = Elektr
category-heating = Isitish
category-elevator = Lift
category-cleaning = Tozalash
category-carpentry = Eshik, deraza, duradgorlik
category-security = Qo'riqlash, domofon
category-other = Boshqa

## Urgency

urgency-normal = Oddiy
urgency-urgent = Shoshilinch
urgency-emergency = Avariya

## Specializations

specialization-plumber = Santexnik
specialization-electrician = Elektrik
specialization-carpenter = Duradgor
specialization-elevator = Liftchi
specialization-cleaner = Farrosh
specialization-heating = Isitish ustasi
specialization-general = Usta
specialization-security = Qo'riqlash va domofon

## Places

place-apartment = Xonadon
place-entrance = Podyezd
place-stairwell = Zinapoya
place-basement = Yerto'la
place-roof = Tom
place-yard = Hovli
place-elevator = Lift

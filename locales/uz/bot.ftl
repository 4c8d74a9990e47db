## Common: start, language, menu, help

start-choose-language = Choose your language · Выберите язык · Tilni tanlang
language-changed = Til: o'zbekcha.
language-current = Joriy til: o'zbekcha. Boshqasini tanlang:
menu-title = Asosiy menyu. Quyida kerakli amalni tanlang.
menu-placeholder = Amalni tanlang
menu-new-request = 📝 Yangi ariza
menu-my-requests = 📋 Arizalarim
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
unknown-message = Xabaringizni tushunmadim. Iltimos, quyidagi menyu tugmalaridan foydalaning.
throttle-notice = Siz xabarlarni juda tez yubormoqdasiz. Bir necha soniya kuting: bu vaqtda yuborilgan xabarlar qayta ishlanmaydi.
callback-outdated = Bu tugma eskirgan. Menyuni qaytadan oching.
user-deactivated = Hisobingiz o'chirilgan. Boshqaruv kompaniyasiga murojaat qiling.

## Commands menu

cmd-start = Asosiy menyu
cmd-new = Yangi ariza
cmd-help = Yordam
cmd-language = Tilni o'zgartirish

## Errors (domain error keys)

error-generic = Bizning tomonimizda nimadir xato ketdi. Bir daqiqadan so'ng qayta urinib ko'ring.
error-unavailable = Xizmat vaqtincha ishlamayapti. Bir daqiqadan so'ng qayta urinib ko'ring.
error-not-allowed = Sizda bu amal uchun ruxsat yo'q.
error-not-available = Bu ob'ekt siz uchun mavjud emas.
error-not-found = Hech narsa topilmadi.
error-invalid-transition = Joriy holatda ({ $status }) bu amalni bajarib bo'lmaydi.
error-missing-field = Iltimos, to'ldiring: { $field }.
error-validation = Qiymat mos emas. Tekshirib, qayta urinib ko'ring.

error-not-on-duty = Umumiy ro'yxatdan arizani faqat navbatchilikdagi ijrochilar olishi mumkin. Avval navbatchilikni yoqing.
error-unchanged = Hech narsa o'zgarmadi: { $field } allaqachon shu qiymatga ega.
error-text-too-long = «{ $field }» juda uzun: ko'pi bilan { $max } belgi.

## Field names (in error messages)

field-reason = sabab
field-comment = izoh
field-assignee_id = ijrochi
field-hold_reason = to'xtatish sababi
field-rating = 1 dan 5 gacha baho
field-media_count = kamida bitta rasm
field-category = toifa
field-urgency = shoshilinchlik

## Actions (history and errors)

action-create = yaratildi
action-assign = tayinlandi
action-reassign = qayta tayinlandi
action-unassign = ijrochidan olindi
action-claim = umumiy ro'yxatdan olindi
action-accept = ijrochi qabul qildi
action-decline = ijrochi rad etdi
action-start = ish boshlandi
action-hold = to'xtatildi
action-resume = ish davom ettirildi
action-complete = ijrochi bajardi
action-confirm_completion = menejer bajarilishini tasdiqladi
action-close_on_behalf = menejer yopdi
action-accept_work = aholi qabul qildi
action-return_work = aholi qaytardi
action-auto_accept = avtomatik qabul qilindi
action-reject = rad etildi
action-cancel = bekor qilindi
action-change_category = toifa o'zgartirildi
action-change_urgency = shoshilinchlik o'zgartirildi

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

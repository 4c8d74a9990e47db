## Onboarding

onboarding-intro = Xush kelibsiz! Ariza yubora olishingiz uchun sizni uyingizga bog'laymiz. Avval quyidagi tugma orqali telefon raqamingizni yuboring.
onboarding-share-phone = 📱 Telefon raqamimni yuborish
onboarding-phone-not-yours = Bu boshqa odamning kontakti. Iltimos, quyidagi tugma orqali o'z raqamingizni yuboring.
onboarding-phone-hint = Iltimos, quyidagi «Telefon raqamimni yuborish» tugmasini bosing; qo'lda yozilgan raqam qabul qilinmaydi.
onboarding-ask-name = Boshqaruv kompaniyasi sizga qanday murojaat qilsin? To'liq ismingizni yozing yoki Telegram ismingiz yozilgan tugmani bosing.
onboarding-name-hint = Iltimos, ismingizni matn bilan yozing.
onboarding-ask-building = Uyingizni toping: ro'yxatdan tanlang, manzilning bir qismini yozing yoki joylashuvingizni yuboring.
onboarding-building-placeholder = Ko'cha yoki uy…
onboarding-share-location = 📍 Joylashuvimni yuborish
onboarding-building-page = Uylar, { $page }-sahifa, jami { $pages }:
onboarding-building-all = 📋 Barcha uylar
onboarding-building-distance = { $address } · { $km } km
onboarding-no-buildings = Manzillar ma'lumotnomasi bo'sh. Boshqaruv kompaniyasiga murojaat qiling.
onboarding-location-address = Joylashuvingiz: { $address }
onboarding-nearest = Sizga eng yaqin uylar:
onboarding-nothing-near = Koordinatali uylar topilmadi. Uyingizni ro'yxatdan tanlang yoki manzilni yozing.
onboarding-search-empty = Bu manzil bo'yicha hech narsa topilmadi. Boshqa so'z bilan urinib ko'ring yoki ro'yxatdan tanlang:
onboarding-search-results = Qidiruvingiz bo'yicha uylar:
onboarding-building-hint = Iltimos, uyni ro'yxatdan tanlang, manzilning bir qismini yozing yoki joylashuvingizni yuboring.
onboarding-building-chosen = Uy: { $address }
onboarding-ask-apartment = Xonadon raqamini yozing, masalan 12 yoki 12A.
onboarding-apartment-hint = Iltimos, xonadon raqamini matn bilan yozing, masalan 12.
onboarding-ask-kind = { $apartment }-xonadon. Siz egasimisiz yoki ijarachimisiz?
onboarding-kind-hint = Iltimos, tugma bilan tanlang: ega yoki ijarachi.
onboarding-submitted-short = Tekshiruvga yuborildi
onboarding-submitted = Rahmat! { $address }, { $apartment }-xonadonni bog'lash so'rovingiz menejerga tekshiruvga yuborildi. Tekshirilgach, xabar olasiz.

residency-owner = Ega
residency-tenant = Ijarachi

verification-pending = tekshiruv kutilmoqda
verification-document_requested = hujjat so'ralgan
verification-approved = tasdiqlangan
verification-rejected = rad etilgan

## Profile

profile-text =
    👤 { $name }
    📱 { $phone }
    Rollar: { $roles }

    Xonadonlar:
    { $apartments }
profile-apartment-line = • { $address }, { $apartment }-xonadon ({ $kind }): { $state }
profile-no-phone = telefon ko'rsatilmagan
profile-no-apartments = hozircha yo'q
profile-add-apartment = ➕ Xonadon qo'shish

## Verification (manager side and resident notifications)

verify-card =
    🏠 Tekshiruv so'rovi
    { $name }, { $phone }
    { $address }, { $apartment }-xonadon ({ $kind })
verify-document = 📄 { $address }, { $apartment }-xonadon uchun hujjat
verify-approve = ✅ Tasdiqlash
verify-reject = ❌ Rad etish
verify-ask-document = 📄 Hujjat so'rash
verify-approved-short = Tasdiqlandi
verify-approved = ✅ Tasdiqlandi: { $apartment }-xonadon.
verify-document-asked = 📄 Hujjat surati so'raldi.
verify-ask-reason = { $apartment }-xonadonni rad etish sababini yozing; aholi uni ko'radi.
verify-reason-hint = Iltimos, sababni matn bilan yozing.
verify-rejected = ❌ Rad etildi: { $apartment }-xonadon. Aholiga sabab yuborildi.
residency-approved = ✅ Manzilingiz tasdiqlandi: { $address }, { $apartment }-xonadon. Endi ariza yuborishingiz mumkin.
residency-rejected = ❌ { $address }, { $apartment }-xonadon manzili tasdiqlanmadi. Sabab: { $reason }
residency-document-requested = 📄 { $address }, { $apartment }-xonadonni tasdiqlash uchun menejer yashashingizni tasdiqlovchi hujjat suratini so'ramoqda (ijara shartnomasi yoki mulk guvohnomasi).
residency-send-document = 📄 Hujjat suratini yuborish
residency-document-ask = Hujjat suratini (yoki PDF faylni) yuboring.
residency-document-received = Rahmat, hujjat menejerga yuborildi.
residency-document-hint = Iltimos, hujjat suratini yoki PDF faylni yuboring.

## Errors

error-phone-invalid = Bu telefon raqamiga o'xshamaydi.
error-name-invalid = Iltimos, haqiqiy ism yozing: harflar bilan 2 dan { $max } gacha belgi.
error-apartment-invalid = Xonadon raqami raqam bilan boshlanishi kerak, masalan 12 yoki 12A.
error-apartment-not-found = Bu uyda { $number }-xonadon yo'q. Raqamni tekshirib, qayta yozing.
error-apartment-already-linked = { $number }-xonadon allaqachon profilingizda bor.
error-verification-decided = Bu tekshiruv bo'yicha allaqachon qaror qabul qilingan.
error-file-type = Bu turdagi fayl qabul qilinmaydi. Rasm, video, PDF yoki ovozli xabar yuboring.
error-file-too-large = Fayl juda katta: ko'pi bilan { $max } MB.

## Navigation

nav-prev = ◀️ Orqaga
nav-next = Keyingi ▶️

# REST API mijozlari (adminlar: ⚙️ Sozlamalar → 🔑 API mijozlari) va API orqali qabul qilingan arizalar.

api-clients-btn-open = 🔑 API mijozlari
api-clients-title = 🔑 API mijozlari
api-clients-hint = Integratsiyalar (call-markaz, buxgalteriya) REST API /api/v1 ga mijoz id va maxfiy kalit bilan murojaat qiladi. Bekor qilingan mijoz darhol ishlamay qoladi.
api-clients-empty = Hozircha mijozlar yo'q.
api-clients-line = #{ $id } { $name } · { $scopes } · { $buildings ->
        [0] barcha uylar
       *[other] uylar: { $buildings }
    } · { $state }
api-clients-active = faol
api-clients-revoked = bekor qilingan
api-clients-btn-revoke = 🚫 Bekor qilish #{ $id }
api-clients-btn-new = ➕ Yangi mijoz
api-clients-btn-create = ✅ Yaratish
api-clients-btn-cancel = ✖️ Bekor qilish
api-clients-btn-list = 🔑 API mijozlari
api-clients-ask-name = Yangi mijoz nomini yuboring, masalan: Call-markaz.
api-clients-ask-scopes = «{ $name }» nima qila oladi? Tanlang va «Yaratish»ni bosing.
api-clients-created =
    ✅ Mijoz #{ $id } «{ $name }» yaratildi ({ $scopes }).
    Mijoz id: { $id }
    Maxfiy kalit: { $secret }
    Kalit faqat hozir ko'rsatiladi: uni integratsiya sozlamalariga nusxalang. Tokenlar: POST /api/v1/token.
api-clients-created-short = Mijoz #{ $id } yaratildi
api-clients-revoked-short = Mijoz #{ $id } «{ $name }» bekor qilindi: uning tokenlari endi ishlamaydi.
api-scope-requests-read = arizalarni o'qish
api-scope-requests-write = ariza berish va izohlar
api-scope-export = eksport
api-clients-error-admins-only = API mijozlarini faqat adminlar boshqaradi.
api-clients-error-scope = Noma'lum huquq: { $scope }. requests:read, requests:write yoki export dan foydalaning.
api-clients-error-no-scope = Kamida bitta huquqni tanlang.
api-clients-error-name = Nom 2 dan { $max } belgigacha bo'lishi kerak.
api-clients-error-unknown = Faol API mijozi #{ $id } yo'q.

api-intake-filed =
    📞 Arizangiz №{ $number } qabul qilindi: { $by }, { $category }.
    { $description }
    Ishga olinish muddati — { $accept_due }, bajarilish muddati — { $complete_due }. Holati o'zgarganda xabar olasiz; ariza «Mening arizalarim»da ko'rinadi.
api-intake-unknown-phone = Hech bir aholi botda bu telefonni ko'rsatmagan.
api-intake-choose-apartment = Aholining bir nechta xonadoni bor: apartment_id ni ko'rsating, quyidagilardan biri: { $choices }.
api-intake-choose-building = Aholining xonadonlari bir nechta uyda: building_id ni ko'rsating, quyidagilardan biri: { $choices }.

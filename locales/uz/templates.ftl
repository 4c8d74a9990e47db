# Rad etish sabablari shablonlari: ariza rad etilganda pult taklif qiladigan sabablar.

templates-btn-open = 📝 Rad etish shablonlari
templates-title = 📝 Ariza rad etilganda taklif qilinadigan sabablar:
templates-line = { $index }. { $text }
templates-defaults-note = Bular tayyor sabablar. Ularni almashtirish uchun o'zingiznikini qo'shing.
templates-own-note = Sababni o'chirish uchun 🗑 tugmasini bosing. Hech biri qolmasa, yana tayyor sabablar taklif qilinadi.
templates-btn-remove = 🗑 { $index }. { $text }
templates-btn-add = ➕ Qo'shish
templates-ask-text = Yangi sabab matnini yuboring ({ $min } dan { $max } tagacha belgi). Aholi uni aynan siz yozgandek ko'radi.
templates-added = Sabab qo'shildi.
templates-removed = Sabab o'chirildi.
templates-text-hint = Sababni matn sifatida yuboring yoki «Bekor qilish» tugmasini bosing.
templates-error-too-short = Sabab juda qisqa: kamida { $min } ta belgi bo'lishi kerak.
templates-error-too-long = Sabab juda uzun: ko'pi bilan { $max } ta belgi.
templates-error-duplicate = Bu sabab ro'yxatda allaqachon bor.
templates-error-too-many = Ro'yxatda allaqachon { $max } ta sabab bor. Avval bittasini o'chiring.
templates-error-outdated = Sabablar ro'yxati o'zgardi. Uni qaytadan oching.

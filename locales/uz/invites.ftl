# Ochiq takliflar va o'chirilgan ijrochining ishlarini pultga qaytarish.

staff-btn-invites = 📨 Ochiq takliflar
staff-invites-title = 📨 Ochiq takliflar: { $count }
staff-invites-empty = Ochiq takliflar yo'q: barcha havolalar ishlatilgan, bekor qilingan yoki muddati o'tgan.
staff-invite-line = #{ $id } · { $role } · { $details } · { $until } gacha · yaratdi: { $by }
staff-btn-invite-revoke = 🚫 #{ $id } ni bekor qilish
staff-btn-people = 👥 Odamlar
staff-invite-revoked = #{ $id } taklif bekor qilindi: havola endi ishlamaydi.
staff-invite-gone = Bu taklif endi ochiq emas (ishlatilgan, bekor qilingan yoki muddati o'tgan).
error-invite-revoked = Bu taklif havolasi bekor qilingan. Yangisini so'rang.
staff-hand-back-offer = O'chirilgan xodimda ochiq ishlar qoldi: { $count }. Qayta tayinlash uchun ularni pultga qaytaraylikmi?
staff-btn-hand-back = ↩️ Ishlarni pultga qaytarish ({ $count })
staff-btn-keep-jobs = Tayinlangan holda qoldirish
staff-hand-back-done = Pultga qaytarildi: { $count }
staff-hand-back-kept = Qaytarilmadi (siz boshqarmaydigan uylar): { $count }
staff-btn-person-card = 👤 Xodim kartasiga qaytish

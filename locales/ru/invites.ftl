# Открытые приглашения и возврат заявок отключённого исполнителя на пульт.

staff-btn-invites = 📨 Открытые приглашения
staff-invites-title = 📨 Открытые приглашения: { $count }
staff-invites-empty = Открытых приглашений нет: все ссылки использованы, отозваны или истекли.
staff-invite-line = #{ $id } · { $role } · { $details } · до { $until } · создал(а) { $by }
staff-btn-invite-revoke = 🚫 Отозвать #{ $id }
staff-btn-people = 👥 Люди
staff-invite-revoked = Приглашение #{ $id } отозвано: ссылка больше не работает.
staff-invite-gone = Это приглашение уже не открыто (использовано, отозвано или истекло).
error-invite-revoked = Это приглашение отозвано. Попросите новое.
staff-hand-back-offer = У отключённого сотрудника остались открытые заявки: { $count }. Вернуть их на пульт, чтобы назначить заново?
staff-btn-hand-back = ↩️ Вернуть заявки на пульт ({ $count })
staff-btn-keep-jobs = Оставить назначенными
staff-hand-back-done = Возвращено на пульт: { $count }
staff-hand-back-kept = Не возвращено (дома, которыми вы не управляете): { $count }
staff-btn-person-card = 👤 К карточке сотрудника

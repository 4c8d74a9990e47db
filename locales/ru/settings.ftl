# Настройки администратора: сроки (SLA), рабочие часы и дни, праздники, тихие часы.

menu-settings = ⚙️ Настройки

settings-title = ⚙️ Настройки
settings-sla-hint = ⏱ Сроки (SLA) по категориям: выберите категорию ниже.
settings-line-business = 🕘 Рабочие часы: { $start }–{ $end }
settings-line-weekdays = 📅 Рабочие дни: { $days }
settings-line-holidays = 🎉 Праздничных дней: { $count }
settings-line-quiet = 🌙 Тихие часы (без напоминаний, кроме аварийных): { $value }
settings-line-auto-accept = ⏳ Выполненная работа принимается автоматически через { $hours } ч; жителю напоминаем за { $reminder } ч.
settings-line-follow-up = 📞 Низкую оценку или возврат работы разбирают в течение { $hours } ч.
settings-quiet-none = выключены

settings-btn-category = ⏱ { $category }
settings-btn-business = 🕘 Рабочие часы
settings-btn-weekdays = 📅 Рабочие дни
settings-btn-holidays = 🎉 Праздники
settings-btn-quiet = 🌙 Тихие часы
settings-btn-auto-accept = ⏳ Автоприёмка
settings-btn-reminder = 🔔 Напоминание до неё
settings-btn-follow-up = 📞 Срок разбора
settings-btn-back = ◀️ К настройкам
settings-btn-cancel = ✖️ Отмена
settings-btn-quiet-off = 🔕 Выключить тихие часы

settings-unit-days = { $n } д
settings-unit-hours = { $n } ч
settings-unit-minutes = { $n } мин

settings-sla-title = ⏱ Сроки: { $category }
settings-sla-row = { $icon } { $urgency }: принять за { $accept }, выполнить за { $complete } ({ $mode })
settings-sla-changed = ✏️ изменено
settings-mode-business = рабочие часы
settings-mode-calendar = круглосуточно
settings-sla-note = В рабочих часах считается только рабочее время рабочих дней. Нажмите кнопку, чтобы изменить срок; «по умолчанию» возвращает стандартный.
settings-btn-accept = { $urgency }: ⏱ принять
settings-btn-complete = { $urgency }: ✅ выполнить
settings-btn-business-on = { $urgency }: 🕘 рабочие часы ✅
settings-btn-business-off = { $urgency }: 🕘 рабочие часы ⬜
settings-btn-reset = { $urgency }: ↩️ по умолчанию

settings-weekday-0 = Пн
settings-weekday-1 = Вт
settings-weekday-2 = Ср
settings-weekday-3 = Чт
settings-weekday-4 = Пт
settings-weekday-5 = Сб
settings-weekday-6 = Вс
settings-weekdays-title = 📅 Рабочие дни. Нажмите на день, чтобы включить или выключить его; хотя бы один должен остаться.
settings-btn-day-on = ✅ { $day }
settings-btn-day-off = ⬜ { $day }

settings-holidays-title = 🎉 Праздники (выходные помимо еженедельных):
settings-holidays-empty = Праздников пока нет.
settings-holiday-line = • { $date }
settings-btn-holiday-remove = 🗑 { $date }
settings-btn-holiday-add = ➕ Добавить праздник
settings-holiday-added = Праздник добавлен.
settings-holiday-removed = Праздник удалён.

settings-ask-accept = Отправьте срок принятия заявки для «{ $category }» / «{ $urgency }», например 30m, 4h, 3d или 1h30m (можно 30 мин, 4 ч, 3 д). Сейчас: { $current }.
settings-ask-complete = Отправьте срок выполнения заявки для «{ $category }» / «{ $urgency }», например 30m, 4h, 3d или 1h30m (можно 30 мин, 4 ч, 3 д). Сейчас: { $current }.
settings-ask-business-note = Этот срок считается в рабочих часах: 1 д — один рабочий день ({ $day }).
settings-ask-business-hours = Отправьте рабочий день двумя значениями времени, например 09:00-18:00. Сейчас: { $start }–{ $end }.
settings-ask-quiet = Отправьте тихие часы двумя значениями времени, например 22:00-08:00 (можно через полночь). Одинаковое время дважды выключает их. Сейчас: { $current }.
settings-ask-holiday = Отправьте дату праздника в виде ДД.ММ.ГГГГ или ГГГГ-ММ-ДД, например 08.12.2026.
settings-ask-auto-accept = Отправьте, через сколько часов выполненная работа принимается автоматически, если житель не ответил (от { $min } до { $max }). Сейчас: { $current }.
settings-ask-reminder = Отправьте, за сколько часов до автоприёмки напомнить жителю (от 1 до { $max }). Сейчас: { $current }.
settings-ask-follow-up = Отправьте, в течение скольких часов менеджер должен разобрать низкую оценку или возврат работы (от { $min } до { $max }). Сейчас: { $current }.
settings-text-hint = Отправьте значение текстом или нажмите «Отмена».
settings-saved = Сохранено.
settings-nothing-changed = Ничего не изменено.

settings-error-admins-only = Менять настройки может только администратор.
settings-error-duration = Это не срок. Напишите, например, 30m, 4h, 3d или 1h30m.
settings-error-duration-range = Срок должен быть от 1 минуты до { $max } дней.
settings-error-accept-after-complete = Срок принятия не может быть больше срока выполнения.
settings-error-time-range = Напишите два значения времени в виде ЧЧ:ММ, например 09:00-18:00.
settings-error-business-order = Рабочий день должен начинаться раньше, чем заканчивается.
settings-error-last-weekday = Должен остаться хотя бы один рабочий день.
settings-error-date = Это не дата. Напишите её в виде ДД.ММ.ГГГГ или ГГГГ-ММ-ДД, например 08.12.2026.
settings-error-holiday-exists = Этот день уже праздничный.
settings-error-too-many-holidays = Праздников уже { $max }. Сначала удалите старые.
settings-error-hours = Отправьте целое число часов от { $min } до { $max }.
settings-error-reminder = Напоминание — целое число часов, не меньше 1 и меньше срока автоприёмки ({ $delay } ч).
settings-error-delay-below-reminder = Срок автоприёмки должен быть больше напоминания ({ $reminder } ч). Сначала уменьшите напоминание.
settings-error-outdated = Настройки изменились. Откройте их заново.

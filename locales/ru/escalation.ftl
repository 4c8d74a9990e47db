# Эскалации (продление, звонок, связались), контроль обращений в панели, остаток времени.

## Остаток времени (bot/durations.py): две старшие единицы, с точностью до минуты.
time-minutes = { $count ->
    [one] { $count } минута
    [few] { $count } минуты
   *[other] { $count } минут
}
time-hours = { $count ->
    [one] { $count } час
    [few] { $count } часа
   *[other] { $count } часов
}
time-days = { $count ->
    [one] { $count } день
    [few] { $count } дня
   *[other] { $count } дней
}
time-under-minute = меньше минуты
time-pair = { $major } { $minor }
time-left = осталось: { $duration }
time-overdue = просрочка: { $duration }
time-deadline = { $due } · { $left }

## Карточки: срок прошёл.
card-accept-late = ⚠️ Исполнитель должен был взять заявку до: { $due }
card-complete-late = ⚠️ Срок выполнения истёк: { $due }

## Кнопки карточки эскалации (сами кнопки в deadlines.ftl).
escalation-extended = ⏩ Заявка { $number }: новый срок { $due }.
escalation-extended-note = ⏩ { $name } продлил(а) срок до { $due }.
escalation-call = 📞 { $name }: { $phone }
escalation-call-message =
    📞 Житель по заявке { $number }: { $name }
    Телефон: { $phone }
escalation-no-phone = Житель не указал номер телефона.
escalation-contacted = ☑️ Записано: с жителем связались.
escalation-contacted-note = ☑️ { $name } связался(ась) с жителем ({ $at }).

## Контроль обращений в панели.
escalation-follow-up-item = { $number } · { $reason } · { $address }
escalation-follow-up-line = • { $number }: { $reason }, до { $due } ({ $left })
escalation-follow-up-card = 📌 На контроле: { $reason }, до { $due } ({ $left })
escalation-btn-close-follow-up = ✅ Снять с контроля
escalation-ask-follow-up-comment = Заявка { $number } ({ $reason }): напишите, что сделано, чтобы снять её с контроля.
escalation-follow-up-closed = ✅ Заявка { $number } снята с контроля.

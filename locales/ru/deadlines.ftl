# Сроки: напоминания, эскалации, автоприёмка, разбор обращений (рассылает планировщик).

sla-phase-accept = принятия заявки
sla-phase-complete = выполнения работ

sla-reminder-accept =
    ⏰ Напоминание: заявку { $number } ({ $category }, { $address }) нужно принять до { $due }.
    Примите её или откажитесь.
sla-reminder-complete =
    ⏰ Напоминание: работы по заявке { $number } ({ $category }, { $address }) нужно закончить до { $due }.
sla-reminder-unassigned =
    ⏰ У заявки { $number } ({ $category }, { $urgency }, { $address }) всё ещё нет исполнителя.
    Её нужно принять до { $due }.
sla-escalation =
    🔴 Просрочено: заявка { $number } ({ $category }, { $urgency })
    Адрес: { $address }
    Исполнитель: { $executor }
    Срок { $phase } истёк { $due }.
sla-escalation-critical =
    🆘 Сильно просрочено: заявка { $number } ({ $category }, { $urgency })
    Адрес: { $address }
    Исполнитель: { $executor }
    Срок { $phase } истёк { $due }, и прошло ещё полсрока.

sla-btn-reassign = 🔁 Переназначить
sla-btn-extend-2h = ⏩ +2 ч
sla-btn-extend-1d = ⏩ +1 день
sla-btn-call = 📞 Позвонить жителю
sla-btn-contacted = ☑️ Связались с жителем
sla-btn-open-job = 🛠 Открыть задачу

sla-extended-executor = ⏩ Срок по заявке { $number } продлён до { $due }.
sla-error-nothing-to-extend = У этой заявки нет идущего срока, который можно продлить.

auto-accept-reminder =
    ⏳ Заявка { $number } выполнена и ждёт вашего ответа.
    Если вы не ответите, она будет принята автоматически { $at }.

follow-up-reason-low_rating = низкая оценка
follow-up-reason-returned = житель вернул работу
follow-up-overdue =
    📌 Разбор заявки { $number } ({ $reason }) нужно было закончить до { $due }, он всё ещё открыт.
follow-up-error-comment-required = Напишите, что сделано, чтобы закрыть разбор.
follow-up-error-none-open = У этой заявки нет открытого разбора.

# Рабочее место менеджера: панель, очереди, поиск, карточка заявки, inline-режим.

menu-panel = 🗂 Панель
cmd-panel = Панель менеджера: очереди заявок
cmd-find = Найти заявку по номеру, телефону, квартире или адресу

desk-panel-title = 🗂 Панель менеджера. Выберите очередь:
desk-queue-button = { $name }: { $count }
desk-queue-new = 🆕 Новые
desk-queue-unassigned = 👤 Без исполнителя
desk-queue-overdue = ⏰ Просроченные
desk-queue-in_progress = 🔧 В работе
desk-queue-waiting = ⏳ Ждут жителя
desk-queue-returned = ↩️ Возвращённые
desk-queue-low_rated = 📌 На контроле
desk-queue-verification = 🏠 Проверка жителей
desk-queue-title = { $name }: { $total }. Страница { $page } из { $pages }
desk-queue-empty = { $name }: пусто.
desk-item = { $number } · { $status } · { $category } · { $address }
desk-item-apartment = { $address }, кв. { $apartment }
desk-link-line = • { $name } — { $address }, кв. { $apartment }
desk-btn-approve = ✅ Подтвердить кв. { $apartment }
desk-btn-verify-reject = ❌ Отклонить
desk-btn-panel = 🗂 Панель
desk-btn-search = 🔎 Поиск

desk-ask-search = Отправьте номер заявки (или его начало), телефон, номер квартиры или часть адреса.
desk-search-empty = По запросу «{ $query }» ничего не найдено.
desk-search-found = Найдено по запросу «{ $query }»: { $count }

desk-card-author = 👤 Житель: { $name }, { $phone }
desk-btn-assign = 👷 Назначить
desk-btn-reassign = 🔁 Переназначить
desk-btn-confirm = ✅ Подтвердить выполнение
desk-btn-close = 🔒 Закрыть за жителя
desk-btn-hold = ⏸ Приостановить
desk-btn-resume = ▶️ Возобновить
desk-btn-category = 🏷 Категория
desk-btn-urgency = 🚨 Срочность
desk-btn-reject = 🚫 Отклонить
desk-btn-duplicate = 🔗 Дубликат…
desk-btn-comment = 🔒 Внутренний комментарий
desk-btn-media = 🖼 Показать файлы ({ $count })
desk-btn-back = ◀️ Назад
desk-btn-abort = ✖️ Отмена
desk-btn-open = 📂 Открыть
desk-nothing-changed = Ничего не изменилось.
desk-done = Готово.
desk-no-media = У этой заявки нет файлов.
desk-media-sent = Отправлено файлов: { $count }
desk-text-hint = Отправьте ответ текстом или нажмите «Отмена».

desk-picker-title = 👷 Исполнитель для заявки { $number } (страница { $page } из { $pages }):
desk-picker-empty = Нет активных исполнителей.
desk-picker-line = { $index }. { $name } — { $reason }
desk-picker-button = { $index }. { $name }
desk-assigned = Назначен: { $name }

assign-reason-specialization = { $specialization }
assign-reason-no-specialization = другая специализация
assign-reason-on-duty = на смене
assign-reason-off-duty = не на смене
assign-reason-open-jobs = { $count ->
    [one] { $count } открытая заявка
    [few] { $count } открытые заявки
   *[other] { $count } открытых заявок
}
assign-reason-distance = { $km } км
assign-reason-rating = рейтинг { $rating }

desk-ask-category = Новая категория для заявки { $number }:
desk-ask-urgency = Новая срочность для заявки { $number }:
desk-ask-hold = Почему заявка { $number } приостановлена?
desk-ask-hold-comment = Опишите, почему заявка { $number } приостановлена:
desk-ask-reject = Причина отклонения заявки { $number }: выберите шаблон или напишите свою.
desk-reject-tpl-1 = Не входит в обязанности управляющей компании
desk-reject-tpl-2 = Повторная заявка
desk-reject-tpl-3 = Недостаточно информации для выполнения
desk-reject-tpl-4 = Работы уже запланированы управляющей компанией
desk-ask-comment = Внутренний комментарий к заявке { $number } (его увидят только сотрудники):
desk-internal-mark = 🔒 внутренний: { $text }
desk-comment-saved = Внутренний комментарий сохранён. Житель его не видит.
desk-ask-close-comment = Комментарий к закрытию заявки { $number } за жителя:
desk-ask-duplicate = Номер заявки, дубликатом которой является { $number }:
desk-duplicate-reason = Дубликат заявки { $number }
desk-duplicate-linked = Отмечено как дубликат { $number }; автор теперь следит за той заявкой.
desk-error-no-such-request = Заявки { $number } нет в ваших домах.
desk-error-same-request = Заявка не может быть дубликатом самой себя.
desk-error-original-finished = Заявка { $number } уже завершена.

desk-staff-post =
    📌 Заявка №{ $number } — { $status }
    { $category } · { $urgency }
    📍 { $address }{ $kind ->
        [apartment] , кв. { $apartment }
       *[other] {""}
    }
    👷 { $executor }

desk-on-duty = на смене
desk-off-duty = не на смене
desk-inline-title = { $number } · { $status }
desk-inline-card =
    📄 { $line }
    🚨 { $urgency }
desk-inline-executor = 👷 { $name }, { $phone } · { $duty } · открытых заявок: { $count }
desk-inline-executor-short = { $duty } · открытых заявок: { $count }

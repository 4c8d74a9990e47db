## Tracking: "My requests"

cmd-my = Мои заявки
tracking-list-active = 📋 Ваши активные заявки: { $total }. Страница { $page } из { $pages }. Нажмите на заявку, чтобы открыть её.
tracking-list-archive = 🗄 Архив (закрытые, отклонённые и отменённые заявки): { $total }. Страница { $page } из { $pages }.
tracking-list-empty-active = У вас нет активных заявок. Чтобы сообщить о проблеме, нажмите «📝 Новая заявка» в меню.
tracking-list-empty-archive = Архив пуст: завершённых заявок пока нет.
tracking-list-item = { $number } · { $category } · { $status }
tracking-show-archive = 🗄 Архив
tracking-show-active = 📋 Активные заявки

## The request card

tracking-card-title = 📄 Заявка { $number }
tracking-card-status = Статус: { $status }
tracking-card-category = Категория: { $category } · { $urgency }
tracking-card-place-apartment = Место: { $address }, кв. { $apartment }
tracking-card-place-common = Место: { $address } · { $place }
tracking-card-place-entrance = Место: { $address } · { $place }, подъезд { $entrance }
tracking-card-description = Описание: { $description }
tracking-card-executor = Исполнитель: { $name }
tracking-card-no-executor = Исполнитель: пока не назначен
tracking-card-accept-due = ⏱ Исполнитель возьмёт заявку до: { $due }
tracking-card-complete-due = ⏱ Срок выполнения: { $due }
tracking-card-paused = ⏸ Срок приостановлен, пока работа на паузе.
tracking-card-files = 📎 Фото и файлы: { $count }
tracking-card-rating = Ваша оценка: { $stars } ⭐
tracking-card-history = История:
tracking-card-event = • { $at } · { $action }
tracking-card-event-text = • { $at } · { $action }: { $text }
tracking-card-action-reason = { $action } ({ $reason })
tracking-card-comment = • { $at } · 💬 { $who }: { $text }
tracking-card-earlier = • … более ранних записей: { $count }
tracking-who-you = вы
tracking-who-resident = житель
tracking-who-executor = исполнитель { $name }
tracking-who-manager = менеджер

tracking-hold-materials = ожидание материалов
tracking-hold-clarification = ожидание вашего ответа
tracking-hold-other = другая причина

tracking-btn-comment = 💬 Добавить комментарий
tracking-btn-photos = 📷 Добавить фото
tracking-btn-cancel = ❌ Отменить заявку
tracking-btn-back = ⬅️ К списку
tracking-btn-done = ✅ Готово
tracking-btn-abort = ✖️ Передумал
tracking-btn-skip = Пропустить
tracking-rate-button = { $stars } ⭐

## Comments and photos

tracking-ask-comment = Напишите комментарий к заявке { $number }. Его увидят исполнитель и менеджер.
tracking-comment-hint = Пожалуйста, напишите комментарий текстом. Чтобы приложить фото, нажмите «📷 Добавить фото» в карточке заявки.
tracking-comment-sent = ✅ Ваш комментарий добавлен к заявке { $number }.
tracking-ask-photos = Отправьте фото или видео к заявке { $number } (не более { $max }), затем нажмите «✅ Готово».
tracking-photo-received = 📎 Получено. Отправьте ещё или нажмите «✅ Готово».
tracking-photos-hint = Пожалуйста, отправьте фото, видео или PDF либо нажмите «✅ Готово».
tracking-photos-limit = Это максимум: { $max } файлов. Нажмите «✅ Готово», чтобы отправить их.
tracking-photos-none = Сначала отправьте хотя бы одно фото.
tracking-photos-sent = ✅ К заявке { $number } добавлено файлов: { $count }.
tracking-nothing-changed = Ничего не изменилось.

## Cancelling

tracking-ask-cancel-reason = Почему вы хотите отменить заявку { $number }? Напишите причину.
tracking-reason-hint = Пожалуйста, напишите причину текстом.
tracking-cancelled = ❌ Заявка { $number } отменена.

## Closing the loop

tracking-ask-rating = Как вы оцениваете работу по заявке { $number }? Выберите от 1 до 5 звёзд.
tracking-ask-feedback = Ваша оценка: { $stars } ⭐. Напишите пару слов о работе или нажмите «Пропустить».
tracking-feedback-hint = Пожалуйста, напишите отзыв текстом или нажмите «Пропустить».
tracking-accepted = ✅ Спасибо! Заявка { $number } закрыта с вашей оценкой { $stars } ⭐.
tracking-accepted-low = ✅ Заявка { $number } закрыта с вашей оценкой { $stars } ⭐. Нам жаль, что работа вас разочаровала: менеджер разберётся.
tracking-ask-return-reason = Что не так с работой по заявке { $number }? Напишите причину: заявка вернётся исполнителю.
tracking-returned = ↩️ Заявка { $number } возвращена в работу. Исполнитель и менеджер уведомлены.

## Errors

error-request-finished = Заявка уже завершена ({ $status }): её больше нельзя изменить.
error-too-many-files = Слишком много файлов: не более { $max } за раз.

## Notifications about requests

notify-open-request = 📄 Открыть заявку
notify-accept-work = ✅ Принять
notify-return-work = ↩️ Вернуть в работу
notify-status = 🔔 Заявка { $number }: { $status }.
notify-created = 🆕 Новая заявка { $number }: { $category }, { $urgency }.
notify-assigned-executor =
    🛠 Вам назначена заявка { $number }.
    { $category } · { $urgency }
    📍 { $address }, { $kind ->
        [apartment] кв. { $apartment }, подъезд { $entrance }
       *[other] { $place }
    }
    🗺 { $map }
    🚪 { $access } · { $slot }
    👤 { $name }, { $phone }
    📝 { $description }
    ⏱ Принять до { $accept_due }, выполнить до { $complete_due }
notify-unassigned-executor = Заявка { $number } больше не назначена вам.
notify-declined = ⚠️ Исполнитель отказался от заявки { $number }: { $reason }. Нужен новый исполнитель.
notify-paused = ⏸ Работа по заявке { $number } приостановлена: { $reason }.
notify-paused-comment = ⏸ Работа по заявке { $number } приостановлена: { $reason }. { $comment }
notify-completed =
    ✅ Заявка { $number } выполнена.
    Исполнитель { $executor }: { $comment }

    Пожалуйста, проверьте работу и примите её или верните в работу.
notify-completed-watcher =
    ✅ Заявка { $number }, за которой вы следите, выполнена.
    Исполнитель { $executor }: { $comment }
notify-rated-executor = ⭐ Житель принял заявку { $number } с оценкой { $rating }.
notify-low-rating = ⚠️ Низкая оценка по заявке { $number }: { $rating } ⭐. Комментарий жителя: { $comment }. Пожалуйста, разберитесь.
notify-closed-by-manager = ✅ Заявка { $number } закрыта менеджером: { $comment }
notify-auto-accepted = ✅ Заявка { $number } принята автоматически.
notify-closed-executor = ✅ Заявка { $number } закрыта.
notify-returned = ↩️ Житель вернул заявку { $number } в работу: { $reason }
notify-rejected = ❌ Заявка { $number } отклонена: { $reason }
notify-cancelled = ❌ Заявка { $number } отменена: { $reason }
notify-category-changed = Заявка { $number }: категория изменена на «{ $category }».
notify-urgency-changed = Заявка { $number }: срочность изменена на «{ $urgency }».
notify-comment = 💬 Заявка { $number }, комментарий ({ $who }): { $text }
notify-files =
    📎 Заявка { $number }: { $who } добавил(а) { $count ->
        [one] { $count } файл
        [few] { $count } файла
       *[other] { $count } файлов
    }.

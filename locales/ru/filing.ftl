## Подача заявки: мастер

filing-ask-category = 📝 Новая заявка. С чем проблема? Выберите категорию:
filing-ask-place = 📍 Где проблема?
filing-home = 🏠 Моя квартира { $apartment }
filing-home-in = 🏠 Кв. { $apartment }, { $address }
filing-common = 🏢 Общее имущество дома
filing-common-in = 🏢 Общее имущество: { $address }
filing-ask-area = 🏢 { $address }. Где именно в доме?
filing-ask-description =
    ✍️ Опишите проблему: что случилось, с какого времени, что уже пробовали сделать.
    Можно записать голосовое сообщение.
filing-current = Сейчас: { $value }
filing-description-hint = Опишите проблему текстом или запишите голосовое сообщение. Фото можно будет добавить на следующем шаге.
filing-voice-kept = 🎤 Голосовое сообщение сохранено и приложено к заявке.
filing-ask-media =
    📎 Добавьте фото, видео, документы или голосовые сообщения (до { $max } файлов, можно альбомом).
    Когда закончите, нажмите «Готово». Без файлов — «Пропустить».
filing-media-received = 📎 Приложено файлов: { $count } из { $max }. Отправьте ещё или нажмите «Готово».
filing-media-hint = Отправьте фото, видео, документ или голосовое сообщение либо нажмите «Готово».
filing-media-done = ✅ Готово
filing-media-skip = ➡️ Пропустить
filing-media-clear = 🗑 Удалить все файлы
filing-ask-urgency = ⏱ Насколько это срочно?
filing-emergency =
    🚨 Авария! Если затопление, запах газа, искрит проводка или есть угроза людям, немедленно позвоните диспетчеру: { $phone }
    Заявку мы тоже оформим.
filing-emergency-alert = 🚨 Авария: срочно позвоните диспетчеру: { $phone }
filing-urgency-chosen = ⏱ Срочность: { $urgency }
filing-ask-access = 🚪 Как мастер сможет попасть на место?
filing-ask-slot = 🕘 Когда удобно принять мастера?
filing-buttons-hint = Пожалуйста, выберите вариант кнопками.
filing-back = ◀️ Назад
filing-cancel = ✖️ Отмена
filing-cancelled = Заявка отменена, ничего не отправлено.
filing-cancelled-short = Отменено
filing-submitting = Заявка оформляется, секунду…

## Сводка

filing-summary =
    📝 Проверьте заявку:

    Категория: { $category }
    Место: { $place }
    Описание: { $description }
    Файлы: { $files }
    Срочность: { $urgency }
    Доступ: { $access }
    Время визита: { $slot }

    Всё верно? Нажмите «Подтвердить» или измените поле.
filing-place-apartment = { $address }, кв. { $apartment }
filing-place-common = { $address }, { $place }
filing-edit-category = ✏️ Категория
filing-edit-place = ✏️ Место
filing-edit-description = ✏️ Описание
filing-edit-media = ✏️ Файлы
filing-edit-urgency = ✏️ Срочность
filing-edit-access = ✏️ Доступ и время
filing-confirm = ✅ Подтвердить

## Результат

filing-filed =
    ✅ Заявка №{ $number } принята.
    Статус: { $status }
    Ожидаемый срок взятия в работу: { $accept_due }, выполнения: { $complete_due }.
    Мы сообщим вам о каждом изменении статуса.
filing-already-filed =
    Эта заявка уже подана: №{ $number }.
    Статус: { $status }
    Ожидаемый срок взятия в работу: { $accept_due }, выполнения: { $complete_due }.
filing-filed-short = Подана: №{ $number }
filing-already-filed-short = Эта заявка уже подана: №{ $number }.
filing-already-joined = Вы уже присоединились к заявке №{ $number }.

## Дубликаты

filing-duplicate-intro = 🔎 В вашем доме уже есть открытая похожая заявка. Можно присоединиться к ней и получать её обновления вместо подачи новой:
filing-similar =
    №{ $number } · { $category } · { $place }
    Статус: { $status }, подана { $created }
    { $description }
filing-similar-apartment = кв. { $apartment }
filing-join = 🔔 Присоединиться к №{ $number }
filing-file-anyway = 📝 Всё равно подать свою заявку
filing-joined =
    🔔 Вы присоединились к заявке №{ $number } (статус: { $status }).
    Мы сообщим вам о её изменениях.
filing-joined-short = Вы присоединились к №{ $number }

## Продолжение черновика

filing-resume = У вас есть незаконченная заявка (шаг: { $step }). Продолжить её или начать заново?
filing-resume-continue = ▶️ Продолжить
filing-resume-restart = 🔄 Начать заново
filing-step-category = категория
filing-step-place = место
filing-step-area = место
filing-step-description = описание
filing-step-media = файлы
filing-step-urgency = срочность
filing-step-access = доступ
filing-step-slot = время визита
filing-step-summary = подтверждение
filing-step-duplicate = подтверждение
filing-step-submitting = подтверждение
filing-link-home = 🏠 Привязать квартиру

## Кто может подать заявку

filing-error-not-registered = Чтобы подать заявку, сначала привяжите свою квартиру: нажмите кнопку ниже или отправьте /start.
filing-error-pending = Ваша квартира ещё ждёт проверки менеджером. Подавать заявки можно будет сразу после подтверждения.
filing-error-rejected = Ваш адрес не подтверждён, поэтому подать заявку пока нельзя. Добавьте квартиру заново в разделе 👤 Профиль или обратитесь в управляющую компанию.
filing-error-description-short = Описание слишком короткое: напишите хотя бы { $min } символа.
filing-error-too-many-files = К заявке можно приложить не более { $max } файлов; лишние не добавлены. Нажмите «Готово», чтобы продолжить.
filing-error-join-closed = Заявка №{ $number } уже закрыта. Пожалуйста, подайте свою заявку.
field-description = описание

## Доступ и время визита

access-any_time = В любое время
access-call_first = Сначала позвонить мне
access-key_at_concierge = Ключ у консьержа
access-with_me_present = Только в моём присутствии
timeslot-any = В любое время
timeslot-morning = Утром (9–12)
timeslot-afternoon = Днём (12–17)
timeslot-evening = Вечером (17–20)

## Карточка для менеджеров и чата сотрудников

filing-card =
    🆕 Новая заявка №{ $number }
    { $category } · { $urgency }
    📍 { $address }, { $kind ->
        [apartment] кв. { $apartment }
       *[other] { $place }
    }
    👤 { $name }, { $phone }
    📝 { $description }
    🚪 { $access } · { $slot }
    📎 Файлов: { $files }
    ⏱ Принять до { $accept_due }, выполнить до { $complete_due }

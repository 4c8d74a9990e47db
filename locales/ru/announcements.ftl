# Announcements: a manager writes to whole buildings; the delivery report and the history.

cmd-announce = Объявление жителям домов
announce-btn-open = 📢 Объявления
announce-home = 📢 Объявления
    Напишите всем жителям своих домов: информация, плановые работы или авария. Текст уходит так, как вы его написали; рамка вокруг него — на языке каждого жителя.
announce-btn-new = ✍️ Новое объявление
announce-btn-history = 📜 История
announce-btn-home = ◀️ Объявления
announce-btn-cancel = ✖️ Отмена
announce-cancelled = Объявление не отправлено.
announce-audience-title = 📢 Кому отправить? Выберите дома.
announce-audience-reach = Выбрано домов: { $buildings } · получат { $count ->
    [one] { $count } житель
    [few] { $count } жителя
   *[other] { $count } жителей
    }.
announce-audience-none = Дом ещё не выбран.
announce-btn-verified = 👥 Только подтверждённые жители
announce-btn-all-linked = 👥 Все привязанные жители (и ожидающие проверки)
announce-btn-next = Далее ➡️
announce-kind-title = Какое это объявление?
announce-btn-kind-info = ℹ️ Информация
announce-btn-kind-works = 🛠 Плановые работы
announce-btn-kind-outage = ⚠️ Авария
announce-kind-info = ℹ️ Информация
announce-kind-works = 🛠 Плановые работы
announce-kind-outage = ⚠️ Авария
announce-ask-window = 🛠 Когда работы? Отправьте начало и конец, например: 08.12 10:00-16:00 (или 08.12 22:00 - 09.12 06:00).
announce-window-saved = 🛠 Плановые работы: { $window }
announce-ask-text = ✍️ Напишите объявление: текст (жирный, курсив и ссылки сохраняются) или одно фото или документ с подписью. До { $max } символов.
announce-preview-title = 👆 Так его увидят жители.
announce-preview-reach = Получат { $count ->
    [one] { $count } житель
    [few] { $count } жителя
   *[other] { $count } жителей
    }: { $buildings }
announce-preview-audience-verified = Только подтверждённые жители.
announce-preview-audience-all = Все привязанные жители, и ожидающие проверки.
announce-btn-send = 📤 Отправить ({ $count })
announce-btn-edit = ✏️ Изменить текст
announce-btn-remind-on = ⏰ Напоминание за час: вкл
announce-btn-remind-off = ⏰ Напоминание за час: выкл
announce-sent = 📤 Отправляем: { $count }…
announce-already-sent = Это объявление уже отправлено; вот его отчёт о доставке.
announce-report-title = 📊 Объявление №{ $id } · { $kind } · { $at }
announce-report-buildings = 🏢 { $buildings }
announce-report-window = 🛠 { $window }
announce-report-reminder = ⏰ Напоминание жителям: { $at }
announce-report-reminder-sent = ⏰ Напоминание отправлено: { $at }
announce-report-paid = 💫 Отправлено платной рассылкой
announce-report-counts = Получателей: { $total } · в очереди: { $queued } · доставлено: { $delivered } · заблокировали бота: { $blocked } · ошибка: { $failed }
announce-report-sending = ⏳ Отправляем… отчёт обновляется сам.
announce-report-done = ✅ Отправка завершена.
announce-report-unreachable = ☎️ Не получили, позвоните им:
announce-report-person-blocked = • { $name }, { $apartment }, { $phone } (заблокировал бота)
announce-report-person-failed = • { $name }, { $apartment }, { $phone } (Telegram не принял сообщение)
announce-btn-refresh = 🔄 Обновить
announce-btn-report = 📊 Объявление №{ $id }
announce-history-buildings = 📜 История объявлений: выберите дом.
announce-history-title = 📜 Объявления для { $address } (страница { $page } из { $pages })
announce-history-empty = Объявлений пока нет.
announce-history-line = №{ $id } · { $at } · { $kind } · { $count } · «{ $preview }»
announce-message = 📢 <b>Объявление от { $organisation }</b> · { $kind }

    { $text }
announce-message-works = 📢 <b>Объявление от { $organisation }</b> · { $kind }
    🗓 <b>{ $window }</b>

    { $text }
announce-reminder = ⏰ <b>Напоминание от { $organisation }</b>: через час начинаются плановые работы.
    🗓 <b>{ $window }</b>

    { $text }
announce-error-empty = Объявление пустое: напишите текст (у фото или документа нужна подпись).
announce-error-too-long = Текст слишком длинный: { $length } символов, можно не больше { $max }. Сократите его, пожалуйста.
announce-error-photo-too-large = Фото слишком большое: не больше { $max } МБ.
announce-error-file-too-large = Файл слишком большой: не больше { $max } МБ.
announce-error-content = В объявлении может быть только текст, фото или документ.
announce-error-no-buildings = Выберите хотя бы один дом.
announce-error-no-residents = Его никто не получит: у выбранных домов пока нет жителей в боте.
announce-error-window = Отправьте начало и конец так: 08.12 10:00-16:00
announce-error-window-past = Начало уже прошло. Укажите время в будущем.
announce-error-window-order = Конец должен быть позже начала.
announce-error-reminder-late = Работы начинаются меньше чем через час: напоминать за час уже поздно.
announce-error-no-window = Сначала укажите начало и конец плановых работ.
settings-btn-flag-paid = 💫 Платная рассылка объявлений: { $value }
settings-line-paid-broadcast = 💫 Платная рассылка объявлений: { $value }
    Бесплатно Telegram отправляет не больше 30 сообщений в секунду: объявление 10 000 жителям идёт около 6 минут. С платной рассылкой — до 1 000 в секунду (10 000 примерно за 10 секунд), и Telegram списывает 0,1 звезды (Stars) за сообщение с баланса бота (около 1 000 звёзд за 10 000 жителей). Имеет смысл только для очень больших домов или срочных аварий.
announce-audience-entrances = 🚪 Подъезды: { $entrances }
announce-audience-all-entrances = 🚪 Все подъезды (нажмите на подъезд, чтобы сузить круг)
announce-btn-entrance = { $number }
announce-error-entrances = Подъезды можно выбрать, когда выбран один дом.
audit-action-announcement-sent = Объявление отправлено
announce-report-more = …и ещё { $count }, здесь не поместились.

## Исполнитель: карточки работ, мои работы, общий пул, дежурство

menu-my-jobs = 🛠 Мои работы
menu-pool = 📥 Пул заявок
cmd-jobs = Мои работы
cmd-pool = Пул: неназначенные заявки

job-btn-accept = ✅ Принять
job-btn-decline = 🚫 Отказаться
job-btn-claim = 🙋 Взять в работу
job-btn-start = ▶️ Начать
job-btn-resume = ▶️ Продолжить
job-btn-complete = ✅ Завершить
job-btn-materials = ⏸ Жду материалы
job-btn-ask = ❓ Спросить жителя
job-btn-eta = 🚗 { $minutes } мин
job-btn-start-now = ▶️ Начать сейчас, я на месте
job-btn-abort = ✖️ Отмена
job-btn-photos-done = ✅ Готово
job-btn-pool = 📥 Пул заявок
job-btn-my-jobs = 🛠 Мои работы
job-btn-go-on-duty = 🟢 Заступить на дежурство
job-btn-go-off-duty = ⚪️ Закончить дежурство

job-duty-on = 🟢 Вы на дежурстве.
job-duty-off = ⚪️ Вы не на дежурстве: автоматических назначений нет, брать заявки из пула нельзя.
job-duty-now-on = 🟢 Вы заступили на дежурство.
job-duty-now-off = ⚪️ Дежурство закончено.

job-list = 🛠 Ваши активные работы: { $total }. Страница { $page } из { $pages }. Сначала ближайший срок.
    { $duty }
job-list-empty = 🛠 У вас нет активных работ.
    { $duty }
job-list-item = { $number } · { $category } · { $status } · ⏱ { $due }
job-pool = 📥 Пул: { $total } неназначенных заявок по вашим специализациям. Страница { $page } из { $pages }.
job-pool-empty = 📥 Пул пуст: нет неназначенных заявок по вашим специализациям.
job-pool-read-only = ℹ️ Брать заявки из пула сейчас нельзя: их назначают менеджеры.
job-pool-off-duty = ℹ️ Заступите на дежурство, чтобы брать заявки из пула.
job-pool-item = { $number } · { $category } · { $urgency }

job-card-title = 🛠 Работа { $number }
job-card-status = Статус: { $status }
job-card-category = { $category } · { $urgency }
job-card-apartment = 📍 { $address }, кв. { $apartment } (подъезд { $entrance })
job-card-common = 📍 { $address } · { $place }
job-card-map = 🗺 { $url }
job-card-access = 🚪 { $access } · { $slot }
job-card-resident = 👤 { $name }, { $phone }
job-card-description = 📝 { $description }
job-card-accept-due = ⏱ Принять до { $due }
job-card-complete-due = ⏱ Выполнить до { $due }
job-card-paused = ⏸ Приостановлено: { $reason }
job-card-files =
    📎 { $count ->
        [one] { $count } файл
        [few] { $count } файла
       *[other] { $count } файлов
    }
job-card-comment = 💬 { $at } · { $who }: { $text }

job-nothing-changed = Ничего не изменилось.
job-accepted = ✅ Вы приняли работу { $number }.
job-claimed = 🙋 Работа { $number } теперь ваша.
job-paused = ⏸ Работа { $number } приостановлена: ждём материалы.
job-resumed = ▶️ Работа { $number } продолжена.
job-ask-eta = 🚗 Начинаем работу { $number }. Вы в пути? Житель узнает, когда вас ждать.
job-started = ▶️ Работа { $number } начата.
job-started-eta = 🚗 Работа { $number }: житель знает, что вы будете примерно через { $minutes } мин.
job-ask-decline-reason = Почему вы отказываетесь от работы { $number }? Напишите причину: заявка вернётся менеджерам.
job-declined = 🚫 Вы отказались от работы { $number }. Менеджеры уведомлены.
job-reason-hint = Пожалуйста, напишите причину текстом.
job-ask-question = ❓ Напишите вопрос жителю по работе { $number }. Работа приостановится, пока вы её не продолжите.
job-question-sent = ❓ Ваш вопрос по работе { $number } отправлен жителю. Ответ придёт сюда.
job-question-hint = Пожалуйста, напишите вопрос текстом.
job-ask-photos = 📷 Пришлите фото «после» по работе { $number } (до { $max }, можно альбомом) и нажмите «Готово».
job-photo-received = Фото получено. Пришлите ещё или нажмите «Готово».
job-photos-hint = Пришлите фото, видео или документ либо нажмите «Готово».
job-photos-limit = Это предел: не больше { $max } файлов. Нажмите «Готово».
job-photos-none = Сначала пришлите хотя бы одно фото «после».
job-ask-comment =
    📎 К работе { $number } { $count ->
        [one] приложен { $count } файл
        [few] приложено { $count } файла
       *[other] приложено { $count } файлов
    }. Теперь коротко опишите, что сделано.
job-comment-hint = Пожалуйста, опишите сделанное текстом.
job-completed = ✅ Работа { $number } завершена. Житель проверит результат.

job-error-pool-closed = Брать заявки из пула сейчас нельзя: их назначает менеджер.
job-error-eta = Выберите одно из предложенных времён.

job-auto-assigned = 🤖 Заявка { $number } автоматически назначена: { $executor } ({ $specialization }, открытых работ: { $count }, расстояние: { $km } км).
job-auto-none = ⚠️ Заявка { $number }: нет подходящего исполнителя на дежурстве для автоназначения. Назначьте вручную.

notify-on-the-way = 🚗 Заявка { $number }: исполнитель в пути и будет примерно через { $minutes } мин.
notify-clarification =
    ❓ У исполнителя вопрос по заявке { $number }:
    { $question }

    Нажмите «Ответить» и напишите ответ.
notify-reply = 💬 Ответить

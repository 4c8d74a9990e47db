## Аварии

action-link_incident = привязана к аварии
action-close_by_incident = закрыта: авария устранена
action-return_from_incident = авария устранена, заявка возвращена на пульт
field-incident_id = авария
notify-closed-by-incident = ✅ Заявка { $number } закрыта: авария устранена. { $comment }

incident-category-plumbing = нет воды
incident-category-electricity = нет электричества
incident-category-heating = нет отопления
incident-category-elevator = не работает лифт
incident-category-cleaning = проблема с уборкой
incident-category-carpentry = проблема с дверями и окнами
incident-category-security = проблема с охраной
incident-category-other = авария

incident-suggestion = ⚠️ Возможная авария по адресу { $address }: { $count } заявки «{ $category }» за { $minutes } мин (с { $since }).
incident-btn-declare = 🚨 Объявить аварию
incident-btn-not-related = Не связаны
incident-dismissed = Отмечено как не связанные: заявки остаются как есть.

incident-linked = 🚨 Ваша заявка относится к известной аварии по адресу { $address }: { $category } с { $since }. { $text }
    Планируем устранить к { $due }; все новости придут сюда.
incident-update = 📣 Авария по адресу { $address } ({ $category }): { $update }
incident-resolved = ✅ Авария по адресу { $address } ({ $category }) устранена: { $update }
incident-resolved-open = ✅ Авария по адресу { $address } ({ $category }) устранена: { $update }
    Ваша заявка остаётся открытой: пульт ею займётся.

incident-known = 🚨 Известная авария: { $category } по адресу { $address } с { $since }. Мы уже работаем. { $text }
    Ожидаемое устранение: { $due }.
    Подпишитесь на аварию, чтобы получать новости без заявки, или всё равно подайте заявку.
incident-btn-follow = 🔔 Следить за аварией
incident-btn-file-anyway = 📝 Всё равно подать
incident-following = 🔔 Вы следите за аварией по адресу { $address }: новости и её устранение придут сюда. Заявка не создана.

incident-btn-queue = 🚨 Аварии: { $count }
incident-queue-title = 🚨 Открытые аварии: { $count }
incident-queue-empty = Открытых аварий нет. Объявите аварию, когда в доме нет воды, света, отопления или не работает лифт.
incident-queue-item = { $category } · { $address } · { $linked } заяв. · { $followers } подп.
incident-btn-new = ➕ Объявить аварию
incident-btn-back = ⬅️ Назад
incident-btn-cancel = ✖️ Отмена
incident-card = 🚨 Авария: { $category }
    🏠 { $address }
    С { $since }, срок { $due }
    { $text }
    Привязано заявок: { $linked }; подписчиков: { $followers }
incident-card-resolved = ✅ Устранена.
incident-btn-update = 📣 Отправить новость
incident-btn-link = 🔗 Привязать подходящие заявки
incident-btn-resolve-close = ✅ Устранена, закрыть заявки
incident-btn-resolve-return = ✅ Устранена, вернуть заявки на пульт
incident-btn-hours = { $hours } ч
incident-ask-building = В каком доме авария? Отправьте часть адреса.
incident-pick-building = Выберите дом:
incident-ask-category = Что не работает?
incident-ask-target = К какому сроку планируете устранить? Этот срок получат привязанные заявки.
incident-ask-text = Опишите аварию ({ $category }) сообщением для жителей (до { $max } символов).
incident-declared = 🚨 Авария объявлена. Привязано заявок: { $linked }.
incident-ask-update = Отправьте новость для жителей (до { $max } символов).
incident-ask-resolve-close = Отправьте текст об устранении для жителей. Открытые привязанные заявки ({ $linked }) будут закрыты.
incident-ask-resolve-return = Отправьте текст об устранении для жителей. Открытые привязанные заявки ({ $linked }) вернутся на пульт со своими сроками.
incident-update-sent = 📣 Новость отправлена: { $count } чел.
incident-resolved-report = ✅ Авария устранена. Закрыто заявок: { $closed }, возвращено на пульт: { $returned }; уведомлено: { $notified }.
incident-text-hint = Отправьте текст сообщением или нажмите «Отмена».
incident-linked-count = Привязано заявок: { $count }.

incident-error-empty = Текст пустой: напишите, что прочитают жители.
incident-error-too-long = Текст слишком длинный ({ $length } символов); предел { $max }.
incident-error-already-open = В этом доме уже есть открытая авария такого вида: отправьте по ней новость.
incident-error-resolved = Эта авария уже устранена (возможно, другим менеджером только что).
incident-error-suggestion-decided = По этому предложению уже принято решение.
incident-error-suggestion-expired = Срок этого предложения истёк: на него не ответили за окно аварии. Если авария продолжается, объявите её из панели менеджера: 🚨 Аварии → ➕ Объявить аварию.
incident-error-no-building = Ни один из ваших домов не подходит: отправьте другую часть адреса.
incident-error-target = Выберите один из предложенных сроков.

incident-settings-line = Возможная авария: { $count } заявки одного вида в одном доме за { $minutes } мин
incident-settings-btn-count = 🚨 Авария после { $count } заявок
incident-settings-btn-window = ⏱ Окно аварии: { $minutes } мин
incident-settings-ask-count = Сколько открытых заявок одной категории в одном доме говорят о возможной аварии (сейчас { $current })? Отправьте число от { $min } до { $max }.
incident-settings-ask-window = За сколько минут они должны поступить (сейчас { $current })? Отправьте число от { $min } до { $max }.
incident-settings-error-count = Отправьте целое число от { $min } до { $max }.
incident-settings-error-window = Отправьте целое число минут от { $min } до { $max }.

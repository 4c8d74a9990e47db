## Common: start, language, menu, help

start-choose-language = Choose your language · Выберите язык · Tilni tanlang
language-changed = Язык: русский.
language-current = Текущий язык: русский. Выберите другой:
menu-title = Главное меню. Выберите нужное действие ниже.
menu-placeholder = Выберите действие
menu-new-request = 📝 Новая заявка
menu-my-requests = 📋 Мои заявки
menu-profile = 👤 Профиль
menu-language = 🌐 Язык
menu-help = ❓ Помощь
help-text =
    UK Management Bot — бот для заявок в вашу управляющую компанию.

    /start — главное меню
    /language — сменить язык
    /help — эта справка
help-staff =
    Ваши роли: { $roles }.
    Инструменты сотрудников появляются в меню по мере их включения для вашей роли.
unknown-message = Я не понял сообщение. Пожалуйста, воспользуйтесь кнопками меню ниже.
throttle-notice = Вы отправляете сообщения слишком часто. Подождите несколько секунд: сообщения, отправленные за это время, не обрабатываются.
callback-outdated = Эта кнопка устарела. Откройте меню заново.
user-deactivated = Ваша учётная запись отключена. Обратитесь в управляющую компанию.

## Commands menu

cmd-start = Главное меню
cmd-new = Новая заявка
cmd-help = Помощь
cmd-language = Сменить язык

## Errors (domain error keys)

error-generic = Что-то пошло не так на нашей стороне. Попробуйте ещё раз через минуту.
error-unavailable = Сервис временно недоступен. Попробуйте ещё раз через минуту.
error-not-allowed = У вас нет прав на это действие.
error-not-available = Этот объект вам недоступен.
error-not-found = Ничего не найдено.
error-invalid-transition = Это действие невозможно в текущем статусе ({ $status }).
error-missing-field = Заполните, пожалуйста: { $field }.
error-validation = Значение не подходит. Проверьте и попробуйте ещё раз.

error-not-on-duty = Брать заявки из общего списка могут только исполнители на смене. Сначала включите смену.
error-unchanged = Ничего не изменилось: { $field } уже имеет это значение.
error-text-too-long = Поле «{ $field }» слишком длинное: не более { $max } символов.

## Field names (in error messages)

field-reason = причина
field-comment = комментарий
field-assignee_id = исполнитель
field-hold_reason = причина паузы
field-rating = оценка от 1 до 5
field-media_count = хотя бы одно фото
field-category = категория
field-urgency = срочность

## Actions (history and errors)

action-create = создана
action-assign = назначена
action-reassign = переназначена
action-unassign = снята с исполнителя
action-claim = взята из общего списка
action-accept = принята исполнителем
action-decline = отклонена исполнителем
action-start = работа начата
action-hold = приостановлена
action-resume = работа возобновлена
action-complete = выполнена исполнителем
action-confirm_completion = выполнение подтверждено менеджером
action-close_on_behalf = закрыта менеджером
action-accept_work = принята жителем
action-return_work = возвращена жителем
action-auto_accept = принята автоматически
action-reject = отклонена
action-cancel = отменена
action-change_category = изменена категория
action-change_urgency = изменена срочность

## Roles

role-resident = житель
role-executor = исполнитель
role-manager = менеджер
role-admin = администратор
role-system = система

## Request statuses

status-new = Новая
status-assigned = Назначена
status-accepted = Принята исполнителем
status-in_progress = В работе
status-on_hold = Приостановлена
status-completed = Выполнена, ждёт вашего подтверждения
status-closed = Закрыта
status-returned = Возвращена в работу
status-rejected = Отклонена
status-cancelled = Отменена

## Categories

category-plumbing = Сантехника
category-electricity = Электрика
category-heating = Отопление
category-elevator = Лифт
category-cleaning = Уборка
category-carpentry = Двери, окна, столярные работы
category-security = Охрана, домофон
category-other = Другое

## Urgency

urgency-normal = Обычная
urgency-urgent = Срочная
urgency-emergency = Аварийная

## Specializations

specialization-plumber = Сантехник
specialization-electrician = Электрик
specialization-carpenter = Столяр
specialization-elevator = Лифтёр
specialization-cleaner = Уборщик
specialization-heating = Теплотехник
specialization-general = Разнорабочий
specialization-security = Охрана и домофоны

## Places

place-apartment = Квартира
place-entrance = Подъезд
place-stairwell = Лестничная клетка
place-basement = Подвал
place-roof = Крыша
place-yard = Двор
place-elevator = Лифт

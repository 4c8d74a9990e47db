## Сотрудники: приглашения и раздел «Пользователи»

menu-people = 👥 Пользователи
cmd-people = Пользователи: поиск, карточки, роли
cmd-invite = Создать ссылку-приглашение
cmd-settings = Настройки: сроки, рабочее время, тихие часы

staff-none = —
staff-all-buildings = все дома
staff-prev = ◀️ Предыдущая страница
staff-next = Следующая страница ▶️
staff-status-active = активен
staff-status-deactivated = ⛔ отключён

## Список и поиск

staff-people-title = 👥 Пользователи: { $total } (страница { $page } из { $pages }).
staff-people-empty = 👥 Никого не нашлось.
staff-people-query = Поиск: { $query }
staff-people-hint = Нажмите на человека, чтобы открыть карточку. Искать можно по имени, телефону или @username — кнопкой ниже или командой /people текст.
staff-people-item = { $mark }{ $name } · { $roles }
staff-btn-search = 🔎 Поиск
staff-btn-all = 📋 Все
staff-btn-invite = ➕ Пригласить сотрудника
staff-search-ask = Введите имя, часть номера телефона или @username.
staff-search-hint = Пожалуйста, введите запрос текстом.

## Карточка человека

staff-card =
    👤 { $name }
    Telegram: { $username }
    Телефон: { $phone }
    Роли: { $roles }
    Специализации: { $specializations }
    Дома: { $buildings }
    Статус: { $status }
staff-btn-roles = 🎭 Роли
staff-btn-specializations = 🛠 Специализации
staff-btn-buildings = 🏢 Дома
staff-btn-deactivate = ⛔ Отключить
staff-btn-reactivate = ✅ Включить снова
staff-btn-list = 📋 К списку
staff-btn-card = ◀️ К карточке
staff-roles-title = Роли: { $name }. Нажмите на роль, чтобы выдать или снять её:
staff-role-granted = Роль выдана: { $role }
staff-role-revoked = Роль снята: { $role }
staff-specs-title = Специализации: { $name }. Нажмите, чтобы добавить или убрать:
staff-buildings-title = Дома: { $name } (страница { $page } из { $pages }). Нажмите, чтобы добавить или убрать:
staff-deactivate-confirm = Отключить пользователя { $name }? Он сразу потеряет доступ к боту; история сохранится.
staff-btn-deactivate-confirm = ⛔ Да, отключить
staff-btn-keep = ◀️ Нет, назад
staff-deactivated = { $name }: учётная запись отключена
staff-reactivated = { $name }: учётная запись снова активна

## Создание приглашения

staff-invite-ask-role = ➕ Новая ссылка-приглашение. Кого вы приглашаете?
staff-invite-role-executor = 🛠 Исполнителя
staff-invite-role-manager = 🧑‍💼 Менеджера
staff-invite-role-admin = 👑 Администратора
staff-invite-ask-specializations = Выберите специализации исполнителя (одну или несколько) и нажмите «Продолжить».
staff-invite-ask-buildings-optional = Выберите дома, которые обслуживает исполнитель, или ни одного — тогда все дома (выбрано: { $selected }; страница { $page } из { $pages }). Затем нажмите «Продолжить».
staff-invite-ask-buildings = Выберите дома (хотя бы один; выбрано: { $selected }; страница { $page } из { $pages }). Затем нажмите «Продолжить».
staff-invite-ask-expiry = Сколько будет действовать ссылка?
staff-invite-ttl =
    { $days ->
        [one] { $days } день
        [few] { $days } дня
       *[other] { $days } дней
    }
staff-btn-next = Продолжить ➡️
staff-btn-cancel = ✖️ Отмена
staff-invite-cancelled = Приглашение отменено.
staff-invite-created-short = Ссылка-приглашение создана
staff-invite-created = 🔗 Ссылка-приглашение, роль: { $role }
staff-invite-specializations = Специализации: { $specializations }
staff-invite-buildings = Дома: { $buildings }
staff-invite-expires = Действует до { $expires }, одноразовая.
staff-invite-send =
    Отправьте эту ссылку человеку; она сработает только один раз:
    { $link }

## Принятие приглашения

staff-invite-welcome = 🎉 Добро пожаловать в команду! Ваша роль: { $role }.

## Уведомления

staff-invite-accepted-notice = ✅ { $name } принял(а) ваше приглашение, роль: { $role }.
staff-role-granted-notice = 🎭 Вам выдана новая роль: { $role }. Нажмите /start, чтобы увидеть меню.
staff-role-revoked-notice = 🎭 С вас снята роль: { $role }. Нажмите /start, чтобы увидеть меню.
staff-reactivated-notice = ✅ Ваша учётная запись снова активна. Нажмите /start, чтобы открыть меню.

## Ошибки

error-invite-unknown = Эта ссылка-приглашение недействительна. Попросите новую.
error-invite-expired = Срок действия ссылки-приглашения истёк. Попросите новую.
error-invite-used = Эта ссылка-приглашение уже использована. Каждая ссылка срабатывает только один раз — попросите новую.
error-invite-no-specializations = Выберите хотя бы одну специализацию.
error-invite-no-buildings = Выберите хотя бы один дом.
error-staff-own-admin = Нельзя снять роль администратора с самого себя.
error-staff-self = Нельзя отключить самого себя.
error-staff-already-active = Этот пользователь уже активен.
error-staff-already-deactivated = Этот пользователь уже отключён.

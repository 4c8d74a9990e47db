# Клиенты REST API (админы: ⚙️ Настройки → 🔑 Клиенты API) и заявки, принятые через API.

api-clients-btn-open = 🔑 Клиенты API
api-clients-title = 🔑 Клиенты API
api-clients-hint = Интеграции (колл-центр, бухгалтерия) обращаются к REST API /api/v1 по id клиента и секрету. Отозванный клиент перестаёт работать сразу.
api-clients-empty = Клиентов пока нет.
api-clients-line = #{ $id } { $name } · { $scopes } · { $buildings ->
        [0] все дома
       *[other] домов: { $buildings }
    } · { $state }
api-clients-active = действует
api-clients-revoked = отозван
api-clients-btn-revoke = 🚫 Отозвать #{ $id }
api-clients-btn-new = ➕ Новый клиент
api-clients-btn-create = ✅ Создать
api-clients-btn-cancel = ✖️ Отмена
api-clients-btn-list = 🔑 Клиенты API
api-clients-ask-name = Пришлите название нового клиента, например: Колл-центр.
api-clients-ask-scopes = Что можно «{ $name }»? Выберите и нажмите «Создать».
api-clients-created =
    ✅ Клиент #{ $id } «{ $name }» создан ({ $scopes }).
    Id клиента: { $id }
    Секрет: { $secret }
    Секрет показан только сейчас: скопируйте его в настройки интеграции. Токены: POST /api/v1/token.
api-clients-created-short = Клиент #{ $id } создан
api-clients-revoked-short = Клиент #{ $id } «{ $name }» отозван: его токены больше не действуют.
api-scope-requests-read = чтение заявок
api-scope-requests-write = подача заявок и комментарии
api-scope-export = выгрузка
api-clients-error-admins-only = Клиентами API управляют только администраторы.
api-clients-error-scope = Неизвестное право: { $scope }. Используйте requests:read, requests:write или export.
api-clients-error-no-scope = Выберите хотя бы одно право.
api-clients-error-name = Название — от 2 до { $max } символов.
api-clients-error-unknown = Действующего клиента API #{ $id } нет.

api-intake-filed =
    📞 Ваша заявка №{ $number } принята: { $by }, { $category }.
    { $description }
    Ожидаемый срок принятия в работу — { $accept_due }, выполнения — { $complete_due }. Вы получите сообщение при каждом изменении статуса; заявка видна в «Мои заявки».
api-intake-unknown-phone = Ни один житель не указал этот телефон в боте.
api-intake-choose-apartment = У жителя несколько квартир: укажите apartment_id, одну из { $choices }.
api-intake-choose-building = Квартиры жителя в нескольких домах: укажите building_id, один из { $choices }.

## Onboarding

onboarding-intro = Добро пожаловать! Давайте привяжем вас к вашему дому, чтобы вы могли подавать заявки. Сначала поделитесь номером телефона кнопкой ниже.
onboarding-share-phone = 📱 Поделиться номером телефона
onboarding-phone-not-yours = Это чужой контакт. Пожалуйста, отправьте свой номер кнопкой ниже.
onboarding-phone-hint = Пожалуйста, нажмите кнопку «Поделиться номером телефона» ниже; набранный вручную номер не принимается.
onboarding-ask-name = Как к вам обращаться управляющей компании? Введите ФИО или нажмите кнопку с именем из Telegram.
onboarding-name-hint = Пожалуйста, введите имя текстом.
onboarding-ask-building = Найдите ваш дом: выберите из списка, введите часть адреса или отправьте геолокацию.
onboarding-building-placeholder = Улица или дом…
onboarding-share-location = 📍 Отправить геолокацию
onboarding-building-page = Дома, страница { $page } из { $pages }:
onboarding-building-all = 📋 Все дома
onboarding-building-distance = { $address } · { $km } км
onboarding-no-buildings = Справочник адресов пуст. Обратитесь в управляющую компанию.
onboarding-location-address = Ваше местоположение: { $address }
onboarding-nearest = Ближайшие к вам дома:
onboarding-nothing-near = Дома с координатами не найдены. Выберите ваш из списка или введите адрес.
onboarding-search-empty = По этому адресу ничего не найдено. Попробуйте другое слово или выберите из списка:
onboarding-search-results = Дома по вашему запросу:
onboarding-building-hint = Выберите дом из списка, введите часть адреса или отправьте геолокацию.
onboarding-building-chosen = Дом: { $address }
onboarding-ask-apartment = Введите номер квартиры, например 12 или 12А.
onboarding-apartment-hint = Пожалуйста, введите номер квартиры текстом, например 12.
onboarding-ask-kind = Квартира { $apartment }. Вы собственник или арендатор?
onboarding-kind-hint = Пожалуйста, выберите кнопкой: собственник или арендатор.
onboarding-submitted-short = Отправлено на проверку
onboarding-submitted = Спасибо! Заявка на привязку адреса { $address }, кв. { $apartment } отправлена менеджеру на проверку. Вы получите сообщение, когда её проверят.

residency-owner = Собственник
residency-tenant = Арендатор

verification-pending = ожидает проверки
verification-document_requested = запрошен документ
verification-approved = подтверждено
verification-rejected = отклонено

## Profile

profile-text =
    👤 { $name }
    📱 { $phone }
    Роли: { $roles }

    Квартиры:
    { $apartments }
profile-apartment-line = • { $address }, кв. { $apartment } ({ $kind }): { $state }
profile-no-phone = телефон не указан
profile-no-apartments = пока нет
profile-add-apartment = ➕ Добавить квартиру

## Verification (manager side and resident notifications)

verify-card =
    🏠 Запрос на проверку
    { $name }, { $phone }
    { $address }, кв. { $apartment } ({ $kind })
verify-document = 📄 Документ для { $address }, кв. { $apartment }
verify-approve = ✅ Подтвердить
verify-reject = ❌ Отклонить
verify-ask-document = 📄 Запросить документ
verify-approved-short = Подтверждено
verify-approved = ✅ Подтверждено: квартира { $apartment }.
verify-document-asked = 📄 Запрошено фото документа.
verify-ask-reason = Напишите причину отказа по квартире { $apartment }; житель её увидит.
verify-reason-hint = Пожалуйста, напишите причину текстом.
verify-rejected = ❌ Отклонено: квартира { $apartment }. Житель получил причину.
residency-approved = ✅ Ваш адрес подтверждён: { $address }, кв. { $apartment }. Теперь можно подавать заявки.
residency-rejected = ❌ Адрес { $address }, кв. { $apartment } не подтверждён. Причина: { $reason }
residency-document-requested = 📄 Для подтверждения адреса { $address }, кв. { $apartment } менеджер просит фото документа, подтверждающего проживание (договор аренды или свидетельство о собственности).
residency-send-document = 📄 Отправить фото документа
residency-document-ask = Отправьте фото документа (или PDF-файл).
residency-document-received = Спасибо, документ отправлен менеджеру.
residency-document-hint = Пожалуйста, отправьте фото документа или PDF-файл.

## Errors

error-phone-invalid = Это не похоже на номер телефона.
error-name-invalid = Пожалуйста, введите настоящее имя: от 2 до { $max } символов с буквами.
error-apartment-invalid = Номер квартиры должен начинаться с цифры, например 12 или 12А.
error-apartment-not-found = В этом доме нет квартиры { $number }. Проверьте номер и введите ещё раз.
error-apartment-already-linked = Квартира { $number } уже есть в вашем профиле.
error-verification-decided = По этой проверке уже принято решение.
error-file-type = Такой тип файла не принимается. Отправьте фото, видео, PDF или голосовое сообщение.
error-file-too-large = Файл слишком большой: не более { $max } МБ.

## Navigation

nav-prev = ◀️ Назад
nav-next = Далее ▶️

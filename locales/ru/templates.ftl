# Шаблоны причин отказа: причины, которые предлагает пульт при отклонении заявки.

templates-btn-open = 📝 Шаблоны отказа
templates-title = 📝 Причины, предлагаемые при отклонении заявки:
templates-line = { $index }. { $text }
templates-defaults-note = Это встроенные причины. Добавьте свои, чтобы заменить их.
templates-own-note = Нажмите 🗑, чтобы удалить причину. Когда не останется ни одной, снова будут предлагаться встроенные.
templates-btn-remove = 🗑 { $index }. { $text }
templates-btn-add = ➕ Добавить
templates-ask-text = Отправьте текст новой причины (от { $min } до { $max } символов). Жители увидят его именно так, как вы его напишете.
templates-added = Причина добавлена.
templates-removed = Причина удалена.
templates-text-hint = Отправьте причину текстом или нажмите «Отмена».
templates-error-too-short = Слишком короткая причина: нужно не меньше { $min } символов.
templates-error-too-long = Слишком длинная причина: не больше { $max } символов.
templates-error-duplicate = Такая причина уже есть в списке.
templates-error-too-many = В списке уже { $max } причин. Сначала удалите одну.
templates-error-outdated = Список причин изменился. Откройте его заново.

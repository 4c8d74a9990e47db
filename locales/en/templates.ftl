# Rejection reason templates: the reasons the desk offers when a request is rejected.

templates-btn-open = 📝 Reject templates
templates-title = 📝 Reasons offered when a request is rejected:
templates-line = { $index }. { $text }
templates-defaults-note = These are the built-in reasons. Add your own to replace them.
templates-own-note = Press 🗑 to remove a reason. When none are left, the built-in ones are offered again.
templates-btn-remove = 🗑 { $index }. { $text }
templates-btn-add = ➕ Add
templates-ask-text = Send the text of a new reason ({ $min } to { $max } characters). Residents will see it exactly as typed.
templates-added = Reason added.
templates-removed = Reason removed.
templates-text-hint = Please send the reason as text, or press Cancel.
templates-error-too-short = The reason is too short: at least { $min } characters.
templates-error-too-long = The reason is too long: at most { $max } characters.
templates-error-duplicate = This reason is already in the list.
templates-error-too-many = There are already { $max } reasons. Remove one first.
templates-error-outdated = The list of reasons has changed. Please open it again.

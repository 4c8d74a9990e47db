# The admin's settings: deadlines (SLA), working hours and days, holidays, quiet hours.

menu-settings = ⚙️ Settings

settings-title = ⚙️ Settings
settings-sla-hint = ⏱ Deadlines (SLA) per category: choose a category below.
settings-line-business = 🕘 Working hours: { $start }–{ $end }
settings-line-weekdays = 📅 Working days: { $days }
settings-line-holidays = 🎉 Holidays: { $count }
settings-line-quiet = 🌙 Quiet hours (no reminders except emergencies): { $value }
settings-line-auto-accept = ⏳ Completed work is accepted automatically after { $hours } h; the resident is reminded { $reminder } h before.
settings-line-follow-up = 📞 A low rating or returned work is followed up within { $hours } h.
settings-quiet-none = off

settings-btn-category = ⏱ { $category }
settings-btn-business = 🕘 Working hours
settings-btn-weekdays = 📅 Working days
settings-btn-holidays = 🎉 Holidays
settings-btn-quiet = 🌙 Quiet hours
settings-btn-auto-accept = ⏳ Automatic acceptance
settings-btn-reminder = 🔔 Reminder before it
settings-btn-follow-up = 📞 Follow up time
settings-btn-back = ◀️ Back to settings
settings-btn-cancel = ✖️ Cancel
settings-btn-quiet-off = 🔕 Turn quiet hours off

settings-unit-days = { $n } d
settings-unit-hours = { $n } h
settings-unit-minutes = { $n } min

settings-sla-title = ⏱ Deadlines: { $category }
settings-sla-row = { $icon } { $urgency }: accept within { $accept }, complete within { $complete } ({ $mode })
settings-sla-changed = ✏️ changed
settings-mode-business = business hours
settings-mode-calendar = round the clock
settings-sla-note = Business hours count only working time on working days. Press a button to change a target; "default" brings back the standard one.
settings-btn-accept = { $urgency }: ⏱ accept
settings-btn-complete = { $urgency }: ✅ complete
settings-btn-business-on = { $urgency }: 🕘 business hours ✅
settings-btn-business-off = { $urgency }: 🕘 business hours ⬜
settings-btn-reset = { $urgency }: ↩️ default

settings-weekday-0 = Mon
settings-weekday-1 = Tue
settings-weekday-2 = Wed
settings-weekday-3 = Thu
settings-weekday-4 = Fri
settings-weekday-5 = Sat
settings-weekday-6 = Sun
settings-weekdays-title = 📅 Working days. Press a day to turn it on or off; at least one must remain.
settings-btn-day-on = ✅ { $day }
settings-btn-day-off = ⬜ { $day }

settings-holidays-title = 🎉 Holidays (days off besides the weekly ones):
settings-holidays-empty = No holidays yet.
settings-holiday-line = • { $date }
settings-btn-holiday-remove = 🗑 { $date }
settings-btn-holiday-add = ➕ Add a holiday
settings-holiday-added = Holiday added.
settings-holiday-removed = Holiday removed.

settings-ask-accept = Send the time to accept a request for { $category } / { $urgency }, for example 30m, 4h, 3d or 1h30m. Now: { $current }.
settings-ask-complete = Send the time to complete a request for { $category } / { $urgency }, for example 30m, 4h, 3d or 1h30m. Now: { $current }.
settings-ask-business-note = This target counts business hours: 1d is one working day ({ $day }).
settings-ask-business-hours = Send the working day as two times, for example 09:00-18:00. Now: { $start }–{ $end }.
settings-ask-quiet = Send quiet hours as two times, for example 22:00-08:00 (they may pass midnight). The same time twice turns them off. Now: { $current }.
settings-ask-holiday = Send the date of a holiday as DD.MM.YYYY or YYYY-MM-DD, for example 08.12.2026.
settings-ask-auto-accept = Send after how many hours completed work is accepted automatically if the resident does not answer ({ $min } to { $max }). Now: { $current }.
settings-ask-reminder = Send how many hours before the automatic acceptance the resident is reminded (1 to { $max }). Now: { $current }.
settings-ask-follow-up = Send within how many hours a manager must follow up a low rating or returned work ({ $min } to { $max }). Now: { $current }.
settings-text-hint = Please send the value as text, or press Cancel.
settings-saved = Saved.
settings-nothing-changed = Nothing changed.

settings-error-admins-only = Only an admin can change the settings.
settings-error-duration = This is not a duration. Write it like 30m, 4h, 3d or 1h30m.
settings-error-duration-range = The time must be from 1 minute to { $max } days.
settings-error-accept-after-complete = The time to accept cannot be longer than the time to complete.
settings-error-time-range = Write two times as HH:MM, for example 09:00-18:00.
settings-error-business-order = The working day must start before it ends.
settings-error-last-weekday = At least one working day must remain.
settings-error-date = This is not a date. Write it as DD.MM.YYYY or YYYY-MM-DD, for example 08.12.2026.
settings-error-holiday-exists = This day is already a holiday.
settings-error-too-many-holidays = There are already { $max } holidays. Remove old ones first.
settings-error-hours = Send a whole number of hours from { $min } to { $max }.
settings-error-reminder = The reminder must be a whole number of hours, at least 1 and less than the delay ({ $delay } h).
settings-error-delay-below-reminder = The delay must be longer than the reminder ({ $reminder } h). Shorten the reminder first.
settings-error-outdated = The settings have changed. Please open them again.

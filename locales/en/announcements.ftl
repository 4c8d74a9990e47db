# Announcements: a manager writes to whole buildings; the delivery report and the history.

cmd-announce = Write an announcement to buildings
announce-btn-open = 📢 Announcements
announce-home = 📢 Announcements
    Write to all residents of your buildings: information, planned works or an outage. The text goes out as you write it; the frame around it is in each resident's language.
announce-btn-new = ✍️ New announcement
announce-btn-history = 📜 History
announce-btn-home = ◀️ Announcements
announce-btn-cancel = ✖️ Cancel
announce-cancelled = The announcement was not sent.
announce-audience-title = 📢 Who receives it? Choose the buildings.
announce-audience-reach = Chosen buildings: { $buildings } · it will reach { $count ->
    [one] { $count } resident
   *[other] { $count } residents
    }.
announce-audience-none = No building chosen yet.
announce-btn-verified = 👥 Verified residents only
announce-btn-all-linked = 👥 All linked residents (verification pending too)
announce-btn-next = Next ➡️
announce-kind-title = What kind of announcement?
announce-btn-kind-info = ℹ️ Information
announce-btn-kind-works = 🛠 Planned works
announce-btn-kind-outage = ⚠️ Outage
announce-kind-info = ℹ️ Information
announce-kind-works = 🛠 Planned works
announce-kind-outage = ⚠️ Outage
announce-ask-window = 🛠 When are the works? Send the start and the end, for example: 08.12 10:00-16:00 (or 08.12 22:00 - 09.12 06:00).
announce-window-saved = 🛠 Planned works: { $window }
announce-ask-text = ✍️ Write the announcement: a text (bold, italic and links are kept), or one photo or document with a caption. Up to { $max } characters.
announce-preview-title = 👆 This is how residents will see it.
announce-preview-reach = It will reach { $count ->
    [one] { $count } resident
   *[other] { $count } residents
    }: { $buildings }
announce-preview-audience-verified = Verified residents only.
announce-preview-audience-all = All linked residents, verification pending too.
announce-btn-send = 📤 Send to { $count }
announce-btn-edit = ✏️ Edit the text
announce-btn-remind-on = ⏰ Reminder an hour before: on
announce-btn-remind-off = ⏰ Reminder an hour before: off
announce-sent = 📤 Sending to { $count }…
announce-already-sent = This announcement was sent already; here is its delivery report.
announce-report-title = 📊 Announcement #{ $id } · { $kind } · { $at }
announce-report-buildings = 🏢 { $buildings }
announce-report-window = 🛠 { $window }
announce-report-reminder = ⏰ Reminder to residents: { $at }
announce-report-reminder-sent = ⏰ Reminder sent: { $at }
announce-report-paid = 💫 Sent with paid broadcast
announce-report-counts = Recipients: { $total } · queued: { $queued } · delivered: { $delivered } · blocked the bot: { $blocked } · failed: { $failed }
announce-report-sending = ⏳ Sending… this report updates itself.
announce-report-done = ✅ Sending finished.
announce-report-unreachable = ☎️ Not reached, please call them:
announce-report-person-blocked = • { $name }, { $apartment }, { $phone } (blocked the bot)
announce-report-person-failed = • { $name }, { $apartment }, { $phone } (Telegram refused the message)
announce-btn-refresh = 🔄 Refresh
announce-btn-report = 📊 Announcement #{ $id }
announce-history-buildings = 📜 History of announcements: choose a building.
announce-history-title = 📜 Announcements to { $address } (page { $page } of { $pages })
announce-history-empty = No announcements yet.
announce-history-line = #{ $id } · { $at } · { $kind } · { $count } · «{ $preview }»
announce-message = 📢 <b>Announcement from { $organisation }</b> · { $kind }

    { $text }
announce-message-works = 📢 <b>Announcement from { $organisation }</b> · { $kind }
    🗓 <b>{ $window }</b>

    { $text }
announce-reminder = ⏰ <b>Reminder from { $organisation }</b>: planned works start in an hour.
    🗓 <b>{ $window }</b>

    { $text }
announce-error-empty = The announcement is empty: write a text (a photo or document needs a caption).
announce-error-too-long = The text is too long: { $length } characters, at most { $max }. Please shorten it.
announce-error-photo-too-large = The photo is too large: at most { $max } MB.
announce-error-file-too-large = The file is too large: at most { $max } MB.
announce-error-content = Only a text, a photo or a document can be announced.
announce-error-no-buildings = Choose at least one building.
announce-error-no-residents = Nobody would receive it: the chosen buildings have no residents in the bot yet.
announce-error-window = Please send the start and the end like this: 08.12 10:00-16:00
announce-error-window-past = The start is in the past. Please send a time in the future.
announce-error-window-order = The end must be after the start.
announce-error-reminder-late = The works start in less than an hour: too late for a reminder an hour before.
announce-error-no-window = The planned works need their start and end first.
settings-btn-flag-paid = 💫 Paid broadcast for announcements: { $value }
settings-line-paid-broadcast = 💫 Paid broadcast for announcements: { $value }
    Telegram sends at most 30 messages a second for free: an announcement to 10,000 residents takes about 6 minutes. With paid broadcast it goes up to 1,000 a second (10,000 in about 10 seconds), and Telegram charges 0.1 Star per message from the bot's Stars balance (about 1,000 Stars for 10,000 residents). Only worth it for very large buildings or urgent outages.
announce-audience-entrances = 🚪 Entrances: { $entrances }
announce-audience-all-entrances = 🚪 All entrances (press one to narrow the audience)
announce-btn-entrance = { $number }
announce-error-entrances = Entrances can be chosen when one building is chosen.
audit-action-announcement-sent = Announcement sent
announce-report-more = …and { $count } more, not shown here.

# Escalation cards (extend, call, contacted), follow ups on the desk, time left on cards.

## Time left (bot/durations.py): the two largest units, rounded down to minutes.
time-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}
time-hours = { $count ->
    [one] { $count } hour
   *[other] { $count } hours
}
time-days = { $count ->
    [one] { $count } day
   *[other] { $count } days
}
time-under-minute = less than a minute
time-pair = { $major } { $minor }
time-left = { $duration } left
time-overdue = overdue by { $duration }
time-deadline = { $due } · { $left }

## Cards: a deadline that has passed.
card-accept-late = ⚠️ An executor had to take it by: { $due }
card-complete-late = ⚠️ Had to be done by: { $due }

## Escalation card buttons (the buttons themselves are in deadlines.ftl).
escalation-extended = ⏩ Request { $number }: the new deadline is { $due }.
escalation-extended-note = ⏩ { $name } extended the deadline to { $due }.
escalation-call = 📞 { $name }: { $phone }
escalation-call-message =
    📞 Resident of request { $number }: { $name }
    Phone: { $phone }
escalation-no-phone = The resident has not shared a phone number.
escalation-contacted = ☑️ Recorded: the resident was contacted.
escalation-contacted-note = ☑️ { $name } contacted the resident ({ $at }).

## Follow ups on the desk.
escalation-follow-up-item = { $number } · { $reason } · { $address }
escalation-follow-up-line = • { $number }: { $reason }, by { $due } ({ $left })
escalation-follow-up-card = 📌 Follow up needed: { $reason }, by { $due } ({ $left })
escalation-btn-close-follow-up = ✅ Close the case
escalation-ask-follow-up-comment = Request { $number } ({ $reason }): write what was done to close the case.
escalation-follow-up-closed = ✅ The case of request { $number } is closed.

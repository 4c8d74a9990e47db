# Deadlines: reminders, escalations, auto-accept, follow-ups (sent by the sweeper).

sla-phase-accept = taking the request
sla-phase-complete = completing the work

sla-reminder-accept =
    ⏰ Reminder: request { $number } ({ $category }, { $address }) must be taken by { $due }.
    Please accept or decline it.
sla-reminder-complete =
    ⏰ Reminder: the work on request { $number } ({ $category }, { $address }) is due by { $due }.
sla-reminder-unassigned =
    ⏰ Request { $number } ({ $category }, { $urgency }, { $address }) still has no executor.
    It must be taken by { $due }.
sla-escalation =
    🔴 Overdue: request { $number } ({ $category }, { $urgency })
    Address: { $address }
    Executor: { $executor }
    Deadline for { $phase } was { $due }.
sla-escalation-critical =
    🆘 Long overdue: request { $number } ({ $category }, { $urgency })
    Address: { $address }
    Executor: { $executor }
    Deadline for { $phase } was { $due } and half the time again has passed.

sla-btn-reassign = 🔁 Reassign
sla-btn-extend-2h = ⏩ +2 h
sla-btn-extend-1d = ⏩ +1 day
sla-btn-call = 📞 Call the resident
sla-btn-contacted = ☑️ Resident contacted
sla-btn-open-job = 🛠 Open the job

sla-extended-executor = ⏩ The deadline of request { $number } was extended to { $due }.
sla-error-nothing-to-extend = This request has no running deadline to extend.

auto-accept-reminder =
    ⏳ Request { $number } is done and waits for your answer.
    If you do not answer, it will be accepted automatically on { $at }.

follow-up-reason-low_rating = low rating
follow-up-reason-returned = work returned by the resident
follow-up-overdue =
    📌 The follow up of request { $number } ({ $reason }) was due by { $due } and is still open.
follow-up-error-comment-required = Write what was done to close this case.
follow-up-error-none-open = This request has no open case to follow up.

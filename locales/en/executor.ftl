## Executor: job cards, my jobs, the pool, duty

menu-my-jobs = 🛠 My jobs
menu-pool = 📥 Job pool
cmd-jobs = My jobs
cmd-pool = Job pool: unassigned requests

job-btn-accept = ✅ Accept
job-btn-decline = 🚫 Decline
job-btn-claim = 🙋 Take this job
job-btn-start = ▶️ Start
job-btn-resume = ▶️ Resume
job-btn-complete = ✅ Complete
job-btn-materials = ⏸ Waiting for materials
job-btn-ask = ❓ Ask the resident
job-btn-eta = 🚗 { $minutes } min
job-btn-start-now = ▶️ Start now, I'm here
job-btn-abort = ✖️ Never mind
job-btn-photos-done = ✅ Done
job-btn-pool = 📥 Job pool
job-btn-my-jobs = 🛠 My jobs
job-btn-go-on-duty = 🟢 Go on duty
job-btn-go-off-duty = ⚪️ Go off duty

job-duty-on = 🟢 You are on duty.
job-duty-off = ⚪️ You are off duty: no automatic assignments, no claiming from the pool.
job-duty-now-on = 🟢 You are on duty now.
job-duty-now-off = ⚪️ You are off duty now.

job-list = 🛠 Your active jobs: { $total }. Page { $page } of { $pages }. The nearest deadline comes first.
    { $duty }
job-list-empty = 🛠 You have no active jobs.
    { $duty }
job-list-item = { $number } · { $category } · { $status } · ⏱ { $due }
job-pool = 📥 Job pool: { $total } unassigned requests for your specializations. Page { $page } of { $pages }.
job-pool-empty = 📥 The job pool is empty: no unassigned requests for your specializations.
job-pool-read-only = ℹ️ Taking jobs from the pool is turned off: managers assign them.
job-pool-off-duty = ℹ️ Go on duty to take jobs from the pool.
job-pool-item = { $number } · { $category } · { $urgency }

job-card-title = 🛠 Job { $number }
job-card-status = Status: { $status }
job-card-category = { $category } · { $urgency }
job-card-apartment = 📍 { $address }, apt. { $apartment } (entrance { $entrance })
job-card-common = 📍 { $address } · { $place }
job-card-map = 🗺 { $url }
job-card-access = 🚪 { $access } · { $slot }
job-card-resident = 👤 { $name }, { $phone }
job-card-description = 📝 { $description }
job-card-accept-due = ⏱ Accept by { $due }
job-card-complete-due = ⏱ Complete by { $due }
job-card-paused = ⏸ Paused: { $reason }
job-card-files =
    📎 { $count ->
        [one] one file
       *[other] { $count } files
    }
job-card-comment = 💬 { $at } · { $who }: { $text }

job-nothing-changed = Nothing changed.
job-accepted = ✅ You accepted job { $number }.
job-claimed = 🙋 Job { $number } is yours now.
job-paused = ⏸ Job { $number } is paused: waiting for materials.
job-resumed = ▶️ Work on job { $number } is resumed.
job-ask-eta = 🚗 Starting job { $number }. Are you on your way? The resident will be told when to expect you.
job-started = ▶️ Work on job { $number } has started.
job-started-eta = 🚗 Job { $number }: the resident knows you arrive in about { $minutes } min.
job-ask-decline-reason = Why do you decline job { $number }? Type the reason: the request goes back to the managers.
job-declined = 🚫 You declined job { $number }. The managers have been told.
job-reason-hint = Please type the reason as text.
job-ask-question = ❓ Type your question to the resident about job { $number }. The work is paused until you resume it.
job-question-sent = ❓ Your question on job { $number } was sent to the resident. Their answer will come here.
job-question-hint = Please type the question as text.
job-ask-photos = 📷 Send "after" photos of job { $number } (up to { $max }, an album is fine), then press Done.
job-photo-received = Photo received. Send more or press Done.
job-photos-hint = Please send a photo, a video or a document, or press Done.
job-photos-limit = That's the limit: at most { $max } files. Press Done.
job-photos-none = Send at least one "after" photo first.
job-ask-comment =
    📎 { $count ->
        [one] One file
       *[other] { $count } files
    } attached to job { $number }. Now describe briefly what was done.
job-comment-hint = Please describe what was done as text.
job-completed = ✅ Job { $number } is completed. The resident will check the work.

job-error-pool-closed = Taking jobs from the pool is turned off: a manager assigns them.
job-error-eta = Choose one of the offered times.

job-auto-assigned = 🤖 Request { $number } was assigned automatically to { $executor } ({ $specialization }, open jobs: { $count }, distance: { $km } km).
job-auto-none = ⚠️ Request { $number }: no suitable executor on duty for automatic assignment. Please assign it by hand.

notify-on-the-way = 🚗 Request { $number }: the executor is on the way and arrives in about { $minutes } min.
notify-clarification =
    ❓ The executor has a question about request { $number }:
    { $question }

    Press "Reply" and type your answer.
notify-reply = 💬 Reply

# The manager's desk: panel, queues, search, the staff card, inline mode.

menu-panel = 🗂 Panel
cmd-panel = Manager panel: queues of requests
cmd-find = Find a request by number, phone, apartment or address

desk-panel-title = 🗂 Manager panel. Choose a queue:
desk-queue-button = { $name }: { $count }
desk-queue-new = 🆕 New
desk-queue-unassigned = 👤 Unassigned
desk-queue-overdue = ⏰ Overdue
desk-queue-in_progress = 🔧 In progress
desk-queue-waiting = ⏳ Waiting for resident
desk-queue-returned = ↩️ Returned
desk-queue-low_rated = 📌 Follow-ups
desk-queue-verification = 🏠 Verification
desk-queue-title = { $name }: { $total }. Page { $page } of { $pages }
desk-queue-empty = { $name }: nothing here.
desk-item = { $number } · { $status } · { $category } · { $address }
desk-item-apartment = { $address }, apt. { $apartment }
desk-link-line = • { $name } — { $address }, apt. { $apartment }
desk-btn-approve = ✅ Approve apt. { $apartment }
desk-btn-verify-reject = ❌ Reject
desk-btn-panel = 🗂 Panel
desk-btn-search = 🔎 Search

desk-ask-search = Send a request number (or its beginning), a phone number, an apartment number or part of an address.
desk-search-empty = Nothing found for “{ $query }”.
desk-search-found = Found for “{ $query }”: { $count }

desk-card-author = 👤 Resident: { $name }, { $phone }
desk-btn-assign = 👷 Assign
desk-btn-reassign = 🔁 Reassign
desk-btn-confirm = ✅ Confirm completion
desk-btn-close = 🔒 Close for resident
desk-btn-hold = ⏸ Put on hold
desk-btn-resume = ▶️ Resume
desk-btn-category = 🏷 Category
desk-btn-urgency = 🚨 Urgency
desk-btn-reject = 🚫 Reject
desk-btn-duplicate = 🔗 Duplicate of…
desk-btn-comment = 🔒 Internal comment
desk-btn-media = 🖼 Show media ({ $count })
desk-btn-back = ◀️ Back
desk-btn-abort = ✖️ Cancel
desk-btn-open = 📂 Open
desk-nothing-changed = Nothing changed.
desk-done = Done.
desk-no-media = This request has no files.
desk-media-sent = Files sent: { $count }
desk-text-hint = Please send the answer as text, or press Cancel.

desk-picker-title = 👷 Executor for request { $number } (page { $page } of { $pages }):
desk-picker-empty = There are no active executors.
desk-picker-line = { $index }. { $name } — { $reason }
desk-picker-button = { $index }. { $name }
desk-assigned = Assigned: { $name }

assign-reason-specialization = { $specialization }
assign-reason-no-specialization = other specialization
assign-reason-on-duty = on duty
assign-reason-off-duty = off duty
assign-reason-open-jobs = { $count ->
    [one] { $count } open job
   *[other] { $count } open jobs
}
assign-reason-distance = { $km } km
assign-reason-rating = rating { $rating }

desk-ask-category = New category for request { $number }:
desk-ask-urgency = New urgency for request { $number }:
desk-ask-hold = Why is request { $number } on hold?
desk-ask-hold-comment = Describe why request { $number } is on hold:
desk-ask-reject = Reason to reject request { $number }: choose a template or type your own.
desk-reject-tpl-1 = Not the management company's responsibility
desk-reject-tpl-2 = Duplicate request
desk-reject-tpl-3 = Not enough information to act on
desk-reject-tpl-4 = The work is planned by the management company
desk-ask-comment = Internal comment on request { $number } (only staff will see it):
desk-internal-mark = 🔒 internal: { $text }
desk-comment-saved = Internal comment saved. The resident does not see it.
desk-ask-close-comment = Comment for closing request { $number } on the resident's behalf:
desk-ask-duplicate = Number of the request that { $number } duplicates:
desk-duplicate-reason = Duplicate of request { $number }
desk-duplicate-linked = Linked as a duplicate of { $number }; its author now follows that request.
desk-error-no-such-request = There is no request { $number } in your buildings.
desk-error-same-request = A request cannot duplicate itself.
desk-error-original-finished = Request { $number } is already finished.

desk-staff-post =
    📌 Request №{ $number } — { $status }
    { $category } · { $urgency }
    📍 { $address }{ $kind ->
        [apartment] , apt. { $apartment }
       *[other] {""}
    }
    👷 { $executor }

desk-on-duty = on duty
desk-off-duty = off duty
desk-inline-title = { $number } · { $status }
desk-inline-card =
    📄 { $line }
    🚨 { $urgency }
desk-inline-executor = 👷 { $name }, { $phone } · { $duty } · open jobs: { $count }
desk-inline-executor-short = { $duty } · open jobs: { $count }

## Tracking: "My requests"

cmd-my = My requests
tracking-list-active = 📋 Your active requests: { $total }. Page { $page } of { $pages }. Tap a request to open it.
tracking-list-archive = 🗄 Archive (closed, rejected and cancelled requests): { $total }. Page { $page } of { $pages }.
tracking-list-empty-active = You have no active requests. To report a problem, press “📝 New request” in the menu.
tracking-list-empty-archive = The archive is empty: no finished requests yet.
tracking-list-item = { $number } · { $category } · { $status }
tracking-show-archive = 🗄 Archive
tracking-show-active = 📋 Active requests

## The request card

tracking-card-title = 📄 Request { $number }
tracking-card-status = Status: { $status }
tracking-card-category = Category: { $category } · { $urgency }
tracking-card-place-apartment = Place: { $address }, apt. { $apartment }
tracking-card-place-common = Place: { $address } · { $place }
tracking-card-place-entrance = Place: { $address } · { $place }, entrance { $entrance }
tracking-card-description = Description: { $description }
tracking-card-executor = Executor: { $name }
tracking-card-no-executor = Executor: not assigned yet
tracking-card-accept-due = ⏱ An executor takes it by: { $due }
tracking-card-complete-due = ⏱ To be done by: { $due }
tracking-card-paused = ⏸ The deadline is paused while the work is on hold.
tracking-card-files = 📎 Photos and files: { $count }
tracking-card-rating = Your rating: { $stars } ⭐
tracking-card-history = History:
tracking-card-event = • { $at } · { $action }
tracking-card-event-text = • { $at } · { $action }: { $text }
tracking-card-action-reason = { $action } ({ $reason })
tracking-card-comment = • { $at } · 💬 { $who }: { $text }
tracking-card-earlier = • … earlier entries: { $count }
tracking-who-you = you
tracking-who-resident = resident
tracking-who-executor = executor { $name }
tracking-who-manager = manager

tracking-hold-materials = waiting for materials
tracking-hold-clarification = waiting for your answer
tracking-hold-other = other reason

tracking-btn-comment = 💬 Add comment
tracking-btn-photos = 📷 Add photos
tracking-btn-cancel = ❌ Cancel request
tracking-btn-back = ⬅️ Back to list
tracking-btn-done = ✅ Done
tracking-btn-abort = ✖️ Never mind
tracking-btn-skip = Skip
tracking-rate-button = { $stars } ⭐

## Comments and photos

tracking-ask-comment = Write your comment on request { $number }. The executor and the manager will see it.
tracking-comment-hint = Please type the comment as text. To attach photos, use “📷 Add photos” on the request card.
tracking-comment-sent = ✅ Your comment was added to request { $number }.
tracking-ask-photos = Send photos or videos for request { $number } (up to { $max }), then press “✅ Done”.
tracking-photo-received = 📎 Received. Send more or press “✅ Done”.
tracking-photos-hint = Please send a photo, a video or a PDF, or press “✅ Done”.
tracking-photos-limit = That is the maximum of { $max } files. Press “✅ Done” to send them.
tracking-photos-none = Send at least one photo first.
tracking-photos-sent = ✅ Files added to request { $number }: { $count }.
tracking-nothing-changed = Nothing changed.

## Cancelling

tracking-ask-cancel-reason = Why do you want to cancel request { $number }? Type the reason.
tracking-reason-hint = Please type the reason as text.
tracking-cancelled = ❌ Request { $number } is cancelled.

## Closing the loop

tracking-ask-rating = How do you rate the work on request { $number }? Choose from 1 to 5 stars.
tracking-ask-feedback = Your rating: { $stars } ⭐. Add a few words about the work, or press “Skip”.
tracking-feedback-hint = Please type your feedback as text, or press “Skip”.
tracking-accepted = ✅ Thank you! Request { $number } is closed with your rating of { $stars } ⭐.
tracking-accepted-low = ✅ Request { $number } is closed with your rating of { $stars } ⭐. We are sorry the work disappointed you: a manager will look into it.
tracking-ask-return-reason = What is wrong with the work on request { $number }? Type the reason: the request goes back to the executor.
tracking-returned = ↩️ Request { $number } is returned to work. The executor and the manager have been told.

## Errors

error-request-finished = The request is already finished ({ $status }): it can no longer be changed.
error-too-many-files = Too many files: at most { $max } at once.

## Notifications about requests

notify-open-request = 📄 Open the request
notify-accept-work = ✅ Accept
notify-return-work = ↩️ Return to work
notify-status = 🔔 Request { $number }: { $status }.
notify-created = 🆕 New request { $number }: { $category }, { $urgency }.
notify-assigned-executor =
    🛠 Request { $number } is assigned to you.
    { $category } · { $urgency }
    📍 { $address }, { $kind ->
        [apartment] apt. { $apartment }, entrance { $entrance }
       *[other] { $place }
    }
    🗺 { $map }
    🚪 { $access } · { $slot }
    👤 { $name }, { $phone }
    📝 { $description }
    ⏱ Accept by { $accept_due }, complete by { $complete_due }
notify-unassigned-executor = Request { $number } is no longer assigned to you.
notify-declined = ⚠️ The executor declined request { $number }: { $reason }. It needs a new executor.
notify-paused = ⏸ Work on request { $number } is paused: { $reason }.
notify-paused-comment = ⏸ Work on request { $number } is paused: { $reason }. { $comment }
notify-completed =
    ✅ Request { $number } is done.
    Executor { $executor }: { $comment }

    Please check the work and accept it or return it.
notify-completed-watcher =
    ✅ Request { $number } that you follow is done.
    Executor { $executor }: { $comment }
notify-rated-executor = ⭐ The resident accepted request { $number } with a rating of { $rating }.
notify-low-rating = ⚠️ Low rating for request { $number }: { $rating } ⭐. Resident's comment: { $comment }. Please follow up.
notify-closed-by-manager = ✅ Request { $number } was closed by the manager: { $comment }
notify-auto-accepted = ✅ Request { $number } was accepted automatically.
notify-closed-executor = ✅ Request { $number } is closed.
notify-returned = ↩️ Request { $number } was returned to work by the resident: { $reason }
notify-rejected = ❌ Request { $number } was rejected: { $reason }
notify-cancelled = ❌ Request { $number } was cancelled: { $reason }
notify-category-changed = Request { $number }: the category is now { $category }.
notify-urgency-changed = Request { $number }: the urgency is now { $urgency }.
notify-comment = 💬 Request { $number }, comment from the { $who }: { $text }
notify-files =
    📎 Request { $number }: the { $who } added { $count ->
        [one] one file
       *[other] { $count } files
    }.

## Filing a request: the wizard

filing-ask-category = 📝 New request. What is the problem about? Choose a category:
filing-ask-place = 📍 Where is the problem?
filing-home = 🏠 My apartment { $apartment }
filing-home-in = 🏠 Apt. { $apartment }, { $address }
filing-common = 🏢 Common area of the building
filing-common-in = 🏢 Common area: { $address }
filing-ask-area = 🏢 { $address }. Which part of the building?
filing-ask-description =
    ✍️ Describe the problem: what happened, since when, what you have already tried.
    You can also record a voice message.
filing-current = Now: { $value }
filing-description-hint = Please describe the problem in a text message or record a voice message. Photos can be added at the next step.
filing-voice-kept = 🎤 Voice message saved; it is attached to the request.
filing-ask-media =
    📎 Add photos, videos, documents or voice messages (up to { $max } files; albums work).
    When you are done, press "Done". No files? Press "Skip".
filing-media-received = 📎 Files attached: { $count } of { $max }. Send more or press "Done".
filing-media-hint = Please send a photo, a video, a document or a voice message, or press "Done".
filing-media-done = ✅ Done
filing-media-skip = ➡️ Skip
filing-media-clear = 🗑 Remove all files
filing-ask-urgency = ⏱ How urgent is it?
filing-emergency =
    🚨 Emergency! If there is a flood, a smell of gas, sparking wires or a risk to people, call the dispatcher right now: { $phone }
    We are filing your request as well.
filing-emergency-alert = 🚨 Emergency: call the dispatcher now: { $phone }
filing-urgency-chosen = ⏱ Urgency: { $urgency }
filing-ask-access = 🚪 How can the specialist get in?
filing-ask-slot = 🕘 When is a visit convenient?
filing-buttons-hint = Please choose one of the options with the buttons.
filing-back = ◀️ Back
filing-cancel = ✖️ Cancel
filing-cancelled = Request discarded. Nothing was sent.
filing-cancelled-short = Discarded
filing-submitting = Your request is being filed, one moment…

## Summary

filing-summary =
    📝 Please check your request:

    Category: { $category }
    Place: { $place }
    Description: { $description }
    Files: { $files }
    Urgency: { $urgency }
    Access: { $access }
    Visit time: { $slot }

    Is everything right? Press "Confirm" or change a field.
filing-place-apartment = { $address }, apt. { $apartment }
filing-place-common = { $address }, { $place }
filing-edit-category = ✏️ Category
filing-edit-place = ✏️ Place
filing-edit-description = ✏️ Description
filing-edit-media = ✏️ Files
filing-edit-urgency = ✏️ Urgency
filing-edit-access = ✏️ Access and time
filing-confirm = ✅ Confirm

## Result

filing-filed =
    ✅ Request №{ $number } is filed.
    Status: { $status }
    Expected to be taken into work by { $accept_due } and done by { $complete_due }.
    You will get a message whenever its status changes.
filing-already-filed =
    This request is already filed: №{ $number }.
    Status: { $status }
    Expected to be taken into work by { $accept_due } and done by { $complete_due }.
filing-filed-short = Filed: №{ $number }
filing-already-filed-short = This request is already filed: №{ $number }.
filing-already-joined = You have already joined request №{ $number }.

## Duplicates

filing-duplicate-intro = 🔎 A similar request from your building is already open. You can join it and get its updates instead of filing a new one:
filing-similar =
    №{ $number } · { $category } · { $place }
    Status: { $status }, filed { $created }
    { $description }
filing-similar-apartment = apt. { $apartment }
filing-join = 🔔 Join №{ $number }
filing-file-anyway = 📝 File my request anyway
filing-joined =
    🔔 You joined request №{ $number } (status: { $status }).
    You will be notified of its changes.
filing-joined-short = Joined №{ $number }

## Resuming a draft

filing-resume = You have an unfinished request (step: { $step }). Continue it or start over?
filing-resume-continue = ▶️ Continue
filing-resume-restart = 🔄 Start over
filing-step-category = category
filing-step-place = place
filing-step-area = place
filing-step-description = description
filing-step-media = files
filing-step-urgency = urgency
filing-step-access = access
filing-step-slot = visit time
filing-step-summary = confirmation
filing-step-duplicate = confirmation
filing-step-submitting = confirmation
filing-link-home = 🏠 Link my apartment

## Who may file

filing-error-not-registered = To file a request, first link your apartment: press the button below or send /start.
filing-error-pending = Your apartment is still waiting for verification by the manager. You will be able to file requests as soon as it is verified.
filing-error-rejected = Your address was not verified, so you cannot file requests yet. Add your apartment again in 👤 Profile or contact the management company.
filing-error-description-short = The description is too short: please write at least { $min } characters.
filing-error-too-many-files = A request can hold at most { $max } files; the extra ones were not added. Press "Done" to continue.
filing-error-join-closed = Request №{ $number } is already closed. Please file your own request.
field-description = description

## Access and visit time

access-any_time = Any time
access-call_first = Call me first
access-key_at_concierge = Key at the concierge
access-with_me_present = Only with me present
timeslot-any = Any time
timeslot-morning = Morning (9–12)
timeslot-afternoon = Afternoon (12–17)
timeslot-evening = Evening (17–20)

## The card for managers and the staff chat

filing-card =
    🆕 New request №{ $number }
    { $category } · { $urgency }
    📍 { $address }, { $kind ->
        [apartment] apt. { $apartment }
       *[other] { $place }
    }
    👤 { $name }, { $phone }
    📝 { $description }
    🚪 { $access } · { $slot }
    📎 Files: { $files }
    ⏱ Accept by { $accept_due }, complete by { $complete_due }

## Outage incidents

action-link_incident = linked to an outage
action-close_by_incident = closed: the outage was resolved
action-return_from_incident = outage resolved, back to the desk
field-incident_id = incident
notify-closed-by-incident = ✅ Request { $number } is closed: the outage was resolved. { $comment }

incident-category-plumbing = no water
incident-category-electricity = no electricity
incident-category-heating = no heating
incident-category-elevator = elevator out of order
incident-category-cleaning = cleaning problem
incident-category-carpentry = doors and windows problem
incident-category-security = security problem
incident-category-other = outage

incident-suggestion = ⚠️ Possible outage at { $address }: { $count } requests about { $category } in { $minutes } min (since { $since }).
incident-btn-declare = 🚨 Declare incident
incident-btn-not-related = Not related
incident-dismissed = Marked as not related: these requests stay as they are.

incident-linked = 🚨 Your request is now part of a known outage at { $address }: { $category } since { $since }. { $text }
    We expect to fix it by { $due }; you will get every update here.
incident-update = 📣 Outage at { $address } ({ $category }): { $update }
incident-resolved = ✅ The outage at { $address } ({ $category }) is over: { $update }
incident-resolved-open = ✅ The outage at { $address } ({ $category }) is over: { $update }
    Your request stays open: the desk will take care of it.

incident-known = 🚨 Known outage: { $category } at { $address } since { $since }. We are working on it. { $text }
    Expected fix: { $due }.
    Follow the incident to get its updates without filing a request, or file one anyway.
incident-btn-follow = 🔔 Follow the incident
incident-btn-file-anyway = 📝 File anyway
incident-following = 🔔 You follow the outage at { $address }: its updates and its end will come here. No request was filed.

incident-btn-queue = 🚨 Outages: { $count }
incident-queue-title = 🚨 Open outages: { $count }
incident-queue-empty = No open outages. Declare one when a building loses water, power, heating or the elevator.
incident-queue-item = { $category } · { $address } · { $linked } req. · { $followers } foll.
incident-btn-new = ➕ Declare an outage
incident-btn-back = ⬅️ Back
incident-btn-cancel = ✖️ Cancel
incident-card = 🚨 Outage: { $category }
    🏠 { $address }
    Since { $since }, target { $due }
    { $text }
    Linked requests: { $linked }; followers: { $followers }
incident-card-resolved = ✅ Resolved.
incident-btn-update = 📣 Send an update
incident-btn-link = 🔗 Link matching open requests
incident-btn-resolve-close = ✅ Resolve and close requests
incident-btn-resolve-return = ✅ Resolve, return requests to the desk
incident-btn-hours = { $hours } h
incident-ask-building = Which building has the outage? Send a part of its address.
incident-pick-building = Pick the building:
incident-ask-category = What is out?
incident-ask-target = By when do you expect to fix it? Linked requests will have this deadline.
incident-ask-text = Describe the outage ({ $category }) in a message residents will read (up to { $max } characters).
incident-declared = 🚨 Incident declared. Linked requests: { $linked }.
incident-ask-update = Send the update for residents (up to { $max } characters).
incident-ask-resolve-close = Send the resolution for residents. The { $linked } linked requests still open will be closed.
incident-ask-resolve-return = Send the resolution for residents. The { $linked } linked requests still open go back to the desk with their own deadlines.
incident-update-sent = 📣 Update sent to { $count } people.
incident-resolved-report = ✅ Outage resolved. Requests closed: { $closed }, returned to the desk: { $returned }; people notified: { $notified }.
incident-text-hint = Please send the text as a message, or press Cancel.
incident-linked-count = Requests linked: { $count }.

incident-error-empty = The text is empty: please write what residents should read.
incident-error-too-long = The text is too long ({ $length } characters); the limit is { $max }.
incident-error-already-open = This building already has an open outage of this kind: update it instead.
incident-error-resolved = This outage is already resolved (maybe by another manager a moment ago).
incident-error-suggestion-decided = This suggestion was already handled.
incident-error-suggestion-expired = This suggestion has expired: nobody answered it within the outage window. If the outage goes on, declare it from the manager panel: 🚨 Outages → ➕ Declare an outage.
incident-error-no-building = No building of yours matches: send another part of the address.
incident-error-target = Please pick one of the offered targets.

incident-settings-line = Possible outage: { $count } requests of one kind in one building within { $minutes } min
incident-settings-btn-count = 🚨 Outage after { $count } requests
incident-settings-btn-window = ⏱ Outage window: { $minutes } min
incident-settings-ask-count = How many open requests of one category in one building suggest an outage (now { $current })? Send a number from { $min } to { $max }.
incident-settings-ask-window = Within how many minutes must they arrive (now { $current })? Send a number from { $min } to { $max }.
incident-settings-error-count = Send a whole number from { $min } to { $max }.
incident-settings-error-window = Send a whole number of minutes from { $min } to { $max }.

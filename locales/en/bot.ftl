## Common: start, language, menu, help

start-choose-language = Choose your language · Выберите язык · Tilni tanlang
language-changed = Language: English.
language-current = Current language: English. Choose another one:
menu-title = Main menu. Choose what you need below.
menu-placeholder = Choose an action
menu-new-request = 📝 New request
menu-my-requests = 📋 My requests
menu-profile = 👤 Profile
menu-language = 🌐 Language
menu-help = ❓ Help
help-text =
    UK Management Bot is the request desk of your housing management company.

    /start: main menu
    /language: change the language
    /help: this help
help-staff =
    Your roles: { $roles }.
    Staff tools appear in the menu as they are enabled for your role.
unknown-message = I didn't understand that. Please use the buttons of the menu below.
throttle-notice = You are sending messages too fast. Please wait a few seconds; messages sent meanwhile are ignored.
callback-outdated = This button is outdated. Please open the menu again.
user-deactivated = Your account is deactivated. Please contact your management company.

## Commands menu

cmd-start = Main menu
cmd-new = New request
cmd-help = Help
cmd-language = Change language

## Errors (domain error keys)

error-generic = Something went wrong on our side. Please try again in a minute.
error-unavailable = The service is temporarily unavailable. Please try again in a minute.
error-not-allowed = You are not allowed to do this.
error-not-available = This item is not available to you.
error-not-found = Nothing was found.
error-invalid-transition = This action is not possible in the current state ({ $status }).
error-missing-field = Please fill in: { $field }.
error-validation = The value is not valid. Please check it and try again.

error-not-on-duty = Only executors on duty can take requests from the pool. Turn on duty first.
error-unchanged = Nothing changed: { $field } is already set to this value.
error-text-too-long = The { $field } is too long: at most { $max } characters.

## Field names (in error messages)

field-reason = reason
field-comment = comment
field-assignee_id = executor
field-hold_reason = pause reason
field-rating = rating from 1 to 5
field-media_count = at least one photo
field-category = category
field-urgency = urgency

## Actions (history and errors)

action-create = filed
action-assign = assigned
action-reassign = reassigned
action-unassign = unassigned
action-claim = taken from the pool
action-accept = accepted by the executor
action-decline = declined by the executor
action-start = work started
action-hold = paused
action-resume = work resumed
action-complete = completed by the executor
action-confirm_completion = completion confirmed by the manager
action-close_on_behalf = closed by the manager
action-accept_work = accepted by the resident
action-return_work = returned by the resident
action-auto_accept = accepted automatically
action-reject = rejected
action-cancel = cancelled
action-change_category = category changed
action-change_urgency = urgency changed

## Roles

role-resident = resident
role-executor = executor
role-manager = manager
role-admin = administrator
role-system = system

## Request statuses

status-new = New
status-assigned = Assigned
status-accepted = Accepted by executor
status-in_progress = In progress
status-on_hold = On hold
status-completed = Completed, awaiting your confirmation
status-closed = Closed
status-returned = Returned to work
status-rejected = Rejected
status-cancelled = Cancelled

## Categories

category-plumbing = Plumbing
category-electricity = Electricity
category-heating = Heating
category-elevator = Elevator
category-cleaning = Cleaning
category-carpentry = Doors, windows, carpentry
category-security = Security, intercom
category-other = Other

## Urgency

urgency-normal = Normal
urgency-urgent = Urgent
urgency-emergency = Emergency

## Specializations

specialization-plumber = Plumber
specialization-electrician = Electrician
specialization-carpenter = Carpenter
specialization-elevator = Elevator technician
specialization-cleaner = Cleaner
specialization-heating = Heating technician
specialization-general = Handyman
specialization-security = Security and intercom

## Places

place-apartment = Apartment
place-entrance = Entrance
place-stairwell = Stairwell
place-basement = Basement
place-roof = Roof
place-yard = Yard
place-elevator = Elevator

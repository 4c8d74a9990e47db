## Staff: invites and the People screens

menu-people = 👥 People
cmd-people = People: search, cards, roles
cmd-invite = Create an invite link
cmd-settings = Desk settings: deadlines, working hours, quiet hours

staff-none = —
staff-all-buildings = all buildings
staff-prev = ◀️ Previous page
staff-next = Next page ▶️
staff-status-active = active
staff-status-deactivated = ⛔ deactivated

## The list and search

staff-people-title = 👥 People: { $total } (page { $page } of { $pages }).
staff-people-empty = 👥 Nobody was found.
staff-people-query = Search: { $query }
staff-people-hint = Tap a person to open the card. Search by name, phone or @username with the button below or with /people text.
staff-people-item = { $mark }{ $name } · { $roles }
staff-btn-search = 🔎 Search
staff-btn-all = 📋 Everyone
staff-btn-invite = ➕ Invite staff
staff-search-ask = Type a name, a part of a phone number or an @username.
staff-search-hint = Please type the search as text.

## The person card

staff-card =
    👤 { $name }
    Telegram: { $username }
    Phone: { $phone }
    Roles: { $roles }
    Specializations: { $specializations }
    Buildings: { $buildings }
    Status: { $status }
staff-btn-roles = 🎭 Roles
staff-btn-specializations = 🛠 Specializations
staff-btn-buildings = 🏢 Buildings
staff-btn-deactivate = ⛔ Deactivate
staff-btn-reactivate = ✅ Reactivate
staff-btn-list = 📋 Back to the list
staff-btn-card = ◀️ Back to the card
staff-roles-title = Roles of { $name }. Tap a role to give it or take it away:
staff-role-granted = Role given: { $role }
staff-role-revoked = Role taken away: { $role }
staff-specs-title = Specializations of { $name }. Tap to add or remove:
staff-buildings-title = Buildings of { $name } (page { $page } of { $pages }). Tap to add or remove:
staff-deactivate-confirm = Deactivate { $name }? They lose access to the bot at once; their history is kept.
staff-btn-deactivate-confirm = ⛔ Yes, deactivate
staff-btn-keep = ◀️ No, go back
staff-deactivated = { $name } is deactivated
staff-reactivated = { $name } is active again

## Creating an invite

staff-invite-ask-role = ➕ New invite link. Whom are you inviting?
staff-invite-role-executor = 🛠 Executor
staff-invite-role-manager = 🧑‍💼 Manager
staff-invite-role-admin = 👑 Administrator
staff-invite-ask-specializations = Choose the executor's specializations (one or more), then press Continue.
staff-invite-ask-buildings-optional = Choose the buildings the executor serves, or none for all buildings (selected: { $selected }; page { $page } of { $pages }). Then press Continue.
staff-invite-ask-buildings = Choose the buildings (at least one; selected: { $selected }; page { $page } of { $pages }). Then press Continue.
staff-invite-ask-expiry = How long should the link stay valid?
staff-invite-ttl =
    { $days ->
        [one] { $days } day
       *[other] { $days } days
    }
staff-btn-next = Continue ➡️
staff-btn-cancel = ✖️ Cancel
staff-invite-cancelled = The invite was cancelled.
staff-invite-created-short = Invite link created
staff-invite-created = 🔗 Invite link for a new { $role }
staff-invite-specializations = Specializations: { $specializations }
staff-invite-buildings = Buildings: { $buildings }
staff-invite-expires = Valid until { $expires }, single use.
staff-invite-send =
    Send this link to the person; it works only once:
    { $link }

## Accepting an invite

staff-invite-welcome = 🎉 Welcome to the team! You are now: { $role }.

## Notifications

staff-invite-accepted-notice = ✅ { $name } accepted your invite and joined as { $role }.
staff-role-granted-notice = 🎭 You were given a new role: { $role }. Press /start to see your menu.
staff-role-revoked-notice = 🎭 Your role was taken away: { $role }. Press /start to see your menu.
staff-reactivated-notice = ✅ Your account is active again. Press /start to open the menu.

## Errors

error-invite-unknown = This invite link is not valid. Please ask for a new one.
error-invite-expired = This invite link has expired. Please ask for a new one.
error-invite-used = This invite link has already been used. Each link works only once; please ask for a new one.
error-invite-no-specializations = Choose at least one specialization.
error-invite-no-buildings = Choose at least one building.
error-staff-own-admin = You cannot take away your own administrator role.
error-staff-self = You cannot deactivate yourself.
error-staff-already-active = This person is already active.
error-staff-already-deactivated = This person is already deactivated.

# Open invites and handing a deactivated executor's jobs back to the desk.

staff-btn-invites = 📨 Open invites
staff-invites-title = 📨 Open invites: { $count }
staff-invites-empty = No open invites: every link was used, revoked or has expired.
staff-invite-line = #{ $id } · { $role } · { $details } · until { $until } · by { $by }
staff-btn-invite-revoke = 🚫 Revoke #{ $id }
staff-btn-people = 👥 People
staff-invite-revoked = Invite #{ $id } is revoked: its link no longer works.
staff-invite-gone = This invite is no longer open (used, revoked or expired).
error-invite-revoked = This invite link was revoked. Please ask for a new one.
staff-hand-back-offer = The deactivated person still has open jobs: { $count }. Hand them back to the desk, so that they can be assigned again?
staff-btn-hand-back = ↩️ Return jobs to the desk ({ $count })
staff-btn-keep-jobs = Leave them assigned
staff-hand-back-done = Returned to the desk: { $count }
staff-hand-back-kept = Not returned (buildings you do not manage): { $count }
staff-btn-person-card = 👤 Back to the person

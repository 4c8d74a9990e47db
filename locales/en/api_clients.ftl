# REST API clients (admins: ⚙️ Settings → 🔑 API clients) and requests taken through the API.

api-clients-btn-open = 🔑 API clients
api-clients-title = 🔑 API clients
api-clients-hint = Integrations (a call centre, accounting) call the REST API /api/v1 with a client id and secret. A revoked client stops working at once.
api-clients-empty = No clients yet.
api-clients-line = #{ $id } { $name } · { $scopes } · { $buildings ->
        [0] all buildings
       *[other] { $buildings } buildings
    } · { $state }
api-clients-active = active
api-clients-revoked = revoked
api-clients-btn-revoke = 🚫 Revoke #{ $id }
api-clients-btn-new = ➕ New client
api-clients-btn-create = ✅ Create
api-clients-btn-cancel = ✖️ Cancel
api-clients-btn-list = 🔑 API clients
api-clients-ask-name = Send the new client's name, e.g. Call centre.
api-clients-ask-scopes = What may «{ $name }» do? Choose, then press Create.
api-clients-created =
    ✅ Client #{ $id } «{ $name }» is created ({ $scopes }).
    Client id: { $id }
    Secret: { $secret }
    The secret is shown only now: copy it into the integration's settings. Tokens: POST /api/v1/token.
api-clients-created-short = Client #{ $id } is created
api-clients-revoked-short = Client #{ $id } «{ $name }» is revoked: its tokens no longer work.
api-scope-requests-read = read requests
api-scope-requests-write = file requests and comment
api-scope-export = export
api-clients-error-admins-only = Only admins manage API clients.
api-clients-error-scope = Unknown scope: { $scope }. Use requests:read, requests:write or export.
api-clients-error-no-scope = Choose at least one scope.
api-clients-error-name = The name must be 2 to { $max } characters.
api-clients-error-unknown = There is no active API client #{ $id }.

api-intake-filed =
    📞 Your request №{ $number } was registered by { $by }: { $category }.
    { $description }
    Expected to be taken into work by { $accept_due } and done by { $complete_due }. You will get a message whenever its status changes; "My requests" shows it.
api-intake-unknown-phone = No resident gave this phone in the bot.
api-intake-choose-apartment = The resident has several apartments: give apartment_id, one of { $choices }.
api-intake-choose-building = The resident's homes are in several buildings: give building_id, one of { $choices }.

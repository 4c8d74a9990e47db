## Onboarding

onboarding-intro = Welcome! Let's link you to your home so you can file requests. First, share your phone number with the button below.
onboarding-share-phone = 📱 Share my phone number
onboarding-phone-not-yours = This is someone else's contact. Please share your own number with the button below.
onboarding-phone-hint = Please use the "Share my phone number" button below; typing the number is not accepted.
onboarding-ask-name = How should the management company address you? Type your full name or press the button with your Telegram name.
onboarding-name-hint = Please type your name as text.
onboarding-ask-building = Find your building: pick it from the list, type a part of the address, or share your location.
onboarding-building-placeholder = Street or building…
onboarding-share-location = 📍 Share my location
onboarding-building-page = Buildings, page { $page } of { $pages }:
onboarding-building-all = 📋 All buildings
onboarding-building-distance = { $address } · { $km } km
onboarding-no-buildings = The address directory is empty. Please contact your management company.
onboarding-location-address = Your location: { $address }
onboarding-nearest = Buildings nearest to you:
onboarding-nothing-near = No buildings with coordinates were found. Please pick yours from the list or type the address.
onboarding-search-empty = Nothing matches that address. Try another word or pick from the list:
onboarding-search-results = Buildings matching your search:
onboarding-building-hint = Please pick a building from the list, type a part of its address, or share your location.
onboarding-building-chosen = Building: { $address }
onboarding-ask-apartment = Type your apartment number, for example 12 or 12A.
onboarding-apartment-hint = Please type the apartment number as text, for example 12.
onboarding-ask-kind = Apartment { $apartment }. Are you the owner or a tenant?
onboarding-kind-hint = Please choose with the buttons: owner or tenant.
onboarding-submitted-short = Sent for verification
onboarding-submitted = Thank you! Your request to link { $address }, apartment { $apartment } was sent to the manager for verification. You will get a message when it is checked.

residency-owner = Owner
residency-tenant = Tenant

verification-pending = waiting for verification
verification-document_requested = document requested
verification-approved = verified
verification-rejected = rejected

## Profile

profile-text =
    👤 { $name }
    📱 { $phone }
    Roles: { $roles }

    Apartments:
    { $apartments }
profile-apartment-line = • { $address }, apt. { $apartment } ({ $kind }): { $state }
profile-no-phone = phone not given
profile-no-apartments = none yet
profile-add-apartment = ➕ Add an apartment

## Verification (manager side and resident notifications)

verify-card =
    🏠 Verification request
    { $name }, { $phone }
    { $address }, apt. { $apartment } ({ $kind })
verify-document = 📄 Document for { $address }, apt. { $apartment }
verify-approve = ✅ Approve
verify-reject = ❌ Reject
verify-ask-document = 📄 Ask for a document
verify-approved-short = Approved
verify-approved = ✅ Approved: apartment { $apartment }.
verify-document-asked = 📄 A document photo was requested.
verify-ask-reason = Type the reason for rejecting apartment { $apartment }; the resident will see it.
verify-reason-hint = Please type the reason as text.
verify-rejected = ❌ Rejected: apartment { $apartment }. The resident was told the reason.
residency-approved = ✅ Your address is verified: { $address }, apt. { $apartment }. You can file requests now.
residency-rejected = ❌ Your address { $address }, apt. { $apartment } was not verified. Reason: { $reason }
residency-document-requested = 📄 To verify { $address }, apt. { $apartment }, the manager asks for a photo of a document proving you live there (a lease or an ownership certificate).
residency-send-document = 📄 Send a document photo
residency-document-ask = Send a photo of the document (or a PDF file).
residency-document-received = Thank you, the document was sent to the manager.
residency-document-hint = Please send a photo of the document or a PDF file.

## Errors

error-phone-invalid = This does not look like a phone number.
error-name-invalid = Please type a real name: 2 to { $max } characters with letters.
error-apartment-invalid = The apartment number must start with a digit, for example 12 or 12A.
error-apartment-not-found = There is no apartment { $number } in this building. Check the number and type it again.
error-apartment-already-linked = Apartment { $number } is already in your profile.
error-verification-decided = This verification has already been decided.
error-file-type = This type of file is not accepted. Send a photo, a video, a PDF or a voice message.
error-file-too-large = The file is too large: at most { $max } MB.

## Navigation

nav-prev = ◀️ Back
nav-next = Next ▶️

# Messages sent by the notifier: e-mail, SMS and spoken messages (ACC-1 … ACC-9).
# Periods must match the rules in libs/common/src/accounts (links: confirm 3 days,
# password 1 hour, phone 24 hours; codes: 5 minutes).

# Shared
email-link-fallback = Does the button not work? Copy this link and paste it into the address bar of your browser:
email-contact-phone = Phone: { $phone }
email-contact-email = E-mail: { $email }

# Welcome: confirm the e-mail address (ACC-2)
email-confirm-email-subject = Welcome to { $organisation }
email-confirm-email-intro = You created an account with { $organisation }. Confirm your e-mail address, and you can sign in.
email-confirm-email-button = Confirm e-mail address
email-confirm-email-open-link = Open this link to confirm your e-mail address:
email-confirm-email-validity = The link is valid for 3 days and works only once.
email-confirm-email-not-you = Did you not create an account? Then you can ignore this e-mail.

# There is an account with this address already (ACC-1)
email-account-exists-subject = You already have an account with { $organisation }
email-account-exists-intro = Someone tried to create an account with { $organisation } using this e-mail address. But there is already an account with this e-mail address.
email-account-exists-was-you = Was that you? Then you can simply sign in with your existing account:
email-account-exists-sign-in = Sign in
email-account-exists-forgot = Forgot your password? Then choose a new password:
email-account-exists-reset = Choose a new password
email-account-exists-not-you = Was that not you? Then you do not need to do anything. Your account is safe.

# Sign-in code (ACC-4)
email-sign-in-code-subject = Two-factor sign-in code for { $organisation }
email-sign-in-code-intro = Enter this sign-in code to sign in to { $organisation }:
email-sign-in-code-validity = The code is valid for 5 minutes.
email-sign-in-code-never-share = Never share this code with anyone, not even with staff of { $organisation }.
email-sign-in-code-not-you = Are you not trying to sign in? Then someone else may know your password. Choose a new password as soon as possible.
sms-sign-in-code = { $code } is your sign-in code for { $organisation }. Valid for 5 minutes. Do not share this code with anyone.
voice-sign-in-code = This is a message from { $organisation }. Your sign-in code is: { $code }. Once again: { $code }. The code is valid for 5 minutes. Do not share this code with anyone.

# Forgotten password (ACC-5)
email-password-reset-subject = Choose a new password for { $organisation }
email-password-reset-intro = You asked for a new password for your account with { $organisation }. Press the button to choose a new password.
email-password-reset-button = Choose a new password
email-password-reset-open-link = Open this link to choose a new password:
email-password-reset-validity = The link is valid for 1 hour and works only once.
email-password-reset-not-you = Did you not ask for a new password? Then you can ignore this e-mail. Your password stays the same.

# Password changed (ACC-5, ACC-7)
email-password-changed-subject = Your password for { $organisation } was changed
email-password-changed-body = The password of your account with { $organisation } was changed. You were signed out on all other devices.
email-password-changed-not-you = Did you not change your password? Then contact { $organisation } straight away.

email-code-lockout-subject = Someone tried to sign in to your account with { $organisation }
email-code-lockout-body = A wrong sign-in code was entered too often today when signing in to your account with { $organisation }. Whoever did this knew your password. Your account has therefore been blocked and you were signed out everywhere.
email-code-lockout-action = Choose a new password to sign in again. Use a password you use nowhere else.
email-code-lockout-button = Choose a new password
email-code-lockout-was-you = Was it you? Then choose a new password as well; after that you sign in as always.

# Confirm a new phone number (ACC-8)
email-verify-phone-link-subject = Confirm your phone number for { $organisation }
email-verify-phone-link-intro = You want to use the phone number { $phone } for your account with { $organisation }. Confirm that this number is yours.
email-verify-phone-link-button = Confirm phone number
email-verify-phone-link-open-link = Open this link to confirm your phone number:
email-verify-phone-link-next = After that you get a code on { $phone }: by text message, or we call you and a voice reads the code out. Enter that code in the portal.
email-verify-phone-link-validity = The link is valid for 24 hours and works only once.
email-verify-phone-link-not-you = Did you not enter a new phone number? Then you can ignore this e-mail.

# Code for the phone number (ACC-8)
sms-phone-code = { $code } is your code to confirm your phone number with { $organisation }. Valid for 5 minutes. Do not share this code with anyone.
voice-phone-code = This is a message from { $organisation }. Your code to confirm your phone number is: { $code }. Once again: { $code }. The code is valid for 5 minutes. Do not share this code with anyone.

# A question from the help form, to the care organisation (ACC-9)
email-help-question-subject = Question through the portal from { $from_name } (reference { $reference })
email-help-question-heading = Question through the portal
email-help-question-intro = { $from_name } asked a question through the portal of { $organisation }.
email-help-question-from-name = Name: { $name }
email-help-question-from-email = E-mail address: { $email }
email-help-question-topic = Subject: { $subject }
email-help-question-question = Question:
email-help-question-reference = Reference: { $reference }
email-help-question-reply = Answer the question with an e-mail to { $email }. Mention the reference in your answer.

# Account deleted (ACC-7)
email-account-deleted-subject = Your account with { $organisation } was deleted
email-account-deleted-body = Your account with { $organisation } was deleted. You can no longer sign in with it.
email-account-deleted-not-you = Did you not ask for this? Then contact { $organisation }.

email-admin-invite-subject = You are invited as administrator of { $organisation }
email-admin-invite-intro = You are invited to manage the portal of { $organisation }: its branding, its settings and the questions of clients.
email-admin-invite-button = Become administrator
email-admin-invite-open-link = Open this link to become administrator:
email-admin-invite-account = No account yet? Create one with this e-mail address first, then open the link again.
email-admin-invite-validity = The link works for 7 days and only once.
email-staff-invite-subject = You can now sign in as an employee of { $organisation }
email-staff-invite-intro = You are invited to sign in on the client portal of { $organisation } as an employee. There you read and answer the messages of clients and their network.
email-staff-invite-button = Become an employee

email-phone-changed-subject = Your phone number for { $organisation } was changed
email-phone-changed-body = From now on your sign-in codes for { $organisation } go to the phone number ending in { $number }.
email-phone-changed-codes = You confirmed this number with your password, a link in your e-mail and a code sent to the number itself.
email-phone-removed-subject = Your phone number for { $organisation } was removed
email-phone-removed-body = The phone number ending in { $number } was removed from your account with { $organisation }.
email-phone-removed-codes = From now on your sign-in codes come by e-mail.
email-phone-not-you = Did you not do this? Then choose a new password straight away with "Forgot password" on the sign-in page, and contact { $organisation }.

# NET-1: an invitation to a care page's personal network.
email-network-invite-subject = { $inviter } invites you to the care page of { $client }
email-network-invite-intro = { $inviter } invites you to join the care page of { $client } at { $organisation }. There you keep the calendar together, send each other messages and see what { $inviter } shares with you.
email-network-invite-personal = { $inviter } adds:
email-network-invite-button = View the invitation
email-network-invite-open-link = Open this link to view the invitation:
email-network-invite-account = No account yet? The link lets you create one with this e-mail address; then you accept the invitation.
email-network-invite-validity = The link works up to and including { $date }, and only for this e-mail address. Has it expired? Ask { $inviter } for a new invitation.

# NET-5: a member is removed from a care page's network.
email-member-removed-subject = You no longer take part in the care page of { $client }
email-member-removed-text = { $by } removed you from the network of the care page of { $client }. You can no longer open the care page.
email-member-removed-question = Do you think this is a mistake? Please contact { $by }.
email-member-removed-notice-subject = { $member } no longer takes part in the care page of { $client }
email-member-removed-notice-text = You removed { $member } from the network of the care page of { $client }. { $member } can no longer open the care page and has received an e-mail about it.

# NET-2: a grant with an end date, three days before it ends.
email-rights-ending-subject = Your rights on the care page of { $client } end on { $date }
email-rights-ending-text = Your rights on the care page of { $client } hold up to and including { $date }. After that you can still open the care page, but no longer see the calendar, the messages and the dossier.
email-rights-ending-longer = Do you need them for longer? Ask { $by }.

# MSG-5: messages wait (never their content)
email-messages-waiting-subject = A message is waiting for you on the care page of { $client }
email-messages-waiting-text = { $count ->
    [one] A new message is waiting for you on the care page of { $client } at { $organisation }.
   *[other] { $count } new messages are waiting for you on the care page of { $client } at { $organisation }.
}
email-messages-waiting-button = Read the messages
email-messages-waiting-settings = Rather not get these e-mails? Untick "a new message" under Notifications on the care page.

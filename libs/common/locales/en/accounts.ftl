# Accounts: sign-up, confirmation, sign-in, sign-in code, password, sessions (ACC-1 … ACC-6).

nav-overview = Overview
nav-settings = Settings
nav-sessions = Signed-in devices
nav-sign-in = Sign in
nav-sign-out = Sign out
start-create-account = Create account
start-sign-in = Existing user
auth-tabs-label = Sign up or sign in
signup-tab = Sign up
signin-tab = Sign in
form-has-errors = Not everything is filled in correctly. The fields below say what is still needed.

signup-title = Create account
signup-heading = Hello!
signup-intro = Let's get started. If you already have an account,
signup-have-account = you can sign in here.
signup-name = Name
signup-email = E-mail address
signup-password = Password
signup-password-confirmation = Confirm password
signup-terms = I accept the terms of use
signup-terms-link = Read the terms of use
signup-terms-required = Tick the box to accept the terms of use.
signup-submit = Sign up
signup-sent-title = Check your e-mail
signup-sent-text = We sent an e-mail to { $email }. Open the mail with the subject "Welcome to { $organisation }" and click "Confirm e-mail address".
signup-sent-spam = No mail? Also look in your junk (spam) folder. The link in the mail is valid for 3 days.

password-rules-intro = Your password must contain:
password-rule-met = Done:
password-rule-unmet = Not yet:
password-rule-length = at least 12 characters
password-rule-digit = 1 digit, for example 3
password-rule-lowercase = 1 lower-case letter, for example h
password-rule-uppercase = 1 capital letter, for example H
password-rule-special = 1 special character, for example ! or -
password-too-long = Your password is too long: use at most 256 characters.
password-guessable = This password is too easy to guess: it is well known, or looks like a common password or your name. Choose another one, for example a sentence of a few unrelated words.
password-mismatch = The passwords are not the same. Type the same password again.

input-email-invalid = Enter a valid e-mail address, for example jan.jansen@email.com.
input-name-invalid = Enter your name (at most 120 characters).
input-phone-invalid = Enter a valid phone number, for example 06 12345678 or +31 20 1234567.

confirm-title = Confirm account
confirm-text = Press the button below to confirm that you want to create an account with the e-mail address { $email }.
confirm-submit = Confirm

link-unknown-title = This link does not work
link-unknown-text = We do not know this link. Check that you used the whole link from the e-mail.
link-expired-title = This link has expired
link-expired-text = This link is no longer valid. Sign in to get a new e-mail, or ask for a new password.
link-used-title = This link was used already
link-used-text = Each link works only once, and this one has been used. You can simply sign in.
link-refused-sign-in = Go to sign in
link-refused-reset = Forgot your password?

signin-title = Sign in
signin-intro = Sign in with your account.
signin-create-account = Or create a new account.
signin-email = E-mail
signin-password = Password
signin-remember = Stay signed in
signin-forgot = Forgot your password?
signin-submit = Sign in
signin-wrong = The e-mail address or the password is not right. Please try again.
signin-held = Your account is blocked because a wrong sign-in code was entered too often today. Choose a new password with "Forgot your password?"; after that you can sign in again.
signin-unconfirmed = Your e-mail address is not confirmed yet. Open the "Welcome to …" mail and click "Confirm e-mail address".
signin-unconfirmed-resent = Your e-mail address is not confirmed yet. We sent you a new e-mail: click "Confirm e-mail address" in it.
signin-notice-confirmed = Your e-mail address is confirmed. You can sign in now.
signin-notice-signed-out = You are signed out.
signin-notice-password-changed = Your password was changed and you were signed out everywhere. Sign in with your new password.
signin-notice-expired = Your session has expired. Please sign in again.

code-title = Sign-in code
code-welcome = Welcome back, { $name }!
code-intro = We only know for sure that it is you once you enter the sign-in code we just sent you.
code-sent-email = Your sign-in code was sent to { $destination }. The code is valid for 5 minutes.
code-sent-sms = Your sign-in code was sent by text message to { $destination }. The code is valid for 5 minutes.
code-sent-voice = We are calling { $destination }; a voice reads out your sign-in code. The code is valid for 5 minutes.
code-sent-email-instead-of-sms = We could not send you a text message. Your sign-in code was sent to your e-mail address instead: { $destination }. The code is valid for 5 minutes.
code-sent-email-instead-of-voice = We could not call you. Your sign-in code was sent to your e-mail address instead: { $destination }. The code is valid for 5 minutes.
code-label = Sign-in code
code-submit = Confirm
code-resend-email = Send the e-mail again
code-resend-sms = Send the text message again
code-resend-voice = Call again
code-not-you = Not { $name }? Click here to sign out.
code-wrong = { $tries ->
    [one] This code is not right. You can try 1 more time.
   *[other] This code is not right. You can try { $tries } more times.
}
code-locked = You entered a wrong code 5 times. This code no longer works. Ask for a new code below.
code-expired = This code has expired. Ask for a new code below.
code-resent = We sent you a new code. Only the newest code works.

reset-title = Forgot password
reset-intro = Enter your e-mail address. We will send you an e-mail with a link to choose a new password.
reset-submit = Send link
reset-sent = If there is an account with this e-mail address, we have sent an e-mail. The link is valid for 1 hour.
reset-back-to-sign-in = Back to sign in
reset-new-title = Choose a new password
reset-new-intro = Choose a new password. After that you will be signed out on every device.
reset-new-password = New password
reset-new-submit = Save password

overview-title = Overview
overview-welcome = Welcome, { $name }
overview-intro = You are signed in at { $organisation }.

sessions-title = Signed-in devices
sessions-intro = This is where you are signed in. Something you do not recognise? Sign out there and choose a new password.
sessions-device = { $browser } on { $system }
sessions-device-unknown = Unknown device
sessions-this-device = this device
sessions-details = Address { $ip } · last used { $last_used } · signed in { $started }
sessions-remembered = stays signed in
sessions-end = Sign out on this device
sessions-end-everywhere = Sign out everywhere

terms-title = Terms of use
terms-intro = This portal of { $organisation } is meant for clients, their representatives and the people they invite.
terms-personal = Your account is personal. Use only your own name and e-mail address.
terms-secret = Keep your password and sign-in codes secret. Share them with nobody, not even with staff.
terms-network = Only invite people the client (or their representative) wants to give access.
terms-urgent = The portal is not for emergencies. In an emergency call the care organisation or 112.
terms-privacy = { $organisation } and Zorgportaal handle your data with care, under the GDPR.

throttle-wait-seconds = { $seconds ->
    [one] Too many attempts. Try again in 1 second.
   *[other] Too many attempts. Try again in { $seconds } seconds.
}
throttle-wait-minutes = { $minutes ->
    [one] Too many attempts. Try again in 1 minute.
   *[other] Too many attempts. Try again in { $minutes } minutes.
}

error-csrf-title = This form has expired
error-csrf-text = To protect you, we did not process this form. Go back, reload the page and try again.
error-forbidden-title = No access
error-forbidden-text = You do not have the rights to see this page.
error-too-large-title = Too large
error-too-large-text = What you sent is too large to process.

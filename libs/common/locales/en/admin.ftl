# Administration by the care organisation (API-2): branding, questions, settings.

nav-admin = Administration
admin-title = Administration
admin-intro = Here you manage the portal of { $organisation }.
admin-back = Back to Administration
admin-save = Save

admin-notice-branding = The branding is saved. Every page and e-mail uses it now.
admin-notice-logo = The logo is saved.
admin-notice-logo-removed = The logo is removed.
admin-notice-settings = The settings are saved.
admin-notice-handled = The question is handled.
admin-notice-reopened = The question is open again.

admin-branding-title = Branding
admin-branding-intro = Choose the name, colours, logo and contact details your clients see, on every page and in every e-mail.
admin-preview-heading = Preview
admin-preview-link = This is what a link looks like
admin-preview-button = Button
admin-preview-secondary = Second button
admin-preview-accent = Counter in the accent colour
admin-display-name = Name of the organisation
admin-display-name-invalid = Enter the name of the organisation (at most 120 characters).
admin-primary-color = Main colour
admin-primary-color-hint = As #rrggbb, for example #1d4f91. Links use this colour on white, so choose a dark colour.
admin-accent-color = Accent colour
admin-accent-color-hint = As #rrggbb, for example #e07a10.
admin-color-invalid = Enter a colour as # and 6 characters 0-9 or a-f, for example #1d4f91.
admin-color-contrast-text = Text on this colour is hard to read. Choose a lighter or darker colour.
admin-color-contrast-white = Links in this colour are hard to read on white (less than 4.5 : 1). Choose a darker colour.
admin-support-phone = Phone number for help
admin-phone-invalid = Enter a phone number with digits, for example 030 123 45 67.
admin-support-email = E-mail address for help
admin-email-invalid = Enter a valid e-mail address, for example care@organisation.nl.
admin-support-url = Website for help
admin-url-invalid = Enter a web address that starts with https://.
admin-welcome-text = Welcome text on the start page
admin-welcome-invalid = The welcome text can have at most 2000 characters.
admin-logo-heading = Logo
admin-logo-none = There is no logo yet.
admin-logo-choose = Choose a logo
admin-logo-hint = A PNG, JPEG or WebP image of at most { $megabytes } MB.
admin-logo-submit = Save logo
admin-logo-remove = Remove logo
admin-logo-missing = Choose an image first.
admin-logo-too-large = This logo is too large. Choose an image of at most 2 MB.
admin-logo-wrong-type = This file is not a PNG, JPEG or WebP image. Choose another file.
admin-logo-too-many-pixels = This logo is too large to process. Choose an image of at most 16 megapixels (8 megapixels at 16 bits per colour).
admin-logo-unreadable = We cannot open this logo. Try another file.
admin-image-too-many-uploads = You have sent many images in the past hour. Try again in an hour.

admin-inbox-title = Questions
admin-inbox-open-count = { $count ->
    [one] 1 open question
   *[other] { $count } open questions
}
admin-inbox-empty = No questions have been asked yet.
admin-inbox-caption = Questions sent with "Ask a question", open questions first
admin-inbox-status = Status
admin-inbox-subject = Subject
admin-inbox-from = From
admin-inbox-received = Received
admin-inbox-back = Back to Questions
admin-status-open = Open
admin-status-handled = Handled
admin-question-reference = Reference
admin-question-text = Question
admin-question-mark-handled = Mark as handled
admin-question-reopen = Open again

admin-settings-title = Organisation settings
admin-settings-intro = These settings apply to every client and their family in this portal.
admin-settings-appointments = Clients may make their own appointments visible to the organisation
admin-settings-messaging = Messages to the organisation only after a first message from a care worker
admin-settings-documents = Share documents with clients
admin-settings-reports-from = Show reports from
admin-settings-reports-from-hint = Leave empty to show every report.
admin-settings-date-invalid = Enter a date, for example 31-01-2024.
admin-settings-measurements = Which measurements do we show?
admin-settings-measurement-invalid = Choose only measurements from the list.
admin-settings-activation-weeks = How many weeks is an activation code valid?
admin-settings-weeks-invalid = Enter a number of weeks from 1 to 52.
admin-settings-response-days = Within how many days does the care team answer a message?
admin-settings-response-days-hint = Clients and their network see this promise with messages to the organisation. When a message waits longer, they see the organisation's phone number and it sits at the top for the employees.
admin-settings-response-days-invalid = Enter a number of days from 1 to 30.
admin-measurement-weight = Weight
admin-measurement-blood_pressure = Blood pressure
admin-measurement-blood_sugar = Blood sugar
admin-measurement-heart_rate = Heart rate
admin-measurement-temperature = Temperature
admin-measurement-oxygen_saturation = Oxygen saturation

admin-invite-title = Become administrator
admin-invite-intro = You are invited to manage the portal of { $organisation }. You become administrator with the account you are signed in with now ({ $email }).
admin-invite-accept = Become administrator
admin-invite-unknown = We do not know this invitation. Check that you used the whole link from the e-mail.
admin-invite-expired = This invitation has expired. Ask for a new invitation.
admin-invite-used = This invitation was used already.
admin-invite-other-address = This invitation was sent to another e-mail address. Sign out and sign in with the account of the address that received the invitation.

# Employees
admin-employees-title = Employees
admin-employees-intro = Clients see the name, the role and the photo of the employee who comes to an appointment.
admin-employees-empty = There are no employees on this list yet.
admin-employee-add-heading = Add an employee
admin-employee-name = Name
admin-employee-role = Role
admin-employee-add = Add
admin-employee-added = The employee has been added.
admin-employee-saved = The details have been saved.
admin-employee-deleted = The employee has been removed.
admin-employee-name-invalid = Enter the name (at most 120 characters).
admin-employee-role-invalid = Enter the role (at most 80 characters), for example District nurse.
admin-employee-photo-heading = Photo
admin-employee-photo-intro = A friendly photo of the face helps clients know who is coming.
admin-employee-photo-alt = Photo of { $name }
admin-employee-photo-choose = Choose a photo
admin-employee-photo-hint = A JPEG, PNG or WebP photo of at most { $megabytes } MB.
admin-employee-photo-submit = Save photo
admin-employee-photo-saved = The photo has been saved.
admin-employee-photo-too-large = This photo is too large. Choose a photo of at most 5 MB.
admin-employee-delete-heading = Remove
admin-employee-delete = Remove { $name }

# The organisation's administrators
administrators-title = Administrators
administrators-intro = These people manage the portal of { $organisation }. An organisation always has at least one administrator.
administrators-caption = Administrators
administrators-name = Name
administrators-email = E-mail address
administrators-since = Administrator since
administrators-revoke = Revoke admin rights
administrators-you = (you)
administrators-only-one = Only administrator
administrators-last = The last administrator cannot be removed. Invite someone else as administrator first.
administrators-open-title = Open invitations
administrators-open-item = { $email }, valid until { $date }
administrators-invite-title = Invite an administrator
administrators-invite-hint = We send an e-mail with a link. Only the account with this e-mail address can become administrator with it; the link works for 7 days.
administrators-invite = Send invitation
administrators-email-invalid = Enter a valid e-mail address, for example name@example.com.
administrators-notice-invited = The invitation has been sent.
administrators-notice-revoked = The admin rights have been revoked.

# Staff sign-in and begeleiders (API-3)
admin-employee-sign-in-heading = Signing in as an employee
admin-employee-sign-in-intro = An employee who signs in reads and answers the messages that clients and their trust group send to the organisation. The employee gets an invitation at the e-mail address below and signs in with their own account with that address, with password and code.
admin-employee-sign-in-none = This employee does not sign in.
admin-employee-sign-in-invited = Invited at { $email }; the invitation has not been used yet.
admin-employee-sign-in-active = This employee signs in with { $email }.
admin-employee-email = The employee's e-mail address
admin-employee-email-invalid = Enter a valid e-mail address, for example name@example.com.
admin-employee-invite = Send the invitation
admin-employee-sign-in-revoke = Take the sign-in away
admin-employee-invited = The invitation was sent.
admin-employee-sign-in-revoked = The employee can no longer sign in as an employee.
admin-client-begeleiders = Personal supervisors
admin-client-begeleiders-intro = The employees who supervise this client. They see this client's messages at the top, under "My clients".
admin-client-begeleiders-none = No supervisor has been chosen yet.
admin-client-begeleider-choose = Employee
admin-client-begeleider-add = Add supervisor
admin-client-begeleider-remove = No longer supervisor

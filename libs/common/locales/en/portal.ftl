# Layout
nav-skip-to-content = Skip to content
nav-home = Home
nav-help = Need help?
nav-main-label = Main menu
footer-support-heading = Contact { $organisation }
footer-support-phone = Call us: { $phone }
footer-support-email = Email us: { $email }
footer-support-url = More information
footer-platform = A Zorgportaal portal
footer-accessibility = Accessibility
footer-language-label = Language
logo-alt = Logo of { $organisation }

# Start page
start-title = Welcome to { $organisation }
start-intro = Here you and the people close to you follow the care of { $organisation }: the calendar, messages to each other and to the care team, the care record and shared notes.
start-features-heading = What you can do here
start-feature-calendar = See appointments and keep a shared calendar
start-feature-messages = Send messages to your network and to the care team
start-feature-dossier = Read the care record, protected by an extra code
start-feature-notes = Share notes with everyone who helps
start-help-heading = Questions?
start-help-text = Contact { $organisation }. The details are at the bottom of every page.

# Error pages
error-not-found-title = Page not found
error-not-found-text = This page does not exist (any more). Check the address or go to the home page.
error-unknown-host-title = This portal does not exist
error-unknown-host-text = There is no care portal at this address. Check the address in the letter or e-mail from your care organisation.
error-internal-title = Something went wrong
error-internal-text = Because of a fault we cannot show this page right now. Please try again in a few minutes.
error-request-id = Error code for the helpdesk: { $id }
error-bad-request-title = This request is not valid
error-bad-request-text = The form or address contains data we cannot process.
error-method-title = Not possible here
error-method-text = This action is not possible on this page.
error-back-home = Go to the home page
maintenance-title = Temporarily unavailable
maintenance-text = The portal of { $organisation } is temporarily unavailable. Your data is kept safe. Please try again later.

# E-mail
email-greeting = Dear { $name },
email-greeting-anonymous = Dear reader,
email-footer = This message was sent by { $organisation } through Zorgportaal.
email-footer-no-reply = You cannot reply to this e-mail.
email-delivery-test-subject = Test message from { $organisation }
email-delivery-test-body = This is a test message. It shows that e-mail from { $organisation } arrives and looks right.
email-delivery-test-reference = Reference: { $reference }

# SMS and voice
sms-delivery-test = Test message from { $organisation }. Reference: { $reference }
voice-delivery-test = This is a test message from { $organisation }. The reference is { $reference }.

# Accessibility statement (TEN-6)
accessibility-title = Accessibility
accessibility-intro = Zorgportaal wants everyone to be able to use the portal, also with a disability, on an old computer or on a small phone.
accessibility-standard-heading = The standard we keep
accessibility-standard = Every page, e-mail and document of the portal must meet the WCAG 2.2 guidelines at level AA.
accessibility-measures-heading = What we do for that
accessibility-measure-keyboard = Everything works with the keyboard; you always see where you are.
accessibility-measure-text = Text is large enough and has enough contrast, also in your care organisation's colours.
accessibility-measure-paste = You may paste codes and passwords.
accessibility-measure-help = Help is in the same place on every page.
accessibility-measure-colour = Meaning is never carried by colour alone.
accessibility-contact-heading = Something does not work for you?
accessibility-contact = Let { $organisation } know. The contact details are at the bottom of this page.

# The staff side (API-3, MSG-7, BEY-3)
staff-nav = Employee
staff-inbox-title = Messages from clients
staff-inbox-intro = Hello { $name }. Here are the messages that clients and their trust group send to the organisation. What has waited longer than { $days ->
    [one] 1 day
   *[other] { $days } days
} for an answer comes first; then your own clients.
staff-inbox-empty = There are no messages to the organisation yet.
staff-inbox-more = Next conversations
staff-inbox-first = Back to the top of the inbox
staff-inbox-last = { $count ->
    [one] 1 message, from { $who } on { $when }
   *[other] { $count } messages, last from { $who } on { $when }
}
staff-inbox-overdue = Waiting too long for an answer
staff-inbox-mine = My client
staff-new-message = Send a message to a client
staff-clients-title = Clients
staff-clients-intro = The clients with a linked care page. Choose who you send a message to; your own clients come first.
staff-clients-empty = There are no linked care pages yet.
staff-clients-number = client number { $number }
staff-compose-title = Message to { $client }
staff-compose-intro = The message goes to the client's trust group and shows on the care page as a message from { $organisation }.
staff-thread-title = Message from { $client }
staff-thread-audience = Shared with { $organisation } and the client's trust group.
staff-invite-title = Become an employee
staff-invite-intro = You are invited to sign in as { $employee }, an employee of { $organisation }, with the account { $email }.
staff-invite-accept = Yes, I also sign in as an employee from now on
staff-invite-unknown = This invitation does not exist. Ask the administrator for a new one.
staff-invite-expired = This invitation has expired. Ask the administrator for a new one.
staff-invite-used = This invitation was used already.
staff-invite-other-address = This invitation is for another e-mail address. Sign in with the account of the address the invitation was sent to.
staff-invite-other-employee = With this account you sign in as another employee already.

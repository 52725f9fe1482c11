# Care pages (CP-1 … CP-7): creating, switching, profile, administrators, deleting.

# I care for (CP-4)
care-switcher-heading = I care for
care-switcher-label = Choose a care page
care-switcher-self = For myself
care-switcher-other-portal = at { $organisation }
care-switcher-add = Add
care-switcher-current = (this page)

# After signing in without a care page (CP-1)
care-start-heading = Who do you want to create this care page for?
care-start-intro = With a care page you follow the care of { $organisation }. You create the page for yourself or for someone you care for.
care-start-signed-in-as = Signed in as
care-for-self = For myself
care-for-self-hint = Choose this if you are the client yourself.
care-for-other = For someone else
care-for-other-hint = Choose this if you create the page for a client, for example your mother or your partner.

# Creating (CP-1)
care-new-title = Create a care page
care-new-intro = Fill in the details. Then the care page is ready.
care-new-for-whom = Who is this care page for?
care-client-name = Name of the client
care-client-name-hint = The first name and last name of the person you care for.
care-birth-date = Date of birth
care-birth-date-own = Your date of birth
care-birth-date-hint = Day-month-year, for example 03-02-1950 (dd-mm-yyyy).
care-consent-heading = Consent
care-consent-text-self = I agree that { $organisation } puts my information on this care page and that I can read it here.
care-consent-text-other = I give my consent, and I may do so on behalf of the client: { $organisation } may put the client's information on this care page.
care-consent = Yes, I give my consent
care-new-submit = Create care page
care-activation-link = Do you have an activation code?
care-for-whom-missing = Choose who the care page is for.
care-client-name-missing = Enter the client's name (at most 120 characters).
care-birth-date-missing = Enter the date of birth.
care-birth-date-invalid = This date does not exist. Write the date as day-month-year, for example 03-02-1950.
care-birth-date-future = The date of birth cannot be in the future.
care-consent-missing = Tick "Yes, I give my consent". Without consent we cannot create the care page.
care-self-exists = You already have a care page for yourself on this portal. Choose "For someone else" or go to your own page.

# Activation code (CP-2, later)
care-activation-title = Use an activation code
care-activation-text = With the activation code from the letter of { $organisation } you link your care page to your records at { $organisation }.

# Not available yet
care-unavailable = Not available yet
care-unavailable-text = This part is not available yet. We are working on it. You will find it here once it is ready.
care-unavailable-back = Back to the care page

# Navigation per care page (CP-6)
care-nav-label = Parts of the care page
care-nav-calendar = Calendar
care-nav-messages = Messages
care-nav-dossier = Records
care-nav-notes = Notes
care-nav-connections = Connections
care-nav-profile = Profile
care-nav-notifications = Notifications
care-nav-more = More

# The care page itself
care-page-title = Care page of { $name }
care-page-unlinked = This care page is not linked to { $organisation } yet.
care-page-created = The care page is ready. You are its administrator.
care-page-you-are-beheerder = You are an administrator of this care page.
care-page-you-are-member = You are a member of this care page.

# A care page's overview (CP-4)
care-home-summary-heading = At a glance
care-home-for-whom = For whom
care-home-for-self = { $name } (yourself)
care-home-born = born on { $date }
care-home-organisation = Care organisation
care-home-linked = Linked to { $organisation }.
care-home-your-role = Your role
care-home-people = { $count ->
    [one] Who takes part: 1 person
   *[other] Who takes part: { $count } people
}
care-home-you = (you)
care-home-next-heading = What can you do now?
care-home-next-activate = Link this care page to { $organisation } with the activation code from the letter. No letter yet? Request one.
care-home-next-ask-beheerder = This care page is not yet linked to { $organisation }. An administrator of the page can link it with the activation code from the letter.
care-home-next-profile = Check that the care page's details are right. What { $organisation } shares with you is in the page's sections.
care-home-to-profile = To the profile
care-nav-badge-new = new

# Profile (CP-5)
care-profile-title = Profile
care-profile-general = General information
care-profile-name = Name
care-profile-birth-date = Date of birth
care-profile-for-whom = For whom
care-profile-for-self = The client created this page
care-profile-for-other = Created by someone who cares for the client
care-profile-administered-by = Who administers this page?
care-profile-edit-heading = Change the details
care-profile-save = Save
care-profile-saved = The details have been saved.
care-profile-read-only = Only an administrator can change these details.
care-profile-manage-admins = Choose administrators
care-profile-delete-link = Delete care page

# Administrators (CP-3)
care-admins-title = Administrator rights
care-admins-intro = An administrator may change the details of the care page, give and take away administrator rights, and delete the page. There is always at least one administrator.
care-admins-role-beheerder = Administrator
care-admins-role-lid = Member
care-admins-you = (you)
care-admins-grant = Give administrator rights
care-admins-revoke = Take away administrator rights
care-admins-granted = { $name } is now an administrator.
care-admins-revoked = { $name } is no longer an administrator.
care-admins-last = This is the last administrator. First give someone else administrator rights.
care-admins-only-you = There are no other members yet. People from your network appear here once they are members.

# Deleting (CP-7)
care-delete-title = Delete care page
care-delete-intro = You are about to delete the care page of { $name }. Nobody can open the page after that.
care-delete-warning-heading = Note: remove the members first
care-delete-warning = First remove the members who should no longer read along. Members you leave in place get access again if the care page is activated again later with an activation code.
care-delete-confirm = Yes, I want to delete this care page
care-delete-confirm-missing = Tick the box if you really want to delete the care page.
care-delete-submit = Delete care page
care-delete-cancel = Do not delete, go back
care-deleted-notice = The care page has been deleted.

# Connections (NET-4)
network-title = Connections
network-intro = Here is the information about everyone taking part, so you can see who can look into this care page.
network-people = People
network-role-beheerder = Administrator
network-role-vertrouwensgroep = Trust group
network-role-mantelzorger = Carer
network-beheerder-note = { $name } is an administrator and so has full access.
network-admin-rights = Give or take away administrator rights
network-organisations = Care providers
network-no-organisation = This care page is not yet linked to { $organisation }.
network-link-organisation = Link a care provider
network-letter-received = Received a letter?
network-who-looked = Who looked?

# "Who looked?" (DOS-7): the access log of this care page, in plain words.
access-log-title = Who looked?
access-log-intro = Here you see who viewed or changed this care page, and when. You see which part someone opened, not what it said. Viewing this list is recorded too.
access-log-from = From
access-log-until = Up to and including
access-log-person = Person
access-log-everyone = Everyone
access-log-show = Show
access-log-period = From { $from } up to and including { $until }
access-log-nothing = Nobody viewed this care page in this period.
access-log-more = There are more lines than fit here. Choose a shorter period or one person.
access-log-date-invalid = Enter a valid date, for example 03-12-2026.
access-log-period-reversed = The first day must come before the last day. You now see the last week.
access-log-who = { $name } ({ $role })
access-log-role-beheerder = administrator
access-log-role-vertrouwensgroep = trust group
access-log-role-mantelzorger = family carer
access-log-role-medewerker = employee of the care organisation
access-log-action-R = { $who } viewed { $part }
access-log-action-C = { $who } added something to { $part }
access-log-action-U = { $who } changed { $part }
access-log-action-D = { $who } deleted { $part }
access-log-action-E = { $who } downloaded { $part }
access-log-refused = { $who } tried to open { $part }, but had no right to
access-log-failed = (this did not succeed)
access-log-part-overzicht = the care page's overview
access-log-part-agenda = the calendar
access-log-part-berichten = the messages
access-log-part-dossier = the dossier
access-log-part-notities = the notes
access-log-part-connecties = the connections
access-log-part-profiel = the profile
access-log-part-meldingen = the notifications
access-log-part-beheerders = the administrators
access-log-part-zorgpagina = the care page
access-log-part-toegangslog = the list of who looked

# "Invite someone" (NET-1): the invite form, its presets and the nine rights (NET-2).
network-invite = Invite a helper
network-invitations = Invitations
network-invitation-pending = Awaiting an answer, valid up to and including { $date }
network-invitation-expired = Expired on { $date }
network-invitation-withdrawn = Withdrawn
network-invitation-resend = Send again
network-invitation-withdraw = Withdraw
network-invited = The invitation has been sent.
network-resent = The invitation has been sent again, with a new link that is valid for 3 days.
network-withdrawn = The invitation has been withdrawn. The link no longer works.
invite-title = Invite someone
invite-intro = Enter the name and e-mail address of the person you want to invite to the care page of { $client }. You can also add a personal message to the invitation.
invite-validity = Invitations are valid for 3 days. Invitations that are not accepted, waiting or expired are removed automatically after about a month.
invite-name = Name *
invite-email = E-mail address *
invite-language = Language *
invite-language-hint = The invitation is sent in this language.
invite-access = Gets access to (required)
invite-access-hint = You must make a choice. You can always change the rights later.
invite-access-niets = Nothing
invite-access-niets-hint = This person only sees who takes part, the notes and the profile.
invite-access-basis = Basic functions (calendar and messages)
invite-access-basis-hint = This person has access to messages and to calendar appointments made by other helpers, but no access to medical information or to communication with the care providers of { $client }.
invite-access-alles = Everything (private messages and medical information)
invite-access-alles-hint = This person belongs to the trust group, so has access to the medical information of { $client } and can communicate with the care providers of { $client }.
invite-access-eigen = Choose myself
invite-access-eigen-hint = Switch on below exactly the rights this person gets.
invite-rights = Rights
invite-rights-hint = Only with "Choose myself": tick the rights this person gets.
invite-group-agenda = Calendar
invite-group-dossier = Dossier
invite-group-berichten = Messages
invite-message = Message
invite-message-hint = A personal message with the invitation (optional, at most 1000 characters).
invite-submit = Invite
invite-cancel = Cancel
invite-name-missing = Enter the name of the person you invite.
invite-email-invalid = Enter a valid e-mail address, such as name@example.org.
invite-language-missing = Choose the language of the invitation.
invite-message-too-long = The message is too long: at most 1000 characters.
invite-access-missing = Choose what this person gets access to: Nothing, Basic functions, Everything or Choose myself.
invite-rights-unknown = This right does not exist. Choose from the rights below.
invite-rights-dependency = These rights belong together: "Can manage the calendar" and "Can see appointments of care organisations" need calendar access, "May fill in questionnaires" and "Can approve plans" need dossier access, and "Can communicate with every linked care organisation" needs access to the trust group's messages.
invite-already-member = This person already takes part in this care page.
right-agenda = Has access to the calendar
right-agenda_beheren = Can manage the calendar
right-agenda_zorgorganisatie = Can see appointments of care organisation(s)
right-dossier = Has access to the dossier
right-vragenlijsten = May fill in questionnaires for { $client } (needs dossier access)
right-plannen_goedkeuren = Can approve plans (needs dossier access)
right-berichten_netwerk = Has access to messages and can share them with everyone in the personal network
right-berichten_vertrouwensgroep = Has access to messages and can share them with everyone in the trust group
right-berichten_zorgorganisatie = Can communicate with every linked care organisation

# The page behind the link in the invitation e-mail.
invitation-title = Invitation to a care page
invitation-intro = { $inviter } invites { $name } to take part in the care page of { $client }.
invitation-intro-without-client = { $inviter } invites { $name } to take part in a care page at { $organisation }.
invitation-accept = Accept the invitation
invitation-sign-in-first = Sign in first with { $email }. No account yet? Create one with this e-mail address. Afterwards you come back here by yourself.
invitation-sign-in = Sign in
invitation-sign-up = Create an account
invitation-unknown = This link belongs to no invitation. Check that you used the whole link from the e-mail.
invitation-expired = This invitation has expired. Ask { $inviter } to invite you again.
invitation-used = This invitation has been used already. Sign in to open the care page.
invitation-withdrawn = This invitation was withdrawn. Ask { $inviter } whether you may still take part.
invitation-other-address = This invitation is for another e-mail address than the one you are signed in with. The invitation stays valid.
invitation-other-address-how = Sign out and sign in with { $email }, or create an account with that address.
care-page-welcome = Welcome! You now take part in this care page.

# Rights, Remove and leaving (NET-2, NET-5), and the network's change log.
network-rights = Rights
network-remove = Remove
network-more = More about { $name }
network-leave = Leave this care page
network-changes = Changes in the network
network-rights-saved = The rights have been saved.
network-removed = The member has been removed.
network-remove-last-beheerder = { $name } is the only administrator and cannot be removed. Give someone else administrator rights first.
member-rights-title = Rights of { $name }
member-rights-intro = Decide what { $name } may see and do on the care page of { $client }. The change applies at once.
member-rights-save = Save
member-remove-title = Remove { $name }
member-remove-text = Are you sure you want to remove { $name } from the network of { $client }? { $name } can no longer open the care page afterwards. You both get an e-mail.
member-remove-ok = OK
leave-title = Leave this care page
leave-text = Are you sure you no longer want to take part in the care page of { $client }? You can no longer open the care page afterwards, until an administrator invites you again.
leave-ok = Leave
network-leave-last-beheerder = You are the only administrator. Give someone else administrator rights first, or delete the care page from its Profile.
network-changes-title = Changes in the network
network-changes-intro = Who was invited, joined, got other rights or was removed, when, and by whom.
network-changes-none = Nothing has changed in the network yet.
network-change-invited = { $actor } invited { $subject }
network-change-joined = { $subject } accepted the invitation
network-change-rights_changed = { $actor } changed the rights of { $subject }
network-change-role_changed = { $role ->
    [beheerder] { $actor } gave { $subject } administrator rights
   *[other] { $actor } took the administrator rights of { $subject } away
}
network-change-removed = { $actor } removed { $subject }
network-change-left = { $subject } left the care page
network-change-no-rights = no rights
care-page-left = You no longer take part in that care page.
member-rights-until = Up to and including (optional)
member-rights-until-hint = Only for a while, two weeks for example? Choose the last day. After it the rights end by themselves; three days before, this person gets an e-mail.
member-rights-until-invalid = Enter a valid date, for example 17-12-2026.
member-rights-until-past = This day has passed. Choose today or a day in the future.
network-rights-until = rights up to and including { $date }
network-change-rights_lapsed = The rights of { $subject } have ended
notifications-title = Notifications
notifications-intro = Here you choose when you want to be notified. Tick what you want to hear about.
notifications-legend = Send me an e-mail about
notifications-hint = The notification comes by e-mail, to { $email }. The e-mail never says what was written, only that there is something new, with a link to the care page.
notifications-event-new_message = a new message
notifications-event-new_appointment = a new appointment in the calendar
notifications-event-plan_to_approve = a care plan awaiting my approval
notifications-event-new_report = a new report
notifications-event-network_changes = changes in the network
notifications-save = Save
notifications-saved = Your notification settings are saved.
notifications-unknown = We do not know this notification. Choose from the list below.

# Messages (MSG-1 … MSG-6, BEY-3)
messages-title = Messages
messages-intro = Here you can send a message to the other participants. For each message you choose who you share it with.
messages-new = Send a message
messages-none = There are no messages yet.
messages-no-more = There are no older messages.
messages-from-organisation = on behalf of { $organisation }
messages-removed = This message was removed.
messages-thread-meta = { $count ->
    [one] 1 message, { $when }
   *[other] { $count } messages, last by { $who } on { $when }
}
messages-unread = New
messages-older-threads = Older messages
messages-newest-threads = To the newest messages
messages-share-with = Share this message with
messages-audience-network = All carers
messages-audience-trust_group = Only the trust group
messages-audience-organisation = { $organisation } and the trust group
messages-audience-network-hint = Every participant can read the message. { $organisation } does not read along.
messages-audience-trust_group-hint = A private message: only the participants who can also read the care plan and the reports can read this message. { $organisation } does not read along.
messages-audience-organisation-hint = The message goes to { $organisation } and the trust group. An employee reads it and can answer.
messages-not-urgent = A message you write for { $organisation } is not read right away. The client portal is meant for matters that are not urgent.
messages-urgent-phone = Please phone about urgent matters: { $phone }.
messages-text = Your message
messages-text-hint = For example a question that needs no answer right away, or points of attention in the care.
messages-attach = Add an attachment
messages-attach-hint = A PDF, photo or Office document; at most { $files } files of at most { $megabytes } MB each.
messages-attach-again = Choose your attachments again: a browser does not keep them when the message could not be sent yet.
messages-upload-progress = Sending the attachments
messages-send = Send message
messages-cancel = Cancel
messages-thread-title = Message
messages-back = Back to Messages
messages-thread-shared-with = Shared with:
messages-response-promise = { $organisation } answers messages within { $days ->
    [one] 1 day.
   *[other] { $days } days.
}
messages-overdue = This message has waited longer than { $days ->
    [one] 1 day
   *[other] { $days } days
} for an answer from { $organisation }.
messages-older = Earlier messages
messages-file-size = { $kilobytes } kB
messages-read-by-team = Read by the care team
messages-remove = Remove
messages-remove-confirm = Remove this message? Everyone then sees that it was removed; its text and attachments are gone.
messages-remove-yes = Yes, remove this message
messages-reply = Reply
messages-edit-rule = A message that was sent cannot be changed. You can remove it.
messages-removed-notice = The message was removed.
messages-sent-notice = Your message was sent.
messages-empty = Write your message in the text box.
messages-too-long = Your message is too long: at most 10,000 characters.
messages-audience-required = Choose who you want to share this message with.
messages-audience-not-allowed = You cannot share a message with this group. Choose one of the groups below.
messages-not-author = Only the person who wrote the message can remove it.
messages-removed-already = This message was removed already.
messages-file-too-large = An attachment is too large: each file may be at most 10 MB. Nothing was sent.
messages-file-empty = An attachment is empty. Nothing was sent.
messages-file-type = This kind of file cannot be attached: choose a PDF, a photo or an Office document. Nothing was sent.
messages-file-too-many = Choose at most 5 attachments. Nothing was sent.

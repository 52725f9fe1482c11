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

# Zorgpagina's (CP-1 … CP-7): aanmaken, wisselen, profiel, beheerders, verwijderen.

# Ik zorg voor (CP-4)
care-switcher-heading = Ik zorg voor
care-switcher-label = Kies een zorgpagina
care-switcher-self = Voor mijzelf
care-switcher-other-portal = bij { $organisation }
care-switcher-add = Voeg toe
care-switcher-current = (deze pagina)

# Na het inloggen zonder zorgpagina (CP-1)
care-start-heading = Voor wie wil je deze zorgpagina aanmaken?
care-start-intro = Met een zorgpagina volg je de zorg van { $organisation }. Je maakt de pagina aan voor jezelf of voor iemand voor wie je zorgt.
care-start-signed-in-as = Ingelogd als
care-for-self = Voor mijzelf
care-for-self-hint = Kies dit als je zelf cliënt bent.
care-for-other = Voor iemand anders
care-for-other-hint = Kies dit als je de pagina maakt voor een cliënt, bijvoorbeeld je moeder of je partner.

# Aanmaken (CP-1)
care-new-title = Zorgpagina aanmaken
care-new-intro = Vul de gegevens in. Daarna is de zorgpagina klaar.
care-new-for-whom = Voor wie is deze zorgpagina?
care-client-name = Naam van de cliënt
care-client-name-hint = De voornaam en achternaam van de persoon voor wie je zorgt.
care-birth-date = Geboortedatum
care-birth-date-own = Jouw geboortedatum
care-birth-date-hint = Dag-maand-jaar, bijvoorbeeld 03-02-1950 (dd-mm-jjjj).
care-consent-heading = Toestemming
care-consent-text-self = Ik geef toestemming dat { $organisation } mijn gegevens op deze zorgpagina zet en dat ik die hier kan lezen.
care-consent-text-other = Ik geef toestemming, en ik mag dit namens de cliënt doen: { $organisation } mag de gegevens van de cliënt op deze zorgpagina zetten.
care-consent = Ja, ik geef toestemming
care-new-submit = Zorgpagina aanmaken
care-activation-link = Heb je een activatiecode?
care-for-whom-missing = Kies voor wie de zorgpagina is.
care-client-name-missing = Vul de naam van de cliënt in (hoogstens 120 tekens).
care-birth-date-missing = Vul de geboortedatum in.
care-birth-date-invalid = Deze datum bestaat niet. Schrijf de datum als dag-maand-jaar, bijvoorbeeld 03-02-1950.
care-birth-date-future = De geboortedatum kan niet in de toekomst liggen.
care-consent-missing = Zet een vinkje bij "Ja, ik geef toestemming". Zonder toestemming kunnen we de zorgpagina niet maken.
care-self-exists = Je hebt op dit portaal al een zorgpagina voor jezelf. Kies "Voor iemand anders" of ga naar je eigen pagina.

# Activatiecode (CP-2, komt later)
care-activation-title = Activatiecode gebruiken
care-activation-text = Met de activatiecode uit de brief van { $organisation } koppel je je zorgpagina aan je gegevens bij { $organisation }.

# Nog niet beschikbaar
care-unavailable = Nog niet beschikbaar
care-unavailable-text = Dit onderdeel is nog niet beschikbaar. We werken eraan. Je vindt het hier zodra het klaar is.
care-unavailable-back = Terug naar de zorgpagina

# Navigatie per zorgpagina (CP-6)
care-nav-label = Onderdelen van de zorgpagina
care-nav-calendar = Kalender
care-nav-messages = Berichten
care-nav-dossier = Dossier
care-nav-notes = Notities
care-nav-connections = Connecties
care-nav-profile = Profiel
care-nav-notifications = Meldingen
care-nav-more = Meer

# De zorgpagina zelf
care-page-title = Zorgpagina van { $name }
care-page-unlinked = Deze zorgpagina is nog niet gekoppeld aan { $organisation }.
care-page-created = De zorgpagina is klaar. Jij bent de beheerder.
care-page-you-are-beheerder = Jij bent beheerder van deze zorgpagina.
care-page-you-are-member = Jij bent lid van deze zorgpagina.

# Het overzicht van een zorgpagina (CP-4)
care-home-summary-heading = In het kort
care-home-for-whom = Voor wie
care-home-for-self = { $name } (jijzelf)
care-home-born = geboren op { $date }
care-home-organisation = Zorgorganisatie
care-home-linked = Gekoppeld aan { $organisation }.
care-home-your-role = Jouw rol
care-home-people = { $count ->
    [one] Wie doet er mee: 1 persoon
   *[other] Wie doen er mee: { $count } personen
}
care-home-you = (jij)
care-home-next-heading = Wat kun je nu doen?
care-home-next-activate = Koppel deze zorgpagina aan { $organisation } met de activatiecode uit de brief. Heb je nog geen brief? Vraag hem aan.
care-home-next-ask-beheerder = Deze zorgpagina is nog niet gekoppeld aan { $organisation }. Een beheerder van de pagina kan hem koppelen met de activatiecode uit de brief.
care-home-next-profile = Kijk of de gegevens van de zorgpagina kloppen. Wat { $organisation } met je deelt, vind je bij de onderdelen van de pagina.
care-home-to-profile = Naar het profiel
care-nav-badge-new = nieuw

# Profiel (CP-5)
care-profile-title = Profiel
care-profile-general = Algemene gegevens
care-profile-name = Naam
care-profile-birth-date = Geboortedatum
care-profile-for-whom = Voor wie
care-profile-for-self = De cliënt heeft deze pagina zelf gemaakt
care-profile-for-other = Gemaakt door iemand die voor de cliënt zorgt
care-profile-administered-by = Wie beheert deze pagina?
care-profile-edit-heading = Gegevens wijzigen
care-profile-save = Opslaan
care-profile-saved = De gegevens zijn opgeslagen.
care-profile-read-only = Alleen een beheerder kan deze gegevens wijzigen.
care-profile-manage-admins = Beheerders kiezen
care-profile-delete-link = Zorgpagina verwijderen

# Beheerders (CP-3)
care-admins-title = Beheerrechten
care-admins-intro = Een beheerder mag de gegevens van de zorgpagina wijzigen, beheerrechten geven en afnemen, en de pagina verwijderen. Er is altijd minstens één beheerder.
care-admins-role-beheerder = Beheerder
care-admins-role-lid = Lid
care-admins-you = (jij)
care-admins-grant = Beheerrechten geven
care-admins-revoke = Beheerrechten afnemen
care-admins-granted = { $name } is nu beheerder.
care-admins-revoked = { $name } is geen beheerder meer.
care-admins-last = Dit is de laatste beheerder. Geef eerst iemand anders beheerrechten.
care-admins-only-you = Er zijn nog geen andere leden. Mensen uit je netwerk komen hier te staan zodra ze lid zijn.

# Verwijderen (CP-7)
care-delete-title = Zorgpagina verwijderen
care-delete-intro = Je staat op het punt de zorgpagina van { $name } te verwijderen. Niemand kan de pagina daarna nog openen.
care-delete-warning-heading = Let op: verwijder eerst de leden
care-delete-warning = Haal eerst de leden weg die niet meer mogen meelezen. Leden die je nu laat staan, krijgen weer toegang als de zorgpagina later opnieuw wordt geactiveerd met een activatiecode.
care-delete-confirm = Ja, ik wil deze zorgpagina verwijderen
care-delete-confirm-missing = Zet een vinkje als je de zorgpagina echt wilt verwijderen.
care-delete-submit = Zorgpagina verwijderen
care-delete-cancel = Niet verwijderen, terug
care-deleted-notice = De zorgpagina is verwijderd.

# Connecties (NET-4)
network-title = Connecties
network-intro = Hier staat de informatie over alle deelnemers. Zo kan je zien wie er in deze zorgpagina kunnen kijken.
network-people = Personen
network-role-beheerder = Beheerder
network-role-vertrouwensgroep = Vertrouwensgroep
network-role-mantelzorger = Mantelzorger
network-beheerder-note = { $name } is beheerder en heeft dus volledige toegang.
network-admin-rights = Beheerrechten geven of afnemen
network-organisations = Zorgaanbieders
network-no-organisation = Deze zorgpagina is nog niet gekoppeld aan { $organisation }.
network-link-organisation = Koppel een zorgaanbieder
network-letter-received = Brief ontvangen?

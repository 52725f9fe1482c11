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
network-who-looked = Wie keek mee?

# "Wie keek mee?" (DOS-7): the access log of this care page, in plain words.
access-log-title = Wie keek mee?
access-log-intro = Hier zie je wie deze zorgpagina heeft bekeken of gewijzigd, en wanneer. Je ziet welk onderdeel iemand opende, niet wat daar stond. Ook het bekijken van deze lijst wordt bijgehouden.
access-log-from = Van
access-log-until = Tot en met
access-log-person = Persoon
access-log-everyone = Iedereen
access-log-show = Toon
access-log-period = Van { $from } tot en met { $until }
access-log-nothing = In deze periode heeft niemand deze zorgpagina bekeken.
access-log-more = Er zijn meer regels dan hier passen. Kies een kortere periode of één persoon.
access-log-date-invalid = Vul een geldige datum in, bijvoorbeeld 03-12-2026.
access-log-period-reversed = De eerste dag moet vóór de laatste dag liggen. Je ziet nu de laatste week.
access-log-who = { $name } ({ $role })
access-log-role-beheerder = beheerder
access-log-role-vertrouwensgroep = vertrouwensgroep
access-log-role-mantelzorger = mantelzorger
access-log-role-medewerker = medewerker van de zorgorganisatie
access-log-action-R = { $who } bekeek { $part }
access-log-action-C = { $who } voegde iets toe aan { $part }
access-log-action-U = { $who } wijzigde { $part }
access-log-action-D = { $who } verwijderde { $part }
access-log-action-E = { $who } downloadde { $part }
access-log-refused = { $who } probeerde { $part } te openen, maar had daar geen recht op
access-log-failed = (dat lukte niet)
access-log-part-overzicht = het overzicht van de zorgpagina
access-log-part-agenda = de agenda
access-log-part-berichten = de berichten
access-log-part-dossier = het dossier
access-log-part-notities = de notities
access-log-part-connecties = de connecties
access-log-part-profiel = het profiel
access-log-part-meldingen = de meldingen
access-log-part-beheerders = de beheerders
access-log-part-zorgpagina = de zorgpagina
access-log-part-toegangslog = de lijst van wie er meekeek

# "Iemand uitnodigen" (NET-1): the invite form, its presets and the nine rights (NET-2).
network-invite = Nodig een helpende uit
network-invitations = Uitnodigingen
network-invitation-pending = Wacht op antwoord, geldig tot en met { $date }
network-invitation-expired = Verlopen op { $date }
network-invitation-withdrawn = Ingetrokken
network-invitation-resend = Opnieuw versturen
network-invitation-withdraw = Intrekken
network-invited = De uitnodiging is verstuurd.
network-resent = De uitnodiging is opnieuw verstuurd, met een nieuwe link die 3 dagen geldig is.
network-withdrawn = De uitnodiging is ingetrokken. De link werkt niet meer.
invite-title = Iemand uitnodigen
invite-intro = Voer de naam en het e-mailadres in van de persoon die je wilt uitnodigen voor de zorgpagina van { $client }. Je kunt ook een persoonlijk bericht toevoegen aan de uitnodiging.
invite-validity = Uitnodigingen zijn 3 dagen geldig. Niet-geaccepteerde, wachtende en verlopen uitnodigingen worden na ongeveer een maand automatisch verwijderd.
invite-name = Naam *
invite-email = E-mailadres *
invite-language = Taal *
invite-language-hint = De uitnodiging wordt in deze taal verstuurd.
invite-access = Krijgt toegang tot (verplicht)
invite-access-hint = Je moet een keuze maken. Je kan de rechten later altijd veranderen.
invite-access-niets = Niets
invite-access-niets-hint = Deze persoon ziet alleen wie er meedoen, de notities en het profiel.
invite-access-basis = Basis functionaliteiten (kalender en berichten)
invite-access-basis-hint = Deze persoon heeft toegang tot berichten en agenda-afspraken gemaakt door andere helpers, maar geen toegang tot medische informatie of communicatie met de zorgaanbieders van { $client }.
invite-access-alles = Alles (privéberichten en medische informatie)
invite-access-alles-hint = Deze persoon behoort tot de vertrouwensgroep, heeft dus toegang tot de medische informatie van { $client } en kan communiceren met de zorgaanbieders van { $client }.
invite-access-eigen = Zelf kiezen
invite-access-eigen-hint = Zet hieronder precies de rechten aan die deze persoon krijgt.
invite-rights = Rechten
invite-rights-hint = Alleen bij "Zelf kiezen": vink de rechten aan die deze persoon krijgt.
invite-group-agenda = Agenda
invite-group-dossier = Dossier
invite-group-berichten = Berichten
invite-message = Bericht
invite-message-hint = Een persoonlijk bericht bij de uitnodiging (niet verplicht, hooguit 1000 tekens).
invite-submit = Uitnodigen
invite-cancel = Annuleren
invite-name-missing = Vul de naam in van de persoon die je uitnodigt.
invite-email-invalid = Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl.
invite-language-missing = Kies de taal van de uitnodiging.
invite-message-too-long = Het bericht is te lang: hooguit 1000 tekens.
invite-access-missing = Kies waar deze persoon toegang toe krijgt: Niets, Basis functionaliteiten, Alles of Zelf kiezen.
invite-rights-unknown = Dit recht bestaat niet. Kies uit de rechten hieronder.
invite-rights-dependency = Deze rechten horen bij elkaar: "Kan de agenda beheren" en "Kan afspraken van zorgorganisatie(s) inzien" vragen toegang tot de agenda, "Mag vragenlijsten invullen" en "Kan plannen goedkeuren" vragen toegang tot het dossier, en "Kan communiceren met elke aangesloten zorgorganisatie" vraagt toegang tot berichten van de vertrouwensgroep.
invite-already-member = Deze persoon doet al mee op deze zorgpagina.
right-agenda = Heeft toegang tot de agenda
right-agenda_beheren = Kan de agenda beheren
right-agenda_zorgorganisatie = Kan afspraken van zorgorganisatie(s) inzien
right-dossier = Heeft toegang tot het dossier
right-vragenlijsten = Mag vragenlijsten invullen voor { $client } (dossiertoegang nodig)
right-plannen_goedkeuren = Kan plannen goedkeuren (dossiertoegang nodig)
right-berichten_netwerk = Heeft toegang tot berichten en kan ze met iedereen delen in het persoonlijk netwerk
right-berichten_vertrouwensgroep = Heeft toegang tot berichten en kan ze met iedereen delen in de vertrouwensgroep
right-berichten_zorgorganisatie = Kan communiceren met elke aangesloten zorgorganisatie

# The page behind the link in the invitation e-mail.
invitation-title = Uitnodiging voor een zorgpagina
invitation-intro = { $inviter } nodigt { $name } uit om mee te doen op de zorgpagina van { $client }.
invitation-intro-without-client = { $inviter } nodigt { $name } uit om mee te doen op een zorgpagina bij { $organisation }.
invitation-accept = Uitnodiging aannemen
invitation-sign-in-first = Log eerst in met { $email }. Heb je nog geen account? Maak er dan een aan met dit e-mailadres. Daarna kom je vanzelf hier terug.
invitation-sign-in = Inloggen
invitation-sign-up = Account aanmaken
invitation-unknown = Deze link hoort bij geen enkele uitnodiging. Controleer of je de hele link uit de e-mail hebt gebruikt.
invitation-expired = Deze uitnodiging is verlopen. Vraag { $inviter } om je opnieuw uit te nodigen.
invitation-used = Deze uitnodiging is al gebruikt. Log in om de zorgpagina te openen.
invitation-withdrawn = Deze uitnodiging is ingetrokken. Vraag { $inviter } of je nog mag meedoen.
invitation-other-address = Deze uitnodiging is voor een ander e-mailadres dan waarmee je bent ingelogd. De uitnodiging blijft geldig.
invitation-other-address-how = Log uit en log in met { $email }, of maak een account aan met dat adres.
care-page-welcome = Welkom! Je doet nu mee op deze zorgpagina.

# Rechten, Verwijderen and leaving (NET-2, NET-5), and the network's change log.
network-rights = Rechten
network-remove = Verwijderen
network-more = Meer over { $name }
network-leave = Deze zorgpagina verlaten
network-changes = Wijzigingen in het netwerk
network-rights-saved = De rechten zijn opgeslagen.
network-removed = De deelnemer is verwijderd.
network-remove-last-beheerder = { $name } is de enige beheerder en kan niet worden verwijderd. Geef eerst iemand anders beheerrechten.
member-rights-title = Rechten van { $name }
member-rights-intro = Bepaal wat { $name } mag zien en doen op de zorgpagina van { $client }. De wijziging geldt meteen.
member-rights-save = Opslaan
member-remove-title = { $name } verwijderen
member-remove-text = Weet je zeker dat je { $name } wilt verwijderen uit het netwerk van { $client }? { $name } kan de zorgpagina daarna niet meer openen. Jullie krijgen allebei een e-mail.
member-remove-ok = OK
leave-title = Deze zorgpagina verlaten
leave-text = Weet je zeker dat je niet meer wilt meedoen op de zorgpagina van { $client }? Je kunt de zorgpagina daarna niet meer openen, tot een beheerder je opnieuw uitnodigt.
leave-ok = Verlaten
network-leave-last-beheerder = Je bent de enige beheerder. Geef eerst iemand anders beheerrechten, of verwijder de zorgpagina via Profiel.
network-changes-title = Wijzigingen in het netwerk
network-changes-intro = Wie wanneer is uitgenodigd, is toegetreden, andere rechten kreeg, of is verwijderd, en door wie.
network-changes-none = Er is nog niets veranderd in het netwerk.
network-change-invited = { $actor } nodigde { $subject } uit
network-change-joined = { $subject } nam de uitnodiging aan
network-change-rights_changed = { $actor } veranderde de rechten van { $subject }
network-change-role_changed = { $role ->
    [beheerder] { $actor } gaf { $subject } beheerrechten
   *[other] { $actor } nam de beheerrechten van { $subject } af
}
network-change-removed = { $actor } verwijderde { $subject }
network-change-left = { $subject } verliet de zorgpagina
network-change-no-rights = geen rechten
care-page-left = Je doet niet meer mee op die zorgpagina.
member-rights-until = Tot en met (niet verplicht)
member-rights-until-hint = Alleen voor een tijd, bijvoorbeeld twee weken? Kies de laatste dag. Daarna vervallen de rechten vanzelf; drie dagen van tevoren krijgt deze persoon een e-mail.
member-rights-until-invalid = Vul een geldige datum in, bijvoorbeeld 17-12-2026.
member-rights-until-past = Deze dag is al voorbij. Kies vandaag of een dag in de toekomst.
network-rights-until = rechten tot en met { $date }
network-change-rights_lapsed = De rechten van { $subject } zijn vervallen
notifications-title = Meldingen
notifications-intro = Hier kan je aangeven wanneer je een melding wilt ontvangen. Geef met de vinkjes aan waarvan jij een melding wilt ontvangen.
notifications-legend = Stuur mij een e-mail bij
notifications-hint = Je krijgt dan een melding via de e-mail, op { $email }. In de e-mail staat nooit wat er geschreven is, alleen dat er iets nieuws is, met een link naar de zorgpagina.
notifications-event-new_message = een nieuw bericht
notifications-event-new_appointment = een nieuwe afspraak in de agenda
notifications-event-plan_to_approve = een zorgplan dat op mijn goedkeuring wacht
notifications-event-new_report = een nieuwe rapportage
notifications-event-network_changes = wijzigingen in het netwerk
notifications-save = Opslaan
notifications-saved = Je meldingen zijn opgeslagen.
notifications-unknown = Deze melding kennen we niet. Kies uit de lijst hieronder.

# Berichten (MSG-1 … MSG-6, BEY-3)
messages-title = Berichten
messages-intro = Hier kan je een bericht sturen naar andere deelnemers. Per bericht kan je selecteren met wie je dit bericht wilt delen.
messages-new = Bericht versturen
messages-none = Er zijn nog geen berichten.
messages-no-more = Er zijn geen oudere berichten.
messages-from-organisation = namens { $organisation }
messages-removed = Dit bericht is verwijderd.
messages-thread-meta = { $count ->
    [one] 1 bericht, { $when }
   *[other] { $count } berichten, laatste van { $who } op { $when }
}
messages-unread = Nieuw
messages-older-threads = Oudere berichten
messages-newest-threads = Naar de nieuwste berichten
messages-share-with = Deel dit bericht met
messages-audience-network = Alle mantelzorgers
messages-audience-trust_group = Alleen de vertrouwensgroep
messages-audience-organisation = { $organisation } en de vertrouwensgroep
messages-audience-network-hint = Alle deelnemers kunnen het bericht lezen. { $organisation } leest niet mee.
messages-audience-trust_group-hint = Een privé bericht: alleen de deelnemers die ook het zorgplan en de rapportage kunnen lezen, kunnen dit bericht lezen. { $organisation } leest niet mee.
messages-audience-organisation-hint = Het bericht gaat naar { $organisation } en de vertrouwensgroep. Een medewerker leest het en kan antwoorden.
messages-not-urgent = Als je een bericht schrijft voor { $organisation } wordt dit niet direct gelezen. Het cliëntportaal is bedoeld voor niet-dringende informatie.
messages-urgent-phone = Geef zaken die urgent zijn telefonisch door: { $phone }.
messages-text = Je bericht
messages-text-hint = Bijvoorbeeld een vraag waar niet direct antwoord voor nodig is, of aandachtspunten in de zorg.
messages-attach = Bijlage toevoegen
messages-attach-hint = Een PDF, foto of Office-document; hoogstens { $files } bestanden van elk hoogstens { $megabytes } MB.
messages-attach-again = Kies je bijlagen opnieuw: een browser bewaart ze niet als het bericht nog niet verstuurd kon worden.
messages-upload-progress = Bijlagen worden verstuurd
messages-send = Bericht versturen
messages-cancel = Annuleren
messages-thread-title = Bericht
messages-back = Terug naar Berichten
messages-thread-shared-with = Gedeeld met:
messages-response-promise = { $organisation } beantwoordt berichten binnen { $days ->
    [one] 1 dag.
   *[other] { $days } dagen.
}
messages-overdue = Dit bericht wacht al langer dan { $days ->
    [one] 1 dag
   *[other] { $days } dagen
} op antwoord van { $organisation }.
messages-older = Eerdere berichten
messages-file-size = { $kilobytes } kB
messages-read-by-team = Gelezen door het zorgteam
messages-remove = Verwijderen
messages-remove-confirm = Wil je dit bericht verwijderen? Iedereen ziet dan dat het verwijderd is; de tekst en de bijlagen zijn weg.
messages-remove-yes = Ja, verwijder dit bericht
messages-reply = Beantwoorden
messages-edit-rule = Een verstuurd bericht kun je niet meer veranderen. Je kunt het bericht wel verwijderen.
messages-removed-notice = Het bericht is verwijderd.
messages-sent-notice = Je bericht is verstuurd.
messages-empty = Schrijf je bericht in het tekstvak.
messages-too-long = Je bericht is te lang: hoogstens 10.000 tekens.
messages-audience-required = Kies met wie je dit bericht wilt delen.
messages-audience-not-allowed = Met deze groep kun je geen bericht delen. Kies een van de groepen hieronder.
messages-not-author = Alleen wie het bericht schreef, kan het verwijderen.
messages-removed-already = Dit bericht was al verwijderd.
messages-file-too-large = Een bijlage is te groot: elk bestand mag hoogstens 10 MB zijn. Er is niets verstuurd.
messages-file-empty = Een bijlage is leeg. Er is niets verstuurd.
messages-file-type = Dit soort bestand kan niet mee: kies een PDF, een foto of een Office-document. Er is niets verstuurd.
messages-file-too-many = Kies hoogstens 5 bijlagen. Er is niets verstuurd.

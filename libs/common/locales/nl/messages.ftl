# Berichten van de notifier: e-mail, sms en gesproken berichten (ACC-1 … ACC-9).
# Alle teksten in de je-vorm. De termijnen moeten kloppen met de regels in
# libs/common/src/accounts (links: bevestigen 3 dagen, wachtwoord 1 uur, telefoon 24 uur;
# codes: 5 minuten).

# Gedeeld
email-link-fallback = Werkt de knop niet? Kopieer dan deze link en plak hem in de adresbalk van je browser:
email-contact-phone = Telefoon: { $phone }
email-contact-email = E-mail: { $email }

# Welkom: e-mailadres bevestigen (ACC-2)
email-confirm-email-subject = Welkom bij { $organisation }
email-confirm-email-intro = Je hebt een account aangemaakt bij { $organisation }. Bevestig je e-mailadres, dan kun je inloggen.
email-confirm-email-button = E-mailadres bevestigen
email-confirm-email-open-link = Open deze link om je e-mailadres te bevestigen:
email-confirm-email-validity = De link is 3 dagen geldig en werkt maar één keer.
email-confirm-email-not-you = Heb je geen account aangemaakt? Dan kun je deze e-mail negeren.

# Er is al een account met dit adres (ACC-1)
email-account-exists-subject = Je hebt al een account bij { $organisation }
email-account-exists-intro = Iemand heeft geprobeerd een account aan te maken bij { $organisation } met dit e-mailadres. Maar er is al een account met dit e-mailadres.
email-account-exists-was-you = Was jij dat? Dan kun je gewoon inloggen met je bestaande account:
email-account-exists-sign-in = Inloggen
email-account-exists-forgot = Weet je je wachtwoord niet meer? Kies dan een nieuw wachtwoord:
email-account-exists-reset = Nieuw wachtwoord kiezen
email-account-exists-not-you = Was jij dit niet? Dan hoef je niets te doen. Je account is veilig.

# Inlogcode (ACC-4)
email-sign-in-code-subject = Twee-factor authenticatie inlogcode voor { $organisation }
email-sign-in-code-intro = Vul deze inlogcode in om in te loggen bij { $organisation }:
email-sign-in-code-validity = De code is 5 minuten geldig.
email-sign-in-code-never-share = Deel deze code met niemand, ook niet met medewerkers van { $organisation }.
email-sign-in-code-not-you = Probeer je niet in te loggen? Dan kent iemand anders misschien je wachtwoord. Kies dan zo snel mogelijk een nieuw wachtwoord.
sms-sign-in-code = { $code } is je inlogcode voor { $organisation }. Geldig 5 minuten. Deel deze code met niemand.
voice-sign-in-code = Dit is een bericht van { $organisation }. Je inlogcode is: { $code }. Ik herhaal: { $code }. De code is 5 minuten geldig. Deel deze code met niemand.

# Wachtwoord vergeten (ACC-5)
email-password-reset-subject = Nieuw wachtwoord kiezen voor { $organisation }
email-password-reset-intro = Je hebt gevraagd om een nieuw wachtwoord voor je account bij { $organisation }. Druk op de knop om een nieuw wachtwoord te kiezen.
email-password-reset-button = Nieuw wachtwoord kiezen
email-password-reset-open-link = Open deze link om een nieuw wachtwoord te kiezen:
email-password-reset-validity = De link is 1 uur geldig en werkt maar één keer.
email-password-reset-not-you = Heb je geen nieuw wachtwoord gevraagd? Dan kun je deze e-mail negeren. Je wachtwoord blijft hetzelfde.

# Wachtwoord gewijzigd (ACC-5, ACC-7)
email-password-changed-subject = Je wachtwoord bij { $organisation } is gewijzigd
email-password-changed-body = Het wachtwoord van je account bij { $organisation } is gewijzigd. Op alle andere apparaten ben je uitgelogd.
email-password-changed-not-you = Heb jij je wachtwoord niet gewijzigd? Neem dan meteen contact op met { $organisation }.

email-code-lockout-subject = Iemand probeerde in te loggen op je account bij { $organisation }
email-code-lockout-body = Bij het inloggen op je account bij { $organisation } is vandaag te vaak een verkeerde inlogcode ingevuld. Wie dat deed, kende je wachtwoord. Daarom is je account geblokkeerd en ben je overal uitgelogd.
email-code-lockout-action = Kies een nieuw wachtwoord om weer in te loggen. Gebruik een wachtwoord dat je nergens anders gebruikt.
email-code-lockout-button = Kies een nieuw wachtwoord
email-code-lockout-was-you = Was jij dit zelf? Kies dan ook een nieuw wachtwoord; daarna log je weer in zoals altijd.

# Nieuw telefoonnummer bevestigen (ACC-8)
email-verify-phone-link-subject = Bevestig je telefoonnummer voor { $organisation }
email-verify-phone-link-intro = Je wilt het telefoonnummer { $phone } gebruiken voor je account bij { $organisation }. Bevestig dat dit nummer van jou is.
email-verify-phone-link-button = Telefoonnummer bevestigen
email-verify-phone-link-open-link = Open deze link om je telefoonnummer te bevestigen:
email-verify-phone-link-next = Daarna krijg je een code op { $phone }: per sms, of we bellen je en een stem leest de code voor. Vul die code in het portaal in.
email-verify-phone-link-validity = De link is 24 uur geldig en werkt maar één keer.
email-verify-phone-link-not-you = Heb je geen nieuw telefoonnummer opgegeven? Dan kun je deze e-mail negeren.

# Code voor het telefoonnummer (ACC-8)
sms-phone-code = { $code } is je code om je telefoonnummer te bevestigen bij { $organisation }. Geldig 5 minuten. Deel deze code met niemand.
voice-phone-code = Dit is een bericht van { $organisation }. Je code om je telefoonnummer te bevestigen is: { $code }. Ik herhaal: { $code }. De code is 5 minuten geldig. Deel deze code met niemand.

# Vraag via het helpformulier, naar de zorgorganisatie (ACC-9)
email-help-question-subject = Vraag via het portaal van { $from_name } (kenmerk { $reference })
email-help-question-heading = Vraag via het portaal
email-help-question-intro = { $from_name } heeft via het portaal van { $organisation } een vraag gesteld.
email-help-question-from-name = Naam: { $name }
email-help-question-from-email = E-mailadres: { $email }
email-help-question-topic = Onderwerp: { $subject }
email-help-question-question = Vraag:
email-help-question-reference = Kenmerk: { $reference }
email-help-question-reply = Beantwoord de vraag met een e-mail aan { $email }. Noem het kenmerk in je antwoord.

# Account verwijderd (ACC-7)
email-account-deleted-subject = Je account bij { $organisation } is verwijderd
email-account-deleted-body = Je account bij { $organisation } is verwijderd. Je kunt er niet meer mee inloggen.
email-account-deleted-not-you = Heb jij dit niet gevraagd? Neem dan contact op met { $organisation }.

email-admin-invite-subject = Je bent uitgenodigd als beheerder van { $organisation }
email-admin-invite-intro = Je bent uitgenodigd om het portaal van { $organisation } te beheren: de huisstijl, de instellingen en de vragen van cliënten.
email-admin-invite-button = Beheerder worden
email-admin-invite-open-link = Open deze link om beheerder te worden:
email-admin-invite-account = Heb je nog geen account? Maak er dan eerst een aan met dit e-mailadres en open daarna de link opnieuw.
email-admin-invite-validity = De link is 7 dagen geldig en werkt maar één keer.
email-staff-invite-subject = Je kunt nu inloggen als medewerker van { $organisation }
email-staff-invite-intro = Je bent uitgenodigd om in te loggen op het cliëntportaal van { $organisation } als medewerker. Je leest en beantwoordt daar de berichten van cliënten en hun netwerk.
email-staff-invite-button = Medewerker worden

email-phone-changed-subject = Je telefoonnummer bij { $organisation } is gewijzigd
email-phone-changed-body = Je inlogcodes voor { $organisation } gaan vanaf nu naar het telefoonnummer dat eindigt op { $number }.
email-phone-changed-codes = Je hebt dit nummer bevestigd met je wachtwoord, een link in je e-mail en een code op het nummer zelf.
email-phone-removed-subject = Je telefoonnummer bij { $organisation } is verwijderd
email-phone-removed-body = Het telefoonnummer dat eindigt op { $number } is verwijderd uit je account bij { $organisation }.
email-phone-removed-codes = Je inlogcodes komen vanaf nu per e-mail.
email-phone-not-you = Heb jij dit niet gedaan? Kies dan meteen een nieuw wachtwoord met "Wachtwoord vergeten" op de inlogpagina, en neem contact op met { $organisation }.

# NET-1: an invitation to a care page's personal network.
email-network-invite-subject = { $inviter } nodigt je uit voor de zorgpagina van { $client }
email-network-invite-intro = { $inviter } nodigt je uit om mee te doen op de zorgpagina van { $client } bij { $organisation }. Daar houden jullie samen de agenda bij, sturen jullie elkaar berichten en zie je wat { $inviter } met je deelt.
email-network-invite-personal = { $inviter } schrijft erbij:
email-network-invite-button = Uitnodiging bekijken
email-network-invite-open-link = Open deze link om de uitnodiging te bekijken:
email-network-invite-account = Heb je nog geen account? Via de link maak je er een aan met dit e-mailadres; daarna neem je de uitnodiging aan.
email-network-invite-validity = De link werkt tot en met { $date } en alleen voor dit e-mailadres. Is hij verlopen? Vraag { $inviter } dan om een nieuwe uitnodiging.

# NET-5: a member is removed from a care page's network.
email-member-removed-subject = Je doet niet meer mee op de zorgpagina van { $client }
email-member-removed-text = { $by } heeft je verwijderd uit het netwerk van de zorgpagina van { $client }. Je kunt de zorgpagina niet meer openen.
email-member-removed-question = Denk je dat dit niet klopt? Neem dan contact op met { $by }.
email-member-removed-notice-subject = { $member } doet niet meer mee op de zorgpagina van { $client }
email-member-removed-notice-text = Je hebt { $member } verwijderd uit het netwerk van de zorgpagina van { $client }. { $member } kan de zorgpagina niet meer openen en heeft hierover een e-mail gekregen.

# NET-2: a grant with an end date, three days before it ends.
email-rights-ending-subject = Je rechten op de zorgpagina van { $client } lopen af op { $date }
email-rights-ending-text = Je rechten op de zorgpagina van { $client } gelden tot en met { $date }. Daarna kun je de zorgpagina nog openen, maar zie je de agenda, de berichten en het dossier niet meer.
email-rights-ending-longer = Heb je ze langer nodig? Vraag het dan aan { $by }.

# MSG-5: messages wait (never their content)
email-messages-waiting-subject = Er staat een bericht voor je klaar op de zorgpagina van { $client }
email-messages-waiting-text = { $count ->
    [one] Op de zorgpagina van { $client } bij { $organisation } staat een nieuw bericht voor je klaar.
   *[other] Op de zorgpagina van { $client } bij { $organisation } staan { $count } nieuwe berichten voor je klaar.
}
email-messages-waiting-button = Berichten lezen
email-messages-waiting-settings = Wil je deze e-mails niet meer krijgen? Zet dan onder Meldingen op de zorgpagina het vinkje bij "een nieuw bericht" uit.

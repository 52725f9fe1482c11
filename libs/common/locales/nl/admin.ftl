# Beheer door de zorgorganisatie (API-2): huisstijl, vragen, instellingen.

nav-admin = Beheer
admin-title = Beheer
admin-intro = Hier beheer je het portaal van { $organisation }.
admin-back = Terug naar Beheer
admin-save = Opslaan

admin-notice-branding = De huisstijl is opgeslagen. Alle pagina's en e-mails gebruiken hem nu.
admin-notice-logo = Het logo is opgeslagen.
admin-notice-logo-removed = Het logo is verwijderd.
admin-notice-settings = De instellingen zijn opgeslagen.
admin-notice-handled = De vraag is afgehandeld.
admin-notice-reopened = De vraag staat weer open.

admin-branding-title = Huisstijl
admin-branding-intro = Kies de naam, de kleuren, het logo en de contactgegevens die je cliënten zien, op elke pagina en in elke e-mail.
admin-preview-heading = Voorbeeld
admin-preview-link = Zo ziet een link eruit
admin-preview-button = Knop
admin-preview-secondary = Tweede knop
admin-preview-accent = Teller in de accentkleur
admin-display-name = Naam van de organisatie
admin-display-name-invalid = Vul de naam van de organisatie in (hoogstens 120 tekens).
admin-primary-color = Hoofdkleur
admin-primary-color-hint = Als #rrggbb, bijvoorbeeld #1d4f91. Links staan in deze kleur op wit, dus kies een donkere kleur.
admin-accent-color = Accentkleur
admin-accent-color-hint = Als #rrggbb, bijvoorbeeld #e07a10.
admin-color-invalid = Vul een kleur in als # met 6 tekens 0-9 of a-f, bijvoorbeeld #1d4f91.
admin-color-contrast-text = Tekst op deze kleur is niet goed te lezen. Kies een lichtere of donkerdere kleur.
admin-color-contrast-white = Links in deze kleur zijn op wit niet goed te lezen (minder dan 4,5 : 1). Kies een donkerdere kleur.
admin-support-phone = Telefoonnummer voor hulp
admin-phone-invalid = Vul een telefoonnummer in met cijfers, bijvoorbeeld 030 123 45 67.
admin-support-email = E-mailadres voor hulp
admin-email-invalid = Vul een geldig e-mailadres in, bijvoorbeeld zorg@organisatie.nl.
admin-support-url = Website voor hulp
admin-url-invalid = Vul een webadres in dat begint met https://.
admin-welcome-text = Welkomsttekst op de startpagina
admin-welcome-invalid = De welkomsttekst mag hoogstens 2000 tekens hebben.
admin-logo-heading = Logo
admin-logo-none = Er is nog geen logo.
admin-logo-choose = Kies een logo
admin-logo-hint = Een afbeelding van het type PNG, JPEG of WebP, hoogstens { $megabytes } MB.
admin-logo-submit = Logo opslaan
admin-logo-remove = Logo verwijderen
admin-logo-missing = Kies eerst een afbeelding.
admin-logo-too-large = Dit logo is te groot. Kies een afbeelding van hoogstens 2 MB.
admin-logo-wrong-type = Dit bestand is geen PNG, JPEG of WebP. Kies een ander bestand.
admin-logo-too-many-pixels = Dit logo is te groot om te verwerken. Kies een afbeelding van hoogstens 16 megapixel (bij 16 bits per kleur hoogstens 8 megapixel).
admin-logo-unreadable = We kunnen dit logo niet openen. Probeer een ander bestand.
admin-image-too-many-uploads = Je hebt het afgelopen uur al veel afbeeldingen gestuurd. Probeer het over een uur opnieuw.

admin-inbox-title = Vragen
admin-inbox-open-count = { $count ->
    [one] 1 open vraag
   *[other] { $count } open vragen
}
admin-inbox-empty = Er zijn nog geen vragen gesteld.
admin-inbox-caption = Vragen via "Vraag stellen", open vragen eerst
admin-inbox-status = Status
admin-inbox-subject = Onderwerp
admin-inbox-from = Van
admin-inbox-received = Ontvangen
admin-inbox-back = Terug naar Vragen
admin-status-open = Open
admin-status-handled = Afgehandeld
admin-question-reference = Kenmerk
admin-question-text = Vraag
admin-question-mark-handled = Markeer als afgehandeld
admin-question-reopen = Zet weer open

admin-settings-title = Instellingen van de organisatie
admin-settings-intro = Deze instellingen gelden voor alle cliënten en hun naasten in dit portaal.
admin-settings-appointments = Cliënten mogen hun eigen afspraken zichtbaar maken voor de organisatie
admin-settings-messaging = Berichten aan de organisatie pas na een eerste bericht van een zorgmedewerker
admin-settings-documents = Documenten delen met cliënten
admin-settings-reports-from = Rapportages tonen vanaf
admin-settings-reports-from-hint = Laat leeg om alle rapportages te tonen.
admin-settings-date-invalid = Vul een datum in, bijvoorbeeld 31-01-2024.
admin-settings-measurements = Welke metingen tonen we?
admin-settings-measurement-invalid = Kies alleen metingen uit de lijst.
admin-settings-activation-weeks = Hoeveel weken is een activatiecode geldig?
admin-settings-weeks-invalid = Vul een aantal weken in van 1 tot en met 52.
admin-settings-response-days = Binnen hoeveel dagen beantwoordt het zorgteam een bericht?
admin-settings-response-days-hint = Cliënten en hun netwerk zien deze belofte bij berichten aan de organisatie. Is een bericht langer onbeantwoord, dan zien ze het telefoonnummer van de organisatie en staat het bovenaan bij de medewerkers.
admin-settings-response-days-invalid = Vul een aantal dagen in van 1 tot en met 30.
admin-measurement-weight = Gewicht
admin-measurement-blood_pressure = Bloeddruk
admin-measurement-blood_sugar = Bloedsuiker
admin-measurement-heart_rate = Hartslag
admin-measurement-temperature = Temperatuur
admin-measurement-oxygen_saturation = Zuurstofverzadiging

admin-invite-title = Beheerder worden
admin-invite-intro = Je bent uitgenodigd om het portaal van { $organisation } te beheren. Je wordt beheerder met het account waarmee je nu bent ingelogd ({ $email }).
admin-invite-accept = Beheerder worden
admin-invite-unknown = Deze uitnodiging kennen we niet. Kijk of je de hele link uit de e-mail hebt gebruikt.
admin-invite-expired = Deze uitnodiging is verlopen. Vraag om een nieuwe uitnodiging.
admin-invite-used = Deze uitnodiging is al gebruikt.
admin-invite-other-address = Deze uitnodiging is naar een ander e-mailadres gestuurd. Log uit en log in met het account van het e-mailadres dat de uitnodiging kreeg.

# Employees
admin-employees-title = Medewerkers
admin-employees-intro = Cliënten zien de naam, de functie en de foto van de medewerker die bij een afspraak komt.
admin-employees-empty = Er staan nog geen medewerkers op deze lijst.
admin-employee-add-heading = Medewerker toevoegen
admin-employee-name = Naam
admin-employee-role = Functie
admin-employee-add = Toevoegen
admin-employee-added = De medewerker is toegevoegd.
admin-employee-saved = De gegevens zijn opgeslagen.
admin-employee-deleted = De medewerker is verwijderd.
admin-employee-name-invalid = Vul de naam in (hoogstens 120 tekens).
admin-employee-role-invalid = Vul de functie in (hoogstens 80 tekens), bijvoorbeeld Wijkverpleegkundige.
admin-employee-photo-heading = Foto
admin-employee-photo-intro = Een vriendelijke foto van het gezicht helpt cliënten te weten wie er komt.
admin-employee-photo-alt = Foto van { $name }
admin-employee-photo-choose = Kies een foto
admin-employee-photo-hint = Een foto van het type JPEG, PNG of WebP, hoogstens { $megabytes } MB.
admin-employee-photo-submit = Foto opslaan
admin-employee-photo-saved = De foto is opgeslagen.
admin-employee-photo-too-large = Deze foto is te groot. Kies een foto van hoogstens 5 MB.
admin-employee-delete-heading = Verwijderen
admin-employee-delete = { $name } verwijderen

# Beheerders van de organisatie
administrators-title = Beheerders
administrators-intro = Deze mensen beheren het portaal van { $organisation }. Een organisatie heeft altijd minstens één beheerder.
administrators-caption = Beheerders
administrators-name = Naam
administrators-email = E-mailadres
administrators-since = Beheerder sinds
administrators-revoke = Beheerrechten intrekken
administrators-you = (jij)
administrators-only-one = Enige beheerder
administrators-last = De laatste beheerder kan niet worden verwijderd. Nodig eerst iemand anders uit als beheerder.
administrators-open-title = Openstaande uitnodigingen
administrators-open-item = { $email }, geldig tot { $date }
administrators-invite-title = Beheerder uitnodigen
administrators-invite-hint = We sturen een e-mail met een link. Alleen het account met dit e-mailadres kan er beheerder mee worden; de link werkt 7 dagen.
administrators-invite = Uitnodiging versturen
administrators-email-invalid = Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl.
administrators-notice-invited = De uitnodiging is verstuurd.
administrators-notice-revoked = De beheerrechten zijn ingetrokken.

# Staff sign-in and begeleiders (API-3)
admin-employee-sign-in-heading = Inloggen als medewerker
admin-employee-sign-in-intro = Een medewerker die inlogt, leest en beantwoordt de berichten die cliënten en hun vertrouwensgroep aan de organisatie sturen. De medewerker krijgt een uitnodiging op het e-mailadres hieronder en logt in met een eigen account met dat adres, met wachtwoord en code.
admin-employee-sign-in-none = Deze medewerker logt niet in.
admin-employee-sign-in-invited = Uitgenodigd op { $email }; de uitnodiging is nog niet gebruikt.
admin-employee-sign-in-active = Deze medewerker logt in met { $email }.
admin-employee-email = E-mailadres van de medewerker
admin-employee-email-invalid = Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl.
admin-employee-invite = Uitnodiging versturen
admin-employee-sign-in-revoke = Inloggen intrekken
admin-employee-invited = De uitnodiging is verstuurd.
admin-employee-sign-in-revoked = De medewerker kan niet meer inloggen als medewerker.
admin-client-begeleiders = Persoonlijk begeleiders
admin-client-begeleiders-intro = De medewerkers die deze cliënt begeleiden. Zij zien de berichten van deze cliënt bovenaan bij "Mijn cliënten".
admin-client-begeleiders-none = Er is nog geen begeleider gekozen.
admin-client-begeleider-choose = Medewerker
admin-client-begeleider-add = Begeleider toevoegen
admin-client-begeleider-remove = Niet meer begeleider

# Accounts: aanmelden, bevestigen, inloggen, inlogcode, wachtwoord, sessies (ACC-1 … ACC-6).

nav-overview = Overzicht
nav-settings = Instellingen
nav-sessions = Ingelogde apparaten
nav-sign-in = Inloggen
nav-sign-out = Uitloggen
start-create-account = Account aanmaken
start-sign-in = Bestaande gebruiker
auth-tabs-label = Aanmelden of inloggen
signup-tab = Aanmelden
signin-tab = Inloggen
form-has-errors = Niet alles is goed ingevuld. Kijk bij de velden hieronder wat er nog moet gebeuren.

signup-title = Account aanmaken
signup-heading = Hallo!
signup-intro = Laten we beginnen. Als je al een account hebt,
signup-have-account = kun je hier inloggen.
signup-name = Naam
signup-email = E-mailadres
signup-password = Wachtwoord
signup-password-confirmation = Wachtwoordbevestiging
signup-terms = Ik accepteer de gebruiksvoorwaarden
signup-terms-link = Lees de gebruiksvoorwaarden
signup-terms-required = Vink aan dat je de gebruiksvoorwaarden accepteert.
signup-submit = Aanmelden
signup-sent-title = Kijk in je e-mail
signup-sent-text = We hebben een e-mail gestuurd naar { $email }. Open de mail met het onderwerp "Welkom bij { $organisation }" en klik op "E-mailadres bevestigen".
signup-sent-spam = Geen mail gekregen? Kijk ook in de map met ongewenste e-mail (spam). De link in de mail is 3 dagen geldig.

password-rules-intro = Je wachtwoord moet bevatten:
password-rule-met = Voldaan:
password-rule-unmet = Nog niet voldaan:
password-rule-length = minimaal 12 tekens
password-rule-digit = 1 cijfer, bijvoorbeeld 3
password-rule-lowercase = 1 kleine letter, bijvoorbeeld h
password-rule-uppercase = 1 hoofdletter, bijvoorbeeld H
password-rule-special = 1 speciaal teken, bijvoorbeeld ! of -
password-too-long = Je wachtwoord is te lang: gebruik hoogstens 256 tekens.
password-guessable = Dit wachtwoord is te makkelijk te raden: het is bekend of lijkt op een veelgebruikt wachtwoord of op je naam. Kies een ander wachtwoord, bijvoorbeeld een zin van een paar losse woorden.
password-mismatch = De wachtwoorden zijn niet hetzelfde. Typ hetzelfde wachtwoord nog een keer.

input-email-invalid = Vul een geldig e-mailadres in, bijvoorbeeld jan.jansen@email.com.
input-name-invalid = Vul je naam in (hoogstens 120 tekens).
input-phone-invalid = Vul een geldig telefoonnummer in, bijvoorbeeld 06 12345678 of 020 1234567.

confirm-title = Bevestig account
confirm-text = Druk op de knop hieronder om te bevestigen dat je een account wilt aanmaken met het e-mailadres { $email }.
confirm-submit = Bevestigen

link-unknown-title = Deze link werkt niet
link-unknown-text = We kennen deze link niet. Kijk of je de hele link uit de e-mail hebt gebruikt.
link-expired-title = Deze link is verlopen
link-expired-text = Deze link is niet meer geldig. Log in om een nieuwe e-mail te krijgen, of vraag een nieuw wachtwoord aan.
link-used-title = Deze link is al gebruikt
link-used-text = Elke link werkt maar één keer, en deze is al gebruikt. Je kunt gewoon inloggen.
link-refused-sign-in = Naar inloggen
link-refused-reset = Wachtwoord vergeten?

signin-title = Inloggen
signin-intro = Log in met je account.
signin-create-account = Of maak een nieuw account aan.
signin-email = E-mail
signin-password = Wachtwoord
signin-remember = Blijf ingelogd
signin-forgot = Wachtwoord vergeten?
signin-submit = Inloggen
signin-wrong = Het e-mailadres of het wachtwoord klopt niet. Probeer het nog eens.
signin-held = Je account is geblokkeerd, omdat vandaag te vaak een verkeerde inlogcode is ingevuld. Kies via "Wachtwoord vergeten?" een nieuw wachtwoord; daarna kun je weer inloggen.
signin-unconfirmed = Je e-mailadres is nog niet bevestigd. Open de mail "Welkom bij …" en klik op "E-mailadres bevestigen".
signin-unconfirmed-resent = Je e-mailadres is nog niet bevestigd. We hebben je een nieuwe e-mail gestuurd: klik daarin op "E-mailadres bevestigen".
signin-notice-confirmed = Je e-mailadres is bevestigd. Je kunt nu inloggen.
signin-notice-signed-out = Je bent uitgelogd.
signin-notice-password-changed = Je wachtwoord is gewijzigd en je bent overal uitgelogd. Log in met je nieuwe wachtwoord.
signin-notice-expired = Je sessie is verlopen. Log opnieuw in.

code-title = Inlogcode
code-welcome = Welkom terug, { $name }!
code-intro = We weten pas zeker dat jij het bent als je de inlogcode invoert die we je net hebben gestuurd.
code-sent-email = Je inlogcode is verzonden naar { $destination }. De code is 5 minuten geldig.
code-sent-sms = Je inlogcode is per sms verzonden naar { $destination }. De code is 5 minuten geldig.
code-sent-voice = Je wordt gebeld op { $destination }; een stem leest je inlogcode voor. De code is 5 minuten geldig.
code-sent-email-instead-of-sms = We konden je geen sms sturen. Je inlogcode is daarom naar je e-mailadres verzonden: { $destination }. De code is 5 minuten geldig.
code-sent-email-instead-of-voice = We konden je niet bellen. Je inlogcode is daarom naar je e-mailadres verzonden: { $destination }. De code is 5 minuten geldig.
code-label = Inlogcode
code-submit = Bevestigen
code-resend-email = E-mail nogmaals versturen
code-resend-sms = Sms nogmaals versturen
code-resend-voice = Nogmaals bellen
code-not-you = Niet { $name }? Klik hier om uit te loggen.
code-wrong = Deze code klopt niet. Je kunt het nog { $tries } keer proberen.
code-locked = Je hebt 5 keer een verkeerde code ingevuld. Deze code werkt niet meer. Vraag hieronder een nieuwe code aan.
code-expired = Deze code is verlopen. Vraag hieronder een nieuwe code aan.
code-resent = We hebben je een nieuwe code gestuurd. Alleen de nieuwste code werkt.

reset-title = Wachtwoord vergeten
reset-intro = Vul je e-mailadres in. We sturen je een e-mail met een link om een nieuw wachtwoord te kiezen.
reset-submit = Link versturen
reset-sent = Als er een account is met dit e-mailadres, hebben we een e-mail gestuurd. De link is 1 uur geldig.
reset-back-to-sign-in = Terug naar inloggen
reset-new-title = Nieuw wachtwoord kiezen
reset-new-intro = Kies een nieuw wachtwoord. Daarna word je op alle apparaten uitgelogd.
reset-new-password = Nieuw wachtwoord
reset-new-submit = Wachtwoord opslaan

overview-title = Overzicht
overview-welcome = Welkom, { $name }
overview-intro = Je bent ingelogd bij { $organisation }.

sessions-title = Ingelogde apparaten
sessions-intro = Hier zie je waar je bent ingelogd. Herken je iets niet? Log daar uit en kies een nieuw wachtwoord.
sessions-device = { $browser } op { $system }
sessions-device-unknown = Onbekend apparaat
sessions-this-device = dit apparaat
sessions-details = Adres { $ip } · laatst gebruikt { $last_used } · ingelogd { $started }
sessions-remembered = blijft ingelogd
sessions-end = Uitloggen op dit apparaat
sessions-end-everywhere = Overal uitloggen

terms-title = Gebruiksvoorwaarden
terms-intro = Dit portaal van { $organisation } is bedoeld voor cliënten, hun vertegenwoordigers en de mensen die zij uitnodigen.
terms-personal = Je account is persoonlijk. Gebruik alleen je eigen naam en e-mailadres.
terms-secret = Houd je wachtwoord en inlogcodes geheim. Deel ze met niemand, ook niet met medewerkers.
terms-network = Nodig alleen mensen uit die de cliënt (of zijn vertegenwoordiger) toegang wil geven.
terms-urgent = Het portaal is niet voor spoed. Bel bij spoed de zorgorganisatie of 112.
terms-privacy = { $organisation } en Zorgportaal gaan zorgvuldig met je gegevens om, volgens de AVG.

throttle-wait-seconds = { $seconds ->
    [one] Te veel pogingen. Probeer het over 1 seconde opnieuw.
   *[other] Te veel pogingen. Probeer het over { $seconds } seconden opnieuw.
}
throttle-wait-minutes = { $minutes ->
    [one] Te veel pogingen. Probeer het over 1 minuut opnieuw.
   *[other] Te veel pogingen. Probeer het over { $minutes } minuten opnieuw.
}

error-csrf-title = Dit formulier is verlopen
error-csrf-text = Om je te beschermen hebben we dit formulier niet verwerkt. Ga terug, laad de pagina opnieuw en probeer het nog eens.
error-forbidden-title = Geen toegang
error-forbidden-text = Je hebt geen rechten om deze pagina te bekijken.
error-too-large-title = Te groot
error-too-large-text = Wat je stuurde is te groot om te verwerken.

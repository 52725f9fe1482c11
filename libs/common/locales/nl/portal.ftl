# Layout
nav-skip-to-content = Naar de inhoud
nav-home = Start
nav-help = Hulp nodig?
nav-main-label = Hoofdmenu
footer-support-heading = Contact met { $organisation }
footer-support-phone = Bel ons: { $phone }
footer-support-email = Mail ons: { $email }
footer-support-url = Meer informatie
footer-platform = Een portaal van Zorgportaal
footer-accessibility = Toegankelijkheid
footer-language-label = Taal
logo-alt = Logo van { $organisation }

# Start page
start-title = Welkom bij { $organisation }
start-intro = Hier volg je samen met je naasten de zorg van { $organisation }: de agenda, berichten met elkaar en met het zorgteam, het dossier en gedeelde notities.
start-features-heading = Wat je hier kunt doen
start-feature-calendar = Afspraken bekijken en samen een agenda bijhouden
start-feature-messages = Berichten sturen aan je netwerk en aan het zorgteam
start-feature-dossier = Het zorgdossier inzien, veilig met een extra code
start-feature-notes = Notities delen met iedereen die meehelpt
start-help-heading = Vragen?
start-help-text = Neem contact op met { $organisation }. De gegevens staan onderaan elke pagina.

# Error pages
error-not-found-title = Pagina niet gevonden
error-not-found-text = Deze pagina bestaat niet (meer). Controleer het adres of ga naar de startpagina.
error-unknown-host-title = Dit portaal bestaat niet
error-unknown-host-text = Op dit adres is geen zorgportaal te vinden. Controleer het adres in de brief of e-mail van je zorgorganisatie.
error-internal-title = Er ging iets mis
error-internal-text = Door een storing kunnen we deze pagina nu niet tonen. Probeer het over een paar minuten opnieuw.
error-request-id = Foutcode voor de helpdesk: { $id }
error-bad-request-title = Dit verzoek klopt niet
error-bad-request-text = Het formulier of adres bevat gegevens die we niet kunnen verwerken.
error-method-title = Dit kan hier niet
error-method-text = Deze actie is op deze pagina niet mogelijk.
error-back-home = Naar de startpagina
maintenance-title = Tijdelijk niet beschikbaar
maintenance-text = Het portaal van { $organisation } is tijdelijk niet beschikbaar. Je gegevens blijven bewaard. Probeer het later opnieuw.

# E-mail
email-greeting = Beste { $name },
email-greeting-anonymous = Beste lezer,
email-footer = Dit bericht is verstuurd door { $organisation } via Zorgportaal.
email-footer-no-reply = Je kunt niet op deze e-mail antwoorden.
email-delivery-test-subject = Testbericht van { $organisation }
email-delivery-test-body = Dit is een testbericht. Het laat zien dat e-mail van { $organisation } aankomt en er goed uitziet.
email-delivery-test-reference = Kenmerk: { $reference }

# SMS and voice
sms-delivery-test = Testbericht van { $organisation }. Kenmerk: { $reference }
voice-delivery-test = Dit is een testbericht van { $organisation }. Het kenmerk is { $reference }.

# Accessibility statement (TEN-6)
accessibility-title = Toegankelijkheid
accessibility-intro = Zorgportaal wil dat iedereen het portaal kan gebruiken, ook met een beperking, op een oude computer of met een kleine telefoon.
accessibility-standard-heading = Waar we ons aan houden
accessibility-standard = Alle pagina's, e-mails en documenten van het portaal moeten voldoen aan de richtlijnen WCAG 2.2 op niveau AA.
accessibility-measures-heading = Wat we daarvoor doen
accessibility-measure-keyboard = Alles werkt met het toetsenbord; je ziet altijd waar je bent.
accessibility-measure-text = Tekst is groot genoeg en heeft genoeg contrast, ook in de kleuren van je zorgorganisatie.
accessibility-measure-paste = Codes en wachtwoorden mag je plakken.
accessibility-measure-help = Hulp staat op elke pagina op dezelfde plek.
accessibility-measure-colour = Betekenis zit nooit alleen in een kleur.
accessibility-contact-heading = Werkt iets niet voor je?
accessibility-contact = Laat het { $organisation } weten. De contactgegevens staan onderaan deze pagina.

# The staff side (API-3, MSG-7, BEY-3)
staff-nav = Medewerker
staff-inbox-title = Berichten van cliënten
staff-inbox-intro = Hallo { $name }. Hier staan de berichten die cliënten en hun vertrouwensgroep aan de organisatie sturen. Wat langer dan { $days ->
    [one] 1 dag
   *[other] { $days } dagen
} op antwoord wacht, staat bovenaan; daarna je eigen cliënten.
staff-inbox-empty = Er zijn nog geen berichten aan de organisatie.
staff-inbox-more = Volgende gesprekken
staff-inbox-first = Terug naar het begin van de inbox
staff-inbox-last = { $count ->
    [one] 1 bericht, van { $who } op { $when }
   *[other] { $count } berichten, laatste van { $who } op { $when }
}
staff-inbox-overdue = Wacht te lang op antwoord
staff-inbox-mine = Mijn cliënt
staff-new-message = Bericht sturen aan een cliënt
staff-clients-title = Cliënten
staff-clients-intro = De cliënten met een gekoppelde zorgpagina. Kies aan wie je een bericht stuurt; je eigen cliënten staan bovenaan.
staff-clients-empty = Er zijn nog geen gekoppelde zorgpagina's.
staff-clients-number = cliëntnummer { $number }
staff-compose-title = Bericht aan { $client }
staff-compose-intro = Het bericht gaat naar de vertrouwensgroep van de cliënt en staat op de zorgpagina als bericht van { $organisation }.
staff-thread-title = Bericht van { $client }
staff-thread-audience = Gedeeld met { $organisation } en de vertrouwensgroep van de cliënt.
staff-invite-title = Medewerker worden
staff-invite-intro = Je bent uitgenodigd om als { $employee } in te loggen als medewerker van { $organisation }, met het account { $email }.
staff-invite-accept = Ja, ik log voortaan ook in als medewerker
staff-invite-unknown = Deze uitnodiging bestaat niet. Vraag de beheerder om een nieuwe.
staff-invite-expired = Deze uitnodiging is verlopen. Vraag de beheerder om een nieuwe.
staff-invite-used = Deze uitnodiging is al gebruikt.
staff-invite-other-address = Deze uitnodiging is voor een ander e-mailadres. Log in met het account van het adres waar de uitnodiging naartoe ging.
staff-invite-other-employee = Met dit account log je al in als een andere medewerker.

# Hulp (ACC-9): de hulppagina, het vraagformulier en de veelgestelde vragen.

help-footer-heading = Heb je hulp nodig?
help-footer-text = Stel je vraag aan een van onze medewerkers en zij helpen je op weg.
help-ask = Vraag stellen
faq-title = Veelgestelde vragen
help-title = Hulp
help-intro = Kom je er niet uit? Kijk eerst bij de veelgestelde vragen. Staat je vraag er niet bij? Stel je vraag hieronder of neem contact met ons op.
help-faq-text = Veel antwoorden staan al klaar.
help-faq-link = Bekijk de veelgestelde vragen
help-contact-heading = Contact met { $organisation }
help-ask-intro = Je vraag gaat naar de medewerkers van { $organisation }. Zij antwoorden per e-mail.
help-name = Naam
help-email = E-mailadres
help-subject = Onderwerp
help-question = Je vraag
help-submit = Vraag versturen
help-subject-invalid = Vul een onderwerp in (hoogstens 200 tekens, op één regel).
help-question-invalid = Vul je vraag in (hoogstens 5000 tekens).
help-sent-title = Je vraag is verstuurd
help-sent-text = Bedankt. Je vraag is bij { $organisation }. Je krijgt antwoord per e-mail op { $email }.
help-sent-reference = Je kenmerk is { $reference }. Noem dit als je over deze vraag belt of mailt.
faq-intro = Hier vind je antwoorden op vragen die mensen vaak stellen over het portaal van { $organisation }. Klik op een vraag om het antwoord te lezen.
faq-empty = Er staan nog geen vragen op deze pagina.
faq-not-found-heading = Staat je vraag er niet bij?

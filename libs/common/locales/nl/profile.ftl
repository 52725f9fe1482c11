# Profiel en instellingen (ACC-7): naam, foto, taal, wachtwoord wijzigen, account verwijderen.

settings-title = Instellingen
settings-intro = Hier pas je je gegevens aan.
settings-back = Terug naar Instellingen
settings-save = Opslaan
settings-email = Je e-mailadres: { $email }

settings-notice-name = Je naam is opgeslagen.
settings-notice-language = Je taal is opgeslagen.
settings-notice-photo = Je foto is ontvangen. Het duurt even voordat hij klaar is; kijk zo nog eens.
settings-notice-photo-removed = Je foto is verwijderd.
settings-notice-password = Je wachtwoord is gewijzigd. Op je andere apparaten ben je uitgelogd.

settings-photo-heading = Foto
settings-photo-intro = Je foto is ook te zien voor de medewerkers van { $organisation }.
settings-photo-none = Je hebt nog geen foto.
settings-photo-alt = Foto van { $name }
settings-photo-pending = We zijn je nieuwe foto aan het verwerken. Kijk over een minuutje nog eens.
settings-photo-choose = Kies een foto
settings-photo-hint = Een foto van het type JPEG, PNG of WebP, hoogstens { $megabytes } MB.
settings-photo-submit = Foto opslaan
settings-photo-remove = Foto verwijderen

photo-missing = Kies eerst een foto op je computer of telefoon.
photo-too-large = Deze foto is te groot. Kies een foto van hoogstens 10 MB.
photo-wrong-type = Dit bestand is geen foto die we kunnen gebruiken. Kies een foto van het type JPEG, PNG of WebP.
photo-too-many-pixels = Deze foto is te groot om te verwerken. Kies een foto van hoogstens 40 megapixel (bij 16 bits per kleur hoogstens 20 megapixel).
photo-too-many-uploads = Je hebt het afgelopen uur al veel foto's gestuurd. Probeer het over een uur opnieuw.
photo-unreadable = We kunnen deze foto niet openen. Probeer een andere foto.

settings-name-heading = Naam
settings-name-label = Je naam
settings-language-heading = Taal
settings-language-label = In welke taal wil je de website en de e-mails lezen?
settings-language-invalid = Kies Nederlands of English.

settings-security-heading = Wachtwoord en apparaten
settings-password-link = Wachtwoord wijzigen

settings-password-title = Wachtwoord wijzigen
settings-password-intro = Vul eerst je huidige wachtwoord in. Daarna kies je een nieuw wachtwoord. Op je andere apparaten word je dan uitgelogd.
settings-password-current = Huidig wachtwoord
settings-password-new = Nieuw wachtwoord
settings-password-submit = Wachtwoord wijzigen
settings-password-current-wrong = Dit wachtwoord klopt niet. Vul je huidige wachtwoord in.

settings-delete-heading = Account verwijderen
settings-delete-intro = Wil je dit portaal niet meer gebruiken? Dan kun je je account verwijderen.
settings-delete-link = Mijn account verwijderen

account-delete-title = Account verwijderen
account-delete-intro = Weet je het zeker? Als je je account verwijdert:
account-delete-what-sign-in = kun je niet meer inloggen, en word je op al je apparaten uitgelogd;
account-delete-what-photo = worden je naam, je e-mailadres en je foto gewist;
account-delete-what-mail = krijg je nog één e-mail ter bevestiging.
account-delete-final = Dit kun je niet ongedaan maken.
account-delete-password = Vul je wachtwoord in
account-delete-confirm = Ja, ik wil mijn account verwijderen
account-delete-confirm-required = Vink aan dat je je account wilt verwijderen.
account-delete-submit = Account definitief verwijderen
account-delete-cancel = Niet verwijderen

account-deleted-title = Je account is verwijderd
account-deleted-text = Je account bij { $organisation } bestaat niet meer en je bent uitgelogd. Bedankt voor het gebruiken van het portaal.
account-deleted-home = Naar de startpagina

-- Help (ACC-9): questions sent with the help form, and the organisation's frequently asked
-- questions. Runs inside one tenant's schema (search_path pinned to tenant_<slug>).

-- Every question asked on this organisation's portal; the support inbox works through them.
CREATE TABLE support_questions (
    id          uuid PRIMARY KEY,
    -- Shown to the asker and in the mail to the organisation: "VRG-…".
    reference   text NOT NULL UNIQUE,
    -- The account of the asker when they were signed in (platform.accounts.id; accounts live
    -- in the platform schema, so no foreign key across schemas).
    account_id  uuid,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    email       text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    subject     text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
    question    text NOT NULL CHECK (length(question) BETWEEN 1 AND 5000),
    language    text NOT NULL CHECK (language IN ('nl', 'en')),
    status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'handled')),
    created_at  timestamptz NOT NULL,
    handled_at  timestamptz,
    CHECK ((status = 'handled') = (handled_at IS NOT NULL))
);
CREATE INDEX support_questions_open_idx ON support_questions (status, created_at);

-- The FAQ page (/veelgestelde-vragen), per language, in the order of `position`.
CREATE TABLE faq_entries (
    id          bigserial PRIMARY KEY,
    language    text NOT NULL CHECK (language IN ('nl', 'en')),
    position    integer NOT NULL,
    question    text NOT NULL CHECK (length(question) BETWEEN 1 AND 300),
    answer      text NOT NULL CHECK (length(answer) BETWEEN 1 AND 5000),
    UNIQUE (language, position)
);

-- Every new organisation starts with these; its tenant admin can change them.
INSERT INTO faq_entries (language, position, question, answer) VALUES
('nl', 1, 'Hoe log ik in?',
 'Ga naar de startpagina en kies "Bestaande gebruiker". Vul je e-mailadres en wachtwoord in. Daarna krijg je een inlogcode van 6 cijfers per e-mail, per sms of in een gesproken telefoontje. Vul die code in en je bent ingelogd.'),
('nl', 2, 'Ik ben mijn wachtwoord vergeten. Wat nu?',
 'Klik bij het inloggen op "Wachtwoord vergeten?". Vul je e-mailadres in. Je krijgt een e-mail met een link om een nieuw wachtwoord te kiezen. Die link is 1 uur geldig.'),
('nl', 3, 'Waarom krijg ik een code bij het inloggen?',
 'De code laat zien dat jij het echt bent, ook als iemand anders je wachtwoord kent. De code is 5 minuten geldig. Deel de code met niemand, ook niet met medewerkers van de zorgorganisatie.'),
('nl', 4, 'Hoe stel ik mijn telefoonnummer in?',
 'Ga naar Instellingen en dan Telefoon. Vul je mobiele nummer of je vaste nummer in. Je krijgt een e-mail met een link. Open de link: je krijgt dan een code per sms (mobiel) of we bellen je en een stem leest de code voor (vaste lijn). Vul de code in. Daarna krijg je je inlogcodes op dat nummer.'),
('nl', 5, 'Ik krijg geen e-mail. Wat kan ik doen?',
 'Kijk in de map met ongewenste e-mail (spam). Controleer of je e-mailadres goed is gespeld. Lukt het nog steeds niet? Stel je vraag via "Vraag stellen" op de hulppagina, of bel de zorgorganisatie.'),
('nl', 6, 'Wie kan mijn gegevens zien?',
 'Alleen de mensen die jij toegang geeft, en de medewerkers van de zorgorganisatie die bij jouw zorg betrokken zijn. Medische gegevens zijn alleen te zien na een extra code.'),
('en', 1, 'How do I sign in?',
 'Go to the start page and choose "Existing user". Enter your e-mail address and password. You then receive a 6-digit sign-in code by e-mail, by text message or in a spoken phone call. Enter that code and you are signed in.'),
('en', 2, 'I forgot my password. What now?',
 'When signing in, click "Forgot your password?". Enter your e-mail address. You receive an e-mail with a link to choose a new password. The link works for 1 hour.'),
('en', 3, 'Why do I get a code when I sign in?',
 'The code shows that it really is you, even if someone else knows your password. The code works for 5 minutes. Never share it, not even with staff of the care organisation.'),
('en', 4, 'How do I set my phone number?',
 'Go to Settings, then Phone. Enter your mobile or landline number. You receive an e-mail with a link. Open the link: you then get a code by text message (mobile), or we call you and a voice reads the code out (landline). Enter the code. From then on your sign-in codes go to that number.'),
('en', 5, 'I do not receive any e-mail. What can I do?',
 'Look in your junk mail (spam) folder. Check that your e-mail address is spelled correctly. Still no luck? Ask your question with "Ask a question" on the help page, or call the care organisation.'),
('en', 6, 'Who can see my information?',
 'Only the people you give access, and the staff of the care organisation who are involved in your care. Medical information can only be seen after an extra code.');

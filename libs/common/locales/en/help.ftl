# Help (ACC-9): the help page, the question form and the frequently asked questions.

help-footer-heading = Need help?
help-footer-text = Ask one of our staff your question and they will help you along.
help-ask = Ask a question
faq-title = Frequently asked questions
help-title = Help
help-intro = Stuck? First look at the frequently asked questions. Is your question not there? Ask it below or get in touch with us.
help-faq-text = Many answers are ready for you.
help-faq-link = See the frequently asked questions
help-contact-heading = Contact { $organisation }
help-ask-intro = Your question goes to the staff of { $organisation }. They answer by e-mail.
help-name = Name
help-email = E-mail address
help-subject = Subject
help-question = Your question
help-submit = Send question
help-subject-invalid = Enter a subject (at most 200 characters, on one line).
help-question-invalid = Enter your question (at most 5000 characters).
help-sent-title = Your question has been sent
help-sent-text = Thank you. Your question is with { $organisation }. You will get an answer by e-mail at { $email }.
help-sent-reference = Your reference is { $reference }. Mention it when you call or write about this question.
faq-intro = Here you find answers to questions people often ask about the portal of { $organisation }. Click a question to read the answer.
faq-empty = There are no questions on this page yet.
faq-not-found-heading = Is your question not there?

-- MSG-4: whether an employee has written on a page is asked on every Berichten page; without
-- this index the question reads every message of the page.
CREATE INDEX messages_from_organisation_idx ON messages (care_page_id) WHERE from_organisation;

-- The rights of each member of a care page's personal network (NET-2), by their stable keys
-- (`care::rights::Right::key`). Which sets are allowed (a dependent right needs its right) is
-- decided by the model before a row is written; the database refuses unknown keys. A beheerder
-- holds every right on top of these; members added before rights existed hold none until a
-- beheerder grants them.
ALTER TABLE care_page_members
    ADD COLUMN rights text[] NOT NULL DEFAULT '{}'
    CHECK (rights <@ ARRAY['agenda', 'agenda_beheren', 'agenda_zorgorganisatie', 'dossier',
                           'vragenlijsten', 'plannen_goedkeuren', 'berichten_netwerk',
                           'berichten_vertrouwensgroep', 'berichten_zorgorganisatie']::text[]);

-- The access log's one INSERT (`audit::access_log::insert`) now queues its rows for sealing
-- itself, in the same statement (a CTE). The statement trigger did the same with a transition
-- table and a PL/pgSQL call on every group commit, which cost more than the row it served.
-- Rows that arrive by another way (nothing in the platform does that) are neither sealed nor
-- waiting, and `zorgctl audit verify` reports them.
DROP TRIGGER access_log_awaits_seal ON access_log;
DROP FUNCTION access_log_await_seal();

-- `recon exceptions` (and the report) list a run's findings in this order; with the index the
-- export streams from an index scan instead of sorting every finding of the date first.
create index exception_export_order on recon.exception (raised_on, kind, merchant_id, terminal_id, txn_time, s_run, s_file, s_line);

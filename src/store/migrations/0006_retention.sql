-- Retention (DESIGN §7): each run prunes the carried state no run it can still be replayed from
-- needs (open-item snapshots of superseded runs, journal-window records and late credits older than
-- the window, undo logs of runs out of reach). replay_from is the earliest date a replay may start
-- from as of that run (null: a run before retention, which pruned nothing).
alter table recon.run add column replay_from date;
-- The window's pages are pruned by business date, and so are the late credits of its records (a
-- credit's mark lives as long as the record it marks; marks written before this migration take
-- their run's date, a day early at most for a row after the cutoff, which only keeps them longer).
create index window_page_business_date on recon.window_page (business_date);
alter table recon.window_credit add column business_date date;
update recon.window_credit set business_date = j_run + 1;
alter table recon.window_credit alter column business_date set not null;
create index window_credit_business_date on recon.window_credit (business_date);
-- `recon db prune --before D`: the audit trail removed on an operator's word, and when.
create table recon.prune (
  pruned_at      timestamptz not null,
  before         date not null,
  findings       integer not null,
  rejected_rows  integer not null,
  runs           integer not null
);

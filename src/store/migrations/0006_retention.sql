-- Retention (DESIGN §7): each run prunes the carried state no run it can still be replayed from
-- needs (open-item snapshots of superseded runs, journal-window records and late credits older than
-- the window, undo logs of runs out of reach). replay_from is the earliest date a replay may start
-- from as of that run (null: a run before retention, which pruned nothing).
alter table recon.run add column replay_from date;
-- The window's pages are pruned by business date.
create index window_page_business_date on recon.window_page (business_date);
-- `recon db prune --before D`: the audit trail removed on an operator's word, and when.
create table recon.prune (
  pruned_at      timestamptz not null,
  before         date not null,
  findings       integer not null,
  rejected_rows  integer not null,
  runs           integer not null
);

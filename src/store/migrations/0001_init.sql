-- recon store, version 1 (DESIGN §7).
--
-- Identity of a row across runs is its source: (run that loaded the file, file number in that run,
-- line). Everything a run writes is tagged with the run date, so that re-running the latest date
-- can take its effects back exactly (see src/store/run-store.ts, undoRun).

create table recon.run (
  run_date      date primary key,
  status        text not null check (status in ('committed')),
  started_at    timestamptz not null,
  finished_at   timestamptz not null,
  duration_ms   integer not null,
  workers       integer not null,
  options       jsonb not null,
  summary       jsonb not null
);

create table recon.input_file (
  run_date   date not null references recon.run (run_date) deferrable initially deferred,
  file_no    integer not null,
  side       text not null check (side in ('journal', 'clearing')),
  path       text not null,
  sha256     text not null,
  bytes      bigint not null,
  rows_in    integer not null,
  rejected   integer not null,
  primary key (run_date, file_no)
);
create index input_file_sha256 on recon.input_file (sha256);

create table recon.rejected_row (
  run_date   date not null,
  file_no    integer not null,
  line       integer not null,
  column_name text,
  reason     text not null,
  raw        text not null,
  primary key (run_date, file_no, line),
  foreign key (run_date, file_no) references recon.input_file (run_date, file_no) deferrable initially deferred
);

-- One finding per (kind, subject row) (DESIGN §6.1 rule 10). s_* is the subject row's source:
-- the journal row for findings on matched pairs, the clearing row for RISK_HOLD,
-- UNMATCHED_CLEARING and AMBIGUOUS_MATCH (rule 11).
create table recon.exception (
  raised_on              date not null,
  kind                   text not null check (kind in (
                           'MISSING_CREDIT', 'DELAYED_CREDIT', 'DUPLICATE_CREDIT', 'DUPLICATE_JOURNAL',
                           'AMOUNT_MISMATCH', 'FEE_MISMATCH', 'RISK_HOLD', 'VOIDED_BUT_SETTLED',
                           'DECLINED_BUT_SETTLED', 'REFUND_NOT_DEBITED', 'UNMATCHED_CLEARING',
                           'AMBIGUOUS_MATCH')),
  status                 text not null check (status in ('open', 'resolved')),
  resolved_on            date,
  s_side                 char(1) not null check (s_side in ('J', 'C')),
  s_run                  date not null,
  s_file                 integer not null,
  s_line                 integer not null,
  merchant_id            text not null,
  terminal_id            text,
  rrn                    text,
  stan                   text,
  order_no               text,
  txn_time               timestamptz not null,
  txn_business_date      date not null,
  journal_amount_minor   bigint,
  clearing_amount_minor  bigint,
  fee_minor              bigint,
  expected_fee_minor     bigint,
  expected_settle_date   date,
  settle_date            date,
  days_late              integer not null default 0,
  duplicate_count        integer not null default 0,
  amount_at_stake        bigint not null default 0,
  j_run                  date,
  j_file                 integer,
  j_line                 integer,
  c_run                  date,
  c_file                 integer,
  c_line                 integer,
  primary key (kind, s_side, s_run, s_file, s_line)
);
create index exception_raised_on on recon.exception (raised_on, kind);
create index exception_open on recon.exception (kind) where status = 'open';

-- What a later run changed on an earlier finding (status, resolution, duplicate count), with the
-- values before, so that re-running that later run can put them back.
create table recon.exception_change (
  run_date             date not null,
  kind                 text not null,
  s_side               char(1) not null,
  s_run                date not null,
  s_file               integer not null,
  s_line               integer not null,
  old_status           text not null,
  old_resolved_on      date,
  old_duplicate_count  integer not null,
  old_amount_at_stake  bigint not null,
  primary key (run_date, kind, s_side, s_run, s_file, s_line)
);

-- Carry-forward state: rows not yet matched, as one snapshot per run. A run reads the snapshot of
-- the run before it and writes the items still open as its own (created_by = run): nothing is
-- updated, and taking a run back is deleting its snapshot.
create table recon.open_item (
  side                  char(1) not null check (side in ('J', 'C')),
  created_by            date not null,
  src_run               date not null,
  src_file              integer not null,
  src_line              integer not null,
  flags                 integer not null,
  type                  text not null,
  channel               text,
  status                text,
  response_code         text,
  merchant_id           text not null,
  terminal_id           text not null,
  batch_no              text,
  stan                  text not null,
  rrn                   text,
  auth_code             text,
  order_no              text,
  orig_rrn              text,
  pan_masked            text,
  txn_time              timestamptz not null,
  amount_minor          bigint not null,
  fee_minor             bigint,
  net_minor             bigint,
  currency              text not null,
  clearing_date         date,
  settle_date           date,
  business_date         date not null,
  expected_settle_date  date not null,
  deadline              date not null,
  primary key (created_by, side, src_run, src_file, src_line)
);

-- The journal window (DESIGN §9): every journal row that left the open set within the window
-- (credited, or closed without a credit), so that later rows are checked against it: a credit for a
-- transaction already credited is a DUPLICATE_CREDIT; a late credit for a sale closed without one
-- (voided, declined) is that sale's finding; a journal row equal to one of them is a DUPLICATE_JOURNAL.
-- Kept compact: per run, business date and partition, 32-byte records sorted by key hash
-- (workers/window-records.ts) with a fence every 32 records, so a lookup reads a page.
create table recon.window_segment (
  created_by     date not null,
  business_date  date not null,
  part           integer not null,
  -- The task that wrote it (several can write records of one partition).
  producer       integer not null,
  n              integer not null,
  fences         bytea not null,
  records        bytea not null,
  primary key (created_by, business_date, part, producer)
);
-- Uncompressed, so that substring() reads only the pages a lookup needs.
alter table recon.window_segment alter column fences set storage external;
alter table recon.window_segment alter column records set storage external;
create index window_segment_lookup on recon.window_segment (business_date, part);

-- Journal rows closed without a credit that a later credit took (a voided or declined sale
-- credited late): from then on they count as credited.
create table recon.window_credit (
  run_date  date not null,
  j_run     date not null,
  j_file    integer not null,
  j_line    integer not null,
  primary key (j_run, j_file, j_line)
);
create index window_credit_run on recon.window_credit (run_date);

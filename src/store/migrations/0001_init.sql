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

-- Carry-forward state: rows not yet matched. Each run closes every live version it loaded
-- (closed_by = run) and writes the items still open as new versions (created_by = run).
create table recon.open_item (
  side                  char(1) not null check (side in ('J', 'C')),
  created_by            date not null,
  closed_by             date,
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
  primary key (side, src_run, src_file, src_line, created_by)
);
create index open_item_live on recon.open_item (side) where closed_by is null;
create index open_item_closed_by on recon.open_item (closed_by) where closed_by is not null;

-- The journal window (DESIGN §9): every journal row that left the open set within the window
-- (credited, or closed without credit), so that later rows are checked against it: a credit for a
-- transaction already credited is a DUPLICATE_CREDIT; a late credit for a sale closed without one
-- (voided, declined) is that sale's finding; a journal row equal to one of them is a DUPLICATE_JOURNAL.
create table recon.journal_window (
  created_by            date not null,
  -- The run whose credit (or refund debit) matched the row; null while it has none.
  credited_by           date,
  type                  text not null,
  response_code         text not null,
  -- FLAG_VOIDED (4) and FLAG_REVERSED (8) when the row left the open set.
  flags                 integer not null,
  -- 53-bit hash of (type, response, amount, own match key): finds journal copies quickly.
  copy_key              bigint not null,
  business_date         date not null,
  merchant_id           text not null,
  terminal_id           text not null,
  rrn                   text,
  order_no              text,
  stan                  text not null,
  txn_time              timestamptz not null,
  amount_minor          bigint not null,
  expected_settle_date  date not null,
  j_run                 date not null,
  j_file                integer not null,
  j_line                integer not null
);
create index journal_window_order on recon.journal_window (merchant_id, order_no) where order_no is not null;
create index journal_window_rrn on recon.journal_window (merchant_id, terminal_id, rrn) where rrn is not null;
create index journal_window_copy on recon.journal_window (copy_key);
create index journal_window_created_by on recon.journal_window (created_by);
create index journal_window_credited_by on recon.journal_window (credited_by) where credited_by is not null;

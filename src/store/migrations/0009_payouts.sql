-- The third leg (DESIGN §3.5, §6.2): the acquirer's payouts to the merchants' accounts, the expected
-- payout of each (merchant, settle_date) from the clearing rows, and the six payout kinds.

alter table recon.input_file drop constraint input_file_side_check;
alter table recon.input_file add constraint input_file_side_check check (side in ('journal', 'clearing', 'payout'));

alter table recon.exception drop constraint exception_kind_check;
alter table recon.exception add constraint exception_kind_check check (kind in (
  'MISSING_CREDIT', 'DELAYED_CREDIT', 'DUPLICATE_CREDIT', 'DUPLICATE_JOURNAL',
  'AMOUNT_MISMATCH', 'FEE_MISMATCH', 'RISK_HOLD', 'VOIDED_BUT_SETTLED',
  'DECLINED_BUT_SETTLED', 'REFUND_NOT_DEBITED', 'UNMATCHED_CLEARING', 'AMBIGUOUS_MATCH',
  'PAYOUT_MISSING', 'PAYOUT_MISMATCH', 'PAYOUT_RETURNED', 'PAYOUT_HELD', 'PAYOUT_DUPLICATE',
  'UNEXPECTED_PAYOUT'));
-- A payout finding's subject is a payout row (P); PAYOUT_MISSING has none and takes the first clearing
-- row that made the expected payout (C).
alter table recon.exception drop constraint exception_s_side_check;
alter table recon.exception add constraint exception_s_side_check check (s_side in ('J', 'C', 'P'));

-- What a payout finding carries besides the common columns (§6.2 rule 4): the payout, the bank's
-- reason, the account (masked), the amount paid, and the payout row (run, file, line). NULL on the
-- other kinds.
alter table recon.exception
  add column payout_id text,
  add column reason_code text,
  add column account_masked text,
  add column payout_amount_minor bigint,
  add column p_run date,
  add column p_file integer,
  add column p_line integer;

-- Every payout row read, as read (account masked): a status change repeats its payout_id (§6.2 rule
-- 1). Tens of thousands a night, kept as the text of a file's rows of one settle date, a line each
-- (line, payout_id, merchant_id, amount_minor, currency, status, status_date, reason_code,
-- account_masked, orig_payout_id, tab-separated: no value of the payout file may hold a tab or a line
-- break), which the run reads back whole by settle date. 20,000 payout rows as a table row each took
-- 166-277 ms to COPY into the embedded store (91-140 ms without any index), as arrays about as much:
-- more than the whole leg may add to a run (issue 27: 3%). recon.payout_row shows them a row each.
create table recon.payout (
  run_date     date not null,
  file_no      integer not null,
  settle_date  date not null,
  row_count    integer not null,
  data         text not null,
  primary key (settle_date, run_date, file_no)
);

create view recon.payout_row as
  select p.run_date, p.file_no, split_part(l, E'\t', 1)::integer as line, split_part(l, E'\t', 2) as payout_id,
         split_part(l, E'\t', 3) as merchant_id, p.settle_date, split_part(l, E'\t', 4)::bigint as amount_minor,
         split_part(l, E'\t', 5) as currency, split_part(l, E'\t', 6) as status,
         split_part(l, E'\t', 7)::date as status_date, nullif(split_part(l, E'\t', 8), '') as reason_code,
         nullif(split_part(l, E'\t', 9), '') as account_masked, nullif(split_part(l, E'\t', 10), '') as orig_payout_id
    from recon.payout p, string_to_table(p.data, E'\n') as l;

-- What each run's clearing rows added to the expected payouts of one settle date (§3.5), a row per
-- (settle_date, run) with a value per merchant in arrays: a pair's expected payout at its check is
-- the sum over the runs up to the check (§6.2 rule 5). Kept on every run, payout files or not, so
-- arrays: a few rows a night instead of one per merchant and settle date (8,865 rows took 160-330 ms
-- to COPY into the embedded store). Taking a run back deletes its rows. c_files and c_lines: the
-- first clearing row that counted (in this run's files), a PAYOUT_MISSING's subject.
create table recon.payout_expected (
  run_date      date not null,
  settle_date   date not null,
  merchants     bigint[] not null,
  amounts       bigint[] not null,
  counted       integer[] not null,
  c_files       integer[] not null,
  c_lines       integer[] not null,
  primary key (settle_date, run_date)
);

-- A run finds the payout findings of the pairs it checks, and the returned or held payout a PAID row
-- settles, by these.
create index exception_payout_pair on recon.exception (settle_date, merchant_id)
  where kind in ('PAYOUT_MISSING', 'PAYOUT_MISMATCH', 'PAYOUT_DUPLICATE', 'UNEXPECTED_PAYOUT');
create index exception_payout_id on recon.exception (payout_id) where payout_id is not null;

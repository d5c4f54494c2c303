-- The payout leg's kept values (migration 0009) stored as they are, not compressed: each run writes
-- a text of every payout row of a file and settle date (~80 bytes a row) and arrays of a value per
-- merchant, read back whole by the runs that check them. Compressing them cost a run at 20,000
-- payouts ~35 ms of its ~55 ms to COPY the texts and ~20 ms of ~30 ms for the arrays (PGlite, issue
-- 27's volume); uncompressed they take a few MB a day more, kept only for --window-days.
alter table recon.payout alter column data set storage external;
alter table recon.payout_expected
  alter column merchants set storage external,
  alter column amounts set storage external,
  alter column counted set storage external,
  alter column c_files set storage external,
  alter column c_lines set storage external;

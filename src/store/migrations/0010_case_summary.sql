-- The summary of the cases (src/reports/case-summary.ts: recon status, the morning report, the
-- console's overview) without reading every case and its finding (DESIGN §11: at a million cases a
-- join of 1M × 1M rows, ~1 s a view): each case keeps its finding's amount at stake, and a tally
-- keeps the cases and their amounts per (state, owner, due date, orphaned), maintained by triggers
-- on recon.case whoever writes it (runs, people, the console, prune).

-- The amount at stake of the case's finding, as the finding has it: copied when a run makes the case
-- (or raises its finding again), and after it by the trigger below whenever a statement changes the
-- finding's amount (a DUPLICATE_CREDIT that grows, a payout finding re-checked, the undo of a rerun
-- or replay). An orphaned case keeps the amount its finding had; the tally counts it as nothing at
-- stake, as a case without its finding has nothing at stake.
alter table recon.case add column amount_at_stake bigint;
update recon.case c set amount_at_stake = e.amount_at_stake from recon.exception e where e.id = c.finding_id;

create function recon.case_amount_follows_finding() returns trigger language plpgsql as $$
begin
  update recon.case set amount_at_stake = new.amount_at_stake
   where finding_id = new.id and amount_at_stake is distinct from new.amount_at_stake;
  return null;
end
$$;
-- Row by row, but only the rows whose amount changed (a handful a run): the WHEN is checked without
-- calling the function, so the updates that change only a status (resolutions) cost nothing more.
create trigger exception_amount_to_case after update of amount_at_stake on recon.exception
  for each row when (old.amount_at_stake is distinct from new.amount_at_stake)
  execute function recon.case_amount_follows_finding();

-- The tally: rows of (state, owner, due date, orphaned) with how many cases and how much at stake,
-- summed by key when read. Each statement that writes recon.case appends what it changed (its
-- cases out of their old keys, into their new ones) and never updates a row, so people and a run
-- working cases at the same time never wait for each other here; a run folds the rows into one per
-- key (src/reports/case-summary.ts compactCaseTally). A closed case counts only by state (nothing
-- the summary shows of it depends on its owner or due date). No index: a few rows a key, all read.
create table recon.case_tally (
  state            text not null,
  owner            text,
  due_on           date,
  orphaned         boolean not null,
  cases            bigint not null,
  amount_at_stake  bigint not null
);

insert into recon.case_tally (state, owner, due_on, orphaned, cases, amount_at_stake)
select state, case when state = 'closed' then null else owner end, case when state = 'closed' then null else due_on end,
       orphaned, count(*), coalesce(sum(case when orphaned then 0 else amount_at_stake end), 0)
  from recon.case group by 1, 2, 3, 4;

-- One function for the four triggers (a transition table is named only where its trigger has one).
create function recon.case_tally_change() returns trigger language plpgsql as $$
begin
  if tg_op = 'TRUNCATE' then
    delete from recon.case_tally;
  elsif tg_op = 'INSERT' then
    insert into recon.case_tally (state, owner, due_on, orphaned, cases, amount_at_stake)
    select state, case when state = 'closed' then null else owner end, case when state = 'closed' then null else due_on end,
           orphaned, count(*), coalesce(sum(case when orphaned then 0 else amount_at_stake end), 0)
      from new_cases group by 1, 2, 3, 4;
  elsif tg_op = 'DELETE' then
    insert into recon.case_tally (state, owner, due_on, orphaned, cases, amount_at_stake)
    select state, case when state = 'closed' then null else owner end, case when state = 'closed' then null else due_on end,
           orphaned, -count(*), -coalesce(sum(case when orphaned then 0 else amount_at_stake end), 0)
      from old_cases group by 1, 2, 3, 4;
  else
    -- An update that moves no case and changes no amount (a note, seen_count, last_seq) adds nothing.
    insert into recon.case_tally (state, owner, due_on, orphaned, cases, amount_at_stake)
    select state, owner, due_on, orphaned, sum(n), sum(amount)
      from (select state, case when state = 'closed' then null else owner end as owner,
                   case when state = 'closed' then null else due_on end as due_on, orphaned,
                   1 as n, case when orphaned then 0 else coalesce(amount_at_stake, 0) end as amount
              from new_cases
            union all
            select state, case when state = 'closed' then null else owner end,
                   case when state = 'closed' then null else due_on end, orphaned,
                   -1, -(case when orphaned then 0 else coalesce(amount_at_stake, 0) end)
              from old_cases) d
     group by 1, 2, 3, 4
    having sum(n) <> 0 or sum(amount) <> 0;
  end if;
  return null;
end
$$;
create trigger case_tally_insert after insert on recon.case
  referencing new table as new_cases for each statement execute function recon.case_tally_change();
create trigger case_tally_update after update on recon.case
  referencing old table as old_cases new table as new_cases for each statement execute function recon.case_tally_change();
create trigger case_tally_delete after delete on recon.case
  referencing old table as old_cases for each statement execute function recon.case_tally_change();
create trigger case_tally_truncate after truncate on recon.case
  for each statement execute function recon.case_tally_change();

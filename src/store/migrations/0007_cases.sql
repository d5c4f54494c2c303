-- Working the findings (DESIGN §10): a stable id for every finding, its case (what people did about
-- it), the people, and the audit trail of every action as an append-only, hash-chained log.

-- A finding's id: 'F' and 12 base32 characters (RFC 4648 alphabet) of the first 60 bits of
-- sha256(kind | side | sha256 of the subject row's source file (of the zip entry) | line). Reruns and
-- replays load the same file to the same line, so they give the same id. src/cases/finding-id.ts
-- computes the same in TypeScript (a test checks that both agree).
create function recon.finding_id(p_kind text, p_side text, p_file_sha256 text, p_line integer) returns text
language sql immutable strict parallel safe as $$
  select 'F' || string_agg(substr('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', substring(h.b from i * 5 + 1 for 5)::int + 1, 1), '' order by i)
    from (select ('x' || encode(substring(sha256(convert_to(p_kind || '|' || p_side || '|' || p_file_sha256 || '|' || p_line, 'UTF8')) from 1 for 8), 'hex'))::bit(64) as b) h,
         generate_series(0, 11) as i
$$;

alter table recon.exception add column id text;
update recon.exception e
   set id = recon.finding_id(e.kind, e.s_side, f.sha256, e.s_line)
  from recon.input_file f
 where f.run_date = e.s_run and f.file_no = e.s_file;
-- A finding whose file record is gone (none should be: a prune keeps the files findings point into)
-- takes its source's run and file number instead.
update recon.exception
   set id = recon.finding_id(kind, s_side, 'run:' || s_run || ':' || s_file, s_line)
 where id is null;
create unique index exception_id on recon.exception (id);
-- A run closes the cases of the findings it resolved: found by the date they were resolved on.
create index exception_resolved_on on recon.exception (resolved_on) where status = 'resolved';

-- The people who work the findings. Each role may do what the one before it may: a viewer reads, an
-- operator works cases, a supervisor approves closings and manages users. password_hash is scrypt
-- (src/cases/users.ts) for the console; null until `recon user passwd`.
create table recon.user (
  name           text primary key check (name ~ '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$'),
  role           text not null check (role in ('viewer', 'operator', 'supervisor')),
  password_hash  text,
  disabled       boolean not null default false,
  created_at     timestamptz not null default now()
);

-- Settings of the store, such as the approval threshold (four eyes): key, and its value as JSON.
create table recon.setting (
  key    text primary key,
  value  jsonb not null
);
insert into recon.setting (key, value) values ('approval_threshold_minor', '1000000');

-- The case of a finding: its state as people moved it (the engine's own status stays on the
-- finding). One row per finding id, made by the run that first raised it and never deleted with its
-- finding: a rerun that no longer raises the finding leaves its case orphaned. kind, merchant_id and
-- raised_on are the finding's (an id never changes kind or merchant), kept here so that the work
-- queue filters and sorts on one table (a million cases answer a page from an index).
create table recon.case (
  finding_id      text primary key,
  kind            text not null,
  merchant_id     text not null,
  raised_on       date not null,
  state           text not null check (state in ('new', 'assigned', 'pending_approval', 'closed', 'reopened')),
  owner           text references recon.user (name),
  reason          text check (reason in ('CREDITED_OUTSIDE', 'MERCHANT_CONFIRMED', 'ADJUSTMENT_POSTED', 'RECOVERED',
                                         'WRITTEN_OFF', 'NOT_AN_ERROR', 'RESOLVED_BY_RUN')),
  due_on          date not null,
  orphaned        boolean not null default false,
  -- A closing waiting for a checker (state pending_approval): who made it, its reason and note.
  maker           text references recon.user (name),
  pending_reason  text,
  pending_note    text,
  -- The run whose resolution of the finding the case has taken in (closed by it, or reopened because
  -- the money came twice), so a rerun of that run does not do it again.
  resolution_run  date,
  -- The duplicate count the case has taken in: a DUPLICATE_CREDIT that grows past it reopens a closed case.
  seen_count      integer not null default 0,
  -- The last event of this case (its seq; 0: none yet), for a console that changes a case it has shown.
  last_seq        bigint not null default 0,
  updated_at      timestamptz not null
);
create index case_queue on recon.case (state, due_on, finding_id);
create index case_kind_queue on recon.case (kind, state, due_on, finding_id);
create index case_owner on recon.case (owner, state) where owner is not null;
create index case_raised_on on recon.case (raised_on);
create index case_resolution_run on recon.case (resolution_run) where resolution_run is not null;
create index case_orphaned on recon.case (finding_id) where orphaned;

-- The findings of a store from before cases get theirs: an open finding a new case, a resolved one a
-- case closed by the run that resolved it. Their due dates count calendar days (1 or 3 after the
-- finding was raised, as src/cases/run-cases.ts counts working days): the calendar is a run's input,
-- not the store's.
insert into recon.case (finding_id, kind, merchant_id, raised_on, state, reason, resolution_run, due_on, seen_count, updated_at)
select e.id, e.kind, e.merchant_id, e.raised_on,
       case when e.status = 'resolved' then 'closed' else 'new' end,
       case when e.status = 'resolved' then 'RESOLVED_BY_RUN' end,
       case when e.status = 'resolved' then e.resolved_on end,
       e.raised_on + case when e.kind in ('MISSING_CREDIT', 'PAYOUT_RETURNED', 'PAYOUT_MISSING')
                            or e.amount_at_stake >= 1000000 then 1 else 3 end,
       e.duplicate_count, now()
  from recon.exception e;

-- The audit trail: every action on a finding (and on users and settings), by a person or a run, in
-- order. hash = sha256(prev_hash || canonical JSON of the event) (src/cases/audit-chain.ts), so an
-- event changed or taken out shows where `recon audit verify` recomputes the chain. Append-only: the
-- triggers below refuse UPDATE, DELETE and TRUNCATE; `recon db prune` alone removes events (those of
-- the closed findings it removes), recording in recon.audit_cut each stretch and the hash the event
-- after it chains from.
create table recon.case_event (
  seq         bigint primary key,
  at          timestamptz not null,
  actor       text not null,
  finding_id  text,
  action      text not null,
  from_state  text,
  to_state    text,
  reason      text,
  note        text,
  details     jsonb,
  prev_hash   text not null,
  hash        text not null unique
);
create index case_event_finding on recon.case_event (finding_id, seq);
create index case_event_at on recon.case_event (at);

-- Stretches of the trail `recon db prune` removed (the events of the closed findings it removed):
-- from_seq..through_seq, and the hash of the last of them, which the next event kept chains from.
create table recon.audit_cut (
  cut_at      timestamptz not null,
  from_seq    bigint not null,
  through_seq bigint not null,
  hash        text not null,
  primary key (from_seq)
);

create function recon.refuse_audit_change() returns trigger language plpgsql as $$
begin
  -- recon db prune cuts a prefix of the trail in its own transaction (src/store/retention.ts).
  if tg_op = 'DELETE' and current_setting('recon.audit_cut', true) = 'on' then
    return old;
  end if;
  raise exception 'recon.case_event is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
end
$$;
create trigger case_event_append_only before update or delete on recon.case_event
  for each row execute function recon.refuse_audit_change();
create trigger case_event_no_truncate before truncate on recon.case_event
  for each statement execute function recon.refuse_audit_change();

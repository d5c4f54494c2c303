-- The journal window's records leave recon.window_segment for rows of at most 224 records (7 KB,
-- seven fence pages) each, kept in line (storage plain). A segment's records as one bytea were
-- stored out of line in TOAST chunks of ~2 KB, each a row of its own with an index entry: on a
-- 2M-row night the server spent ~1.5 s of CPU on the 64 MB of them, on the cores the joins run on.
-- As heap rows of 7 KB the same bytes cost it about half as much; a lookup reads the row(s) that
-- hold the pages it needs, as before it read those pages out of the segment.
create table recon.window_page (
  created_by     date not null,
  business_date  date not null,
  part           integer not null,
  producer       integer not null,
  -- Records [chunk * 224, chunk * 224 + 224) of the segment.
  chunk          integer not null,
  records        bytea not null,
  primary key (created_by, business_date, part, producer, chunk)
);
alter table recon.window_page alter column records set storage plain;

insert into recon.window_page (created_by, business_date, part, producer, chunk, records)
select s.created_by, s.business_date, s.part, s.producer, k, substring(s.records from k * 7168 + 1 for 7168)
  from recon.window_segment s, generate_series(0, (octet_length(s.records) - 1) / 7168) k
 where octet_length(s.records) > 0;

alter table recon.window_segment drop column records;

-- The work queue in its order (due date, then id) without a state or kind to start from: the
-- console's queue unfiltered (its first view), by merchant, or overdue (DESIGN §11: a page of a
-- million cases well under a second). Without these a page sorted every case first: 1.1 s at a
-- million cases (bench/console.ts).
create index case_due_queue on recon.case (due_on, finding_id);
create index case_merchant_queue on recon.case (merchant_id, due_on, finding_id);

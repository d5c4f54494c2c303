-- A row of a layout without a stan (a WeChat or Alipay bill) stays open like any other: its open
-- item's stan is empty, as its findings' is, instead of a stan of 000000 it never had.
alter table recon.open_item alter column stan drop not null;

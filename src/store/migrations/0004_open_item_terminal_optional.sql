-- A row read through an input profile may have no terminal: a WeChat or Alipay bill names the
-- merchant and its order number, not a terminal (DESIGN §3.4; QR rows match by merchant_id and
-- order_no). Such a row stays open like any other, so its open item's terminal_id may be empty.
alter table recon.open_item alter column terminal_id drop not null;

-- Expired leases get an index of their own: the claim (private.claim_due_stages in
-- 20261126001200_sending_engine.sql) finds them with a bounded index walk, so a claim with little
-- or nothing due no longer scans every scheduled stage (2 s with a million scheduled stages
-- before; well under a millisecond after). The claim's revised text lives in that migration.
create index if not exists enrollment_stages_lease_idx on public.enrollment_stages (lease_until) where status = 'claimed';

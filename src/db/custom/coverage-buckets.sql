-- coverage_tx_buckets (src/db/schema/coverage.ts): coverage_tx_shares summed per (country, basis, activity,
-- currency, rate year), with the first and last transaction date of each bucket and its undated rows. A coverage
-- statement takes a bucket whole when the period holds all its rows, skips it when the period holds none, and
-- re-reads coverage_tx_shares only for the buckets a period cuts (README, "Coverage", "Design"). Written by the
-- same refresh as coverage_tx_shares (the triggers of coverage-shares.sql, and the importer's deferred refresh), so
-- in the writer's own transaction: it can never lag the rows it sums.
--
-- Covering indexes: a country's buckets of a basis in activity order (one range read), and an activity's (the
-- alignment, and the refresh's delete).
CREATE INDEX IF NOT EXISTS coverage_tx_buckets_country ON coverage_tx_buckets (country, basis, activity_id)
  INCLUDE (currency, year, first_date, last_date, undated, amount);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS coverage_tx_buckets_activity ON coverage_tx_buckets (activity_id, basis)
  INCLUDE (country, currency, year, first_date, last_date, undated, amount);
--> statement-breakpoint
-- Writes the buckets of the activities `ids` (NULL: of every activity) from their coverage_tx_shares rows.
-- Dynamic SQL so that each call is planned for its own ids.
CREATE OR REPLACE FUNCTION coverage_buckets_write(ids text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format($q$
  INSERT INTO coverage_tx_buckets (country, basis, activity_id, currency, year, first_date, last_date, undated, amount)
  SELECT s.country, CASE WHEN s.type = '2' THEN 'commitment' ELSE 'disbursement' END, s.activity_id, s.currency, s.year,
    min(s.date), max(s.date), (count(*) - count(s.date))::int, sum(s.amount)
  FROM coverage_tx_shares s
  WHERE %1$s
  GROUP BY 1, 2, 3, 4, 5
  %2$s
  $q$, CASE WHEN ids IS NULL THEN 'true' ELSE 's.activity_id = ANY ($1)' END,
       CASE WHEN ids IS NULL THEN 'ORDER BY 1, 2, 3' ELSE '' END)
  USING ids;
END
$$;
--> statement-breakpoint
-- The refresh of coverage-shares.sql, now writing the buckets too.
CREATE OR REPLACE FUNCTION coverage_shares_refresh(ids text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF ids IS NULL OR cardinality(ids) = 0 THEN RETURN; END IF;
  DELETE FROM coverage_tx_shares s WHERE s.activity_id = ANY (ids);
  DELETE FROM coverage_tx_buckets b WHERE b.activity_id = ANY (ids);
  PERFORM coverage_shares_write(ids);
  PERFORM coverage_buckets_write(ids);
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION coverage_shares_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM coverage_tx_shares;
  DELETE FROM coverage_tx_buckets;
  PERFORM coverage_shares_write(NULL);
  PERFORM coverage_buckets_write(NULL);
END
$$;

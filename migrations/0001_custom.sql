-- Custom SQL migration file, put your code below! --
-- from src/db/custom/coverage-indexes.sql
-- Covering indexes for the coverage statements (src/modules/coverage/coverage.queries.ts), so that their reads
-- of links and activities are index-only range reads instead of one heap page per row (at L, KE's 30,659
-- counted links lie on 23,500 heap pages of links, its 18,293 linked activities on as many pages of
-- activities). Written here rather than in the schema files because drizzle-kit does not express INCLUDE.
-- The live links of a country (cl0) and of a set of activities (alignment).
CREATE INDEX IF NOT EXISTS coverage_links_country ON links (country, status)
  INCLUDE (activity_id, recommendation_id, weight, confidence) WHERE retired_at IS NULL;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS coverage_links_activity ON links (activity_id)
  INCLUDE (recommendation_id, country, weight, status, confidence) WHERE retired_at IS NULL;
--> statement-breakpoint
-- What act0 reads of an activity: its donor, import run and dates, by identifier and by donor.
CREATE INDEX IF NOT EXISTS coverage_activities_id ON activities (iati_identifier)
  INCLUDE (reporting_org_ref, import_run_id, actual_start, planned_start, actual_end, planned_end);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS coverage_activities_donor ON activities (reporting_org_ref)
  INCLUDE (iati_identifier, import_run_id, actual_start, planned_start, actual_end, planned_end);
--> statement-breakpoint
-- The alignment's recommendations (every one its donor's links reach): id and import run, index-only.
CREATE INDEX IF NOT EXISTS coverage_recommendations_id ON recommendations (id) INCLUDE (import_run_id);

--> statement-breakpoint

-- from src/db/custom/coverage-inputs.sql
-- Coverage answers are cached and ETagged on coverage_inputs; every table a coverage answer reads bumps its
-- counter in the same transaction as the change (statement level: one bump per statement, however many rows).
CREATE OR REPLACE FUNCTION coverage_input_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO coverage_inputs (source, version, changed_at) VALUES (TG_TABLE_NAME, 1, now())
  ON CONFLICT (source) DO UPDATE SET version = coverage_inputs.version + 1, changed_at = now();
  RETURN NULL;
END
$$;
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['activities', 'activity_recipient_countries', 'activity_recipient_regions', 'transactions',
    'recommendations', 'links', 'suggestions', 'exchange_rates', 'import_runs', 'organisations', 'instruments',
    'theme_instrument', 'codelist_items']
  LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION coverage_input_changed()',
      t || '_coverage_input', t);
  END LOOP;
END
$$;

--> statement-breakpoint

-- from src/db/custom/coverage-shares.sql
-- coverage_tx_shares (src/db/schema/coverage.ts): each basis transaction (types 2, 3, 4) × each country it
-- counts in, value × share, kept current by statement-level triggers on transactions and recipient countries /
-- regions in the writer's own transaction. The share rule is the coverage method's (docs/coverage.md, 1), the
-- very expression the coverage statements used to evaluate per request, so the stored amounts are the same
-- exact numerics. Touching any child row of an activity recomputes all of that activity's rows.
CREATE INDEX IF NOT EXISTS coverage_tx_shares_country ON coverage_tx_shares (country, activity_id, type, date)
  INCLUDE (year, currency, amount);
--> statement-breakpoint
-- Its key (one row per transaction and country), covering too: an activity's rows for the alignment and the
-- triggers' delete.
CREATE UNIQUE INDEX IF NOT EXISTS coverage_tx_shares_activity ON coverage_tx_shares (activity_id, "position", country)
  INCLUDE (type, date, year, currency, amount);
--> statement-breakpoint
-- Writes the rows of the activities `ids` (NULL: of every activity). Dynamic SQL so that each call is planned
-- with its own ids (an index probe per activity), never with a generic plan that would scan every transaction.
CREATE OR REPLACE FUNCTION coverage_shares_write(ids text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  f text := CASE WHEN ids IS NULL THEN 'true' ELSE '%1$s.activity_id = ANY ($1)' END;
BEGIN
  EXECUTE format($q$
  INSERT INTO coverage_tx_shares (activity_id, "position", country, type, date, year, currency, amount)
  WITH geo AS (
    SELECT c.activity_id, c.code, c.percentage AS p, true AS is_country FROM activity_recipient_countries c WHERE %1$s
    UNION ALL
    SELECT r.activity_id, r.code, r.percentage, false FROM activity_recipient_regions r WHERE %2$s
  ),
  gs AS (
    SELECT g.activity_id, count(*) AS n, coalesce(sum(g.p), 0) AS s, count(*) - count(g.p) AS m,
      CASE WHEN count(*) > count(g.p) THEN greatest(100 - coalesce(sum(g.p), 0), 0) / (count(*) - count(g.p)) ELSE 0 END AS rem
    FROM geo g GROUP BY g.activity_id
  ),
  share AS (
    SELECT g.activity_id, g.code AS country,
      CASE WHEN gs.s + gs.m * gs.rem > 0 THEN sum(coalesce(g.p, gs.rem)) / (gs.s + gs.m * gs.rem) ELSE count(*)::numeric / gs.n END AS share
    FROM geo g JOIN gs USING (activity_id)
    WHERE g.is_country
    GROUP BY g.activity_id, g.code, gs.s, gs.m, gs.rem, gs.n
  ),
  x AS (
    SELECT t.activity_id, t.position, coalesce(t.recipient_country, sh.country) AS country, t.type, t.date,
      extract(year FROM coalesce(t.value_date, t.date))::int AS year, coalesce(t.currency, 'XXX') AS currency,
      t.value * (CASE WHEN t.recipient_country IS NOT NULL THEN 1 ELSE sh.share END) AS amount
    FROM transactions t
    LEFT JOIN share sh ON t.recipient_country IS NULL AND sh.activity_id = t.activity_id
    WHERE %3$s AND t.type IN ('2', '3', '4')
      AND (t.recipient_country IS NOT NULL OR sh.share IS NOT NULL)
  )
  SELECT * FROM x %4$s
  $q$, format(f, 'c'), format(f, 'r'), format(f, 't'), CASE WHEN ids IS NULL THEN 'ORDER BY country, activity_id' ELSE '' END)
  USING ids;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION coverage_shares_refresh(ids text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF ids IS NULL OR cardinality(ids) = 0 THEN RETURN; END IF;
  DELETE FROM coverage_tx_shares s WHERE s.activity_id = ANY (ids);
  PERFORM coverage_shares_write(ids);
END
$$;
--> statement-breakpoint
-- Everything again (after a bulk load with triggers off, or a TRUNCATE of an input), stored in country order.
CREATE OR REPLACE FUNCTION coverage_shares_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM coverage_tx_shares;
  PERFORM coverage_shares_write(NULL);
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION coverage_shares_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A bulk writer (the IATI importer) that rewrites several child tables of the same activities may defer the
  -- refresh within its transaction and call coverage_shares_refresh once for them all (src/importers/iati/write.ts).
  IF TG_OP <> 'TRUNCATE' AND current_setting('oda.defer_coverage_shares', true) = 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    PERFORM coverage_shares_refresh(ARRAY(SELECT DISTINCT n.activity_id FROM coverage_shares_new n));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM coverage_shares_refresh(ARRAY(SELECT DISTINCT o.activity_id FROM coverage_shares_old o));
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM coverage_shares_refresh(ARRAY(
      SELECT n.activity_id FROM coverage_shares_new n UNION SELECT o.activity_id FROM coverage_shares_old o));
  ELSE -- TRUNCATE
    PERFORM coverage_shares_rebuild();
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['transactions', 'activity_recipient_countries', 'activity_recipient_regions']
  LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS coverage_shares_new FOR EACH STATEMENT EXECUTE FUNCTION coverage_shares_changed()', t || '_shares_ins', t);
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS coverage_shares_old NEW TABLE AS coverage_shares_new FOR EACH STATEMENT EXECUTE FUNCTION coverage_shares_changed()', t || '_shares_upd', t);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS coverage_shares_old FOR EACH STATEMENT EXECUTE FUNCTION coverage_shares_changed()', t || '_shares_del', t);
    EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION coverage_shares_changed()', t || '_shares_trunc', t);
  END LOOP;
END
$$;

--> statement-breakpoint

-- from src/db/custom/link-history-guard.sql
-- link_history is append-only: an audit trail that nobody, not even the service, may rewrite.
CREATE OR REPLACE FUNCTION link_history_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'link_history rows are never updated or deleted' USING ERRCODE = '42501';
END
$$;
--> statement-breakpoint
CREATE TRIGGER link_history_no_update_delete BEFORE UPDATE OR DELETE ON link_history
  FOR EACH ROW EXECUTE FUNCTION link_history_immutable();
--> statement-breakpoint
CREATE TRIGGER link_history_no_truncate BEFORE TRUNCATE ON link_history
  FOR EACH STATEMENT EXECUTE FUNCTION link_history_immutable();

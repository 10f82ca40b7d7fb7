-- Custom SQL migration file, put your code below! --
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

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

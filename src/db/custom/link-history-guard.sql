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

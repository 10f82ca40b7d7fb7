-- Custom SQL migration file, put your code below! --
-- How many recommendations there are ('all'), how many have each mechanism, body, cycle and response, carry each
-- value of the multi-valued facets (theme, affected person, SDG goal and target, recommending State) and speak to
-- each instrument. GET /v1/recommendations answers the exact `total` of a list filtered by one of these alone (or
-- by nothing) from here, and GET /v1/facets without filters its counts: counting the matches of a GIN index means
-- visiting every matching heap page (about 120 ms for 40,000 of 270,000 recommendations), a row of this table is
-- one index lookup.
-- Kept exact in the same transaction as the change: statement-level triggers with transition tables on
-- recommendations (insert, update, delete: + the new rows' values, − the old rows'), a TRUNCATE rebuilds, and a
-- change of the instruments or the theme–instrument crosswalk recounts the instrument facet.
CREATE TABLE IF NOT EXISTS recommendation_facet_counts (
  facet text NOT NULL,
  value text NOT NULL,
  n integer NOT NULL,
  PRIMARY KEY (facet, value)
);
--> statement-breakpoint
-- The facet values of one recommendation. Instruments follow the one rule of obligations.queries.ts: a Treaty
-- Body recommendation speaks to the instrument its body reviews, a UPR or Special Procedures one to every
-- instrument one of its themes maps to in the crosswalk.
CREATE OR REPLACE FUNCTION recommendation_facet_values(
  p_mechanism text, p_body text, p_cycle integer, p_response text,
  p_themes text[], p_persons text[], p_goals text[], p_targets text[], p_states text[]
) RETURNS TABLE (facet text, value text) LANGUAGE sql STABLE AS $$
  SELECT 'all', ''
  UNION ALL SELECT 'mechanism', p_mechanism
  UNION ALL SELECT 'body', p_body
  UNION ALL SELECT 'cycle', p_cycle::text WHERE p_cycle IS NOT NULL
  UNION ALL SELECT 'response', p_response WHERE p_response IS NOT NULL
  UNION ALL SELECT 'theme', t FROM (SELECT DISTINCT unnest(p_themes) AS t) x
  UNION ALL SELECT 'affectedPerson', t FROM (SELECT DISTINCT unnest(p_persons) AS t) x
  UNION ALL SELECT 'sdgGoal', t FROM (SELECT DISTINCT unnest(p_goals) AS t) x
  UNION ALL SELECT 'sdgTarget', t FROM (SELECT DISTINCT unnest(p_targets) AS t) x
  UNION ALL SELECT 'recommendingState', t FROM (SELECT DISTINCT unnest(p_states) AS t) x
  UNION ALL SELECT 'instrument', i.code FROM instruments i WHERE p_mechanism = 'TB' AND i.recommendation_body = p_body
  UNION ALL SELECT DISTINCT 'instrument', xt.instrument FROM theme_instrument xt
    WHERE p_mechanism <> 'TB' AND xt.theme = ANY (p_themes)
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION recommendation_facet_counts_rebuild(only_facet text DEFAULT NULL) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM recommendation_facet_counts WHERE only_facet IS NULL OR facet = only_facet;
  INSERT INTO recommendation_facet_counts (facet, value, n)
  SELECT v.facet, v.value, count(*)
  FROM recommendations r,
       LATERAL recommendation_facet_values(r.mechanism, r.body, r.cycle, r.response, r.themes, r.affected_persons, r.sdg_goals,
                                          r.sdg_targets, r.recommending_states) v
  WHERE only_facet IS NULL OR v.facet = only_facet
  GROUP BY v.facet, v.value;
END
$$;
--> statement-breakpoint
-- Each statement adds its rows' values (+1 for a new row, −1 for an old one), counters locked in key order so
-- that two writers never wait on each other crosswise. (A transition table exists only for the events that
-- have it, hence one statement per event.)
CREATE OR REPLACE FUNCTION recommendation_facet_counts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO recommendation_facet_counts AS c (facet, value, n)
    SELECT facet, value, sum(n)::int FROM (
    SELECT v.facet, v.value, 1 AS n FROM facet_counts_new r,
      LATERAL recommendation_facet_values(r.mechanism, r.body, r.cycle, r.response, r.themes, r.affected_persons, r.sdg_goals,
                                         r.sdg_targets, r.recommending_states) v
    ) d GROUP BY facet, value HAVING sum(n) <> 0 ORDER BY facet, value
    ON CONFLICT (facet, value) DO UPDATE SET n = c.n + excluded.n;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO recommendation_facet_counts AS c (facet, value, n)
    SELECT facet, value, sum(n)::int FROM (
    SELECT v.facet, v.value, -1 AS n FROM facet_counts_old r,
      LATERAL recommendation_facet_values(r.mechanism, r.body, r.cycle, r.response, r.themes, r.affected_persons, r.sdg_goals,
                                         r.sdg_targets, r.recommending_states) v
    ) d GROUP BY facet, value HAVING sum(n) <> 0 ORDER BY facet, value
    ON CONFLICT (facet, value) DO UPDATE SET n = c.n + excluded.n;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO recommendation_facet_counts AS c (facet, value, n)
    SELECT facet, value, sum(n)::int FROM (
    SELECT v.facet, v.value, 1 AS n FROM facet_counts_new r,
      LATERAL recommendation_facet_values(r.mechanism, r.body, r.cycle, r.response, r.themes, r.affected_persons, r.sdg_goals,
                                         r.sdg_targets, r.recommending_states) v
    UNION ALL
    SELECT v.facet, v.value, -1 AS n FROM facet_counts_old r,
      LATERAL recommendation_facet_values(r.mechanism, r.body, r.cycle, r.response, r.themes, r.affected_persons, r.sdg_goals,
                                         r.sdg_targets, r.recommending_states) v
    ) d GROUP BY facet, value HAVING sum(n) <> 0 ORDER BY facet, value
    ON CONFLICT (facet, value) DO UPDATE SET n = c.n + excluded.n;
  ELSE -- TRUNCATE
    PERFORM recommendation_facet_counts_rebuild();
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER recommendations_facet_counts_ins AFTER INSERT ON recommendations
  REFERENCING NEW TABLE AS facet_counts_new FOR EACH STATEMENT EXECUTE FUNCTION recommendation_facet_counts_changed();
--> statement-breakpoint
CREATE TRIGGER recommendations_facet_counts_upd AFTER UPDATE ON recommendations
  REFERENCING OLD TABLE AS facet_counts_old NEW TABLE AS facet_counts_new
  FOR EACH STATEMENT EXECUTE FUNCTION recommendation_facet_counts_changed();
--> statement-breakpoint
CREATE TRIGGER recommendations_facet_counts_del AFTER DELETE ON recommendations
  REFERENCING OLD TABLE AS facet_counts_old FOR EACH STATEMENT EXECUTE FUNCTION recommendation_facet_counts_changed();
--> statement-breakpoint
CREATE TRIGGER recommendations_facet_counts_trunc AFTER TRUNCATE ON recommendations
  FOR EACH STATEMENT EXECUTE FUNCTION recommendation_facet_counts_changed();
--> statement-breakpoint
-- The instrument facet follows the instruments and the crosswalk: any change to either recounts it.
CREATE OR REPLACE FUNCTION recommendation_facet_instruments_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM recommendation_facet_counts_rebuild('instrument');
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER instruments_facet_counts AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON instruments
  FOR EACH STATEMENT EXECUTE FUNCTION recommendation_facet_instruments_changed();
--> statement-breakpoint
CREATE TRIGGER theme_instrument_facet_counts AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON theme_instrument
  FOR EACH STATEMENT EXECUTE FUNCTION recommendation_facet_instruments_changed();
--> statement-breakpoint
-- Recommendations already stored when this migration runs.
SELECT recommendation_facet_counts_rebuild();

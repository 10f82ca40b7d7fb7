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

CREATE TABLE "activities" (
	"iati_identifier" text PRIMARY KEY NOT NULL,
	"reporting_org_ref" text,
	"reporting_org_name" text,
	"reporting_org_type" text,
	"title" text,
	"description" text,
	"titles" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"descriptions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" text,
	"default_currency" text,
	"humanitarian" boolean,
	"last_updated" timestamp with time zone,
	"iati_version" text,
	"dataset" text,
	"planned_start" date,
	"actual_start" date,
	"planned_end" date,
	"actual_end" date,
	"country_codes" text[] DEFAULT '{}'::text[] NOT NULL,
	"sector_codes" text[] DEFAULT '{}'::text[] NOT NULL,
	"sdg_goals" text[] DEFAULT '{}'::text[] NOT NULL,
	"sdg_targets" text[] DEFAULT '{}'::text[] NOT NULL,
	"content_hash" text NOT NULL,
	"import_run_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (to_tsvector('english', coalesce("activities"."title", '') || ' ' || coalesce("activities"."description", ''))) STORED
);
--> statement-breakpoint
CREATE TABLE "activity_participating_orgs" (
	"activity_id" text NOT NULL,
	"position" integer NOT NULL,
	"role" text,
	"ref" text,
	"type" text,
	"name" text,
	CONSTRAINT "activity_participating_orgs_activity_id_position_pk" PRIMARY KEY("activity_id","position")
);
--> statement-breakpoint
CREATE TABLE "activity_policy_markers" (
	"activity_id" text NOT NULL,
	"position" integer NOT NULL,
	"vocabulary" text DEFAULT '1' NOT NULL,
	"code" text NOT NULL,
	"significance" integer,
	CONSTRAINT "activity_policy_markers_activity_id_position_pk" PRIMARY KEY("activity_id","position")
);
--> statement-breakpoint
CREATE TABLE "activity_recipient_countries" (
	"activity_id" text NOT NULL,
	"position" integer NOT NULL,
	"code" text NOT NULL,
	"percentage" numeric,
	CONSTRAINT "activity_recipient_countries_activity_id_position_pk" PRIMARY KEY("activity_id","position")
);
--> statement-breakpoint
CREATE TABLE "activity_recipient_regions" (
	"activity_id" text NOT NULL,
	"position" integer NOT NULL,
	"code" text NOT NULL,
	"vocabulary" text DEFAULT '1' NOT NULL,
	"percentage" numeric,
	CONSTRAINT "activity_recipient_regions_activity_id_position_pk" PRIMARY KEY("activity_id","position")
);
--> statement-breakpoint
CREATE TABLE "activity_sectors" (
	"activity_id" text NOT NULL,
	"position" integer NOT NULL,
	"vocabulary" text DEFAULT '1' NOT NULL,
	"code" text NOT NULL,
	"percentage" numeric,
	CONSTRAINT "activity_sectors_activity_id_position_pk" PRIMARY KEY("activity_id","position")
);
--> statement-breakpoint
CREATE TABLE "activity_tags" (
	"activity_id" text NOT NULL,
	"position" integer NOT NULL,
	"vocabulary" text NOT NULL,
	"code" text NOT NULL,
	CONSTRAINT "activity_tags_activity_id_position_pk" PRIMARY KEY("activity_id","position")
);
--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"prefix" text NOT NULL,
	"hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	"last_used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "budgets" (
	"activity_id" text NOT NULL,
	"position" integer NOT NULL,
	"type" text,
	"status" text,
	"period_start" date,
	"period_end" date,
	"value" numeric NOT NULL,
	"currency" text,
	"value_date" date,
	CONSTRAINT "budgets_activity_id_position_pk" PRIMARY KEY("activity_id","position")
);
--> statement-breakpoint
CREATE TABLE "codelist_items" (
	"list" text NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"name_fr" text,
	"description" text,
	"category" text,
	"withdrawn" boolean DEFAULT false NOT NULL,
	CONSTRAINT "codelist_items_list_code_pk" PRIMARY KEY("list","code")
);
--> statement-breakpoint
CREATE TABLE "countries" (
	"code" text PRIMARY KEY NOT NULL,
	"alpha3" text,
	"name" text NOT NULL,
	"withdrawn" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "country_aliases" (
	"alias" text PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"source" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "import_problems" (
	"run_id" text NOT NULL,
	"seq" integer NOT NULL,
	"severity" text NOT NULL,
	"line" integer,
	"record_id" text,
	"field" text,
	"message" text NOT NULL,
	CONSTRAINT "import_problems_run_id_seq_pk" PRIMARY KEY("run_id","seq")
);
--> statement-breakpoint
CREATE TABLE "import_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"file_name" text NOT NULL,
	"sha256" text,
	"bytes" bigint,
	"mode" text NOT NULL,
	"dry_run" boolean DEFAULT false NOT NULL,
	"status" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"counts" jsonb NOT NULL,
	"options" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"actor" text,
	"message" text
);
--> statement-breakpoint
CREATE TABLE "organisations" (
	"ref" text PRIMARY KEY NOT NULL,
	"name" text,
	"type" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recommendation_sources" (
	"recommendation_id" text NOT NULL,
	"importer" text NOT NULL,
	"source_ref" text NOT NULL,
	"import_run_id" text,
	"content_hash" text NOT NULL,
	"themes" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "recommendation_sources_importer_source_ref_pk" PRIMARY KEY("importer","source_ref")
);
--> statement-breakpoint
CREATE TABLE "recommendations" (
	"id" text PRIMARY KEY NOT NULL,
	"country" text NOT NULL,
	"mechanism" text NOT NULL,
	"body" text NOT NULL,
	"session" integer,
	"cycle" integer,
	"response" text,
	"action_category" integer,
	"recommending_states" text[] DEFAULT '{}'::text[] NOT NULL,
	"recommending_state_names" text[] DEFAULT '{}'::text[] NOT NULL,
	"themes" text[] DEFAULT '{}'::text[] NOT NULL,
	"affected_persons" text[] DEFAULT '{}'::text[] NOT NULL,
	"sdg_targets" text[] DEFAULT '{}'::text[] NOT NULL,
	"sdg_goals" text[] DEFAULT '{}'::text[] NOT NULL,
	"text" text NOT NULL,
	"text_html" text,
	"document_symbol" text,
	"paragraph" text,
	"annotation_type" text,
	"published_on" date,
	"regions" text[] DEFAULT '{}'::text[] NOT NULL,
	"document_id" text,
	"content_hash" text NOT NULL,
	"import_run_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (to_tsvector('english', coalesce("recommendations"."text", ''))) STORED
);
--> statement-breakpoint
CREATE TABLE "transactions" (
	"activity_id" text NOT NULL,
	"position" integer NOT NULL,
	"type" text NOT NULL,
	"date" date,
	"value" numeric NOT NULL,
	"currency" text,
	"value_date" date,
	"recipient_country" text,
	"recipient_region" text,
	"sector_vocabulary" text,
	"sector_code" text,
	"description" text,
	CONSTRAINT "transactions_activity_id_position_pk" PRIMARY KEY("activity_id","position")
);
--> statement-breakpoint
CREATE TABLE "instruments" (
	"code" text PRIMARY KEY NOT NULL,
	"position" integer NOT NULL,
	"name" text NOT NULL,
	"short_name" text NOT NULL,
	"kind" text NOT NULL,
	"parent" text,
	"body" text NOT NULL,
	"body_name" text NOT NULL,
	"recommendation_body" text,
	"adopted_on" date NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ratifications" (
	"country" text NOT NULL,
	"instrument" text NOT NULL,
	"source" text NOT NULL,
	"source_as_of" date NOT NULL,
	"status" text NOT NULL,
	"date" date,
	"year" integer,
	"signed_on" date,
	"source_name" text NOT NULL,
	"note" text,
	CONSTRAINT "ratifications_country_instrument_source_pk" PRIMARY KEY("country","instrument","source")
);
--> statement-breakpoint
CREATE TABLE "theme_instrument" (
	"vocabulary" text NOT NULL,
	"theme" text NOT NULL,
	"instrument" text NOT NULL,
	"articles" text[] DEFAULT '{}'::text[] NOT NULL,
	"reason" text NOT NULL,
	CONSTRAINT "theme_instrument_vocabulary_theme_instrument_pk" PRIMARY KEY("vocabulary","theme","instrument")
);
--> statement-breakpoint
CREATE TABLE "theme_unmapped" (
	"vocabulary" text NOT NULL,
	"theme" text NOT NULL,
	"reason" text NOT NULL,
	CONSTRAINT "theme_unmapped_vocabulary_theme_pk" PRIMARY KEY("vocabulary","theme")
);
--> statement-breakpoint
CREATE TABLE "exchange_rates" (
	"currency" text NOT NULL,
	"year" integer NOT NULL,
	"units_per_usd" numeric NOT NULL,
	"source" text NOT NULL,
	"origin" text NOT NULL,
	"import_run_id" text,
	"loaded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "exchange_rates_currency_year_pk" PRIMARY KEY("currency","year"),
	CONSTRAINT "exchange_rates_positive" CHECK ("exchange_rates"."units_per_usd" > 0),
	CONSTRAINT "exchange_rates_origin" CHECK ("exchange_rates"."origin" in ('bundled', 'loaded'))
);
--> statement-breakpoint
CREATE TABLE "link_history" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "link_history_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"link_id" text NOT NULL,
	"action" text NOT NULL,
	"actor" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"request_id" text,
	"before" jsonb,
	"after" jsonb
);
--> statement-breakpoint
CREATE TABLE "links" (
	"id" text PRIMARY KEY NOT NULL,
	"activity_id" text NOT NULL,
	"recommendation_id" text NOT NULL,
	"country" text NOT NULL,
	"weight" numeric DEFAULT 1 NOT NULL,
	"status" text DEFAULT 'accepted' NOT NULL,
	"method" text DEFAULT 'manual' NOT NULL,
	"confidence" numeric,
	"rationale" text NOT NULL,
	"evidence_url" text,
	"evidence" jsonb,
	"suggestion_id" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"retired_at" timestamp with time zone,
	"retired_by" text,
	CONSTRAINT "links_weight_range" CHECK ("links"."weight" > 0 and "links"."weight" <= 1),
	CONSTRAINT "links_status" CHECK ("links"."status" in ('accepted', 'suggested', 'rejected'))
);
--> statement-breakpoint
CREATE TABLE "suggestion_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"country" text NOT NULL,
	"methods" text[] NOT NULL,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"actor" text,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"pairs_considered" bigint DEFAULT 0 NOT NULL,
	"suggestions_stored" integer DEFAULT 0 NOT NULL,
	"seconds" numeric
);
--> statement-breakpoint
CREATE TABLE "suggestions" (
	"id" text PRIMARY KEY NOT NULL,
	"activity_id" text NOT NULL,
	"recommendation_id" text NOT NULL,
	"country" text NOT NULL,
	"score" numeric NOT NULL,
	"methods" text[] NOT NULL,
	"evidence" jsonb NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"run_id" text,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"decision_reason" text,
	"link_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "suggestions_status" CHECK ("suggestions"."status" in ('open', 'accepted', 'rejected'))
);
--> statement-breakpoint
CREATE TABLE "coverage_inputs" (
	"source" text PRIMARY KEY NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "coverage_tx_shares" (
	"activity_id" text NOT NULL,
	"position" integer NOT NULL,
	"country" text NOT NULL,
	"type" text NOT NULL,
	"date" date,
	"year" integer,
	"currency" text NOT NULL,
	"amount" numeric NOT NULL
);
--> statement-breakpoint
ALTER TABLE "activities" ADD CONSTRAINT "activities_import_run_id_import_runs_id_fk" FOREIGN KEY ("import_run_id") REFERENCES "public"."import_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activity_participating_orgs" ADD CONSTRAINT "activity_participating_orgs_activity_id_activities_iati_identifier_fk" FOREIGN KEY ("activity_id") REFERENCES "public"."activities"("iati_identifier") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activity_policy_markers" ADD CONSTRAINT "activity_policy_markers_activity_id_activities_iati_identifier_fk" FOREIGN KEY ("activity_id") REFERENCES "public"."activities"("iati_identifier") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activity_recipient_countries" ADD CONSTRAINT "activity_recipient_countries_activity_id_activities_iati_identifier_fk" FOREIGN KEY ("activity_id") REFERENCES "public"."activities"("iati_identifier") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activity_recipient_regions" ADD CONSTRAINT "activity_recipient_regions_activity_id_activities_iati_identifier_fk" FOREIGN KEY ("activity_id") REFERENCES "public"."activities"("iati_identifier") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activity_sectors" ADD CONSTRAINT "activity_sectors_activity_id_activities_iati_identifier_fk" FOREIGN KEY ("activity_id") REFERENCES "public"."activities"("iati_identifier") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activity_tags" ADD CONSTRAINT "activity_tags_activity_id_activities_iati_identifier_fk" FOREIGN KEY ("activity_id") REFERENCES "public"."activities"("iati_identifier") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "budgets" ADD CONSTRAINT "budgets_activity_id_activities_iati_identifier_fk" FOREIGN KEY ("activity_id") REFERENCES "public"."activities"("iati_identifier") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_problems" ADD CONSTRAINT "import_problems_run_id_import_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."import_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recommendation_sources" ADD CONSTRAINT "recommendation_sources_recommendation_id_recommendations_id_fk" FOREIGN KEY ("recommendation_id") REFERENCES "public"."recommendations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recommendation_sources" ADD CONSTRAINT "recommendation_sources_import_run_id_import_runs_id_fk" FOREIGN KEY ("import_run_id") REFERENCES "public"."import_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recommendations" ADD CONSTRAINT "recommendations_import_run_id_import_runs_id_fk" FOREIGN KEY ("import_run_id") REFERENCES "public"."import_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transactions" ADD CONSTRAINT "transactions_activity_id_activities_iati_identifier_fk" FOREIGN KEY ("activity_id") REFERENCES "public"."activities"("iati_identifier") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ratifications" ADD CONSTRAINT "ratifications_instrument_instruments_code_fk" FOREIGN KEY ("instrument") REFERENCES "public"."instruments"("code") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "theme_instrument" ADD CONSTRAINT "theme_instrument_instrument_instruments_code_fk" FOREIGN KEY ("instrument") REFERENCES "public"."instruments"("code") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exchange_rates" ADD CONSTRAINT "exchange_rates_import_run_id_import_runs_id_fk" FOREIGN KEY ("import_run_id") REFERENCES "public"."import_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "link_history" ADD CONSTRAINT "link_history_link_id_links_id_fk" FOREIGN KEY ("link_id") REFERENCES "public"."links"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "links" ADD CONSTRAINT "links_activity_id_activities_iati_identifier_fk" FOREIGN KEY ("activity_id") REFERENCES "public"."activities"("iati_identifier") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "links" ADD CONSTRAINT "links_recommendation_id_recommendations_id_fk" FOREIGN KEY ("recommendation_id") REFERENCES "public"."recommendations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "suggestions" ADD CONSTRAINT "suggestions_activity_id_activities_iati_identifier_fk" FOREIGN KEY ("activity_id") REFERENCES "public"."activities"("iati_identifier") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "suggestions" ADD CONSTRAINT "suggestions_recommendation_id_recommendations_id_fk" FOREIGN KEY ("recommendation_id") REFERENCES "public"."recommendations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "suggestions" ADD CONSTRAINT "suggestions_run_id_suggestion_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."suggestion_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "activities_reporting_org_ref_index" ON "activities" USING btree ("reporting_org_ref");--> statement-breakpoint
CREATE INDEX "activities_status_index" ON "activities" USING btree ("status");--> statement-breakpoint
CREATE INDEX "activities_country_codes_index" ON "activities" USING gin ("country_codes");--> statement-breakpoint
CREATE INDEX "activities_sector_codes_index" ON "activities" USING gin ("sector_codes");--> statement-breakpoint
CREATE INDEX "activities_sdg_goals_index" ON "activities" USING gin ("sdg_goals");--> statement-breakpoint
CREATE INDEX "activities_sdg_targets_index" ON "activities" USING gin ("sdg_targets");--> statement-breakpoint
CREATE INDEX "activities_search_index" ON "activities" USING gin ("search");--> statement-breakpoint
CREATE INDEX "activity_participating_orgs_ref_index" ON "activity_participating_orgs" USING btree ("ref");--> statement-breakpoint
CREATE INDEX "activity_recipient_countries_code_index" ON "activity_recipient_countries" USING btree ("code");--> statement-breakpoint
CREATE INDEX "activity_sectors_vocabulary_code_index" ON "activity_sectors" USING btree ("vocabulary","code");--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_prefix_index" ON "api_keys" USING btree ("prefix");--> statement-breakpoint
CREATE INDEX "import_runs_kind_started_at_index" ON "import_runs" USING btree ("kind","started_at");--> statement-breakpoint
CREATE INDEX "recommendation_sources_recommendation_id_index" ON "recommendation_sources" USING btree ("recommendation_id");--> statement-breakpoint
CREATE INDEX "recommendations_country_id_index" ON "recommendations" USING btree ("country","id");--> statement-breakpoint
CREATE INDEX "recommendations_country_session_index" ON "recommendations" USING btree ("country","session");--> statement-breakpoint
CREATE INDEX "recommendations_mechanism_index" ON "recommendations" USING btree ("mechanism");--> statement-breakpoint
CREATE INDEX "recommendations_body_index" ON "recommendations" USING btree ("body");--> statement-breakpoint
CREATE INDEX "recommendations_session_index" ON "recommendations" USING btree ("session");--> statement-breakpoint
CREATE INDEX "recommendations_cycle_index" ON "recommendations" USING btree ("cycle");--> statement-breakpoint
CREATE INDEX "recommendations_response_index" ON "recommendations" USING btree ("response");--> statement-breakpoint
CREATE INDEX "recommendations_themes_index" ON "recommendations" USING gin ("themes");--> statement-breakpoint
CREATE INDEX "recommendations_recommending_states_index" ON "recommendations" USING gin ("recommending_states");--> statement-breakpoint
CREATE INDEX "recommendations_sdg_targets_index" ON "recommendations" USING gin ("sdg_targets");--> statement-breakpoint
CREATE INDEX "recommendations_affected_persons_index" ON "recommendations" USING gin ("affected_persons");--> statement-breakpoint
CREATE INDEX "recommendations_sdg_goals_index" ON "recommendations" USING gin ("sdg_goals");--> statement-breakpoint
CREATE INDEX "recommendations_document_symbol_index" ON "recommendations" USING btree ("document_symbol");--> statement-breakpoint
CREATE INDEX "recommendations_annotation_type_index" ON "recommendations" USING btree ("annotation_type");--> statement-breakpoint
CREATE INDEX "recommendations_published_on_index" ON "recommendations" USING btree ("published_on");--> statement-breakpoint
CREATE INDEX "recommendations_search_index" ON "recommendations" USING gin ("search");--> statement-breakpoint
CREATE INDEX "transactions_recipient_country_index" ON "transactions" USING btree ("recipient_country");--> statement-breakpoint
CREATE INDEX "transactions_type_date_index" ON "transactions" USING btree ("type","date");--> statement-breakpoint
CREATE INDEX "instruments_recommendation_body_index" ON "instruments" USING btree ("recommendation_body");--> statement-breakpoint
CREATE INDEX "ratifications_instrument_status_index" ON "ratifications" USING btree ("instrument","status");--> statement-breakpoint
CREATE INDEX "theme_instrument_instrument_index" ON "theme_instrument" USING btree ("instrument");--> statement-breakpoint
CREATE INDEX "theme_instrument_theme_index" ON "theme_instrument" USING btree ("theme");--> statement-breakpoint
CREATE INDEX "exchange_rates_year_index" ON "exchange_rates" USING btree ("year");--> statement-breakpoint
CREATE INDEX "link_history_link_id_id_index" ON "link_history" USING btree ("link_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "links_live_pair" ON "links" USING btree ("activity_id","recommendation_id") WHERE retired_at is null;--> statement-breakpoint
CREATE INDEX "links_country_status_index" ON "links" USING btree ("country","status");--> statement-breakpoint
CREATE INDEX "links_recommendation_id_index" ON "links" USING btree ("recommendation_id");--> statement-breakpoint
CREATE INDEX "links_activity_id_index" ON "links" USING btree ("activity_id");--> statement-breakpoint
CREATE UNIQUE INDEX "suggestions_activity_id_recommendation_id_index" ON "suggestions" USING btree ("activity_id","recommendation_id");--> statement-breakpoint
CREATE INDEX "suggestions_country_status_score_index" ON "suggestions" USING btree ("country","status","score");--> statement-breakpoint
CREATE INDEX "suggestions_recommendation_id_index" ON "suggestions" USING btree ("recommendation_id");
CREATE TABLE "coverage_tx_buckets" (
	"country" text NOT NULL,
	"basis" text NOT NULL,
	"activity_id" text NOT NULL,
	"currency" text NOT NULL,
	"year" integer,
	"first_date" date,
	"last_date" date,
	"undated" integer NOT NULL,
	"amount" numeric NOT NULL
);

CREATE TABLE "received_alerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"fingerprint" text NOT NULL,
	"alertname" text NOT NULL,
	"status" text NOT NULL,
	"labels" jsonb NOT NULL,
	"annotations" jsonb NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"disposition" text NOT NULL,
	"disposition_reason" text,
	"case_id" uuid,
	"run_id" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dedupe_claims" (
	"key" text PRIMARY KEY NOT NULL,
	"identity_key" text NOT NULL,
	"family" text NOT NULL,
	"alertname" text NOT NULL,
	"bucket" text NOT NULL,
	"state" text NOT NULL,
	"owner" text NOT NULL,
	"receipt_id" text NOT NULL,
	"lease_until" timestamp with time zone NOT NULL,
	"attempts" integer DEFAULT 1 NOT NULL,
	"report_key" text,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "cases" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"identity_key" text NOT NULL,
	"identity_kind" text NOT NULL,
	"cluster" text DEFAULT '' NOT NULL,
	"namespace" text,
	"title" text NOT NULL,
	"alertname" text NOT NULL,
	"family" text NOT NULL,
	"severity" text,
	"team" text,
	"service" text,
	"target_type" text,
	"target_name" text,
	"status" text DEFAULT 'open' NOT NULL,
	"snoozed_until" timestamp with time zone,
	"classification" text,
	"one_liner" text,
	"impact" integer,
	"confidence" integer,
	"noise" integer,
	"latest_run_id" uuid,
	"run_count" integer DEFAULT 0 NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolution" jsonb,
	"labels" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple', coalesce("title", '') || ' ' || coalesce("alertname", '') || ' ' || coalesce("namespace", '') || ' ' || coalesce("service", '') || ' ' || coalesce("target_name", '') || ' ' || coalesce("one_liner", ''))) STORED
);
--> statement-breakpoint
CREATE TABLE "investigation_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"dedupe_key" text NOT NULL,
	"alert_fingerprint" text NOT NULL,
	"alertname" text NOT NULL,
	"family" text NOT NULL,
	"status" text NOT NULL,
	"classification" text,
	"one_liner" text,
	"report_key" text,
	"worker" text NOT NULL,
	"alert_starts_at" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone DEFAULT now() NOT NULL,
	"duration_ms" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dead_letters" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"reason" text NOT NULL,
	"deliveries" integer NOT NULL,
	"receipt_id" uuid,
	"job" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "investigation_runs" ADD CONSTRAINT "investigation_runs_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "received_alerts_disposition_idx" ON "received_alerts" USING btree ("disposition");--> statement-breakpoint
CREATE INDEX "received_alerts_fingerprint_idx" ON "received_alerts" USING btree ("fingerprint");--> statement-breakpoint
CREATE INDEX "received_alerts_received_at_idx" ON "received_alerts" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "dedupe_claims_identity_idx" ON "dedupe_claims" USING btree ("identity_key");--> statement-breakpoint
CREATE UNIQUE INDEX "cases_identity_key_uq" ON "cases" USING btree ("identity_key");--> statement-breakpoint
CREATE INDEX "cases_status_last_seen_idx" ON "cases" USING btree ("status","last_seen_at");--> statement-breakpoint
CREATE INDEX "cases_last_seen_idx" ON "cases" USING btree ("last_seen_at");--> statement-breakpoint
CREATE INDEX "cases_family_idx" ON "cases" USING btree ("family");--> statement-breakpoint
CREATE INDEX "cases_search_idx" ON "cases" USING gin ("search");--> statement-breakpoint
CREATE INDEX "investigation_runs_case_idx" ON "investigation_runs" USING btree ("case_id","finished_at");--> statement-breakpoint
CREATE INDEX "investigation_runs_dedupe_key_idx" ON "investigation_runs" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "dead_letters_created_idx" ON "dead_letters" USING btree ("created_at");